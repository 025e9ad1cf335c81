"""Many viewers at once (run with --load-test): ten browser pages each scrub the slider and click places
a fixed number of steps, all at once, against one app server on the shipped records.

Every step must be answered (the map restyled; a step that is not within a minute counts as failed) and no page may
show an exception. The test counts steps completed, not steps that fit a time window: a busy machine makes it
longer, never failing. The
step times and the server's peak memory are printed and written to load-test-browsers.md in the docs
folder (a temporary one unless `make docs` passes docs/). `make load-test` measures the server alone,
with Locust (bench/locustfile.py, docs/load-test.md). The pages open one after another (ten cold pages
at once on a busy 2-core machine measure the browsers' start, not the server), then step together. The
whole test takes about two minutes, and stops by itself within fifteen minutes at most.
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psutil
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from harness.browser import CHROMIUM, CHROMIUM_ARGS, MAP_IFRAME, ROOT, AppServer, tree_rss

pytestmark = pytest.mark.load

VIEWERS = 10
STEPS = 40  # each page scrubs and clicks this many steps once every page has loaded
STEP_TIMEOUT = 60_000  # ms after which a step that the map has not answered counts as failed
LOAD_TIMEOUT = 120_000  # ms for a page's first load (the first also loads the records), on a busy machine
WHOLE_TEST_SECONDS = 900  # a stop for a test that hangs, never reached by one that works
CLICK_EVERY = 4  # every fourth step clicks a city instead of moving the day
RESTYLES = "Number(document.querySelector('.leaflet-container').getAttribute('data-restyled')) || 0"


@dataclass
class Viewer:
    index: int
    page: Page
    frame: object  # the map's playwright Frame
    cities: list[str]
    selected: str | None = None
    steps: list[tuple[str, float]] = field(default_factory=list)  # (kind, seconds)
    failures: list[str] = field(default_factory=list)


@dataclass
class Run:
    viewers: list[Viewer]
    rss_samples: list[int]
    baseline_rss: int
    seconds: float
    server_cpu_seconds: float


def server_cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


async def sample_rss(process: psutil.Process, samples: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append(tree_rss(process))
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except TimeoutError:
            pass


async def restyles(frame) -> int:
    return await frame.evaluate(RESTYLES)


async def restyled_after(frame, before: int) -> None:
    await frame.wait_for_function(f"n => ({RESTYLES}) > n", arg=before, timeout=STEP_TIMEOUT, polling=20)


async def open_viewer(browser: Browser, url: str, index: int) -> Viewer:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    # Each viewer starts on its own day, late enough in the year never to be reached by scrubbing.
    start = date(2017, 1, 2) + timedelta(days=7 * index)
    await page.goto(f"{url}/?day={start.isoformat()}", timeout=LOAD_TIMEOUT)
    container = page.frame_locator(MAP_IFRAME).locator(".leaflet-container")
    await expect(container).to_have_attribute("data-restyled", re.compile(r"^[1-9]\d*$"), timeout=LOAD_TIMEOUT)
    frame = await (await page.query_selector(MAP_IFRAME)).content_frame()
    await page.locator(MAP_IFRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")
    cities = await clickable_cities(frame)
    assert cities, f"viewer {index}: no city can be clicked"
    return Viewer(index, page, frame, cities)


async def clickable_cities(frame) -> list[str]:
    """Cities whose own point is what a click at its centre hits (some overlap at this zoom)."""
    return await frame.evaluate("""() => [...document.querySelectorAll('path.shape.city')].filter(city => {
        const box = city.getBoundingClientRect();
        return document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === city;
    }).map(city => city.getAttribute('data-jurisdiction'))""")


async def scrub(viewer: Viewer) -> str:
    """A day forward on the map's own timeline, then until the server has followed (the URL has the day)."""
    page = viewer.page
    await page.frame_locator(MAP_IFRAME).get_by_role("slider", name="Day").focus()
    await page.keyboard.press("ArrowRight")
    day = await viewer.frame.evaluate("() => document.querySelector('.leaflet-container').getAttribute('data-day')")
    await expect(page).to_have_url(re.compile(rf"[?&]day={day}(&|$)"), timeout=STEP_TIMEOUT)
    return "scrub"


