"""story: the panel and the day's events as escaped HTML, and the federal lists of the About page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from sanctuarymap.data import plural, records, status
from sanctuarymap.reader import story


def test_timeline_escapes_text_and_links_only_web_urls():
    events = pd.DataFrame(
        [
            {
                "event_id": "e1",
                "date": date(2017, 5, 1),
                "date_precision": "day",
                "kind": "statement",
                "jurisdiction_ids": ("x",),
                "summary": "<script>alert(1)</script> & <b>bold</b>",
            }
        ]
    )
    sources = pd.DataFrame(
        [
            {
                "event_id": "e1",
                "outlet": "<img src=x onerror=alert(1)>",
                "title": "T",
                "published": date(2017, 5, 1),
                "url": "https://example.org/a?b=1&c=2",
            },
            {"event_id": "e1", "outlet": "O", "title": "Bad", "published": None, "url": "javascript:alert(1)"},
        ]
    )
    out = story.timeline_html(events, {"e1": sources}, date(2017, 4, 1), {"x": "X"})
    assert "<script>" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in out
    assert out.count("<a ") == 1
    assert 'href="https://example.org/a?b=1&amp;c=2"' in out
    assert 'href="javascript' not in out
    assert "still to come" in out and "sm-upcoming" in out


def test_panel_shows_status_on_the_day_for_each_dimension(records_dir):
    loaded = records.load(records_dir)
    changes = status.timeline(loaded.event_jurisdictions)
    ids = ["il", "il-cook-county", "il-chicago"]
    current = status.as_of(changes, ids, date(2017, 5, 1))
    by_event = {event_id: group for event_id, group in loaded.sources.groupby("event_id")}
    out = story.panel_html(loaded, by_event, current, "il-chicago", date(2017, 5, 1), {"il-chicago": "Chicago, IL"})
    assert "Chicago, IL" in out
    assert "Warned by DOJ letter" in out and "No lawsuit" in out and "No known policy" in out
    assert out.count('class="sm-event"') == 2 and out.count("sm-upcoming") == 1


def test_recent_events_include_the_day_and_national_events(records_dir):
    loaded = records.load(records_dir)
    recent = story.recent_events(loaded, date(2017, 4, 21), count=2)
    assert list(recent["event_id"]) == ["2017-04-21-letter", "2017-01-25-order"]


def test_a_crowded_day_lists_a_few_events_and_counts_the_rest(records_dir):
    loaded = records.load(records_dir)
    crowded = pd.concat([loaded.events] + [loaded.events.iloc[[-1]].assign(event_id=f"2017-08-07-x{i}") for i in range(12)])
    crowded = records.Records(jurisdictions=loaded.jurisdictions, events=crowded.reset_index(drop=True), sources=loaded.sources)
    recent = story.recent_events(crowded, date(2017, 8, 7))
    assert len(recent) == 10 and (recent["date"] == date(2017, 8, 7)).all()
    text = story.recent_html(recent, {}, date(2017, 8, 7), {}, story.count_on(crowded, date(2017, 8, 7)))
    assert text.endswith('<p class="sm-more">… and 3 more events on 7 August 2017.</p>')


@pytest.mark.slow
def test_the_days_events_found_by_binary_search_are_those_a_scan_finds(shipped):
    """recent_events and count_on search the loaded events by date; every day of the year (and one
    long before it) gives what filtering every event gives."""
    events = shipped.records.events
    assert events["date"].is_monotonic_increasing  # what the search relies on: sorted when loaded
    for day in [date(2000, 1, 1), *pd.date_range("2017-01-01", "2017-12-31").date]:
        on_the_day = int((events["date"] == day).sum())
        past = events[events["date"] <= day].iloc[::-1]
        expected = past.head(min(max(6, on_the_day), 10))
        assert story.count_on(shipped.records, day) == on_the_day
        assert list(story.recent_events(shipped.records, day)["event_id"]) == list(expected["event_id"]), day


@pytest.mark.parametrize(
    ("written", "label"),
    [("2017-08-22", "22 August 2017"), ("2017-01", "January 2017, day not known"), ("2003", "2003, day not known")],
)
def test_an_event_shows_only_as_much_of_its_date_as_is_known(written, label):
    row = records.EventRow.model_validate(
        {"event_id": f"{written}-x", "date": written, "kind": "statement", "jurisdiction_ids": "x", "summary": "Test."}
    )
    events = pd.DataFrame([row.model_dump()])
    html_text = story.timeline_html(events, {}, date(2017, 12, 31), {})
    assert f'<div class="sm-when">{label} · Statement</div>' in html_text


def test_federal_lists_count_the_places_each_names_and_those_only_it_brought(records_dir):
    recs = records.load(records_dir)
    lists = story.federal_lists(recs).set_index("event_id")
    # the tiny records: a 2016 report naming the city and the county, and a 2017 letter to both
    assert list(lists.index) == ["2016-05-31-report", "2017-04-21-letter"]
    assert lists.loc["2016-05-31-report", "named"] == 2
    assert lists.loc["2016-05-31-report", "only_here"] == 0  # both have other events


@pytest.mark.parametrize(
    "title",
    ["", "   ", "[headline from URL] Secretary says he doesn't have a clue", "[Statement: title from the page address]"],
)
def test_a_source_without_a_title_reads_as_a_citation_with_title_not_recorded(title):
    sources = pd.DataFrame(
        [{"event_id": "e1", "outlet": "KPBS (AP)", "title": title, "published": date(2017, 2, 13), "url": "https://kpbs.org/a"}]
    )
    out = story.sources_html(sources)
    assert '<a href="https://kpbs.org/a"' in out
    assert 'KPBS (AP): <span class="sm-untitled">title not recorded</span> (13 February 2017)</a>' in out
    assert "[" not in out


def test_a_title_is_shown_as_it_is_written():
    sources = pd.DataFrame([{"event_id": "e1", "outlet": "O", "title": "Real [sic] title", "published": None, "url": "https://o.org"}])
    assert ">O: Real [sic] title</a>" in story.sources_html(sources)


def test_counts_read_in_the_singular_or_the_plural(records_dir):
    loaded = records.load(records_dir)
    changes = status.timeline(loaded.event_jurisdictions)
    current = status.as_of(changes, ["il-chicago"], date(2017, 5, 1))
    chicago = story.events_of(loaded, "il-chicago")
    one = records.Records(jurisdictions=loaded.jurisdictions, events=chicago.iloc[[0]].reset_index(drop=True), sources=loaded.sources)
    for recs, said in ((loaded, f"{len(chicago)} events"), (one, "1 event")):
        out = story.panel_html(recs, {}, current, "il-chicago", date(2017, 1, 1), {})
        assert f"<strong>{said}</strong>" in out and "(s)" not in out
    assert [plural.counted(n, "problem") for n in (0, 1, 2, 1200)] == ["0 problems", "1 problem", "2 problems", "1,200 problems"]


def test_the_panel_links_its_words_to_the_glossary_and_says_which_click_opened_it(records_dir):
    loaded = records.load(records_dir)
    changes = status.timeline(loaded.event_jurisdictions)
    current = status.as_of(changes, ["il-chicago"], date(2017, 5, 1))
    out = story.panel_html(loaded, {}, current, "il-chicago", date(2017, 5, 1), {}, opened=3)
    assert 'data-opened="3"' in out
    assert '<a class="sm-term" href="#glossary-sanctuary">Sanctuary</a> status' in out
    assert '<a class="sm-term" href="#glossary-doj-letters">Warned by DOJ letter</a>' in out
    assert '<h2 class="sm-panel-title sm-h2" tabindex="-1">' in out


def test_the_line_under_the_map_says_what_the_colours_count_and_what_blank_means():
    line = story.key_line_html("pressure", 190)
    assert "190 places (states, counties and cities) are on record" in line
    assert '<a class="sm-term" href="#glossary-federal-lists">federal lists</a>' in line
    assert "“None recorded”" in line and "<strong>no record</strong>" in line
    assert "1 place (" in story.key_line_html("lawsuit", 1)


def test_the_live_region_says_the_day_and_its_events(records_dir):
    loaded = records.load(records_dir)
    names = dict(zip(loaded.jurisdictions["jurisdiction_id"], loaded.jurisdictions["name"]))
    said = story.announcement(loaded, date(2017, 4, 21), names)
    assert said.startswith("21 April 2017: 1 event. DOJ warning letter")
    assert story.announcement(loaded, date(2017, 4, 22), names) == "22 April 2017: no events recorded that day."
