"""Each dated tracker list, kept as given in tests/data/tracker-*.csv: every place it names is on record with the
list's own listing event, or is named in records/README.md with the reason it was left out."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from harness.browser import ROOT
from sanctuarymap.data import records, status

DATA = ROOT / "tests" / "data"
# Each list's file, its listing event and the address of the list itself (tests/data/README.md names each).
LISTS = {
    "tracker-ilg-oregon-2014-05-02.csv": ("2014-05-02-ilg-oregon-counties-list", "https://www.ilgrp.com/iceholds/"),
    "tracker-meyer-colorado-2014-06-24.csv": ("2014-06-24-meyer-colorado-jails-list", "https://themeyerlawoffice.com/ice-detainers/"),
    "tracker-sheller-pennsylvania-2015-03-04.csv": (
        "2015-03-04-sheller-aclu-pa-changing-landscape",
        "https://law.temple.edu/csj/publication/a-changing-landscape-report/",
    ),
    "tracker-aclu-iowa-2014-08-18.csv": (
        "2014-08-18-aclu-iowa-22-counties-list",
        "http://www.kcrg.com/subject/news/22-iowa-counties-will-no-longer-honor-ice-requests-20140818",
    ),
    "tracker-aclu-kansas-2014-06-09.csv": (
        "2014-06-09-aclu-kansas-three-counties",
        "https://www.aclu.org/press-releases/kansas-counties-will-no-longer-automatically-honor-detention-requests-federal",
    ),
    "tracker-aclu-nebraska-2014-10-02.csv": (
        "2014-10-02-aclu-nebraska-four-counties",
        "https://www.aclu.org/press-releases/aclu-and-jfon-applaud-douglas-county-policy-declining-immigration-detainer-requests",
    ),
}


@pytest.fixture(scope="module")
def shipped() -> records.Records:
    return records.load(ROOT / "records")


def test_every_list_file_is_tested_and_documented():
    files = {p.name for p in DATA.glob("tracker-*.csv")}
    assert files == set(LISTS)
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert all(f"## {name}" in readme for name in files)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_place_the_list_names_is_on_record_with_its_listing_or_knowingly_left_out(shipped, name):
    event_id, url = LISTS[name]
    listed = pd.read_csv(DATA / name, dtype=str, keep_default_na=False)
    events = shipped.events.set_index("event_id")
    assert events.at[event_id, "kind"] in status.LISTING_KINDS
    on_event = set(events.at[event_id, "jurisdiction_ids"])
    wanted = set(listed.loc[listed["jurisdiction_id"] != "", "jurisdiction_id"])
    assert sorted(wanted - on_event) == [], f"named by {name}, not on {event_id}"
    assert sorted(on_event - wanted) == [], f"on {event_id}, not in {name}"
    assert url in set(shipped.sources.loc[shipped.sources["event_id"] == event_id, "url"])
    readme = " ".join((ROOT / "records" / "README.md").read_text(encoding="utf-8").split())
    left_out = sorted(n for n in listed.loc[listed["jurisdiction_id"] == "", "name_as_given"] if n not in readme)
    assert left_out == [], f"named by {name}, not on record, and not explained in records/README.md"


@pytest.mark.parametrize(
    ("place", "before", "on", "after"),
    [
        ("fl-miami-dade-county", date(2017, 1, 25), date(2017, 1, 26), "requires_cooperation"),  # the mayor's order
        ("pa-bradford-county", date(2017, 4, 12), date(2017, 4, 13), "none_known"),  # its prison board rescinds
        ("pa-clarion-county", date(2017, 4, 12), date(2017, 4, 13), "requires_cooperation"),  # listed in 2015; its board reverses
    ],
)
def test_the_2017_reversals_override_earlier_policies_and_listings(shipped, place, before, on, after):
    changes = status.timeline(shipped.event_jurisdictions)
    assert status.as_of(changes, [place], before).at[place, "sanctuary"] == "limits_cooperation"
    assert status.as_of(changes, [place], on).at[place, "sanctuary"] == after
