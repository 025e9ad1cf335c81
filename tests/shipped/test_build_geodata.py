"""scripts/build_geodata.py: GDAL's TopoJSON driver (pyogrio) decodes us-atlas as the build needs.

The build's output as a whole is checked byte for byte against the committed files in
tests/shipped/test_data_files.py; these tests show the parts of TopoJSON it relies on, on tiny topologies.
"""

from __future__ import annotations

import importlib.util
import json

from harness.browser import ROOT


def build_geodata_module():
    # scripts/ is not a package; load the build script by its path.
    spec = importlib.util.spec_from_file_location("build_geodata", ROOT / "scripts" / "build_geodata.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def topology(arcs: list, geometries: list, transform: dict | None = None) -> bytes:
    topo = {"type": "Topology", "arcs": arcs, "objects": {"shapes": {"type": "GeometryCollection", "geometries": geometries}}}
    if transform:
        topo["transform"] = transform
    return json.dumps(topo).encode()


def test_delta_encoded_arcs_are_decoded_with_the_transform_and_a_shared_arc_walked_backwards():
    build = build_geodata_module()
    # A square split by one shared arc (1): walked forward by one polygon, backward (~1) by the other.
    topo = topology(
        [[[0, 0], [0, 2], [2, 0]], [[2, 2], [0, -2]], [[2, 0], [-2, 0]], [[2, 2], [2, 0], [0, -2], [-2, 0]]],
        [
            {"type": "Polygon", "id": "A", "properties": {"name": "a"}, "arcs": [[0, 1, 2]]},
            {"type": "Polygon", "id": "B", "properties": {"name": "b"}, "arcs": [[3, ~1]]},
        ],
        transform={"scale": [1, 1], "translate": [10, 20]},
    )
    (a_id, a_name, a), (b_id, b_name, b) = build.read_topojson(topo, "shapes")
    assert (a_id, a_name, b_id, b_name) == ("A", "a", "B", "b")
    assert a == {"type": "Polygon", "coordinates": [[[10, 20], [10, 22], [12, 22], [12, 20], [10, 20]]]}
    ring = b["coordinates"][0]
    assert ring[0] == ring[-1] == [12, 22]
    assert ring[-2] == [12, 20]  # the shared arc, walked backwards


def test_coordinates_are_rounded_to_four_decimals_and_multipolygons_stay_multipolygons():
    build = build_geodata_module()
    topo = topology(
        [[[0.000012, 0.0], [1.123456789, 0.0], [1.123456789, 1.0], [0.000012, 0.0]], [[5, 5], [6, 5], [6, 6], [5, 5]]],
        [{"type": "MultiPolygon", "id": "X", "properties": {"name": "x"}, "arcs": [[[0]], [[1]]]}],
    )
    ((_, _, geometry),) = build.read_topojson(topo, "shapes")
    assert geometry["type"] == "MultiPolygon"
    assert geometry["coordinates"][0] == [[[0.0, 0.0], [1.1235, 0.0], [1.1235, 1.0], [0.0, 0.0]]]
    assert geometry["coordinates"][1] == [[[5, 5], [6, 5], [6, 6], [5, 5]]]
