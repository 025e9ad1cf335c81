"""The day's data to download: CSV (formulas neutralised), GeoJSON read back with geopandas, the records zip."""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from harness.browser import ROOT
from sanctuarymap.data import status
from sanctuarymap.reader import download

DAY = date(2017, 9, 15)


def test_file_names_carry_the_day():
    assert download.file_name("day", DAY, "csv") == "sanctuarymap-day-2017-09-15.csv"
    assert download.file_name("records", DAY, "zip") == "sanctuarymap-records-2017-09-15.zip"


def test_the_csv_has_every_place_its_three_statuses_their_events_and_sources(shipped):
    rows = list(csv.DictReader(io.StringIO(download.day_csv_of(shipped, DAY).decode("utf-8"))))
    assert [r["jurisdiction_id"] for r in rows] == list(shipped.names)
    expected = status.as_of(shipped.changes, list(shipped.names), DAY)
    urls = {s.url for s in shipped.records.sources.itertuples()}
    for row in rows:
        assert row["day"] == "2017-09-15" and "CC BY 4.0" in row["licence"]
        for key in status.DIMENSIONS:
            assert row[key] == expected.at[row["jurisdiction_id"], key]
            if row[f"{key}_event_id"]:
                assert row[f"{key}_source_url"] in urls
    austin = next(r for r in rows if r["jurisdiction_id"] == "tx-austin")
    assert austin["lawsuit"] == "won" and austin["lawsuit_event_id"] == "2017-08-30-garcia-enjoins-sb4"


def test_the_event_named_is_the_one_that_set_the_status(shipped):
    rows = download.day_rows(shipped.records, shipped.changes, shipped.names, DAY, shipped.sources_by_event).set_index("jurisdiction_id")
    for jurisdiction_id in random.Random(1).sample(list(shipped.names), 30):
        for key in status.DIMENSIONS:
            mine = shipped.changes[
                (shipped.changes["jurisdiction_id"] == jurisdiction_id)
                & (shipped.changes["dimension"] == key)
                & (shipped.changes["date"] <= DAY)
            ]
            assert rows.at[jurisdiction_id, f"{key}_event_id"] == (mine["event_id"].iloc[-1] if len(mine) else "")


def test_a_spreadsheet_runs_no_formula_from_the_csv():
    hostile = pd.DataFrame({"name": ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "Plain"]})
    cells = [r["name"] for r in csv.DictReader(io.StringIO(download.day_csv(hostile).decode("utf-8")))]
    assert cells == ['\'=HYPERLINK("http://x")', "'+1", "'-1", "'@SUM(A1)", "Plain"]


def test_the_geojson_reads_back_with_geopandas(shipped, tmp_path):
    body = download.day_geojson_of(shipped, DAY)
    path = tmp_path / download.file_name("day", DAY, "geojson")
    path.write_bytes(body)
    frame = gpd.read_file(path)
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert len(frame) == shipped.drawn["jurisdiction_id"].nunique()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon", "Point"} and frame.is_valid.all()
    expected = status.as_of(shipped.changes, list(frame["jurisdiction_id"]), DAY)
    for row in frame.sample(25, random_state=2).itertuples():
        for key in status.DIMENSIONS:
            assert getattr(row, key) == expected.at[row.jurisdiction_id, key], (row.jurisdiction_id, key)
    members = json.loads(body)
    assert "CC BY 4.0" in members["licence"] and members["day"] == "2017-09-15" and "source" in members
    # A city drawn with county shapes is their union; a city point stays a point.
    by_id = frame.set_index("jurisdiction_id")
    assert by_id.loc["ny-new-york"].geometry.geom_type == "MultiPolygon"
    assert by_id.loc["ca-los-angeles"].geometry.geom_type == "Point"


def test_the_records_zip_holds_the_csv_files_and_their_readme():
    body = download.records_zip(ROOT / "records", DAY)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = {Path(n).name for n in archive.namelist()}
        assert {"sanctuarymap-jurisdictions.csv", "sanctuarymap-events.csv", "sanctuarymap-sources.csv", "README.md"} <= names
        assert all(n.startswith("sanctuarymap-records-2017-09-15/") for n in archive.namelist())
        about = next(n for n in archive.namelist() if n.endswith("ABOUT.txt"))
        assert "CC BY 4.0" in archive.read(about).decode("utf-8")
        events = next(n for n in archive.namelist() if n.endswith("sanctuarymap-events.csv"))
        assert archive.read(events) == (ROOT / "records" / "sanctuarymap-events.csv").read_bytes()
