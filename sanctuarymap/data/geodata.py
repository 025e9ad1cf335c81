"""Boundaries from geodata/: 2017 Census states and counties, and city points; which shapes draw each jurisdiction.

``read`` returns what is sound in the three files together with the problems of the rest, in the
records' form (``files.Problem``: file, row, column, expected, found); ``load`` does the same but
raises when there is any problem. A file that cannot be read leaves its layer empty and the others
whole. In a GeoJSON file the row is the feature's place in ``features``, counting from 1; in the CSV
file it is the line a spreadsheet shows, the header being row 1.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyproj
import shapely
from pydantic import BaseModel, ConfigDict, field_validator
from shapely.geometry import shape

from sanctuarymap.data import files, kinds, plural, records

STATES_FILE = "census-states-2017.geojson"
COUNTIES_FILE = "census-counties-2017.geojson"
CITIES_FILE = "wikipedia-city-points.csv"
CRS = "EPSG:4326"
MAX_FILE_BYTES = 50 * 1024 * 1024
LAYER_FILES = {"states": STATES_FILE, "counties": COUNTIES_FILE, "cities": CITIES_FILE}
# The properties each GeoJSON layer must give every feature, and the digits of its GEOID.
_PROPERTIES = {"states": ["GEOID", "NAME", "STUSPS"], "counties": ["GEOID", "NAME", "STATEFP", "STUSPS"]}


class GeodataError(ValueError):
    """Raised by ``load`` with every problem found, not just the first."""

    def __init__(self, problems: list[files.Problem]):
        self.problems = problems
        lines = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"{plural.counted(len(problems), 'problem')} in the geodata:\n{lines}")


@dataclass
class Boundaries:
    states: gpd.GeoDataFrame
    counties: gpd.GeoDataFrame
    cities: gpd.GeoDataFrame

    def layer(self, name: str) -> gpd.GeoDataFrame:
        return {"states": self.states, "counties": self.counties, "cities": self.cities}[name]

    def shape_keys(self) -> dict[str, set[str]]:
        return {name: set(self.layer(name)["GEOID"]) for name in LAYER_FILES}


class CityPointRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    geoid: str
    name: str
    state: str
    latitude: float
    longitude: float
    county_geoid: str
    source_url: str

    @field_validator("geoid")
    @classmethod
    def _geoid(cls, v: str) -> str:
        if not re.fullmatch(r"[0-9]{7}", v):
            raise ValueError("a 7-digit Census place GEOID (state FIPS + place code)")
        return v

    @field_validator("county_geoid")
    @classmethod
    def _county(cls, v: str) -> str:
        if not re.fullmatch(r"[0-9]{5}", v):
            raise ValueError("a 5-digit county GEOID")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v:
            raise ValueError("some text")
        return v

    @field_validator("state")
    @classmethod
    def _state(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Z]{2}", v):
            raise ValueError("a two-letter USPS code such as CA")
        return v

    # Decimal degrees only: float() would also take "nan", "inf" and "1e2".
    @field_validator("latitude", mode="before")
    @classmethod
    def _latitude(cls, v: str) -> float:
        return _degrees(v, 90, "latitude")

    @field_validator("longitude", mode="before")
    @classmethod
    def _longitude(cls, v: str) -> float:
        return _degrees(v, 180, "longitude")

    @field_validator("source_url")
    @classmethod
    def _source_url(cls, v: str) -> str:
        broken = records.url_problem(v)
        if broken:
            raise ValueError(f"an http:// or https:// URL with {broken}")
        return v


def _degrees(v: str, limit: int, what: str) -> float:
    text = (v or "").strip()
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        raise ValueError(f"a {what} in decimal degrees, such as -87.6847")
    value = float(text)
    if not -limit <= value <= limit:
        raise ValueError(f"a {what} from -{limit} to {limit} degrees")
    return value


def load(folder: Path) -> Boundaries:
    boundaries, problems = read(folder)
    if problems:
        raise GeodataError(problems)
    return boundaries


def read(folder: Path) -> tuple[Boundaries, list[files.Problem]]:
    """The sound features and points of the three files, and the problems of the rest."""
    folder = Path(folder)
    problems: list[files.Problem] = []
    states = _read_polygons(folder / STATES_FILE, "states", problems)
    counties = _read_polygons(folder / COUNTIES_FILE, "counties", problems)
    cities = _read_points(folder / CITIES_FILE, counties, problems)
    return Boundaries(states=states, counties=counties, cities=cities), problems


def shapes_by_place(boundaries: Boundaries, drawn: pd.DataFrame) -> dict[str, list[Any]]:
    """The geometries that draw each jurisdiction (``drawn``), in longitude/latitude (``CRS``), found by
    layer and GEOID through one index per layer rather than a scan per shape (thousands with every county).
    A jurisdiction none of whose shapes is found is left out."""
    by_key: dict[tuple[str, str], list[Any]] = {}
    for layer in drawn["layer"].unique():
        frame = boundaries.layer(layer)
        for geoid, geometry in zip(frame["GEOID"], frame.geometry):
            by_key.setdefault((layer, geoid), []).append(geometry)
    found: dict[str, list[Any]] = {}
    for jurisdiction_id, shapes in drawn.groupby("jurisdiction_id", sort=False):
        parts = [part for key in zip(shapes["layer"], shapes["geoid"]) for part in by_key.get(key, [])]
        if parts:
            found[str(jurisdiction_id)] = parts
    return found


def place_geometries(boundaries: Boundaries, drawn: pd.DataFrame) -> dict[str, Any]:
    """Each drawn jurisdiction's one geometry (``shapes_by_place``): a state or county is its shape (made
    valid), a city its point, or the union of the county shapes that draw it (San Francisco, New York City ...)."""
    geometries: dict[str, Any] = {}
    for jurisdiction_id, parts in shapes_by_place(boundaries, drawn).items():
        # The quantized shapes can be slightly invalid (a ring touching itself); buffer(0) mends them for
        # the GIS reading a download, and merges the counties that draw one city.
        mended = [p if p.geom_type == "Point" else p.buffer(0) for p in parts]
        geometries[jurisdiction_id] = mended[0] if len(mended) == 1 else shapely.union_all(mended)
    return geometries


def views(boundaries: Boundaries, drawn: pd.DataFrame) -> pd.DataFrame:
    """Where to look at each drawn jurisdiction: centre latitude, longitude and a zoom level."""
    rows = []
    for jurisdiction_id, parts in shapes_by_place(boundaries, drawn).items():
        minx, miny, maxx, maxy = shapely.total_bounds(parts)
        span = max(maxx - minx, maxy - miny)
        # The place with its surroundings, never filling the frame: a city shows with its neighbours and
        # the county around it, a state with the states next to it.
        zoom = 8 if span < 0.5 else 7 if span < 1.5 else 6 if span < 6 else 5
        rows.append((jurisdiction_id, (miny + maxy) / 2, (minx + maxx) / 2, zoom))
    return pd.DataFrame(rows, columns=["jurisdiction_id", "latitude", "longitude", "zoom"]).set_index("jurisdiction_id")


def labels(boundaries: Boundaries, drawn: pd.DataFrame, jurisdictions: pd.DataFrame) -> list[list[Any]]:
    """The names the map writes on itself: every state's, at a point inside its largest part, and every
    city's on record, at its point. Each is [text, latitude, longitude, "state" or "city", west, east],
    west and east bounding the part the name is written on (the page shows a state's name only where
    that part is wide enough for it)."""
    rows: list[list[Any]] = []
    for name, geometry in zip(boundaries.states["NAME"], boundaries.states.geometry):
        if geometry is None or geometry.is_empty:
            continue
        parts = list(getattr(geometry, "geoms", [geometry]))
        largest = max(parts, key=lambda part: part.area)
        point = largest.centroid if largest.contains(largest.centroid) else largest.representative_point()
        west, _, east, _ = largest.bounds
        rows.append([str(name), round(point.y, 3), round(point.x, 3), "state", round(west, 3), round(east, 3)])
    city_names = dict(zip(jurisdictions["jurisdiction_id"], jurisdictions["name"]))
    cities = boundaries.cities.set_index("GEOID").geometry
    drawn_cities = drawn[drawn["layer"] == "cities"]
    for geoid, jurisdiction_id in zip(drawn_cities["geoid"], drawn_cities["jurisdiction_id"]):
        point = cities.get(geoid)
        if point is not None and jurisdiction_id in city_names:
            x, y = round(point.x, 4), round(point.y, 4)
            rows.append([str(city_names[jurisdiction_id]), y, x, "city", x, x])
    return rows


def display_name(name: str, kind: str, state: str) -> str:
    """'Cook County, IL' for a county or city; a state's or the nation's name alone."""
    return name if kind in ("state", "nation") else f"{name}, {state}"


def _empty_layer(columns: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: pd.Series(dtype="str") for c in columns}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)


def _read_polygons(path: Path, layer: str, problems: list[files.Problem]) -> gpd.GeoDataFrame:
    """A GeoJSON layer's sound features; a problem for the file, or for each feature that is not."""
    name, columns = path.name, _PROPERTIES[layer]
    collection = _read_geojson(path, problems)
    if collection is None:
        return _empty_layer(columns)
    first_row: dict[str, int] = {}
    properties, geometries = [], []
    for number, feature in enumerate(collection["features"], start=1):
        feature_problems = _feature_problems(feature, number, layer, name, columns)
        if not feature_problems:
            geoid = feature["properties"]["GEOID"]
            if geoid in first_row:
                feature_problems = [files.Problem(name, number, "GEOID", "a unique GEOID", f"{geoid!r}, already on row {first_row[geoid]}")]
            else:
                first_row[geoid] = number
        if feature_problems:
            problems.extend(feature_problems)
            continue
        properties.append({c: feature["properties"][c] for c in columns})
        geometries.append(shape(feature["geometry"]))
    if not properties:
        return _empty_layer(columns)
    frame = pd.DataFrame(properties, columns=columns).astype("str")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometries, crs=CRS), crs=CRS)


