"""Record text is never Markdown nor HTML, in Chromium (issue 21): image and link Markdown, raw HTML and
``javascript:`` in every text field of every records file (the three main files, the key moments, the
state laws) leave the page without a request off the machine and without an ``<img>`` or ``<a>`` of
theirs; the only links from the records are the sources', and those are checked. And the map's frame
sending a report of any shape (``Streamlit.setComponentValue``) leaves the page whole."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness.browser import ROOT, TEST_DATA, AppServer, is_local, map_container, map_frame, open_app
from sanctuarymap.data import records
from sanctuarymap.reader import law, moments

pytestmark = pytest.mark.e2e

WAIT = 20_000  # ms
RECORDS = TEST_DATA / "records"
# Short enough for every text field (a jurisdiction's name: 200 characters); a blank line, then more.
PAYLOAD = (
    '![i](http://example.invalid/i.png) [l](javascript:alert(1)) <img src="http://example.invalid/r.png">'
    '<a href="javascript:alert(2)">a</a>\n\n![j](http://example.invalid/j.png) [m](//x.invalid)'
)
SOURCE_URL = "https://example.invalid/source"  # a sound link: shown as a link, never fetched
TEXT_FIELDS = {
    records.JURISDICTIONS_FILE: ["name"],
    records.EVENTS_FILE: ["summary"],
    records.SOURCES_FILE: ["outlet", "title"],
}


def rewrite(path: Path, fields: list[str], extra: dict[str, str] | None = None) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for number, row in enumerate(rows):
        for field in fields:
            row[field] = f"{number} {PAYLOAD}"
        row.update(extra or {})
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def markup_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("markup") / "records"
    shutil.copytree(RECORDS, folder)
    for name, fields in TEXT_FIELDS.items():
        rewrite(folder / name, fields, {"url": SOURCE_URL} if name == records.SOURCES_FILE else None)
    with (folder / moments.FILE).open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([moments.COLUMNS, ["2016-05-31-report", PAYLOAD, PAYLOAD, "sanctuary", "il-chicago", ""]])
    with (folder / law.FILE).open("w", encoding="utf-8", newline="") as f:
        # A sound row, and one whose problem quotes the payload.
        csv.writer(f).writerows([["event_id", "state_id", "law", "standing"], ["2016-05-31-report", "il", PAYLOAD, PAYLOAD]])
        csv.writer(f).writerow([PAYLOAD, "il", "Act", ""])
    server = AppServer(ROOT, folder.parent / "streamlit.log", env={"SANCTUARYMAP_RECORDS": str(folder)})
    yield server
    server.stop()


def test_markup_in_every_text_field_stays_text(page: Page, markup_server):
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_app(page, f"{markup_server.url}/?day=2017-12-31&selected=il-chicago&moment=1&compare=2017-01-01")
    expect(page.locator(".sm-panel")).to_be_visible(timeout=WAIT)
    expect(page.locator(".sm-moment")).to_be_visible(timeout=WAIT)
    # The problems are listed (before issue 21, in a Markdown warning whose image each page load fetched).
    expect(page.get_by_text(re.compile(r"problems? in the records|Left out of the key moments")).first).to_be_visible(timeout=WAIT)
    page.get_by_text("About this map").click()
    expect(page.get_by_role("heading", name="What it shows")).to_be_visible(timeout=WAIT)

    for frame in page.frames:
        # No image from record text, in the page or the map's frame; no link but the sources'.
        assert frame.locator("img[src*='.invalid'], img[src^='javascript:']").count() == 0, frame.url
        hrefs = frame.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        from_records = [h for h in hrefs if ".invalid" in h or h.lower().startswith(("javascript:", "data:"))]
        assert set(from_records) <= {SOURCE_URL}, (frame.url, from_records)
    assert page.locator(f"a[href='{SOURCE_URL}']").count() >= 2  # the panel's and the moment's sources
    # The text is shown as typed, the Markdown included.
    expect(page.locator(".sm-moment")).to_contain_text("![j](http://example.invalid/j.png)")
    assert "<img" in page.locator(".sm-moment").inner_text()
    assert dialogs == []
    assert [url for url in requests if not is_local(url)] == []


def test_a_report_of_any_shape_from_the_map_s_frame_leaves_the_page_whole(page: Page, markup_server):
    # Before: AttributeError: 'int' object has no attribute 'get' (view.py); the map's frame unmounted.
    box = open_app(page, f"{markup_server.url}/?day=2017-03-01")
    frame = next(f for f in page.frames if f.url != page.url and "streamlit_folium" in f.url)
    for value in [12345, "hello", [1, 2, 3], "x" * 2**20]:
        reports = int(box.get_attribute("data-reports"))
        frame.evaluate(
            """value => window.parent.postMessage(
                {isStreamlitMessage: true, type: 'streamlit:setComponentValue', value: value, dataType: 'json'}, '*')""",
            value,
        )
        # The server has run on that value once the page has finished its run: the map still answers.
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        map_frame(page).get_by_role("slider", name="Day").focus()
        page.keyboard.press("ArrowRight")
        expect(box).to_have_attribute("data-reports", str(reports + 1), timeout=WAIT)
        expect(page).to_have_url(f"{markup_server.url}/?day={box.get_attribute('data-day')}&colour=sanctuary", timeout=WAIT)
    expect(map_container(page)).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
