"""The story of one place: its statuses on the day shown, the state law above it, and its events with their sources.

Built from escaped parts (``text``): nothing here trusts the records.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, MutableMapping
from datetime import date
from typing import Any

import pandas as pd

from sanctuarymap.data import basis, plural, records, status, year
from sanctuarymap.reader import text


def status_rows(current: pd.DataFrame, jurisdiction_id: str) -> list[tuple[str, str]]:
    """(dimension label, category label) for one jurisdiction on the chosen day."""
    return [(d.label, d.label_of(str(current.at[jurisdiction_id, key]))) for key, d in status.DIMENSIONS.items()]


def events_of(recs: records.Records, jurisdiction_id: str) -> pd.DataFrame:
    events = recs.events
    mask = events["jurisdiction_ids"].map(lambda ids: jurisdiction_id in ids)
    return events[mask].sort_values(["date", "event_id"])


# Each event as a timeline item (``event_item``), kept by event id from one call to the next: an item does not
# depend on the day, only on whether the day shown is before the event's.
Items = MutableMapping[str, tuple[str, str]]


def timeline_html(
    events: pd.DataFrame, by_event: Mapping[str, text.Sources], day: date, names: dict[str, str], items: Items | None = None
) -> str:
    """Events as a list; those after ``day`` are marked as still to come.

    ``by_event`` maps an event id to its sources; ``items``, if given, keeps the events' items (``Items``).
    """
    if events.empty:
        return '<p class="sm-empty">No events recorded.</p>'
    kept: Items = {} if items is None else items
    parts = []
    event: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for event in events.itertuples(index=False):
        item = kept.get(event.event_id)
        if item is None:
            item = kept[event.event_id] = event_item(event, by_event, names)
        parts.append(item[1] if event.date > day else item[0])
    return '<ol class="sm-timeline">' + "".join(parts) + "</ol>"


def event_item(event: Any, by_event: Mapping[str, text.Sources], names: dict[str, str]) -> tuple[str, str]:
    """One event (a row of the events) as a timeline item: as it reads from its day on, and before it (still to come)."""
    others = [names.get(j, j) for j in event.jurisdiction_ids]
    concerns = ""
    if len(others) > 1:
        shown = ", ".join(text.text_html(n) for n in others[:12])
        more = f" and {len(others) - 12} more" if len(others) > 12 else ""
        concerns = f'<div class="sm-concerns">Concerns: {shown}{more}</div>'
    # A listing is the list's claim: the panel names whose list it is.
    listed = ""
    if event.kind in status.LISTING_KINDS:
        listed = f'<div class="sm-list">Listed in: {text.text_html(basis.list_name(by_event.get(event.event_id, ())))}</div>'
    when = f"{html.escape(year.when_label(event.date, event.date_precision))} · {text.linked(status.kind_label(event.kind))}"
    sources = text.sources_html(by_event.get(event.event_id))
    rest = f'<div class="sm-summary">{text.linked(event.summary)}</div>{concerns}{listed}{sources}</li>'
    opening = f'data-event="{html.escape(event.event_id)}"><div class="sm-when">{when}'
    return (
        f'<li class="sm-event" {opening}</div>{rest}',
        f'<li class="sm-event sm-upcoming" {opening} · <em>still to come</em></div>{rest}',
    )


def panel_html(
    recs: records.Records,
    by_event: Mapping[str, text.Sources],
    current: pd.DataFrame,
    jurisdiction_id: str,
    day: date,
    names: dict[str, str],
    beneath: str | None = None,
    opened: int = 0,
    *,
    events: pd.DataFrame | None = None,
    items: Items | None = None,
) -> str:
    """The story of one jurisdiction: its status on ``day`` on every dimension, then its timeline.

    ``beneath`` (``law.beneath``), if given, is a line under the status: the state law the place stands under.
    ``opened`` counts the places opened by a click on the map (``view.settle``): the page brings a newly
    opened panel into sight (static/js/page.js). ``events`` (``events_of``) and ``items`` (``Items``), if kept.
    """
    rows = "".join(
        f"<tr><td>{text.linked(label)}</td><td><strong>{text.linked(value)}</strong></td></tr>"
        for label, value in status_rows(current, jurisdiction_id)
    )
    events = events_of(recs, jurisdiction_id) if events is None else events
    upcoming = int((events["date"] > day).sum())
    return (
        f'<div class="sm-panel" data-selected="{html.escape(jurisdiction_id)}" data-opened="{int(opened)}">'
        f'<h2 class="sm-panel-title sm-h2" tabindex="-1">{text.text_html(names.get(jurisdiction_id, jurisdiction_id))}</h2>'
        f"<div>On {html.escape(year.day_label(day))}:</div>"
        f'<table class="sm-status">{rows}</table>'
        + (f'<p class="sm-law" data-law="state">Beneath state law: {text.linked(beneath)}.</p>' if beneath else "")
        + f"<div><strong>{plural.counted(len(events), 'event')}</strong>{f', {upcoming} still to come' if upcoming else ''}</div>"
        f'<div class="sm-timeline-box">{timeline_html(events, by_event, day, names, items)}</div></div>'
    )
