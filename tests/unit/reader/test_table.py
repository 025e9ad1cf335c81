"""The day as a table: one row per place with its statuses on the day, filters, search, a row's place."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from harness.browser import ROOT
from sanctuarymap.data import dataset, status
from sanctuarymap.reader import table


@pytest.fixture(scope="module")
def tiny():
    return dataset.load(ROOT / "tests" / "data" / "records", ROOT / "geodata")


def test_one_row_per_place_with_its_statuses_as_of_the_day(shipped):
    day = date(2017, 9, 15)
    rows = table.of_day(shipped.records, shipped.changes, shipped.names, day)
    assert list(rows.columns) == table.COLUMNS
    assert list(rows["jurisdiction_id"]) == list(shipped.names)
    expected = status.as_of(shipped.changes, list(shipped.names), day)
    for key, dimension in status.DIMENSIONS.items():
        assert list(rows[dimension.label]) == [dimension.label_of(c) for c in expected[key]]


@pytest.mark.parametrize(
    ("day", "latest", "kind"),
    [
        (date(2017, 1, 1), date(2016, 5, 31), "Named in federal report"),  # before 2017: the 2016 report
        (date(2017, 4, 21), date(2017, 4, 21), "DOJ warning letter"),  # the day itself counts
        (date(2017, 12, 31), date(2017, 8, 7), "Lawsuit filed"),  # the year's last
    ],
)
def test_the_latest_event_is_the_last_on_or_before_the_day(tiny, day, latest, kind):
    rows = table.of_day(tiny.records, tiny.changes, tiny.names, day).set_index("jurisdiction_id")
    assert rows.at["il-chicago", table.LATEST_DAY] == latest
    assert rows.at["il-chicago", table.LATEST_KIND] == kind


def test_a_place_with_no_event_yet_has_empty_latest_cells(tiny):
    rows = table.of_day(tiny.records, tiny.changes, tiny.names, date(2017, 1, 1)).set_index("jurisdiction_id")
    assert rows.at["il", table.LATEST_DAY] is None and rows.at["il", table.LATEST_KIND] == ""


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, None),  # no filter: every row
        ({"states": ["TX"]}, lambda r: r[table.STATE] == "TX"),
        ({"kinds": ["city"]}, lambda r: r[table.KIND] == "City"),
        ({"categories": ["requires_cooperation"]}, lambda r: r["Sanctuary status"] == "Must cooperate with ICE"),
        ({"search": "AUSTIN"}, lambda r: "Austin" in r[table.PLACE]),  # any case
        ({"search": "ruling in its"}, lambda r: "Ruling in its favour" in (r["Lawsuit"], r[table.LATEST_KIND])),  # a status too
        ({"states": ["TX"], "kinds": ["county"]}, lambda r: r[table.STATE] == "TX" and r[table.KIND] == "County"),  # all at once
        ({"categories": ["no-such-category"]}, lambda r: False),  # an unknown category passes nothing
    ],
)
def test_filters_and_search_keep_the_matching_rows(shipped, filters, expected):
    rows = table.of_day(shipped.records, shipped.changes, shipped.names, date(2017, 9, 15))
    kept = table.narrow(rows, **filters)
    want = rows if expected is None else rows[rows.apply(expected, axis=1)]
    assert list(kept["jurisdiction_id"]) == list(want["jurisdiction_id"])
    assert list(kept.index) == list(range(len(kept)))  # positions: what a table's selection gives


def test_the_category_filter_follows_the_colouring(shipped):
    rows = table.of_day(shipped.records, shipped.changes, shipped.names, date(2017, 9, 15))
    kept = table.narrow(rows, dimension_key="lawsuit", categories=["won"])
    assert len(kept) > 0 and set(kept["Lawsuit"]) == {"Ruling in its favour"}


def test_a_row_position_names_its_place_and_back():
    rows = pd.DataFrame({"jurisdiction_id": ["a", "b", "c"]})
    assert table.chosen(rows, [1]) == "b"
    assert table.chosen(rows, []) is None
    assert table.chosen(rows, [7]) is None  # a stale position from before the rows changed
    assert table.position_of(rows, "c") == [2]
    assert table.position_of(rows, None) == []


def test_the_widget_key_changes_with_the_selection_and_the_filters():
    assert table.widget_key("a", "x") == table.widget_key("a", "x")
    assert table.widget_key("a", "x") != table.widget_key("b", "x")
    assert table.widget_key("a", "x") != table.widget_key("a", "y")
