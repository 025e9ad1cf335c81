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

from sanctuarymap.data import files, plural, records, status
from sanctuarymap.reader import glossary

# An event's sources: a DataFrame of them, or its rows (dataset.Dataset.sources_by_event).
Sources = pd.DataFrame | Sequence[Any]


def _text(value: str) -> str:
    """Escaped text on one line of HTML.

    st.markdown ends a raw HTML block at a blank line and reads what follows as
    markdown, so a summary with an empty line in it could add images and links.
    """
    return "<br>".join(html.escape(line) for line in str(value).splitlines())


def _linked(value: str) -> str:
    """``_text`` with the glossary's terms linked to their entries."""
    return glossary.link_terms(_text(value))


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
        # A listing is the list's claim: the panel names whose list it is.
        listed = ""
        if event.kind in status.LISTING_KINDS:
            listed = f'<div class="sm-list">Listed in: {_text(list_name(by_event.get(event.event_id, ())))}</div>'
        items.append(
            f'<li class="sm-event{" sm-upcoming" if upcoming else ""}" data-event="{html.escape(event.event_id)}">'
            f'<div class="sm-when">{html.escape(when_label(event.date, event.date_precision))}'
            f" · {_linked(status.kind_label(event.kind))}"
            f"{' · <em>still to come</em>' if upcoming else ''}</div>"
            f'<div class="sm-summary">{_linked(event.summary)}</div>{concerns}{listed}'
            f"{sources_html(by_event.get(event.event_id))}</li>"
        )
    return '<ol class="sm-timeline">' + "".join(items) + "</ol>"


def list_name(sources: Sources) -> str:
    """A tracker's list as the panel and the About page name it: its first source's outlet and title."""
    source: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for source in sources.itertuples(index=False) if isinstance(sources, pd.DataFrame) else sources:
        title = source.title if isinstance(source.title, str) and source.title else "title not recorded"
        return f"{source.outlet}, “{title}”"
    return ""


@functools.lru_cache(maxsize=8192)
def _is_web_url(url: str) -> bool:
    # The same few hundred URLs are checked on every rerun; the check is a pure function of the text.
    return records.is_web_url(url)


def has_title(title: object) -> bool:
    """Whether a source's title is a title: not empty, and not a note in square brackets standing in for one
    ("[headline from URL] ...", "[...: title from the page address]")."""
    return isinstance(title, str) and bool(title.strip()) and not title.strip().startswith("[")


UNTITLED = "title not recorded"


def sources_html(sources: Sources | None) -> str:
    """A list of citations, each a link when its URL is http(s): outlet, title, date. A source without a title
    (``has_title``) reads "title not recorded" in its place."""
    if sources is None or len(sources) == 0:
        return ""
    parts = []
    source: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for source in sources.itertuples(index=False) if isinstance(sources, pd.DataFrame) else sources:
        title = _text(source.title) if has_title(source.title) else f'<span class="sm-untitled">{UNTITLED}</span>'
        label = f"{_text(source.outlet)}: {title}"
        if pd.notna(source.published) and source.published:
            label += f" ({html.escape(day_label(source.published))})"
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


def problems_table(problems: list[files.Problem]) -> pd.DataFrame:
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
    opened: int = 0,
) -> str:
    """The story of one jurisdiction: its status on ``day`` on every dimension, then its timeline.

    ``beneath`` (``law.beneath``), if given, is a line under the status: the state law the place stands under.
    ``opened`` counts the places opened by a click on the map (``view.settle``): the page brings a newly
    opened panel into sight (static/js/page.js).
    """
    rows = "".join(
        f"<tr><td>{_linked(label)}</td><td><strong>{_linked(value)}</strong></td></tr>"
        for label, value in status_rows(current, jurisdiction_id)
    )
    events = events_of(recs, jurisdiction_id)
    upcoming = int((events["date"] > day).sum())
    return (
        f'<div class="sm-panel" data-selected="{html.escape(jurisdiction_id)}" data-opened="{int(opened)}">'
        f'<h2 class="sm-panel-title sm-h2" tabindex="-1">{_text(names.get(jurisdiction_id, jurisdiction_id))}</h2>'
        f"<div>On {html.escape(day_label(day))}:</div>"
        f'<table class="sm-status">{rows}</table>'
        + (f'<p class="sm-law" data-law="state">Beneath state law: {_linked(beneath)}.</p>' if beneath else "")
        + f"<div><strong>{plural.counted(len(events), 'event')}</strong>{f', {upcoming} still to come' if upcoming else ''}</div>"
        f'<div class="sm-timeline-box">{timeline_html(events, by_event, day, names)}</div></div>'
    )


# What the colours count, for the line under the map, and the glossary entry that explains the dimension.
COLOURS_COUNT = {
    "sanctuary": ("each place's sanctuary status", "sanctuary"),
    "pressure": ("the federal pressure on each place: the federal lists and letters that named it, and DOJ's findings", "federal-lists"),
    "lawsuit": ("each place's lawsuits over sanctuary policy", None),
}


def key_line_html(dimension_key: str, places: int) -> str:
    """One line under the map: what the colours count, how many places are on record, what grey and blank mean."""
    counts, term = COLOURS_COUNT[dimension_key]
    told = glossary.link_terms(html.escape(counts)) if term else html.escape(counts)
    baseline = status.DIMENSIONS[dimension_key].categories[0].label
    return (
        f'<p class="sm-key-line">The colours show {told} on the day shown. '
        f"{plural.counted(places, 'place')} (states, counties and cities) are on record; grey is a place on record with "
        f"nothing of this kind yet (“{html.escape(baseline)}”). A place left blank has <strong>no record</strong> here: "
        f"we have not recorded it, which does not mean it has no policy.</p>"
    )


