"""view: the view in the URL, the map page's reports, settling the session, and the events download."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sanctuarymap.data import records
from sanctuarymap.reader import view

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
def test_a_url_gives_its_view_and_each_invalid_part_its_default(params, expected):
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
def test_a_page_report_is_read_only_when_well_formed_and_in_the_year(value, expected):
    assert view.page_report(value, date(2017, 1, 1), date(2017, 12, 31)) == expected


def test_events_csv_neutralises_formulas(records_dir):
    loaded = records.load(records_dir)
    events = loaded.events.assign(summary='=HYPERLINK("http://evil","click")')
    text = view.events_csv(events, loaded.sources).decode()
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


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


def test_a_settled_day_alone_is_applied_by_the_days_view_and_a_click_waits_for_the_whole_page():
    first, last = date(2017, 1, 1), date(2017, 12, 31)
    session = {"day": date(2017, 3, 1), "colour": "sanctuary", "selected": "ca", "day_set": 1, "last_report": ("p1", 1)}
    assert view.settle_day(session, first, last)  # no report yet: nothing to do
    session["map"] = {"last_object_clicked_popup": _report(seq=2, day="2017-03-09")}
    assert view.settle_day(session, first, last)
    assert (session["day"], session["selected"], session["last_report"]) == (date(2017, 3, 9), "ca", ("p1", 2))
    session["day"] = date(2017, 3, 2)  # set since, by the server: the old report is not applied again
    assert view.settle_day(session, first, last) and session["day"] == date(2017, 3, 2)
    session["map"] = {"last_object_clicked_popup": _report(seq=3, day="2017-03-10", click="il-chicago")}
    assert not view.settle_day(session, first, last)
    assert (session["day"], session["selected"], session["last_report"]) == (date(2017, 3, 2), "ca", ("p1", 2))
    view.settle(session, {}, first, last, IDS, date(2017, 4, 21))  # the whole page's run applies the click
    assert (session["day"], session["selected"], session["last_report"]) == (date(2017, 3, 10), "il-chicago", ("p1", 3))


def test_settle_hears_a_new_page_whose_count_starts_again():
    session = {"day": date(2017, 3, 1), "colour": "sanctuary", "selected": None, "day_set": 1, "last_report": ("old", 1)}
    session["map"] = {"last_object_clicked_popup": _report(page="new", seq=1, day="2017-03-05")}
    view.settle(session, {}, date(2017, 1, 1), date(2017, 12, 31), IDS, date(2017, 4, 21))
    assert session["day"] == date(2017, 3, 5)


def test_the_map_has_painted_once_its_page_reports_anything():
    first, last = date(2017, 1, 1), date(2017, 12, 31)
    session: dict = {}
    view.settle(session, {"day": "2017-03-01"}, first, last, IDS, date(2017, 4, 21))
    assert not view.map_painted(session)
    session["map"] = {"last_object_clicked_popup": '{"page": "p1", "seq": 1, "day": "<script>"}'}
    assert view.settle_day(session, first, last) and not view.map_painted(session)  # not a report
    session["map"] = {"last_object_clicked_popup": _report(seq=1, day="2017-03-01")}  # the day it was sent
    assert view.settle_day(session, first, last)
    assert view.map_painted(session) and session["day"] == date(2017, 3, 1)