async def click_city(viewer: Viewer, rng: random.Random) -> str:
    page = viewer.page
    # Another place than the one already selected: clicking that again changes nothing to restyle.
    await page.locator(MAP_IFRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")
    # Asked now, not once: a selected point is drawn on top and may cover a neighbour (Boulder, Aurora).
    uncovered = set(await clickable_cities(viewer.frame))
    city = rng.choice([c for c in viewer.cities if c != viewer.selected and c in uncovered])
    viewer.selected = city
    # As testing.click_place does: where dots lie close together the map asks which place was meant.
    frame = page.frame_locator(MAP_IFRAME)
    box = frame.locator(".leaflet-container")
    clicks = int(await box.get_attribute("data-clicks") or 0)
    await frame.locator(f'path.shape[data-jurisdiction="{city}"]').click(timeout=STEP_TIMEOUT)
    await expect(box).to_have_attribute("data-clicks", str(clicks + 1), timeout=STEP_TIMEOUT)
    if await box.get_attribute("data-chooser") == "open":
        await frame.locator(f'.sm-chooser button[data-jurisdiction="{city}"]').click(timeout=STEP_TIMEOUT)
    await expect(page.locator(f'.sm-panel[data-selected="{city}"]')).to_be_visible(timeout=STEP_TIMEOUT)
    return "click"


async def take_steps(viewer: Viewer) -> None:
    rng = random.Random(viewer.index)
    for number in range(STEPS):
        if len(viewer.failures) >= 3:
            break
        before = await restyles(viewer.frame)
        started = time.perf_counter()
        kind = "click" if number % CLICK_EVERY == CLICK_EVERY - 1 else "scrub"
        try:
            kind = await (click_city(viewer, rng) if kind == "click" else scrub(viewer))
            await restyled_after(viewer.frame, before)
        except Exception as error:  # every failure is reported, whatever raised it
            target = f" {viewer.selected}" if kind == "click" else ""
            viewer.failures.append(
                f"viewer {viewer.index}, step {number} ({kind}{target}): {type(error).__name__}: "
                f"{str(error).splitlines()[0] if str(error) else ''}"
            )
            continue
        viewer.steps.append((kind, time.perf_counter() - started))
        if await viewer.page.locator('[data-testid="stException"]').count():
            viewer.failures.append(f"viewer {viewer.index}, step {number} ({kind}): the page shows an exception")


async def run_viewers(server: AppServer) -> Run:
    process = psutil.Process(server.process.pid)
    samples: list[int] = []
    stop = asyncio.Event()
    baseline = tree_rss(process)
    cpu_before = server_cpu(process)
    sampler = asyncio.create_task(sample_rss(process, samples, stop))
    started = time.perf_counter()
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                viewers = [await open_viewer(browser, server.url, i) for i in range(VIEWERS)]
                await asyncio.gather(*(take_steps(viewer) for viewer in viewers))
                for viewer in viewers:
                    exceptions = await viewer.page.locator('[data-testid="stException"]').count()
                    if exceptions:
                        viewer.failures.append(f"viewer {viewer.index}: {exceptions} exception(s) shown at the end")
            finally:
                await browser.close()
    finally:
        stop.set()
        await sampler
    return Run(viewers, samples, baseline, time.perf_counter() - started, server_cpu(process) - cpu_before)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def write_report(report: Path, figures: dict[str, str]) -> None:
    """One row per run, newest last; the last ten runs are kept."""
    columns = list(figures)
    head = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    rows = []
    if report.exists():
        old = report.read_text(encoding="utf-8").splitlines()
        if head[0] in old:
            start = old.index(head[0]) + 2
            rows = [line for line in old[start:] if line.startswith("| ")]
    rows = (rows + ["| " + " | ".join(figures.values()) + " |"])[-10:]
    report.write_text(
        "\n".join(
            [
                "# Load test: ten browsers at once, end to end",
                "",
                "Written by `tests/load/test_load.py` (`make test`; `make docs` writes this file): "
                f"{VIEWERS} Chromium pages (one browser, one context each) open the app on the shipped records, one "
                f"after another, then all at once each takes {STEPS} steps: it scrubs the day slider with "
                f"the keyboard and, every {CLICK_EVERY}th step, clicks a city. A step is the time from the key press or "
                "click until the map has been restyled (a click also waits for the place's panel). The server's memory "
                "is the resident set of the `streamlit` process and its children, sampled every second; its CPU is "
                "the CPU time it used over the run, divided by the run's length. Figures depend on the machine and on "
                "whatever else it was running: the load average at the start says how busy it already was. Every run "
                "of the test adds a row; the last ten are kept. The server alone, with many more simulated viewers: "
                "`load-test.md`.",
                "",
                *head,
                *rows,
                "",
            ]
        ),
        encoding="utf-8",
    )


def test_ten_viewers_each_scrub_and_click_forty_steps(tmp_path, docs_dir):
    load_before = os.getloadavg()[0]
    server = AppServer(ROOT, tmp_path / "streamlit.log", env={"SANCTUARYMAP_RECORDS": str(ROOT / "records")})
    try:
        # A fresh thread for the async API's own event loop, whatever loop pytest-playwright may hold here.
        with ThreadPoolExecutor(max_workers=1) as pool:
            run = pool.submit(asyncio.run, asyncio.wait_for(run_viewers(server), WHOLE_TEST_SECONDS)).result()
        assert server.process.poll() is None, f"the server died:\n{server.log.read_text()}"
    finally:
        server.stop()

    steps = [seconds for viewer in run.viewers for _, seconds in viewer.steps]
    clicks = [seconds for viewer in run.viewers for kind, seconds in viewer.steps if kind == "click"]
    failures = [failure for viewer in run.viewers for failure in viewer.failures]
    peak = max(run.rss_samples, default=run.baseline_rss)
    figures = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs ({platform.machine()}), {psutil.virtual_memory().total / 2**30:.0f} GB",
        "load average at start": f"{load_before:.1f}",
        "viewers": str(VIEWERS),
        "steps": f"{len(steps)} ({len(clicks)} clicks)",
        "failed steps": str(len(failures)),
        "median step (ms)": f"{statistics.median(steps) * 1000:.0f}" if steps else "-",
        "p95 step (ms)": f"{percentile(steps, 95) * 1000:.0f}" if steps else "-",
        "slowest step (ms)": f"{max(steps) * 1000:.0f}" if steps else "-",
        "server RSS idle → peak (MB)": f"{run.baseline_rss / 2**20:.0f} → {peak / 2**20:.0f}",
        "server CPU (cores, mean)": f"{run.server_cpu_seconds / run.seconds:.2f}",
        "test took (s)": f"{run.seconds:.0f}",
    }
    print("\n" + "\n".join(f"{key}: {value}" for key, value in figures.items()))
    write_report(docs_dir / "load-test-browsers.md", figures)

    assert failures == [], "\n".join(failures)
    assert [len(viewer.steps) for viewer in run.viewers] == [STEPS] * VIEWERS  # every step of every viewer answered
    assert run.rss_samples  # the server's memory was sampled
