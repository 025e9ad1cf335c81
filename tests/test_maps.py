"""maps: the base map hands the page local scripts and two URLs; the view layer is one small, safe call."""

from __future__ import annotations

import json
import re
from datetime import date

import folium

from sanctuarymap import maps


def test_base_map_loads_local_scripts_and_hands_over_two_urls():
    m = maps.base_map("/app/static/generated/changes-0123456789abcdef.json")
    html = m.get_root().render()
    assert maps.LEAFLET_JS in html and maps.LEAFLET_CSS in html
    assert re.search(re.escape(maps.MAP_JS) + r"\?v=[0-9a-f]{12}", html)  # a new script gets a new address
    assert re.search(re.escape(maps.MAP_CSS) + r"\?v=[0-9a-f]{12}", html)
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    config = {
        "boundaries": "/app/static/geodata/boundaries.json",
        "changes": "/app/static/generated/changes-0123456789abcdef.json",
        "home": maps.CONTIGUOUS_US,
        "title": maps.MAP_TITLE,
    }
    assert json.dumps(config, separators=(",", ":")) in html
    assert "coordinates" not in html
    assert "user-scalable" not in html and 'name="viewport"' in html  # pinch-zoom stays allowed


def test_view_layer_is_one_small_call():
    layer = maps.view_layer(maps.view(date(2017, 8, 22), 1, "lawsuit", "ca-los-angeles"))
    assert isinstance(layer, folium.FeatureGroup)
    (child,) = layer._children.values()
    assert json.loads(child.view_json) == {"day": "2017-08-22", "daySet": 1, "colour": "lawsuit", "selected": "ca-los-angeles"}
    assert len(child.view_json) < 100


def test_view_layer_script_cannot_close_its_script_element():
    layer = maps.view_layer(maps.view(date(2017, 8, 22), 1, "lawsuit", "</script><script>alert(1)</script>"))
    (child,) = layer._children.values()
    assert "</script>" not in child.view_json and "<" not in child.view_json


def test_each_view_reaches_the_page_though_folium_snippets_are_compiled_once():
    # The same view twice, and another between: every render carries its own view, not a cached one.
    rendered = []
    for day in (date(2017, 8, 22), date(2017, 8, 23), date(2017, 8, 22)):
        m = maps.base_map("/app/static/generated/changes-0123456789abcdef.json")
        maps.view_layer(maps.view(day, 1, "lawsuit", None)).add_to(m)
        rendered.append(m.get_root().render())
    assert ['"day":"2017-08-22"' in html for html in rendered] == [True, False, True]
    assert ['"day":"2017-08-23"' in html for html in rendered] == [False, True, False]
