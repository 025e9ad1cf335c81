"""Browser tests of the map page itself (issue 20): its colours are the legend's, every place answers a
click, the reader knows where they are, the timeline shows when things happened, and the frame is a
named landmark. In Debian's Chromium (run with --browser-tests); every wait is on the page's state.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Frame, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from harness.browser import FIRST_LOAD_MS, MAP_IFRAME, map_container, map_frame, open_app
from harness.page import WAIT, caption, day_slider, events_only, legend, panel, play_button, shape, speed_select, wait_for_day_after
from sanctuarymap.data import status
from sanctuarymap.page import maps

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def frame_of(page: Page) -> Frame:
    frame = page.locator(MAP_IFRAME).element_handle().content_frame()
    assert frame is not None
    return frame


def show_map(page: Page) -> None:
    page.locator(MAP_IFRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    red, green, blue = (int(n) for n in re.findall(r"\d+", css)[:3])
    return red, green, blue


# What every drawn place is painted with: its computed fill and opacities, and every swatch of the legend.
PAINTED = """() => {
    const places = [...document.querySelectorAll('path.shape')].map(path => {
        const css = getComputedStyle(path);
        let opacity = 1;
        for (let node = path; node && node.nodeType === 1; node = node.parentNode) opacity *= Number(getComputedStyle(node).opacity);
        return {id: path.getAttribute('data-jurisdiction'), category: path.getAttribute('data-category'),
                changed: path.getAttribute('data-changed'), fill: css.fill, fillOpacity: css.fillOpacity, opacity};
    });
    const swatches = {}, faded = {};
    for (const item of document.querySelectorAll('.sm-legend-item')) {
        const label = item.querySelector('.sm-legend-label').textContent;
        swatches[label] = getComputedStyle(item.querySelector('.sm-swatch')).backgroundColor;
        const pale = item.querySelector('.sm-swatch-faded');
        if (pale) faded[label] = getComputedStyle(pale).backgroundColor;
    }
    const ground = getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor;
    return {places, swatches, faded, ground};
}"""


@pytest.mark.parametrize(
    ("query", "dimension"),
    [("", status.SANCTUARY), ("?colour=pressure&day=2017-08-22", status.PRESSURE), ("?colour=lawsuit&day=2017-10-01", status.LAWSUIT)],
)
def test_the_computed_fill_of_every_drawn_place_equals_its_legend_swatch(page: Page, app_server, query, dimension):
    open_app(page, f"{app_server.url}/{query}")
    painted = frame_of(page).evaluate(PAINTED)
    assert list(painted["swatches"]) == [c.label for c in dimension.categories] + [status.NO_RECORD.label]
    assert len(painted["places"]) > 50
    for place in painted["places"]:
        # Opaque, through every parent: a county over its state shows its own colour, never a blend.
        assert (place["fillOpacity"], place["opacity"]) == ("1", 1), place
        assert place["fill"] == painted["swatches"][place["category"]], place
    # A place with no record shows the map's ground, which the legend names, distinct from the baseline.
    assert painted["ground"] == painted["swatches"][status.NO_RECORD.label]
    baseline = painted["swatches"][dimension.categories[0].label]
    assert contrast(rgb(painted["ground"]), rgb(baseline)) >= 3


def test_while_comparing_every_place_is_a_full_or_a_pale_legend_swatch(page: Page, app_server):
    box = open_app(page, f"{app_server.url}/?colour=lawsuit&day=2017-08-22&compare=2017-03-01")
    expect(box).to_have_attribute("data-compare", "2017-03-01")
    painted = frame_of(page).evaluate(PAINTED)
    assert list(painted["faded"]) == [c.label for c in status.LAWSUIT.categories]
    looks = {"true": 0, "false": 0}
    for place in painted["places"]:
        assert (place["fillOpacity"], place["opacity"]) == ("1", 1), place
        swatches = painted["swatches"] if place["changed"] == "true" else painted["faded"]
        assert place["fill"] == swatches[place["category"]], place
        looks[place["changed"]] += 1
    assert looks["true"] > 0 and looks["false"] > 0
    expect(legend(page).locator(".sm-legend-note")).to_contain_text("pale")


# Every city's dot: its id and the centre of its box, in the page's coordinates.
CITY_CENTRES = """frame => {
    const at = frame.getBoundingClientRect(), doc = frame.contentDocument;
    return [...doc.querySelectorAll('path.shape.city')].map(path => {
        const box = path.getBoundingClientRect();
        return [path.getAttribute('data-jurisdiction'), at.left + box.left + box.width / 2, at.top + box.top + box.height / 2];
    });
}"""


def click_and_choose(page: Page, x: float, y: float, jurisdiction_id: str) -> str:
    """Click at (x, y); if the map asks which place, choose ``jurisdiction_id`` when it is offered.
    Return what the map reported as clicked, "" for nothing."""
    box = map_container(page)
    clicks = int(box.get_attribute("data-clicks") or 0)
    page.mouse.click(x, y)
    expect(box).to_have_attribute("data-clicks", str(clicks + 1))
    if box.get_attribute("data-chooser") == "open":
        offered = map_frame(page).locator(f'.sm-chooser button[data-jurisdiction="{jurisdiction_id}"]')
        if offered.count() == 0:
            page.keyboard.press("Escape")
            expect(box).not_to_have_attribute("data-chooser", "open")
            return "chooser without it"
        offered.click()
        expect(box).not_to_have_attribute("data-chooser", "open")
    clicked = box.get_attribute("data-clicked") or ""
    # The server opens the place before the next click: clicks faster than its reruns are another matter.
    if clicked:
        expect(panel(page, clicked)).to_be_visible(timeout=WAIT)
    return clicked


def test_clicking_the_centre_of_every_city_s_dot_opens_that_city(page: Page, app_server):
    page.set_viewport_size(LAPTOP)
    box = open_app(page, app_server.url)
    show_map(page)
    cities = [j for j, _, _ in page.locator(MAP_IFRAME).evaluate(CITY_CENTRES)]
    assert len(cities) == int(box.get_attribute("data-shapes")) - map_frame(page).locator("path.shape:not(.city)").count()
    assert len(cities) > 50
    frame = frame_of(page)
    where = "() => [window.map.getZoom(), window.map.getCenter().lat.toFixed(5), window.map.getCenter().lng.toFixed(5)]"
    opening_view = frame.evaluate(where)
    opened = {}
    for jurisdiction_id in cities:
        # Where the dot is now: the page around the map may have moved while the server answered a click.
        x, y = next((x, y) for j, x, y in page.locator(MAP_IFRAME).evaluate(CITY_CENTRES) if j == jurisdiction_id)
        opened[jurisdiction_id] = click_and_choose(page, x, y, jurisdiction_id)
        # A target of 24 x 24 px: 11 px off the dot's centre still reaches it (directly or through the chooser).
        opened[jurisdiction_id + " +11px"] = click_and_choose(page, x + 11, y, jurisdiction_id)
    assert frame.evaluate(where) == opening_view  # neither a click nor a chooser moved the map
    wrong = {target: got for target, got in opened.items() if got != target.split(" ")[0]}
    assert wrong == {}, f"{len(wrong)} of {len(opened)} clicks did not open the city aimed at"


def test_the_chooser_names_the_places_under_the_pointer_and_escape_closes_it(page: Page, app_server):
    page.set_viewport_size(LAPTOP)
    box = open_app(page, app_server.url)
    show_map(page)
    centres = {j: (x, y) for j, x, y in page.locator(MAP_IFRAME).evaluate(CITY_CENTRES)}
    x, y = centres["ma-boston"]
    page.mouse.click(x, y)
    expect(box).to_have_attribute("data-chooser", "open")
    chooser = map_frame(page).get_by_role("group", name=re.compile(r"places here"))
    names = chooser.get_by_role("button").all_text_contents()
    assert "Boston, MA" in names and "Somerville, MA" in names
    expect(chooser.get_by_role("button").first).to_be_focused()  # the keyboard is in the chooser at once
    for target in chooser.get_by_role("button").all():
        size = target.bounding_box()
        assert size["height"] >= 24 and size["width"] >= 24
    page.keyboard.press("Escape")
    expect(box).not_to_have_attribute("data-chooser", "open")
    assert box.get_attribute("data-clicked") is None  # nothing opened in silence


def test_the_legend_folds_with_the_keyboard_and_covers_no_place_at_the_opening_view(page: Page, app_server):
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        open_app(page, f"{app_server.url}/?colour=pressure")
        show_map(page)
        expect(legend(page)).to_have_attribute("data-legend", "Federal pressure")
        covered = frame_of(page).evaluate("""() => {
            const legend = document.querySelector('.sm-legend').getBoundingClientRect();
            return [...document.querySelectorAll('path.shape')].filter(path => {
                const b = path.getBoundingClientRect();
                return b.left < legend.right && legend.left < b.right && b.top < legend.bottom && legend.top < b.bottom;
            }).map(path => path.getAttribute('data-jurisdiction'));
        }""")
        assert covered == [], f"at {viewport} the legend covers {covered}"
    toggle = legend(page).get_by_role("button", name="Legend: Federal pressure")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(legend(page).locator(".sm-legend-item").first).to_be_hidden()
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(legend(page).locator(".sm-legend-item").first).to_be_visible()


# The home view's extent, in the map's pixels, and the map's size.
HOME_EXTENT = """() => {
    const map = window.map, size = map.getSize();
    const sw = map.latLngToContainerPoint([24.4, -125.0]), ne = map.latLngToContainerPoint([49.4, -66.9]);
    return {width: ne.x - sw.x, height: sw.y - ne.y, mapWidth: size.x, mapHeight: size.y, bottom: sw.y, top: ne.y};
}"""


def assert_the_country_fills_the_room(page: Page) -> None:
    """The home view shows the whole country between the legend and the timeline, as large as that room allows."""
    home = frame_of(page).evaluate(HOME_EXTENT)
    # As large as the room allows: the country spans most of the map's width or of the room's height.
    room = frame_of(page).evaluate("""() => {
        const box = document.querySelector('.leaflet-container').getBoundingClientRect();
        return {top: document.querySelector('.sm-legend').getBoundingClientRect().bottom - box.top,
                bottom: document.querySelector('.sm-replay').getBoundingClientRect().top - box.top};
    }""")
    assert home["top"] >= room["top"] and home["bottom"] <= room["bottom"], (home, room)
    assert home["width"] >= 0.8 * home["mapWidth"] or home["height"] >= 0.8 * (room["bottom"] - room["top"]), (home, room)
    assert frame_of(page).evaluate("() => window.map.getMinZoom() < window.map.getZoom() && window.map.getMaxZoom() <= 12")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_first_view_fits_the_country_to_the_map_between_legend_and_timeline(page: Page, app_server, viewport):
    page.set_viewport_size(viewport)
    box = open_app(page, app_server.url)
    expect(box).to_have_attribute("data-home-zoom", re.compile(r"^\d"))
    assert_the_country_fills_the_room(page)


# A window so narrow that the map's frame (16 px wide) is narrower than the least room the first view is
# fitted into (sanctuarymap.js's MIN_HOME_ROOM, 60 px): what a frame not yet laid out gives the map.
NO_ROOM = {"width": 40, "height": 768}
# The map page's own stylesheet is loaded (a sheet is listed once its file is in).
STYLED = "() => [...document.styleSheets].some(sheet => /sanctuarymap\\.css/.test(sheet.href || ''))"


def test_a_map_that_gets_its_room_late_fits_the_country_once_it_has_it(page: Page, app_server):
    # On a busy machine the frame can be painted before it has its size; fitted then, the country came out at
    # Leaflet's largest zoom (11) and stayed there. The first view waits for the map's size instead.
    page.set_viewport_size(NO_ROOM)
    page.goto(app_server.url)
    box = map_container(page)
    expect(box).to_have_attribute("data-reports", re.compile(r"^[1-9]\d*$"), timeout=FIRST_LOAD_MS)  # the first view is painted
    assert page.locator(MAP_IFRAME).bounding_box()["width"] < 60  # the case under test: no room yet
    assert box.get_attribute("data-home-zoom") is None  # not fitted into no room
    # The map page's stylesheet is in before the room comes, so that the room measured is the styled legend's and
    # timeline's: fitHome measured before it was in is another case (under load it left the map unfitted).
    frame_of(page).wait_for_function(STYLED, timeout=WAIT)
    page.set_viewport_size(LAPTOP)
    expect(box).to_have_attribute("data-home-zoom", re.compile(r"^[2-6](\.\d+)?$"))  # the whole country, not a county
    assert_the_country_fills_the_room(page)
    expect(shape(page, "il-chicago")).to_be_in_viewport()  # a city on the map, in the frame's view


# The home view between the legend and the timeline (what assert_the_country_fills_the_room checks), waited for.
FILLS_THE_ROOM = f"""() => {{
    const home = ({HOME_EXTENT})(), box = document.querySelector('.leaflet-container').getBoundingClientRect();
    const top = document.querySelector('.sm-legend').getBoundingClientRect().bottom - box.top;
    const bottom = document.querySelector('.sm-replay').getBoundingClientRect().top - box.top;
    return home.top >= top && home.bottom <= bottom && (home.width >= 0.8 * home.mapWidth || home.height >= 0.8 * (bottom - top));
}}"""


def test_a_map_styled_only_after_its_first_view_fits_the_country_to_the_styled_room(page: Page, app_server):
    # Under load the map page's stylesheet can apply after the first fit, which the frame's size does not show:
    # measured unstyled, the room was wrong, or there was none and the map stayed unfitted.
    styles = (maps.STATIC / "css" / "sanctuarymap.css").read_text(encoding="utf-8")
    page.route(re.compile(r"/css/sanctuarymap\.css"), lambda route: route.fulfill(status=200, content_type="text/css", body=""))
    page.set_viewport_size(LAPTOP)
    page.goto(app_server.url)
    box = map_container(page)
    expect(box).to_have_attribute("data-reports", re.compile(r"^[1-9]\d*$"), timeout=FIRST_LOAD_MS)  # painted, unstyled
    assert not frame_of(page).evaluate(FILLS_THE_ROOM)  # the case under test: the unstyled page's fit, if any, is not the styled one's
    frame_of(page).add_style_tag(content=styles)
    frame_of(page).wait_for_function(FILLS_THE_ROOM, timeout=WAIT)
    expect(box).to_have_attribute("data-home-zoom", re.compile(r"^[2-6](\.\d+)?$"))
    assert_the_country_fills_the_room(page)
    expect(shape(page, "il-chicago")).to_be_in_viewport()


def test_state_and_city_names_are_written_where_they_fit(page: Page, app_server):
    page.set_viewport_size(LAPTOP)
    box = open_app(page, app_server.url)
    labels = map_frame(page).locator(".sm-label-text")
    shown = map_frame(page).locator('.sm-label-text[data-shown="true"]')
    expect(labels.filter(has_text=re.compile(r"^Texas$"))).to_have_attribute("data-shown", "true")
    expect(labels.filter(has_text=re.compile(r"^Rhode Island$"))).to_have_attribute("data-shown", "false")  # too narrow here
    expect(labels.filter(has_text=re.compile(r"^Chicago$"))).to_have_attribute("data-shown", "false")  # cities later
    assert shown.count() >= 20

    def no_overlap() -> None:
        rects = shown.evaluate_all("spans => spans.map(s => s.getBoundingClientRect()).map(b => [b.left, b.top, b.right, b.bottom])")
        for i, a in enumerate(rects):
            for b in rects[i + 1 :]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)

    no_overlap()
    labelled = int(box.get_attribute("data-labels"))
    frame_of(page).evaluate(
        "() => new Promise(done => { window.map.once('zoomend', () => done()); window.map.setView([41.88, -87.63], 8, {animate: false}); })"
    )
    expect(box).not_to_have_attribute("data-labels", str(labelled))
    expect(labels.filter(has_text=re.compile(r"^Chicago$"))).to_have_attribute("data-shown", "true")
    expect(labels.filter(has_text=re.compile(r"^Chicago$"))).to_be_visible()
    no_overlap()


def test_find_a_place_frames_it_with_its_surroundings(page: Page, app_server):
    page.set_viewport_size(LAPTOP)
    open_app(page, app_server.url)
    frame = frame_of(page)
    home = frame.evaluate("() => window.map.getZoom()")
    page.get_by_role("combobox", name="Find a place").click()
    page.keyboard.type("Los Angeles County, CA")
    page.keyboard.press("Enter")
    frame.wait_for_function("home => window.map.getZoom() > home", arg=home, timeout=WAIT)
    county = shape(page, "ca-los-angeles-county").bounding_box()
    size = page.locator(MAP_IFRAME).bounding_box()
    assert county["width"] < 0.6 * size["width"] and county["height"] < 0.6 * size["height"], county
    expect(map_frame(page).locator('.sm-label-text[data-shown="true"]').first).to_be_visible()


def test_the_wheel_scrolls_the_page_until_the_reader_engages_the_map(page: Page, app_server):
    page.set_viewport_size(LAPTOP)
    box = open_app(page, app_server.url)
    frame = frame_of(page)
    zoom = frame.evaluate("() => window.map.getZoom()")
    main = page.get_by_test_id("stMain")
    at = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.move(at["x"] + at["width"] / 2, at["y"] + 140)
    page.mouse.wheel(0, 300)
    page.wait_for_function("() => document.querySelector('[data-testid=stMain]').scrollTop > 0", timeout=WAIT)
    expect(map_frame(page).locator(".sm-wheel-hint")).to_be_visible()
    assert frame.evaluate("() => window.map.getZoom()") == zoom
    # Ctrl + wheel zooms the map at once.
    main.evaluate("main => { main.scrollTop = 0; }")
    at = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.move(at["x"] + 30, at["y"] + at["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    frame.wait_for_function("zoom => window.map.getZoom() > zoom", arg=zoom, timeout=WAIT)
    # Once the reader has pressed in the map, the wheel zooms it.
    zoomed = frame.evaluate("() => window.map.getZoom()")
    page.mouse.down()
    page.mouse.up()
    expect(box).to_have_attribute("data-engaged", "true")
    # The reader scrolls on until the map zooms out, the pointer moving a little between turns of the wheel: in
    # headless Chromium on a busy machine, Leaflet's wheel zoom can let turns after the press pass unheard.
    for turn in range(3):
        page.mouse.move(at["x"] + 60 + 10 * turn, at["y"] + at["height"] / 2)
        page.mouse.wheel(0, 300)
        try:
            frame.wait_for_function("zoom => window.map.getZoom() < zoom", arg=zoomed, timeout=WAIT)
            break
        except PlaywrightTimeoutError:
            continue  # unheard: the next turn
    assert frame.evaluate("() => window.map.getZoom()") < zoomed


def test_play_is_readable_by_default_events_only_is_a_switch_and_the_map_says_which_day_the_page_shows(page: Page, app_server):
    box = open_app(page, f"{app_server.url}/?day=2017-02-01")
    expect(speed_select(page)).to_have_value("4")
    switch = events_only(page)
    expect(switch).to_have_attribute("aria-pressed", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "true")
    expect(speed_select(page)).to_be_disabled()
    note = map_frame(page).locator(".sm-panel-note")
    expect(note).to_be_hidden()
    play_button(page).click()
    expect(box).to_have_attribute("data-speed", "events")
    wait_for_day_after(page, date(2017, 2, 1))
    expect(note).to_be_visible()
    expect(note).to_have_text("The page beside the map still shows 1 February 2017: pause to bring it to this day.")
    play_button(page).click()
    expect(note).to_be_hidden()
    shown = date.fromisoformat(box.get_attribute("data-day"))
    expect(page.get_by_role("heading", name=f"On {shown.day} {shown:%B %Y}")).to_be_visible(timeout=WAIT)
    switch.click()
    expect(speed_select(page)).to_be_enabled()


def test_on_a_phone_the_caption_wraps_instead_of_being_cut(page: Page, app_server):
    page.set_viewport_size(PHONE)
    open_app(page, f"{app_server.url}/?day=2017-04-21")
    expect(caption(page)).to_contain_text("21 Apr 2017 · ")
    fits = caption(page).evaluate(
        "c => ({wide: c.scrollWidth <= c.clientWidth, "
        "lines: c.getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight)})"
    )
    assert fits["wide"] and fits["lines"] > 1.5, fits


def test_the_event_ticks_show_when_things_happened_and_a_click_goes_to_the_day(page: Page, app_server, shipped):
    box = open_app(page, f"{app_server.url}/?day=2017-01-10")
    ticks = map_frame(page).locator("rect.sm-tick")
    expect(ticks).to_have_count(len(shipped.event_days))
    days = ticks.evaluate_all("ticks => ticks.map(t => t.getAttribute('data-day'))")
    assert days == [d.isoformat() for d in shipped.event_days]
    # The busiest day stands tallest.
    heights = ticks.evaluate_all("ticks => ticks.map(t => [Number(t.getAttribute('data-events')), t.getBBox().height])")
    assert max(heights)[1] == max(h for _, h in heights)
    # A tick is about a pixel wide here, and a click goes to the nearest: one with no other within two days.
    alone = next(d for d in shipped.event_days if d > date(2017, 2, 1) and all(abs((d - o).days) > 2 for o in shipped.event_days if o != d))
    map_frame(page).locator(f'rect.sm-tick[data-day="{alone.isoformat()}"]').click()
    expect(box).to_have_attribute("data-day", alone.isoformat())
    expect(day_slider(page)).to_have_attribute("aria-valuetext", f"{alone.day} {alone:%B %Y}")
    expect(box).to_have_attribute("data-reported", alone.isoformat(), timeout=WAIT)


def test_the_map_frame_is_a_named_landmark_with_a_heading_and_allows_pinch_zoom(page: Page, app_server):
    open_app(page, app_server.url)
    expect(page.locator(MAP_IFRAME)).to_have_attribute("title", maps.MAP_TITLE)
    inside = map_frame(page)
    expect(inside.get_by_role("main", name=maps.MAP_TITLE)).to_have_count(1)
    expect(inside.get_by_role("heading", level=1, name=maps.MAP_TITLE)).to_have_count(1)
    viewports = inside.locator('meta[name="viewport"]').evaluate_all("metas => metas.map(m => m.content)")
    assert viewports and [v for v in viewports if "user-scalable=no" in v or "maximum-scale" in v] == []
    # The frame's own text stands at least 4.5:1 against what it is written on.
    low = frame_of(page).evaluate("""() => {
        const parse = c => c.match(/[\\d.]+/g).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
            .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
        const ground = node => { for (; node && node.nodeType === 1; node = node.parentElement) {
            const c = parse(getComputedStyle(node).backgroundColor); if (c.length < 4 || c[3] > 0.5) return c; }
            return [255, 255, 255]; };
        const out = [];
        for (const node of document.querySelectorAll('.sm-replay *, .sm-legend *, .sm-chooser *')) {
            if (!node.childNodes.length || ![...node.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
            if (node.closest('[hidden]') || node.closest('.sm-visually-hidden')) continue;
            const a = lum(parse(getComputedStyle(node).color)), b = lum(ground(node));
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            if (ratio < 4.5) out.push([node.className, node.textContent.slice(0, 30), ratio.toFixed(2)]);
        }
        return out;
    }""")
    assert low == []