def _read_geojson(path: Path, problems: list[files.Problem]) -> dict[str, Any] | None:
    """The file's FeatureCollection if it can be read, is one, and is in longitude/latitude degrees."""
    name = path.name
    data = files.read_bytes(path, problems, MAX_FILE_BYTES)
    if data is None:
        return None
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        problems.append(files.Problem(name, None, None, "UTF-8 text", f"byte 0x{data[error.start]:02x} at byte {error.start}"))
        return None
    except json.JSONDecodeError as error:
        cut = error.pos >= len(error.doc.rstrip()) - 1 or error.msg.startswith("Unterminated string")
        found = f"{error.msg} at line {error.lineno}, column {error.colno}" + (": the file stops short (cut off?)" if cut else "")
        problems.append(files.Problem(name, None, None, "a whole GeoJSON file (valid JSON)", found))
        return None
    if (
        not isinstance(collection, dict)
        or collection.get("type") != "FeatureCollection"
        or not isinstance(collection.get("features"), list)
    ):
        found = repr(collection.get("type")) if isinstance(collection, dict) else f"a JSON {type(collection).__name__}"
        problems.append(files.Problem(name, None, None, "a GeoJSON FeatureCollection with a list of features", found))
        return None
    crs = _stated_crs(collection.get("crs"))
    if crs is not None:
        problems.append(files.Problem(name, None, "crs", f"longitude/latitude in degrees ({CRS}), or no crs member", crs))
        return None
    return collection


