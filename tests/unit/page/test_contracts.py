"""Contracts with other libraries' internals: each one the bridge (and budget) uses, pinned to its version.

``sanctuarymap/page/bridge.py`` and ``static/js/bridge.js`` lean on internals of streamlit-folium, Leaflet,
branca and Streamlit (docs/architecture.md, "The bridge"). An upgrade fails here first, with a message
that names the library, the version the code was written against and the one found, or the internal
that is gone: check that internal in the new version, adapt the bridge, then update
``bridge.EXPECTED_VERSIONS``.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import re
from pathlib import Path

import branca.element
import jinja2
import pytest
import streamlit_folium
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.app_session import AppSession

from harness.browser import ROOT
from sanctuarymap.page import bridge

LEAFLET = ROOT / "static" / "vendor" / "leaflet" / "leaflet.js"


def installed(library: str) -> str:
    """The version of ``library`` in use: the installed distribution's, or the vendored Leaflet's header."""
    if library == "leaflet":
        found = re.search(r"Leaflet (\d+\.\d+\.\d+)", LEAFLET.read_text(encoding="utf-8")[:300])
        return found.group(1) if found else "unknown (no version in static/vendor/leaflet/leaflet.js)"
    return importlib.metadata.version(library)


def pinned(library: str, internal: str) -> str:
    """The message of a broken contract: what the bridge expected of which version, and what it found."""
    return (
        f"{library} {installed(library)} (the bridge was written against {bridge.EXPECTED_VERSIONS[library]}): "
        f"{internal}. Check sanctuarymap/page/bridge.py and static/js/bridge.js against it, then bridge.EXPECTED_VERSIONS."
    )


@pytest.mark.parametrize("library", sorted(bridge.EXPECTED_VERSIONS))
def test_each_library_is_the_version_the_bridge_was_written_against(library):
    assert installed(library) == bridge.EXPECTED_VERSIONS[library], pinned(library, "another version than the one pinned")


def _streamlit_folium_page() -> str:
    built = Path(streamlit_folium.__file__).parent / "frontend" / "build" / "static" / "js"
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(built.glob("main.*.js")))


@pytest.mark.parametrize(
    ("pattern", "internal"),
    [
        (r"window\.__GLOBAL_DATA__", "its page keeps its state in window.__GLOBAL_DATA__"),
        (r"window\.Streamlit=", "its page exposes window.Streamlit"),
        # Its debounced update sends the returned fields only when they differ from previous_data: the
        # bridge sets previous_data to what it sent, so the update does not send the report again.
        (r"JSON\.stringify\(\w+\)!==JSON\.stringify\(\w+\)&&\(\w+\.previous_data=\w+", "it sends only what differs from previous_data"),
        (r"last_object_clicked_popup:\w+\.last_object_clicked_popup", "it returns the last_object_clicked_popup field"),
        (r"returned_objects\.includes", "it returns only the fields in returned_objects"),
    ],
    ids=["__GLOBAL_DATA__", "window.Streamlit", "previous_data", "last_object_clicked_popup", "returned_objects"],
)
def test_streamlit_folium_s_page_has_what_the_bridge_writes_into(pattern, internal):
    assert re.search(pattern, _streamlit_folium_page()), pinned("streamlit-folium", f"its frontend no longer shows that {internal}")


def test_st_folium_takes_the_arguments_and_names_the_map_as_the_bridge_expects():
    parameters = inspect.signature(streamlit_folium.st_folium).parameters
    for name in ["fig", "key", "feature_group_to_add", "returned_objects", "center", "zoom", "height", "use_container_width"]:
        assert name in parameters, pinned("streamlit-folium", f"st_folium has no argument {name!r}")
    # bridge.rendered_once gives the map the id st_folium's scripts call it by.
    source = inspect.getsource(streamlit_folium)
    assert 'header.replace(map_id, "map_div")' in source, pinned("streamlit-folium", "it no longer names the map map_div")
    for part in ["get_root().header.render()", "get_root().html.render()", "folium_map.get_root().render()"]:
        assert part in source, pinned("streamlit-folium", f"st_folium no longer calls {part}, which bridge.rendered_once answers")


def test_leaflet_s_keyboard_handler_focuses_on_mousedown_as_the_bridge_replaces():
    source = LEAFLET.read_text(encoding="utf-8")
    # The handler's listeners are bound on enable(): the bridge disables it, swaps _onMouseDown, enables it.
    assert "mousedown:this._onMouseDown" in source, pinned("leaflet", "the keyboard handler no longer listens with _onMouseDown")
    assert re.search(r"_onMouseDown:function\(\)\{var \w+,\w+,\w+;this\._focused\|\|", source), pinned(
        "leaflet", "the keyboard handler's _onMouseDown no longer checks _focused"
    )
    assert "_onFocus:function(){this._focused=!0" in source, pinned("leaflet", "the keyboard handler no longer sets _focused")


def test_branca_compiles_an_element_s_template_with_the_name_the_bridge_swaps():
    assert branca.element.Template is jinja2.Template, pinned("branca", "branca.element.Template is not jinja2.Template")
    source = inspect.getsource(branca.element.Element.__init__)
    assert "self._template = Template(template)" in source, pinned("branca", "Element no longer compiles its template with Template")


def test_streamlit_s_session_takes_each_client_message_as_route_reruns_wraps_it():
    handler = getattr(AppSession, "handle_backmsg", None)
    assert handler is not None, pinned("streamlit", "AppSession has no handle_backmsg")
    assert list(inspect.signature(handler).parameters) == ["self", "msg"], pinned(
        "streamlit", f"AppSession.handle_backmsg takes {inspect.signature(handler)}, not (self, msg)"
    )
    kinds = [field.name for field in BackMsg.DESCRIPTOR.oneofs_by_name["type"].fields]
    assert "rerun_script" in kinds, pinned("streamlit", "a BackMsg's type has no rerun_script")
