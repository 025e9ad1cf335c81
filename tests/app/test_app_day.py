"""The day worked out once, through the page: a rerun works out each day's statuses at most once, whatever it shows."""

from __future__ import annotations

from harness.apptest import report, start
from sanctuarymap.data import status
from sanctuarymap.reader import day


def test_a_rerun_works_out_each_day_s_statuses_once_and_a_day_seen_before_not_again(monkeypatch):
    calls: list[object] = []
    real = status.as_of

    def counted(changes, jurisdiction_ids, on):
        calls.append(on)
        return real(changes, jurisdiction_ids, on)

    monkeypatch.setattr(status, "as_of", counted)
    monkeypatch.setattr(day, "_KEPT", {})  # no day kept from another test's run
    # Everything that shows the day at once: a place open (its panel and its state's law), the table, two days compared.
    at = start(day="2017-09-14", selected="tx-austin", table="on", compare="2017-01-25")
    assert not at.exception and at.dataframe and at.table
    calls.clear()

    report(at, "2017-09-15", seq=1)  # a settled day: the fragment's rerun
    assert not at.exception
    assert "state law (SB 4" in "\n".join(m.value for m in at.markdown)
    assert [str(on) for on in calls] == ["2017-09-15"]  # before the day value: 6 (compare 4, the table, the panel's law)

    calls.clear()
    report(at, "2017-09-14", seq=2)  # a day seen before, and the compared day: nothing worked out again
    assert calls == []
