"""Where every jurisdiction stood on a given day, on three dimensions.

This module is the one home of the vocabulary: each dimension's categories (key, label, colour) in
``DIMENSIONS``, and each event kind (key, label, rule) in ``EVENT_KINDS``. A rule says which dimension
an event kind moves to which category. Events are applied in date order (ties broken by event id, so
the order of rows in a file never matters); an event counts from its own day on.
Events dated before 2017 set the state a jurisdiction starts the year in.
A fact known only to a month or a year counts from ``counts_from``: the first
day on which it is certainly true, never an invented day.
"""

from __future__ import annotations

import calendar
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    colour: str  # "#rrggbb" on the map, its legend and the chart


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    categories: tuple[Category, ...]

    @property
    def baseline(self) -> str:
        return self.categories[0].key

    def category(self, key: str) -> Category:
        return next(c for c in self.categories if c.key == key)

    def label_of(self, key: str) -> str:
        return self.category(key).label


# The three colourings and their categories, each with its label and colour, in order (the baseline first):
# categories.csv beside this module, their one home. Colours are Okabe & Ito's colour-blind-safe palette,
# with grey for each baseline; the grey is dark enough to stand 3:1 against NO_RECORD's white (WCAG's
# non-text contrast), so a place with no known policy never reads as a place with no record.
CATEGORIES_FILE = Path(__file__).with_name("categories.csv")


def _read_dimensions(path: Path) -> dict[str, Dimension]:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    labels = {row["dimension"]: row["dimension_label"] for row in rows}
    return {
        key: Dimension(key, label, tuple(Category(row["category"], row["label"], row["colour"]) for row in rows if row["dimension"] == key))
        for key, label in labels.items()
    }


DIMENSIONS = _read_dimensions(CATEGORIES_FILE)
SANCTUARY, PRESSURE, LAWSUIT = DIMENSIONS["sanctuary"], DIMENSIONS["pressure"], DIMENSIONS["lawsuit"]
# A place with no record is not drawn: the map's ground shows, in this colour, with its own legend entry.
NO_RECORD = Category("no_record", "No record", "#ffffff")
# The map's lines (the fills are the categories' colours above): the payload carries them, and the page
# sets each as the CSS variable --sm-<name> that static/css/sanctuarymap.css draws with.
STROKES = {
    "line": "#555555",  # a recorded state's or county's outline
    "city-line": "#222222",  # a city dot's ring
    "selected-line": "#000000",  # the place selected
    "marked-line": "#000000",  # a place whose colour just changed, while the year plays
    "context-line": "#c8c8c8",  # the counties with no record, drawn faintly to situate the rest
    "state-line": "#8a8a8a",  # every state's outline, above the fills
}
# While two days are compared, a place whose category did not change is drawn in its colour mixed with
# white, this share of it: opaque, so that what the map shows is exactly a legend swatch.
FADED_SHARE = 0.3


