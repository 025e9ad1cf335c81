"""Small units: TopoJSON decoding, the map's script and changes payload, the view in the URL, and the escaped story."""

from __future__ import annotations

import json
import os
import re
from datetime import date

import folium
import pandas as pd
import pytest

from sanctuarymap import maps, payload, records, status, story, view

# --- maps


def test_every_category_has_a_distinct_colour():
    for key, dimension in status.DIMENSIONS.items():
        colours = [c.colour for c in dimension.categories]
        assert len(set(colours)) == len(colours)
        assert [label for _, label in maps.legend(key)] == [c.label for c in dimension.categories]


def test_base_map_loads_local_scripts_and_hands_over_two_urls():
    m = maps.base_map("/app/static/generated/changes-0123456789abcdef.json")
    html = m.get_root().render()
    assert maps.LEAFLET_JS in html and maps.LEAFLET_CSS in html
    assert re.search(re.escape(maps.MAP_JS) + r"\?v=[0-9a-f]{12}", html)  # a new script gets a new address
    assert re.search(re.escape(maps.MAP_CSS) + r"\?v=[0-9a-f]{12}", html)
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert '{"boundaries":"/app/static/geodata/boundaries.json","changes":"/app/static/generated/changes-0123456789abcdef.json"}' in html
    assert "coordinates" not in html


def test_view_layer_is_one_small_call():
    layer = maps.view_layer(maps.view(date(2017, 8, 22), 1, "lawsuit", "ca-los-angeles"))
    assert isinstance(layer, folium.FeatureGroup)
    (child,) = layer._children.values()
    assert json.loads(child.view_json) == {"day": "2017-08-22", "daySet": 1, "colour": "lawsuit", "selected": "ca-los-angeles"}
    assert len(child.view_json) < 100


def test_view_layer_script_cannot_close_its_script_element():
    layer = maps.view_layer(maps.view(date(2017, 8, 22), 1, "lawsuit", "</script><script>alert(1)</script>"))
    (child,) = layer._children.values()
    assert "</script>" not in child.view_json and "<" not in child.view_json


# --- payload

FIRST, LAST = date(2017, 1, 1), date(2017, 12, 31)
NAMES = {"il-chicago": "Chicago, IL", "ny-new-york": "New York City, NY", "us": "United States"}
DRAWN = pd.DataFrame(
    [
        ("il-chicago", "Chicago, IL", "cities", "1714000"),
        ("ny-new-york", "New York City, NY", "counties", "36061"),
        ("ny-new-york", "New York City, NY", "counties", "36047"),
    ],
    columns=["jurisdiction_id", "name", "layer", "geoid"],
)


def _events(*rows) -> pd.DataFrame:
    return pd.DataFrame(
        [(f"e{i}", day, kind, tuple(ids), "summary") for i, (day, kind, ids) in enumerate(rows)],
        columns=["event_id", "date", "kind", "jurisdiction_ids", "summary"],
    )


def _payload(events: pd.DataFrame) -> dict:
    pairs = events.explode("jurisdiction_ids").rename(columns={"jurisdiction_ids": "jurisdiction_id"})
    return payload.build(status.timeline(pairs), events, DRAWN, NAMES, FIRST, LAST)


def test_payload_lists_each_change_once_with_day_and_category_indexes():
    built = _payload(
        _events(
            (date(2016, 3, 1), "policy_symbolic", ["il-chicago"]),  # before 2017: day -1
            (date(2016, 9, 1), "policy_limits_cooperation", ["il-chicago"]),  # the later of the two wins
            (date(2017, 1, 25), "federal_action", ["us"]),  # changes no colour
            (date(2017, 4, 21), "doj_warning_letter", ["il-chicago", "ny-new-york"]),
            (date(2017, 8, 7), "lawsuit_filed", ["il-chicago"]),
            (date(2017, 8, 7), "ruling_for", ["il-chicago"]),  # the same day: the later event wins, as in as_of
        )
    )
    chicago, new_york, nation = range(3)
    sanctuary, pressure, lawsuit = built["dimensions"]
    assert [d["key"] for d in built["dimensions"]] == list(status.DIMENSIONS)
    assert sanctuary["changes"][chicago] == [-1, 2]  # limits cooperation, from before the first day
    assert pressure["changes"][chicago] == pressure["changes"][new_york] == [110, 2]  # 21 April is day 110: warned
    assert lawsuit["changes"][chicago] == [218, 2]  # won
    assert sanctuary["changes"][nation] == []
    assert sanctuary["labels"][2] == "Limits cooperation with ICE"
    assert sanctuary["colours"][2] == "#0072B2"
    assert built["shapes"] == [["cities:1714000", chicago], ["counties:36061", new_york], ["counties:36047", new_york]]
    assert built["places"][nation] == ["us", "United States"]
    assert (built["first_day"], built["last_day"]) == ("2017-01-01", "2017-12-31")
    assert set(built) == set(payload.ChangesPayload.__annotations__)
    assert set(sanctuary) == set(payload.DimensionChanges.__annotations__)


