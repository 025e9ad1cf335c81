"""Where every jurisdiction stood on a given day, on three dimensions.

The rules live in ``RULES``: which event kind moves which dimension to which
category.  Events are applied in date order (ties broken by event id, so the
order of rows in a file never matters); an event counts from its own day on.
Events dated before 2017 set the state a jurisdiction starts the year in.
A fact known only to a month or a year counts from ``counts_from``: the first
day on which it is certainly true, never an invented day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import pandas as pd


@dataclass(frozen=True)
class Category:
    key: str
    label: str


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    categories: tuple[Category, ...]

    @property
    def baseline(self) -> str:
        return self.categories[0].key

    def label_of(self, key: str) -> str:
        return next(c.label for c in self.categories if c.key == key)


SANCTUARY = Dimension(
    "sanctuary",
    "Sanctuary status",
    (
        Category("none_known", "No known policy"),
        Category("symbolic", "Symbolic declaration only"),
        Category("limits_cooperation", "Limits cooperation with ICE"),
        Category("requires_cooperation", "Must cooperate with ICE"),
    ),
)
PRESSURE = Dimension(
    "pressure",
    "Federal pressure",
    (
        Category("none", "None recorded"),
        Category("named", "Named in a federal report"),
        Category("warned", "Warned by DOJ letter"),
        Category("noncompliant", "Found possibly non-compliant"),
        Category("compliant", "Found compliant by DOJ"),
        Category("funds_withheld", "Funds withheld or sued by the U.S."),
    ),
)
LAWSUIT = Dimension(
    "lawsuit",
    "Lawsuit",
    (
        Category("none", "No lawsuit"),
        Category("plaintiff", "Suing, no ruling yet"),
        Category("won", "Ruling in its favour"),
        Category("lost", "Ruling against it"),
        Category("defendant", "Sued over its policy"),
    ),
)
DIMENSIONS = {d.key: d for d in (SANCTUARY, PRESSURE, LAWSUIT)}


class Rule(NamedTuple):
    dimension: str
    category: str
    only_from_baseline: bool = False  # applies only while the dimension is still at its baseline


# The one table of rules; records/README.md mirrors it.
RULES: dict[str, Rule | None] = {
    "federal_action": None,
    "statement": None,
    "policy_limits_cooperation": Rule("sanctuary", "limits_cooperation"),
    # A declaration without operative limits never lowers a policy that has them (a welcoming
    # resolution that reaffirms a detainer ordinance leaves the ordinance in force).
    "policy_symbolic": Rule("sanctuary", "symbolic", only_from_baseline=True),
    "policy_requires_cooperation": Rule("sanctuary", "requires_cooperation"),
    "policy_ended": Rule("sanctuary", "none_known"),
    # A report naming a place matters only if nothing sharper has happened yet.
    "federal_report_named": Rule("pressure", "named", only_from_baseline=True),
    "doj_warning_letter": Rule("pressure", "warned"),
    "doj_noncompliance_finding": Rule("pressure", "noncompliant"),
    "doj_compliance_finding": Rule("pressure", "compliant"),
    "funds_withheld": Rule("pressure", "funds_withheld"),
    "lawsuit_filed": Rule("lawsuit", "plaintiff"),
    "sued": Rule("lawsuit", "defendant"),
    "ruling_for": Rule("lawsuit", "won"),
    "ruling_against": Rule("lawsuit", "lost"),
}
EVENT_KINDS = frozenset(RULES)

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
    rows = []
    for event_id, day, kind, jurisdiction_id in ordered[["event_id", "date", "kind", "jurisdiction_id"]].itertuples(index=False):
        rule = RULES[kind]
        if rule is None:
            continue
        key = (jurisdiction_id, rule.dimension)
        before = current.get(key, DIMENSIONS[rule.dimension].baseline)
        if rule.only_from_baseline and before != DIMENSIONS[rule.dimension].baseline:
            continue
        current[key] = rule.category
        rows.append((jurisdiction_id, rule.dimension, day, rule.category, event_id))
    return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)


def as_of(changes: pd.DataFrame, jurisdiction_ids, day: date) -> pd.DataFrame:
    """Category of each jurisdiction on ``day``, one row each, one column per dimension.

    Changes dated ``day`` itself count.  A jurisdiction with no change yet
    is at each dimension's baseline.
    """
    index = pd.Index(list(jurisdiction_ids), name="jurisdiction_id")
    known = changes[changes["date"] <= day].drop_duplicates(["jurisdiction_id", "dimension"], keep="last")
    table = known.pivot(index="jurisdiction_id", columns="dimension", values="category")
    # object dtype: an empty pivot comes back as floats, and categories are strings
    table = table.reindex(index=index, columns=list(DIMENSIONS)).astype(object)
    for key, dimension in DIMENSIONS.items():
        table[key] = table[key].fillna(dimension.baseline)
    table.columns.name = None
    return table


def daily_counts(changes: pd.DataFrame, jurisdiction_ids, first: date, last: date) -> pd.DataFrame:
    """How many jurisdictions stood in each category on each day from ``first`` to ``last``."""
    ids = list(jurisdiction_ids)
    state = as_of(changes, ids, first - timedelta(days=1))
    counts = {key: state[key].value_counts().to_dict() for key in DIMENSIONS}
    pending = changes[(changes["date"] >= first) & (changes["date"] <= last) & changes["jurisdiction_id"].isin(ids)]
    by_day = {d: group for d, group in pending.groupby("date")}
    rows = []
    day = first
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
