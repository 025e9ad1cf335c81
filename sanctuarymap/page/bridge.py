"""The one channel between the server and the map page, and the one home of other libraries' internals.

What crosses, and nothing else:

- **server → page**: once per map, ``SanctuaryBridge.start(map, config)`` (the data's URLs, the first
  view's bounds, the title, the report schema); on every rerun, ``SanctuaryBridge.show(view)``
  (``view``: the day the server holds, the colouring, the selection, the tools' extras).
- **page → server**: a ``Report``, ``{"page": id, "seq": n, "day": "2017-08-22", "click": id or null}``,
  sent when the first day is painted, when a day settles, and on a click. ``static/js/bridge.js`` checks
  it against ``REPORT_SCHEMA`` (generated from ``Report``) before sending; ``received`` validates it here.

streamlit-folium has no channel for a page's own messages: the report rides in st_folium's
``last_object_clicked_popup`` field (no shape has a popup, so the field is free), written into its
``window.__GLOBAL_DATA__`` and sent with ``window.Streamlit.setComponentValue``. Those, the way st_folium
renders a map (``rendered_once``), branca's ``Template`` (``compiled_templates``), Streamlit's session
(``route_reruns``, for ``budget``) and Leaflet's keyboard handler (``bridge.js``) are other libraries'
internals: they are used here and in ``bridge.js`` only, and ``tests/unit/page/test_contracts.py`` pins
each one to the version it was written against (``EXPECTED_VERSIONS``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import branca.element
import folium
import jinja2
from branca.element import MacroElement
from jinja2 import Template
from pydantic import BaseModel, ConfigDict, Field, ValidationError

# The versions whose internals this module and static/js/bridge.js use (tests/unit/page/test_contracts.py checks them).
EXPECTED_VERSIONS = {"streamlit-folium": "0.27.4", "streamlit": "1.67.0", "branca": "0.8.2", "leaflet": "1.9.3"}
# st_folium's field that carries the page's reports, and the session-state key its value is kept under.
CHANNEL = "last_object_clicked_popup"
KEY = "map"
MAX_REPORT = 1_000  # characters of the map page's report
# A day as the URL and the map page write it: ASCII digits only, so "２０１７" or "²" is no day.
_ASCII_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _MapState(BaseModel):
    """The part of st_folium's value the app reads: the page's report, a string of bounded length."""

    model_config = ConfigDict(extra="ignore", strict=True)

    last_object_clicked_popup: str | None = Field(default=None, max_length=MAX_REPORT)


class Report(BaseModel):
    """The map page's report: the typed schema both ends check (``REPORT_SCHEMA``, ``static/js/bridge.js``)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    page: str = Field(min_length=1, max_length=100, description="the page's id: a new page counts its reports afresh")
    seq: int = Field(ge=0, le=2**53, description="the page's count of reports: each is applied once")
    day: str = Field(pattern=f"^{_ASCII_DAY.pattern}$", max_length=10, description="the day the map shows (YYYY-MM-DD)")
    click: str | None = Field(default=None, max_length=200, description="the place clicked, or null")


# What the page is handed with start(): the JSON Schema its outgoing reports are checked against.
REPORT_SCHEMA: dict[str, Any] = Report.model_json_schema()


@dataclass(frozen=True)
class PageReport:
    """What the map page sent: the day it settled on, and the place clicked, if the report is a click."""

    key: tuple[str, int]  # (the page's id, its report count): a report is applied once
    day: date
    click: str | None


@dataclass(frozen=True)
class Refused:
    """A value that came over the channel and is not a report: it is ignored (and logged by the caller)."""

    value: object


def ascii_day(value: object, first: date, last: date) -> date | None:
    """The day ``value`` writes as YYYY-MM-DD in ASCII digits, if it is a real day from ``first`` to ``last``; else None."""
    if not isinstance(value, str) or not _ASCII_DAY.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if first <= day <= last else None


def page_report(value: object, first: date, last: date) -> PageReport | None:
    """The map page's report, read from the text the page wrote into st_folium's ``CHANNEL`` field.

    Anything but a ``Report``, or a day outside ``first``..``last``, is None: the value comes from the
    browser and is not trusted.
    """
    if not isinstance(value, str) or len(value) > MAX_REPORT:
        return None
    try:
        fields = Report.model_validate_json(value)
    except ValidationError:
        return None
    day = ascii_day(fields.day, first, last)
    if day is None:
        return None
    return PageReport(key=(fields.page, fields.seq), day=day, click=fields.click)