def test_payload_names_at_most_a_few_events_a_day_and_counts_the_rest():
    letters = [(date(2017, 4, 21), "doj_warning_letter", ["il-chicago"]) for _ in range(5)]
    built = _payload(_events((date(2016, 1, 1), "statement", ["us"]), *letters, (date(2017, 5, 1), "statement", ["us", "il-chicago"])))
    kind = built["kinds"].index("DOJ warning letter")
    assert built["events"][0] == [110, 5, [[kind, [0]]] * payload.CAPTION_EVENTS]  # nothing before the first day
    assert built["events"][1] == [120, 1, [[built["kinds"].index("Statement"), [2, 0]]]]


def test_payload_says_which_events_are_known_only_to_the_month_or_year():
    events = _events((date(2017, 3, 31), "federal_report_named", ["il-chicago"]), (date(2017, 3, 31), "statement", ["us"]))
    events["date_precision"] = ["month", "day"]
    built = _payload(events)
    named, statement = built["kinds"].index("Named in federal report"), built["kinds"].index("Statement")
    assert built["events"] == [[89, 2, [[named, [0], "month"], [statement, [2]]]]]


def test_payload_is_published_once_under_its_content_hash(tmp_path):
    body = payload.encode(_payload(_events((date(2017, 4, 21), "doj_warning_letter", ["il-chicago"]))))
    name = payload.publish(body, tmp_path / "generated")
    assert re.fullmatch(r"changes-[0-9a-f]{16}\.json", name)
    assert (tmp_path / "generated" / name).read_bytes() == body
    assert payload.publish(body, tmp_path / "generated") == name
    assert payload.publish(body + b" ", tmp_path / "generated") != name  # other bytes, another file
    assert sorted(p.name for p in (tmp_path / "generated").iterdir()) == sorted([name, payload.file_name(body + b" ")])
    old = tmp_path / "generated" / "changes-0000000000000000.json"
    old.write_bytes(b"{}")
    os.utime(old, (0, 0))  # written long ago, for records since replaced
    payload.publish(body + b"  ", tmp_path / "generated")
    assert not old.exists() and (tmp_path / "generated" / name).exists()


# --- view

IDS = ["il-chicago", "ca"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # a full, valid view
        ({"day": "2017-08-22", "colour": "lawsuit", "selected": "il-chicago"}, view.View(date(2017, 8, 22), "lawsuit", "il-chicago")),
        # nothing asked: the defaults
        ({}, view.View(date(2017, 4, 21), "sanctuary", None)),
        # a day outside the year, an unknown colouring, an unknown place
        ({"day": "2018-01-01", "colour": "mood", "selected": "xx"}, view.View(date(2017, 4, 21), "sanctuary", None)),
        # not a day at all, and markup in the selection
        ({"day": "<script>", "selected": "<img src=x onerror=alert(1)>"}, view.View(date(2017, 4, 21), "sanctuary", None)),
    ],
)
def test_view_from_query(params, expected):
    assert view.from_query(params, date(2017, 1, 1), date(2017, 12, 31), IDS, date(2017, 4, 21)) == expected


def test_view_round_trips_through_the_query():
    current = view.View(date(2017, 9, 15), "pressure", "il-chicago")
    assert view.from_query(view.to_query(current), date(2017, 1, 1), date(2017, 12, 31), IDS, date(2017, 1, 1)) == current


def _report(**fields) -> str:
    return json.dumps({"page": "p1", "seq": 1, "day": "2017-08-22", "click": None, **fields})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # a settled day
        (_report(), view.PageReport(("p1", 1), date(2017, 8, 22), None)),
        # a click, on the day shown
        (_report(seq=4, click="ca"), view.PageReport(("p1", 4), date(2017, 8, 22), "ca")),
        # outside the year, not a day, no page id, a count that is not a number
        (_report(day="2018-01-01"), None),
        (_report(day="<script>"), None),
        (json.dumps({"seq": 1, "day": "2017-08-22"}), None),
        (_report(seq="1"), None),
        # not JSON, not an object, not a string, far too long
        ("il-chicago|3", None),
        ("[1, 2]", None),
        (7, None),
        (None, None),
        (_report(click="x" * 2000), None),
    ],
)
def test_page_report(value, expected):
    assert view.page_report(value, date(2017, 1, 1), date(2017, 12, 31)) == expected


