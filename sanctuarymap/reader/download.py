"""The day's data to download: a CSV, a GeoJSON file, and the whole records set as one zip.

Every file names the day in its name and says where it comes from and under which licence: the CSV
in its ``licence`` column, the GeoJSON in its top-level ``licence`` and ``source`` members (foreign
members, which GeoJSON readers ignore), the zip in its ``ABOUT.txt``. Text cells a spreadsheet would
run as a formula are neutralised, as in the per-place download.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from sanctuarymap.data import basis, dataset, files, geodata, records, status

LICENCE = "Records: CC BY 4.0, Sanctuary Map 2017 editors (records/README.md); linked sources belong to their publishers"
BOUNDARIES = "Boundaries: U.S. Census Bureau cartographic boundaries 2017 (public domain) via us-atlas 3.0.1; city points from Wikipedia"
SOURCE = "Sanctuary Map 2017, built from records/ (sanctuarymap-jurisdictions.csv, -events.csv, -sources.csv)"


def file_name(kind: str, day: date, extension: str) -> str:
    """``sanctuarymap-<kind>-2017-08-22.<extension>``."""
    return f"sanctuarymap-{kind}-{day.isoformat()}.{extension}"


def day_rows(
    recs: records.Records, changes: pd.DataFrame, names: dict[str, str], day: date, sources_by_event: dict[str, list[Any]]
) -> pd.DataFrame:
    """One row per jurisdiction in ``names``: its kind, state, GEOID, the day, and per dimension its category
    on ``day``, the event that set it (the latest change on or before ``day``) and that event's first source;
    after the sanctuary columns, ``sanctuary_basis``: on what that status rests (``basis.of_day``).

    A place still at a dimension's baseline with no change has empty event and source cells there.
    """
    ids = list(names)
    current = status.as_of(changes, ids, day)
    known = changes[(changes["date"] <= day) & changes["jurisdiction_id"].isin(ids)]
    setting = known.drop_duplicates(["jurisdiction_id", "dimension"], keep="last").set_index(["jurisdiction_id", "dimension"])["event_id"]
    places = recs.jurisdictions.set_index("jurisdiction_id")
    table = pd.DataFrame(
        {
            "jurisdiction_id": ids,
            "name": [names[j] for j in ids],
            "kind": [places.at[j, "kind"] for j in ids],
            "state": [places.at[j, "state"] for j in ids],
            "geoid": [places.at[j, "geoid"] for j in ids],
            "day": day.isoformat(),
        }
    )
    for key in status.DIMENSIONS:
        event_ids = [str(setting.get((j, key), "")) for j in ids]
        table[key] = list(current.loc[ids, key])
        table[f"{key}_event_id"] = event_ids
        table[f"{key}_source_url"] = [_first_url(sources_by_event.get(e, [])) for e in event_ids]
        if key == "sanctuary":
            # On what the status rests (basis.BASES): a tracker's listing is never the place's own act.
            table["sanctuary_basis"] = basis.of_day(basis.kinds_of(recs), changes, ids, day)
    table["licence"] = LICENCE
    return table


def _first_url(sources: list[Any]) -> str:
    for source in sources:
        if records.is_web_url(source.url):
            return str(source.url)
    return ""


def day_csv(table: pd.DataFrame) -> bytes:
    """``day_rows`` as UTF-8 CSV, safe to open in a spreadsheet (no formula runs)."""
    safe = table.map(lambda v: records.neutralise_formula(v) if isinstance(v, str) else v)
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def day_frame(table: pd.DataFrame, geometries: dict[str, Any]) -> gpd.GeoDataFrame:
    """``day_rows`` on each place's geometry (``geodata.place_geometries``), in longitude/latitude
    (EPSG:4326). A place with no shape is left out."""
    kept = table[table["jurisdiction_id"].isin(set(geometries))].drop(columns=["licence"]).reset_index(drop=True)
    return gpd.GeoDataFrame(kept, geometry=[geometries[j] for j in kept["jurisdiction_id"]], crs=geodata.CRS)


def day_geojson(frame: gpd.GeoDataFrame, day: date) -> bytes:
    """A GeoJSON FeatureCollection (RFC 7946: no ``crs`` member, longitude/latitude) with the licence and
    the source as top-level members."""
    collection = json.loads(frame.to_json(drop_id=True))
    collection = {"type": "FeatureCollection", "name": file_name("day", day, "geojson"), "licence": f"{LICENCE}. {BOUNDARIES}."} | {
        "source": SOURCE,
        "day": day.isoformat(),
        "features": collection["features"],
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def records_zip(folder: Path, day: date) -> bytes:
    """Every CSV file in ``folder`` and its README, with a note on where they come from, as one zip.

    Only what it claims to hold: regular files that lie in ``folder`` (``files.read_bytes``). A
    symbolic link (to /etc/passwd, say) or a path that leads outside is never read: ABOUT.txt names
    it as left out. ``day`` only names the download (the reader's day when they took it): the files
    hold the whole year.
    """
    folder = Path(folder)
    buffer = io.BytesIO()
    left_out: list[files.Problem] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        prefix = file_name("records", day, "zip").removesuffix(".zip")
        names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".csv")) if folder.is_dir() else []
        for name in [*names, "README.md"]:
            data = files.read_bytes(folder / name, left_out, files.MAX_FILE_BYTES, optional=True)
            if data is not None:
                archive.writestr(f"{prefix}/{name}", data)
        note = f"Sanctuary Map 2017: the records, downloaded while viewing {day.isoformat()}.\n{LICENCE}.\nSource: {SOURCE}.\n"
        note += "README.md is the data dictionary: fields, vocabularies, rules, coverage.\n"
        if left_out:
            note += "Left out of this zip:\n" + "".join(f"- {problem}\n" for problem in left_out)
        archive.writestr(f"{prefix}/ABOUT.txt", note)
    return buffer.getvalue()


def day_csv_of(data: dataset.Dataset, day: date) -> bytes:
    """The day's CSV for a loaded dataset."""
    return day_csv(day_rows(data.records, data.changes, data.names, day, data.sources_by_event))


def day_geojson_of(data: dataset.Dataset, day: date) -> bytes:
    """The day's GeoJSON for a loaded dataset."""
    rows = day_rows(data.records, data.changes, data.names, day, data.sources_by_event)
    return day_geojson(day_frame(rows, data.place_geometries), day)
