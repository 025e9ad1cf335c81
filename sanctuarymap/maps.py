"""Folium objects for the map: a base map that fetches its shapes once, and a
small restyle layer that recolours them for a day.

Geometry never travels with a slider step: the browser fetches every shape
once from the app's static files (``static/geodata/boundaries.json``) and
each step sends only a category index per drawn shape.
"""

from __future__ import annotations

import json
from datetime import date

import folium
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from sanctuarymap import status

LEAFLET_JS = "/app/static/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/vendor/leaflet/leaflet.css"
BOUNDARIES_URL = "/app/static/geodata/boundaries.json"
CONTIGUOUS_US = [[24.4, -125.0], [49.4, -66.9]]

# Okabe & Ito's colour-blind-safe palette; grey for the baseline of each dimension.
PALETTES = {
    "sanctuary": {"none_known": "#dcdcdc", "symbolic": "#56B4E9", "limits_cooperation": "#0072B2", "requires_cooperation": "#D55E00"},
    "pressure": {
        "none": "#dcdcdc",
        "named": "#F0E442",
        "warned": "#E69F00",
        "noncompliant": "#D55E00",
        "compliant": "#009E73",
        "funds_withheld": "#CC79A7",
    },
    "lawsuit": {"none": "#dcdcdc", "plaintiff": "#E69F00", "won": "#009E73", "lost": "#D55E00", "defendant": "#CC79A7"},
}


def shape_keys(drawn: pd.DataFrame) -> pd.Series:
    """The page's key for each drawn shape: its layer and GEOID, as in ``counties:17031``."""
    return drawn["layer"] + ":" + drawn["geoid"]


def legend(dimension_key: str) -> list[tuple[str, str]]:
    """(colour, label) for each category of a dimension, in reading order."""
    dimension = status.DIMENSIONS[dimension_key]
    return [(PALETTES[dimension_key][c.key], c.label) for c in dimension.categories]


def base_map(drawn: pd.DataFrame, boundaries_url: str = BOUNDARIES_URL) -> folium.Map:
    """The map that stays mounted: no tiles, local Leaflet, shapes fetched by the browser.

    ``drawn`` has one row per shape of a jurisdiction with records: columns
    jurisdiction_id, name, layer, geoid.  Those shapes are clickable; every
    other shape is drawn faint for context.
    """
    m = folium.Map(location=[39.5, -96.5], zoom_start=4, tiles=None, min_zoom=3, max_bounds=False, control_scale=True)
    # folium's defaults come from CDNs; the app serves its own copy of Leaflet.
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    m.fit_bounds(CONTIGUOUS_US)
    m.get_root().header.add_child(Element("<style>.leaflet-container{background:#f4f6f8}</style>"))
    # In the order of ``drawn``: a restyle payload lists its categories in the same order.
    recorded = [list(row) for row in zip(shape_keys(drawn), drawn["jurisdiction_id"], drawn["name"])]
    _Boundaries({"url": boundaries_url, "recorded": recorded}).add_to(m)
    return m


def restyle_payload(current: pd.DataFrame, drawn: pd.DataFrame, dimension_key: str, selected: str | None, day: date | None = None) -> dict:
    """What one step sends: a category index per shape, the labels and colours of the categories.

    The indexes come in the order of ``drawn``, the order the base map was given its shapes in,
    so no shape key travels with a step.  The day rides along so that the page (and a test)
    can tell which day the colours are for.
    """
    dimension = status.DIMENSIONS[dimension_key]
    order = {c.key: i for i, c in enumerate(dimension.categories)}
    codes = drawn["jurisdiction_id"].map(current[dimension_key]).map(order)
    return {
        "dimension": dimension.label,
        "labels": [c.label for c in dimension.categories],
        "colours": [PALETTES[dimension_key][c.key] for c in dimension.categories],
        "category": codes.tolist(),
        "selected": selected,
        "day": day.isoformat() if day else None,
    }


def status_layer(payload: dict) -> folium.FeatureGroup:
    """The date-dependent layer, passed to st_folium's ``feature_group_to_add``."""
    group = folium.FeatureGroup(name="status", control=False)
    _Restyle(payload).add_to(group)
    return group


def _json_for_script(value) -> str:
    # Inside a <script>, "</script" or "<!--" would change how the page parses it; "\u003c" reads
    # the same to JavaScript, and "<" can only occur inside strings of JSON.
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Restyle(MacroElement):
    _template = Template(
        "{% macro script(this, kwargs) %}window.sanctuaryMap && window.sanctuaryMap.restyle({{ this.payload_json }});{% endmacro %}"
    )

    def __init__(self, payload: dict):
        super().__init__()
        self._name = "Restyle"
        self.payload_json = _json_for_script(payload)


