"""The year as a story: key moments of 2017, chosen and written by the editors (records/sanctuarymap-moments.csv).

Each moment names an event of the records (its day is the event's day), a colouring, and a view: a
place to fly to and select, or a region's bounding box to fit. ``read`` keeps the sound rows and names
the problems of the others, as ``records`` does.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict

from sanctuarymap.data import files, records, status

FILE = "sanctuarymap-moments.csv"
COLUMNS = ["event_id", "headline", "text", "colour", "jurisdiction_id", "bounds"]
MAX_FILE_BYTES = files.MAX_SMALL_FILE_BYTES
MAX_HEADLINE = 200  # characters
MAX_TEXT = 2000

Bounds = tuple[float, float, float, float]  # south, west, north, east, in degrees


@dataclass(frozen=True)
class Moment:
    event_id: str
    day: date
    headline: str
    text: str
    colour: str
    jurisdiction_id: str | None
    bounds: Bounds | None


class MomentRow(BaseModel):
    """A row of the file as written; ``read`` checks it against the records."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    event_id: str
    headline: str
    text: str
    colour: str
    jurisdiction_id: str
    bounds: str


def read(path: Path, events: pd.DataFrame, known_ids: Collection[str]) -> tuple[list[Moment], list[files.Problem]]:
    """The moments of the file in its order, and a problem for each row left out.

    The file is read as the records are (``files.read_rows``: a size cap, UTF-8, well-formed rows,
    every problem named by file, row and column). A row needs an event of ``events``, a colouring
    (``status.DIMENSIONS``), a headline and a text, and exactly one view: a ``jurisdiction_id`` of
    ``known_ids`` or ``bounds`` written ``south;west;north;east``. A missing file is no moments and no
    problem: the story is optional.
    """
    problems: list[files.Problem] = []
    rows = files.read_rows(Path(path), MomentRow, problems, problems, MAX_FILE_BYTES, optional=True)
    days = dict(zip(events["event_id"], events["date"]))
    known = set(known_ids)
    moments: list[Moment] = []
    for line, row in rows.items():
        found = _row_problems(row, days, known)
        problems += [files.Problem(FILE, line, column, expected, shown) for column, expected, shown in found]
        if not found:
            bounds = _bounds(row.bounds) if row.bounds else None
            moments.append(
                Moment(row.event_id, days[row.event_id], row.headline, row.text, row.colour, row.jurisdiction_id or None, bounds)
            )
    return moments, problems


def _row_problems(row: MomentRow, days: dict[str, date], known: set[str]) -> list[tuple[str, str, str]]:
    """(column, expected, found) for each check a row fails: its event, colouring, words and view."""
    found: list[tuple[str, str, str]] = []
    if row.event_id not in days:
        found.append(("event_id", f"an event_id of {records.EVENTS_FILE}", files.shown(row.event_id)))
    if row.colour not in status.DIMENSIONS:
        found.append(("colour", f"one of {', '.join(status.DIMENSIONS)}", files.shown(row.colour)))
    for column, limit in (("headline", MAX_HEADLINE), ("text", MAX_TEXT)):
        value = getattr(row, column)
        if not value:
            found.append((column, "some text", "nothing"))
        elif len(value) > limit:
            found.append((column, f"at most {limit} characters", f"{len(value)} characters"))
    if row.bounds and _bounds(row.bounds) is None:
        found.append(("bounds", "south;west;north;east in degrees, south < north and west < east", files.shown(row.bounds)))
    place = row.jurisdiction_id or None
    if place is not None and place not in known:
        found.append(("jurisdiction_id", "a jurisdiction on the map", files.shown(place)))
    if (place is None) == (not row.bounds):
        found.append(("bounds", "a jurisdiction_id or bounds, not both", "both" if place else "neither"))
    return found


def _bounds(text: str) -> Bounds | None:
    try:
        south, west, north, east = (float(part) for part in text.split(";"))
    except ValueError:
        return None
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        return None
    return south, west, north, east


def inside(bounds: Bounds, extent: Bounds) -> bool:
    """Whether ``bounds`` lies within ``extent`` (both south, west, north, east)."""
    return extent[0] <= bounds[0] and extent[1] <= bounds[1] and bounds[2] <= extent[2] and bounds[3] <= extent[3]


def fit(moment: Moment) -> list[list[float]] | None:
    """The region to fit for the map page (Leaflet's ``[[south, west], [north, east]]``), or None."""
    if moment.bounds is None:
        return None
    south, west, north, east = moment.bounds
    return [[south, west], [north, east]]
