"""Speed benchmark of Sanctuary Map 2017 in a real browser, every figure measured in one run.

    python bench/run.py            # full run, about 6 minutes on 2 cores (make bench)
    python bench/run.py --quick    # fewer samples, about 3 minutes
    python bench/run.py --render   # only rewrite docs/benchmarks.md from bench/results/latest.json

Starts ``streamlit run`` on localhost (tests/conftest.py's AppServer) for

- the floor: ``bench/floor_app.py``, an empty app with a slider and a line of text. A step there is
  Streamlit's own round trip; every time below is also given as a ratio to it;
- the app (app.py) on the shipped records/ and on a synthetic set with every county (bench/synthetic.py);
- the naive baseline (bench/naive_app.py: the whole map rebuilt on every rerun) with every county, for
  the bytes a step costs when nothing is kept in the page.

and drives Debian's Chromium with Playwright. Measured:

- scrub step: keydown on the map's Day slider to its new colours painted (the container's ``data-day``
  changes after the shapes are restyled), plus 2 animation frames; websocket bytes while scrubbing;
- settled day: from the page telling the server its day (``Streamlit.setComponentValue``, timed by
  wrapping it) to the panel's heading, the URL and the chart showing it and the script idle, plus 2
  frames; websocket bytes from that report until idle;
- Play at 30 days/s with every county: distinct days painted per second, and the server reruns and
  websocket messages while playing;
- first map with a warm server and a cold browser (a fresh context each time);
- 20 pages playing at once against one idle page: the streamlit server's CPU time (psutil) over the
  same window.

Writes bench/results/latest.json and docs/benchmarks.md. Adds nothing to the app: the hooks are
installed from here.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402

RESULTS = BENCH / "results" / "latest.json"
DOCS = ROOT / "docs" / "benchmarks.md"
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
VIEWPORT = {"width": 1400, "height": 1000}
SIZES = {"shipped": "shipped records/", "all_counties": "synthetic: every county"}
STEP_START = date(2017, 3, 1)
TARGETS = {
    "step_all_counties_ms": 50,  # and below the floor
    "play_days_per_s": 25,
    "settle_floor_ratio": 1.3,
    "settle_bytes_fraction": 1 / 100,
    "first_map_shipped_ms": 2000,
}

# Runs in the top page before Streamlit: script-run states, and the page's own clock as epoch ms.
INIT_JS = """
(() => {
  if (window !== window.top) return;
  const b = window.__bench = {log: [], sentAt: null, sends: 0};
  new MutationObserver(ms => { for (const m of ms) b.log.push([performance.now(), m.target.getAttribute('data-test-script-state')]); })
    .observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function () { b.sends += 1; return send.apply(this, arguments); };
  b.epoch = () => performance.timeOrigin + performance.now();
  b.box = () => {
    const f = document.querySelector('__MAP_IFRAME__');
    const d = f && f.contentDocument;
    return d && d.querySelector('.leaflet-container');
  };
  b.runs = () => b.log.filter(([, s]) => s === 'running').length;
})();
""".replace("__MAP_IFRAME__", MAP_IFRAME)

FIRST_MAP_JS = """
() => {
  const b = window.__bench;
  if (b.firstDone != null) return b.firstDone;
  const box = b.box();
  if (b.firstHit == null && box && box.getAttribute('data-load') === 'ready' && Number(box.getAttribute('data-restyled') || 0) >= 1
      && box.querySelector('path.shape[fill]')) {
    b.firstHit = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => { b.firstDone = performance.now(); }));
  }
  return false;
}
"""

# Installed in the map's frame: keydown and paint times on its own clock; reports timed on the epoch clock.
FRAME_HOOKS_JS = """
() => {
  if (window.__bench) return true;
  const b = window.__bench = {key: null, hit: null, done: null, days: [], recording: false};
  document.addEventListener('keydown', () => { b.key = performance.now(); b.hit = null; b.done = null; }, true);
  const box = document.querySelector('.leaflet-container');
  new MutationObserver(() => {
    const now = performance.now();
    if (b.recording) b.days.push([now, box.getAttribute('data-day')]);
    if (b.key != null && b.hit == null) {
      b.hit = now;
      requestAnimationFrame(() => requestAnimationFrame(() => { b.done = performance.now(); }));
    }
  }).observe(box, {attributes: true, attributeFilter: ['data-day']});
  const set = window.Streamlit.setComponentValue;
  window.Streamlit.setComponentValue = function () {
    window.top.__bench.sentAt = performance.timeOrigin + performance.now();
    return set.apply(this, arguments);
  };
  return true;
}
"""

STEP_DONE_JS = "() => { const b = window.__bench; return b.done != null ? b.done - b.key : false; }"

SETTLED_JS = """
([heading, day]) => {
  const b = window.__bench;
  if (b.settleDone != null) return b.settleDone - b.sentAt;
  const state = document.querySelector('[data-test-script-state]');
  const idle = state && state.getAttribute('data-test-script-state') === 'notRunning';
  const done = b.sentAt != null && location.search.includes('day=' + day) && idle
    && [...document.querySelectorAll('h4')].some(h => h.textContent.trim() === heading)
    && document.querySelector('[data-testid="stVegaLiteChart"]');
  if (done && b.settleHit == null) {
    b.settleHit = b.epoch();
    requestAnimationFrame(() => requestAnimationFrame(() => { b.settleDone = b.epoch(); }));
  }
  return false;
}
"""

IDLE_JS = """
([quiet, since]) => {
  const el = document.querySelector('[data-test-script-state]');
  if (!el || el.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const log = window.__bench.log;
  const last = Math.max(since || 0, log.length ? log[log.length - 1][0] : 0);
  return performance.now() - last >= quiet;
}
"""

FLOOR_KEY_JS = """
() => document.addEventListener('keydown', () => { window.__bench.floorKey = performance.now(); }, {capture: true, once: true})
"""

FLOOR_STEP_JS = """
(want) => {
  const b = window.__bench;
  if (b.floorDone != null) return b.floorDone - b.floorKey;
  const text = document.querySelector('[data-testid="stText"]');
  if (b.floorHit == null && text && text.textContent.includes(want)) {
    b.floorHit = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => { b.floorDone = performance.now(); }));
  }
  return false;
}
"""


# ---------------------------------------------------------------------------------------------
# Pages and servers.


class Page:
    """A browser page with the websocket frames it sends and receives (through CDP)."""

    def __init__(self, context, url: str, cdp: bool = True):
        self.page = context.new_page()
        self.received: list[tuple[float, int, bytes | None]] = []
        self.sent: list[tuple[float, int]] = []
        self.keep = False
        if cdp:
            session = context.new_cdp_session(self.page)
            session.send("Network.enable")
            session.on("Network.webSocketFrameReceived", self._received)
            session.on("Network.webSocketFrameSent", lambda e: self.sent.append((time.perf_counter(), len(e["response"]["payloadData"]))))
        self.page.goto(url, wait_until="commit")

    def _received(self, event: dict) -> None:
        response = event["response"]
        raw = base64.b64decode(response["payloadData"]) if response.get("opcode") == 2 else response["payloadData"].encode()
        self.received.append((time.perf_counter(), len(raw), raw if self.keep else None))

    def frame(self):
        return self.page.locator(MAP_IFRAME).first.element_handle().content_frame()

    def wait_first_map(self, timeout_s: float = 120) -> float:
        return self.page.wait_for_function(FIRST_MAP_JS, polling="raf", timeout=timeout_s * 1000).json_value()

    def wait_idle(self, quiet_ms: int = 500, timeout_s: float = 120) -> None:
        since = self.page.evaluate("performance.now()")
        self.page.wait_for_function(IDLE_JS, arg=[quiet_ms, since], polling=50, timeout=timeout_s * 1000)

    def map_day(self) -> date:
        return date.fromisoformat(self.frame().evaluate("() => document.querySelector('.leaflet-container').getAttribute('data-day')"))


def start(app: str, size: str | None, tmp: Path) -> AppServer:
    if app == "app":
        root = ROOT
    else:
        root = tmp / f"site-{app}"
        root.mkdir(exist_ok=True)
        source = BENCH / ("floor_app.py" if app == "floor" else "naive_app.py")
        for name, target in (("app.py", source), ("static", ROOT / "static"), (".streamlit", ROOT / ".streamlit")):
            if not (root / name).exists():
                (root / name).symlink_to(target)
    env = {"SANCTUARYMAP_RECORDS": str(tmp / "all_counties" if size == "all_counties" else ROOT / "records")}
    return AppServer(root, tmp / f"streamlit-{app}-{size}.log", env=env)


def server_cpu_ms(server: AppServer) -> float:
    import psutil

    proc = psutil.Process(server.process.pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += (t.user + t.system) * 1000
        except psutil.Error:
            pass
    return total


def med(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


# ---------------------------------------------------------------------------------------------
# Phases.


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


def first_maps(browser, server: AppServer, samples: int) -> list[float]:
    out = []
    for _ in range(samples):
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(INIT_JS)
        p = Page(context, server.url, cdp=False)
        out.append(round(p.wait_first_map(), 1))
        context.close()
    return out


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
    frame.wait_for_function("s => window.__bench.days.length && performance.now() - window.__bench.days[0][0] >= s * 1000", arg=seconds)
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
        out["first_map_ms"] = first_maps(browser, server, plan["first_map_samples"])
        log(f"app/{size}: first map {out['first_map_ms']} ms (cold server {out['first_map_cold_server_ms']} ms)")

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
        return out
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
            "() => { const b = window.__bench.box(); return b && b.getAttribute('data-day') && b.querySelector('path[fill]'); }",
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
                "d => { const b = window.__bench.box(); return b && b.getAttribute('data-day') && b.getAttribute('data-day') !== d; }",
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


# ---------------------------------------------------------------------------------------------
# Report.


def machine(browser_version: str) -> dict:
    import psutil

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    versions = {name: metadata.version(name) for name in ("streamlit", "folium", "streamlit-folium", "playwright")}
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "chromium": browser_version,
        **versions,
    }


def fmt_ms(v) -> str:
    return "–" if v is None else f"{v:,.0f} ms"


def fmt_bytes(v) -> str:
    if v is None:
        return "–"
    return f"{v / 2**20:.2f} MB" if v >= 2**20 else f"{v / 1024:.1f} KB" if v >= 1024 else f"{v:.0f} B"


def ratio(a, b) -> str:
    return "–" if a is None or not b else f"{a / b:.2f}×"


def verdict(ok) -> str:
    return "–" if ok is None else ("**met**" if ok else "**missed**")


def targets(r: dict) -> list[list[str]]:
    floor = r["floor"]["step_median_ms"]
    shipped, counties, naive = r["app"]["shipped"], r["app"]["all_counties"], r["naive"]
    step = counties["scrub"]["step_median_ms"]
    rows = [
        [
            "Scrub step, every county (keydown → new colours painted + 2 frames), median",
            f"≤ {TARGETS['step_all_counties_ms']} ms and below the floor",
            f"{fmt_ms(step)} ({ratio(step, floor)} the floor)",
            verdict(step is not None and step <= TARGETS["step_all_counties_ms"] and step < floor),
        ],
        [
            "Play at 30 days/s, every county: distinct days painted per second",
            f"≥ {TARGETS['play_days_per_s']}",
            f"{counties['play']['days_per_s']} ({counties['play']['distinct_days']} days in {counties['play']['seconds']} s)",
            verdict(counties["play"]["days_per_s"] >= TARGETS["play_days_per_s"]),
        ],
        [
            "… server reruns while playing (counted in the page)",
            "0",
            f"{counties['play']['server_reruns']} (websocket messages sent: {counties['play']['messages_sent']})",
            verdict(counties["play"]["server_reruns"] == 0),
        ],
    ]
    for size, data in (("shipped", shipped), ("all_counties", counties)):
        ms = data["settle"]["median_ms"]
        rows.append(
            [
                f"Settled day → panel, chart and URL updated, {SIZES[size]}, median",
                f"≤ {TARGETS['settle_floor_ratio']}× the floor",
                f"{fmt_ms(ms)} ({ratio(ms, floor)} the floor)",
                verdict(ms <= TARGETS["settle_floor_ratio"] * floor),
            ]
        )
    for size, data in (("shipped", shipped), ("all_counties", counties)):
        rows.append(
            [
                f"Websocket bytes while scrubbing, {SIZES[size]} ({len(data['scrub']['step_ms'])} steps)",
                "0",
                f"{data['scrub']['ws_bytes_while_scrubbing']} B",
                verdict(data["scrub"]["ws_bytes_while_scrubbing"] == 0),
            ]
        )
    settled, baseline = counties["settle"]["median_bytes"], naive["median_bytes_per_step"]
    rows.append(
        [
            "Bytes per settled day, every county, vs the naive baseline's step",
            "≤ 1/100",
            f"1/{baseline / settled:.0f} ({fmt_bytes(settled)} vs {fmt_bytes(baseline)})" if settled else "–",
            verdict(bool(settled) and settled <= baseline * TARGETS["settle_bytes_fraction"]),
        ]
    )
    first = med(shipped["first_map_ms"])
    rows.append(
        [
            "First map, shipped records (warm server, cold browser), median",
            f"≤ {TARGETS['first_map_shipped_ms']:,} ms",
            fmt_ms(first),
            verdict(first <= TARGETS["first_map_shipped_ms"]),
        ]
    )
    many = shipped.get("many")
    if many:
        rows.append(
            [
                f"{many['pages']} pages playing at once: server CPU over {many['window_s']:.0f} s",
                "≈ one idle page (within noise)",
                f"{many['server_cpu_ms_all_playing']:.0f} ms playing vs {many['server_cpu_ms_one_idle_page']:.0f} ms for one idle page "
                f"({many['server_cpu_ms_all_idle']:.0f} ms with all {many['pages']} idle); {many['server_reruns_while_playing']} reruns",
                verdict(
                    many["server_cpu_ms_all_playing"]
                    <= max(2 * many["server_cpu_ms_one_idle_page"], many["server_cpu_ms_one_idle_page"] + 100)
                ),
            ]
        )
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(str(c) for c in row) + " |" for row in rows)])


def render(r: dict) -> str:
    floor = r["floor"]["step_median_ms"]
    m = r["machine"]
    results = []
    for size in SIZES:
        data = r["app"][size]
        results += [
            [
                f"scrub step median / p90, {SIZES[size]}",
                f"{fmt_ms(data['scrub']['step_median_ms'])} / {fmt_ms(data['scrub']['step_p90_ms'])}",
                ratio(data["scrub"]["step_median_ms"], floor),
            ],
            [f"settled day median, {SIZES[size]}", fmt_ms(data["settle"]["median_ms"]), ratio(data["settle"]["median_ms"], floor)],
            [f"bytes per settled day, {SIZES[size]}", fmt_bytes(data["settle"]["median_bytes"]), ""],
            [
                f"first map, warm server, cold browser, {SIZES[size]} (samples)",
                f"{fmt_ms(med(data['first_map_ms']))} ({', '.join(f'{v:,.0f}' for v in data['first_map_ms'])})",
                "",
            ],
            [f"first map, cold server (this page loads the data), {SIZES[size]}", fmt_ms(data["first_map_cold_server_ms"]), ""],
            [
                f"play at 30 days/s, {SIZES[size]}: days painted per second, reruns",
                f"{data['play']['days_per_s']}, {data['play']['server_reruns']}",
                "",
            ],
        ]
    results.append(
        [
            "floor: empty Streamlit step (slider → text), median of the runs before and after (each)",
            f"{fmt_ms(floor)} ({' / '.join(fmt_ms(v) for v in r['floor']['step_median_ms_before_after'])})",
            "1.00×",
        ]
    )
    results.append(["floor: bytes per step", fmt_bytes(r["floor"]["bytes_per_step"]), ""])
    results.append(["naive baseline, every county: bytes per step (median)", fmt_bytes(r["naive"]["median_bytes_per_step"]), ""])
    parts = [
        "# Benchmarks",
        "",
        "Measured by `make bench` (`python bench/run.py`; see its docstring) in Debian's Chromium driven by Playwright. "
        "Every figure comes from one run; times are medians unless they say otherwise, and each is also given as a ratio "
        "to the **floor**: a step of an empty Streamlit app with a slider and a line of text (`bench/floor_app.py`), "
        "Streamlit's own round trip. This file is rewritten by every run.",
        "",
        f"Run: {r['when']} ({r['mode']} mode, {r['minutes']} min). Load average before / after: {r['load_before']} / {r['load_after']} "
        "(other jobs share this machine; absolute times are noisy, ratios less so).",
        "",
        f"Machine: {m['nproc']} × {m['cpu']}, {m['ram_gb']} GB; Python {m['python']}, Chromium {m['chromium']}, "
        f"streamlit {m['streamlit']}, folium {m['folium']}, streamlit-folium {m['streamlit-folium']}, playwright {m['playwright']}.",
        "",
        "## Targets (issue #12)",
        "",
        table(["target", "limit", "measured", ""], targets(r)),
        "",
        "## Results",
        "",
        table(["figure", "value", "÷ floor"], results),
        "",
        "## What a settled day sends (every county)",
        "",
        "Websocket bytes received from the page's report until the app is idle, by Streamlit element (decoded `ForwardMsg`s). "
        "An element that has not changed since the last run is sent as a reference to Streamlit's message cache.",
        "",
        table(["part", "bytes"], [[k, fmt_bytes(v)] for k, v in r["app"]["all_counties"]["settle"]["by_element"].items()]),
        "",
        "## Method",
        "",
        "- **Scrub step**: `ArrowRight` on the map's focused Day slider, consecutive days from 1 March; from the keydown (timed in "
        "the map's frame) to the container's `data-day` changing (set after the shapes are restyled), plus two animation frames. "
        "The steps follow each other within the page's settle delay, so the page tells the server nothing until the burst ends; "
        "websocket bytes are counted (CDP, both ways) from the first keydown to the last step's paint.",
        "- **Settled day**: one `ArrowRight`; from the page's `Streamlit.setComponentValue` call (wrapped from here, epoch clock) "
        "to the panel's heading naming the day, the URL holding it and the script idle, plus two frames. Bytes: websocket frames "
        "received from the report until idle.",
        "- **Play**: 30 days/s from the settled day; distinct days painted per second from the first painted day to the last over the "
        "stated seconds; reruns = `data-test-script-state` turning `running` in the page; messages = `WebSocket.send` calls. Both are "
        "counted before Pause, which reports the day once.",
        "- **Floor**: the same keyboard step on `bench/floor_app.py`'s slider, until its text shows the new day, plus two frames.",
        "- **Naive baseline** (`bench/naive_app.py`): the whole map rebuilt on every rerun; bytes received per slider step until idle.",
        "- **First map**: a fresh browser context opens `/` on a server that has loaded the data; navigation start to the map's "
        "shapes drawn in the day's colours (`data-load=ready`, `data-restyled` ≥ 1, a filled shape) plus two frames.",
        "- **Many pages**: the streamlit process's CPU time (psutil) over the same window with one idle page, with every page open "
        "and idle, and with every page playing at 15 days/s (a year at 30 days/s would end inside the window, and its Pause report is "
        "a rerun by design).",
        "",
        *notes(r),
        f"Raw figures: `bench/results/latest.json`. App files measured: {', '.join(f'`{k}` {v[:12]}' for k, v in r['files'].items())}.",
        "",
    ]
    return "\n".join(parts)


def notes(r: dict) -> list[str]:
    """What a reader of this run's figures should know, derived from the figures themselves."""
    out = []
    many = r["app"]["shipped"].get("many")
    if many and many["still_playing_at_the_end"] < many["pages"]:
        out.append(
            f"- Of the {many['pages']} pages started together, {many['pages'] - many['still_playing_at_the_end']} were no longer "
            f"playing when the {many['window_s']:.0f} s window ended; the {many['server_reruns_while_playing']} reruns counted came from "
            "those pages (a page that stops tells the server its day). Why they stopped is not recorded by the benchmark: "
            "a page stops at 31 December, on a click, or when its map is drawn afresh (a lost connection)."
        )
    if r["load_after"][0] > (r["machine"]["nproc"] or 1) or r["load_before"][0] > (r["machine"]["nproc"] or 1):
        out.append(
            f"- The machine was busy with other jobs (load average {r['load_before'][0]} at the start, {r['load_after'][0]} at the end, "
            f"on {r['machine']['nproc']} cores): the page's painting and Streamlit's round trips shared the CPU with them."
        )
    return [*(["## Notes on this run", "", *out, ""] if out else [])]


