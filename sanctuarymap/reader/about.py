"""About this map: what is counted, by whom, the limits, the federal lists; how to add a record. And the
problems found in the files, as the page lists them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sanctuarymap.data import files, licence, plural, records, status, year

# The About page's text, with a {field} for each part worked out from the records (about_markdown).
ABOUT = (Path(__file__).parent / "about.md").read_text(encoding="utf-8")


def problems_table(problems: list[files.Problem]) -> pd.DataFrame:
    """Problems as rows a reader can scan: file, row, column, expected, found."""
    return pd.DataFrame([vars(p) for p in problems], columns=["file", "row", "column", "expected", "found"])


# The federal government's own lists and letters: each names places, and the About page counts them.
FEDERAL_LIST_KINDS = ("federal_report_named", "doj_warning_letter", "doj_noncompliance_finding", "doj_compliance_finding")


def federal_lists(recs: records.Records) -> pd.DataFrame:
    """One row per federal list or letter round: its day, kind, how many places it names, and how many
    places are on record because of it alone (no other event of theirs)."""
    pairs = recs.event_jurisdictions
    pairs = pairs[pairs["jurisdiction_id"] != "us"]
    events_per_place = pairs.groupby("jurisdiction_id")["event_id"].nunique()
    lists = recs.events[recs.events["kind"].isin(FEDERAL_LIST_KINDS)]
    rows = []
    event: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for event in lists.itertuples(index=False):
        named = [j for j in event.jurisdiction_ids if j != "us"]
        rows.append(
            {
                "event_id": event.event_id,
                "when": year.when_label(event.date, event.date_precision),
                "kind": status.kind_label(event.kind),
                "named": len(named),
                "only_here": sum(int(events_per_place.get(j, 0) == 1) for j in named),
            }
        )
    return pd.DataFrame(rows, columns=["event_id", "when", "kind", "named", "only_here"])


def about_markdown(data: Any) -> str:  # a dataset.Dataset (which imports this module)
    """The about page: for readers first (what is counted, by whom, the limits), then for contributors (ABOUT)."""
    recs = data.records
    counts = (
        f"{plural.counted(len(data.mapped_ids), 'place')}, {plural.counted(len(recs.events), 'event')} "
        f"and {plural.counted(len(recs.sources), 'source')}"
    )
    dimensions = "\n".join(f"- **{d.label}**: " + ", ".join(f"“{c.label}”" for c in d.categories) + "." for d in status.DIMENSIONS.values())
    lists = "\n".join(f"| {row.when} | {row.kind} | {row.named} | {row.only_here} |" for row in federal_lists(recs).itertuples())
    rules = "\n".join(f"| `{kind}` | {label} | {rule_text(rule)} |" for kind, (label, rule) in status.EVENT_KINDS.items())
    return ABOUT.format(
        counts=counts,
        dimensions=dimensions,
        lists=lists,
        rules=rules,
        records_licence=licence.RECORDS,
        boundaries_licence=licence.BOUNDARIES,
    )


def rule_text(rule: status.Rule | None) -> str:
    """What an event kind's rule does, in words, for the About page's table of kinds."""
    if rule is None:
        return "no colour change (context)"
    dimension = status.DIMENSIONS[rule.dimension]
    return (
        f"{dimension.label} → {dimension.label_of(rule.category)}"
        + (" (only if still at the baseline)" if rule.only_from_baseline else "")
        + (" (unless the place's own act, earlier or later, decides)" if rule.yields_to_own_act else "")
    )
