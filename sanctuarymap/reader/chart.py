"""The small chart of how many jurisdictions stood in each category through the year.

A Vega-Lite spec as a plain dict: Streamlit draws it as it is, with none of altair's
per-rerun validation (about 80 ms here).  The data sit in named datasets, apart from the
spec: when the day settles only the ``day`` dataset changes, and the page swaps that one row
into the drawn chart instead of compiling and drawing the whole chart again.

The rows travel compact, since the chart goes out again with every settled day: a day index,
a category index and a count, in small integer columns (about 7 bytes a row in Arrow, against
about 60 for dates and labels as strings); Vega-Lite turns them back into dates and labels.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa

from sanctuarymap.data import status


def areas(counts: pd.DataFrame, dimension_key: str, first: date) -> pd.DataFrame:
    """The rows of the stacked areas of one dimension, in date order; they do not depend on the day.

    Columns: ``d`` (days since ``first``), ``c`` (category index), ``n`` (places in it).
    """
    dimension = status.DIMENSIONS[dimension_key]
    order = {c.key: i for i, c in enumerate(dimension.categories)}
    points = _change_points(counts[counts["dimension"] == dimension_key])
    return pd.DataFrame(
        {
            "d": pd.Series([(d - first).days for d in points["date"]], dtype="int16"),
            "c": pd.Series([order[c] for c in points["category"]], dtype="int8"),
            "n": pd.Series(list(points["count"]), dtype="int32"),
        }
    )


def title(dimension_key: str) -> str:
    """What the chart shows, in words: its accessible name."""
    return f"How many places stood where, by {status.DIMENSIONS[dimension_key].label.lower()}, day by day"


def description(dimension_key: str) -> str:
    """The chart described for those who cannot see it (the page ties it to the chart). Like ``title``, it names
    no day: a settled day then changes only the ``day`` dataset of the spec (anything else redraws the chart)."""
    dimension = status.DIMENSIONS[dimension_key]
    return (
        f"Stacked areas, one per category of {dimension.label.lower()} ("
        + ", ".join(c.label for c in dimension.categories)
        + "), give the number of places on record in each, day by day. A labelled vertical line marks the day "
        "the map shows. The same numbers are in the day's table and its CSV download."
    )


def category_counts(values: pd.DataFrame, dimension_key: str, day: date, first: date, last: date) -> dict[str, Any]:
    """Stacked areas per category (``areas`` of the same dimension), with a labelled rule at ``day`` and a legend."""
    categories = status.DIMENSIONS[dimension_key].categories
    labels = [c.label for c in categories]
    # Day indexes back to dates, in UTC as the axis reads them; category indexes back to labels.
    as_date = {"calculate": f"utc({first.year}, {first.month - 1}, {first.day} + datum.d)", "as": "date"}
    # The day's label sits right of its line, or left of it near the year's end, where it would be cut.
    late = (last - first).days * 4 // 5
    day_label = [as_date, {"calculate": "utcFormat(datum.date, '%-d %b')", "as": "label"}]
    return {
        "description": title(dimension_key),  # Vega makes it the chart's accessible name (aria-label)
        "height": 170,
        "datasets": {"areas": values, "day": _day_row((day - first).days)},
        "layer": [
            {
                "data": {"name": "areas"},
                "transform": [
                    as_date,
                    {"calculate": f"{json.dumps(labels)}[datum.c]", "as": "category"},
                    {"calculate": "utcFormat(datum.date, '%d %b %Y')", "as": "when"},
                ],
                "mark": {"type": "area", "interpolate": "step-after"},
                "encoding": {
                    # A fixed span: moving the day's marker then rescales nothing.
                    "x": {
                        "field": "date",
                        "type": "temporal",
                        "title": None,
                        "axis": {"format": "%b", "tickCount": "month"},
                        "scale": {"type": "utc", "domain": [_utc(first), _utc(last)]},
                    },
                    "y": {"field": "n", "type": "quantitative", "stack": "zero", "title": "Places"},
                    "color": {
                        "field": "category",
                        "type": "nominal",
                        "legend": {"orient": "bottom", "title": None, "direction": "horizontal", "labelLimit": 260, "symbolType": "square"},
                        "scale": {"domain": labels, "range": [c.colour for c in categories]},
                    },
                    "order": {"field": "c", "type": "quantitative"},
                    "tooltip": [
                        {"field": "when", "type": "nominal", "title": "date"},
                        {"field": "category", "type": "nominal"},
                        {"field": "n", "type": "quantitative", "title": "count"},
                    ],
                },
            },
            {
                "data": {"name": "day"},
                "transform": [as_date],
                "mark": {"type": "rule", "color": "#000", "strokeWidth": 1.5},
                "encoding": {"x": {"field": "date", "type": "temporal", "scale": {"type": "utc"}}},
            },
            *(
                {
                    "data": {"name": "day"},
                    "transform": [*day_label, {"filter": f"datum.d {test} {late}"}],
                    "mark": {"type": "text", "align": align, "dx": dx, "baseline": "top", "fontWeight": "bold", "color": "#000"},
                    "encoding": {
                        "x": {"field": "date", "type": "temporal", "scale": {"type": "utc"}},
                        "y": {"value": 2},
                        "text": {"field": "label", "type": "nominal"},
                    },
                }
                for test, align, dx in (("<=", "left", 4), (">", "right", -4))
            ),
        ],
    }


@functools.lru_cache(maxsize=400)
def _day_row(offset: int) -> pa.Table:
    # As Arrow, once per day: a list of dicts went through pandas on every rerun (about 2 ms of a settled day).
    return pa.table({"d": pa.array([offset], type=pa.int16())})


def _utc(day: date) -> dict[str, Any]:
    # The dates in the data are days, which the chart reads as UTC midnight.
    return {"year": day.year, "month": day.month, "date": day.day, "utc": True}


def _change_points(counts: pd.DataFrame) -> pd.DataFrame:
    """Every category on the days when some count changes, and on the first and last day.

    Drawn as steps, that is the same chart as one row a day, for a fraction of the bytes; keeping
    every category on those days keeps the stack whole.
    """
    ordered = counts.sort_values(["category", "date"])
    changed = ordered["count"].ne(ordered.groupby("category")["count"].shift())
    days = set(ordered.loc[changed, "date"]) | {ordered["date"].min(), ordered["date"].max()}
    return ordered[ordered["date"].isin(days)].sort_values(["date", "category"])
