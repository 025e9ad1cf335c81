"""chart: the category counts chart keeps whole stacks and sends only the day when the day changes."""

from __future__ import annotations

import json
from datetime import date

from sanctuarymap import chart, records, status


def test_chart_keeps_every_category_on_every_change_day(records_dir):

    loaded = records.load(records_dir)
    changes = status.timeline(loaded.event_jurisdictions)
    counts = status.daily_counts(changes, ["il", "il-cook-county", "il-chicago"], date(2017, 1, 1), date(2017, 12, 31))
    first, last = date(2017, 1, 1), date(2017, 12, 31)
    values = chart.areas(counts, "pressure", first)
    spec = chart.category_counts(values, "pressure", date(2017, 5, 1), first, last)
    assert sorted(set(values["d"])) == [0, 110, 364]  # 1 January, 21 April, 31 December
    assert (values.groupby("d")["n"].sum() == 3).all()  # the stack always adds up to every place
    assert [str(t) for t in values.dtypes] == ["int16", "int8", "int32"]  # a few bytes a row
    assert spec["datasets"]["day"].to_pylist() == [{"d": 120}]
    labels = json.loads(spec["layer"][0]["transform"][1]["calculate"].removesuffix("[datum.c]"))
    assert labels == [c.label for c in status.PRESSURE.categories]
    x_domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert [(d["year"], d["month"], d["date"]) for d in x_domain] == [(2017, 1, 1), (2017, 12, 31)]  # the whole year
    # Only the day's dataset differs from one day to the next: the page redraws no more than the marker.
    later = chart.category_counts(values, "pressure", date(2017, 5, 2), first, last)
    assert {**later, "datasets": None} == {**spec, "datasets": None}
    assert later["datasets"]["areas"] is spec["datasets"]["areas"]
