"""On what a place's status rests: its own act, a tracker's list, or a federal list.

A place's sanctuary status rests on its own act when the event that set it is the place's own (an ordinance,
an order, a sheriff's policy, or its end); on a tracker's list when a list by a third party (an advocacy group,
a law firm, a law clinic) set it and no own act has; and on a federal list when no event has set its sanctuary
status but a federal report, letter or finding names it. A place with none of these (only statements or suits)
rests on nothing here. The table, the downloads, the About page and records/README.md all use these words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from sanctuarymap.data import records, status
from sanctuarymap.reader import story

OWN_ACT, TRACKER_LIST, FEDERAL_LIST = "own act", "tracker list", "federal list"
BASES = (OWN_ACT, TRACKER_LIST, FEDERAL_LIST)
# The day the About page and records/README.md count on: the last day the map replays.
COUNTED_ON = date(2017, 12, 31)


def of_day(kind_of: Mapping[str, str], changes: pd.DataFrame, jurisdiction_ids: Iterable[str], day: date) -> list[str]:
    """The basis of each place's status on ``day`` (one of ``BASES``, or ``""``), in the order given.

    ``kind_of`` maps an event id to its kind; ``changes`` is ``status.timeline`` (rows in the order applied).
    """
    ids = list(jurisdiction_ids)
    known = changes[(changes["date"] <= day) & changes["jurisdiction_id"].isin(ids)]
    latest = known.drop_duplicates(["jurisdiction_id", "dimension"], keep="last")
    sanctuary = latest[latest["dimension"] == "sanctuary"]
    setting = dict(zip(sanctuary["jurisdiction_id"], sanctuary["event_id"]))
    pressured = set(latest.loc[latest["dimension"] == "pressure", "jurisdiction_id"])
    bases = []
    for j in ids:
        if j in setting:
            bases.append(TRACKER_LIST if kind_of.get(setting[j]) in status.LISTING_KINDS else OWN_ACT)
        else:
            bases.append(FEDERAL_LIST if j in pressured else "")
    return bases


def kinds_of(recs: records.Records) -> dict[str, str]:
    """Each event id's kind."""
    return dict(zip(recs.events["event_id"], recs.events["kind"]))


def counts(recs: records.Records, changes: pd.DataFrame, jurisdiction_ids: Iterable[str], day: date = COUNTED_ON) -> pd.DataFrame:
    """How many places' status rests on each basis on ``day``: one row per basis, in ``BASES`` order."""
    found = pd.Series(of_day(kinds_of(recs), changes, jurisdiction_ids, day), dtype=object)
    return pd.DataFrame({"basis": list(BASES), "places": [int((found == b).sum()) for b in BASES]})


def tracker_lists(recs: records.Records) -> pd.DataFrame:
    """One row per tracker listing on record: its day, the list's name, how many places it names, and how
    many are on record because of it alone (no other event of theirs)."""
    pairs = recs.event_jurisdictions
    events_per_place = pairs.groupby("jurisdiction_id")["event_id"].nunique()
    lists = recs.events[recs.events["kind"].isin(status.LISTING_KINDS)]
    sources = recs.sources
    rows = []
    event: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for event in lists.itertuples(index=False):
        named = list(event.jurisdiction_ids)
        rows.append(
            {
                "event_id": event.event_id,
                "when": story.when_label(event.date, event.date_precision),
                "list": story.list_name(sources[sources["event_id"] == event.event_id]),
                "named": len(named),
                "only_here": sum(int(events_per_place.get(j, 0) == 1) for j in named),
            }
        )
    return pd.DataFrame(rows, columns=["event_id", "when", "list", "named", "only_here"])


def about_markdown(data: Any) -> str:  # a dataset.Dataset
    """The About page's paragraph on bases: the count by basis on ``COUNTED_ON`` and the tracker lists."""
    by_basis = counts(data.records, data.changes, data.mapped_ids)
    basis_rows = "\n".join(f"| {row.basis} | {row.places} |" for row in by_basis.itertuples())
    list_rows = "\n".join(
        f"| {row.when} | {row.list} | `{row.event_id}` | {row.named} | {row.only_here} |"
        for row in tracker_lists(data.records).itertuples()
    )
    return f"""
### On what a status rests
A place's status rests on its **own act** (its ordinance, order or sheriff's policy, or the end of one), on a
**tracker list** (a list by a third party, such as an advocacy group on either side, a law firm or a law clinic,
naming it as limiting cooperation; the place's own act, earlier or later, always decides instead), or, when no
event sets its sanctuary status, on a **federal list** (a federal report, letter or finding naming it). A listing
is the list's claim, never the place's own policy. On {COUNTED_ON.day} {COUNTED_ON:%B %Y}:

| basis | places |
| --- | --- |
{basis_rows}

| when | list | event | places named | only here |
| --- | --- | --- | --- | --- |
{list_rows}
"""
