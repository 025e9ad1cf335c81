"""chart: the category counts chart keeps whole stacks and sends only the day when the day changes."""

from __future__ import annotations

import json
from datetime import date

from sanctuarymap.data import records, status
from sanctuarymap.reader import chart


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


def test_the_chart_has_a_legend_a_labelled_day_and_a_name_that_names_no_day(records_dir):
    loaded = records.load(records_dir)
    changes = status.timeline(loaded.event_jurisdictions)
    first, last = date(2017, 1, 1), date(2017, 12, 31)
    counts = status.daily_counts(changes, ["il", "il-cook-county", "il-chicago"], first, last)
    values = chart.areas(counts, "lawsuit", first)
    spec = chart.category_counts(values, "lawsuit", date(2017, 8, 22), first, last)
    legend = spec["layer"][0]["encoding"]["color"]["legend"]
    assert legend is not None and legend["orient"] == "bottom"
    assert spec["description"] == chart.title("lawsuit") == "How many places stood where, by lawsuit, day by day"
    for category in status.LAWSUIT.categories:
        assert category.label in chart.description("lawsuit")
    labels = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert [layer["data"] for layer in labels] == [{"name": "day"}, {"name": "day"}]  # moved with the day's one row
    assert {layer["mark"]["align"] for layer in labels} == {"left", "right"}  # right of the line, left of it late in the year
    assert all(layer["encoding"]["text"]["field"] == "label" for layer in labels)
