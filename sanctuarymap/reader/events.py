"""On this day: the events of the day shown and the last few before it, and what the live region reads out."""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from sanctuarymap.data import plural, records, status, year
from sanctuarymap.reader import panel, text


def recent_events(recs: records.Records, day: date, count: int = 6, most: int = 10) -> pd.DataFrame:
    """The events of ``day`` and the last few before it, newest first: ``count`` of them, more if the
    day itself has more, but never above ``most`` (``recent_html`` says how many of the day's are left out)."""
    # The events are sorted by date when loaded: a binary search, not a scan (thousands with every county).
    dates = recs.events["date"]
    end = int(dates.searchsorted(day, side="right"))
    shown = min(max(count, count_on(recs, day)), most)
    return recs.events.iloc[max(0, end - shown) : end].iloc[::-1]


def count_on(recs: records.Records, day: date) -> int:
    """How many events happened on ``day``."""
    dates = recs.events["date"]
    return int(dates.searchsorted(day, side="right") - dates.searchsorted(day, side="left"))


def announcement(recs: records.Records, day: date, names: dict[str, str], most: int = 3) -> str:
    """What the page's live region says when it settles on ``day``: the day and its events, briefly."""
    dates = recs.events["date"]
    todays = recs.events.iloc[int(dates.searchsorted(day, side="left")) : int(dates.searchsorted(day, side="right"))]
    if todays.empty:
        return f"{year.day_label(day)}: no events recorded that day."
    told = []
    event: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for event in todays.head(most).itertuples(index=False):
        places = [names.get(j, j) for j in event.jurisdiction_ids if j != "us"]
        where = f" ({', '.join(places[:2])}{' and others' if len(places) > 2 else ''})" if places else ""
        told.append(f"{status.kind_label(event.kind)}{where}")
    more = f"; and {len(todays) - most} more" if len(todays) > most else ""
    return f"{year.day_label(day)}: {plural.counted(len(todays), 'event')}. " + "; ".join(told) + more + "."


def recent_html(
    events: pd.DataFrame,
    by_event: Mapping[str, text.Sources],
    day: date,
    names: dict[str, str],
    on_the_day: int = 0,
    items: panel.Items | None = None,
) -> str:
    """``recent_events`` as a list; ``on_the_day`` (``count_on``) above those listed for ``day`` is said in a line.
    ``items``: the events' items, if kept (``panel.Items``)."""
    if events.empty:
        return '<p class="sm-empty">Nothing recorded yet.</p>'
    body = panel.timeline_html(events, by_event, day, names, items).replace('class="sm-timeline"', 'class="sm-timeline sm-recent"', 1)
    left_out = on_the_day - int((events["date"] == day).sum())
    if left_out > 0:
        more = plural.counted(left_out, "more event", "more events")
        body += f'<p class="sm-more">… and {more} on {html.escape(year.day_label(day))}.</p>'
    return body
