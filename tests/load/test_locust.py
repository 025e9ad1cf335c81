"""The Locust viewer of `make load-test` still speaks the installed Streamlit's protocol (run with
--load-test): simulated viewers find the day widget, rerun the app (or the empty baseline) with new
days, and are timed; and the capacity model's arithmetic."""

from __future__ import annotations

import json
from datetime import date

import pytest

from harness.bench import bench_module
from harness.browser import ROOT, AppServer

pytestmark = pytest.mark.load


def capacity_module():
    return bench_module("capacity")


def test_simulated_viewers_through_nginx_settle_days_and_click_places(tmp_path):
    """As `make load-test` runs them: through nginx, in front of two processes."""
    capacity = capacity_module()
    target = capacity.Target(tmp_path, workers=2)
    try:
        # Each process's first session loads the data: waited for to its end, so that the viewers' window is
        # theirs (on a busy machine it once took longer than the whole window).
        capacity.warm(target)
        step = capacity.run_step(target, users=4, seconds=15, work=tmp_path)
    finally:
        target.stop()
    assert step.failures == 0
    assert step.reruns >= 4, capacity.describe(step)  # each viewer's day reached the app at least once
    assert step.clicks >= 1, capacity.describe(step)  # one action in ten is a click
    assert 0 < step.median_ms <= step.p95_ms <= step.max_ms
    assert len(step.process_cpu) == 2 and step.proxy_cpu >= 0
    assert min(step.process_rss_peak) > 50 * 2**20  # both processes hold the data


def test_the_baseline_viewers_move_the_empty_apps_slider_and_rerun_its_fragment_or_the_whole_script(tmp_path):
    """The load test's baseline (bench/empty_app.py) through nginx: the same viewers find its slider by its
    key, settle days in its fragment and, one time in ten, rerun the whole script; alone, each action's
    server CPU is measured."""
    capacity = capacity_module()
    target = capacity.Target(tmp_path, workers=1, app="empty")
    try:
        cost = capacity.serial_cost(target, blocks=1, actions=20)
        step = capacity.run_step(target, users=4, seconds=15, work=tmp_path)
    finally:
        target.stop()
    assert step.failures == 0
    assert step.reruns >= 4 and step.clicks >= 1, capacity.describe(step)
    assert step.app == "empty" and len(step.process_cpu) == 1
    assert cost.mix_ms > 0 and cost.blocks == 1


def test_the_map_baseline_answers_a_settled_day_with_the_apps_map_alone(tmp_path):
    """The second baseline (bench/map_app.py): the viewers find the same map component as the app's, and a
    settled day reruns its fragment, which draws that component and nothing else, with the day reported."""
    capacity, protocol = capacity_module(), bench_module("streamlit_protocol")
    target = capacity.Target(tmp_path, workers=None, app="map")
    try:
        run = protocol.StreamlitRun(protocol.stream_url(target.url))
        the_map = protocol.find_widget(run.rerun(query_string="")[0], protocol.MAP)
        elements, _ = run.rerun(states=[protocol.widget_state(the_map, date(2017, 6, 2))], fragment_id=run.fragment_of(the_map))
        cost = capacity.serial_cost(target, blocks=1, actions=20)
    finally:
        target.stop()
    assert run.fragment_of(the_map) and [e.WhichOneof("type") for e in elements] == ["component_instance"]
    view = json.loads(elements[0].component_instance.json_args)["feature_group"]
    assert "SanctuaryBridge.show" in view and '"day":"2017-06-02"' in view
    assert cost.settled_ms > 0 and cost.blocks == 1


def test_the_capacity_model_takes_the_scarcer_of_the_processes_and_the_cores():
    model = capacity_module().Model(app="app", alone_ms=5, loaded_ms=10, proxy_ms=0.5, locust_ms=1.5)
    assert model.readers_per_core(loaded=False) == 200
    assert model.readers_per_core(loaded=True) == 100
    # One process: one Python interpreter, one core at most, 100 actions a second at 10 ms each.
    assert model.ceiling(cores=2, processes=1) == 100
    # Two processes could answer 200 a second, but the 2 cores also run nginx and Locust: 12 ms an action in all.
    assert model.ceiling(cores=2, processes=2) == pytest.approx(2000 / 12)


def test_a_settled_day_reruns_only_the_days_part_of_the_page(tmp_path):
    """As a browser does, the viewer reports the map's first paint (the whole page follows), then names
    the fragment the map was drawn in; the server reruns only that: the day's story follows, and the
    controls above it (Find a place, every name) are not sent again."""
    protocol = bench_module("streamlit_protocol")
    server = AppServer(ROOT, tmp_path / "streamlit.log", env={"SANCTUARYMAP_RECORDS": str(ROOT / "records")})
    try:
        run = protocol.StreamlitRun(protocol.stream_url(server.url))
        elements, _ = run.rerun(query_string="day=2017-03-01")
        first = (run.finished, elements)
        the_map = protocol.find_widget(elements, protocol.MAP)
        assert run.fragment_of(the_map)
        # The page's first paint, reported with the day it was sent: the whole page follows.
        elements, _ = run.rerun(states=[protocol.widget_state(the_map, date(2017, 3, 1))], fragment_id=run.fragment_of(the_map))
        painted = (run.finished, elements)
        elements, _ = run.rerun(states=[protocol.widget_state(the_map, date(2017, 8, 22))], fragment_id=run.fragment_of(the_map))
        settled = (run.finished, elements, run.query_string)
        # A click, reported the same way, changes what Find a place shows: the whole page reruns.
        click = protocol.widget_state(the_map, date(2017, 8, 22), click="il-chicago")
        elements, _ = run.rerun(states=[click], fragment_id=run.fragment_of(the_map))
        clicked = (run.finished, elements, run.query_string)
        run.close()
    finally:
        server.stop()
    finished, elements = first
    assert finished == protocol.ForwardMsg.FINISHED_SUCCESSFULLY
    assert not any(e.WhichOneof("type") in {"selectbox", "radio"} for e in elements)  # the map comes first
    finished, elements = painted
    assert finished == protocol.ForwardMsg.FINISHED_SUCCESSFULLY
    assert any(e.WhichOneof("type") == "selectbox" for e in elements)
    finished, elements, query = settled
    assert finished == protocol.ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    assert not any(e.WhichOneof("type") in {"selectbox", "radio"} for e in elements)
    heading = '<h2 class="sm-h2">On 22 August 2017</h2>'
    assert any(e.markdown.body.startswith(heading) for e in elements if e.WhichOneof("type") == "markdown")
    assert "day=2017-08-22" in query
    finished, elements, query = clicked
    assert finished == protocol.ForwardMsg.FINISHED_SUCCESSFULLY
    (find,) = [e.selectbox for e in elements if e.WhichOneof("type") == "selectbox" and e.selectbox.label == "Find a place"]
    assert (find.raw_value, find.set_value) == ("Chicago, IL", True), (find.raw_value, find.set_value, find.default)
    assert "selected=il-chicago" in query
