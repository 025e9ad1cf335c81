"""The small chart of how many jurisdictions stood in each category through the year.

A Vega-Lite spec as a plain dict: Streamlit draws it as it is, with none of altair's
per-rerun validation (about 80 ms here).  The data sit in named datasets, apart from the
spec: on a slider step only the ``day`` dataset changes, and the page swaps that one row
into the drawn chart instead of compiling and drawing the whole chart again.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from sanctuarymap import maps, status


def areas(counts: pd.DataFrame, dimension_key: str) -> list[dict]:
    """The rows of the stacked areas of one dimension, in date order; they do not depend on the day."""
    dimension = status.DIMENSIONS[dimension_key]
    order = {c.key: i for i, c in enumerate(dimension.categories)}
    points = _change_points(counts[counts["dimension"] == dimension_key])
    return [
        {"date": d.isoformat(), "category": dimension.label_of(c), "order": order[c], "count": int(n)}
        for d, c, n in zip(points["date"], points["category"], points["count"])
    ]


def category_counts(values: list[dict], dimension_key: str, day: date) -> dict:
    """Stacked areas per category (``areas`` of the same dimension), with a rule at ``day``."""
    legend = maps.legend(dimension_key)
    labels = [label for _, label in legend]
    span = [_utc(date.fromisoformat(values[0]["date"])), _utc(date.fromisoformat(values[-1]["date"]))]
    return {
        "height": 170,
        "datasets": {"areas": values, "day": [{"date": day.isoformat()}]},
        "layer": [
            {
                "data": {"name": "areas"},
                "mark": {"type": "area", "interpolate": "step-after"},
                "encoding": {
                    # A fixed span: moving the day's marker then rescales nothing.
                    "x": {
                        "field": "date",
                        "type": "temporal",
                        "title": None,
                        "axis": {"format": "%b", "tickCount": "month"},
                        "scale": {"domain": span},
                    },
                    "y": {"field": "count", "type": "quantitative", "stack": "zero", "title": "Jurisdictions"},
                    "color": {
                        "field": "category",
                        "type": "nominal",
                        "legend": None,
                        "scale": {"domain": labels, "range": [colour for colour, _ in legend]},
                    },
                    "order": {"field": "order", "type": "quantitative"},
                    "tooltip": [
                        {"field": "date", "type": "temporal", "format": "%d %b %Y"},
                        {"field": "category", "type": "nominal"},
                        {"field": "count", "type": "quantitative"},
                    ],
                },
            },
            {
                "data": {"name": "day"},
                "mark": {"type": "rule", "color": "#000", "strokeWidth": 1.5},
                "encoding": {"x": {"field": "date", "type": "temporal"}},
            },
        ],
    }


def _utc(day: date) -> dict:
    # The dates in the data are ISO days, which the browser reads as UTC midnight.
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
