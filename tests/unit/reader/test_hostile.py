"""Hostile records (tests/data/hostile/): the loader refuses unsafe links, and nothing built from the
records can run: not in the panel's HTML, not in the CSV download, not in the map's script."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
from datetime import date
from html.parser import HTMLParser

import pytest

from harness.browser import ROOT, TEST_DATA
from sanctuarymap.data import dataset, records, status
from sanctuarymap.page import bridge, maps
from sanctuarymap.reader import edition, glossary, panel, view
from sanctuarymap.reader import events as on_this_day

HOSTILE = TEST_DATA / "hostile"
SOURCES = records.SOURCES_FILE
DAYS = [date(2017, 1, 1), date(2017, 8, 7), date(2017, 12, 31)]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Every tag story writes; anything else in its output came from the records.
STORY_TAGS = {"div", "h2", "span", "table", "tr", "td", "strong", "ol", "li", "ul", "a", "em", "p", "br"}


GLOSSARY_LINKS = {f"#{glossary.anchor(t.key)}" for t in glossary.TERMS}


def csv_rows(name: str) -> list[dict[str, str]]:
    with (HOSTILE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def plainly_web(url: str) -> bool:
    """An independent notion of a safe link: http(s), a host, nothing that ends an attribute."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and not any(c in url for c in "\"'<> `")


