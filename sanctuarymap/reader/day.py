"""The day a reader is on, worked out once a rerun, for every part of the page that shows it.

``Facts`` is what every reader of one day of one dataset sees alike: the statuses of every place
(the day's only ``status.as_of``), the counts, the day's events, On this day and what the live region
reads out, the state-law line and the story of each place opened, the day as a table and as the rows
of its downloads. Each part is worked out on first use and kept with the day (``facts_of``: per
dataset, ``DAYS_KEPT`` days), so a crowd settling on the same days works each out once.

``Day`` is one rerun's day: the facts of the day shown and, while comparing, of the other day, with
the colouring and the place the reader chose. The compare list, the table, the panel, On this day,
the downloads and the chart's marker all read from it.
"""

from __future__ import annotations

import html
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

import pandas as pd

from sanctuarymap.data import basis, dataset, law, status, year
from sanctuarymap.reader import compare, download, events, panel, table

# Days kept per dataset: a year's worth, and a few to spare.
DAYS_KEPT = 400
# Places' stories kept per dataset (one per place, day and count of places opened): a few KB each.
PANELS_KEPT = 2048

_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


class _Kept:
    """What is kept for one loaded dataset: its days' facts and its places' stories, least recently used out first."""

    def __init__(self) -> None:
        self.days: OrderedDict[date, Facts] = OrderedDict()
        self.panels: OrderedDict[tuple[str, date, int], str] = OrderedDict()
        self.items: panel.Items = {}  # every event's timeline item, by event id: the same on every day
        self.events_of: OrderedDict[str, pd.DataFrame] = OrderedDict()  # each place's events (panel.events_of)
        self.states: dict[str, str] | None = None  # each city's and county's state (law.states_of), on first use
        self.lock = threading.Lock()

    def remember(self, kept: OrderedDict[_Key, _Value], key: _Key, build: Callable[[], _Value], most: int) -> _Value:
        with self.lock:
            known = kept.get(key)
            if known is not None:
                kept.move_to_end(key)
                return known
        built = build()  # outside the lock: two sessions building the same day at once both get a right answer
        with self.lock:
            kept[key] = built
            while len(kept) > most:
                kept.popitem(last=False)
        return built


# By the dataset's identity (a Dataset is a mutable dataclass, so not hashable); an entry goes with its dataset.
_KEPT: dict[int, _Kept] = {}
_KEPT_LOCK = threading.Lock()


def _kept(data: dataset.Dataset) -> _Kept:
    with _KEPT_LOCK:
        kept = _KEPT.get(id(data))
        if kept is None:
            kept = _KEPT[id(data)] = _Kept()
            weakref.finalize(data, _KEPT.pop, id(data), None)
        return kept


def facts_of(data: dataset.Dataset, day: date) -> Facts:
    """The facts of ``day`` in ``data``: the same object for every reader of that day while it is kept."""
    kept = _kept(data)
    return kept.remember(kept.days, day, lambda: Facts(data, day, kept), DAYS_KEPT)


