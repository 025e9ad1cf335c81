"""panel: a place's story as escaped HTML, its statuses on the day, its events and their dates."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from sanctuarymap.data import plural, records, status
from sanctuarymap.reader import panel


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
    out = panel.timeline_html(events, {"e1": sources}, date(2017, 4, 1), {"x": "X"})
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
    out = panel.panel_html(loaded, by_event, current, "il-chicago", date(2017, 5, 1), {"il-chicago": "Chicago, IL"})
    assert "Chicago, IL" in out
    assert "Warned by DOJ letter" in out and "No lawsuit" in out and "No known policy" in out
    assert out.count('class="sm-event"') == 2 and out.count("sm-upcoming") == 1


@pytest.mark.parametrize(
    ("written", "label"),
    [("2017-08-22", "22 August 2017"), ("2017-01", "January 2017, day not known"), ("2003", "2003, day not known")],
)
def test_an_event_shows_only_as_much_of_its_date_as_is_known(written, label):
    row = records.EventRow.model_validate(
        {"event_id": f"{written}-x", "date": written, "kind": "statement", "jurisdiction_ids": "x", "summary": "Test."}
    )
    events = pd.DataFrame([row.model_dump()])
    html_text = panel.timeline_html(events, {}, date(2017, 12, 31), {})
    assert f'<div class="sm-when">{label} · Statement</div>' in html_text


def test_counts_read_in_the_singular_or_the_plural(records_dir):
    loaded = records.load(records_dir)
    changes = status.timeline(loaded.event_jurisdictions)
    current = status.as_of(changes, ["il-chicago"], date(2017, 5, 1))
    chicago = panel.events_of(loaded, "il-chicago")
    one = records.Records(jurisdictions=loaded.jurisdictions, events=chicago.iloc[[0]].reset_index(drop=True), sources=loaded.sources)
    for recs, said in ((loaded, f"{len(chicago)} events"), (one, "1 event")):
        out = panel.panel_html(recs, {}, current, "il-chicago", date(2017, 1, 1), {})
        assert f"<strong>{said}</strong>" in out and "(s)" not in out
    assert [plural.counted(n, "problem") for n in (0, 1, 2, 1200)] == ["0 problems", "1 problem", "2 problems", "1,200 problems"]


def test_the_panel_links_its_words_to_the_glossary_and_says_which_click_opened_it(records_dir):
    loaded = records.load(records_dir)
    changes = status.timeline(loaded.event_jurisdictions)
    current = status.as_of(changes, ["il-chicago"], date(2017, 5, 1))
    out = panel.panel_html(loaded, {}, current, "il-chicago", date(2017, 5, 1), {}, opened=3)
    assert 'data-opened="3"' in out
    assert '<a class="sm-term" href="#glossary-sanctuary">Sanctuary</a> status' in out
    assert '<a class="sm-term" href="#glossary-doj-letters">Warned by DOJ letter</a>' in out
    assert '<h2 class="sm-panel-title sm-h2" tabindex="-1">' in out
