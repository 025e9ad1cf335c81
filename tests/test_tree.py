"""The tests themselves: they leave the work tree as they found it, and wait on state, never on time."""

from __future__ import annotations

import re

from sanctuarymap.testing import ROOT

BROWSER_TESTS = sorted((ROOT / "tests").glob("test_browser*.py")) + [ROOT / "tests" / "test_load.py"]


def test_reports_and_screenshots_go_outside_the_work_tree(docs_dir):
    # Today: make test leaves docs/screenshot.png and docs/load-test.md modified.
    assert ROOT.resolve() not in docs_dir.resolve().parents


def test_ci_fails_when_make_test_leaves_the_tree_changed():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.index("make test") < script.index("git status --porcelain")
    assert "exit 1" in script


def test_browser_tests_never_wait_on_time():
    for path in BROWSER_TESTS:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bsleep\(|wait_for_timeout\(", text), f"{path.name} waits on time"
