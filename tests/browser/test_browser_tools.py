"""Browser tests of the readers' tools, as a person uses each (run with --browser-tests).

The day as a table (reached and used with the keyboard alone), the day's downloads, two days compared,
the key moments, and the state law beneath a local policy. The tests wait on what the page shows (the
map's attributes, the URL, the panel), never on time.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import Locator, Page, expect

from harness.browser import map_container as container
from harness.browser import map_frame, open_app
from harness.page import WAIT, day_slider, legend, panel, press, shape, url_with
from sanctuarymap.data import status

pytestmark = pytest.mark.e2e


def tab_to(page: Page, target: Locator, most: int = 60) -> None:
    """Press Tab until ``target`` has the keyboard focus; fail, naming the Tab order, after ``most`` presses."""
    seen = []
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
        seen.append(page.evaluate("() => document.activeElement.tagName + ' ' + (document.activeElement.getAttribute('aria-label') || '')"))
    raise AssertionError(f"{target} never had the focus; the Tab order went {seen}")


def grid(page: Page) -> Locator:
    return page.get_by_test_id("stDataFrame")


def test_from_the_page_top_to_a_place_s_panel_with_the_keyboard_alone(page: Page, app_server):
    open_app(page, f"{app_server.url}/?day=2017-09-15")
    page.locator("body").focus()

    switch = page.get_by_role("switch", name="The day as a table")
    tab_to(page, switch)  # past the map's own controls: its shapes are no Tab stops
    page.keyboard.press("Space")
    search = page.get_by_role("textbox", name="Search the table")
    expect(search).to_be_visible(timeout=WAIT)
    expect(page).to_have_url(url_with(table="on"), timeout=WAIT)
    # Its accessible names: the filters by their labels, the grid by what it holds.
    for name in ["State", "Kind", "Sanctuary status"]:
        expect(page.get_by_role("combobox", name=name)).to_have_count(1)
    expect(grid(page).get_by_role("region")).to_have_accessible_name("Every place on record and where it stood on 15 September 2017")

    tab_to(page, search)
    page.keyboard.type("austin")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url_with(find="austin"), timeout=WAIT)
    expect(page.get_by_text(re.compile(r"^1 of \d+ places on 15 September 2017"))).to_be_visible(timeout=WAIT)

    tab_to(page, page.get_by_test_id("data-grid-canvas"))  # into the grid
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+Space")  # selects the row

    austin = panel(page, "tx-austin")
    expect(austin).to_be_visible(timeout=WAIT)
    expect(austin.locator("h2")).to_contain_text("Austin")
    expect(page).to_have_url(url_with(selected="tx-austin", table="on"), timeout=WAIT)
    expect(shape(page, "tx-austin")).to_have_attribute("stroke-width", "3", timeout=WAIT)  # highlighted on the map
    # The grid's own table, which a screen reader reads, names the row and marks it selected.
    row = grid(page).locator('tr[aria-selected="true"]')
    expect(row).to_contain_text("Austin, TX", timeout=WAIT)


def test_the_table_follows_the_day_and_the_colouring(page: Page, app_server):
    open_app(page, f"{app_server.url}/?day=2017-05-06&table=on&kinds=state&find=texas")
    expect(page.get_by_text(re.compile(r"^1 of \d+ places on 6 May 2017"))).to_be_visible(timeout=WAIT)
    page.get_by_test_id("data-grid-canvas").focus()
    expect(grid(page).locator("td").filter(has_text=re.compile("^No known policy$"))).to_have_count(1, timeout=WAIT)

    press(page, "ArrowRight")  # 7 May: Governor Abbott signs SB 4

    expect(page.get_by_text(re.compile(r"^1 of \d+ places on 7 May 2017"))).to_be_visible(timeout=WAIT)
    page.get_by_test_id("data-grid-canvas").focus()
    expect(grid(page).locator("td").filter(has_text=re.compile("^Must cooperate with ICE$"))).to_have_count(1, timeout=WAIT)
    # The category filter is the colouring's.
    page.get_by_role("radiogroup", name="Colour by").get_by_text("Lawsuit", exact=True).click()
    expect(page.get_by_role("combobox", name="Lawsuit")).to_have_count(1, timeout=WAIT)


def test_download_the_day_as_csv_and_geojson_and_the_whole_records(page: Page, app_server):
    open_app(page, f"{app_server.url}/?day=2017-09-15")
    with page.expect_download() as got:
        page.get_by_role("button", name="The day as CSV").click()
    assert got.value.suggested_filename == "sanctuarymap-day-2017-09-15.csv"
    rows = list(csv.DictReader(io.StringIO(open(got.value.path(), encoding="utf-8").read())))
    austin = next(r for r in rows if r["jurisdiction_id"] == "tx-austin")
    assert austin["lawsuit"] == "won" and austin["lawsuit_source_url"].startswith("http")

    with page.expect_download() as got:
        page.get_by_role("button", name="The day as GeoJSON").click()
    assert got.value.suggested_filename == "sanctuarymap-day-2017-09-15.geojson"
    collection = json.loads(open(got.value.path(), encoding="utf-8").read())
    assert collection["type"] == "FeatureCollection" and collection["day"] == "2017-09-15" and len(collection["features"]) == len(rows)

    with page.expect_download() as got:
        page.get_by_role("button", name="All the records (zip)").click()
    assert got.value.suggested_filename == "sanctuarymap-records-2017-09-15.zip"
    names = zipfile.ZipFile(got.value.path()).namelist()
    assert any(n.endswith("/sanctuarymap-events.csv") for n in names) and any(n.endswith("/README.md") for n in names)


def test_after_a_settled_day_the_downloads_are_of_the_new_day(page: Page, app_server):
    # The day's buttons are redrawn by the day's own rerun; each must still answer its click.
    open_app(page, f"{app_server.url}/?day=2017-09-15")
    press(page, "ArrowRight")
    expect(page.get_by_role("heading", name="On 16 September 2017")).to_be_visible(timeout=WAIT)
    for name, file_name in [
        ("The day as GeoJSON", "sanctuarymap-day-2017-09-16.geojson"),
        ("The day as CSV", "sanctuarymap-day-2017-09-16.csv"),
    ]:
        with page.expect_download() as got:
            page.get_by_role("button", name=name).click()
        assert got.value.suggested_filename == file_name


def test_compare_two_days(page: Page, app_server):
    box = open_app(page, f"{app_server.url}/?day=2017-08-22&colour=lawsuit")
    switch = page.get_by_role("switch", name="Compare with another day")
    switch.focus()
    page.keyboard.press("Space")
    # Streamlit's date field: year, month and day, each a spin button; typing moves from one to the next.
    page.get_by_role("spinbutton", name=re.compile(r"^year, The other day")).click()
    page.keyboard.type("20170821")
    tab_to(page, page.get_by_role("combobox", name="Find a place"))  # leaving the field (past its calendar button) commits it

    expect(box).to_have_attribute("data-compare", "2017-08-21", timeout=WAIT)
    expect(page).to_have_url(url_with(compare="2017-08-21", day="2017-08-22"), timeout=WAIT)
    los_angeles, chicago = shape(page, "ca-los-angeles"), shape(page, "il-chicago")
    expect(los_angeles).to_have_attribute("data-changed", "true")
    expect(los_angeles).to_have_attribute("data-category", "Suing, no ruling yet")  # the later day's colour
    expect(chicago).to_have_attribute("data-changed", "false")
    expect(chicago).to_have_attribute("fill", status.faded(status.LAWSUIT.category("plaintiff").colour))  # suing on both days: pale, opaque
    expect(legend(page).locator(".sm-legend-note")).to_contain_text("Compared with 21 August 2017")
    change = page.locator('.sm-change[data-jurisdiction="ca-los-angeles"]')
    expect(change).to_contain_text("Los Angeles, CA: No lawsuit → Suing, no ruling yet", timeout=WAIT)
    expect(change.locator("a[href^='http']").first).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="21 August 2017")).to_contain_text("22 August 2017")

    # The map compares as it is scrubbed: the day before, nothing differs from 21 August.
    press(page, "ArrowLeft")
    expect(los_angeles).to_have_attribute("data-changed", "false")
    expect(los_angeles).to_have_attribute("data-category", "No lawsuit")

    # A shared link opens the same comparison.
    other = page.context.new_page()
    other_box = open_app(other, f"{app_server.url}/?day=2017-08-22&colour=lawsuit&compare=2017-08-21")
    expect(other_box).to_have_attribute("data-compare", "2017-08-21")
    expect(shape(other, "ca-los-angeles")).to_have_attribute("data-changed", "true")
    other.close()


def test_walk_the_key_moments_and_leave_the_story(page: Page, app_server):
    box = open_app(page, f"{app_server.url}/?day=2017-06-01")
    page.get_by_text("Key moments", exact=True).click()

    expect(box).to_have_attribute("data-day", "2017-01-25", timeout=WAIT)
    expect(box).to_have_attribute("data-fit", re.compile(r"^\d+$"))
    expect(page.locator(".sm-moment h2")).to_have_text("The executive order")
    expect(page).to_have_url(url_with(moment="1", day="2017-01-25"), timeout=WAIT)

    page.get_by_role("button", name="Next moment ›").click()

    expect(box).to_have_attribute("data-day", "2017-01-31", timeout=WAIT)
    expect(legend(page)).to_have_attribute("data-legend", "Lawsuit")
    expect(panel(page, "ca-san-francisco")).to_be_visible(timeout=WAIT)
    expect(shape(page, "ca-san-francisco").first).to_have_attribute("stroke-width", "3")
    expect(page).to_have_url(url_with(moment="2", selected="ca-san-francisco"), timeout=WAIT)
    page.get_by_role("button", name="‹ Previous moment").click()
    expect(box).to_have_attribute("data-day", "2017-01-25", timeout=WAIT)
    page.get_by_role("button", name="Next moment ›").click()
    expect(box).to_have_attribute("data-day", "2017-01-31", timeout=WAIT)

    # Leave the story: the map stays where the moment left it, and the reader scrubs on from there.
    page.get_by_text("Key moments", exact=True).click()
    expect(page.locator(".sm-moment")).to_have_count(0, timeout=WAIT)
    press(page, "ArrowRight")
    expect(page).to_have_url(url_with(day="2017-02-01", selected="ca-san-francisco"), timeout=WAIT)
    expect(container(page)).to_have_attribute("data-day", "2017-02-01")
    expect(day_slider(page)).to_be_focused()
    assert "moment" not in page.url


def test_a_local_place_shows_the_state_law_above_it(page: Page, app_server):
    open_app(page, f"{app_server.url}/?day=2017-09-15")
    page.get_by_role("combobox", name="Find a place").click()
    page.keyboard.type("Austin, TX")
    page.keyboard.press("Enter")
    law = panel(page, "tx-austin").locator(".sm-law")
    expect(law).to_have_text(
        "Beneath state law: Symbolic declaration only; state law (SB 4, partly enjoined) requires cooperation with ICE.", timeout=WAIT
    )
    expect(map_frame(page).locator('path.shape[data-jurisdiction="tx-austin"]')).to_have_attribute("stroke-width", "3", timeout=WAIT)