class _Boundaries(MacroElement):
    _template = Template(
        "{% macro script(this, kwargs) %}"
        + """
(function (map, config) {
  var panes = {states: 405, context: 408, counties: 410, outlines: 415, cities: 420};
  Object.keys(panes).forEach(function (name) {
    map.createPane(name).style.zIndex = panes[name];
  });
  // Faint context is drawn above the state fills but must never catch a hover or a click.
  map.getPane("context").style.pointerEvents = "none";
  map.getPane("outlines").style.pointerEvents = "none";
  // Leaflet focuses the map on mousedown; inside Streamlit's scrolling page that focus scrolled the
  // map, so the release landed on another shape and the first click was lost. Focus without scrolling.
  if (map.keyboard) {
    map.keyboard.disable();
    map.keyboard._onMouseDown = function () {
      if (!this._focused) map.getContainer().focus({preventScroll: true});
    };
    map.keyboard.enable();
  }
  var sm = window.sanctuaryMap = {map: map, layers: {}, loaded: false, pending: null, clicks: 0};

  function tooltipNode(name, line) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = name;
    var detail = document.createElement("div");
    detail.textContent = line;
    box.appendChild(title);
    box.appendChild(detail);
    return box;
  }

  var recorded = {};
  config.recorded.forEach(function (row, order) { recorded[row[0]] = {order: order, id: row[1], name: row[2]}; });

  function track(layerName, feature, layer) {
    var key = layerName + ":" + feature.id;
    var record = recorded[key];
    if (!record) return;
    sm.layers[key] = {layer: layer, order: record.order, id: record.id, name: record.name};
    layer.bindTooltip(tooltipNode(record.name, ""), {sticky: true});
    layer.on("click", function () {
      sm.clicks += 1;
      // streamlit-folium sends this field back when the map's own click handler fires.
      window.__GLOBAL_DATA__.last_object_clicked_popup = record.id + "|" + sm.clicks;
    });
  }

  function isRecorded(layerName) {
    return function (feature) { return (layerName + ":" + feature.id) in recorded; };
  }
  function not(f) { return function (x) { return !f(x); }; }

  function draw(bundle) {
    // Thousands of faint context shapes: one canvas draws them far faster than as many SVG paths.
    var context = L.canvas({padding: 0.5, pane: "context"});
    L.geoJSON(bundle.states, {pane: "states", filter: isRecorded("states"),
      style: {weight: 1, color: "#555", fillOpacity: 0.6, className: "shape state"},
      onEachFeature: function (f, l) { track("states", f, l); }}).addTo(map);
    L.geoJSON(bundle.counties, {pane: "context", filter: not(isRecorded("counties")), interactive: false,
      renderer: context, style: {weight: 0.3, color: "#c8c8c8", fill: false}}).addTo(map);
    L.geoJSON(bundle.counties, {pane: "counties", filter: isRecorded("counties"),
      style: {weight: 0.6, color: "#555", fillOpacity: 0.8, className: "shape county"},
      onEachFeature: function (f, l) { track("counties", f, l); }}).addTo(map);
    L.geoJSON(bundle.states, {pane: "outlines", interactive: false, renderer: L.canvas({padding: 0.5, pane: "outlines"}),
      style: {weight: 0.9, color: "#8a8a8a", fill: false}}).addTo(map);
    L.geoJSON(bundle.cities, {filter: isRecorded("cities"),
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, {pane: "cities", radius: 6, weight: 1.2, color: "#222",
                                       fillOpacity: 0.95, className: "shape city"});
      },
      onEachFeature: function (f, l) { track("cities", f, l); }}).addTo(map);
    sm.loaded = true;
    map.getContainer().setAttribute("data-shapes", Object.keys(sm.layers).length);
    if (sm.pending) sm.restyle(sm.pending);
  }

  sm.restyle = function (payload) {
    if (!sm.loaded) { sm.pending = payload; return; }
    Object.keys(sm.layers).forEach(function (key) {
      var entry = sm.layers[key];
      var index = payload.category[entry.order];
      if (index === undefined || index === null) return;
      var selected = entry.id === payload.selected;
      // A step changes few shapes; touching only those keeps a replay with thousands of them smooth.
      var look = payload.dimension + "|" + index + "|" + selected;
      if (entry.look === look) return;
      entry.look = look;
      entry.layer.setStyle({fillColor: payload.colours[index],
                            color: selected ? "#000" : (entry.layer instanceof L.CircleMarker ? "#222" : "#555"),
                            weight: selected ? 3 : (entry.layer instanceof L.CircleMarker ? 1.2 : 0.6)});
      entry.layer.setTooltipContent(tooltipNode(entry.name, payload.dimension + ": " + payload.labels[index]));
      var path = entry.layer.getElement && entry.layer.getElement();
      if (path) {
        path.setAttribute("data-jurisdiction", entry.id);
        path.setAttribute("data-category", payload.labels[index]);
        if (selected) entry.layer.bringToFront();
      }
    });
    var box = map.getContainer();
    box.setAttribute("data-restyled", (Number(box.getAttribute("data-restyled")) || 0) + 1);
    if (payload.day) box.setAttribute("data-day", payload.day);
  };

  // Timings for the benchmark: when the fetch started, the shapes arrived, and were drawn.
  var timing = {start: performance.now()};
  fetch(config.url).then(function (r) { return r.json(); }).then(function (bundle) {
    timing.fetched = performance.now();
    draw(bundle);
    timing.drawn = performance.now();
    map.getContainer().setAttribute("data-timing", JSON.stringify(timing));
  });
})({{ this._parent.get_name() }}, {{ this.config_json }});
"""
        + "{% endmacro %}"
    )

    def __init__(self, config: dict):
        super().__init__()
        self._name = "Boundaries"
        self.config_json = _json_for_script(config)
