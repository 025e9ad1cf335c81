"""Two Streamlit processes behind nginx (sanctuarymap.server.proxy, deploy/nginx.conf), as `make serve` starts them.

A session lives in the process that started it, downloads included: every request of a reader must reach
that process. The browser test opens fresh pages (no cookie) until each process has served one, then
scrubs, clicks and downloads in each; a download works only if its websocket and its /media/ request
reached the same process. The other tests need no browser: the proxy's limit on one client's websockets.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import websocket
from playwright.sync_api import Browser, Page, expect

from harness.browser import ROOT, VIEWPORT, open_app, site_for
from harness.page import WAIT, click_shape, panel, press
from sanctuarymap.server.proxy import WORKER_HEADER, Limits, ProxiedApp

MAX_PAGES = 40  # fresh pages to open until both processes have one: each lands on either by a random id


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    # The processes run the app from a copy of its static folder, so the payload they write stays out of the work tree.
    run = tmp_path_factory.mktemp("proxy")
    site, env = site_for(ROOT, run / "site")
    app = ProxiedApp(run, workers=2, env=env, root=site)
    yield app
    app.stop()


def track_workers(page: Page, seen: list[tuple[str, str]]) -> None:
    """Record (the process that answered, the URL) of every response the page has through the proxy."""

    def record(response) -> None:
        worker = response.headers.get(WORKER_HEADER.lower())
        if worker:
            seen.append((worker, response.url))

    page.on("response", record)


@pytest.mark.e2e
def test_each_of_two_processes_serves_scrubbing_clicking_and_downloads(proxied: ProxiedApp, browser: Browser):
    pages: dict[str, tuple[Page, list[tuple[str, str]]]] = {}
    contexts = []
    try:
        for _ in range(MAX_PAGES):
            context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
            contexts.append(context)
            page = context.new_page()
            seen: list[tuple[str, str]] = []
            track_workers(page, seen)
            response = page.goto(f"{proxied.url}/?day=2017-09-15")
            worker = response.headers[WORKER_HEADER.lower()]
            if worker in pages:
                context.close()
                contexts.remove(context)
                continue
            pages[worker] = (page, seen)
            if len(pages) == 2:
                break
        assert sorted(pages) == sorted(f"127.0.0.1:{p}" for p in proxied.worker_ports)

        for worker, (page, seen) in pages.items():
            open_app(page, f"{proxied.url}/?day=2017-09-15")
            # Scrub: the page paints the day itself, then settles on it; the day's story follows from the server.
            press(page, "ArrowRight")
            expect(page.get_by_role("heading", name="On 16 September 2017")).to_be_visible(timeout=WAIT)
            click_shape(page, "il-chicago")
            expect(panel(page, "il-chicago")).to_be_visible(timeout=WAIT)
            with page.expect_download() as got:
                page.get_by_role("button", name="The day as CSV").click()
            assert got.value.suggested_filename == "sanctuarymap-day-2017-09-16.csv"
            assert Path(got.value.path()).read_text(encoding="utf-8").startswith("jurisdiction_id,")
            # The page, its scripts, its data and its download: one process.
            assert {w for w, _ in seen} == {worker}, [(w, url) for w, url in seen if w != worker]
    finally:
        for context in contexts:
            context.close()


@pytest.mark.load
def test_the_proxy_refuses_a_client_more_websockets_than_its_limit():
    with tempfile.TemporaryDirectory(prefix="sanctuarymap-proxy-") as folder:
        site, env = site_for(ROOT, Path(folder) / "site")
        app = ProxiedApp(Path(folder), workers=1, limits=Limits(connections=3, rate=50, burst=50), env=env, root=site)
        sockets = []
        try:
            url = app.url.replace("http://", "ws://") + "/_stcore/stream"
            sockets = [websocket.create_connection(url, subprotocols=["streamlit"], timeout=30) for _ in range(3)]
            with pytest.raises(websocket.WebSocketBadStatusException) as refused:
                websocket.create_connection(url, subprotocols=["streamlit"], timeout=30)
            assert refused.value.status_code == 503
        finally:
            for s in sockets:
                s.close()
            app.stop()
