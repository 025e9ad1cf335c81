"""axe-core on the page in the four states a reader meets first (run with --browser-tests; make test does).

The default view; a place selected with the table open; the key moments and About open; and inside the
map's frame. Each state must have no serious and no critical violation. Checked besides: headings go in
order (h1, then h2, ...) in each state of the page.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Frame, Page, expect

from harness.browser import map_container, open_app
from harness.page import WAIT, panel

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}
# The page's own frames (the map) are audited from inside: axe's frame messaging would wait on them.
PAGE_OPTIONS = {"resultTypes": ["violations"], "iframes": False}


def settled(page: Page) -> None:
    """Wait until no run is under way: while one is, Streamlit fades the elements it may replace, and their
    faded text would fail the contrast check for a reason no reader meets for long."""
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=WAIT)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT)


def blocking_violations(target: Page | Frame) -> list[str]:
    """axe's serious and critical violations in ``target``, each as "impact rule: where", for a readable failure."""
    results = Axe().run(target, options=PAGE_OPTIONS)
    return [
        f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes']][:5]} ({v['help']})"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def heading_levels(page: Page) -> list[int]:
    shown = "[...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(h => h.offsetParent)"
    return page.evaluate(f"() => {shown}.map(h => +h.tagName[1])")


def assert_headings_in_order(page: Page) -> None:
    levels = heading_levels(page)
    assert levels and levels[0] == 1, levels
    skipped = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not skipped, f"heading levels skip: {skipped} in {levels}"


def the_default_view(page: Page) -> None:
    expect(page.locator(".sm-key-line")).to_be_visible(timeout=WAIT)


def a_place_selected_with_the_table_open(page: Page) -> None:
    expect(panel(page, "ca-los-angeles")).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=WAIT)


def the_key_moments_and_about_open(page: Page) -> None:
    expect(page.locator(".sm-moment")).to_be_visible(timeout=WAIT)
    about = page.get_by_role("switch", name=re.compile(r"^About this map"))
    about.focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="For contributors")).to_be_visible(timeout=WAIT)


# Each state of the page: the address that opens it, and what brings it about once the page is open.
STATES = [
    ("", the_default_view),
    ("?day=2017-08-22&selected=ca-los-angeles&table=on", a_place_selected_with_the_table_open),
    ("?day=2017-01-25&moment=1", the_key_moments_and_about_open),
]


@pytest.mark.parametrize(("query", "bring_about"), STATES, ids=[state.__name__ for _, state in STATES])
def test_the_page(page: Page, app_server, query, bring_about):
    open_app(page, f"{app_server.url}/{query}")
    bring_about(page)
    settled(page)
    assert blocking_violations(page) == []
    assert_headings_in_order(page)


def test_inside_the_map_s_frame(page: Page, app_server):
    # The frame's own landmark, heading, title and viewport are the map page's (static/js/sanctuarymap.js):
    # this state passes once those are in.
    open_app(page, f"{app_server.url}/?day=2017-08-22")
    frame = map_container(page).element_handle().owner_frame()
    assert frame is not None
    assert blocking_violations(frame) == []
