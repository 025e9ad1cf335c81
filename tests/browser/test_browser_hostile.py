"""The running app on hostile records (tests/data/hostile/), in Chromium: hovering and clicking every
place, and opening a link to each, runs nothing, adds no element, and shows the text as typed.

Every payload in the fixture either calls ``alert`` or sets ``window.__pwned``; after each test no
dialog has opened, ``window.__pwned`` is unset in every frame, and no ``img[src="x"]`` exists.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from harness.browser import MAP_IFRAME, ROOT, TEST_DATA, AppServer, click_place, is_local, map_frame, open_app
from sanctuarymap.data import geodata, records
from sanctuarymap.reader import glossary

pytestmark = pytest.mark.e2e

HOSTILE = TEST_DATA / "hostile"
WAIT = 20_000  # ms
HEADING_ANCHOR = '[data-testid="stHeaderActionElements"] a'  # Streamlit's own "#" link on each heading
# Elements or attributes that only a payload would bring.
INJECTED = "img[src='x'], [onerror], [onload], [onclick], [onmouseover], script[src^='data:'], iframe[src^='javascript:']"

RECORDS, PROBLEMS = records.read(HOSTILE)
MAPPED = RECORDS.jurisdictions[RECORDS.jurisdictions["kind"] != "nation"]
NAMES = {j.jurisdiction_id: geodata.display_name(j.name, j.kind, j.state) for j in MAPPED.itertuples()}
ALL_NAMES = {j.jurisdiction_id: geodata.display_name(j.name, j.kind, j.state) for j in RECORDS.jurisdictions.itertuples()}


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    server = AppServer(ROOT, tmp_path_factory.mktemp("hostile") / "streamlit.log", env={"SANCTUARYMAP_RECORDS": str(HOSTILE)})
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def nothing_runs(page: Page):
    """Fail the test if any dialog opened or any payload ran or left an element, in any frame."""
    dialogs: list[str] = []

    def dismiss(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", dismiss)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    yield dialogs
    assert dialogs == [], f"a dialog opened: {dialogs}"
    # No record made the browser fetch anything (an image, a frame) from anywhere but the app.
    outside = {url for url in requests if not is_local(url)}
    assert requests and not outside, f"requests left localhost: {sorted(outside)}"
    assert len(page.frames) >= 2  # the page and the map's frame
    for frame in page.frames:
        assert frame.evaluate("typeof window.__pwned") == "undefined", f"a payload ran in {frame.url}"
        assert frame.locator(INJECTED).count() == 0, f"an injected element in {frame.url}"
    assert [e for e in errors if "pwned" in e or "alert" in e] == []


def shape(page: Page, jurisdiction_id: str) -> Locator:
    return map_frame(page).locator(f'path.shape[data-jurisdiction="{jurisdiction_id}"]')


def panel(page: Page, jurisdiction_id: str) -> Locator:
    return page.locator(f'.sm-panel[data-selected="{jurisdiction_id}"]')


def point_on(target: Locator) -> dict[str, float]:
    """A point, relative to the shape's box, where the shape itself is what a pointer would hit.

    Small counties are partly covered by city points, and a state's box centre may be in another shape.
    """
    found = target.evaluate("""shape => {
        const box = shape.getBoundingClientRect();
        const tries = [[0.5, 0.5]];
        for (let i = 1; i < 10; i++) for (let j = 1; j < 10; j++) tries.push([i / 10, j / 10]);
        for (const [fx, fy] of tries) {
            const x = box.left + box.width * fx, y = box.top + box.height * fy;
            if (document.elementFromPoint(x, y) === shape) return {x: box.width * fx, y: box.height * fy};
        }
        const covers = new Set(tries.map(([fx, fy]) => {
            const cover = document.elementFromPoint(box.left + box.width * fx, box.top + box.height * fy);
            const pane = cover && cover.closest(".leaflet-pane");
            return cover ? `<${cover.tagName.toLowerCase()} class="${cover.getAttribute("class")}">` +
                           (pane ? ` in ${pane.className}` : "") : "nothing";
        }));
        return {covered: [...covers].sort()};
    }""")
    assert "covered" not in found, (
        f"no point of the shape can be pointed at, so a reader cannot hover or click it; the pointer hits {found.get('covered')}"
    )
    return found


def point_at_map(page: Page) -> None:
    # Leaflet focuses its container on mousedown; a map partly off screen scrolls between down and up.
    page.locator(MAP_IFRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")


def panel_links(target: Locator) -> list[str]:
    own = target.locator(f"a[href]:not({HEADING_ANCHOR})")
    return own.evaluate_all("links => links.map(a => a.getAttribute('href'))")


def assert_panel_shows_its_story(page: Page, jurisdiction_id: str) -> None:
    story = panel(page, jurisdiction_id)
    expect(story).to_be_visible(timeout=WAIT)
    expect(story.locator("h2")).to_contain_text(NAMES[jurisdiction_id], use_inner_text=False)
    events = RECORDS.events[RECORDS.events["jurisdiction_ids"].map(lambda ids: jurisdiction_id in ids)]
    expect(story.locator("li.sm-event")).to_have_count(len(events))
    text = story.text_content()
    for summary in events["summary"]:
        for line in filter(None, summary.splitlines()):
            assert line in text, f"{jurisdiction_id}: {line[:60]!r} is not shown as typed"
    hrefs = panel_links(story)
    assert len(hrefs) >= len(events)
    # Links out to the sources, or within the page to the glossary's entries (the words the panel explains).
    glossary_links = {f"#{glossary.anchor(t.key)}" for t in glossary.TERMS}
    assert [h for h in hrefs if not re.match(r"https?://", h) and h not in glossary_links] == []
    assert all(h.startswith("#") for h in story.locator(HEADING_ANCHOR).evaluate_all("links => links.map(a => a.getAttribute('href'))"))
    expect(story.locator("img, script, iframe, object, embed")).to_have_count(0)
    expect(story.locator("svg")).to_have_count(story.locator(f"{HEADING_ANCHOR} svg").count())


def test_every_hostile_place_is_drawn(page: Page, hostile_server):
    open_app(page, f"{hostile_server.url}/?day=2017-12-31")
    drawn = map_frame(page).locator("path.shape")
    expect(drawn).to_have_count(len(NAMES))
    ids = drawn.evaluate_all("shapes => shapes.map(s => s.getAttribute('data-jurisdiction'))")
    assert sorted(ids) == sorted(NAMES)


@pytest.mark.parametrize("jurisdiction_id", sorted(NAMES))
def test_hover_and_click_each_hostile_place(page: Page, hostile_server, jurisdiction_id):
    open_app(page, f"{hostile_server.url}/?day=2017-12-31")
    point_at_map(page)
    target = shape(page, jurisdiction_id)
    position = point_on(target)
    target.hover(position=position)
    tooltip = map_frame(page).locator(".leaflet-tooltip").last
    expect(tooltip).to_contain_text(NAMES[jurisdiction_id], use_inner_text=False, timeout=WAIT)
    click_place(page, target, jurisdiction_id, position)
    assert_panel_shows_its_story(page, jurisdiction_id)
    expect(page.locator(".sm-panel")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"[?&]selected={re.escape(jurisdiction_id)}(&|$)"), timeout=WAIT)


@pytest.mark.parametrize("jurisdiction_id", sorted(NAMES))
def test_a_link_to_each_hostile_place(page: Page, hostile_server, jurisdiction_id):
    open_app(page, f"{hostile_server.url}/?selected={jurisdiction_id}&day=2017-12-31")
    assert_panel_shows_its_story(page, jurisdiction_id)
    expect(shape(page, jurisdiction_id)).to_have_attribute("stroke-width", "3")


def open_panel(page: Page, server: AppServer, jurisdiction_id: str) -> tuple[Locator, str]:
    """Open the app on ``jurisdiction_id``'s story; return its panel and the panel's text."""
    open_app(page, f"{server.url}/?selected={jurisdiction_id}&day=2017-12-31")
    story = panel(page, jurisdiction_id)
    expect(story).to_be_visible(timeout=WAIT)
    return story, story.text_content()


def test_markup_in_the_records_is_shown_as_text(page: Page, hostile_server):
    chicago, text = open_panel(page, hostile_server, "il-chicago")
    assert "<script>window.__pwned='summary';alert('summary')</script>" in text
    assert "<img src=x onerror=\"window.__pwned='county';alert('county')\">Cook &amp; County &lt;b&gt;" in text
    assert "![x](x) [click me](javascript:alert('md')) **not bold**" in text  # not read as markdown
    assert NAMES["il-chicago"].startswith('=HYPERLINK("http://x","y") <img src=x onerror=')
    assert NAMES["il-chicago"] in text
    expect(chicago.locator("strong", has_text="not bold")).to_have_count(0)
    expect(chicago.get_by_role("link", name="click me")).to_have_count(0)

    county, text = open_panel(page, hostile_server, "ca-los-angeles-county")
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; &quot;quoted&quot; &#x3C;script&#x3E;" in text
    assert "$x^2$ :red[red] :smile:" in text
    expect(county.locator(".katex, [data-testid='stMarkdownColoredText']")).to_have_count(0)


def test_the_page_lists_the_refused_rows(page: Page, hostile_server):
    open_app(page, hostile_server.url)
    expander = page.get_by_test_id("stExpander").filter(has_text="in the records and boundaries")
    expect(expander).to_contain_text(f"{len(PROBLEMS)} problems in the records", timeout=WAIT)
    table = expander.get_by_test_id("stDataFrame").locator("table").first
    for problem in PROBLEMS:
        expect(table).to_contain_text(problem.found, use_inner_text=False, timeout=WAIT)
    assert {(p.file, p.column) for p in PROBLEMS} == {(records.SOURCES_FILE, "url")}
    cells = table.locator("tr").evaluate_all("rows => rows.map(r => r.textContent)")
    for problem in PROBLEMS:
        assert any(f"{records.SOURCES_FILE}{problem.row}url" in row for row in cells), problem
    # None of the refused URLs became a link anywhere on the page.
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert [h for h in hrefs if re.match(r"\s*(javascript|data):", h, re.IGNORECASE)] == []


@pytest.mark.parametrize("day", ["2017-01-25", "2017-04-21", "2017-06-01"])
def test_the_map_s_caption_shows_names_as_typed(page: Page, hostile_server, day):
    open_app(page, f"{hostile_server.url}/?day={day}")
    caption = map_frame(page).locator(".sm-caption")
    expect(caption).to_have_text(re.compile(r"^\d+ \w{3} 2017 · "), use_inner_text=False)
    text = caption.text_content()
    events = RECORDS.events[RECORDS.events["date"].astype(str) == day]
    for ids in events["jurisdiction_ids"]:
        for jurisdiction_id in ids[:2]:  # the caption names two places, then counts the rest
            name = ALL_NAMES[jurisdiction_id]
            assert name in text, f"{jurisdiction_id}: {name!r} not shown as typed in {text!r}"
    expect(caption.locator("*")).to_have_count(0)  # text only: nothing in a name became an element
