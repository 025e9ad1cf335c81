"""Edits show on reload, in Chromium (run with --browser-tests): the app runs on a copy of the records,
the test adds an event and a bad row to the files, and the page reloaded shows both (the event in the
panel, the row in the problem list), while a page left open keeps working on the new data."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import Page, expect

from harness.browser import FIRST_LOAD_MS, ROOT, AppServer, map_container, map_frame, open_app
from harness.browser import TEST_DATA as DATA

pytestmark = pytest.mark.e2e

WAIT = 20_000  # ms
ADDED = "Test: added while the app runs."


@pytest.fixture(scope="module")
def editable(tmp_path_factory):
    """A server on a copy of the tiny records, and that copy."""
    folder = tmp_path_factory.mktemp("editable") / "records"
    shutil.copytree(DATA / "records", folder)
    server = AppServer(ROOT, folder.parent / "streamlit.log", env={"SANCTUARYMAP_RECORDS": str(folder)})
    yield server, folder
    server.stop()


def append(path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def test_an_edit_shows_on_reload_and_an_open_page_keeps_working(page: Page, editable):
    server, folder = editable
    open_app(page, f"{server.url}/?day=2017-09-01&selected=il-chicago")
    chicago = page.locator('.sm-panel[data-selected="il-chicago"]')
    expect(chicago.locator("li.sm-event")).to_have_count(3, timeout=WAIT)
    problems = page.get_by_test_id("stExpander").filter(has_text="in the records and boundaries")
    expect(problems).to_have_count(0)

    other = page.context.new_page()  # a viewer already connected when the files change
    open_app(other, f"{server.url}/?day=2017-09-01")

    append(folder / "sanctuarymap-events.csv", f"2017-09-01-new,2017-09-01,statement,il-chicago,{ADDED}")
    append(folder / "sanctuarymap-sources.csv", "2017-09-01-new,Test Outlet,New,2017-09-01,https://example.org/new")
    append(folder / "sanctuarymap-events.csv", "2017-09-02-bad,2017-02-30,statement,il-chicago,Bad day.")
    page.reload()

    expect(chicago.locator("li.sm-event")).to_have_count(4, timeout=FIRST_LOAD_MS)
    expect(chicago).to_contain_text(ADDED)
    expect(problems).to_contain_text("1 problem in", timeout=WAIT)
    expect(problems.get_by_test_id("stDataFrame").locator("table").first).to_contain_text("'2017-02-30'", use_inner_text=False)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    # The page left open: its next step runs on the new data, with no reload and no exception. The
    # changes travel at a new address, so the map starts afresh on them, on the day the reader chose.
    map_frame(other).get_by_role("slider", name="Day").focus()
    other.keyboard.press("ArrowRight")
    expect(other).to_have_url(re.compile(r"[?&]day=2017-09-02(&|$)"), timeout=WAIT)
    box = map_container(other)
    expect(box).to_have_attribute("data-day", "2017-09-02", timeout=WAIT)
    expect(box).to_have_attribute("data-load", "ready", timeout=WAIT)
    expect(other.get_by_text(ADDED).first).to_be_visible(timeout=WAIT)
    other_problems = other.get_by_test_id("stExpander").filter(has_text="in the records and boundaries")
    expect(other_problems).to_contain_text("1 problem in", timeout=WAIT)
    expect(other.locator('[data-testid="stException"]')).to_have_count(0)
    other.close()
