"""What a reader is looking at: the day, the colouring and the selection.

The view round-trips through the page URL (``?day=2017-08-22&colour=lawsuit&selected=ca-los-angeles``)
so that a link restores it; anything in a URL that does not make sense is dropped, not trusted.
"""

from __future__ import annotations

import bisect
import io
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from sanctuarymap import records, status

# 4 days a second is the fastest the page keeps up with: at 8 the benchmark saw the map fall four
# days behind the slider (docs/benchmarks.md).
SPEEDS = {"1 day/s": 1.0, "2 days/s": 2.0, "4 days/s": 4.0}
DEFAULT_SPEED = "4 days/s"


@dataclass(frozen=True)
class View:
    day: date
    colour: str
    selected: str | None


def from_query(params: Mapping[str, str], first: date, last: date, known_ids, default_day: date) -> View:
    """The view a URL asks for; each part that is missing or invalid falls back to its default."""
    day = default_day
    try:
        asked = date.fromisoformat(str(params.get("day", "")))
        if first <= asked <= last:
            day = asked
    except ValueError:
        pass
    colour = params.get("colour")
    if colour not in status.DIMENSIONS:
        colour = "sanctuary"
    selected = params.get("selected")
    if selected not in set(known_ids):
        selected = None
    return View(day=day, colour=colour, selected=selected)


def settle(session: MutableMapping, query: Mapping[str, str], first: date, last: date, known_ids, default_day: date) -> None:
    """Bring the session's view up to date before any widget is drawn.

    On a session's first run the view comes from the URL; later, a day the replay
    moved to at the end of the previous run, and a click on the map, are applied.
    """
    if "day" not in session:
        start = from_query(query, first, last, known_ids, default_day)
        session.update(day=start.day, colour=start.colour, selected=start.selected, playing=False, speed=DEFAULT_SPEED)
    if session.get("selected") not in set(known_ids):
        session["selected"] = None  # gone from the records since this session chose it (an edit)
    if "advance_to" in session:
        session["day"] = session.pop("advance_to")
        if session["day"] >= last:
            session["playing"] = False  # the end of the year; a Pause clicked meanwhile stands as it is
    if not session.get("playing"):
        session.pop("last_step", None)
    clicked = (session.get("map") or {}).get("last_object_clicked_popup")
    if clicked and clicked != session.get("last_click"):
        # The click value carries a counter, so a second click on the same place still counts.
        session["last_click"] = clicked
        session["selected"] = clicked_id(clicked) if clicked_id(clicked) in set(known_ids) else None


def to_query(current: View) -> dict[str, str]:
    query = {"day": current.day.isoformat(), "colour": current.colour}
    if current.selected:
        query["selected"] = current.selected
    return query


def clicked_id(value: str | None) -> str | None:
    """The jurisdiction id in the map's click value ``"<id>|<click count>"``."""
    if not value or not isinstance(value, str):
        return None
    return value.split("|", 1)[0] or None


def next_day(day: date, last: date) -> date:
    return min(day + timedelta(days=1), last)


def neighbour_event_day(event_days: list[date], day: date, direction: int) -> date | None:
    """The nearest day with an event strictly after (direction 1) or before (-1) ``day``."""
    if direction > 0:
        i = bisect.bisect_right(event_days, day)
        return event_days[i] if i < len(event_days) else None
    i = bisect.bisect_left(event_days, day)
    return event_days[i - 1] if i > 0 else None


def jump(session: dict, event_days: list[date], direction: int) -> None:
    """Move ``session["day"]`` to the neighbouring day with an event, if there is one."""
    target = neighbour_event_day(event_days, session["day"], direction)
    if target is not None:
        session["day"] = target


def replay_pause(last_step: float | None, now: float, speed_label: str) -> float:
    """Seconds to wait before the replay shows the next day (monotonic clock), never negative.

    Pressing Play moves on at once (the reader has been looking at the day already); after
    that each day waits what is left of its interval once its rerun is done.
    """
    interval = 1.0 / SPEEDS.get(speed_label, SPEEDS[DEFAULT_SPEED])
    if last_step is None:
        return 0.0
    return min(interval, max(0.0, interval - (now - last_step)))


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
