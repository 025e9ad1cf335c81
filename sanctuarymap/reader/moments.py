"""The year as a story: key moments of 2017, chosen and written by the editors (records/sanctuarymap-moments.csv).

Each moment names an event of the records (its day is the event's day), a colouring, and a view: a
place to fly to and select, or a region's bounding box to fit. ``read`` keeps the sound rows and names
the problems of the others, as ``records`` does.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from sanctuarymap.data import files, records, status
from sanctuarymap.reader import story

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

        def problem(column: str, expected: str, found: str, line: int = line) -> None:
            problems.append(files.Problem(FILE, line, column, expected, found))

        before = len(problems)
        if row.event_id not in days:
            problem("event_id", f"an event_id of {records.EVENTS_FILE}", files.shown(row.event_id))
        if row.colour not in status.DIMENSIONS:
            problem("colour", f"one of {', '.join(status.DIMENSIONS)}", files.shown(row.colour))
        for column, limit in (("headline", MAX_HEADLINE), ("text", MAX_TEXT)):
            value = getattr(row, column)
            if not value:
                problem(column, "some text", "nothing")
            elif len(value) > limit:
                problem(column, f"at most {limit} characters", f"{len(value)} characters")
        bounds = _bounds(row.bounds) if row.bounds else None
        if row.bounds and bounds is None:
            problem("bounds", "south;west;north;east in degrees, south < north and west < east", files.shown(row.bounds))
        place = row.jurisdiction_id or None
        if place is not None and place not in known:
            problem("jurisdiction_id", "a jurisdiction on the map", files.shown(place))
        if (place is None) == (not row.bounds):
            problem("bounds", "a jurisdiction_id or bounds, not both", "both" if place else "neither")
        if len(problems) == before:
            moments.append(Moment(row.event_id, days[row.event_id], row.headline, row.text, row.colour, place, bounds))
    return moments, problems


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


def card_html(moment: Moment, index: int, count: int, sources_by_event: dict[str, list[Any]]) -> str:
    """The moment as the reader sees it: where it is in the story, its day, headline, text and sources."""
    return (
        f'<div class="sm-moment" data-moment="{index + 1}" data-event="{html.escape(moment.event_id)}">'
        f'<div class="sm-when">Moment {index + 1} of {count} · {html.escape(story.day_label(moment.day))}</div>'
        f'<h2 class="sm-moment-title sm-h2">{story.text_html(moment.headline)}</h2>'
        f"<p>{story.text_html(moment.text)}</p>{story.sources_html(sources_by_event.get(moment.event_id))}</div>"
    )
