"""maps: the base map hands the page local scripts and two URLs; the view layer is one small, safe call."""

from __future__ import annotations

import json
import re
from datetime import date

import folium
import streamlit_folium

from sanctuarymap.page import bridge, maps


def test_base_map_loads_local_scripts_and_hands_over_two_urls():
    m = maps.base_map("/app/static/generated/changes-0123456789abcdef.json")
    html = m.get_root().render()
    assert maps.LEAFLET_JS in html and maps.LEAFLET_CSS in html
    assert re.search(re.escape(maps.MAP_JS) + r"\?v=[0-9a-f]{12}", html)  # a new script gets a new address
    # The bridge first, with the data's URLs to fetch at once; the page's script after it, then Leaflet.
    assert [src.split("?")[0] for _, src in m.default_js] == [maps.BRIDGE_JS, maps.MAP_JS, maps.LEAFLET_JS]
    assert "boundaries=%2Fapp%2Fstatic%2Fgeodata%2Fboundaries.json" in m.default_js[0][1]
    assert re.search(re.escape(maps.MAP_CSS) + r"\?v=[0-9a-f]{12}", html)
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    config = {
        "boundaries": "/app/static/geodata/boundaries.json",
        "changes": "/app/static/generated/changes-0123456789abcdef.json",
        "home": maps.CONTIGUOUS_US,
        "title": maps.MAP_TITLE,
        "report": bridge.REPORT_SCHEMA,
    }
    assert json.dumps(config, separators=(",", ":")) in html
    assert "coordinates" not in html
    assert "user-scalable" not in html and 'name="viewport"' in html  # pinch-zoom stays allowed


def test_view_layer_is_one_small_call():
    layer = bridge.view_layer(bridge.view(date(2017, 8, 22), 1, "lawsuit", "ca-los-angeles"))
    assert isinstance(layer, folium.FeatureGroup)
    (child,) = layer._children.values()
    assert json.loads(child.argument_json) == {"day": "2017-08-22", "daySet": 1, "colour": "lawsuit", "selected": "ca-los-angeles"}
    assert len(child.argument_json) < 100


def test_view_layer_script_cannot_close_its_script_element():
    layer = bridge.view_layer(bridge.view(date(2017, 8, 22), 1, "lawsuit", "</script><script>alert(1)</script>"))
    (child,) = layer._children.values()
    assert "</script>" not in child.argument_json and "<" not in child.argument_json


def test_each_view_reaches_the_page_though_the_map_is_rendered_once():
    # As st_folium hands them over: the shared map's scripts, and the run's view layer as its own script.
    # The same view twice, and another between: every run carries its own view, and the map none.
    rendered, maps_rendered = [], []
    for day in (date(2017, 8, 22), date(2017, 8, 23), date(2017, 8, 22)):
        m = maps.base_map("/app/static/generated/changes-0123456789abcdef.json")
        m.get_root().render()
        rendered.append(streamlit_folium._get_feature_group_string(bridge.view_layer(bridge.view(day, 1, "lawsuit", None)), m))
        maps_rendered.append((streamlit_folium._get_html(m), streamlit_folium._get_header(m), streamlit_folium._get_map_string(m)))
    assert ['"day":"2017-08-22"' in script for script in rendered] == [True, False, True]
    assert ['"day":"2017-08-23"' in script for script in rendered] == [False, True, False]
    assert maps_rendered[0] == maps_rendered[1] == maps_rendered[2]
    assert not any('"day":"' in part for part in maps_rendered[0])  # no day of a view (the report schema names the field)
    assert "map_div" in maps_rendered[0][2] and "map_div" in rendered[0]  # the names st_folium's page expects


def test_one_map_per_content():
    first = maps.base_map("/app/static/generated/changes-0123456789abcdef.json")
    assert maps.base_map("/app/static/generated/changes-0123456789abcdef.json") is first
    other = maps.base_map("/app/static/generated/changes-fedcba9876543210.json")
    assert other is not first and "changes-fedcba9876543210" in other.get_root().render()
