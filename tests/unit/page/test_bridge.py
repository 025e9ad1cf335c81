"""bridge: the page's reports read and refused, the schema both ends check, and branca's templates scoped."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from datetime import date

import branca.element
import jinja2
import pytest
from pydantic import ValidationError

from harness.browser import ROOT
from sanctuarymap.page import bridge, maps

NODE = shutil.which("node")
FIRST, LAST = date(2017, 1, 1), date(2017, 12, 31)
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed (make test installs it)")


def _report(**fields) -> str:
    return json.dumps({"page": "p1", "seq": 1, "day": "2017-08-22", "click": None, **fields})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # a settled day
        (_report(), bridge.PageReport(("p1", 1), date(2017, 8, 22), None)),
        # a click, on the day shown
        (_report(seq=4, click="ca"), bridge.PageReport(("p1", 4), date(2017, 8, 22), "ca")),
        # outside the year, not a day, no page id, a count that is not a number
        (_report(day="2018-01-01"), None),
        (_report(day="<script>"), None),
        (_report(day="2017-02-30"), None),
        (json.dumps({"seq": 1, "day": "2017-08-22"}), None),
        (_report(seq="1"), None),
        # not JSON, not an object, not a string, far too long
        ("il-chicago|3", None),
        ("[1, 2]", None),
        (7, None),
        (None, None),
        (_report(click="x" * 2000), None),
    ],
)
def test_a_page_report_is_read_only_when_well_formed_and_in_the_year(value, expected):
    assert bridge.page_report(value, FIRST, LAST) == expected


def test_what_st_folium_hands_over_is_a_report_nothing_or_refused():
    assert bridge.received({bridge.CHANNEL: _report(seq=2)}, FIRST, LAST) == bridge.PageReport(("p1", 2), date(2017, 8, 22), None)
    assert bridge.received(None, FIRST, LAST) is None  # the page has not reported yet
    assert bridge.received({bridge.CHANNEL: None, "zoom": 4}, FIRST, LAST) is None
    for value in [12345, "hello", [1, 2, 3], {bridge.CHANNEL: 5}, {bridge.CHANNEL: "x" * (bridge.MAX_REPORT + 1)}]:
        assert bridge.received(value, FIRST, LAST) == bridge.Refused(value)
    assert bridge.received({bridge.CHANNEL: "[1]"}, FIRST, LAST) == bridge.Refused("[1]")


def test_the_page_is_handed_the_report_schema_of_the_model_the_server_validates_with():
    html = maps.base_map("/app/static/generated/changes-0123456789abcdef.json").get_root().render()
    start = html.index("SanctuaryBridge.start(")
    config, _ = json.JSONDecoder().raw_decode(html, html.index("{", start))
    assert config["report"] == bridge.Report.model_json_schema() == bridge.REPORT_SCHEMA
    assert set(config["report"]["properties"]) == set(bridge.Report.model_fields)


# Reports the page might send, and broken ones: the bridge's checker and pydantic must judge them alike.
CANDIDATES = [
    {"page": "p1", "seq": 1, "day": "2017-08-22", "click": None},
    {"page": "p1", "seq": 0, "day": "2017-08-22", "click": "ca-los-angeles"},
    {"page": "p1", "seq": 2**53, "day": "2017-08-22"},
    {"page": "p" * 100, "seq": 1, "day": "2017-08-22", "click": "é" * 200},
    {"page": "p" * 101, "seq": 1, "day": "2017-08-22"},
    {"page": "", "seq": 1, "day": "2017-08-22"},
    {"page": "p1", "seq": -1, "day": "2017-08-22"},
    {"page": "p1", "seq": 2**53 + 2, "day": "2017-08-22"},
    {"page": "p1", "seq": 1.5, "day": "2017-08-22"},
    {"page": "p1", "seq": "1", "day": "2017-08-22"},
    {"page": "p1", "seq": True, "day": "2017-08-22"},
    {"page": "p1", "seq": 1, "day": "22/08/2017"},
    {"page": "p1", "seq": 1, "day": "2017-08-222"},
    {"page": "p1", "seq": 1, "day": "２０１７-０８-２２"},
    {"page": "p1", "seq": 1, "day": 20170822},
    {"page": "p1", "seq": 1, "day": "2017-08-22", "click": "x" * 201},
    {"page": "p1", "seq": 1, "day": "2017-08-22", "click": ["ca"]},
    {"page": "p1", "seq": 1},
    {"seq": 1, "day": "2017-08-22"},
    {"page": 7, "seq": 1, "day": "2017-08-22"},
]


def _pydantic_accepts(report: dict) -> bool:
    try:
        bridge.Report.model_validate_json(json.dumps(report))
    except ValidationError:
        return False
    return True


@needs_node
def test_the_page_s_check_of_a_report_agrees_with_the_server_s():
    stdin = json.dumps({"schema": bridge.REPORT_SCHEMA, "reports": CANDIDATES}).encode()
    result = subprocess.run([NODE, "tests/js/check_reports.js"], input=stdin, capture_output=True, cwd=ROOT, timeout=60, check=False)
    assert result.returncode == 0, result.stderr.decode()
    page_problems = json.loads(result.stdout)
    verdicts = [(report, not problems, _pydantic_accepts(report)) for report, problems in zip(CANDIDATES, page_problems)]
    assert [v for v in verdicts if v[1] != v[2]] == []
    assert sum(v[2] for v in verdicts) == 4  # the first four are good; the rest each break one rule


@needs_node
def test_the_bridge_s_own_unit_tests_pass():
    result = subprocess.run([NODE, "--test", "tests/js/bridge.test.js"], capture_output=True, cwd=ROOT, timeout=60, check=False)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def test_the_map_page_alone_touches_no_other_library_s_internals():
    page = (ROOT / "static" / "js" / "sanctuarymap.js").read_text(encoding="utf-8")
    for internal in ["__GLOBAL_DATA__", "previous_data", "window.Streamlit", bridge.CHANNEL, "._", "document.currentScript"]:
        assert internal not in page, f"static/js/sanctuarymap.js uses {internal!r}: it belongs in static/js/bridge.js"


# --- branca's templates, compiled once inside the app's render calls only.


def _compiled_twice() -> tuple[object, object]:
    return branca.element.Element("<b>same</b>")._template, branca.element.Element("<b>same</b>")._template


def test_branca_is_untouched_outside_the_app_s_render_calls():
    assert branca.element.Template is jinja2.Template
    first, second = _compiled_twice()
    assert first is not second  # branca as it came: each Element compiles its own
    with bridge.compiled_templates():
        first, second = _compiled_twice()
        assert first is second  # compiled once
    assert branca.element.Template is jinja2.Template
    first, second = _compiled_twice()
    assert first is not second


def test_branca_gets_its_template_back_when_the_last_of_overlapping_runs_leaves():
    inside, leave = threading.Event(), threading.Event()

    def run() -> None:
        with bridge.compiled_templates():
            inside.set()
            leave.wait()

    other = threading.Thread(target=run)
    other.start()
    inside.wait()
    with bridge.compiled_templates():
        pass
    assert branca.element.Template is not jinja2.Template  # the other run is still inside
    leave.set()
    other.join()
    assert branca.element.Template is jinja2.Template
    with pytest.raises(RuntimeError), bridge.compiled_templates():
        raise RuntimeError("a failed render")
    assert branca.element.Template is jinja2.Template


# --- Streamlit's session: the reruns a client asks for.


class _Message:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def WhichOneof(self, _: str) -> str:  # noqa: N802 (protobuf's name)
        return self.kind


def test_only_rerun_requests_are_routed_and_routing_twice_changes_nothing():
    class Session:
        def __init__(self) -> None:
            self.handled: list[str] = []

        def handle_backmsg(self, msg: _Message) -> None:
            self.handled.append(msg.kind)

    routed: list[str] = []

    def route(session, message, run) -> None:
        routed.append(message.kind)
        run(session, message)  # Streamlit's own handling, here at once

    bridge.route_reruns(Session, route)
    bridge.route_reruns(Session, route)
    session = Session()
    for kind in ["rerun_script", "app_heartbeat", "rerun_script", "stop_script"]:
        session.handle_backmsg(_Message(kind))
    assert routed == ["rerun_script", "rerun_script"]  # once each: not wrapped twice
    assert session.handled == ["rerun_script", "app_heartbeat", "rerun_script", "stop_script"]
