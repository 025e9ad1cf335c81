"""Browser tests: what a reader does with the page, in Debian's Chromium (run with --browser-tests).

One test per thing a person does: open the page, scrub with the keyboard, click a city, switch the
colouring, press play, share a link, keep a selection while scrubbing. Every test also checks that
the browser asked nothing of any host but the app's own (see ``only_local_requests``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from sanctuarymap import status

pytestmark = pytest.mark.e2e

WAIT = 20_000  # ms; generous, since a rerun of the app can take a second or two on a busy machine
FIRST_LOAD = 40_000  # ms; the first page of a session also loads the records and the boundaries
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about"}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Wide enough for the app's wide layout: the map and the story panel side by side.
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(autouse=True)
def only_local_requests(page: Page):
    """Record every request and websocket of every page in the test's context; after the test, all are local."""
    seen: list[str] = []
    page.context.on("request", lambda request: seen.append(request.url))
    page.on("websocket", lambda socket: seen.append(socket.url))
    page.context.on("page", lambda other: other.on("websocket", lambda socket: seen.append(socket.url)))
    yield seen
    assert seen, "no request was recorded: the check below would prove nothing"
    outside = sorted({url for url in seen if not is_local(url)})
    assert outside == [], f"requests left localhost: {outside}"


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


# --- Helpers: reaching into the page.


def map_frame(page: Page):
    return page.frame_locator(MAP_IFRAME)


def shape(page: Page, jurisdiction_id: str) -> Locator:
    return map_frame(page).locator(f'path.shape[data-jurisdiction="{jurisdiction_id}"]')


def open_app(page: Page, app_server, query: str = "", url: str | None = None) -> Locator:
    """Open the app (at ``query``, or at a whole ``url``) and wait until the shapes are drawn and coloured once.

    Returns the map's container.
    """
    page.goto(url or f"{app_server.url}/{query}")
    container = map_frame(page).locator(".leaflet-container")
    expect(container).to_have_attribute("data-restyled", re.compile(r"^[1-9]\d*$"), timeout=FIRST_LOAD)
    return container


def slider(page: Page) -> Locator:
    return page.get_by_role("slider")


def slider_day(page: Page) -> date:
    return datetime.strptime(slider(page).get_attribute("aria-valuetext"), "%d %b %Y").date()


def slider_value(day: date) -> int:
    """The slider input's value for ``day``: microseconds since 1970-01-01, UTC."""
    return (day - date(1970, 1, 1)).days * 86_400_000_000


def press_day_keys(page: Page, key: str, times: int = 1) -> None:
    slider(page).focus()
    for _ in range(times):
        page.keyboard.press(key)