def announcement(recs: records.Records, day: date, names: dict[str, str], most: int = 3) -> str:
    """What the page's live region says when it settles on ``day``: the day and its events, briefly."""
    dates = recs.events["date"]
    todays = recs.events.iloc[int(dates.searchsorted(day, side="left")) : int(dates.searchsorted(day, side="right"))]
    if todays.empty:
        return f"{day_label(day)}: no events recorded that day."
    told = []
    event: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for event in todays.head(most).itertuples(index=False):
        places = [names.get(j, j) for j in event.jurisdiction_ids if j != "us"]
        where = f" ({', '.join(places[:2])}{' and others' if len(places) > 2 else ''})" if places else ""
        told.append(f"{status.kind_label(event.kind)}{where}")
    more = f"; and {len(todays) - most} more" if len(todays) > most else ""
    return f"{day_label(day)}: {plural.counted(len(todays), 'event')}. " + "; ".join(told) + more + "."


def recent_html(events: pd.DataFrame, by_event: Mapping[str, Sources], day: date, names: dict[str, str], on_the_day: int = 0) -> str:
    """``recent_events`` as a list; ``on_the_day`` (``count_on``) above those listed for ``day`` is said in a line."""
    if events.empty:
        return '<p class="sm-empty">Nothing recorded yet.</p>'
    body = timeline_html(events, by_event, day, names).replace('class="sm-timeline"', 'class="sm-timeline sm-recent"', 1)
    left_out = on_the_day - int((events["date"] == day).sum())
    if left_out > 0:
        body += f'<p class="sm-more">… and {plural.counted(left_out, "more event", "more events")} on {html.escape(day_label(day))}.</p>'
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
    """The about page: for readers first (what is counted, by whom, the limits), then for contributors."""
    recs = data.records
    counts = (
        f"{plural.counted(len(data.mapped_ids), 'place')}, {plural.counted(len(recs.events), 'event')} "
        f"and {plural.counted(len(recs.sources), 'source')}"
    )
    dimensions = "\n".join(f"- **{d.label}**: " + ", ".join(f"“{c.label}”" for c in d.categories) + "." for d in status.DIMENSIONS.values())
    lists = "\n".join(f"| {row.when} | {row.kind} | {row.named} | {row.only_here} |" for row in federal_lists(recs).itertuples())
    rules = "\n".join(
        f"| `{kind}` | {label} | "
        + (
            "no colour change (context)"
            if rule is None
            else f"{status.DIMENSIONS[rule.dimension].label} → {status.DIMENSIONS[rule.dimension].label_of(rule.category)}"
            + (" (only if still at the baseline)" if rule.only_from_baseline else "")
            + (" (unless the place's own act, earlier or later, decides)" if rule.yields_to_own_act else "")
        )
        + " |"
        for kind, (label, rule) in status.EVENT_KINDS.items()
    )
    return f"""
## About this map

### What it shows
A day-by-day replay of 2017's conflict between the federal government and “sanctuary” jurisdictions:
{counts} on record. Pick a day with the slider (or press **Play**), choose what the colours show, and click a
place to read its events, each with its sources. The words in dotted underline are explained under
**What the words mean**.

### What is counted
Each event is something that happened on a known day, month or year: a policy adopted or ended, a federal
letter or report naming a place, a lawsuit filed, a ruling. An event can move a place on one of three scales,
from the day it happened:

{dimensions}

Events before 2017 set where a place starts the year. A place with no such event stays at the first
category (grey on the map).

### Who compiled it
The Sanctuary Map editors, from public documents: Justice Department releases and letters, court filings and
opinions, the text of laws and ordinances, and news reports. Every event cites at least one source; the
summaries are in our own words.

### The limits
- **Not every place.** The map shows the places these sources talk about. A place left blank has no record
  here, which does not mean it has no policy.
- **A federal list is a claim.** Being named in a federal report or letter says what the government
  asserted, not what a court found.
- **Dates are as precise as their sources.** An event known only to the month or the year says so, and counts
  from the last day of that month or year.
- **2017 only.** Events end on 31 December 2017.
- **Sources without a title** read “title not recorded”: the link still goes to the page.

### The federal lists
Every list and letter round of the federal government on record, with the number of places it names and the
number of places on this map because of it alone.

| when | what | places named | only here |
| --- | --- | --- | --- |
{lists}

### Sources and licences
- **Records**: compiled by the Sanctuary Map editors (CC BY 4.0); the linked sources belong to their publishers.
- **Boundaries**: U.S. Census Bureau cartographic boundary files, 2017 edition (public domain), as
  redistributed by the npm package us-atlas 3.0.1 (ISC licence). City points: coordinates as published
  on each city's Wikipedia page (CC BY-SA), checked against GeoNames (CC BY 4.0) and the county shapes.
- **Map**: Leaflet (BSD-2-Clause), served by this app; no tiles and no outside requests.

## For contributors

### How an event moves a place
Each event kind moves at most one of the three scales of every jurisdiction the event concerns.

| event kind | label | effect |
| --- | --- | --- |
{rules}

### How to add a record
Add a row to `records/sanctuarymap-events.csv` (date, kind, the jurisdiction ids separated by `;`, a summary
in your own words) and at least one row to `records/sanctuarymap-sources.csv` with the same `event_id`. A new
place needs a row in `records/sanctuarymap-jurisdictions.csv` and, for a city, a point in
`geodata/wikipedia-city-points.csv` (then run `make geodata`). Run `make test`: the loader names every
problem by file, row and column. `records/README.md` is the data dictionary and says what is knowingly left out.
"""
