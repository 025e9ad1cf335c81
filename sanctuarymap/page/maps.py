"""The folium map: a base map that hands the page its data once, with the page's own scripts.

The map's code is real files, ``static/js/bridge.js`` and ``static/js/sanctuarymap.js`` (with
``static/css/sanctuarymap.css``), loaded like Leaflet. The page fetches the shapes
(``static/geodata/boundaries.json``) and every status change (the ``payload`` module's JSON, named by
its content hash) once, then paints any day itself: a step or a replay sends nothing to the server.
Each rerun passes only the view (``bridge.view_layer``): the day the server knows, the colouring and
the selection.
"""

from __future__ import annotations

import functools
import hashlib
import re
import urllib.parse
from pathlib import Path
from typing import Any

import branca.element
import folium

from sanctuarymap.page import bridge

STATIC = Path(__file__).resolve().parents[2] / "static"
# Where Streamlit serves static/ (its static file serving, enabled in .streamlit/config.toml).
STATIC_URL = "/app/static"
LEAFLET_JS = f"{STATIC_URL}/vendor/leaflet/leaflet.js"
LEAFLET_CSS = f"{STATIC_URL}/vendor/leaflet/leaflet.css"
BRIDGE_JS = f"{STATIC_URL}/js/bridge.js"
MAP_JS = f"{STATIC_URL}/js/sanctuarymap.js"
MAP_CSS = f"{STATIC_URL}/css/sanctuarymap.css"
# The shapes the page fetches, written by scripts/build_geodata.py (make geodata).
BOUNDARIES_FILE = "geodata/boundaries.json"
BOUNDARIES_URL = f"{STATIC_URL}/{BOUNDARIES_FILE}"
# Written at run time (git-ignored), beside the app's script: the changes payload, one file per content.
GENERATED_FOLDER = "static/generated"
GENERATED_URL = f"{STATIC_URL}/generated"
CONTIGUOUS_US = [[24.4, -125.0], [49.4, -66.9]]
# The map's name: its frame's title, its landmark's and its heading's (harness.browser finds it by it).
MAP_TITLE = "Map of sanctuary policies, 2017"


def _versioned(url: str) -> str:
    # A browser may keep a static file it was not told to revalidate; a new file gets a new address.
    path = STATIC / url.removeprefix(STATIC_URL + "/")
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

    Its script is one call, ``SanctuaryBridge.start(map, {boundaries, changes, home, title, report})``; it changes only when
    the changes do (their URL holds their content hash), and then the page starts afresh.

    One map per content, rendered once (``bridge.rendered_once``) and shared by every rerun of every session:
    st_folium renders the map it is given on every call, which was about a third of a settled day's CPU.
    """
    return _base_map(changes_url, boundaries_url, _mtime(BRIDGE_JS), _mtime(MAP_JS), _mtime(MAP_CSS))


def _mtime(url: str) -> int:
    return (STATIC / url.removeprefix(STATIC_URL + "/")).stat().st_mtime_ns


@functools.lru_cache(maxsize=8)
def _base_map(changes_url: str, boundaries_url: str, *_files_version: int) -> folium.Map:
    m = _Map(location=[39.5, -96.5], zoom_start=4, tiles=None, min_zoom=3, max_bounds=False)
    # folium's defaults come from CDNs; the app serves its own copy of Leaflet and its own scripts. The
    # bridge comes first and finds the data's URLs in its own address: it starts fetching them while the
    # page's script and Leaflet load (st_folium loads one script after the other).
    early = urllib.parse.urlencode({"boundaries": boundaries_url, "changes": changes_url})
    m.default_js = [
        ("sanctuarymap_bridge", f"{_versioned(BRIDGE_JS)}&{early}"),
        ("sanctuarymap", _versioned(MAP_JS)),
        ("leaflet", LEAFLET_JS),
    ]
    m.default_css = [("leaflet_css", LEAFLET_CSS), ("sanctuarymap_css", _versioned(MAP_CSS))]
    # The page fits the first view itself, to the room its legend and timeline leave (a phone's too).
    config = {"boundaries": boundaries_url, "changes": changes_url, "home": CONTIGUOUS_US, "title": MAP_TITLE}
    bridge.start_element(config).add_to(m)
    return bridge.rendered_once(m)
