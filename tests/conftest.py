"""Shared fixtures: tiny records, and the --browser-tests switch with a live app server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def pytest_addoption(parser):
    parser.addoption("--browser-tests", action="store_true", help="run the Playwright tests in Chromium")
    parser.addoption("--load-test", action="store_true", help="run the many-viewers load test")
    parser.addoption(
        "--docs-dir",
        type=Path,
        default=None,
        help="write the screenshot and the reports here (make docs gives docs/); by default, a temporary folder",
    )


def pytest_collection_modifyitems(config, items):
    skips = {
        "e2e": (config.getoption("--browser-tests"), "browser test: run with --browser-tests (make test does)"),
        "load": (config.getoption("--load-test"), "load test: run with --load-test (make test and make load-test do)"),
    }
    for item in items:
        for marker, (enabled, reason) in skips.items():
            if marker in item.keywords and not enabled:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def records_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny records in tests/data/records."""
    target = tmp_path / "records"
    shutil.copytree(DATA / "records", target)
    return target


@pytest.fixture(scope="session")
def docs_dir(request, tmp_path_factory) -> Path:
    """Where tests write the screenshot and the reports: outside the work tree unless asked, so
    that a test run leaves `git status` clean (`make docs` refreshes docs/ on purpose)."""
    chosen = request.config.getoption("--docs-dir")
    if chosen is None:
        return tmp_path_factory.mktemp("docs")
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`streamlit run app.py` on a free port of localhost, for one test session.

    ``command`` runs another command line instead (``make -n run``'s), listening on ``port``.
    """

    def __init__(self, root: Path, log: Path, env: dict | None = None, command: list[str] | None = None, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://localhost:{self.port}"
        self.log = log
        self._log_file = log.open("w")
        default = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(root / "app.py"),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ]
        self.process = subprocess.Popen(
            command or default,
            cwd=root,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not answer on {self.url} within {timeout} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    server = AppServer(ROOT, tmp_path_factory.mktemp("app") / "streamlit.log")
    yield server
    server.stop()
