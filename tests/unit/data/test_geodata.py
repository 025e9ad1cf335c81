"""Broken geodata and a broken join: each is named in a problem (file, row, column, expected, found),
never raises, and costs only what it has to: the other layers, features and points still load."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.browser import ROOT
from sanctuarymap.data import dataset, files, geodata, join, records

GEODATA = ROOT / "geodata"
STATES, COUNTIES, CITIES = geodata.STATES_FILE, geodata.COUNTIES_FILE, geodata.CITIES_FILE
JURISDICTIONS, EVENTS, SOURCES = records.JURISDICTIONS_FILE, records.EVENTS_FILE, records.SOURCES_FILE
# The shipped counts: 56 states and territories, 3,231 counties, one point per point-drawn city.
WHOLE = {"states": 56, "counties": 3231}


@pytest.fixture(scope="module")
def shipped() -> geodata.Boundaries:
    return geodata.load(GEODATA)


@pytest.fixture
def geodata_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped geodata."""
    target = tmp_path / "geodata"
    target.mkdir()
    for name in (STATES, COUNTIES, CITIES):
        shutil.copy(GEODATA / name, target / name)
    return target


def city_lines(folder: Path) -> list[str]:
    return (folder / CITIES).read_text(encoding="utf-8").splitlines()


def write_city_lines(folder: Path, content: list[str]) -> None:
    (folder / CITIES).write_text("\n".join(content) + "\n", encoding="utf-8")


def set_cell(folder: Path, line: int, column: str, value: str) -> str:
    """Put ``value`` in ``column`` of spreadsheet row ``line`` of the city points; returns that row's geoid."""
    content = city_lines(folder)
    header = content[0].split(",")
    cells = content[line - 1].split(",")
    cells[header.index(column)] = value
    content[line - 1] = ",".join(cells)
    write_city_lines(folder, content)
    return cells[header.index("geoid")]


def features(folder: Path, name: str) -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def write_features(folder: Path, name: str, collection: dict) -> None:
    (folder / name).write_text(json.dumps(collection), encoding="utf-8")


def only(problems: list[files.Problem], name: str) -> files.Problem:
    (problem,) = [p for p in problems if p.file == name]
    return problem


def assert_others_whole(boundaries: geodata.Boundaries, shipped: geodata.Boundaries, *layers: str) -> None:
    for layer in layers:
        assert len(boundaries.layer(layer)) == len(shipped.layer(layer)), layer


def test_shipped_geodata_has_no_problem(shipped):
    assert {layer: len(shipped.layer(layer)) for layer in WHOLE} == WHOLE
    assert len(shipped.cities) == len(city_lines(GEODATA)) - 1
    assert shipped.states.crs.to_epsg() == 4326


# --- Whole files


@pytest.mark.slow
def test_deleted_city_points_leave_states_and_counties_whole(geodata_dir, shipped):
    # Today: a traceback with server paths, and nothing else on the page.
    (geodata_dir / CITIES).unlink()
    boundaries, problems = geodata.read(geodata_dir)
    problem = only(problems, CITIES)
    assert (problem.row, problem.column, problem.expected, problem.found) == (None, None, "a file in geodata/", "no such file")
    assert boundaries.cities.empty and list(boundaries.cities.columns)[:3] == ["GEOID", "NAME", "STUSPS"]
    assert_others_whole(boundaries, shipped, "states", "counties")


@pytest.mark.parametrize("name", [STATES, COUNTIES])
def test_a_deleted_shape_file_empties_its_layer_and_leaves_the_other_whole(geodata_dir, shipped, name):
    (geodata_dir / name).unlink()
    boundaries, problems = geodata.read(geodata_dir)
    assert only(problems, name).found == "no such file"
    other = "counties" if name == STATES else "states"
    assert_others_whole(boundaries, shipped, other)
    assert boundaries.layer("states" if name == STATES else "counties").empty


def test_an_unreadable_file_is_named_and_the_other_layers_load_whole(geodata_dir, shipped, unreadable):
    unreadable(STATES)
    boundaries, problems = geodata.read(geodata_dir)
    problem = only(problems, STATES)
    assert problem.expected == "a readable file" and "Permission denied" in problem.found
    assert_others_whole(boundaries, shipped, "counties", "cities")


