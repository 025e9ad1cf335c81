"""What the browser tests do to the page, as a reader would: find the map's controls and shapes, press keys,
click a place, and read back what the map paints. Shared by the browser tests (tests/browser/) and the proxy test."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, Position, expect

from harness.browser import MAP_IFRAME, click_place, map_container, map_frame
from sanctuarymap.data import status

WAIT = 20_000  # ms; generous, since a rerun of the app can take a second or two on a busy machine


def shape(page: Page, jurisdiction_id: str) -> Locator:
    return map_frame(page).locator(f'path.shape[data-jurisdiction="{jurisdiction_id}"]')


def day_slider(page: Page) -> Locator:
    return map_frame(page).get_by_role("slider", name="Day")


def play_button(page: Page) -> Locator:
    return map_frame(page).get_by_role("button", name="Play", exact=True)


def speed_select(page: Page) -> Locator:
    return map_frame(page).get_by_role("combobox", name="Speed")


def events_only(page: Page) -> Locator:
    return map_frame(page).get_by_role("button", name="Events only")


def legend(page: Page) -> Locator:
    return map_frame(page).locator(".sm-legend")


def caption(page: Page) -> Locator:
    return map_frame(page).locator(".sm-caption")


def panel(page: Page, jurisdiction_id: str) -> Locator:
    return page.locator(f'.sm-panel[data-selected="{jurisdiction_id}"]')


def iso(day: date) -> str:
    return day.isoformat()


def map_day(page: Page) -> date:
    return date.fromisoformat(map_container(page).get_attribute("data-day") or "")


def press(page: Page, *keys: str) -> None:
    day_slider(page).focus()
    for key in keys:
        page.keyboard.press(key)


def keys_to(day: date) -> list[str]:
    """From 1 January: a Page Up per month, then an arrow per day."""
    return ["Home"] + ["PageUp"] * (day.month - 1) + ["ArrowRight"] * (day.day - 1)


# A point of the shape, relative to its box, where the shape itself is what a pointer hits (cities close
# together cover each other at the first zoom), or null.
FREE_POINT = """shape => {
    const box = shape.getBoundingClientRect();
    const tries = [[0.5, 0.5]];
    for (let i = 1; i < 10; i++) for (let j = 1; j < 10; j++) tries.push([i / 10, j / 10]);
    for (const [fx, fy] of tries) {
        if (document.elementFromPoint(box.left + box.width * fx, box.top + box.height * fy) === shape) {
            return {x: box.width * fx, y: box.height * fy};
        }
    }
    return null;
}"""

# Zooms the map in, centred on the shape.
ZOOM_TO = """shape => {
    const box = shape.getBoundingClientRect(), map = window.map;
    const centre = map.containerPointToLatLng([box.left + box.width / 2, box.top + box.height / 2]);
    return new Promise(resolve => { map.once('zoomend', () => resolve()); map.setView(centre, map.getZoom() + 2, {animate: false}); });
}"""


def point_on(page: Page, jurisdiction_id: str) -> Position:
    """Where to click a jurisdiction's shape so that the click reaches it, zooming in if others cover it."""
    target = shape(page, jurisdiction_id)
    for _ in range(3):
        found = target.evaluate(FREE_POINT)
        if found:
            return Position(x=float(found["x"]), y=float(found["y"]))
        target.evaluate(ZOOM_TO)
    raise AssertionError(f"no point of {jurisdiction_id} can be clicked: other shapes cover it")


def click_shape(page: Page, jurisdiction_id: str) -> None:
    """A real mouse click on a jurisdiction's shape, with the whole map on screen."""
    page.locator(MAP_IFRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")
    click_place(page, shape(page, jurisdiction_id), jurisdiction_id, point_on(page, jurisdiction_id))


def choose_colouring(page: Page, label: str) -> None:
    page.get_by_role("radiogroup", name="Colour by").get_by_text(label, exact=True).click()


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def url_with(**params: str) -> re.Pattern[str]:
    """A pattern for the page URL having each of ``params`` as a query parameter."""
    return re.compile("".join(rf"(?=.*[?&]{key}={re.escape(value)}(&|$))" for key, value in params.items()))


def rgb_of(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


def swatch_colour(page: Page, category_label: str) -> str:
    item = legend(page).locator(".sm-legend-item").filter(has_text=re.compile(rf"^{re.escape(category_label)}$"))
    return str(item.locator(".sm-swatch").evaluate("swatch => getComputedStyle(swatch).backgroundColor"))


def painted_categories(page: Page) -> dict[str, str]:
    return dict(
        map_frame(page)
        .locator("path.shape")
        .evaluate_all("shapes => shapes.map(s => [s.getAttribute('data-jurisdiction'), s.getAttribute('data-category')])")
    )


def expected_categories(data: Any, dimension: str, day: date) -> dict[str, str]:
    current = status.as_of(data.changes, data.mapped_ids, day)
    labels = status.DIMENSIONS[dimension]
    return {j: labels.label_of(str(current.at[j, dimension])) for j in set(data.drawn["jurisdiction_id"])}


# Every day the map paints, with the page's clock, from now on: [performance.now(), "2017-..."].
RECORD_DAYS = """box => {
    window.__days = [[performance.now(), box.getAttribute('data-day')]];
    new MutationObserver(() => window.__days.push([performance.now(), box.getAttribute('data-day')]))
        .observe(box, {attributes: true, attributeFilter: ['data-day']});
}"""


# Counts, in the top page, the websocket messages sent to the server while the map says it is playing.
COUNT_SENDS = """
if (window === window.top) {
  window.__sentWhilePlaying = 0;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function () {
    const frame = document.querySelector(__MAP_IFRAME__);
    const box = frame && frame.contentDocument && frame.contentDocument.querySelector('.leaflet-container');
    if (box && box.getAttribute('data-playing') === 'true') window.__sentWhilePlaying += 1;
    return send.apply(this, arguments);
  };
}
""".replace("__MAP_IFRAME__", json.dumps(MAP_IFRAME))


def record_days(page: Page) -> None:
    map_container(page).evaluate(RECORD_DAYS)


def recorded_days(page: Page) -> list[tuple[float, date]]:
    rows = map_container(page).evaluate("() => window.__days")
    return [(t, date.fromisoformat(d)) for t, d in rows]


def wait_for_day_after(page: Page, day: date, timeout: int = WAIT) -> None:
    map_frame(page).locator("body").evaluate(
        """(body, [day, timeout]) => new Promise((resolve, reject) => {
            const box = body.querySelector('.leaflet-container');
            const done = () => box.getAttribute('data-day') > day;
            if (done()) return resolve();
            const watch = new MutationObserver(() => { if (done()) { watch.disconnect(); resolve(); } });
            watch.observe(box, {attributes: true, attributeFilter: ['data-day']});
            setTimeout(() => { watch.disconnect(); reject(new Error('the map stayed on ' + box.getAttribute('data-day'))); }, timeout);
        })""",
        [iso(day), timeout],
    )


def pause(page: Page) -> date:
    """Click Pause; return the day the map shows right after."""
    play_button(page).click()
    expect(play_button(page)).to_have_attribute("aria-pressed", "false", timeout=WAIT)
    return map_day(page)
