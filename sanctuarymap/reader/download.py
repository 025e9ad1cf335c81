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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import geopandas as gpd
import pandas as pd

from sanctuarymap.data import basis, files, geodata, licence, records, status
from sanctuarymap.reader import panel, view

SOURCE = "Sanctuary Map 2017, built from records/ (sanctuarymap-jurisdictions.csv, -events.csv, -sources.csv)"


def file_name(kind: str, day: date, extension: str) -> str:
    """``sanctuarymap-<kind>-2017-08-22.<extension>``."""
    return f"sanctuarymap-{kind}-{day.isoformat()}.{extension}"


def day_rows(
    recs: records.Records,
    changes: pd.DataFrame,
    names: dict[str, str],
    day: date,
    sources_by_event: dict[str, list[Any]],
    *,
    current: pd.DataFrame | None = None,
    bases: list[str] | None = None,
) -> pd.DataFrame:
    """One row per jurisdiction in ``names``: its kind, state, GEOID, the day, and per dimension its category
    on ``day``, the event that set it (the latest change on or before ``day``) and that event's first source;
    after the sanctuary columns, ``sanctuary_basis``: on what that status rests (``basis.of_day``).

    A place still at a dimension's baseline with no change has empty event and source cells there.
    ``current`` and ``bases``, if worked out already, as ``table.of_day`` takes them.
    """
    ids = list(names)
    current = status.as_of(changes, ids, day) if current is None else current
    known = changes[(changes["date"] <= day) & changes["jurisdiction_id"].isin(ids)]
    setting = known.drop_duplicates(["jurisdiction_id", "dimension"], keep="last").set_index(["jurisdiction_id", "dimension"])["event_id"]
    table = _places(recs, names, day)
    for key in status.DIMENSIONS:
        event_ids = [str(setting.get((j, key), "")) for j in ids]
        table[key] = list(current.loc[ids, key])
        table[f"{key}_event_id"] = event_ids
        table[f"{key}_source_url"] = [_first_url(sources_by_event.get(e, [])) for e in event_ids]
        if key == "sanctuary":
            # On what the status rests (basis.BASES): a tracker's listing is never the place's own act.
            table["sanctuary_basis"] = basis.of_day(basis.kinds_of(recs), changes, ids, day) if bases is None else bases
    table["licence"] = licence.RECORDS
    return table


def _places(recs: records.Records, names: dict[str, str], day: date) -> pd.DataFrame:
    """The first columns of ``day_rows``: each place in ``names`` with its name, kind, state and GEOID, and the day."""
    ids = list(names)
    places = recs.jurisdictions.set_index("jurisdiction_id")
    return pd.DataFrame(
        {
            "jurisdiction_id": ids,
            "name": [names[j] for j in ids],
            "kind": [places.at[j, "kind"] for j in ids],
            "state": [places.at[j, "state"] for j in ids],
            "geoid": [places.at[j, "geoid"] for j in ids],
            "day": day.isoformat(),
        }
    )


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
    collection = {
        "type": "FeatureCollection",
        "name": file_name("day", day, "geojson"),
        "licence": f"{licence.RECORDS}. {licence.BOUNDARIES}.",
    } | {
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
        note = f"Sanctuary Map 2017: the records, downloaded while viewing {day.isoformat()}.\n{licence.RECORDS}.\nSource: {SOURCE}.\n"
        note += "README.md is the data dictionary: fields, vocabularies, rules, coverage.\n"
        if left_out:
            note += "Left out of this zip:\n" + "".join(f"- {problem}\n" for problem in left_out)
        archive.writestr(f"{prefix}/ABOUT.txt", note)
    return buffer.getvalue()


def place_events_csv(recs: records.Records, jurisdiction_id: str) -> bytes:
    """One place's events with their sources, as the panel's download (``view.events_csv``)."""
    return view.events_csv(panel.events_of(recs, jurisdiction_id), recs.sources)


class DayFiles(Protocol):
    """What the day's files are built from (``day.Facts``): the day, its rows (``day_rows``), the places' geometries."""

    day: date

    @property
    def rows(self) -> pd.DataFrame: ...

    @property
    def geometries(self) -> dict[str, Any]: ...


def _day_csv(facts: DayFiles, folder: Path) -> bytes:
    return day_csv(facts.rows)


def _day_geojson(facts: DayFiles, folder: Path) -> bytes:
    return day_geojson(day_frame(facts.rows, facts.geometries), facts.day)


def _records_zip(facts: DayFiles, folder: Path) -> bytes:
    return records_zip(folder, facts.day)


@dataclass(frozen=True)
class Download:
    """One download button: its label, what its file is named (``file_name``) and holds, and how it is built
    from the day's facts and the records folder (only when the reader asks for it)."""

    label: str
    kind: str
    extension: str
    mime: str
    build: Callable[[DayFiles, Path], bytes]

    def file_name(self, day: date) -> str:
        return file_name(self.kind, day, self.extension)


# The day's downloads, in the order of their buttons.
DOWNLOADS = (
    Download("The day as CSV", "day", "csv", "text/csv", _day_csv),
    Download("The day as GeoJSON", "day", "geojson", "application/geo+json", _day_geojson),
    Download("All the records (zip)", "records", "zip", "application/zip", _records_zip),
)
