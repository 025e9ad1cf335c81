"""basis: on what a place's status rests (own act, tracker list, federal list), in the table, the download and the panel."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sanctuarymap.data import basis, records, status
from sanctuarymap.reader import download, story, table

LISTING = "2014-06-test-tracker-list"


@pytest.fixture
def listed(records_dir: Path) -> records.Records:
    """The tiny records with a tracker's list of June 2014 naming Illinois and Cook County (which has its own 2011 ordinance)."""
    with (records_dir / "sanctuarymap-events.csv").open("a", encoding="utf-8") as events:
        events.write(f"{LISTING},2014-06,listed_limits_cooperation,il;il-cook-county,Test: a tracker lists both.\n")
    with (records_dir / "sanctuarymap-sources.csv").open("a", encoding="utf-8") as sources:
        sources.write(f"{LISTING},Test Tracker (advocacy group),A list of places,2014-06-02,https://example.org/list\n")
    return records.load(records_dir)


IDS = ["il", "il-cook-county", "il-chicago"]


def test_each_place_rests_on_its_own_act_a_trackers_list_or_a_federal_list(listed):
    changes = status.timeline(listed.event_jurisdictions)
    kinds = basis.kinds_of(listed)
    # Illinois: only the listing; Cook County: its own ordinance outranks the later listing; Chicago: named by DOJ only.
    assert basis.of_day(kinds, changes, IDS, date(2017, 1, 1)) == [basis.TRACKER_LIST, basis.OWN_ACT, basis.FEDERAL_LIST]
    # Before the listing counts (the month's last day) and before the federal report, Illinois and Chicago rest on nothing.
    assert basis.of_day(kinds, changes, IDS, date(2014, 6, 29)) == ["", basis.OWN_ACT, ""]


def test_counts_by_basis_and_the_tracker_lists(listed):
    changes = status.timeline(listed.event_jurisdictions)
    counted = basis.counts(listed, changes, IDS)
    assert dict(zip(counted["basis"], counted["places"])) == {basis.OWN_ACT: 1, basis.TRACKER_LIST: 1, basis.FEDERAL_LIST: 1}
    lists = basis.tracker_lists(listed)
    assert lists.to_dict("records") == [
        {
            "event_id": LISTING,
            "when": "June 2014, day not known",
            "list": "Test Tracker (advocacy group), “A list of places”",
            "named": 2,
            "only_here": 1,  # Illinois; Cook County has its ordinance too
        }
    ]


def test_the_table_and_the_download_say_on_what_the_status_rests(listed):
    changes = status.timeline(listed.event_jurisdictions)
    names = {"il": "Illinois", "il-cook-county": "Cook County", "il-chicago": "Chicago"}
    rows = table.of_day(listed, changes, names, date(2017, 3, 1))
    assert list(rows[table.BASIS]) == [basis.TRACKER_LIST, basis.OWN_ACT, basis.FEDERAL_LIST]
    assert table.narrow(rows, search="tracker list")["jurisdiction_id"].tolist() == ["il"]
    csv_rows = download.day_rows(listed, changes, names, date(2017, 3, 1), {})
    assert list(csv_rows["sanctuary_basis"]) == [basis.TRACKER_LIST, basis.OWN_ACT, basis.FEDERAL_LIST]
    assert list(csv_rows["sanctuary_event_id"])[:2] == [LISTING, "2011-09-07-cook-ordinance"]


def test_the_panel_names_the_list_and_the_kind_says_it_is_a_listing(listed):
    by_event = {e: group for e, group in listed.sources.groupby("event_id")}
    html = story.timeline_html(story.events_of(listed, "il"), by_event, date(2017, 1, 1), {"il": "Illinois"})
    assert "Listed by a tracker as limiting cooperation" in html
    assert "Listed in: Test Tracker (advocacy group), “A list of places”" in html
    ordinance = story.timeline_html(story.events_of(listed, "il-cook-county").iloc[:1], by_event, date(2017, 1, 1), {})
    assert "Listed in:" not in ordinance