def test_states_cut_in_half(geodata_dir, shipped):
    # Today: a pyogrio DataSourceError traceback.
    path = geodata_dir / STATES
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    boundaries, problems = geodata.read(geodata_dir)
    problem = only(problems, STATES)
    assert problem.row is None and "whole GeoJSON" in problem.expected
    assert "stops short" in problem.found
    assert boundaries.states.empty
    assert_others_whole(boundaries, shipped, "counties", "cities")


@pytest.mark.slow
def test_not_a_feature_collection(geodata_dir):
    (geodata_dir / STATES).write_text('{"type": "Feature"}', encoding="utf-8")
    problem = only(geodata.read(geodata_dir)[1], STATES)
    assert "FeatureCollection" in problem.expected and problem.found == "'Feature'"


@pytest.mark.parametrize(
    ("crs_name", "refused"),
    [
        ("urn:ogc:def:crs:EPSG::3857", True),  # web Mercator metres
        pytest.param("EPSG:2163", True, marks=pytest.mark.slow),  # US National Atlas equal area
        pytest.param("urn:ogc:def:crs:OGC:1.3:CRS84", False, marks=pytest.mark.slow),  # the stated CRS, longitude first
        ("EPSG:4326", False),
    ],
)
def test_crs_other_than_the_stated_one(geodata_dir, crs_name, refused):
    collection = features(geodata_dir, STATES)
    collection["crs"] = {"type": "name", "properties": {"name": crs_name}}
    write_features(geodata_dir, STATES, collection)
    boundaries, problems = geodata.read(geodata_dir)
    if refused:
        problem = only(problems, STATES)
        assert problem.column == "crs" and "EPSG:4326" in problem.expected and crs_name in problem.found
        assert boundaries.states.empty
    else:
        assert problems == [] and len(boundaries.states) == WHOLE["states"]


@pytest.mark.slow
def test_projected_coordinates_without_a_crs_member(geodata_dir):
    collection = features(geodata_dir, STATES)
    ring = [[-9_000_000.0, 4_000_000.0], [-8_900_000.0, 4_000_000.0], [-8_900_000.0, 4_100_000.0], [-9_000_000.0, 4_000_000.0]]
    collection["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    write_features(geodata_dir, STATES, collection)
    boundaries, problems = geodata.read(geodata_dir)
    problem = only(problems, STATES)
    assert (problem.row, problem.column) == (1, "geometry")
    assert "another CRS?" in problem.found
    assert len(boundaries.states) == WHOLE["states"] - 1  # one feature lost, not the file


def test_duplicate_county_geoid_names_both_rows(geodata_dir):
    collection = features(geodata_dir, COUNTIES)
    cook = next(i for i, f in enumerate(collection["features"], start=1) if f["properties"]["GEOID"] == "17031")
    copy = json.loads(json.dumps(collection["features"][cook - 1]))
    collection["features"].append(copy)
    write_features(geodata_dir, COUNTIES, collection)
    boundaries, problems = geodata.read(geodata_dir)
    problem = only(problems, COUNTIES)
    assert (problem.row, problem.column) == (WHOLE["counties"] + 1, "GEOID")
    assert problem.found == f"'17031', already on row {cook}"
    assert (boundaries.counties["GEOID"] == "17031").sum() == 1


def test_feature_without_a_geoid(geodata_dir):
    collection = features(geodata_dir, COUNTIES)
    del collection["features"][9]["properties"]["GEOID"]
    write_features(geodata_dir, COUNTIES, collection)
    boundaries, problems = geodata.read(geodata_dir)
    problem = only(problems, COUNTIES)
    assert (problem.row, problem.column, problem.found) == (10, "GEOID", "None")
    assert len(boundaries.counties) == WHOLE["counties"] - 1


# --- City points: one bad row costs one point


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("longitude", "-87.6x", "a longitude in decimal degrees"),  # today: ValueError: could not convert string to float
        # Each reads every file again: the rest run in make test (a slow test for make test-quick).
        pytest.param("longitude", "", "a longitude in decimal degrees", marks=pytest.mark.slow),
        pytest.param("latitude", "nan", "a latitude in decimal degrees", marks=pytest.mark.slow),
        pytest.param("latitude", "1e1", "a latitude in decimal degrees", marks=pytest.mark.slow),
        ("latitude", "91.5", "a latitude from -90 to 90 degrees"),
        pytest.param("longitude", "-187.2", "a longitude from -180 to 180 degrees", marks=pytest.mark.slow),
        pytest.param("geoid", "17140", "a 7-digit Census place GEOID", marks=pytest.mark.slow),
        pytest.param("source_url", "https://ex\x7fample.com/", "no control or invisible character", marks=pytest.mark.slow),
    ],
)
def test_bad_city_cell_costs_one_point(geodata_dir, shipped, column, value, expected):
    set_cell(geodata_dir, 5, column, value)
    boundaries, problems = geodata.read(geodata_dir)
    problem = only(problems, CITIES)
    assert (problem.row, problem.column) == (5, column)
    assert expected in problem.expected, problem
    assert str(problem).startswith(f"{CITIES}, row 5, column {column!r}: expected ")
    assert len(boundaries.cities) == len(shipped.cities) - 1
    assert_others_whole(boundaries, shipped, "states", "counties")


