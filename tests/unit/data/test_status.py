"""Status as of a day: the rule table, edge days, and properties that hold for any events."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuarymap.data import records, status

IDS = ["us", "il", "il-cook-county", "il-chicago"]


@pytest.fixture
def changes(records_dir):
    return status.timeline(records.load(records_dir).event_jurisdictions)


@pytest.mark.parametrize(
    ("day", "jurisdiction", "dimension", "expected"),
    [
        # 1989-style baseline: a 2011 ordinance still counts on 1 January 2017
        (date(2017, 1, 1), "il-cook-county", "sanctuary", "limits_cooperation"),
        # a place with no policy event stays at the baseline
        (date(2017, 12, 31), "il-chicago", "sanctuary", "none_known"),
        # the 2016 report counts from the start of 2017
        (date(2017, 1, 1), "il-chicago", "pressure", "named"),
        # the day before the letter
        (date(2017, 4, 20), "il-chicago", "pressure", "named"),
        # the letter's own day counts
        (date(2017, 4, 21), "il-chicago", "pressure", "warned"),
        # and every day after it
        (date(2017, 12, 31), "il-cook-county", "pressure", "warned"),
        # the suit: not yet the day before, yes on the day
        (date(2017, 8, 6), "il-chicago", "lawsuit", "none"),
        (date(2017, 8, 7), "il-chicago", "lawsuit", "plaintiff"),
        # a national action colours nobody
        (date(2017, 12, 31), "il", "pressure", "none"),
    ],
)
def test_status_as_of_an_edge_day(changes, day, jurisdiction, dimension, expected):
    assert status.as_of(changes, IDS, day).at[jurisdiction, dimension] == expected


def test_as_of_gives_one_row_per_jurisdiction_and_all_dimensions(changes):
    table = status.as_of(changes, IDS, date(2017, 6, 1))
    assert list(table.index) == IDS
    assert list(table.columns) == list(status.DIMENSIONS)


def test_report_after_a_letter_does_not_lower_the_pressure():
    pairs = pd.DataFrame(
        [("a", date(2017, 4, 21), "doj_warning_letter", "x"), ("b", date(2017, 5, 1), "federal_report_named", "x")],
        columns=["event_id", "date", "kind", "jurisdiction_id"],
    )
    assert status.as_of(status.timeline(pairs), ["x"], date(2017, 6, 1)).at["x", "pressure"] == "warned"


def test_every_rule_moves_a_known_dimension_to_one_of_its_categories():
    for kind, (_, rule) in status.EVENT_KINDS.items():
        if rule is not None:
            assert rule.dimension in status.DIMENSIONS, kind
            assert rule.category in {c.key for c in status.DIMENSIONS[rule.dimension].categories}, kind


def test_every_category_but_the_baseline_is_reached_by_some_event_kind():
    reached = {(rule.dimension, rule.category) for _, rule in status.EVENT_KINDS.values() if rule is not None}
    for key, dimension in status.DIMENSIONS.items():
        for category in dimension.categories[1:]:
            assert (key, category.key) in reached, f"no event kind moves {key} to {category.key}"


def test_every_category_of_a_dimension_has_its_own_colour_and_label():
    for dimension in status.DIMENSIONS.values():
        colours = [c.colour for c in dimension.categories]
        labels = [c.label for c in dimension.categories]
        assert len(set(colours)) == len(colours), dimension.key
        assert len(set(labels)) == len(labels), dimension.key


def test_every_event_kind_has_its_own_label():
    labels = [kind.label for kind in status.EVENT_KINDS.values()]
    assert all(labels) and len(set(labels)) == len(labels)


def test_daily_counts_match_as_of(changes):
    counts = status.daily_counts(changes, IDS[1:], date(2017, 1, 1), date(2017, 12, 31))
    assert len(counts) == 365 * sum(len(d.categories) for d in status.DIMENSIONS.values())
    for day in (date(2017, 1, 1), date(2017, 4, 21), date(2017, 8, 7), date(2017, 12, 31)):
        expected = status.as_of(changes, IDS[1:], day)["pressure"].value_counts()
        got = counts[(counts["date"] == day) & (counts["dimension"] == "pressure")].set_index("category")["count"]
        assert got[got > 0].to_dict() == expected.to_dict()


# --- Properties, for any set of events.

KINDS = sorted(status.EVENT_KINDS)
JURISDICTIONS = ["a", "b", "c"]
DAYS = st.dates(min_value=date(2010, 1, 1), max_value=date(2017, 12, 31))
EVENT = st.tuples(DAYS, st.sampled_from(KINDS), st.lists(st.sampled_from(JURISDICTIONS), min_size=1, max_size=3, unique=True))


def event_pairs(events) -> pd.DataFrame:
    rows = [(f"e{i:03d}", day, kind, j) for i, (day, kind, ids) in enumerate(events) for j in ids]
    return pd.DataFrame(rows, columns=["event_id", "date", "kind", "jurisdiction_id"])


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(events=st.lists(EVENT, max_size=25), day=DAYS, seed=st.randoms())
def test_row_order_does_not_matter(events, day, seed):
    pairs = event_pairs(events)
    shuffled = pairs.sample(frac=1, random_state=seed.randint(0, 2**31))
    expected = status.as_of(status.timeline(pairs), JURISDICTIONS, day)
    pd.testing.assert_frame_equal(status.as_of(status.timeline(shuffled), JURISDICTIONS, day), expected)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(events=st.lists(EVENT, min_size=1, max_size=25))
def test_a_day_before_every_event_gives_the_baseline(events):
    pairs = event_pairs(events)
    before = min(pairs["date"]) - timedelta(days=1)
    table = status.as_of(status.timeline(pairs), JURISDICTIONS, before)
    for key, dimension in status.DIMENSIONS.items():
        assert set(table[key]) == {dimension.baseline}


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(events=st.lists(EVENT, max_size=25), new=EVENT)
def test_an_event_counts_from_its_own_day_on(events, new):
    day, kind, ids = new
    pairs = event_pairs(events)
    # The new event sorts after every other on its day, so on that day it has the last word.
    added = pd.concat([pairs, event_pairs([new]).assign(event_id="zzz")], ignore_index=True)
    before = status.as_of(status.timeline(pairs), JURISDICTIONS, day - timedelta(days=1))
    assert before.equals(status.as_of(status.timeline(added), JURISDICTIONS, day - timedelta(days=1)))
    rule = status.EVENT_KINDS[kind].rule
    on_the_day = status.as_of(status.timeline(added), JURISDICTIONS, day)
    if rule is not None and not rule.only_from_baseline and not rule.yields_to_own_act:
        for j in ids:
            assert on_the_day.at[j, rule.dimension] == rule.category


@given(day=st.dates(min_value=date(1970, 1, 1), max_value=date(2017, 12, 31)))
def test_a_fact_known_to_the_month_counts_from_the_months_last_day(day):
    counted = status.counts_from(day.year, day.month)
    assert (counted.year, counted.month) == (day.year, day.month)
    assert counted >= day
    assert (counted + timedelta(days=1)).month != day.month


@given(day=st.dates(min_value=date(1970, 1, 1), max_value=date(2017, 12, 31)))
def test_a_fact_known_to_the_year_counts_from_the_31st_of_december(day):
    assert status.counts_from(day.year) == date(day.year, 12, 31) >= day
    assert status.counts_from(day.year, day.month, day.day) == day


@given(month=st.integers(1, 12), day=DAYS)
@settings(max_examples=60, deadline=None)  # as_of takes longer than 200 ms on a busy machine
def test_a_policy_known_to_the_month_colours_a_place_only_from_the_months_end(month, day):
    written = f"2017-{month:02d}"
    row = records.EventRow.model_validate(
        {"event_id": f"{written}-policy", "date": written, "kind": "policy_symbolic", "jurisdiction_ids": "il-chicago", "summary": "Test."}
    )
    pairs = pd.DataFrame([{"event_id": row.event_id, "date": row.date, "kind": row.kind, "jurisdiction_id": "il-chicago"}])
    expected = "symbolic" if day >= status.counts_from(2017, month) else "none_known"
    assert status.as_of(status.timeline(pairs), IDS, day).at["il-chicago", "sanctuary"] == expected


def test_a_symbolic_declaration_never_lowers_a_policy_that_limits_cooperation():
    pairs = pd.DataFrame(
        [
            {"event_id": "a", "date": date(2012, 5, 24), "kind": "policy_limits_cooperation", "jurisdiction_id": "il-chicago"},
            {"event_id": "b", "date": date(2017, 2, 2), "kind": "policy_symbolic", "jurisdiction_id": "il-chicago"},
            {"event_id": "c", "date": date(2017, 2, 2), "kind": "policy_symbolic", "jurisdiction_id": "il-cook-county"},
        ]
    )
    current = status.as_of(status.timeline(pairs), IDS, date(2017, 12, 31))
    assert current.at["il-chicago", "sanctuary"] == "limits_cooperation"
    assert current.at["il-cook-county", "sanctuary"] == "symbolic"


def listing_pairs(*events: tuple[str, date, str]) -> pd.DataFrame:
    rows = [{"event_id": e, "date": d, "kind": k, "jurisdiction_id": "il-cook-county"} for e, d, k in events]
    return pd.DataFrame(rows, columns=["event_id", "date", "kind", "jurisdiction_id"])


def sanctuary_on(pairs: pd.DataFrame, day: date) -> str:
    return str(status.as_of(status.timeline(pairs), IDS, day).at["il-cook-county", "sanctuary"])


LISTED = ("2014-06-list", date(2014, 6, 1), "listed_limits_cooperation")


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([LISTED], {date(2014, 5, 31): "none_known", date(2014, 6, 1): "limits_cooperation"}, id="listing-alone-from-its-day"),
        # Miami-Dade's pattern: listed in 2014, its mayor ordered detainers honoured in January 2017.
        pytest.param(
            [LISTED, ("2017-01-26-order", date(2017, 1, 26), "policy_requires_cooperation")],
            {date(2017, 1, 25): "limits_cooperation", date(2017, 1, 26): "requires_cooperation"},
            id="later-own-act-overrides-listing",
        ),
        pytest.param(
            [("2015-01-ended", date(2015, 1, 5), "policy_ended"), ("2016-01-list", date(2016, 1, 1), "listed_limits_cooperation")],
            {date(2017, 1, 1): "none_known"},
            id="listing-never-outranks-earlier-end",
        ),
        pytest.param(
            [("2014-01-required", date(2014, 1, 5), "policy_requires_cooperation"), LISTED],
            {date(2017, 1, 1): "requires_cooperation"},
            id="listing-never-outranks-earlier-requirement",
        ),
    ],
)
def test_a_trackers_listing_yields_to_the_places_own_acts(events, expected):
    """A tracker's listing colours a place with no act of its own from the list's day; the place's own act
    overrides an earlier listing, and a listing never outranks the place's own earlier act."""
    pairs = listing_pairs(*events)
    assert {day: sanctuary_on(pairs, day) for day in expected} == expected