def received(value: object, first: date, last: date) -> PageReport | Refused | None:
    """What st_folium's value (``session[KEY]``) carries: the page's report, nothing (None), or a ``Refused`` value.

    Anything but the shape ``_MapState`` and ``Report`` describe (a number, a list, a megabyte of text
    sent with ``Streamlit.setComponentValue`` or over the websocket) is refused.
    """
    try:
        text = _MapState.model_validate({} if value is None else value).last_object_clicked_popup
    except ValidationError:
        return Refused(value)
    if text is None:
        return None
    report = page_report(text, first, last)
    return Refused(text) if report is None else report


def map_arguments(base: folium.Map, current_view: dict[str, Any]) -> dict[str, Any]:
    """st_folium's arguments for the channel: the shared base map, this run's view, the report's field."""
    return {"fig": base, "key": KEY, "feature_group_to_add": view_layer(current_view), "returned_objects": [CHANNEL]}


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
    _Call("show", current_view, with_map=False, guard="window.SanctuaryBridge && ").add_to(group)
    return group


def start_element(config: dict[str, Any]) -> MacroElement:
    """The map's one inline call, ``SanctuaryBridge.start(map, config)``; ``config`` gains the report schema."""
    return _Call("start", config | {"report": REPORT_SCHEMA}, with_map=True)


def _json_for_script(value: object) -> str:
    # Inside a <script>, "</script" or "<!--" would change how the page parses it; "\u003c" reads
    # the same to JavaScript, and "<" can only occur inside strings of JSON.
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Call(MacroElement):
    """One inline call into the page's bridge with its argument as JSON: ``SanctuaryBridge.start(map, config)``
    (the map is the element this is added to) or ``SanctuaryBridge.show(view)`` (guarded: the map page may not
    have loaded the bridge yet)."""

    _template = Template(
        "{% macro script(this, kwargs) %}{{ this.guard }}SanctuaryBridge.{{ this.method }}("
        "{% if this.with_map %}{{ this._parent.get_name() }}, {% endif %}{{ this.argument_json }});{% endmacro %}"
    )

    def __init__(self, method: str, argument: dict[str, Any], *, with_map: bool, guard: str = "") -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's __init__ has no return annotation
        self._name = method.capitalize()
        self.method, self.with_map, self.guard = method, with_map, guard
        self.argument_json = _json_for_script(argument)


# --- Streamlit's session: the reruns a client asks for.

_ROUTED = "_sanctuarymap_routed"


def route_reruns(session_class: type, route: Callable[[Any, Any, Callable[[Any, Any], None]], None]) -> None:
    """Hand every rerun a client asks of a ``session_class`` (Streamlit's ``AppSession``) to ``route(session,
    message, run)``, where ``run(session, message)`` is Streamlit's own handling, now or later; every other
    message goes straight through. Streamlit calls ``handle_backmsg`` on its event loop for every message a
    client sends; a ``BackMsg`` whose type is ``rerun_script`` asks for a rerun. Routing twice changes nothing."""
    original = session_class.handle_backmsg  # type: ignore[attr-defined]
    if getattr(original, _ROUTED, False):
        return

    @functools.wraps(original)
    def handle_backmsg(session: Any, message: Any) -> None:
        if message.WhichOneof("type") == "rerun_script":
            route(session, message, original)
        else:
            original(session, message)

    setattr(handle_backmsg, _ROUTED, True)
    session_class.handle_backmsg = handle_backmsg  # type: ignore[attr-defined]


# --- st_folium's rendering, and branca's templates.


def rendered_once(m: folium.Map) -> folium.Map:
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


# branca hands each snippet a map renders (a script, a link) to a new Element, which compiles it as a
# Jinja template: st_folium renders the map several times a run, so half its time went to compiling
# the same strings again. Inside ``compiled_templates`` they are compiled once; a new view's snippet
# is a new entry. Outside it, branca is as it came.
_cached_template = functools.lru_cache(maxsize=256)(jinja2.Template)
_templates_lock = threading.Lock()
_templates_users = 0


@contextlib.contextmanager
def compiled_templates() -> Iterator[None]:
    """Within: branca compiles each template string once. Sessions run in threads, so the swap is
    counted: branca gets its own ``Template`` back when the last run inside has left."""
    global _templates_users
    with _templates_lock:
        _templates_users += 1
        branca.element.Template = _cached_template  # type: ignore[assignment,attr-defined]
    try:
        yield
    finally:
        with _templates_lock:
            _templates_users -= 1
            if _templates_users == 0:
                branca.element.Template = jinja2.Template  # type: ignore[attr-defined]