class Parsed(HTMLParser):
    """Tags, attributes and the text a browser would show for a piece of HTML."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


@pytest.fixture(scope="module")
def loaded():
    return records.read(HOSTILE)


@pytest.fixture(scope="module")
def data():
    return dataset.load(HOSTILE, ROOT / "geodata")


def assert_inert(markup: str) -> Parsed:
    """Nothing in ``markup`` can run or load anything, and st.markdown keeps it one HTML block."""
    lowered = markup.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<svg" not in lowered
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered), "an event handler attribute inside a tag"
    assert 'href="javascript:' not in lowered and 'href="data:' not in lowered
    # A line break, let alone a blank line, would let st.markdown read the rest as markdown.
    assert "\n" not in markup and "\r" not in markup
    parsed = Parsed(markup)
    for tag, attrs in parsed.tags:
        assert tag in STORY_TAGS, f"<{tag}> came from the records"
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert set(attrs) <= {"class", "data-event", "data-selected", "data-opened", "tabindex", "href", "target", "rel"}, (tag, attrs)
        if tag == "a" and attrs.get("class") == "sm-term":  # a glossary term: a link within the page, to a known entry
            assert attrs["href"] in GLOSSARY_LINKS and set(attrs) == {"class", "href"}, attrs
        elif tag == "a":
            assert records.is_web_url(attrs["href"]) and plainly_web(attrs["href"]), attrs["href"]
            assert "noopener" in attrs["rel"]
    return parsed


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


# --- The loader


def test_loader_refuses_exactly_the_unsafe_url_rows(loaded):
    recs, problems = loaded
    sources = csv_rows(SOURCES)
    unsafe = [line for line, row in enumerate(sources, start=2) if not plainly_web(row["url"])]
    schemes = {sources[line - 2]["url"].split(":", 1)[0].lower() for line in unsafe}
    assert {"javascript", "data", "https"} <= schemes  # the fixture still carries each kind
    assert [(p.file, p.row, p.column) for p in problems] == [(SOURCES, line, "url") for line in unsafe]
    for problem in problems:
        assert f"{SOURCES}, row {problem.row}, column 'url'" in str(problem)
        assert "http:// or https://" in problem.expected
        assert sources[problem.row - 2]["url"][:20] in problem.found
    assert recs.warnings == []


def test_loader_keeps_everything_else_word_for_word(loaded):
    recs, _ = loaded
    jurisdictions = csv_rows(records.JURISDICTIONS_FILE)
    assert dict(zip(recs.jurisdictions["jurisdiction_id"], recs.jurisdictions["name"])) == {
        row["jurisdiction_id"]: row["name"] for row in jurisdictions
    }
    events = csv_rows(records.EVENTS_FILE)
    assert dict(zip(recs.events["event_id"], recs.events["summary"])) == {row["event_id"]: row["summary"] for row in events}
    assert max(len(row["summary"]) for row in events) == 1000  # the longest summary is at the limit, and loads
    safe = [(row["outlet"], row["title"], row["url"]) for row in csv_rows(SOURCES) if plainly_web(row["url"])]
    assert list(zip(recs.sources["outlet"], recs.sources["title"], recs.sources["url"])) == safe
    assert all(records.is_web_url(url) for url in recs.sources["url"])


# --- The panel and the timelines (HTML for st.markdown(unsafe_allow_html=True))


def test_panel_of_every_hostile_place_is_inert_and_shows_the_text_as_typed(data):
    recs = data.records
    for day in DAYS:
        current = status.as_of(data.changes, data.mapped_ids, day)
        for jurisdiction_id in data.mapped_ids:
            markup = panel.panel_html(recs, data.sources_by_event, current, jurisdiction_id, day, data.names)
            parsed = assert_inert(markup)
            assert data.names[jurisdiction_id] in parsed.text  # the name, literally
            events = panel.events_of(recs, jurisdiction_id)
            assert len(events) > 0
            for summary in events["summary"]:
                for line in lines_of(summary):
                    assert line in parsed.text
            for source in recs.sources[recs.sources["event_id"].isin(events["event_id"])].itertuples():
                assert f"{source.outlet}: {source.title}" in parsed.text
                assert ("a", source.url) in [(tag, attrs.get("href")) for tag, attrs in parsed.tags]


def test_literal_markup_and_entities_stay_text(data):
    current = status.as_of(data.changes, data.mapped_ids, date(2017, 12, 31))
    text = Parsed(
        panel.panel_html(data.records, data.sources_by_event, current, "ca-los-angeles-county", date(2017, 12, 31), data.names)
    ).text
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; &quot;quoted&quot; &#x3C;script&#x3E;" in text  # not decoded
    assert "$x^2$ :red[red] :smile:" in text
    assert "<script>window.__pwned='summary';alert('summary')</script>" in text


@pytest.mark.parametrize("day", [date(2017, 1, 25), date(2017, 8, 7), date(2017, 12, 31)])
def test_recent_events_are_inert(data, day):
    events = on_this_day.recent_events(data.records, day)
    parsed = assert_inert(on_this_day.recent_html(events, data.sources_by_event, day, data.names))
    for summary in events["summary"]:
        assert lines_of(summary)[0] in parsed.text


def test_timeline_with_a_source_refused_by_the_loader_shows_no_link():
    # story never trusts the loader: a source whose URL slipped through is text, not a link.
    recs, _ = records.read(HOSTILE)
    sources = recs.sources.copy()
    sources.loc[0, "url"] = "javascript:alert(1)"
    sources.loc[1, "url"] = "data:text/html,<script>alert(1)</script>"
    by_event = {k: g for k, g in sources.groupby("event_id")}
    markup = panel.timeline_html(recs.events, by_event, date(2017, 12, 31), {})
    parsed = assert_inert(markup)
    assert len([tag for tag, attrs in parsed.tags if tag == "a" and attrs.get("class") != "sm-term"]) == len(sources) - 2


# --- The CSV download


def test_events_csv_neutralises_every_formula(data):
    recs = data.records
    seen_formulas = set()
    for jurisdiction_id in data.mapped_ids:
        events = panel.events_of(recs, jurisdiction_id)
        body = view.events_csv(events, recs.sources).decode("utf-8")
        rows = list(csv.reader(io.StringIO(body, newline="")))
        header, cells = rows[0], [cell for row in rows[1:] for cell in row]
        assert not [h for h in header if h.startswith(FORMULA_STARTS)]
        for cell in cells:
            assert not cell.startswith(FORMULA_STARTS), f"{jurisdiction_id}: {cell!r} would run in a spreadsheet"
            if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
                seen_formulas.add(cell[1:].split(" ", 1)[0])
        # Nothing is lost: each summary is there, in full, behind at most one quote mark.
        table = [dict(zip(header, row)) for row in rows[1:]]
        shown = {row["summary"].removeprefix("'") for row in table}
        assert set(events["summary"]) <= shown
    assert {'=HYPERLINK("http://x","y")', "+cmd|'", "@SUM(A1)", "-2+3", "=1+1", "+Title", "-Outlet"} <= seen_formulas


# --- The map's script and its changes payload


def _json_of(element, attribute: str) -> str:
    found = [getattr(child, attribute) for child in element._children.values() if hasattr(child, attribute)]
    assert len(found) == 1
    return found[0]


def test_the_map_script_carries_no_record_text(data):
    # Names and summaries reach the page only inside the fetched JSON, read with textContent.
    config_json = _json_of(maps.base_map("/app/static/generated/changes-x.json"), "argument_json")
    assert json.loads(config_json) == {
        "boundaries": maps.BOUNDARIES_URL,
        "changes": "/app/static/generated/changes-x.json",
        "home": json.loads(json.dumps(maps.CONTIGUOUS_US)),
        "title": maps.MAP_TITLE,
        "report": bridge.REPORT_SCHEMA,
    }


@pytest.mark.parametrize("colour", list(status.DIMENSIONS))
def test_the_view_cannot_end_its_script(data, colour):
    for selected in [None, *data.mapped_ids]:
        current = bridge.view(date(2017, 12, 31), 1, colour, selected)
        view_json = _json_of(bridge.view_layer(current), "argument_json")
        assert "</" not in view_json and "<!--" not in view_json
        assert json.loads(view_json) == current


def test_the_payload_keeps_every_name_intact(data):
    body = json.loads(edition.Edition(data).changes_body)
    names = dict(body["places"])
    assert names == data.all_names  # every name, as typed: the page shows it with textContent
    assert any("</script>" in name for name in names.values())  # the fixture still tries
    shown = [names[body["places"][place][0]] for _, place in body["shapes"]]
    assert shown == list(data.drawn["name"])