@pytest.mark.slow
def test_duplicate_city_geoid_names_the_first_row(geodata_dir, shipped):
    content = city_lines(geodata_dir)
    write_city_lines(geodata_dir, [*content, content[3]])
    boundaries, problems = geodata.read(geodata_dir)
    problem = only(problems, CITIES)
    assert (problem.row, problem.column) == (len(content) + 1, "geoid")
    assert problem.found.endswith("already on row 4")
    assert len(boundaries.cities) == len(shipped.cities)


def test_city_point_outside_its_county(geodata_dir, shipped):
    content = city_lines(geodata_dir)
    chicago = next(i for i, line in enumerate(content, start=1) if line.startswith("1714000,"))
    set_cell(geodata_dir, chicago, "longitude", "-80.0")  # in Ohio
    boundaries, problems = geodata.read(geodata_dir)
    problem = only(problems, CITIES)
    assert (problem.row, problem.column) == (chicago, "latitude")
    assert "inside county 17031 (Cook)" in problem.expected and "outside it" in problem.found
    assert "1714000" not in set(boundaries.cities["GEOID"])
    assert len(boundaries.cities) == len(shipped.cities) - 1


@pytest.mark.slow
def test_city_in_an_unknown_county(geodata_dir):
    set_cell(geodata_dir, 2, "county_geoid", "99999")
    problem = only(geodata.read(geodata_dir)[1], CITIES)
    assert (problem.row, problem.column, problem.found) == (2, "county_geoid", "'99999'")


def test_load_raises_with_every_problem(geodata_dir):
    (geodata_dir / CITIES).unlink()
    (geodata_dir / STATES).write_text("{", encoding="utf-8")
    with pytest.raises(geodata.GeodataError) as raised:
        geodata.load(geodata_dir)
    assert {p.file for p in raised.value.problems} == {CITIES, STATES}
    assert "2 problems in the geodata" in str(raised.value)


# --- The join, both ways: every jurisdiction has its shapes, and no shape draws two


def add_jurisdiction(records_dir: Path, line: str) -> int:
    """Append a jurisdiction row; returns its spreadsheet row number."""
    path = records_dir / JURISDICTIONS
    content = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*content, line]) + "\n", encoding="utf-8")
    return len(content) + 1


def read_joined(records_dir: Path, boundaries: geodata.Boundaries):
    return join.read(records_dir, boundaries)


def test_a_second_jurisdiction_with_cook_countys_geoid_is_refused_naming_both_rows(records_dir, shipped):
    # Today: no problem, and the second row silently takes Cook County's shape.
    row = add_jurisdiction(records_dir, "il-cook-again,Cook Again,county,IL,17031,")
    recs, problems = read_joined(records_dir, shipped)
    (problem,) = problems
    assert (problem.file, problem.row, problem.column) == (JURISDICTIONS, row, "geoid")
    assert problem.found == "GEOID 17031, already drawn by 'il-cook-county' on row 4"
    assert "il-cook-again" not in set(recs.jurisdictions["jurisdiction_id"])
    drawn = join.drawn_shapes(recs.jurisdictions)
    assert list(drawn.loc[drawn["geoid"] == "17031", "jurisdiction_id"]) == ["il-cook-county"]