def faded(colour: str) -> str:
    """``colour`` ("#rrggbb") mixed with white, FADED_SHARE of it: a place unchanged between two days compared."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * FADED_SHARE):02x}" for c in channels)


class Rule(NamedTuple):
    dimension: str
    category: str
    only_from_baseline: bool = False  # applies only while the dimension is still at its baseline
    # A third party's listing never outranks the place's own act: it applies only while no event of
    # another kind (the place's own policy, or its end) has set the dimension.
    yields_to_own_act: bool = False


class EventKind(NamedTuple):
    label: str  # as the panel, the caption and the About page show it
    rule: Rule | None = None  # None: context only, no colour changes


# The one table of event kinds; records/README.md mirrors it (tests/shipped/test_data_files.py checks every row).
EVENT_KINDS: dict[str, EventKind] = {
    "federal_action": EventKind("Federal action"),
    "statement": EventKind("Statement"),
    # A law that binds only some other bodies (Georgia's HB 37: private colleges) is not the place's own rule.
    "law_binding_other_bodies": EventKind("Law binding only other bodies"),
    "policy_limits_cooperation": EventKind("Policy limiting cooperation", Rule("sanctuary", "limits_cooperation")),
    # A declaration without operative limits never lowers a policy that has them (a welcoming
    # resolution that reaffirms a detainer ordinance leaves the ordinance in force).
    "policy_symbolic": EventKind("Symbolic declaration", Rule("sanctuary", "symbolic", only_from_baseline=True)),
    "policy_requires_cooperation": EventKind("Cooperation required", Rule("sanctuary", "requires_cooperation")),
    "policy_ended": EventKind("Policy ended", Rule("sanctuary", "none_known")),
    # A tracker's list (an advocacy group's, a law firm's, a clinic's) says a place limits cooperation; the
    # place's own act, earlier or later, decides instead whenever there is one.
    "listed_limits_cooperation": EventKind(
        "Listed by a tracker as limiting cooperation", Rule("sanctuary", "limits_cooperation", yields_to_own_act=True)
    ),
    # A report naming a place matters only if nothing sharper has happened yet.
    "federal_report_named": EventKind("Named in federal report", Rule("pressure", "named", only_from_baseline=True)),
    "doj_warning_letter": EventKind("DOJ warning letter", Rule("pressure", "warned")),
    "doj_noncompliance_finding": EventKind("DOJ: possibly non-compliant", Rule("pressure", "noncompliant")),
    "doj_compliance_finding": EventKind("DOJ: compliant", Rule("pressure", "compliant")),
    "funds_withheld": EventKind("Funds withheld", Rule("pressure", "funds_withheld")),
    "lawsuit_filed": EventKind("Lawsuit filed", Rule("lawsuit", "plaintiff")),
    "sued": EventKind("Sued", Rule("lawsuit", "defendant")),
    "ruling_for": EventKind("Ruling in its favour", Rule("lawsuit", "won")),
    "ruling_against": EventKind("Ruling against it", Rule("lawsuit", "lost")),
}


# The kinds that record a third party's listing, not the place's own act (sanctuarymap/data/basis.py).
LISTING_KINDS = frozenset(key for key, kind in EVENT_KINDS.items() if kind.rule is not None and kind.rule.yields_to_own_act)


def kind_label(kind: str) -> str:
    """The label of an event kind; an unknown kind (never in loaded records) shows as itself."""
    known = EVENT_KINDS.get(kind)
    return kind if known is None else known.label


# How precisely an event's date is known, finest first; records/README.md mirrors the rule below.
PRECISIONS = ("day", "month", "year")


def counts_from(year: int, month: int | None = None, day: int | None = None) -> date:
    """The day from which a fact counts: the day itself when it is known, else the last day of its
    month (known to the month) or of its year (known to the year), the first day it is certainly true."""
    if month is None:
        return date(year, 12, 31)
    if day is None:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, day)


TIMELINE_COLUMNS = ["jurisdiction_id", "dimension", "date", "category", "event_id"]


def timeline(event_jurisdictions: pd.DataFrame) -> pd.DataFrame:
    """Every change of category: one row per (jurisdiction, dimension, day it changed).

    ``event_jurisdictions`` has one row per (event, jurisdiction) with the
    columns event_id, date, kind, jurisdiction_id.
    """
    ordered = event_jurisdictions.sort_values(["date", "event_id"], kind="stable")
    current: dict[tuple[str, str], str] = {}
    set_by_own_act: set[tuple[str, str]] = set()
    rows = []
    for event_id, day, kind, jurisdiction_id in ordered[["event_id", "date", "kind", "jurisdiction_id"]].itertuples(index=False):
        rule = EVENT_KINDS[kind].rule
        if rule is None:
            continue
        key = (jurisdiction_id, rule.dimension)
        before = current.get(key, DIMENSIONS[rule.dimension].baseline)
        if rule.only_from_baseline and before != DIMENSIONS[rule.dimension].baseline:
            continue
        if rule.yields_to_own_act and key in set_by_own_act:
            continue
        if not rule.yields_to_own_act:
            set_by_own_act.add(key)
        current[key] = rule.category
        rows.append((jurisdiction_id, rule.dimension, day, rule.category, event_id))
    return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)


def as_of(changes: pd.DataFrame, jurisdiction_ids: Iterable[str], day: date) -> pd.DataFrame:
    """Category of each jurisdiction on ``day``, one row each, one column per dimension.

    Changes dated ``day`` itself count.  A jurisdiction with no change yet
    is at each dimension's baseline.
    """
    # One pass over the changes in the order applied: the last one on or before the day wins. Plain Python,
    # not a pandas filter, drop_duplicates and pivot: about ten times faster (1 ms, not 11, for the
    # shipped records), and every new day a reader settles on starts here (reader/day.py).
    latest: dict[tuple[str, str], str] = {}
    rows = zip(*(changes[column].tolist() for column in ("jurisdiction_id", "dimension", "date", "category")))
    for jurisdiction_id, dimension, when, category in rows:
        if when <= day:
            latest[(jurisdiction_id, dimension)] = category
    ids = [str(j) for j in jurisdiction_ids]
    columns = {}
    for key, dimension in DIMENSIONS.items():
        baseline = dimension.baseline
        columns[key] = [str(latest.get((j, key), baseline)) for j in ids]
    return pd.DataFrame(columns, index=pd.Index(ids, name="jurisdiction_id"), dtype=object)


def daily_counts(changes: pd.DataFrame, jurisdiction_ids: Iterable[str], first: date, last: date) -> pd.DataFrame:
    """How many jurisdictions stood in each category on each day from ``first`` to ``last``."""
    ids = list(jurisdiction_ids)
    state = as_of(changes, ids, first - timedelta(days=1))
    counts = {key: state[key].value_counts().to_dict() for key in DIMENSIONS}
    pending = changes[(changes["date"] >= first) & (changes["date"] <= last) & changes["jurisdiction_id"].isin(ids)]
    by_day = {d: group for d, group in pending.groupby("date")}
    rows = []
    day = first
    change: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    while day <= last:
        for change in by_day.get(day, pending.iloc[0:0]).itertuples(index=False):
            before = state.at[change.jurisdiction_id, change.dimension]
            counts[change.dimension][before] -= 1
            counts[change.dimension][change.category] = counts[change.dimension].get(change.category, 0) + 1
            state.at[change.jurisdiction_id, change.dimension] = change.category
        for key, dimension in DIMENSIONS.items():
            for category in dimension.categories:
                rows.append((day, key, category.key, counts[key].get(category.key, 0)))
        day += timedelta(days=1)
    return pd.DataFrame(rows, columns=["date", "dimension", "category", "count"])
