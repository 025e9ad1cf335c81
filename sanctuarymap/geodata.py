"""Boundaries from geodata/: 2017 Census states and counties, and city points."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from sanctuarymap import records

STATES_FILE = "census-states-2017.geojson"
COUNTIES_FILE = "census-counties-2017.geojson"
CITIES_FILE = "wikipedia-city-points.csv"
CRS = "EPSG:4326"


@dataclass
class Boundaries:
    states: gpd.GeoDataFrame
    counties: gpd.GeoDataFrame
    cities: gpd.GeoDataFrame

    def layer(self, name: str) -> gpd.GeoDataFrame:
        return {"states": self.states, "counties": self.counties, "cities": self.cities}[name]

    def shape_keys(self) -> dict[str, set[str]]:
        return {name: set(self.layer(name)["GEOID"]) for name in ("states", "counties", "cities")}


def load(folder: Path) -> Boundaries:
    folder = Path(folder)
    states = gpd.read_file(folder / STATES_FILE)
    counties = gpd.read_file(folder / COUNTIES_FILE)
    points = pd.read_csv(folder / CITIES_FILE, dtype=str, keep_default_na=False)
    cities = gpd.GeoDataFrame(
        points,
        geometry=gpd.points_from_xy(points["longitude"].astype(float), points["latitude"].astype(float)),
        crs=CRS,
    ).rename(columns={"geoid": "GEOID", "name": "NAME", "state": "STUSPS"})
    return Boundaries(states=states, counties=counties, cities=cities)


def drawn_shapes(jurisdictions: pd.DataFrame) -> pd.DataFrame:
    """One row per shape that draws a jurisdiction: jurisdiction_id, name, layer, geoid."""
    rows = [
        (j.jurisdiction_id, display_name(j.name, j.kind, j.state), layer, geoid)
        for j in jurisdictions.itertuples(index=False)
        for layer, geoid in records.drawing_keys(j)
    ]
    return pd.DataFrame(rows, columns=["jurisdiction_id", "name", "layer", "geoid"])


def views(boundaries: Boundaries, drawn: pd.DataFrame) -> pd.DataFrame:
    """Where to look at each drawn jurisdiction: centre latitude, longitude and a zoom level."""
    rows = []
    for jurisdiction_id, shapes in drawn.groupby("jurisdiction_id", sort=False):
        parts = [boundaries.layer(s.layer).loc[lambda d, g=s.geoid: d["GEOID"] == g] for s in shapes.itertuples()]
        frame = pd.concat(parts)
        if frame.empty:
            continue
        minx, miny, maxx, maxy = frame.total_bounds
        span = max(maxx - minx, maxy - miny)
        zoom = 10 if span < 0.05 else 9 if span < 0.5 else 8 if span < 1.5 else 6 if span < 6 else 5
        rows.append((jurisdiction_id, (miny + maxy) / 2, (minx + maxx) / 2, zoom))
    return pd.DataFrame(rows, columns=["jurisdiction_id", "latitude", "longitude", "zoom"]).set_index("jurisdiction_id")


def display_name(name: str, kind: str, state: str) -> str:
    """'Cook County, IL' for a county or city; a state's or the nation's name alone."""
    return name if kind in ("state", "nation") else f"{name}, {state}"
