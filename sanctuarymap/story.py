"""The story of a jurisdiction, or of a day, as HTML built from escaped parts.

Every piece of text from the records goes through ``_text`` (``html.escape``, and
line breaks as ``<br>``); a source becomes a link only when its URL is http(s).
Nothing here trusts the records.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from sanctuarymap import records, status

# An event's sources: a DataFrame of them, or its rows (dataset.Dataset.sources_by_event).
Sources = pd.DataFrame | Sequence[Any]


def _text(value: str) -> str:
    """Escaped text on one line of HTML.

    st.markdown ends a raw HTML block at a blank line and reads what follows as
    markdown, so a summary with an empty line in it could add images and links.
    """
    return "<br>".join(html.escape(line) for line in str(value).splitlines())


def text_html(value: str) -> str:
    """Record text as escaped HTML on one line (``_text``), for the modules that build their own cards."""
    return _text(value)


def day_label(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def when_label(day: date, precision: str = "day") -> str:
    """An event's date with only as much as is known: never the day it was counted from as if it were known."""
    if precision == "year":
        return f"{day:%Y}, day not known"
    if precision == "month":
        return f"{day:%B %Y}, day not known"
    return day_label(day)


def status_rows(current: pd.DataFrame, jurisdiction_id: str) -> list[tuple[str, str]]:
    """(dimension label, category label) for one jurisdiction on the chosen day."""
    return [(d.label, d.label_of(str(current.at[jurisdiction_id, key]))) for key, d in status.DIMENSIONS.items()]


def events_of(recs: records.Records, jurisdiction_id: str) -> pd.DataFrame:
    events = recs.events
    mask = events["jurisdiction_ids"].map(lambda ids: jurisdiction_id in ids)
    return events[mask].sort_values(["date", "event_id"])


def timeline_html(events: pd.DataFrame, by_event: Mapping[str, Sources], day: date, names: dict[str, str]) -> str:
    """Events as a list; those after ``day`` are marked as still to come.

    ``by_event`` maps an event id to its sources.
    """
    if events.empty:
        return '<p class="sm-empty">No events recorded.</p>'
    items = []
    event: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for event in events.itertuples(index=False):
        upcoming = event.date > day
        others = [names.get(j, j) for j in event.jurisdiction_ids]
        concerns = ""
        if len(others) > 1:
            shown = ", ".join(_text(n) for n in others[:12])
            more = f" and {len(others) - 12} more" if len(others) > 12 else ""
            concerns = f'<div class="sm-concerns">Concerns: {shown}{more}</div>'
        items.append(
            f'<li class="sm-event{" sm-upcoming" if upcoming else ""}" data-event="{html.escape(event.event_id)}">'
            f'<div class="sm-when">{html.escape(when_label(event.date, event.date_precision))}'
            f" · {_text(status.kind_label(event.kind))}"
            f"{' · <em>still to come</em>' if upcoming else ''}</div>"
            f'<div class="sm-summary">{_text(event.summary)}</div>{concerns}'
            f"{sources_html(by_event.get(event.event_id))}</li>"
        )
    return '<ol class="sm-timeline">' + "".join(items) + "</ol>"


@functools.lru_cache(maxsize=8192)
def _is_web_url(url: str) -> bool:
    # The same few hundred URLs are checked on every rerun; the check is a pure function of the text.
    return records.is_web_url(url)


def sources_html(sources: Sources | None) -> str:
    """A list of links; ``sources`` is a DataFrame of sources, or a list of its rows (named tuples)."""
    if sources is None or len(sources) == 0:
        return ""
    parts = []
    source: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for source in sources.itertuples(index=False) if isinstance(sources, pd.DataFrame) else sources:
        text = f"{source.outlet}: {source.title}"
        if pd.notna(source.published) and source.published:
            text += f" ({day_label(source.published)})"
        label = _text(text)
        if _is_web_url(source.url):
            parts.append(
                f'<li><a href="{html.escape(source.url, quote=True)}" target="_blank" rel="noopener noreferrer nofollow">{label}</a></li>'
            )
        else:
            parts.append(f"<li>{label}</li>")
    return '<ul class="sm-sources">' + "".join(parts) + "</ul>"


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


STYLE = """<style>
.sm-timeline, .sm-recent { list-style: none; padding-left: 0; margin: 0; }
.sm-event { border-left: 3px solid #0072B2; padding: 0.2rem 0 0.5rem 0.7rem; margin-bottom: 0.4rem; }
.sm-event.sm-upcoming { border-left-color: #c8c8c8; color: #777; }
.sm-when { font-size: 0.8rem; font-weight: 600; color: #444; }
.sm-upcoming .sm-when { color: #888; }
.sm-summary { font-size: 0.92rem; }
.sm-concerns { font-size: 0.78rem; color: #666; }
.sm-sources { font-size: 0.78rem; margin: 0.15rem 0 0 0; padding-left: 1rem; }
.sm-status { border-collapse: collapse; margin-bottom: 0.6rem; font-size: 0.9rem; }
.sm-status td { padding: 0.15rem 0.6rem 0.15rem 0; }
.sm-panel-title { margin: 0 0 0.2rem 0; }
.sm-timeline-box { max-height: 26rem; overflow-y: auto; }
/* The map, its legend and its timeline fit in the first screenful of a 1366x768 laptop. */
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; }
h1 { font-size: 1.9rem !important; padding: 0 0 0.1rem 0 !important; }
</style>"""