def _stated_crs(member: object) -> str | None:
    """None if the (pre-RFC 7946) ``crs`` member is absent or names WGS 84 degrees; else what it names."""
    if member is None:
        return None
    name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
    if not isinstance(name, str):
        return f"an unreadable crs member: {json.dumps(member)[:60]}"
    try:
        if pyproj.CRS.from_user_input(name).equals(pyproj.CRS(CRS), ignore_axis_order=True):
            return None
    except pyproj.exceptions.CRSError:
        pass
    return repr(name[:60])


def _feature_problems(feature: object, number: int, layer: str, name: str, columns: list[str]) -> list[files.Problem]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [files.Problem(name, number, None, "a GeoJSON Feature", _short(feature))]
    problems = []
    props = feature.get("properties")
    props = props if isinstance(props, dict) else {}
    for column in columns:
        value = props.get(column)
        if not isinstance(value, str) or not value.strip():
            problems.append(files.Problem(name, number, column, "some text", _short(value)))
    geoid = props.get("GEOID")
    digits = kinds.GEOID_DIGITS[layer]
    if isinstance(geoid, str) and not re.fullmatch(rf"[0-9]{{{digits}}}", geoid):
        problems.append(files.Problem(name, number, "GEOID", f"a {digits}-digit Census GEOID", repr(geoid)))
    geometry = feature.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        problems.append(files.Problem(name, number, "geometry", "a Polygon or MultiPolygon", _short(kind or geometry)))
        return problems
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as error:
        problems.append(
            files.Problem(name, number, "geometry", f"a {kind} of longitude/latitude pairs", f"{type(error).__name__}: {error}")
        )
        return problems
    # An empty shape is allowed: quantization shrank Falls Church, Virginia to nothing.
    minx, miny, maxx, maxy = polygon.bounds
    if not polygon.is_empty and not (-180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90):
        found = f"bounds {minx:.6g}, {miny:.6g}, {maxx:.6g}, {maxy:.6g} (another CRS?)"
        problems.append(files.Problem(name, number, "geometry", f"longitude/latitude in degrees ({CRS})", found))
    return problems


