"""Small units: TopoJSON decoding, the map payloads, the view in the URL, and the escaped story."""

from __future__ import annotations

from datetime import date

import folium
import pandas as pd
import pytest

from sanctuarymap import maps, records, status, story, topology, view

# --- topology


def test_topology_decodes_delta_arcs_and_reversed_arcs():
    topo = {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [10, 20]},
        # A square split by one shared arc (1): walked forward by one polygon, backward (~1) by the other.
        "arcs": [[[0, 0], [0, 2], [2, 0]], [[2, 2], [0, -2]], [[2, 0], [-2, 0]], [[2, 2], [2, 0], [0, -2], [-2, 0]]],
        "objects": {
            "shapes": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "id": "A", "properties": {"name": "a"}, "arcs": [[0, 1, 2]]},
                    {"type": "Polygon", "id": "B", "arcs": [[3, ~1]]},
                    {"type": None, "id": "C"},
                ],
            }
        },
    }
    a, b = topology.features(topo, "shapes")
    assert a["id"] == "A" and a["properties"] == {"name": "a"}
    assert a["geometry"]["coordinates"] == [[[10, 20], [10, 22], [12, 22], [12, 20], [10, 20]]]
    ring = b["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] == [12, 22]
    assert ring[-2] == [12, 20]  # the shared arc, walked backwards


def test_topology_closes_open_rings_and_drops_slivers():
    # No transform: positions are absolute. Arc 0 stops short of its start; arc 1 is a three-point sliver.
    topo = {
        "arcs": [[[0, 0], [1, 0], [1, 1]], [[5, 5], [6, 5], [5, 5]]],
        "objects": {"o": {"geometries": [{"type": "MultiPolygon", "id": "X", "arcs": [[[0]], [[1]]]}]}},
    }
    (feature,) = topology.features(topo, "o")
    assert feature["geometry"]["coordinates"] == [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]


# --- maps

DRAWN = pd.DataFrame(
    [
        ("il-chicago", "Chicago, IL", "cities", "1714000"),
        ("ny-new-york", "New York City, NY", "counties", "36061"),
        ("ny-new-york", "New York City, NY", "counties", "36047"),
    ],
    columns=["jurisdiction_id", "name", "layer", "geoid"],
)
CURRENT = pd.DataFrame(
    {"sanctuary": ["none_known", "limits_cooperation"], "pressure": ["warned", "warned"], "lawsuit": ["plaintiff", "none"]},
    index=pd.Index(["il-chicago", "ny-new-york"]),
)


def test_restyle_payload_sends_an_index_per_shape_and_no_geometry():
    payload = maps.restyle_payload(CURRENT, DRAWN, "sanctuary", "il-chicago")
    assert payload["category"] == [0, 2, 2]  # one per row of DRAWN, in its order
    assert payload["colours"][2] == maps.PALETTES["sanctuary"]["limits_cooperation"]
    assert payload["labels"][2] == "Limits cooperation with ICE"
    assert payload["selected"] == "il-chicago"
    assert "coordinates" not in str(payload)


def test_every_category_has_a_distinct_colour():
    for key, dimension in status.DIMENSIONS.items():
        colours = [maps.PALETTES[key][c.key] for c in dimension.categories]
        assert len(set(colours)) == len(colours)
        assert [label for _, label in maps.legend(key)] == [c.label for c in dimension.categories]


def test_base_map_uses_local_leaflet_and_carries_no_geometry():
    m = maps.base_map(DRAWN)
    html = m.get_root().render()
    assert maps.LEAFLET_JS in html and maps.LEAFLET_CSS in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert '["counties:36061","ny-new-york","New York City, NY"]' in html
    assert "coordinates" not in html


def test_status_layer_script_cannot_close_its_script_element():
    layer = maps.status_layer({"dimension": "</script><script>alert(1)</script>"})
    assert isinstance(layer, folium.FeatureGroup)
    (child,) = layer._children.values()
    assert "</script>" not in child.payload_json


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [("il-chicago|3", "il-chicago"), ("ca|12", "ca"), (None, None), ("", None), ("|4", None), (7, None)],
)
def test_clicked_id(value, expected):
    assert view.clicked_id(value) == expected


EVENT_DAYS = [date(2017, 1, 25), date(2017, 4, 21), date(2017, 8, 22)]


@pytest.mark.parametrize(
    ("day", "direction", "expected"),
    [
        (date(2017, 4, 21), 1, date(2017, 8, 22)),  # from an event day, the next one
        (date(2017, 4, 21), -1, date(2017, 1, 25)),  # and the previous one
        (date(2017, 5, 1), -1, date(2017, 4, 21)),  # from between two
        (date(2017, 1, 1), -1, None),  # nothing before the first
        (date(2017, 8, 22), 1, None),  # nothing after the last
    ],
)
def test_neighbour_event_day(day, direction, expected):
    assert view.neighbour_event_day(EVENT_DAYS, day, direction) == expected


