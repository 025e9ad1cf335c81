"""Browser tests of what a first-time reader meets on the Streamlit page (run with --browser-tests).

The words explained where they appear, the key moment beside the map, a tapped place brought into sight on a
phone, the settled day read out, the chart named and labelled, and a compared day typed with Enter. Each waits
on what the page shows, never on time.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from harness.browser import MAP_IFRAME, map_frame, open_app
from harness.page import WAIT, click_shape, panel, press, url_with
from sanctuarymap.data import status
from sanctuarymap.reader import chart, glossary

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def on_screen(page: Page, element: Locator) -> bool:
    """Whether some of ``element`` is inside the window (what a reader sees without scrolling)."""
    box = element.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    return box["y"] < size["height"] and box["y"] + box["height"] > 0 and box["x"] < size["width"] and box["x"] + box["width"] > 0


def test_every_word_in_the_panel_leads_to_its_entry_in_our_words_and_sourced(page: Page, app_server):
    page.set_viewport_size(LAPTOP)
    open_app(page, f"{app_server.url}/?day=2017-04-21&selected=ca-los-angeles")
    los_angeles = panel(page, "ca-los-angeles")
    expect(los_angeles).to_be_visible(timeout=WAIT)

    # Every term on the page has its entry, each with a source that is a link out.
    for term in glossary.TERMS:
        entry = page.locator(f"#{glossary.anchor(term.key)}")
        expect(entry).to_have_text(term.term)
        expect(entry.locator("xpath=following-sibling::dd[1]").locator("a[href^='http']")).to_have_count(1)

    # The panel's "Sanctuary status" leads there: the entry comes into sight and takes the focus.
    word = los_angeles.locator("a.sm-term", has_text="Sanctuary").first
    expect(word).to_have_attribute("href", "#glossary-sanctuary")
    word.click()
    entry = page.locator("#glossary-sanctuary")
    expect(entry).to_be_focused(timeout=WAIT)
    expect(entry).to_be_in_viewport()
    assert "#glossary" not in page.url  # the page's address stays the view's

    # On this day links its words too, and the map's legend can send the reader to an entry (glossary.CATEGORY_TERMS).
    expect(page.locator(".sm-recent a.sm-term").first).to_be_attached()
    map_frame(page).locator("body").evaluate("() => window.parent.postMessage({type: 'sanctuarymap:glossary', key: '287g'}, '*')")
    expect(page.locator("#glossary-287g")).to_be_focused(timeout=WAIT)

    # Under the map, one line says what the colours count, how many places are on record, and what blank means.
    line = page.locator(".sm-key-line")
    expect(line).to_contain_text(re.compile(r"\d+ places \(states, counties and cities\) are on record"))
    expect(line).to_contain_text("no record")
    frame_box, line_box = page.locator(MAP_IFRAME).bounding_box(), line.bounding_box()
    assert frame_box and line_box and 0 <= line_box["y"] - (frame_box["y"] + frame_box["height"]) < 40  # right under the map


def test_the_legend_s_words_lead_to_their_entries_on_the_page(page: Page, app_server):
    page.set_viewport_size(LAPTOP)
    open_app(page, f"{app_server.url}/?day=2017-04-21&colour=pressure")
    # Each category the glossary explains is a button in the legend; the others are plain words.
    terms = map_frame(page).locator(".sm-legend-term")
    explained = [c.label for c in status.PRESSURE.categories if c.key in glossary.CATEGORY_TERMS]
    expect(terms).to_have_text(explained)
    warned = next(c for c in status.PRESSURE.categories if c.key == "warned")
    terms.filter(has_text=warned.label).press("Enter")  # the keyboard reaches it as a mouse does
    entry = page.locator(f"#{glossary.anchor(glossary.CATEGORY_TERMS['warned'])}")
    expect(entry).to_be_focused(timeout=WAIT)
    expect(entry).to_be_in_viewport()


def test_the_key_moment_sits_beside_the_map_and_next_keeps_both_in_view(page: Page, app_server):
    page.set_viewport_size(LAPTOP)
    box = open_app(page, f"{app_server.url}/?day=2017-06-01")
    switch = page.get_by_role("switch", name="Key moments")
    switch.focus()
    page.keyboard.press("Space")
    expect(box).to_have_attribute("data-day", "2017-01-25", timeout=WAIT)
    card, the_map = page.locator(".sm-moment"), page.locator(MAP_IFRAME)
    expect(card).to_have_attribute("data-moment", "1", timeout=WAIT)
    # The switch is under the map: the page scrolls back up so that the map and the moment are in view together.
    expect(card.locator("h2")).to_be_in_viewport(timeout=WAIT)
    expect(the_map).to_be_in_viewport(ratio=0.99)

    for moment in ("2", "3"):
        next_button = page.get_by_role("button", name="Next moment ›")
        assert on_screen(page, next_button)
        next_button.click()
        expect(card).to_have_attribute("data-moment", moment, timeout=WAIT)
        expect(page).to_have_url(url_with(moment=moment), timeout=WAIT)
        assert on_screen(page, card.locator("h2")) and on_screen(page, the_map) and on_screen(page, next_button)
    expect(the_map).to_be_in_viewport(ratio=0.99)  # the whole map: its fly to each moment is seen


def test_on_a_phone_a_tapped_place_is_brought_into_sight_with_the_focus_on_its_name(page: Page, app_server):
    page.set_viewport_size(PHONE)
    open_app(page, f"{app_server.url}/?day=2017-06-01&colour=sanctuary")
    click_shape(page, "mo")
    heading = panel(page, "mo").locator("h2")
    expect(heading).to_contain_text("Missouri", timeout=WAIT)
    expect(heading).to_be_focused(timeout=WAIT)
    expect(heading).to_be_in_viewport()
    expect(panel(page, "mo")).to_have_attribute("data-opened", "1")


def test_a_polite_live_region_reads_out_the_settled_day_and_its_events(page: Page, app_server):
    open_app(page, f"{app_server.url}/?day=2017-08-21&colour=lawsuit")
    live = page.get_by_role("status").and_(page.locator("#sm-live"))
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_have_text("")  # the first day is not read out
    press(page, "ArrowRight")
    expect(live).to_have_text(re.compile(r"^22 August 2017: 2 events\. .*Lawsuit filed \(Los Angeles, CA\)"), timeout=WAIT)
    press(page, "ArrowRight")
    expect(live).to_have_text(re.compile(r"^23 August 2017: "), timeout=WAIT)


def test_the_chart_is_named_described_with_a_legend_and_a_labelled_day(page: Page, app_server):
    open_app(page, f"{app_server.url}/?day=2017-08-22&colour=lawsuit")
    figure = page.get_by_test_id("stVegaLiteChart")
    expect(figure).to_have_accessible_name(chart.title("lawsuit"), timeout=WAIT)
    expect(figure).to_have_accessible_description(chart.description("lawsuit"), timeout=WAIT)
    legend = figure.locator(".role-legend")
    for label in ("No lawsuit", "Suing, no ruling yet", "Ruling in its favour", "Ruling against it", "Sued over its policy"):
        expect(legend.locator("text", has_text=label)).to_have_count(1)
    expect(figure.locator(".role-mark text", has_text="22 Aug")).to_have_count(1)
    press(page, "ArrowRight")
    expect(figure.locator(".role-mark text", has_text="23 Aug")).to_have_count(1, timeout=WAIT)


def test_compare_with_another_day_opens_at_the_day_shown_and_enter_applies_a_typed_day(page: Page, app_server):
    box = open_app(page, f"{app_server.url}/?day=2017-08-22&colour=lawsuit")
    switch = page.get_by_role("switch", name="Compare with another day")
    switch.focus()
    page.keyboard.press("Space")
    year = page.get_by_role("spinbutton", name=re.compile(r"^year, The other day"))
    expect(year).to_be_visible(timeout=WAIT)
    expect(box).to_have_attribute("data-compare", "2017-08-22", timeout=WAIT)  # it starts at the day shown

    page.get_by_test_id("stDateInput").get_by_role("button").first.click()
    expect(page.get_by_test_id("stDateInputCalendar")).to_contain_text("August 2017", timeout=WAIT)  # the calendar opens there
    page.keyboard.press("Escape")

    year.click()
    page.keyboard.type("20170821")
    page.keyboard.press("Enter")
    expect(box).to_have_attribute("data-compare", "2017-08-21", timeout=WAIT)
    expect(page).to_have_url(url_with(compare="2017-08-21", day="2017-08-22"), timeout=WAIT)
    expect(page.locator('.sm-change[data-jurisdiction="ca-los-angeles"]')).to_contain_text("No lawsuit → Suing, no ruling yet")