def test_events_csv_neutralises_formulas(records_dir):
    loaded = records.load(records_dir)
    events = loaded.events.assign(summary='=HYPERLINK("http://evil","click")')
    text = view.events_csv(events, loaded.sources).decode()
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


# --- story


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


def test_settle_starts_from_the_url_then_applies_each_page_report_once():
    session: dict = {}
    first, last = date(2017, 1, 1), date(2017, 12, 31)
    view.settle(session, {"day": "2017-08-22", "selected": "ca"}, first, last, IDS, date(2017, 4, 21))
    assert (session["day"], session["selected"], session["day_set"]) == (date(2017, 8, 22), "ca", 1)
    session["map"] = {"last_object_clicked_popup": _report(seq=1, day="2017-09-01")}  # the page settled on a day
    view.settle(session, {}, first, last, IDS, date(2017, 4, 21))
    assert (session["day"], session["selected"], session["day_set"]) == (date(2017, 9, 1), "ca", 1)
    session["map"] = {"last_object_clicked_popup": _report(seq=2, day="2017-09-03", click="il-chicago")}
    view.settle(session, {}, first, last, IDS, date(2017, 4, 21))
    assert (session["day"], session["selected"]) == (date(2017, 9, 3), "il-chicago")
    session["selected"] = "ca"  # chosen with Find afterwards: the old click must not win again
    view.settle(session, {}, first, last, IDS, date(2017, 4, 21))
    assert session["selected"] == "ca"
    session["map"] = {"last_object_clicked_popup": _report(seq=3, day="2017-09-03", click="il-chicago")}  # clicked again
    view.settle(session, {}, first, last, IDS, date(2017, 4, 21))
    assert session["selected"] == "il-chicago"
    session["map"] = {"last_object_clicked_popup": _report(seq=4, click="<img src=x>")}  # no such place
    view.settle(session, {}, first, last, IDS, date(2017, 4, 21))
    assert session["selected"] is None


def test_settle_hears_a_new_page_whose_count_starts_again():
    session = {"day": date(2017, 3, 1), "colour": "sanctuary", "selected": None, "day_set": 1, "last_report": ("old", 1)}
    session["map"] = {"last_object_clicked_popup": _report(page="new", seq=1, day="2017-03-05")}
    view.settle(session, {}, date(2017, 1, 1), date(2017, 12, 31), IDS, date(2017, 4, 21))
    assert session["day"] == date(2017, 3, 5)


def test_chart_keeps_every_category_on_every_change_day(records_dir):
    from sanctuarymap import chart

    loaded = records.load(records_dir)
    changes = status.timeline(loaded.event_jurisdictions)
    counts = status.daily_counts(changes, ["il", "il-cook-county", "il-chicago"], date(2017, 1, 1), date(2017, 12, 31))
    first, last = date(2017, 1, 1), date(2017, 12, 31)
    values = chart.areas(counts, "pressure", first)
    spec = chart.category_counts(values, "pressure", date(2017, 5, 1), first, last)
    assert sorted(set(values["d"])) == [0, 110, 364]  # 1 January, 21 April, 31 December
    assert (values.groupby("d")["n"].sum() == 3).all()  # the stack always adds up to every place
    assert [str(t) for t in values.dtypes] == ["int16", "int8", "int32"]  # a few bytes a row
    assert spec["datasets"]["day"] == [{"d": 120}]
    labels = json.loads(spec["layer"][0]["transform"][1]["calculate"].removesuffix("[datum.c]"))
    assert labels == [c.label for c in status.PRESSURE.categories]
    x_domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert [(d["year"], d["month"], d["date"]) for d in x_domain] == [(2017, 1, 1), (2017, 12, 31)]  # the whole year
    # Only the day's dataset differs from one day to the next: the page redraws no more than the marker.
    later = chart.category_counts(values, "pressure", date(2017, 5, 2), first, last)
    assert {**later, "datasets": None} == {**spec, "datasets": None}
    assert later["datasets"]["areas"] is spec["datasets"]["areas"]


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
