"""State law beneath local policy: one place under each law on record reads its state's law beside its own status."""

from __future__ import annotations

from datetime import date

import pytest

from harness.browser import ROOT
from sanctuarymap.data import law, status


@pytest.fixture(scope="module")
def standings(shipped):
    found, problems = law.read(ROOT / "records" / law.FILE, shipped.records.events, shipped.records.jurisdictions)
    assert problems == []
    return found


def test_austin_in_september_2017(shipped, standings):
    text = law.beneath(standings, shipped.records.jurisdictions, shipped.changes, "tx-austin", date(2017, 9, 15))
    assert text == "Symbolic declaration only; state law (SB 4, partly enjoined) requires cooperation with ICE"
    assert law.beneath(standings, shipped.records.jurisdictions, shipped.changes, "tx-austin", date(2017, 5, 6)) is None  # before SB 4


def test_one_place_under_each_law(shipped, standings):
    jurisdictions = shipped.records.jurisdictions
    local = jurisdictions[jurisdictions["kind"].isin(["city", "county"])]
    laws = {(s.state_id, s.law): s for s in standings}  # the last row of each law
    assert len(laws) >= 10
    for (state_id, name), standing in laws.items():
        place = local[local["state"].str.lower() == state_id]["jurisdiction_id"].iloc[0]
        day = max(standing.day, date(2017, 1, 1))  # the law's last row, or 1 January: before any later law of the state
        text = law.beneath(standings, jurisdictions, shipped.changes, place, day)
        assert text is not None and f"state law ({name}" in text, (state_id, name, place, day, text)
        state_category = status.as_of(shipped.changes, [state_id], day).at[state_id, "sanctuary"]
        assert text.endswith(law.VERBS[state_category])


def test_a_state_or_a_place_in_a_state_without_a_law_has_no_line(shipped, standings):
    jurisdictions = shipped.records.jurisdictions
    assert law.beneath(standings, jurisdictions, shipped.changes, "tx", date(2017, 9, 15)) is None  # the state itself
    assert law.beneath(standings, jurisdictions, shipped.changes, "pa-philadelphia", date(2017, 9, 15)) is None


def test_bad_rows_are_named(shipped, tmp_path):
    path = tmp_path / law.FILE
    path.write_text("event_id,state_id,law,standing\nnope,tx,SB 4,\n2017-05-07-abbott-signs-sb4,zz,SB 4,\n", encoding="utf-8")
    found, problems = law.read(path, shipped.records.events, shipped.records.jurisdictions)
    assert found == [] and [(p.row, p.column) for p in problems] == [(2, "event_id"), (3, "state_id")]


def test_the_states_of_every_place_at_once_are_state_of_each(shipped):
    jurisdictions = shipped.records.jurisdictions
    states = law.states_of(jurisdictions)
    for place in jurisdictions["jurisdiction_id"]:
        assert states.get(place) == law.state_of(jurisdictions, place), place
    assert states["tx-austin"] == "tx" and "tx" not in states