def _luminance(colour: str) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_no_record_stands_three_to_one_against_every_baseline():
    # WCAG's non-text contrast: a place with no record never reads as one with no known policy.
    for dimension in status.DIMENSIONS.values():
        light, dark = sorted((_luminance(status.NO_RECORD.colour), _luminance(dimension.categories[0].colour)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 3, dimension.key


def test_a_faded_colour_is_the_colour_mixed_with_white():
    assert status.faded("#000000") == "#b2b2b2"  # 30 % black, 70 % white
    assert status.faded("#ffffff") == "#ffffff"
    assert status.faded("#0072B2") == "#b2d5e8"
    for dimension in status.DIMENSIONS.values():
        pale = [status.faded(c.colour) for c in dimension.categories]
        assert len(set(pale)) == len(pale)  # faded categories stay apart


def test_the_vocabulary_s_table_gives_each_colouring_its_categories_in_order():
    # status.CATEGORIES_FILE is the one home of the categories' labels and colours.
    assert list(status.DIMENSIONS) == ["sanctuary", "pressure", "lawsuit"]
    for dimension in status.DIMENSIONS.values():
        keys = [c.key for c in dimension.categories]
        assert len(keys) == len(set(keys)) >= 4, dimension.key
        assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c.colour) for c in dimension.categories), dimension.key
        assert len({c.colour for c in dimension.categories}) == len(keys), f"{dimension.key}: two categories share a colour"
    # Every baseline is the same grey, and no other category is drawn in it.
    baselines = {d.categories[0].colour for d in status.DIMENSIONS.values()}
    others = {c.colour for d in status.DIMENSIONS.values() for c in d.categories[1:]}
    assert len(baselines) == 1 and not baselines & others
