"""The Locust viewer of `make load-test` still speaks the installed Streamlit's protocol (run with
--load-test): two simulated viewers find the day widget, rerun the app with new days, and are timed."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from sanctuarymap.testing import ROOT, AppServer

pytestmark = pytest.mark.load


def capacity_module():
    # bench/ is not a package; load bench/capacity.py by its path. It runs Locust in a subprocess,
    # so gevent never patches this test process.
    spec = importlib.util.spec_from_file_location("capacity", ROOT / "bench" / "capacity.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["capacity"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_two_simulated_viewers_rerun_the_app_with_new_days(tmp_path):
    capacity = capacity_module()
    server = AppServer(ROOT, tmp_path / "streamlit.log", env={"SANCTUARYMAP_RECORDS": str(ROOT / "records")})
    try:
        step = capacity.run_step(server, users=2, seconds=6, work=tmp_path)
    finally:
        server.stop()
    assert step.failures == 0
    assert step.reruns >= 2, capacity.describe(step)  # each viewer's day reached the app at least once
    assert 0 < step.median_ms <= step.p95_ms <= step.max_ms
    assert step.server_rss_peak > 50 * 2**20
