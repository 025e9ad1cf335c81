"""events: On this day, the day's events and the last few before, and what the live region says."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from sanctuarymap.data import records
from sanctuarymap.reader import events as on_this_day


def test_recent_events_include_the_day_and_national_events(records_dir):
    loaded = records.load(records_dir)
    recent = on_this_day.recent_events(loaded, date(2017, 4, 21), count=2)
    assert list(recent["event_id"]) == ["2017-04-21-letter", "2017-01-25-order"]


def test_a_crowded_day_lists_a_few_events_and_counts_the_rest(records_dir):
    loaded = records.load(records_dir)
    crowded = pd.concat([loaded.events] + [loaded.events.iloc[[-1]].assign(event_id=f"2017-08-07-x{i}") for i in range(12)])
    crowded = records.Records(jurisdictions=loaded.jurisdictions, events=crowded.reset_index(drop=True), sources=loaded.sources)
    recent = on_this_day.recent_events(crowded, date(2017, 8, 7))
    assert len(recent) == 10 and (recent["date"] == date(2017, 8, 7)).all()
    text = on_this_day.recent_html(recent, {}, date(2017, 8, 7), {}, on_this_day.count_on(crowded, date(2017, 8, 7)))
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
        assert on_this_day.count_on(shipped.records, day) == on_the_day
        assert list(on_this_day.recent_events(shipped.records, day)["event_id"]) == list(expected["event_id"]), day


def test_the_live_region_says_the_day_and_its_events(records_dir):
    loaded = records.load(records_dir)
    names = dict(zip(loaded.jurisdictions["jurisdiction_id"], loaded.jurisdictions["name"]))
    said = on_this_day.announcement(loaded, date(2017, 4, 21), names)
    assert said.startswith("21 April 2017: 1 event. DOJ warning letter")
    assert on_this_day.announcement(loaded, date(2017, 4, 22), names) == "22 April 2017: no events recorded that day."
