"""Folium objects for the map: a base map that hands the page its data once, and a small view layer.

The map's code is a real file, ``static/js/sanctuarymap.js`` (with ``static/css/sanctuarymap.css``),
loaded like Leaflet. The page fetches the shapes (``static/geodata/boundaries.json``) and every status
change (the ``payload`` module's JSON, named by its content hash) once, then paints any day itself: a
step or a replay sends nothing to the server. Each rerun passes only the view: the day the server
knows, the colouring and the selection.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import urllib.parse
from datetime import date
from pathlib import Path
from typing import Any

import branca.element
import folium
import jinja2
from branca.element import MacroElement
from jinja2 import Template

STATIC = Path(__file__).resolve().parents[2] / "static"
LEAFLET_JS = "/app/static/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/vendor/leaflet/leaflet.css"
MAP_JS = "/app/static/js/sanctuarymap.js"
MAP_CSS = "/app/static/css/sanctuarymap.css"
# The shapes the page fetches, written by scripts/build_geodata.py (make geodata).
BOUNDARIES_FILE = "geodata/boundaries.json"
BOUNDARIES_URL = f"/app/static/{BOUNDARIES_FILE}"
# Written at run time (git-ignored), beside the app's script: the changes payload, one file per content.
GENERATED_FOLDER = "static/generated"
GENERATED_URL = "/app/static/generated"
CONTIGUOUS_US = [[24.4, -125.0], [49.4, -66.9]]
# The map's name: its frame's title, its landmark's and its heading's (harness.browser finds it by it).
MAP_TITLE = "Map of sanctuary policies, 2017"

# branca hands each snippet a map renders (a script, a link) to a new Element, which compiles it as a
# Jinja template: st_folium renders the map several times a run, so half its time went to compiling
# the same strings again. They are compiled once; a new view's snippet is a new entry.
branca.element.Template = functools.lru_cache(maxsize=256)(jinja2.Template)  # type: ignore[assignment,attr-defined]


def _versioned(url: str) -> str:
    # A browser may keep a static file it was not told to revalidate; a new file gets a new address.
    path = STATIC / url.removeprefix("/app/static/")
    return f"{url}?v={_digest(path, path.stat().st_mtime_ns)}"


@functools.lru_cache(maxsize=16)
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


# folium's page header forbids pinch-zoom (maximum-scale=1.0, user-scalable=no): readers who need it keep it.
_NO_ZOOM = re.compile(r'<meta name="viewport"[^>]*user-scalable=no[^>]*>')
_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1" />'


class _Map(folium.Map):
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # folium's Map.render returns nothing
        super().render(**kwargs)  # type: ignore[no-untyped-call]  # folium's render has no annotations
        header: branca.element.Element = getattr(self.get_root(), "header")  # noqa: B009  (a Figure's, untyped)
        own = header._children.get(self.get_name())
        if own is not None:
            header._children[self.get_name()] = branca.element.Element(_NO_ZOOM.sub(_VIEWPORT, own.render()))


def base_map(changes_url: str, boundaries_url: str = BOUNDARIES_URL) -> folium.Map:
    """The map that stays mounted: no tiles, local Leaflet, shapes and changes fetched by the page.

    Its script is one call, ``SanctuaryMap.start(map, {boundaries, changes, home, title})``; it changes only when
    the changes do (their URL holds their content hash), and then the page starts afresh.

    One map per content, rendered once (``_rendered_once``) and shared by every rerun of every session:
    st_folium renders the map it is given on every call, which was about a third of a settled day's CPU.
    """
    return _base_map(changes_url, boundaries_url, _mtime(MAP_JS), _mtime(MAP_CSS))


def _mtime(url: str) -> int:
    return (STATIC / url.removeprefix("/app/static/")).stat().st_mtime_ns


@functools.lru_cache(maxsize=8)
def _base_map(changes_url: str, boundaries_url: str, *_files_version: int) -> folium.Map:
    m = _Map(location=[39.5, -96.5], zoom_start=4, tiles=None, min_zoom=3, max_bounds=False)
    # folium's defaults come from CDNs; the app serves its own copy of Leaflet and its own script. The
    # script comes first and finds the data's URLs in its own address: it starts fetching them while
    # Leaflet loads (st_folium loads one script after the other).
    early = urllib.parse.urlencode({"boundaries": boundaries_url, "changes": changes_url})
    m.default_js = [("sanctuarymap", f"{_versioned(MAP_JS)}&{early}"), ("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS), ("sanctuarymap_css", _versioned(MAP_CSS))]
    # The page fits the first view itself, to the room its legend and timeline leave (a phone's too).
    _Start({"boundaries": boundaries_url, "changes": changes_url, "home": CONTIGUOUS_US, "title": MAP_TITLE}).add_to(m)
    return _rendered_once(m)


def _rendered_once(m: folium.Map) -> folium.Map:
    """``m``, rendered now, and from then on handing out what it rendered: st_folium calls the figure's,
    the header's and the body's ``render`` on every run, and adds the run's view layer to the map (a
    child it renders, then forgets). The map is shared by concurrent sessions, so nothing of it changes
    after this: the view layer is only told its parent, and the figure keeps no child a run adds."""
    # st_folium names the map "map_div" in the scripts it generates, by setting its id, after it has
    # rendered the header with the map's own id: with the id set first, every render says the same.
    m._id = "div"
    figure = m.get_root()
    assert isinstance(figure, branca.element.Figure)  # folium.Map puts itself in one
    figure.render()
    for part in (figure, figure.header, figure.html, figure.script):
        text = part.render()
        part.render = functools.partial(_same, text)  # type: ignore[method-assign]
        part.add_child = functools.partial(_kept_out, part)  # type: ignore[method-assign]
    m.render = functools.partial(_same, "")  # type: ignore[method-assign]  # its links and scripts are in the figure
    m.add_child = functools.partial(_adopted, m)  # type: ignore[method-assign]
    return m


def _same(text: str, *_args: object, **_kwargs: object) -> str:
    return text


def _kept_out(parent: branca.element.Element, *_args: object, **_kwargs: object) -> branca.element.Element:
    return parent


def _adopted(parent: folium.Map, child: branca.element.Element, *_args: object, **_kwargs: object) -> folium.Map:
    child._parent = parent
    return parent


def view(day: date, day_set: int, dimension_key: str, selected: str | None) -> dict[str, Any]:
    """What a rerun tells the page: the colouring, the selection, and the day the server holds.

    ``day_set`` counts the times the server itself set the day (from the URL): the page moves to
    ``day`` only when it grows, so a rerun started by a day the page reported never moves the page
    back while the reader has gone on scrubbing.
    """
    return {"day": day.isoformat(), "daySet": day_set, "colour": dimension_key, "selected": selected}


def view_layer(current_view: dict[str, Any]) -> folium.FeatureGroup:
    """The per-rerun layer, passed to st_folium's ``feature_group_to_add``: one call, a few bytes."""
    group = folium.FeatureGroup(name="view", control=False)
    _Show(current_view).add_to(group)
    return group


def _json_for_script(value: object) -> str:
    # Inside a <script>, "</script" or "<!--" would change how the page parses it; "\u003c" reads
    # the same to JavaScript, and "<" can only occur inside strings of JSON.
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Start(MacroElement):
    _template = Template(
        "{% macro script(this, kwargs) %}SanctuaryMap.start({{ this._parent.get_name() }}, {{ this.config_json }});{% endmacro %}"
    )

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's __init__ has no return annotation
        self._name = "Start"
        self.config_json = _json_for_script(config)


class _Show(MacroElement):
    _template = Template("{% macro script(this, kwargs) %}window.SanctuaryMap && SanctuaryMap.show({{ this.view_json }});{% endmacro %}")

    def __init__(self, current_view: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's __init__ has no return annotation
        self._name = "Show"
        self.view_json = _json_for_script(current_view)
