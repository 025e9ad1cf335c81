"""The day worked out once: every part of a day's page reads the same statuses, each day's worked out once."""

from __future__ import annotations

from datetime import date

from harness.browser import ROOT
from sanctuarymap.data import dataset, law, status
from sanctuarymap.reader import compare, day, download, panel, table
from sanctuarymap.reader import events as on_this_day

DAYS = [date(2017, 1, 1), date(2017, 4, 21), date(2017, 8, 22), date(2017, 12, 31)]


def test_the_statuses_of_a_day_are_status_as_of_for_every_place(shipped):
    for on in DAYS:
        facts = day.facts_of(shipped, on)
        expected = status.as_of(shipped.changes, shipped.all_names, on)
        assert facts.statuses.equals(expected)
        assert facts.sanctuary == expected["sanctuary"].to_dict()


def test_a_day_s_facts_are_kept_for_every_reader_of_the_day_and_each_dataset_has_its_own(shipped, records_dir):
    assert day.facts_of(shipped, DAYS[1]) is day.facts_of(shipped, DAYS[1])
    assert day.facts_of(shipped, DAYS[1]) is not day.facts_of(shipped, DAYS[2])
    other = dataset.load(records_dir, ROOT / "geodata")
    assert day.facts_of(other, DAYS[1]) is not day.facts_of(shipped, DAYS[1])
    assert day.facts_of(other, DAYS[1]).data is other


def test_the_table_and_the_downloads_read_the_day_s_statuses_and_agree_with_their_own_modules(shipped):
    on = date(2017, 9, 15)
    facts = day.facts_of(shipped, on)
    assert facts.table.equals(table.of_day(shipped.records, shipped.changes, shipped.names, on))
    assert facts.rows.equals(download.day_rows(shipped.records, shipped.changes, shipped.names, on, shipped.sources_by_event))


def test_two_days_compared_read_both_days_statuses(shipped):
    on, other = date(2017, 12, 31), date(2017, 1, 25)
    for colour in status.DIMENSIONS:
        the_day = day.of(shipped, on, colour, compared_with=other)
        early, late = the_day.compared or ()
        assert (early.day, late.day) == (other, on)
        assert the_day.compare_counts().equals(compare.counts(shipped.changes, shipped.mapped_ids, colour, on, other))
        assert the_day.compare_changed().equals(compare.changed(shipped.changes, shipped.mapped_ids, colour, on, other))
    assert day.of(shipped, on, "sanctuary").compared is None


def test_a_place_s_story_is_built_once_per_day_and_is_the_story_module_s(shipped):
    for place, on in [("tx-austin", date(2017, 9, 15)), ("ca-san-francisco", date(2017, 1, 31)), ("il-chicago", date(2017, 1, 2))]:
        beneath = law.beneath(shipped.state_laws, shipped.records.jurisdictions, shipped.changes, place, on)
        current = status.as_of(shipped.changes, [place], on)
        expected = panel.panel_html(shipped.records, shipped.sources_by_event, current, place, on, shipped.names, beneath, 3)
        the_day = day.of(shipped, on, "sanctuary", place, opened=3)
        assert the_day.panel_html == expected
        assert the_day.panel_html is day.of(shipped, on, "lawsuit", place, opened=3).panel_html
    assert "state law (SB 4" in (day.of(shipped, date(2017, 9, 15), "sanctuary", "tx-austin").panel_html or "")
    assert day.of(shipped, date(2017, 8, 22), "sanctuary").panel_html is None
    assert 'data-opened="4"' in (day.of(shipped, date(2017, 8, 22), "sanctuary", "il-chicago", opened=4).panel_html or "")


def test_on_this_day_has_the_day_its_events_and_what_the_live_region_reads_out(shipped):
    on = date(2017, 4, 21)
    text = day.facts_of(shipped, on).on_this_day_html
    assert text.startswith('<h2 class="sm-h2">On 21 April 2017</h2>')
    recent = on_this_day.recent_events(shipped.records, on)
    assert on_this_day.recent_html(recent, shipped.sources_by_event, on, shipped.names, on_this_day.count_on(shipped.records, on)) in text
    assert 'data-announce="21 April 2017: ' in text
