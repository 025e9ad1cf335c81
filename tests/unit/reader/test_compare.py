"""Two days compared: the list of changes and the counts, against status.as_of on both days; the page's
own comparison (SanctuaryMap.compareOn) runs in Node."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.browser import ROOT
from sanctuarymap.data import dataset, status
from sanctuarymap.reader import compare

FIRST, LAST = date(2017, 1, 1), date(2017, 12, 31)
NODE = shutil.which("node")


SHIPPED = dataset.load(ROOT / "records", ROOT / "geodata")
days = st.integers(0, (LAST - FIRST).days).map(lambda n: FIRST + timedelta(days=n))


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(day=days, other=days, dimension_key=st.sampled_from(list(status.DIMENSIONS)))
def test_the_list_is_every_place_whose_category_differs_on_the_two_days(day, other, dimension_key):
    data = SHIPPED
    rows = compare.changed(data.changes, data.mapped_ids, dimension_key, day, other)
    early, late = min(day, other), max(day, other)
    before = status.as_of(data.changes, data.mapped_ids, early)[dimension_key]
    after = status.as_of(data.changes, data.mapped_ids, late)[dimension_key]
    differ = [j for j in data.mapped_ids if before[j] != after[j]]
    assert list(rows["jurisdiction_id"]) == differ
    for row in rows.itertuples():
        assert (row.before, row.after) == (before[row.jurisdiction_id], after[row.jurisdiction_id])
        # The causes: the place's changes in that dimension after the earlier day, up to the later one.
        assert row.event_ids, row.jurisdiction_id
        mine = data.changes[(data.changes["jurisdiction_id"] == row.jurisdiction_id) & (data.changes["dimension"] == dimension_key)]
        assert row.event_ids == list(mine[(mine["date"] > early) & (mine["date"] <= late)]["event_id"])
    # Either order of the two days gives the same list.
    assert compare.changed(data.changes, data.mapped_ids, dimension_key, other, day).equals(rows)


def test_counts_on_both_days_side_by_side(shipped):
    counts = compare.counts(shipped.changes, shipped.mapped_ids, "lawsuit", date(2017, 12, 31), date(2017, 1, 25))
    assert list(counts.columns) == ["Category", "25 January 2017", "31 December 2017"]  # the earlier day first
    assert list(counts["Category"]) == [c.label for c in status.LAWSUIT.categories]
    assert counts["25 January 2017"].sum() == counts["31 December 2017"].sum() == len(shipped.mapped_ids)
    late = status.as_of(shipped.changes, shipped.mapped_ids, date(2017, 12, 31))["lawsuit"].value_counts()
    assert counts.set_index("Category").at["Ruling in its favour", "31 December 2017"] == late.get("won", 0)


def test_the_list_reads_place_before_after_with_the_events_linked(shipped):
    rows = compare.changed(shipped.changes, shipped.mapped_ids, "lawsuit", date(2017, 8, 21), date(2017, 8, 22))
    text = compare.list_html(rows, "lawsuit", shipped.names, shipped.records.events, shipped.sources_by_event)
    assert "<strong>Los Angeles, CA</strong>: No lawsuit → Suing, no ruling yet" in text
    assert 'data-event="2017-08-22-los-angeles-sues-doj-byrne-jag"' in text and 'href="https://' in text


def test_no_change_says_so(shipped):
    rows = compare.changed(shipped.changes, shipped.mapped_ids, "lawsuit", date(2017, 3, 1), date(2017, 3, 1))
    assert rows.empty
    assert "No place changed" in compare.list_html(rows, "lawsuit", shipped.names, shipped.records.events, shipped.sources_by_event)


@pytest.mark.skipif(NODE is None, reason="node is not installed (make test installs it)")
def test_the_page_s_comparison_passes_its_node_tests():
    result = subprocess.run([NODE, "--test", str(ROOT / "tests" / "js" / "compare.test.js")], capture_output=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