def problems_table(problems: list[records.Problem]) -> pd.DataFrame:
    """Problems as rows a reader can scan: file, row, column, expected, found."""
    return pd.DataFrame([vars(p) for p in problems], columns=["file", "row", "column", "expected", "found"])


def panel_html(
    recs: records.Records,
    by_event: Mapping[str, Sources],
    current: pd.DataFrame,
    jurisdiction_id: str,
    day: date,
    names: dict[str, str],
    beneath: str | None = None,
) -> str:
    """The story of one jurisdiction: its status on ``day`` on every dimension, then its timeline.

    ``beneath`` (``law.beneath``), if given, is a line under the status: the state law the place stands under.
    """
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td><strong>{html.escape(value)}</strong></td></tr>"
        for label, value in status_rows(current, jurisdiction_id)
    )
    events = events_of(recs, jurisdiction_id)
    upcoming = int((events["date"] > day).sum())
    return (
        f'<div class="sm-panel" data-selected="{html.escape(jurisdiction_id)}">'
        f'<h3 class="sm-panel-title">{_text(names.get(jurisdiction_id, jurisdiction_id))}</h3>'
        f"<div>On {html.escape(day_label(day))}:</div>"
        f'<table class="sm-status">{rows}</table>'
        + (f'<p class="sm-law" data-law="state">Beneath state law: {_text(beneath)}.</p>' if beneath else "")
        + f"<div><strong>{len(events)} event(s)</strong>{f', {upcoming} still to come' if upcoming else ''}</div>"
        f'<div class="sm-timeline-box">{timeline_html(events, by_event, day, names)}</div></div>'
    )


def recent_html(events: pd.DataFrame, by_event: Mapping[str, Sources], day: date, names: dict[str, str], on_the_day: int = 0) -> str:
    """``recent_events`` as a list; ``on_the_day`` (``count_on``) above those listed for ``day`` is said in a line."""
    if events.empty:
        return '<p class="sm-empty">Nothing recorded yet.</p>'
    body = timeline_html(events, by_event, day, names).replace('class="sm-timeline"', 'class="sm-timeline sm-recent"', 1)
    left_out = on_the_day - int((events["date"] == day).sum())
    if left_out > 0:
        body += f'<p class="sm-more">… and {left_out} more event{"s" if left_out > 1 else ""} on {html.escape(day_label(day))}.</p>'
    return body


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
                "when": when_label(event.date, event.date_precision),
                "kind": status.kind_label(event.kind),
                "named": len(named),
                "only_here": sum(int(events_per_place.get(j, 0) == 1) for j in named),
            }
        )
    return pd.DataFrame(rows, columns=["event_id", "when", "kind", "named", "only_here"])


def about_markdown(data: Any) -> str:  # a dataset.Dataset (which imports this module)
    """The about page: what the map shows, where it comes from, how status is derived."""
    rules = "\n".join(
        f"| `{kind}` | {label} | "
        + (
            "no colour change (context)"
            if rule is None
            else f"{status.DIMENSIONS[rule.dimension].label} → {status.DIMENSIONS[rule.dimension].label_of(rule.category)}"
            + (" (only if still at the baseline)" if rule.only_from_baseline else "")
        )
        + " |"
        for kind, (label, rule) in status.EVENT_KINDS.items()
    )
    counts = f"{len(data.mapped_ids)} jurisdictions, {len(data.records.events)} events and {len(data.records.sources)} sources"
    lists = "\n".join(
        f"| {row.when} | {row.kind} | `{row.event_id}` | {row.named} | {row.only_here} |"
        for row in federal_lists(data.records).itertuples()
    )
    return f"""
### What this is
A day-by-day replay of 2017's conflict between the federal government and “sanctuary” jurisdictions:
{counts}. Pick a day with the slider (or press **Play**), choose what the colours show, and click a
place to read its events, each with its sources.

### How a place's status is derived
Each event changes at most one of three dimensions of every jurisdiction it concerns, from the day it
happened on. Events before 2017 set where a place starts the year. A place with no such event is at
the first category of each dimension.

| event kind | label | effect |
| --- | --- | --- |
{rules}

### The federal lists
Every list and letter round of the federal government on record, with the number of places it names and the
number on this map because of it alone.

| when | kind | event | places named | only here |
| --- | --- | --- | --- | --- |
{lists}

### Sources and licences
- **Records** (`records/`): compiled by the Sanctuary Map editors from the sources cited with each event:
  Justice Department releases, court filings and opinions, the text of laws and ordinances, and news reports.
  Summaries are our own words. See `records/README.md` for the data dictionary and what is knowingly left out.
- **Boundaries** (`geodata/`): U.S. Census Bureau cartographic boundary files, 2017 edition (public domain),
  as redistributed by the npm package `us-atlas` 3.0.1 (ISC licence). City points: coordinates as published
  on each city's Wikipedia page (CC BY-SA), checked against GeoNames (CC BY 4.0) and the county shapes.
- **Map**: Leaflet (BSD-2-Clause), served by this app; no tiles and no outside requests.

### How to add a record
Add a row to `records/sanctuarymap-events.csv` (date, kind, the jurisdiction ids separated by `;`, a summary
in your own words) and at least one row to `records/sanctuarymap-sources.csv` with the same `event_id`. A new
place needs a row in `records/sanctuarymap-jurisdictions.csv` and, for a city, a point in
`geodata/wikipedia-city-points.csv` (then run `make geodata`). Run `make test`: the loader names every
problem by file, row and column.
"""
