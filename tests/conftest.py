"""Shared fixtures: tiny records, the --browser-tests switch, Chromium and a live app server (harness.browser)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import hypothesis
import hypothesis.configuration
import pytest
from hypothesis.database import DirectoryBasedExampleDatabase

from harness.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, TEST_DATA, VIEWPORT, AppServer
from sanctuarymap.data import dataset, files

DATA = TEST_DATA
SCRATCH = pytest.StashKey[Path]()


def pytest_configure(config):
    """Everything a test run writes goes to a temporary folder, never into the work tree (`.ci/run` checks
    `git status --ignored`): the changes payload the app publishes (app.py reads SANCTUARYMAP_GENERATED;
    a server started by harness.browser gets a folder of its own) and Hypothesis' example database."""
    scratch = Path(tempfile.mkdtemp(prefix="sanctuarymap-tests-"))
    config.stash[SCRATCH] = scratch
    os.environ["SANCTUARYMAP_GENERATED"] = str(scratch / "generated")
    hypothesis.configuration.set_hypothesis_home_dir(scratch / "hypothesis")
    hypothesis.settings.register_profile("tests", database=DirectoryBasedExampleDatabase(scratch / "hypothesis" / "examples"))
    # The slow property tests run their full number of examples with --slow-properties (make test); a few otherwise.
    hypothesis.settings.register_profile("quick", parent=hypothesis.settings.get_profile("tests"), max_examples=20)
    hypothesis.settings.load_profile("tests" if config.getoption("--slow-properties") else "quick")


def pytest_unconfigure(config):
    scratch = config.stash.get(SCRATCH, None)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption("--slow-properties", action="store_true", help="run the slow tests and every property test in full (make test does)")
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
        "slow": (config.getoption("--slow-properties"), "slow test: run with --slow-properties (make test does)"),
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


@pytest.fixture
def unreadable(monkeypatch):
    """Call it with a file name: from then on, reading that file fails as a file without read permission does."""
    real = files._read_regular

    def make_unreadable(name: str) -> None:
        def read_regular(path: Path, limit: int) -> bytes:
            if path.name == name:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, limit)

        monkeypatch.setattr(files, "_read_regular", read_regular)

    return make_unreadable


@pytest.fixture(scope="session")
def docs_dir(request, tmp_path_factory) -> Path:
    """Where tests write the screenshot and the reports: outside the work tree unless asked, so
    that a test run leaves `git status` clean (`make docs` refreshes docs/ on purpose)."""
    chosen = request.config.getoption("--docs-dir")
    if chosen is None:
        return tmp_path_factory.mktemp("docs")
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


@pytest.fixture(scope="session", autouse=True)
def dataset_cache(tmp_path_factory) -> Path:
    """The app's disk cache of loaded datasets (app.py's CACHE), for this test run only: the app servers the
    tests start inherit it."""
    folder = tmp_path_factory.mktemp("dataset-cache")
    os.environ["SANCTUARYMAP_CACHE"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT}


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    server = AppServer(ROOT, tmp_path_factory.mktemp("app") / "streamlit.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def shipped():
    """The shipped records and boundaries, loaded as the app loads them (test modules that read only one of
    them define their own ``shipped``)."""
    return dataset.load(ROOT / "records", ROOT / "geodata")
