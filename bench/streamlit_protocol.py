"""Streamlit's websocket protocol, spoken without a browser: what a Locust viewer (bench/locustfile.py)
and the tests use to run the app as a browser would.

A session opens ``/_stcore/stream`` (subprotocol ``streamlit``), asks for runs with ``BackMsg``s and reads
the ``ForwardMsg``s that follow until ``script_finished``. The messages are the protobuf classes shipped
inside the ``streamlit`` package, so the protocol is the installed Streamlit's, whatever its version.
No Locust here (importing it patches the process with gevent).
"""

from __future__ import annotations

import itertools
import json
import os
from datetime import date

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from harness.browser import MAP_COMPONENT

# ``find_widget``'s name for the map component, through whose value the page reports its day and clicks.
MAP = f"component:{MAP_COMPONENT}"
# Places of the shipped records a viewer clicks, in turn (bench/locustfile.py; capacity.py's serial probe).
PLACES = ["il-chicago", "ca-los-angeles", "ca-san-francisco", "ny-new-york", "tx-austin", "ca", "tx", "or"]
TIMEOUT = 60  # s to wait for one run to finish before the step counts as failed
EPOCH = date(1970, 1, 1)
# The script_finished statuses that end a run the viewer asked for (not one cut short by a newer rerun).
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


# Reports are applied once per (page, count), as bridge.page_report reads them: each gets its own count.
_REPORTS = itertools.count(1)
PAGE_ID = f"locust-{os.getpid()}"


def stream_url(http_url: str) -> str:
    """The websocket address of the app served at ``http_url``."""
    return http_url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"


def component_value(day: date, click: str | None = None) -> str:
    """The map component's value when the page's day settles on ``day``, or when a place is clicked on
    that day (see ``bridge.page_report``)."""
    report = {"page": PAGE_ID, "seq": next(_REPORTS), "day": day.isoformat(), "click": click}
    return json.dumps({"last_object_clicked_popup": json.dumps(report)})


def find_widget(elements: list, name: str):
    """The element ``name`` designates (see the module's docstring), or None."""
    for element in elements:
        kind = element.WhichOneof("type")
        if name.startswith("component:"):
            if kind == "component_instance" and element.component_instance.component_name == name.removeprefix("component:"):
                return element
        elif _element_id(element).endswith(f"-{name}"):
            return element
    return None


def _element_id(element) -> str:
    kind = element.WhichOneof("type")
    return str(getattr(getattr(element, kind), "id", "")) if kind else ""


def widget_state(element, day: date, click: str | None = None) -> WidgetState:
    """The widget state that sets ``element`` to ``day``."""
    kind = element.WhichOneof("type")
    if kind == "slider":
        state = WidgetState(id=element.slider.id)
        state.double_array_value.data.append((day - EPOCH).days * 86_400_000_000)
    elif kind == "date_input":
        state = WidgetState(id=element.date_input.id)
        state.string_array_value.data.append(day.isoformat())
    elif kind == "component_instance":
        state = WidgetState(id=element.component_instance.id, json_value=component_value(day, click))
    else:
        raise ValueError(f"the day widget is a {kind}: bench/locustfile.py does not know how to set one")
    return state


class StreamlitRun:
    """One websocket session with the app: runs it and reads what it sends back."""

    def __init__(self, url: str):
        self.socket = websocket.create_connection(url, subprotocols=["streamlit"], timeout=TIMEOUT)
        self.query_string = ""
        self.cached: dict[str, ForwardMsg] = {}  # large messages already received, by hash
        self.fragments: dict[str, str] = {}  # the fragment each widget was drawn in, by widget id
        self.finished: int | None = None  # how the last run ended (a ForwardMsg.ScriptFinishedStatus)

    def fragment_of(self, element) -> str:
        """The fragment ``element`` was drawn in ("" for the script's body): a browser names it when the
        widget changes, and the server then reruns only that fragment."""
        return self.fragments.get(_element_id(element), "")

    def rerun(self, query_string: str | None = None, states: list[WidgetState] = (), fragment_id: str = "") -> tuple[list, int]:
        """Ask for a run (of one fragment, if named); return the elements it drew and the bytes received,
        once it has finished."""
        message = BackMsg()
        message.rerun_script.query_string = self.query_string if query_string is None else query_string
        message.rerun_script.page_script_hash = ""
        message.rerun_script.widget_states.widgets.extend(states)
        message.rerun_script.cached_message_hashes.extend(self.cached)
        message.rerun_script.fragment_id = fragment_id
        self.socket.send_binary(message.SerializeToString())
        elements, received = [], 0
        while True:
            data = self.socket.recv()
            received += len(data)
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if kind == "ref_hash":
                forward = self.cached.get(forward.ref_hash, forward)
                kind = forward.WhichOneof("type")
            elif forward.metadata.cacheable:
                self.cached[forward.hash] = forward
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                if element.WhichOneof("type") == "exception":
                    raise RuntimeError(f"the page shows an exception: {element.exception.message[:200]}")
                elements.append(element)
                if _element_id(element):
                    self.fragments[_element_id(element)] = forward.delta.fragment_id
            elif kind == "page_info_changed":
                self.query_string = forward.page_info_changed.query_string
            elif kind == "script_finished" and forward.script_finished in DONE:
                self.finished = forward.script_finished
                return elements, received

    def close(self) -> None:
        self.socket.close()
