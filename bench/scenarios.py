"""Scenarios: what a reader does, each measured in a real browser (see run.py for what is measured, and how).

Every function takes a Playwright browser (or a page on it) and returns plain figures for the report.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

from measure import (
    FLOOR_KEY_JS,
    FLOOR_STEP_JS,
    FRAME_HOOKS_JS,
    INIT_JS,
    MAP_DAY_CHANGED_JS,
    MAP_DRAWN_JS,
    PLAY_FOR_JS,
    SETTLED_JS,
    STEP_DONE_JS,
    VIEWPORT,
    AppServer,
    Page,
    med,
    server_cpu_ms,
    start,
)

SIZES = {"shipped": "shipped records/", "all_counties": "synthetic: every county"}
STEP_START = date(2017, 3, 1)


def measure_floor(browser, tmp: Path, steps: int, log) -> dict:
    server = start("floor", None, tmp)
    try:
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(INIT_JS)
        p = Page(context, server.url)
        p.page.get_by_test_id("stText").wait_for(timeout=60_000)
        p.wait_idle()
        slider = p.page.get_by_role("slider")
        times, received = [], []
        day = date(2017, 3, 1)
        for _ in range(steps):
            slider.focus()
            p.page.evaluate("() => { const b = window.__bench; b.floorKey = null; b.floorHit = null; b.floorDone = null; }")
            p.page.evaluate(FLOOR_KEY_JS)
            first = len(p.received)
            day += timedelta(days=1)
            p.page.keyboard.press("ArrowRight")
            times.append(p.page.wait_for_function(FLOOR_STEP_JS, arg=f"day {day.isoformat()}", polling="raf", timeout=30_000).json_value())
            p.wait_idle()
            received.append(sum(n for _, n, _ in p.received[first:]))
        context.close()
        out = {"step_ms": [round(t, 1) for t in times], "step_median_ms": med(times), "bytes_per_step": med(received)}
        log(f"floor: step median {out['step_median_ms']} ms, {out['bytes_per_step']} B")
        return out
    finally:
        server.stop()


def first_maps(browser, server: AppServer, samples: int) -> tuple[list[float], list[float]]:
    """Cold pages: the first map's time, and the whole page's (the rest follows the map's first paint)."""
    maps, pages = [], []
    for _ in range(samples):
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(INIT_JS)
        p = Page(context, server.url, cdp=False)
        maps.append(round(p.wait_first_map(), 1))
        pages.append(round(p.wait_whole_page(), 1))
        context.close()
    return maps, pages


def scrub(p: Page, steps: int) -> dict:
    """Steps a day at a time, each waited for, in one burst (each key within the settle delay of the last)."""
    frame = p.frame()
    slider = frame.get_by_role("slider", name="Day")
    slider.focus()
    frame.evaluate(FRAME_HOOKS_JS)
    reports_before = int(frame.evaluate("() => document.querySelector('.leaflet-container').getAttribute('data-reports') || 0"))
    runs_before = p.page.evaluate("window.__bench.runs()")
    sent_before, received_before = len(p.sent), len(p.received)
    times = []
    for _ in range(steps):
        p.page.keyboard.press("ArrowRight")
        times.append(frame.wait_for_function(STEP_DONE_JS, polling="raf", timeout=30_000).json_value())
    # The last step's paint is in; nothing has been sent yet, since the page waits for the day to settle.
    scrub_sent = sum(n for _, n in p.sent[sent_before:])
    scrub_received = sum(n for _, n, _ in p.received[received_before:])
    runs_during = p.page.evaluate("window.__bench.runs()") - runs_before
    reports_during = (
        int(frame.evaluate("() => document.querySelector('.leaflet-container').getAttribute('data-reports') || 0")) - reports_before
    )
    return {
        "step_ms": [round(t, 1) for t in times],
        "step_median_ms": med(times),
        "step_p90_ms": round(sorted(times)[int(0.9 * (len(times) - 1))], 1),
        "ws_bytes_while_scrubbing": scrub_sent + scrub_received,
        "reruns_while_scrubbing": runs_during,
        "reports_while_scrubbing": reports_during,
    }


def settle_once(p: Page, key: str) -> dict:
    """One key press, then the day settling: the report, the rerun, the panel, URL and chart following."""
    frame = p.frame()
    frame.get_by_role("slider", name="Day").focus()
    frame.evaluate(FRAME_HOOKS_JS)
    p.page.evaluate("() => { const b = window.__bench; b.sentAt = null; b.settleHit = null; b.settleDone = null; }")
    runs_before = p.page.evaluate("window.__bench.runs()")
    p.keep = True
    first = len(p.received)
    p.page.keyboard.press(key)
    frame.wait_for_function(STEP_DONE_JS, polling="raf", timeout=30_000)
    day = p.map_day()
    heading = f"On {day.day} {day:%B %Y}"
    settle_ms = p.page.wait_for_function(SETTLED_JS, arg=[heading, day.isoformat()], polling="raf", timeout=60_000).json_value()
    p.wait_idle()
    p.keep = False
    # Nothing travels between the key press and the report: every frame since the key answers the report.
    frames = p.received[first:]
    return {
        "ms": round(settle_ms, 1),
        "bytes": sum(n for _, n, _ in frames),
        "by_element": classify([raw for _, _, raw in frames if raw is not None]),
        "reruns": p.page.evaluate("window.__bench.runs()") - runs_before,
    }


def classify(payloads: list[bytes]) -> dict[str, int]:
    """Websocket bytes by the Streamlit element they carry (decoded ForwardMsg)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out: dict[str, int] = {}
    for raw in payloads:
        msg = ForwardMsg()
        try:
            msg.ParseFromString(raw)
        except Exception:  # noqa: BLE001
            label = "unparsed"
        else:
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                label = "cached element (reference)"
            elif kind != "delta":
                label = f"msg:{kind}"
            elif msg.delta.WhichOneof("type") != "new_element":
                label = f"delta:{msg.delta.WhichOneof('type')}"
            else:
                element = msg.delta.new_element
                label = element.WhichOneof("type") or "element"
                if label == "component_instance":
                    label = element.component_instance.component_name
        out[label] = out.get(label, 0) + len(raw)
    return dict(sorted(out.items(), key=lambda item: -item[1]))


def play(p: Page, speed: str, seconds: float) -> dict:
    """Play from the day shown for ``seconds``: days painted, reruns and websocket traffic meanwhile."""
    frame = p.frame()
    frame.evaluate(FRAME_HOOKS_JS)
    frame.get_by_role("combobox", name="Speed").select_option(speed)
    p.wait_idle()
    runs_before = p.page.evaluate("window.__bench.runs()")
    sends_before = p.page.evaluate("window.__bench.sends")
    sent_before, received_before = len(p.sent), len(p.received)
    frame.evaluate("() => { window.__bench.days = []; window.__bench.recording = true; }")
    button = frame.get_by_role("button", name="Play", exact=True)
    button.click()
    frame.wait_for_function(PLAY_FOR_JS, arg=seconds)
    # Counted before Pause: Pause itself tells the server the day, once.
    runs = p.page.evaluate("window.__bench.runs()") - runs_before
    sends = p.page.evaluate("window.__bench.sends") - sends_before
    ws = sum(n for _, n in p.sent[sent_before:]) + sum(n for _, n, _ in p.received[received_before:])
    button.click()
    days = frame.evaluate("() => { window.__bench.recording = false; return window.__bench.days; }")
    span_s = (days[-1][0] - days[0][0]) / 1000
    distinct = len({d for _, d in days})
    return {
        "speed": speed,
        "seconds": round(span_s, 2),
        "distinct_days": distinct,
        "days_per_s": round((distinct - 1) / span_s, 2) if span_s > 0 else None,
        "server_reruns": runs,
        "messages_sent": sends,
        "ws_bytes": ws,
    }


def measure_app(browser, size: str, tmp: Path, plan: dict, log) -> dict:
    started = time.monotonic()
    server = start("app", size, tmp)
    try:
        out: dict = {"server_start_s": round(time.monotonic() - started, 1)}
        # The first page of the server loads the data (cached for every later session).
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(INIT_JS)
        p = Page(context, f"{server.url}/?day={STEP_START.isoformat()}")
        out["first_map_cold_server_ms"] = round(p.wait_first_map(300))
        p.wait_idle()
        out["first_page_ws_bytes_received"] = sum(n for _, n, _ in p.received)
        out["first_map_ms"], out["first_whole_page_ms"] = first_maps(browser, server, plan["first_map_samples"])
        log(f"app/{size}: first map {out['first_map_ms']} ms, whole page {out['first_whole_page_ms']} ms")
        log(f"app/{size}: first map on a cold server {out['first_map_cold_server_ms']} ms")

        out["scrub"] = scrub(p, plan["steps"])
        log(f"app/{size}: scrub step median {out['scrub']['step_median_ms']} ms, {out['scrub']['ws_bytes_while_scrubbing']} ws bytes")
        settles = [settle_once(p, "ArrowRight") for _ in range(plan["settles"])]
        out["settle"] = {
            "ms": [s["ms"] for s in settles],
            "median_ms": med([s["ms"] for s in settles]),
            "bytes": [s["bytes"] for s in settles],
            "median_bytes": med([s["bytes"] for s in settles]),
            "by_element": settles[len(settles) // 2]["by_element"],
            "reruns": [s["reruns"] for s in settles],
        }
        log(f"app/{size}: settled day median {out['settle']['median_ms']} ms, {out['settle']['median_bytes']} B")
        p.page.get_by_role("radiogroup", name="Colour by").get_by_text("Sanctuary status", exact=True).click()
        p.wait_idle()
        out["play"] = play(p, "30", plan["play_s"])
        log(f"app/{size}: play at 30 days/s: {out['play']['days_per_s']} days/s, {out['play']['server_reruns']} reruns")
        context.close()
        if plan["pages_playing"] and size == "shipped":
            out["many"] = many_pages(browser, server, plan["pages_playing"], plan["cpu_window_s"], log)
    finally:
        server.stop()
    out["first_map_cold_server_disk_cache_ms"] = first_map_cold_from_disk_cache(browser, size, tmp)
    log(f"app/{size}: first map on a cold server whose dataset is on disk {out['first_map_cold_server_disk_cache_ms']} ms")
    return out


def first_map_cold_from_disk_cache(browser, size: str, tmp: Path) -> float:
    """A new server (a restart, another process of `make serve`) of data an earlier server loaded: the
    dataset is read back from the disk cache. Navigation start to the first map, the server just healthy."""
    server = start("app", size, tmp)
    try:
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(INIT_JS)
        p = Page(context, f"{server.url}/?day={STEP_START.isoformat()}")
        took = round(p.wait_first_map(300))
        context.close()
        return took
    finally:
        server.stop()


def many_pages(browser, server: AppServer, count: int, window_s: float, log) -> dict:
    """Server CPU over the same window: one idle page, then ``count`` pages playing, then all idle."""
    contexts, pages = [], []

    def open_page() -> Page:
        context = browser.new_context(viewport={"width": 1000, "height": 700})
        context.add_init_script(INIT_JS)
        contexts.append(context)
        page = Page(context, f"{server.url}/?day=2017-01-01", cdp=False)
        page.wait_first_map(300)
        page.wait_idle()
        pages.append(page)
        return page

    def cpu_over(seconds: float) -> float:
        before = server_cpu_ms(server)
        time.sleep(seconds)
        return round(server_cpu_ms(server) - before, 1)

    open_page()
    idle_one = cpu_over(window_s)
    for _ in range(count - 1):
        open_page()
    time.sleep(1)
    idle_all = cpu_over(window_s)
    for page in pages:
        frame = page.frame()
        frame.get_by_role("combobox", name="Speed").select_option("15")
    runs_before = sum(page.page.evaluate("window.__bench.runs()") for page in pages)
    # Started within a fraction of a second of each other, so that none reaches 31 December (and
    # stops, which reports its day: a rerun by design) before the window ends.
    for page in pages:
        page.frame().evaluate("() => document.querySelector('.sm-play').click()")
    playing = cpu_over(window_s)
    still = sum(
        page.frame().evaluate("() => document.querySelector('.leaflet-container').getAttribute('data-playing') === 'true'")
        for page in pages
    )
    runs = sum(page.page.evaluate("window.__bench.runs()") for page in pages) - runs_before
    for context in contexts:
        context.close()
    out = {
        "pages": count,
        "window_s": window_s,
        "speed": "15 days/s",
        "server_cpu_ms_one_idle_page": idle_one,
        "server_cpu_ms_all_idle": idle_all,
        "server_cpu_ms_all_playing": playing,
        "still_playing_at_the_end": int(still),
        "server_reruns_while_playing": runs,
    }
    log(f"many pages: server CPU one idle {idle_one} ms, {count} idle {idle_all} ms, {count} playing {playing} ms; {runs} reruns")
    return out


def measure_naive(browser, tmp: Path, steps: int, log) -> dict:
    """Bytes a step costs when the whole map is rebuilt on every rerun, with every county."""
    server = start("naive", "all_counties", tmp)
    try:
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(INIT_JS)
        p = Page(context, f"{server.url}/?day={STEP_START.isoformat()}")
        p.page.wait_for_function(
            MAP_DRAWN_JS,
            timeout=600_000,
        )
        p.wait_idle(timeout_s=600)
        received, times = [], []
        for _ in range(steps):
            p.page.get_by_role("slider").focus()
            first = len(p.received)
            t = time.perf_counter()
            want = (p.page.evaluate("() => window.__bench.box().getAttribute('data-day')"),)
            p.page.keyboard.press("ArrowRight")
            p.page.wait_for_function(
                MAP_DAY_CHANGED_JS,
                arg=want[0],
                timeout=600_000,
            )
            times.append(round((time.perf_counter() - t) * 1000))
            p.wait_idle(timeout_s=600)
            received.append(sum(n for _, n, _ in p.received[first:]))
        context.close()
        out = {"bytes_per_step": received, "median_bytes_per_step": med(received), "step_ms_approx": times}
        log(f"naive/all_counties: {out['median_bytes_per_step']} B per step")
        return out
    finally:
        server.stop()
