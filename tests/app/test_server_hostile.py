"""The running server over Streamlit's websocket protocol (bench/streamlit_protocol.py), as a hostile client
speaks it: a map report of any shape, sent as the map component's value, is ignored and the page stays
whole; an unexpected exception shows the viewer a short message and no server path."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from harness.browser import ROOT, AppServer

pytestmark = pytest.mark.slow


def protocol_module():
    # bench/ is not a package: load its module by path (as tests/load/test_locust.py does).
    spec = importlib.util.spec_from_file_location("streamlit_protocol", ROOT / "bench" / "streamlit_protocol.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["streamlit_protocol"] = module
    spec.loader.exec_module(module)
    return module


def run_collecting(run, states: list[WidgetState] = (), fragment_id: str = "", query_string: str | None = None) -> tuple[int, list]:
    """One run, as ``StreamlitRun.rerun`` asks for it; how it finished and every element it drew, exceptions included."""
    protocol = sys.modules["streamlit_protocol"]
    message = protocol.BackMsg()
    message.rerun_script.query_string = run.query_string if query_string is None else query_string
    message.rerun_script.widget_states.widgets.extend(states)
    message.rerun_script.fragment_id = fragment_id
    run.socket.send_binary(message.SerializeToString())
    elements = []
    while True:
        forward = ForwardMsg()
        forward.ParseFromString(run.socket.recv())
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            elements.append(forward.delta.new_element)
        elif kind == "page_info_changed":
            run.query_string = forward.page_info_changed.query_string
        elif kind == "script_finished" and forward.script_finished in protocol.DONE:
            return forward.script_finished, elements


def test_a_map_report_of_any_shape_over_the_websocket_leaves_the_page_whole(tmp_path):
    # Before: AttributeError: 'int' object has no attribute 'get' (view.py) for each; the map gone until a reload.
    protocol = protocol_module()
    server = AppServer(ROOT, tmp_path / "streamlit.log")
    try:
        run = protocol.StreamlitRun(protocol.stream_url(server.url))
        _, elements = run_collecting(run, query_string="day=2017-03-01")
        the_map = protocol.find_widget(elements, protocol.MAP)
        outcomes = []
        for value in ["12345", '"hello"', "[1,2,3]", '"' + "x" * 2**20 + '"', '{"last_object_clicked_popup": 5}', "null"]:
            state = WidgetState(id=the_map.component_instance.id, json_value=value)
            finished, elements = run_collecting(run, [state], run.fragment_of(the_map))
            exceptions = [e.exception.message for e in elements if e.WhichOneof("type") == "exception"]
            outcomes.append((value[:20], finished != protocol.ForwardMsg.FINISHED_WITH_COMPILE_ERROR, exceptions))
        # A sound report after them all is heard: the day moves.
        finished, elements = run_collecting(run, [protocol.widget_state(the_map, date(2017, 8, 22))], run.fragment_of(the_map))
        run.close()
    finally:
        server.stop()
    assert all(ok and not exceptions for _, ok, exceptions in outcomes), outcomes
    assert any(">On 22 August 2017</h2>" in e.markdown.body for e in elements if e.WhichOneof("type") == "markdown")
    log = server.log.read_text()
    assert log.count("ignored a map report that is not of the expected shape") == 1  # logged once per session


def test_an_unexpected_exception_shows_no_server_path_and_the_log_has_it(tmp_path):
    # Before: Streamlit's traceback showed the viewer the server's absolute paths.
    site = tmp_path / "failing"
    site.mkdir()
    (site / "app.py").write_text(f"raise RuntimeError(f'could not read {{__file__}} in {ROOT}')\n", encoding="utf-8")
    (site / ".streamlit").symlink_to(ROOT / ".streamlit")  # the project's settings
    protocol = protocol_module()
    server = AppServer(site, tmp_path / "streamlit.log")
    try:
        run = protocol.StreamlitRun(protocol.stream_url(server.url))
        _, elements = run_collecting(run)
        run.close()
    finally:
        server.stop()
    (shown,) = [e.exception for e in elements if e.WhichOneof("type") == "exception"]
    seen = " ".join([shown.type, shown.message, *shown.stack_trace])
    assert "/" not in seen and str(tmp_path) not in seen and str(ROOT) not in seen, seen
    assert not shown.stack_trace
    log = server.log.read_text()
    assert f"could not read {tmp_path}" in log and "Traceback" in log  # the details are in the server's log