def app_files() -> dict[str, str]:
    import hashlib

    files = [ROOT / "app.py", *sorted((ROOT / "sanctuarymap").glob("*.py")), ROOT / "static" / "js" / "sanctuarymap.js"]
    return {str(f.relative_to(ROOT)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--render", action="store_true")
    args = parser.parse_args(argv)
    if args.render:
        DOCS.write_text(render(json.loads(RESULTS.read_text())), encoding="utf-8")
        return 0
    plan = {
        "steps": 10 if args.quick else 30,
        "settles": 3 if args.quick else 9,
        "first_map_samples": 2 if args.quick else 5,
        "play_s": 3 if args.quick else 6,
        "floor_steps": 8 if args.quick else 20,
        "naive_steps": 1 if args.quick else 3,
        "pages_playing": 5 if args.quick else 20,
        "cpu_window_s": 5 if args.quick else 10,
    }
    began = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:6.1f} s] {message}", flush=True)

    import synthetic
    from playwright.sync_api import sync_playwright

    result: dict = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "mode": "quick" if args.quick else "full", "plan": plan}
    result["load_before"] = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="sanctuarymap-bench-") as folder, sync_playwright() as pw:
        tmp = Path(folder)
        synthetic.write(tmp / "all_counties")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        result["machine"] = machine(browser.version)
        result["floor"] = measure_floor(browser, tmp, plan["floor_steps"], log)
        result["app"] = {size: measure_app(browser, size, tmp, plan, log) for size in SIZES}
        result["naive"] = measure_naive(browser, tmp, plan["naive_steps"], log)
        # The floor again at the end: the machine's load drifts; the floor is the median of both.
        after = measure_floor(browser, tmp, plan["floor_steps"], log)
        browser.close()
    result["floor"]["step_ms_after"] = after["step_ms"]
    result["floor"]["step_median_ms_before_after"] = [result["floor"]["step_median_ms"], after["step_median_ms"]]
    result["floor"]["step_median_ms"] = med(result["floor"]["step_ms"] + after["step_ms"])
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["minutes"] = round((time.monotonic() - began) / 60, 1)
    result["files"] = app_files()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    DOCS.write_text(render(result), encoding="utf-8")
    for row in targets(result):
        log(" | ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