class Facts:
    """What every reader of one day of one dataset sees alike, each part worked out on first use."""

    def __init__(self, data: dataset.Dataset, day: date, kept: _Kept | None = None) -> None:
        self.data = data
        self.day = day
        self._kept = kept or _kept(data)

    @cached_property
    def label(self) -> str:
        return year.day_label(self.day)

    @cached_property
    def statuses(self) -> pd.DataFrame:
        """Every jurisdiction's category on the day, a column per dimension: the day's one ``status.as_of``."""
        return status.as_of(self.data.changes, self.data.all_names, self.day)

    @cached_property
    def sanctuary(self) -> dict[str, str]:
        """Every jurisdiction's sanctuary status on the day."""
        return {str(j): str(c) for j, c in self.statuses["sanctuary"].items()}

    @cached_property
    def bases(self) -> list[str]:
        """On what each mapped place's status rests (``basis.of_day``), in ``names`` order."""
        return basis.of_day(basis.kinds_of(self.data.records), self.data.changes, self.data.names, self.day)

    @cached_property
    def on_this_day_html(self) -> str:
        """On this day: a heading, the day's events and the last few before, and what the page's live
        region reads out (static/js/page.js) in a hidden element."""
        recs, names = self.data.records, self.data.names
        on_the_day = events.count_on(recs, self.day)
        recent_events = events.recent_events(recs, self.day)
        recent = events.recent_html(recent_events, self.data.sources_by_event, self.day, names, on_the_day, self._kept.items)
        said = events.announcement(recs, self.day, names)
        return f'<h2 class="sm-h2">On {self.label}</h2>{recent}<div hidden data-announce="{html.escape(said, quote=True)}"></div>'

    @cached_property
    def table(self) -> pd.DataFrame:
        """The day as a table (``table.of_day``): every mapped place, unfiltered."""
        return table.of_day(self.data.records, self.data.changes, self.data.names, self.day, current=self.statuses, bases=self.bases)

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The rows of the day's CSV and GeoJSON downloads (``download.day_rows``)."""
        data, day, current = self.data, self.day, self.statuses
        return download.day_rows(data.records, data.changes, data.names, day, data.sources_by_event, current=current, bases=self.bases)

    @property
    def geometries(self) -> dict[str, Any]:
        return self.data.place_geometries

    def law_line(self, jurisdiction_id: str) -> str | None:
        """The state law the place stands under that day (``law.beneath``), or None."""
        data, kept = self.data, self._kept
        if kept.states is None:
            kept.states = law.states_of(data.records.jurisdictions)
        jurisdictions, changes, day = data.records.jurisdictions, data.changes, self.day
        return law.beneath(data.state_laws, jurisdictions, changes, jurisdiction_id, day, sanctuary=self.sanctuary, states=kept.states)

    def panel_html(self, jurisdiction_id: str, opened: int) -> str:
        """The story of one place on the day (``panel.panel_html``) with ``opened``, the count of places opened
        from the map (``view.settle``): kept for the last ``PANELS_KEPT`` asked for. A reader with a place open
        redraws its story on every settled day; built afresh each time, it was most of such a day's CPU."""

        def build() -> str:
            data, kept = self.data, self._kept
            place_events = kept.remember(
                kept.events_of, jurisdiction_id, lambda: panel.events_of(data.records, jurisdiction_id), PANELS_KEPT
            )
            return panel.panel_html(
                data.records,
                data.sources_by_event,
                self.statuses,
                jurisdiction_id,
                self.day,
                data.names,
                self.law_line(jurisdiction_id),
                opened,
                events=place_events,
                items=kept.items,
            )

        return self._kept.remember(self._kept.panels, (jurisdiction_id, self.day, opened), build, PANELS_KEPT)


@dataclass(frozen=True)
class Day:
    """One rerun's day: the facts of the day shown and, while comparing, of the other day; the colouring and
    the place chosen, and the count of places opened from the map (the panel's ``data-opened``)."""

    facts: Facts
    colour: str
    selected: str | None = None
    other: Facts | None = None
    opened: int = 0

    @property
    def day(self) -> date:
        return self.facts.day

    @property
    def label(self) -> str:
        return self.facts.label

    @property
    def panel_html(self) -> str | None:
        return None if self.selected is None else self.facts.panel_html(self.selected, self.opened)

    @property
    def compared(self) -> tuple[Facts, Facts] | None:
        """The two days compared, the earlier first; None while not comparing."""
        if self.other is None:
            return None
        return (self.facts, self.other) if self.day <= self.other.day else (self.other, self.facts)

    def compare_counts(self) -> pd.DataFrame:
        """``compare.counts`` of the two days compared, from their statuses."""
        (early, late), data = self._both(), self.facts.data
        return compare.counts(data.changes, data.mapped_ids, self.colour, early.day, late.day, (early.statuses, late.statuses))

    def compare_changed(self) -> pd.DataFrame:
        """``compare.changed`` between the two days compared, from their statuses."""
        (early, late), data = self._both(), self.facts.data
        return compare.changed(data.changes, data.mapped_ids, self.colour, early.day, late.day, (early.statuses, late.statuses))

    def _both(self) -> tuple[Facts, Facts]:
        both = self.compared
        if both is None:
            raise ValueError("not comparing: no other day")
        return both


def of(
    data: dataset.Dataset, day: date, colour: str, selected: str | None = None, compared_with: date | None = None, opened: int = 0
) -> Day:
    """The day value of one rerun."""
    other = facts_of(data, compared_with) if compared_with is not None else None
    return Day(facts_of(data, day), colour, selected, other, opened)