def _read_points(path: Path, counties: gpd.GeoDataFrame, problems: list[files.Problem]) -> gpd.GeoDataFrame:
    """The city points that pass every check; each must lie in the county it names, when counties loaded."""
    rows = files.read_rows(path, CityPointRow, problems, warnings=[])  # an extra column is harmless: ignored
    first_row: dict[str, int] = {}
    county_shapes = counties.set_index("GEOID").geometry
    kept = []
    for line, row in rows.items():
        if row.geoid in first_row:
            problems.append(
                files.Problem(path.name, line, "geoid", "a unique geoid", f"{row.geoid!r}, already on row {first_row[row.geoid]}")
            )
            continue
        first_row[row.geoid] = line
        if not counties.empty:
            if row.county_geoid not in county_shapes.index:
                problems.append(files.Problem(path.name, line, "county_geoid", f"a GEOID in {COUNTIES_FILE}", repr(row.county_geoid)))
                continue
            # Quantized county shapes can be slightly invalid; buffer(0) mends them.
            if not county_shapes[row.county_geoid].buffer(0).covers(shapely.Point(row.longitude, row.latitude)):
                problems.append(
                    files.Problem(
                        path.name,
                        line,
                        "latitude",
                        f"a point inside county {row.county_geoid} ({counties.set_index('GEOID').loc[row.county_geoid, 'NAME']})",
                        f"{row.latitude}, {row.longitude}, outside it",
                    )
                )
                continue
        kept.append(row.model_dump())
    points = pd.DataFrame(kept, columns=list(CityPointRow.model_fields))
    cities = gpd.GeoDataFrame(
        points.astype("str"),
        geometry=gpd.points_from_xy(points["longitude"].astype(float), points["latitude"].astype(float), crs=CRS),
        crs=CRS,
    )
    return cities.rename(columns={"geoid": "GEOID", "name": "NAME", "state": "STUSPS"})


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
