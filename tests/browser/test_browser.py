"""Browser tests: what a reader does with the page, in Debian's Chromium (run with --browser-tests).

One test per thing a person does: open the page, scrub the map's timeline with the keyboard, play the
year at each speed and pause it, click a place (also while the year plays), switch the colouring,
share a link. The map page paints every day itself; the tests wait on what it shows (the map's
``data-day``, the URL, the panel), never on time. Every test also checks that the browser asked
nothing of any host but the app's own (see ``only_local_requests``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from harness.browser import FIRST_LOAD_MS, MAP_IFRAME, map_container, map_frame, open_app
from harness.page import (
    COUNT_SENDS,
    WAIT,
    caption,
    choose_colouring,
    click_shape,
    day_slider,
    events_only,
    expected_categories,
    iso,
    keys_to,
    legend,
    map_day,
    painted_categories,
    panel,
    pause,
    play_button,
    point_on,
    press,
    query_of,
    record_days,
    recorded_days,
    rgb_of,
    shape,
    speed_select,
    swatch_colour,
    url_with,
    wait_for_day_after,
)
from sanctuarymap.data import status

pytestmark = pytest.mark.e2e

# --- The tests: one per thing a reader does.


def test_open_the_page_and_see_the_map(page: Page, app_server):
    box = open_app(page, f"{app_server.url}/?day=2017-08-22&colour=lawsuit&selected=ca-los-angeles")

    shapes = int(box.get_attribute("data-shapes"))
    assert shapes > 50
    expect(map_frame(page).locator("path.shape")).to_have_count(shapes)
    expect(box).to_have_attribute("data-day", "2017-08-22")
    expect(legend(page)).to_have_attribute("data-legend", "Lawsuit")
    expect(legend(page).locator(".sm-legend-item")).to_have_text([c.label for c in status.LAWSUIT.categories] + [status.NO_RECORD.label])
    expect(shape(page, "ca-los-angeles")).to_have_attribute("data-category", "Suing, no ruling yet")
    expect(panel(page, "ca-los-angeles").locator("h2")).to_contain_text("Los Angeles", timeout=WAIT)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("slider")).to_have_count(0)  # one day on screen: no second day control outside the map


def test_the_map_paints_first_and_the_rest_of_the_page_follows(page: Page, app_server):
    # The first run draws the map alone; the map page reports its first paint once, with the day it was
    # sent, and the rest of the page follows (its code would otherwise load alongside the map's).
    box = open_app(page, f"{app_server.url}/?day=2017-08-22&colour=lawsuit")
    expect(box).to_have_attribute("data-reported", "2017-08-22")
    assert box.get_attribute("data-reports") == "1"
    expect(page.get_by_role("radiogroup", name="Colour by").get_by_role("radio", name="Lawsuit")).to_be_checked()
    expect(page.get_by_role("heading", name="On 22 August 2017")).to_be_visible(timeout=WAIT)
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name="The day as CSV")).to_be_visible(timeout=WAIT)
    expect(page).to_have_url(url_with(day="2017-08-22", colour="lawsuit"))


def test_the_day_control_has_a_name_and_a_value_a_screen_reader_reads(page: Page, app_server):
    open_app(page, f"{app_server.url}/?day=2017-08-22")
    slider = day_slider(page)
    expect(slider).to_have_accessible_name("Day")
    expect(slider).to_have_attribute("aria-valuetext", "22 August 2017")
    expect(play_button(page)).to_have_accessible_name("Play")
    expect(play_button(page)).to_have_attribute("aria-pressed", "false")
    expect(speed_select(page)).to_have_accessible_name("Speed")
    press(page, "ArrowRight")
    expect(slider).to_have_attribute("aria-valuetext", "23 August 2017")
    expect(slider).to_be_focused()


def test_scrub_with_the_keyboard_paints_each_day_as_status_as_of(page: Page, app_server, shipped):
    box = open_app(page, f"{app_server.url}/?colour=pressure")
    for day in [date(2017, 1, 25), date(2017, 4, 21), date(2017, 8, 22), date(2017, 10, 5), date(2017, 12, 31)]:
        press(page, *keys_to(day))
        expect(box).to_have_attribute("data-day", iso(day))
        expect(day_slider(page)).to_have_attribute("aria-valuetext", f"{day.day} {day:%B %Y}")
        assert painted_categories(page) == expected_categories(shipped, "pressure", day), day
    # And the keys a reader expects: arrows a day, Page Down a month back, Home and End the year's ends.
    press(page, "ArrowLeft")
    expect(box).to_have_attribute("data-day", "2017-12-30")
    press(page, "PageDown")
    expect(box).to_have_attribute("data-day", "2017-11-30")
    press(page, "End")
    expect(box).to_have_attribute("data-day", "2017-12-31")
    press(page, "Home")
    expect(box).to_have_attribute("data-day", "2017-01-01")


def test_scrubbing_recolours_the_map_and_the_legend_agrees(page: Page, app_server):
    open_app(page, f"{app_server.url}/?day=2017-08-21&colour=lawsuit")
    los_angeles = shape(page, "ca-los-angeles")
    expect(los_angeles).to_have_attribute("data-category", "No lawsuit")
    fill_before = los_angeles.get_attribute("fill")

    press(page, "ArrowRight")

    expect(los_angeles).to_have_attribute("data-category", "Suing, no ruling yet")
    expect(los_angeles).not_to_have_attribute("fill", fill_before)
    assert rgb_of(los_angeles.get_attribute("fill")) == swatch_colour(page, "Suing, no ruling yet")
    assert rgb_of(fill_before) == swatch_colour(page, "No lawsuit")


def test_the_url_and_the_story_follow_once_the_day_settles(page: Page, app_server):
    box = open_app(page, f"{app_server.url}/?day=2017-08-19&colour=lawsuit")
    expect(page).to_have_url(url_with(day="2017-08-19"), timeout=WAIT)
    reports = int(box.get_attribute("data-reports") or 0)

    # Three days in one task: no timer, the settle delay included, can run between them, however busy
    # the machine is, so the page must report only the day it ends on.
    day_slider(page).evaluate(
        "slider => { for (let i = 0; i < 3; i++) slider.dispatchEvent("
        "new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true, cancelable: true})); }"
    )

    expect(box).to_have_attribute("data-reported", "2017-08-22", timeout=WAIT)
    expect(page).to_have_url(url_with(day="2017-08-22", colour="lawsuit"), timeout=WAIT)
    expect(page.get_by_role("heading", name="On 22 August 2017")).to_be_visible(timeout=WAIT)
    # The server heard the day it settled on, once: not the two days passed on the way.
    assert int(box.get_attribute("data-reports")) == reports + 1
    # The chart's marker follows too: its one-row dataset is the settled day.
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_be_visible(timeout=WAIT)


def test_zoom_and_position_survive_scrubbing_and_settling(page: Page, app_server):
    box = open_app(page, f"{app_server.url}/?day=2017-03-01")
    frame = page.locator(MAP_IFRAME).element_handle().content_frame()
    zoom = frame.evaluate("() => window.map.getZoom()")
    map_frame(page).get_by_role("button", name="Zoom in").click()
    frame.wait_for_function("zoom => window.map.getZoom() === zoom + 1", arg=zoom)
    where = "() => [window.map.getZoom(), window.map.getCenter().lat.toFixed(4), window.map.getCenter().lng.toFixed(4)]"
    view_before = frame.evaluate(where)
    press(page, "ArrowRight", "ArrowRight")
    expect(page).to_have_url(url_with(day="2017-03-03"), timeout=WAIT)
    expect(box).to_have_attribute("data-reported", "2017-03-03")
    assert frame.evaluate(where) == view_before


@pytest.mark.parametrize(("speed", "days_per_second"), [("1", 1), ("4", 4), ("15", 15), ("30", 30)])
def test_play_at_each_speed(page: Page, app_server, speed, days_per_second):
    page.add_init_script(COUNT_SENDS)
    open_app(page, f"{app_server.url}/?day=2017-02-01")
    speed_select(page).select_option(speed)
    record_days(page)

    play_button(page).click()
    expect(play_button(page)).to_have_attribute("aria-pressed", "true")
    wait_for_day_after(page, date(2017, 2, 1) + timedelta(days=max(2, days_per_second)))
    paused_on = pause(page)

    days = [d for _, d in recorded_days(page) if d > date(2017, 2, 1)]
    assert days == sorted(days) and days[-1] == paused_on
    # The clock ran at the chosen speed; how a speed becomes days is playDay's, tested in Node
    # (tests/js), since a rate timed here would measure how busy the machine is.
    expect(map_container(page)).to_have_attribute("data-speed", str(days_per_second))
    # No server round trip while playing: the page sent nothing until Pause (whose report comes after).
    assert page.evaluate("window.__sentWhilePlaying") == 0
    expect(page).to_have_url(url_with(day=iso(paused_on)), timeout=WAIT)


def test_pause_stops_on_the_day_shown_every_time(page: Page, app_server):
    box = open_app(page, f"{app_server.url}/?day=2017-02-01")
    speed_select(page).select_option("30")
    # Under load, a pause that raced the replay would show up within a few rounds.
    for _ in range(20):
        start = map_day(page)
        if start >= date(2017, 12, 1):
            press(page, "Home")
            expect(box).to_have_attribute("data-day", "2017-01-01")
            start = map_day(page)
        play_button(page).click()
        wait_for_day_after(page, start + timedelta(days=3))
        paused_on = pause(page)
        expect(box).not_to_have_attribute("data-playing", "true")
        # The server hears the paused day and answers with a rerun; the map is still on that day after it.
        expect(box).to_have_attribute("data-reported", iso(paused_on), timeout=WAIT)
        expect(page).to_have_url(url_with(day=iso(paused_on)), timeout=WAIT)
        expect(page.get_by_role("heading", name=f"On {paused_on.day} {paused_on:%B %Y}")).to_be_visible(timeout=WAIT)
        expect(box).to_have_attribute("data-day", iso(paused_on))
        expect(day_slider(page)).to_have_attribute("aria-valuetext", f"{paused_on.day} {paused_on:%B %Y}")


def test_events_only_jumps_from_one_event_day_to_the_next(page: Page, app_server, shipped):
    open_app(page, f"{app_server.url}/?day=2017-08-20&colour=lawsuit")
    events_only(page).click()
    record_days(page)
    event_days = [d for d in shipped.event_days if d > date(2017, 8, 20)][:3]

    play_button(page).click()
    wait_for_day_after(page, event_days[1])
    pause(page)

    shown = [d for _, d in recorded_days(page)][1:]
    assert shown[:3] == event_days, f"played {shown}, expected the event days {event_days}"
    assert set(shown) <= set(shipped.event_days)


def test_a_place_that_changes_while_playing_is_marked(page: Page, app_server):
    open_app(page, f"{app_server.url}/?day=2017-08-21&colour=lawsuit")
    events_only(page).click()
    los_angeles = shape(page, "ca-los-angeles")
    expect(los_angeles).not_to_have_class(re.compile(r"\bsm-pulse\b"))

    play_button(page).click()  # the next event day is 22 August: Los Angeles sues

    wait_for_day_after(page, date(2017, 8, 21))
    # The outline lasts a moment; the day it marked the place is kept (data-marked), so no window to catch.
    pause(page)
    expect(los_angeles).to_have_attribute("data-marked", "2017-08-22")
    # An outline, not a second palette: the fill is still the category's own colour.
    assert rgb_of(los_angeles.get_attribute("fill")) == swatch_colour(page, "Suing, no ruling yet")
    expect(los_angeles).not_to_have_class(re.compile(r"\bsm-pulse\b"), timeout=WAIT)  # for a moment only


def test_the_caption_names_the_day_s_events(page: Page, app_server, shipped):
    open_app(page, f"{app_server.url}/?day=2017-08-21&colour=lawsuit")
    expect(caption(page)).to_have_text(re.compile(r"^21 Aug 2017 · "))
    press(page, "ArrowRight")
    # Los Angeles sued the Justice Department that day: the event that changes a colour comes first.
    expect(caption(page)).to_have_text(re.compile(r"^22 Aug 2017 · Los Angeles, CA: Lawsuit filed( · |$)"))
    expect(caption(page)).to_be_visible()
    quiet = next(d for d in (date(2017, 8, 22) + timedelta(days=n) for n in range(1, 60)) if d not in shipped.event_days)
    press(page, *["ArrowRight"] * (quiet - date(2017, 8, 22)).days)
    expect(caption(page)).to_have_text(f"{quiet.day} {quiet:%b %Y} · no event recorded")


def test_the_legend_is_on_the_map_and_follows_the_colouring(page: Page, app_server):
    open_app(page, app_server.url)
    chicago = shape(page, "il-chicago")
    expect(legend(page)).to_have_attribute("data-legend", "Sanctuary status")
    expect(legend(page)).to_be_visible()
    assert chicago.get_attribute("data-category") in [c.label for c in status.SANCTUARY.categories]

    choose_colouring(page, "Federal pressure")

    expect(legend(page)).to_have_attribute("data-legend", "Federal pressure", timeout=WAIT)
    expect(legend(page).locator(".sm-legend-item")).to_have_text([c.label for c in status.PRESSURE.categories] + [status.NO_RECORD.label])
    expect(chicago).to_have_attribute("data-category", "Warned by DOJ letter", timeout=WAIT)  # DOJ wrote on 21 Apr
    assert rgb_of(chicago.get_attribute("fill")) == swatch_colour(page, "Warned by DOJ letter")
    assert swatch_colour(page, "Warned by DOJ letter") == rgb_of(status.PRESSURE.category("warned").colour)
    expect(page).to_have_url(url_with(day="2017-04-21", colour="pressure"), timeout=WAIT)
    # A day earlier, Chicago was only named in the 2016 Inspector General's memo.
    press(page, "ArrowLeft")
    expect(chicago).to_have_attribute("data-category", "Named in a federal report")


def test_click_a_city_to_read_its_events_and_sources(page: Page, app_server):
    open_app(page, app_server.url)
    expect(map_container(page)).to_have_attribute("data-day", "2017-04-21")  # the default day

    click_shape(page, "il-chicago")

    chicago = panel(page, "il-chicago")
    expect(chicago).to_be_visible(timeout=WAIT)
    expect(chicago.locator("h2")).to_contain_text("Chicago")
    expect(chicago.locator("table.sm-status")).to_contain_text("Warned by DOJ letter")
    events = chicago.locator("ol.sm-timeline > li.sm-event")
    assert events.count() >= 3
    upcoming = chicago.locator("li.sm-event.sm-upcoming")
    past = chicago.locator("li.sm-event:not(.sm-upcoming)")
    assert upcoming.count() >= 1 and past.count() >= 1
    for item in upcoming.all():
        expect(item).to_contain_text("still to come")
    for item in past.all():
        expect(item).not_to_contain_text("still to come")
    hrefs = chicago.locator("ul.sm-sources a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) >= events.count()
    assert [h for h in hrefs if not h.startswith(("http://", "https://"))] == []
    expect(page).to_have_url(url_with(selected="il-chicago", day="2017-04-21"), timeout=WAIT)


def test_a_click_during_play_opens_the_place_for_the_day_shown(page: Page, app_server):
    box = open_app(page, f"{app_server.url}/?day=2017-03-01")
    speed_select(page).select_option("4")
    play_button(page).click()
    wait_for_day_after(page, date(2017, 3, 2))

    click_shape(page, "il-chicago")

    expect(play_button(page)).to_have_attribute("aria-pressed", "false")
    shown = map_day(page)
    expect(panel(page, "il-chicago")).to_contain_text(f"On {shown.day} {shown:%B %Y}", timeout=WAIT)
    expect(page).to_have_url(url_with(day=iso(shown), selected="il-chicago"), timeout=WAIT)
    expect(box).to_have_attribute("data-day", iso(shown))


def test_open_a_shared_link_and_get_the_same_view(page: Page, app_server):
    open_app(page, app_server.url)
    choose_colouring(page, "Lawsuit")
    expect(legend(page)).to_have_attribute("data-legend", "Lawsuit", timeout=WAIT)
    click_shape(page, "il-chicago")
    expect(panel(page, "il-chicago")).to_be_visible(timeout=WAIT)
    press(page, "ArrowRight")
    expect(page).to_have_url(url_with(day="2017-04-22", colour="lawsuit", selected="il-chicago"), timeout=WAIT)
    shared = page.url
    category = shape(page, "il-chicago").get_attribute("data-category")

    other = page.context.new_page()
    open_app(other, shared)

    expect(map_container(other)).to_have_attribute("data-day", "2017-04-22")
    expect(day_slider(other)).to_have_attribute("aria-valuetext", "22 April 2017")
    expect(legend(other)).to_have_attribute("data-legend", "Lawsuit")
    expect(panel(other, "il-chicago").locator("h2")).to_contain_text("Chicago")
    expect(shape(other, "il-chicago")).to_have_attribute("data-category", category)
    expect(shape(other, "il-chicago")).to_have_attribute("stroke-width", "3")
    expect(other).to_have_url(url_with(day="2017-04-22", colour="lawsuit", selected="il-chicago"), timeout=WAIT)
    assert query_of(other.url) == query_of(shared)
    other.close()


def test_the_selection_stays_while_scrubbing(page: Page, app_server):
    open_app(page, app_server.url)
    click_shape(page, "il-chicago")
    chicago = shape(page, "il-chicago")
    expect(panel(page, "il-chicago")).to_be_visible(timeout=WAIT)
    expect(chicago).to_have_attribute("stroke-width", "3", timeout=WAIT)
    normal_width = shape(page, "ca-los-angeles").get_attribute("stroke-width")
    assert float(normal_width) < 3

    press(page, "ArrowRight", "ArrowRight")

    expect(page).to_have_url(url_with(day="2017-04-23", selected="il-chicago"), timeout=WAIT)
    selected_panel = panel(page, "il-chicago")
    expect(selected_panel).to_contain_text("On 23 April 2017", timeout=WAIT)
    expect(page.locator(".sm-panel")).to_have_count(1)
    expect(chicago).to_have_attribute("stroke-width", "3")
    expect(shape(page, "ca-los-angeles")).to_have_attribute("stroke-width", normal_width)


def test_one_click_selects_a_place_when_the_map_is_partly_off_screen(page: Page, app_server):
    open_app(page, app_server.url)
    # A shorter window: the bottom 120 px of the map are below the fold.
    frame_box = page.locator(MAP_IFRAME).bounding_box()
    viewport_height = int(frame_box["y"] + frame_box["height"]) - 120
    page.set_viewport_size({"width": 1400, "height": viewport_height})
    point = point_on(page, "il-chicago")
    chicago = shape(page, "il-chicago").bounding_box()
    assert 0 < chicago["y"] and chicago["y"] + chicago["height"] < viewport_height  # Chicago itself is on screen

    box = map_container(page)
    page.mouse.click(chicago["x"] + point["x"], chicago["y"] + point["y"])
    expect(box).to_have_attribute("data-clicks", "1")
    if box.get_attribute("data-chooser") == "open":  # Evanston is a few pixels away
        map_frame(page).locator('.sm-chooser button[data-jurisdiction="il-chicago"]').click()

    expect(panel(page, "il-chicago")).to_be_visible(timeout=WAIT)


def on_screen(target: Locator, page: Page) -> bool:
    box = target.bounding_box()
    size = page.viewport_size
    if box is None:
        return False
    return box["y"] >= 0 and box["x"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] + box["width"] <= size["width"]


def test_the_map_legend_and_timeline_fit_the_first_screenful_of_a_laptop(page: Page, app_server):
    page.set_viewport_size({"width": 1366, "height": 768})
    open_app(page, app_server.url)
    for part in [page.locator(MAP_IFRAME), legend(page), map_frame(page).locator(".sm-replay"), day_slider(page), play_button(page)]:
        expect(part).to_be_visible()
        assert on_screen(part, page), f"{part} is not in the first screenful: {part.bounding_box()}"
    assert page.get_by_test_id("stMain").evaluate("main => main.scrollTop") == 0


def test_on_a_phone_the_map_comes_first_and_the_controls_after(page: Page, app_server):
    page.set_viewport_size({"width": 390, "height": 844})
    open_app(page, app_server.url)
    frame = page.locator(MAP_IFRAME).bounding_box()
    assert frame["y"] < 844 and frame["y"] + frame["height"] / 2 < 844  # the map starts in the first screenful
    assert frame["width"] >= 330
    for control in [page.get_by_role("radiogroup", name="Colour by"), page.get_by_test_id("stSelectbox").filter(has_text="Find a place")]:
        assert control.bounding_box()["y"] > frame["y"] + frame["height"], "a control comes before the map"
    # The timeline fits the narrow map: Play and the day's slider are within it.
    for part in [play_button(page), day_slider(page)]:
        box = part.bounding_box()
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]


@pytest.mark.parametrize("failure", ["404", "invalid JSON", "network error"])
@pytest.mark.parametrize("resource", ["changes-", "boundaries.json"])
def test_a_failed_fetch_shows_a_message_and_retry_draws_the_map(page: Page, app_server, failure, resource):
    failing = {"on": True}

    def handle(route: Route) -> None:
        if not failing["on"]:
            route.continue_()
        elif failure == "404":
            route.fulfill(status=404, body="not found")
        elif failure == "invalid JSON":
            route.fulfill(status=200, content_type="application/json", body="{not json")
        else:
            route.abort("connectionreset")

    # The file itself, not the map script whose address names the files it prefetches.
    page.route(lambda url: resource in urlsplit(url).path.rsplit("/", 1)[-1], handle)
    page.goto(f"{app_server.url}/?day=2017-08-22")
    box = map_container(page)
    expect(box).to_have_attribute("data-load", "failed", timeout=FIRST_LOAD_MS)
    message = map_frame(page).get_by_role("alert")
    expect(message).to_contain_text("could not load")
    expect(map_frame(page).locator("path.shape")).to_have_count(0)
    # The rest of the page does not wait for a map that cannot load: Find a place still reaches every place.
    expect(page.get_by_test_id("stSelectbox").filter(has_text="Find a place")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("heading", name="On 22 August 2017")).to_be_visible(timeout=WAIT)

    failing["on"] = False
    message.get_by_role("button", name="Retry").click()

    expect(box).to_have_attribute("data-load", "ready", timeout=WAIT)
    expect(map_frame(page).get_by_role("alert")).to_have_count(0)
    expect(box).to_have_attribute("data-day", "2017-08-22")
    assert int(box.get_attribute("data-shapes")) > 50