def test_a_city_drawn_with_a_county_that_has_its_own_row(records_dir, shipped):
    row = add_jurisdiction(records_dir, "il-cook-city,Cook City,city,IL,1799999,17031;17043")
    (problem,) = read_joined(records_dir, shipped)[1]
    assert (problem.row, problem.column) == (row, "drawn_with")
    assert "already drawn by 'il-cook-county' on row 4" in problem.found


def test_a_jurisdiction_with_no_shape_is_left_out_with_its_row(records_dir, shipped):
    # Today: the problem has no row, and the place still opens its panel.
    row = add_jurisdiction(records_dir, "il-atlantis,Atlantis,city,IL,1799999,")
    with (records_dir / EVENTS).open("a", encoding="utf-8") as f:
        f.write("2017-09-01-atlantis,2017-09-01,statement,il-atlantis;il-chicago,Both speak.\n")
        f.write("2017-09-02-atlantis,2017-09-02,statement,il-atlantis,Atlantis alone.\n")
    with (records_dir / SOURCES).open("a", encoding="utf-8") as f:
        f.write("2017-09-01-atlantis,O,T,2017-09-01,https://example.org/a\n")
        f.write("2017-09-02-atlantis,O,T,2017-09-02,https://example.org/b\n")
    recs, problems = read_joined(records_dir, shipped)
    first = problems[0]
    assert (first.file, first.row, first.column) == (JURISDICTIONS, row, "geoid")
    assert first.expected == f"a shape in {CITIES}" and first.found == "no shape with GEOID 1799999"
    assert "il-atlantis" not in set(recs.jurisdictions["jurisdiction_id"])
    # Its events lose it as they would lose an unknown id, each with a problem of its own.
    assert {(p.file, p.row, p.column) for p in problems[1:]} == {
        (EVENTS, 7, "jurisdiction_ids"),
        (EVENTS, 8, "jurisdiction_ids"),
        (SOURCES, 9, "event_id"),
    }
    events = recs.events.set_index("event_id")
    assert events.loc["2017-09-01-atlantis", "jurisdiction_ids"] == ("il-chicago",)
    assert "2017-09-02-atlantis" not in events.index


def test_with_city_points_broken_cities_are_left_out_and_states_and_counties_draw(records_dir, geodata_dir):
    (geodata_dir / CITIES).unlink()
    data = dataset.load(records_dir, geodata_dir)
    assert [(p.file, p.row) for p in data.problems[:2]] == [(CITIES, None), (JURISDICTIONS, 5)]
    assert data.problems[1].found == f"no shape with GEOID 1714000 ({CITIES} did not load)"
    assert set(data.drawn["layer"] + ":" + data.drawn["geoid"]) == {"states:17", "counties:17031"}
    assert "il-chicago" not in data.names


def test_an_event_listing_a_jurisdiction_twice_is_a_problem(records_dir):
    # Today: loads silently, and the panel says "Chicago, IL, Chicago, IL".
    with (records_dir / EVENTS).open("a", encoding="utf-8") as f:
        f.write("2017-09-01-twice,2017-09-01,statement,il-chicago;il-cook-county;il-chicago,Twice.\n")
    recs, problems = records.read(records_dir)
    problem = next(p for p in problems if p.file == EVENTS)
    assert (problem.row, problem.column) == (7, "jurisdiction_ids")
    assert "each jurisdiction id once ('il-chicago' is listed more than once)" == problem.expected
    assert "2017-09-01-twice" not in set(recs.events["event_id"])


def test_a_county_listed_twice_in_drawn_with_is_a_problem(records_dir):
    row = add_jurisdiction(records_dir, "il-twice,Twice,city,IL,1799999,17031;17031")
    (problem,) = records.read(records_dir)[1]
    assert (problem.row, problem.column) == (row, "drawn_with")
    assert "each county GEOID once" in problem.expected