def click_shape(page: Page, jurisdiction_id: str) -> None:
    """A real mouse click at the centre of a jurisdiction's shape, with the whole map on screen.

    The map is scrolled into view first, as a reader would: with the map only partly on screen the
    first click is lost (see test_one_click_selects_a_place_when_the_map_is_partly_off_screen).
    """
    page.locator(MAP_IFRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")
    shape(page, jurisdiction_id).click()


def play_toggle(page: Page) -> Locator:
    return page.get_by_test_id("stCheckbox").filter(has_text="Play")


def choose_colouring(page: Page, label: str) -> None:
    page.get_by_role("radiogroup", name="Colour by").get_by_text(label, exact=True).click()


def legend(page: Page) -> Locator:
    return page.locator("div.sm-legend")


def panel(page: Page, jurisdiction_id: str) -> Locator:
    return page.locator(f'.sm-panel[data-selected="{jurisdiction_id}"]')


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def url_with(**params: str) -> re.Pattern:
    """A pattern for the page URL having each of ``params`` as a query parameter."""
    return re.compile("".join(rf"(?=.*[?&]{key}={re.escape(value)}(&|$))" for key, value in params.items()))


def rgb_of(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


def swatch_colour(page: Page, category_label: str) -> str:
    item = legend(page).locator(".sm-legend-item").filter(has_text=re.compile(rf"^{re.escape(category_label)}$"))
    return item.locator(".sm-swatch").evaluate("swatch => getComputedStyle(swatch).backgroundColor")


def day_passes(page: Page, limit: date, within_ms: int) -> bool:
    """Whether the slider's day goes past ``limit`` within ``within_ms``."""
    try:
        page.wait_for_function(
            "limit => Number(document.querySelector('input[type=range]').value) > limit",
            arg=slider_value(limit),
            timeout=within_ms,
            polling=100,
        )
    except PlaywrightError:
        return False
    return True


def replay_resumes(page: Page, limit: date, within_ms: int) -> bool:
    """Whether, within ``within_ms``, the Play toggle turns itself back on or the day goes past ``limit``."""
    try:
        page.wait_for_function(
            """limit => document.querySelector('input[role=switch][aria-label="Play"]').checked
                        || Number(document.querySelector('input[type=range]').value) > limit""",
            arg=slider_value(limit),
            timeout=within_ms,
            polling=100,
        )
    except PlaywrightError:
        return False
    return True


# --- The tests: one per thing a reader does.


def test_open_the_page_and_see_the_map(page: Page, app_server, docs_dir):
    container = open_app(page, app_server, "?day=2017-08-22&colour=lawsuit&selected=ca-los-angeles")

    shapes = int(container.get_attribute("data-shapes"))
    assert shapes > 50
    expect(map_frame(page).locator("path.shape")).to_have_count(shapes)
    expect(legend(page)).to_have_attribute("data-legend", "Lawsuit")
    expect(legend(page).locator(".sm-legend-item")).to_have_text([c.label for c in status.LAWSUIT.categories])
    expect(shape(page, "ca-los-angeles")).to_have_attribute("data-category", "Suing, no ruling yet")
    expect(panel(page, "ca-los-angeles").locator("h3")).to_contain_text("Los Angeles", timeout=WAIT)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_be_visible(timeout=WAIT)

    # stMain, not the document, scrolls: grow the window to the content for a whole-page picture.
    height = page.get_by_test_id("stMain").evaluate("main => main.scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(max(height, 1000), 4000)})
    screenshot = docs_dir / "screenshot.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 10_000


def test_scrub_with_the_keyboard_recolours_the_map(page: Page, app_server):
    open_app(page, app_server, "?day=2017-08-21&colour=lawsuit")
    los_angeles = shape(page, "ca-los-angeles")
    expect(slider(page)).to_have_attribute("aria-valuetext", "21 Aug 2017")
    expect(los_angeles).to_have_attribute("data-category", "No lawsuit")
    fill_before = los_angeles.get_attribute("fill")

    press_day_keys(page, "ArrowRight")

    expect(slider(page)).to_have_attribute("aria-valuetext", "22 Aug 2017", timeout=WAIT)
    expect(los_angeles).to_have_attribute("data-category", "Suing, no ruling yet", timeout=WAIT)
    expect(los_angeles).not_to_have_attribute("fill", fill_before)
    # The map and the legend agree on the colour of each category it shows.
    assert rgb_of(los_angeles.get_attribute("fill")) == swatch_colour(page, "Suing, no ruling yet")
    assert rgb_of(fill_before) == swatch_colour(page, "No lawsuit")
    expect(page).to_have_url(url_with(day="2017-08-22", colour="lawsuit"), timeout=WAIT)


def test_click_a_city_to_read_its_events_and_sources(page: Page, app_server):
    open_app(page, app_server)
    expect(slider(page)).to_have_attribute("aria-valuetext", "21 Apr 2017")  # the default day

    click_shape(page, "il-chicago")

    chicago = panel(page, "il-chicago")
    expect(chicago).to_be_visible(timeout=WAIT)
    expect(chicago.locator("h3")).to_contain_text("Chicago")
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
    expect(page).to_have_url(url_with(selected="il-chicago"), timeout=WAIT)


def test_switch_the_colouring_and_see_the_legend_change(page: Page, app_server):
    open_app(page, app_server)
    chicago = shape(page, "il-chicago")
    expect(legend(page)).to_have_attribute("data-legend", "Sanctuary status")
    sanctuary_labels = [c.label for c in status.SANCTUARY.categories]
    assert chicago.get_attribute("data-category") in sanctuary_labels

    choose_colouring(page, "Federal pressure")

    expect(legend(page)).to_have_attribute("data-legend", "Federal pressure", timeout=WAIT)
    expect(legend(page)).to_have_count(1)
    expect(legend(page).locator(".sm-legend-item")).to_have_text([c.label for c in status.PRESSURE.categories])
    expect(chicago).to_have_attribute("data-category", "Warned by DOJ letter", timeout=WAIT)  # DOJ wrote on 21 Apr
    assert rgb_of(chicago.get_attribute("fill")) == swatch_colour(page, "Warned by DOJ letter")
    expect(page).to_have_url(url_with(day="2017-04-21", colour="pressure"), timeout=WAIT)

    # A day earlier, Chicago was only named in the 2016 Inspector General's memo.
    press_day_keys(page, "ArrowLeft")
    expect(chicago).to_have_attribute("data-category", "Named in a federal report", timeout=WAIT)


def test_press_play_and_the_day_advances(page: Page, app_server):
    open_app(page, app_server, "?day=2017-02-01")
    start = slider_day(page)
    assert start == date(2017, 2, 1)

    play_toggle(page).click()

    expect(play_toggle(page).get_by_role("switch")).to_be_checked(timeout=WAIT)
    assert day_passes(page, start + timedelta(days=1), within_ms=10_000), (
        f"Play moved the day from {start} to only {slider_day(page)} in 10 s"
    )
    expect(page).not_to_have_url(url_with(day="2017-02-01"), timeout=WAIT)  # the link follows the replay


def test_pause_stops_the_replay(page: Page, app_server):
    open_app(page, app_server, "?day=2017-02-01")
    switch = play_toggle(page).get_by_role("switch")
    # The bug is a race, lost most of the time: a few rounds of play and pause make a pass by luck unlikely.
    for _ in range(5):
        play_toggle(page).click()
        expect(switch).to_be_checked(timeout=WAIT)
        assert day_passes(page, slider_day(page), within_ms=10_000), "Play did not move the day"

        play_toggle(page).click()
        expect(switch).not_to_be_checked(timeout=5_000)  # the toggle itself flips at once, in the browser
        paused_on = slider_day(page)
        # The step under way when Pause arrives may still show one more day; after that nothing moves.
        assert not replay_resumes(page, paused_on + timedelta(days=1), within_ms=2_500), (
            f"paused on {paused_on}, yet the replay went on to {slider_day(page)} "
            f"with the Play toggle {'on' if switch.is_checked() else 'off'}"
        )
    expect(page).to_have_url(url_with(day=slider_day(page).isoformat()), timeout=WAIT)


def test_open_a_shared_link_and_get_the_same_view(page: Page, app_server):
    open_app(page, app_server)
    choose_colouring(page, "Lawsuit")
    expect(legend(page)).to_have_attribute("data-legend", "Lawsuit", timeout=WAIT)
    click_shape(page, "il-chicago")
    expect(panel(page, "il-chicago")).to_be_visible(timeout=WAIT)
    press_day_keys(page, "ArrowRight")
    expect(slider(page)).to_have_attribute("aria-valuetext", "22 Apr 2017", timeout=WAIT)
    expect(page).to_have_url(url_with(day="2017-04-22", colour="lawsuit", selected="il-chicago"), timeout=WAIT)
    shared = page.url
    category = shape(page, "il-chicago").get_attribute("data-category")

    other = page.context.new_page()
    open_app(other, app_server, url=shared)

    expect(slider(other)).to_have_attribute("aria-valuetext", "22 Apr 2017")
    expect(legend(other)).to_have_attribute("data-legend", "Lawsuit")
    expect(panel(other, "il-chicago").locator("h3")).to_contain_text("Chicago")
    expect(shape(other, "il-chicago")).to_have_attribute("data-category", category)
    expect(shape(other, "il-chicago")).to_have_attribute("stroke-width", "3")
    expect(other).to_have_url(url_with(day="2017-04-22", colour="lawsuit", selected="il-chicago"), timeout=WAIT)
    assert query_of(other.url) == query_of(shared)
    other.close()


def test_the_selection_stays_while_scrubbing(page: Page, app_server):
    open_app(page, app_server)
    click_shape(page, "il-chicago")
    chicago = shape(page, "il-chicago")
    expect(panel(page, "il-chicago")).to_be_visible(timeout=WAIT)
    expect(chicago).to_have_attribute("stroke-width", "3", timeout=WAIT)
    normal_width = shape(page, "ca-los-angeles").get_attribute("stroke-width")
    assert float(normal_width) < 3

    press_day_keys(page, "ArrowRight", times=2)

    expect(slider(page)).to_have_attribute("aria-valuetext", "23 Apr 2017", timeout=WAIT)
    expect(page).to_have_url(url_with(day="2017-04-23", selected="il-chicago"), timeout=WAIT)
    selected_panel = panel(page, "il-chicago")
    expect(selected_panel).to_contain_text("On 23 April 2017", timeout=WAIT)
    expect(selected_panel.locator("h3")).to_contain_text("Chicago")
    expect(page.locator(".sm-panel")).to_have_count(1)
    expect(chicago).to_have_attribute("stroke-width", "3")
    expect(shape(page, "ca-los-angeles")).to_have_attribute("stroke-width", normal_width)


def test_one_click_selects_a_place_when_the_map_is_partly_off_screen(page: Page, app_server):
    open_app(page, app_server)
    # A shorter window, as on a laptop: the bottom 120 px of the map are below the fold.
    frame_box = page.locator(MAP_IFRAME).bounding_box()
    viewport_height = int(frame_box["y"] + frame_box["height"]) - 120
    page.set_viewport_size({"width": 1400, "height": viewport_height})
    chicago = shape(page, "il-chicago").bounding_box()
    assert 0 < chicago["y"] and chicago["y"] + chicago["height"] < viewport_height  # Chicago itself is on screen

    page.mouse.click(chicago["x"] + chicago["width"] / 2, chicago["y"] + chicago["height"] / 2)

    expect(panel(page, "il-chicago")).to_be_visible(timeout=5_000)