def test_jump_keeps_the_day_when_there_is_nowhere_to_go():
    session = {"day": date(2017, 8, 22)}
    view.jump(session, EVENT_DAYS, 1)
    assert session["day"] == date(2017, 8, 22)
    view.jump(session, EVENT_DAYS, -1)
    assert session["day"] == date(2017, 4, 21)


@pytest.mark.parametrize(
    ("last_step", "now", "speed", "expected"),
    [
        (None, 5.0, "4 days/s", 0.0),  # pressing Play moves on at once
        (5.0, 5.1, "4 days/s", 0.15),  # the rerun took 0.1 s: wait the rest
        (5.0, 5.4, "4 days/s", 0.0),  # a slow rerun: no wait at all
        (5.0, 5.05, "2 days/s", 0.45),
        (5.0, 4.0, "1 day/s", 1.0),  # a clock that went backwards never waits longer than an interval
        (5.0, 5.1, "no such speed", 0.15),  # an unknown speed falls back to the default
    ],
)
def test_replay_pause(last_step, now, speed, expected):
    assert view.replay_pause(last_step, now, speed) == pytest.approx(expected)


def test_next_day_stops_at_the_last_day():
    assert view.next_day(date(2017, 12, 30), date(2017, 12, 31)) == date(2017, 12, 31)
    assert view.next_day(date(2017, 12, 31), date(2017, 12, 31)) == date(2017, 12, 31)


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


def test_settle_starts_from_the_url_then_applies_replay_and_clicks():
    session: dict = {}
    first, last = date(2017, 1, 1), date(2017, 12, 31)
    view.settle(session, {"day": "2017-08-22", "selected": "ca"}, first, last, IDS, date(2017, 4, 21))
    assert (session["day"], session["selected"], session["playing"]) == (date(2017, 8, 22), "ca", False)
    session.update(playing=True, advance_to=date(2017, 8, 23), last_step=1.0)
    view.settle(session, {}, first, last, IDS, date(2017, 4, 21))
    assert session["day"] == date(2017, 8, 23) and session["playing"] and "advance_to" not in session
    session["map"] = {"last_object_clicked_popup": "il-chicago|1"}
    view.settle(session, {}, first, last, IDS, date(2017, 4, 21))
    assert session["selected"] == "il-chicago"
    session["selected"] = "ca"  # chosen with Find afterwards: the old click must not win again
    view.settle(session, {}, first, last, IDS, date(2017, 4, 21))
    assert session["selected"] == "ca"
    session["map"] = {"last_object_clicked_popup": "il-chicago|2"}  # the same place, clicked again
    view.settle(session, {}, first, last, IDS, date(2017, 4, 21))
    assert session["selected"] == "il-chicago"


def test_settle_stops_the_replay_on_the_last_day():
    session = {"day": date(2017, 12, 30), "playing": True, "advance_to": date(2017, 12, 31), "last_step": 3.0}
    view.settle(session, {}, date(2017, 1, 1), date(2017, 12, 31), IDS, date(2017, 4, 21))
    assert session["day"] == date(2017, 12, 31) and session["playing"] is False and "last_step" not in session


def test_chart_keeps_every_category_on_every_change_day(records_dir):
    from sanctuarymap import chart

    loaded = records.load(records_dir)
    changes = status.timeline(loaded.event_jurisdictions)
    counts = status.daily_counts(changes, ["il", "il-cook-county", "il-chicago"], date(2017, 1, 1), date(2017, 12, 31))
    spec = chart.category_counts(chart.areas(counts, "pressure"), "pressure", date(2017, 5, 1))
    values = pd.DataFrame(spec["datasets"]["areas"])
    assert sorted(set(values["date"])) == ["2017-01-01", "2017-04-21", "2017-12-31"]
    assert (values.groupby("date")["count"].sum() == 3).all()  # the stack always adds up to every place
    assert spec["datasets"]["day"] == [{"date": "2017-05-01"}]
    x_domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert [(d["year"], d["month"], d["date"]) for d in x_domain] == [(2017, 1, 1), (2017, 12, 31)]  # the whole year
    # Only the day's dataset differs from one day to the next: the page redraws no more than the marker.
    later = chart.category_counts(chart.areas(counts, "pressure"), "pressure", date(2017, 5, 2))
    assert {**later, "datasets": None} == {**spec, "datasets": None}
    assert later["datasets"]["areas"] == spec["datasets"]["areas"]


def test_settle_keeps_a_pause_clicked_during_the_replay():
    session = {"day": date(2017, 2, 5), "playing": False, "advance_to": date(2017, 2, 6), "last_step": 3.0}
    view.settle(session, {}, date(2017, 1, 1), date(2017, 12, 31), IDS, date(2017, 4, 21))
    assert session["day"] == date(2017, 2, 6) and session["playing"] is False


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
