"""What a reader is looking at: the day, the colouring and the selection.

The view round-trips through the page URL (``?day=2017-08-22&colour=lawsuit&selected=ca-los-angeles``)
so that a link restores it; anything in a URL that does not make sense is dropped, not trusted. The
day itself is the map page's: it paints every day it is moved to and reports only the day it settles
on, and a click on a place (see ``page_report``).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sanctuarymap.data import records, status

_LOG = logging.getLogger(__name__)
# A day as the URL and the map page write it: ASCII digits only, so "２０１７" or "²" is no day.
_ASCII_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_REPORT = 1_000  # characters of the map page's report


@dataclass(frozen=True)
class View:
    day: date
    colour: str
    selected: str | None


def from_query(params: Mapping[str, str], first: date, last: date, known_ids: Iterable[str], default_day: date) -> View:
    """The view a URL asks for; each part that is missing or invalid falls back to its default."""
    day = ascii_day(params.get("day"), first, last) or default_day
    colour = params.get("colour")
    if colour not in status.DIMENSIONS:
        colour = "sanctuary"
    selected = params.get("selected")
    if selected not in set(known_ids):
        selected = None
    return View(day=day, colour=colour, selected=selected)


def ascii_day(value: object, first: date, last: date) -> date | None:
    """The day ``value`` writes as YYYY-MM-DD in ASCII digits, if it is a real day from ``first`` to ``last``; else None."""
    if not isinstance(value, str) or not _ASCII_DAY.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if first <= day <= last else None


class _MapState(BaseModel):
    """The part of st_folium's value the app reads: the page's report, a string of bounded length."""

    model_config = ConfigDict(extra="ignore", strict=True)

    last_object_clicked_popup: str | None = Field(default=None, max_length=MAX_REPORT)


class _Report(BaseModel):
    """The map page's report, as ``static/js/sanctuarymap.js`` writes it."""

    model_config = ConfigDict(extra="ignore", strict=True)

    page: str = Field(min_length=1, max_length=100)
    seq: int = Field(ge=0, le=2**53)
    day: str = Field(pattern=_ASCII_DAY.pattern, max_length=10)
    click: str | None = Field(default=None, max_length=200)


@dataclass(frozen=True)
class PageReport:
    """What the map page sent: the day it settled on, and the place clicked, if the report is a click."""

    key: tuple[str, int]  # (the page's id, its report count): a report is applied once
    day: date
    click: str | None


def page_report(value: object, first: date, last: date) -> PageReport | None:
    """The map page's report, read from st_folium's ``last_object_clicked_popup`` field.

    The page writes ``{"page": id, "seq": n, "day": "2017-08-22", "click": id or null}`` there (the
    field is free: no shape has a popup). Anything else, or a day outside ``first``..``last``, is None:
    the value comes from the browser and is not trusted.
    """
    if not isinstance(value, str) or len(value) > MAX_REPORT:
        return None
    try:
        fields = _Report.model_validate_json(value)
    except ValidationError:
        return None
    day = ascii_day(fields.day, first, last)
    if day is None:
        return None
    return PageReport(key=(fields.page, fields.seq), day=day, click=fields.click)


def settle(
    session: MutableMapping[str, Any], query: Mapping[str, str], first: date, last: date, known_ids: Iterable[str], default_day: date
) -> None:
    """Bring the session's view up to date before any widget is drawn.

    On a session's first run the view comes from the URL; later, the map page's latest report (the day
    it settled on, a click on a place) is applied, once.
    """
    if "day" not in session:
        start = from_query(query, first, last, known_ids, default_day)
        # day_set counts the days the server chose (maps.view): the page moves to those, and only those.
        session.update(day=start.day, colour=start.colour, selected=start.selected, day_set=1)
    if session.get("selected") not in set(known_ids):
        session["selected"] = None  # gone from the records since this session chose it (an edit)
    report = _new_report(session, first, last)
    if report is not None:
        _apply(session, report)
        if report.click is not None:
            session["selected"] = report.click if report.click in set(known_ids) else None
            # Counts the places opened from the map: the page brings each newly opened panel into sight.
            session["opened"] = int(session.get("opened", 0)) + 1


def settle_day(session: MutableMapping[str, Any], first: date, last: date) -> bool:
    """Apply the map page's latest report if all it does is move the day (the page settled on one).

    False, with nothing applied, if it is a click: a selection changes what the whole page shows, so
    the whole script must run (and ``settle`` applies it there).
    """
    report = _new_report(session, first, last)
    if report is None:
        return True
    if report.click is not None:
        return False
    _apply(session, report)
    return True


@dataclass(frozen=True)
class Drawn:
    """What the whole page is drawn with, outside the day's view: the colouring and the selection its controls
    show, the count of days the server set, whether the map has painted, the files' version. A settled day
    changes none of these, and reruns the day's view alone; anything else that changes them (the map's first
    paint, a click, a key moment, a records edit) reruns the whole page."""

    colour: str
    selected: str | None
    day_set: int
    painted: bool
    version: str


def drawn(session: Mapping[str, Any], version: str) -> Drawn:
    return Drawn(session["colour"], session["selected"], int(session["day_set"]), map_painted(session), version)


def map_painted(session: Mapping[str, Any]) -> bool:
    """Whether the map page has reported at all: it does once its first day is painted (or its data
    failed to load), and the page draws what follows the map only then."""
    return bool(session.get("map_painted"))


def _apply(session: MutableMapping[str, Any], report: PageReport) -> None:
    session["last_report"] = report.key
    session["day"] = report.day
    session["map_painted"] = True


def _new_report(session: Mapping[str, Any], first: date, last: date) -> PageReport | None:
    """The map page's latest report, if it has not been applied yet.

    The value comes from the browser: anything but the shape ``_MapState`` and ``_Report`` describe
    (a number, a list, a megabyte of text sent with ``Streamlit.setComponentValue`` or over the
    websocket) is ignored, and logged once per session.
    """
    value = session.get("map")
    try:
        popup = _MapState.model_validate({} if value is None else value).last_object_clicked_popup
    except ValidationError:
        popup, report = None, None
        _refused(session, value)
    else:
        report = page_report(popup, first, last)
        if report is None and popup is not None:
            _refused(session, popup)
    return report if report is not None and report.key != session.get("last_report") else None


def _refused(session: Mapping[str, Any], value: object) -> None:
    if isinstance(session, MutableMapping) and not session.get("report_refused"):
        session["report_refused"] = True
        _LOG.warning("ignored a map report that is not of the expected shape: %s", records.shown(repr(value)))


def to_query(current: View) -> dict[str, str]:
    query = {"day": current.day.isoformat(), "colour": current.colour}
    if current.selected:
        query["selected"] = current.selected
    return query


def events_csv(events: pd.DataFrame, sources: pd.DataFrame) -> bytes:
    """Events with their sources as CSV, safe to open in a spreadsheet (no formula runs)."""
    table = events.merge(sources.drop(columns=["row"], errors="ignore"), on="event_id", how="left")
    table = table.drop(columns=["row_x", "row_y", "row"], errors="ignore")
    table["jurisdiction_ids"] = table["jurisdiction_ids"].map(lambda ids: records.LIST_SEPARATOR.join(ids))
    if "date_precision" in table:
        table["date"] = [records.written_date(d, p) for d, p in zip(table["date"], table["date_precision"])]
    table = table.map(lambda v: records.neutralise_formula(v) if isinstance(v, str) else v)
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")
