"""The small chart of how many jurisdictions stood in each category through the year."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from sanctuarymap import maps, status


def category_counts(counts: pd.DataFrame, dimension_key: str, day: date) -> alt.LayerChart:
    """Stacked areas per category, with a rule at ``day``."""
    dimension = status.DIMENSIONS[dimension_key]
    labels = {c.key: c.label for c in dimension.categories}
    data = _change_points(counts[counts["dimension"] == dimension_key]).assign(
        category=lambda d: d["category"].map(labels), date=lambda d: pd.to_datetime(d["date"])
    )
    legend = maps.legend(dimension_key)
    colour = alt.Color("category:N", title=None,
                       scale=alt.Scale(domain=[label for _, label in legend], range=[c for c, _ in legend]),
                       legend=None)
    areas = alt.Chart(data).mark_area(interpolate="step-after").encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%b")),
        y=alt.Y("count:Q", stack="zero", title="Jurisdictions"),
        color=colour,
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("date:T", format="%d %b %Y"), "category:N", "count:Q"],
    ).transform_calculate(order=f"indexof({[label for _, label in legend]!r}, datum.category)")
    rule = alt.Chart(pd.DataFrame({"date": [pd.Timestamp(day)]})).mark_rule(color="#000", strokeWidth=1.5).encode(
        x="date:T"
    )
    return (areas + rule).properties(height=170)


def _change_points(counts: pd.DataFrame) -> pd.DataFrame:
    """The rows where a count changes, plus the first and last day: the same steps, a fraction of the bytes."""
    ordered = counts.sort_values(["category", "date"])
    changed = ordered["count"].ne(ordered.groupby("category")["count"].shift())
    edges = ordered["date"].isin([ordered["date"].min(), ordered["date"].max()])
    return ordered[changed | edges]
