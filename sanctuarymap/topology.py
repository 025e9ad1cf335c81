"""Decoding of TopoJSON topologies into GeoJSON features.

Only what us-atlas uses is supported: quantized (delta-encoded) arcs with a
transform, and Polygon / MultiPolygon geometries.
"""

from __future__ import annotations

from typing import Any


def features(topology: dict[str, Any], object_name: str, digits: int = 4) -> list[dict[str, Any]]:
    """GeoJSON features of one geometry collection of ``topology``.

    Coordinates are rounded to ``digits`` decimals so the output is stable
    and small; us-atlas's quantization step is coarser than that already.
    """
    arcs = _decoded_arcs(topology, digits)
    collection = topology["objects"][object_name]
    out = []
    for geometry in collection["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            coordinates: Any = _polygon(geometry["arcs"], arcs)
        elif kind == "MultiPolygon":
            coordinates = [p for p in (_polygon(polygon, arcs) for polygon in geometry["arcs"]) if p]
        elif kind is None:  # null geometry: nothing to draw
            continue
        else:
            raise ValueError(f"{object_name}: unsupported geometry type {kind!r}")
        out.append(
            {
                "type": "Feature",
                "id": geometry.get("id"),
                "properties": dict(geometry.get("properties") or {}),
                "geometry": {"type": kind, "coordinates": coordinates},
            }
        )
    return out


def _decoded_arcs(topology: dict[str, Any], digits: int) -> list[list[list[float]]]:
    transform = topology.get("transform")
    decoded = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append([round(x * sx + tx, digits), round(y * sy + ty, digits)])
        else:
            points = [[round(px, digits), round(py, digits)] for px, py in arc]
        decoded.append(points)
    return decoded


def _ring(indexes: list[int], arcs: list[list[list[float]]]) -> list[list[float]]:
    ring: list[list[float]] = []
    for index in indexes:
        # A negative index is the one's complement of an arc walked backwards.
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point; keep it once.
        ring.extend(points[1:] if ring else points)
    return ring


def _polygon(rings: list[list[int]], arcs: list[list[list[float]]]) -> list[list[list[float]]]:
    out = []
    for indexes in rings:
        ring = _ring(indexes, arcs)
        # Quantization can leave a ring a step short of closing, or collapse it to a sliver.
        if ring[0] != ring[-1]:
            ring.append(ring[0])
        if len(ring) >= 4:
            out.append(ring)
    return out
