"""The naive baseline the benchmark compares the app against (never shipped).

    python bench/run.py    # starts it itself; by hand, next to a link to static/ (see the end):
    mkdir -p /tmp/naive && ln -sf "$PWD/bench/naive_app.py" /tmp/naive/app.py && ln -sfn "$PWD/static" /tmp/naive/static
    SANCTUARYMAP_RECORDS=records streamlit run /tmp/naive/app.py

What a first folium-in-Streamlit version would do: the same records (same env var, same
cached ``dataset.load``) and the same picture as app.py's map, but every rerun builds a
whole new ``folium.Map`` with every recorded county/state polygon as its own embedded
``folium.GeoJson`` layer, styled by the day's category from ``status.as_of``, the context
counties and state outlines embedded as two more layers, and the recorded cities as
``CircleMarker``s (no tooltips: the baseline does less than the app, which flatters it); it
is passed to ``st_folium`` with no ``key``, no ``feature_group_to_add`` and the default
``returned_objects``.  Leaflet comes from the app's static folder, as in app.py, so that
both work with no network.

The last element of the map writes the day into the map container (``data-day``): the
benchmark waits for it to know that the iframe shows the new day's colours.  ``?day=`` and
``?colour=`` in the URL set the first view (like app.py), so the benchmark can start anywhere.

Streamlit serves ``/app/static`` from a ``static`` folder next to the main script, so the
benchmark runs this file through a link in a temporary folder that also links ``static/``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import folium
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from sanctuarymap.data import dataset, status
from sanctuarymap.page import maps

ROOT = Path(__file__).resolve().parent.parent

RECORDS = Path(os.environ.get("SANCTUARYMAP_RECORDS", ROOT / "records"))


@st.cache_resource(show_spinner="Loading records and boundaries…")
def load(records_dir: str, geodata_dir: str):
    data = dataset.load(records_dir, geodata_dir)
    b = data.boundaries
    geometry = {
        layer: {row.GEOID: row.geometry.__geo_interface__ for row in b.layer(layer).itertuples()} for layer in ("states", "counties")
    }
    cities = {row.GEOID: (row.geometry.y, row.geometry.x) for row in b.cities.itertuples()}
    return data, geometry, cities


class DayMark(MacroElement):
    """Writes the day into the map's container once every layer before it has been added."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.getContainer().setAttribute('data-day', {{ this.day|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, day: date):
        super().__init__()
        self._name = "DayMark"
        self.day = day.isoformat()


st.set_page_config(page_title="Naive baseline", layout="wide")
data, geometry, city_points = load(str(RECORDS), str(ROOT / "geodata"))

if "day" not in st.session_state:
    try:
        start = date.fromisoformat(st.query_params.get("day", ""))
    except ValueError:
        start = date(2017, 4, 21)
    st.session_state.day = min(max(start, data.first_day), data.last_day)
colour = st.query_params.get("colour", "sanctuary")
colour = colour if colour in status.DIMENSIONS else "sanctuary"

st.title("Naive baseline")
day = st.slider("Day", data.first_day, data.last_day, key="day", format="D MMM YYYY")
current = status.as_of(data.changes, data.mapped_ids, day)
palette = {c.key: c.colour for c in status.DIMENSIONS[colour].categories}

m = folium.Map(location=[39.5, -96.5], zoom_start=4, tiles=None, min_zoom=3, control_scale=True)
m.default_js = [("leaflet", maps.LEAFLET_JS)]
m.default_css = [("leaflet_css", maps.LEAFLET_CSS)]
m.fit_bounds(maps.CONTIGUOUS_US)


# Drawn in the app's order: recorded states, context counties, recorded counties, state outlines, cities.
def add_recorded(layer: str) -> None:
    weight, opacity = (1, 0.75) if layer == "states" else (0.6, 0.8)
    for shape in data.drawn[data.drawn["layer"] == layer].itertuples(index=False):
        fill = palette[current.at[shape.jurisdiction_id, colour]]
        if layer == "cities":
            lat, lon = city_points[shape.geoid]
            folium.CircleMarker([lat, lon], radius=6, weight=1.2, color="#222", fill=True, fill_color=fill, fill_opacity=0.95).add_to(m)
            continue
        folium.GeoJson(
            {"type": "Feature", "id": shape.geoid, "properties": {"name": shape.name}, "geometry": geometry[layer][shape.geoid]},
            style_function=lambda f, fill=fill, weight=weight, opacity=opacity: {
                "fillColor": fill,
                "color": "#555",
                "weight": weight,
                "fillOpacity": opacity,
            },
        ).add_to(m)


def add_context(features: dict, style: dict) -> None:
    if features:
        folium.GeoJson(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "id": g, "properties": {}, "geometry": geom} for g, geom in features.items()],
            },
            style_function=lambda f: style,
            interactive=False,
        ).add_to(m)


recorded_counties = set(data.drawn.loc[data.drawn["layer"] == "counties", "geoid"])
add_recorded("states")
add_context(
    {g: geom for g, geom in geometry["counties"].items() if g not in recorded_counties}, {"weight": 0.3, "color": "#c8c8c8", "fill": False}
)
add_recorded("counties")
add_context(geometry["states"], {"weight": 0.9, "color": "#8a8a8a", "fill": False})
add_recorded("cities")
DayMark(day).add_to(m)

st_folium(m, height=560, use_container_width=True)
st.caption(f"{len(data.drawn)} shapes, coloured by {status.DIMENSIONS[colour].label.lower()} on {day:%d %b %Y}.")
