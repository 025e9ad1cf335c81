"""Two days compared: which places changed category between them, what caused it, and the counts.

The map page fades the places that did not change and colours the others by the later day, from the
changes it already holds (``SanctuaryMap.compareOn`` in ``static/js/sanctuarymap.js``); this module
gives the list and the counts beside it, from ``status.as_of`` on both days.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd

from sanctuarymap.data import status
from sanctuarymap.reader import story

CHANGE_COLUMNS = ["jurisdiction_id", "before", "after", "event_ids"]


def ordered(day: date, other: date) -> tuple[date, date]:
    """The two days, earlier first."""
    return (day, other) if day <= other else (other, day)


def changed(changes: pd.DataFrame, jurisdiction_ids: Iterable[str], dimension_key: str, day: date, other: date) -> pd.DataFrame:
    """Places whose category in ``dimension_key`` differs between the two days, in the order given.

    ``before`` is the category on the earlier day, ``after`` on the later; ``event_ids`` the events of
    the place's changes in that dimension after the earlier day and up to the later one (all of them:
    a place that went A → B → C lists both).
    """
    ids = list(jurisdiction_ids)
    early, late = ordered(day, other)
    before = status.as_of(changes, ids, early)[dimension_key]
    after = status.as_of(changes, ids, late)[dimension_key]
    between = changes[(changes["dimension"] == dimension_key) & (changes["date"] > early) & (changes["date"] <= late)]
    causes = between.groupby("jurisdiction_id", sort=False)["event_id"].agg(list).to_dict()
    rows = [(j, before[j], after[j], causes.get(j, [])) for j in ids if before[j] != after[j]]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def counts(changes: pd.DataFrame, jurisdiction_ids: Iterable[str], dimension_key: str, day: date, other: date) -> pd.DataFrame:
    """How many places stood in each category on each day, the earlier day first: one row per category."""
    ids = list(jurisdiction_ids)
    early, late = ordered(day, other)
    dimension = status.DIMENSIONS[dimension_key]
    on_early = status.as_of(changes, ids, early)[dimension_key].value_counts()
    on_late = status.as_of(changes, ids, late)[dimension_key].value_counts()
    return pd.DataFrame(
        {
            "Category": [c.label for c in dimension.categories],
            story.day_label(early): [int(on_early.get(c.key, 0)) for c in dimension.categories],
            story.day_label(late): [int(on_late.get(c.key, 0)) for c in dimension.categories],
        }
    )


def list_html(
    rows: pd.DataFrame, dimension_key: str, names: dict[str, str], events: pd.DataFrame, sources_by_event: dict[str, list[Any]]
) -> str:
    """``changed`` as "Place: before → after", each with its events and their sources as links."""
    if rows.empty:
        return '<p class="sm-empty">No place changed category between these two days.</p>'
    dimension = status.DIMENSIONS[dimension_key]
    by_id: dict[str, tuple[date, str, str]] = {
        str(e): (d, str(p), str(k)) for e, d, p, k in zip(events["event_id"], events["date"], events["date_precision"], events["kind"])
    }
    items = []
    for jurisdiction_id, before, after, event_ids in zip(rows["jurisdiction_id"], rows["before"], rows["after"], rows["event_ids"]):
        causes = []
        for event_id in event_ids:
            if event_id not in by_id:
                continue
            day, precision, kind = by_id[event_id]
            causes.append(
                f'<li data-event="{html.escape(event_id)}">{html.escape(story.when_label(day, precision))}'
                f" · {html.escape(status.kind_label(kind))}{story.sources_html(sources_by_event.get(event_id))}</li>"
            )
        place = str(jurisdiction_id)
        items.append(
            f'<li class="sm-change" data-jurisdiction="{html.escape(place)}">'
            f"<strong>{html.escape(names.get(place, place))}</strong>: "
            f"{html.escape(dimension.label_of(str(before)))} → {html.escape(dimension.label_of(str(after)))}"
            f'<ul class="sm-causes">{"".join(causes)}</ul></li>'
        )
    return '<ol class="sm-changes">' + "".join(items) + "</ol>"
