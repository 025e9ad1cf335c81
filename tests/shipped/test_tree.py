"""The tests themselves: they leave the work tree as they found it, and wait on state, never on time."""

from __future__ import annotations

import os
import re
from pathlib import Path

import hypothesis

from harness.apptest import start
from harness.browser import ROOT

# Every test that drives a browser or the running app, and the helpers they share.
BROWSER_TESTS = sorted([*(ROOT / "tests" / "browser").glob("*.py"), ROOT / "tests" / "load" / "test_load.py", ROOT / "harness" / "page.py"])


def test_reports_and_screenshots_go_outside_the_work_tree(docs_dir):
    # Today: make test leaves docs/screenshot.png and docs/load-test.md modified.
    assert ROOT.resolve() not in docs_dir.resolve().parents


def test_ci_fails_when_make_test_leaves_the_tree_changed():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.index("make test") < script.index("git status --porcelain --ignored")  # ignored files count too
    assert "exit 1" in script


def test_the_app_s_payloads_and_hypothesis_examples_go_outside_the_work_tree():
    # Before: every app test wrote static/generated/changes-*.json, and Hypothesis wrote .hypothesis/.
    before = sorted((ROOT / "static").rglob("*"))
    at = start()
    assert not at.exception
    assert sorted((ROOT / "static").rglob("*")) == before
    generated = Path(os.environ["SANCTUARYMAP_GENERATED"])
    assert ROOT.resolve() not in generated.resolve().parents and any(generated.glob("changes-*.json"))
    database = hypothesis.settings().database
    assert ROOT.resolve() not in Path(database.path).resolve().parents
    assert ROOT.resolve() not in hypothesis.configuration.storage_directory(intent_to_write=False).path.resolve().parents


def test_browser_tests_give_no_short_window():
    # Before: Pause had to take effect within 2 s. A timeout is there to end a test that hangs, never to
    # decide whether it passes: none is shorter than 10 s.
    for path in BROWSER_TESTS:
        for value in re.findall(r"timeout=([0-9_]+)(?![0-9_.])", path.read_text(encoding="utf-8")):
            assert int(value) >= 10_000, f"{path.name}: timeout={value}"


def test_browser_tests_never_wait_on_time():
    for path in BROWSER_TESTS:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bsleep\(|wait_for_timeout\(", text), f"{path.name} waits on time"


def test_the_tests_stay_readable_and_import_like_the_app():
    # A test file over 600 lines holds more than one thing; sys.path edits hide what a test really imports
    # (the harness and the package are installed; bench/ is loaded by path, harness.bench).
    files = sorted([*(ROOT / "tests").rglob("*.py"), *(ROOT / "harness").glob("*.py")])
    assert len(files) > 40, "fewer test files than there are: is this test still reading them?"
    long = [f"{path.relative_to(ROOT)} ({n} lines)" for path in files if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600]
    assert long == []
    edits = [
        str(path.relative_to(ROOT))
        for path in files
        if re.search(r"sys\.path\.(append|insert)|sys\.path\s*\+?=", path.read_text(encoding="utf-8"))
    ]
    assert edits == []
