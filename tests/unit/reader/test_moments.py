"""Key moments: the shipped file names existing events and views inside the map's extent; bad rows are named."""

from __future__ import annotations

import pytest

from harness.browser import ROOT
from sanctuarymap.data import status
from sanctuarymap.reader import moments


@pytest.fixture(scope="module")
def story(shipped):
    found, problems = moments.read(ROOT / "records" / moments.FILE, shipped.records.events, shipped.names)
    assert problems == []
    return found


def test_twelve_to_twenty_moments_in_date_order(story):
    assert 12 <= len(story) <= 20
    assert [m.day for m in story] == sorted(m.day for m in story)
    assert all(m.day.year == 2017 for m in story)


def test_every_moment_names_an_existing_event(shipped, story):
    events = set(shipped.records.events["event_id"])
    assert [m.event_id for m in story if m.event_id not in events] == []


def test_every_view_lies_inside_the_map_s_extent(shipped, story):
    minx, miny, maxx, maxy = shipped.boundaries.states.total_bounds
    extent = (miny, minx, maxy, maxx)
    for moment in story:
        if moment.bounds is not None:
            assert moments.inside(moment.bounds, extent), moment
        else:
            place = shipped.views.loc[moment.jurisdiction_id]
            assert moments.inside((place.latitude, place.longitude, place.latitude, place.longitude), extent), moment
        assert moment.colour in status.DIMENSIONS


def test_the_text_is_ours_not_the_event_summary_copied(shipped, story):
    summaries = dict(zip(shipped.records.events["event_id"], shipped.records.events["summary"]))
    for moment in story:
        sentences = [s.strip() for s in moment.text.split(". ") if len(s.strip()) > 40]
        assert not any(s in summaries[moment.event_id] for s in sentences), moment.headline
        assert 2 <= moment.text.count(". ") + 1 <= 3, moment.headline  # two or three sentences


def test_bad_rows_are_left_out_and_named(shipped, tmp_path):
    path = tmp_path / moments.FILE
    path.write_text(
        "event_id,headline,text,colour,jurisdiction_id,bounds\n"
        "2017-05-07-abbott-signs-sb4,Good,Fine. Fine.,sanctuary,tx,\n"
        "no-such-event,Bad,Text.,sanctuary,tx,\n"
        "2017-05-07-abbott-signs-sb4,Bad,Text.,rainbow,tx,\n"
        "2017-05-07-abbott-signs-sb4,Bad,Text.,sanctuary,,\n"
        "2017-05-07-abbott-signs-sb4,Bad,Text.,sanctuary,,50;0;40;10\n",
        encoding="utf-8",
    )
    found, problems = moments.read(path, shipped.records.events, shipped.names)
    assert [m.headline for m in found] == ["Good"]
    assert [(p.row, p.column) for p in problems] == [
        (3, "event_id"),
        (4, "colour"),
        (5, "bounds"),
        (6, "bounds"),
    ]  # neither view; a south above the north
