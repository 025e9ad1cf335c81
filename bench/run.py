"""Speed benchmark of Sanctuary Map 2017 in a real browser, against a naive baseline.

    python bench/run.py              # full run, ~6 minutes on 2 idle cores (budgeted for 10)
    python bench/run.py --quick      # fewer steps and samples, ~3 minutes
    python bench/run.py --steps 40   # steps measured on the app at each size (default 30)
    python bench/run.py --render     # only rewrite docs/benchmarks.md from bench/results/latest.json

Starts ``streamlit run`` on localhost (tests/conftest.py's AppServer) for the app (app.py) and
for the naive baseline (bench/naive_app.py), each with two record sets: the shipped records/
and a synthetic set with every county of geodata/ (bench/synthetic.py, written into a
temporary folder).  Drives Debian's Chromium with Playwright and measures:

- first map: navigation start to the map's shapes drawn in the day's colours (+1 frame);
- step: keydown of ArrowRight on the focused slider to the map showing the new day's colours
  (+1 frame): the app's ``data-restyled`` counter incremented, or the baseline's iframe
  showing the new day (``data-day``); consecutive days, 30 by default;
- bytes per step: websocket payload received (CDP Network.webSocketFrameReceived) from the
  keypress to the message that carries the map's update, and until the app is idle again;
  split by Streamlit element;
- replay at the fastest speed offered ("4 days/s" when written): days per second shown by the
  slider and by the map, and the map's lag behind the slider (map state read from the shapes'
  data-category attributes);
- CPU per step of the streamlit server and of Chromium (psutil);
- server: script time per rerun (streamlit.testing AppTest, after a slider change), the
  post-rerun garbage collection, resident memory of the streamlit process with 1 and 10 open
  pages, and a pyinstrument profile (also written to bench/results/profile-*.txt).

Writes bench/results/latest.json and docs/benchmarks.md.  Adds nothing to the app.
"""

from __future__ import annotations

import argparse
import base64
import builtins
import json
import os
import platform
import shutil
import statistics
import subprocess
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
APPS = ("ours", "naive")
# Steps go through consecutive days from these; on the shipped records the sanctuary colours
# change on 9 of the 30 days after 25 January, on all counties on every day.
STEP_START = {"shipped": date(2017, 1, 25), "all_counties": date(2017, 3, 1)}
REPLAY_START = {"shipped": date(2017, 1, 25), "all_counties": date(2017, 6, 1)}
TARGETS = {
    "step_shipped_ms": 250,
    "step_all_counties_ms": 600,
    "step_speedup": 5,
    "bytes_fraction": 0.1,
    "first_map_shipped_ms": 3000,
    "replay_days_per_s": 4,
    "replay_max_lag_steps": 1,
}

# Runs in the top page of every page before Streamlit: keydown time, script-run states, helpers.
INIT_JS = """
(() => {
  if (window !== window.top) return;
  const b = window.__bench = {key: null, hit: null, done: null, log: [], restyleMs: []};
  document.addEventListener('keydown', () => { b.key = performance.now(); }, true);
  new MutationObserver(ms => { for (const m of ms) b.log.push([performance.now(), m.target.getAttribute('data-test-script-state')]); })
    .observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  b.containers = () => {
    const out = [];
    for (const f of document.querySelectorAll('__MAP_IFRAME__')) {
      let d = null;
      try { d = f.contentDocument; } catch (e) {}
      const c = d && d.querySelector('.leaflet-container');
      if (c) out.push(c);
    }
    return out;
  };
  b.restyled = () => Math.max(0, ...b.containers().map(c => Number(c.getAttribute('data-restyled') || 0)));
  b.mark = () => { b.hit = performance.now(); requestAnimationFrame(() => { b.done = performance.now(); }); };
})();
""".replace("__MAP_IFRAME__", MAP_IFRAME)

FIRST_MAP_JS = """
(app) => {
  const b = window.__bench;
  if (b.done != null) return {ms: b.done};
  if (b.hit == null && b.containers().some(c => app === 'ours'
      ? c.hasAttribute('data-shapes') && Number(c.getAttribute('data-restyled') || 0) >= 1 && c.querySelector('path.shape[fill]')
      : c.hasAttribute('data-day') && c.querySelector('path[fill]'))) b.mark();
  return false;
}
"""

STEP_JS = """
([app, want]) => {
  const b = window.__bench;
  if (b.done != null) return {ms: b.done - b.key, hit: b.hit - b.key};
  if (b.hit == null && b.key != null && b.containers().some(c => app === 'ours'
      ? Number(c.getAttribute('data-restyled') || 0) >= want
      : c.getAttribute('data-day') === want && c.querySelector('path[fill]'))) b.mark();
  if (b.hit == null && b.key != null && app === 'ours') {
    // No restyle (the payload did not change): the step ends when the rerun is over.
    const el = document.querySelector('[data-test-script-state]');
    const last = b.log.length ? b.log[b.log.length - 1][0] : 0;
    const now = performance.now();
    if (el && el.getAttribute('data-test-script-state') === 'notRunning' && last > b.key && now - last > 1000)
      return {ms: null, norestyle: true};
  }
  return false;
}
"""

MAP_DAY_JS = "() => { const c = window.__bench.containers()[0]; return c ? c.getAttribute('data-day') : null; }"

IDLE_JS = """
([quiet, since]) => {
  const el = document.querySelector('[data-test-script-state]');
  if (!el || el.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const log = window.__bench.log;
  const last = Math.max(since || 0, log.length ? log[log.length - 1][0] : 0);
  return performance.now() - last >= quiet;
}
"""

# Times sanctuaryMap.restyle inside the map iframe (measurement only; the app is unchanged).
WRAP_RESTYLE_JS = """
() => {
  const sm = window.sanctuaryMap;
  if (!sm || sm.__benchWrapped) return !!sm;
  const original = sm.restyle;
  sm.restyle = function () {
    const t = performance.now();
    const result = original.apply(this, arguments);
    window.top.__bench.restyleMs.push(performance.now() - t);
    return result;
  };
  sm.__benchWrapped = true;
  return true;
}
"""

# Replay sampling: the slider's day every frame; the map's categories at every restyle.
REPLAY_START_JS = """
() => {
  const b = window.__bench;
  b.slider = []; b.maps = []; b.sampling = true;
  const c = b.containers()[0];
  const snapshot = () => {
    const shapes = {};
    for (const p of c.querySelectorAll('path.shape')) shapes[p.getAttribute('data-jurisdiction')] = p.getAttribute('data-category');
    b.maps.push([performance.now(), Number(c.getAttribute('data-restyled') || 0), shapes, c.getAttribute('data-day')]);
  };
  snapshot();
  b.observer = new MutationObserver(snapshot);
  b.observer.observe(c, {attributes: true, attributeFilter: ['data-restyled']});
  const tick = () => {
    const s = document.querySelector('input[type="range"], [role="slider"]');
    b.slider.push([performance.now(), s ? s.getAttribute('aria-valuetext') : null]);
    if (b.sampling) requestAnimationFrame(tick);
  };
  tick();
  return performance.now();
}
"""
REPLAY_STOP_JS = """
() => { const b = window.__bench; b.sampling = false; b.observer.disconnect(); return {slider: b.slider, maps: b.maps}; }
"""


# ---------------------------------------------------------------------------------------------
# Data: record sets, the days on which the app's colours change, the map's expected categories.


class Records:
    """One record set, loaded the way the app loads it, plus what the benchmark derives from it."""

    def __init__(self, size: str, folder: Path):
        from sanctuarymap import dataset

        self.size = size
        self.folder = folder
        self.data = dataset.load(folder, ROOT / "geodata")
        if self.data.problems:
            raise SystemExit(f"{folder}: {len(self.data.problems)} problem(s), e.g. {self.data.problems[0]}")
        self.counts = {
            "jurisdictions": len(self.data.records.jurisdictions),
            "events": len(self.data.records.events),
            "drawn_shapes": len(self.data.drawn),
        }

    def colour_change_days(self, dimension: str, first: date, last: date) -> list[date]:
        """Days in (first, last] on which some drawn jurisdiction's category changes."""
        out, before = [], self.labels(dimension, first)
        day = first
        while day < last:
            day += timedelta(days=1)
            now = self.labels(dimension, day)
            if now != before:
                out.append(day)
            before = now
        return out

    def labels(self, dimension: str, day: date) -> dict[str, str]:
        """Category label of every drawn jurisdiction on a day, as the map's data-category shows it."""
        from sanctuarymap import status

        current = status.as_of(self.data.changes, self.data.mapped_ids, day)
        dim = status.DIMENSIONS[dimension]
        drawn = set(self.data.drawn["jurisdiction_id"])
        return {j: dim.label_of(current.at[j, dimension]) for j in current.index if j in drawn}


# ---------------------------------------------------------------------------------------------
# Servers and pages.


def naive_site(tmp: Path) -> Path:
    """A folder where bench/naive_app.py is app.py, next to the app's static/ and .streamlit/."""
    site = tmp / "naive_site"
    site.mkdir(exist_ok=True)
    for name, target in (("app.py", BENCH / "naive_app.py"), ("static", ROOT / "static"), (".streamlit", ROOT / ".streamlit")):
        link = site / name
        if not link.exists():
            link.symlink_to(target)
    return site


def start_server(app: str, records: Records, tmp: Path) -> AppServer:
    root = ROOT if app == "ours" else naive_site(tmp)
    return AppServer(root, tmp / f"streamlit-{app}-{records.size}.log", env={"SANCTUARYMAP_RECORDS": str(records.folder)})


def server_rss(server: AppServer) -> int:
    import psutil

    proc = psutil.Process(server.process.pid)
    return proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))


def process_tree_cpu(root, name: str | None = None) -> dict[int, float]:
    """CPU ms (user + system) by pid of a process and its descendants, optionally only those named ``name``."""
    import psutil

    out = {}
    for proc in [root, *root.children(recursive=True)]:
        try:
            if name is None or name in proc.name():
                times = proc.cpu_times()
                out[proc.pid] = (times.user + times.system) * 1000
        except psutil.Error:
            pass
    return out


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings by the processes alive at the second (new ones count whole)."""
    return sum(ms - before.get(pid, 0.0) for pid, ms in after.items())


class CpuMeter:
    """CPU used by the streamlit server and by Chromium (the benchmark's own descendants)."""

    def __init__(self, server: AppServer):
        import psutil

        self.server = psutil.Process(server.process.pid)
        self.me = psutil.Process()

    def read(self) -> tuple[dict, dict]:
        return process_tree_cpu(self.server), process_tree_cpu(self.me, "chrom")

    @staticmethod
    def used(before: tuple[dict, dict], after: tuple[dict, dict]) -> tuple[float, float]:
        return cpu_delta(before[0], after[0]), cpu_delta(before[1], after[1])


class Page:
    """A browser page on one app, with the websocket frames it receives (through CDP)."""

    def __init__(self, context, url: str, app: str, cdp: bool = True, cpu: CpuMeter | None = None):
        self.app = app
        self.cpu = cpu
        self.page = context.new_page()
        self.frames: list[tuple[float, int, bytes | None]] = []
        self.keep_payloads = False
        self.http_bytes = 0
        if cdp:
            session = context.new_cdp_session(self.page)
            session.send("Network.enable")
            session.on("Network.webSocketFrameReceived", self._on_frame)
            session.on("Network.loadingFinished", self._on_loaded)
        self.page.goto(url, wait_until="commit")

    def _on_frame(self, event: dict) -> None:
        response = event["response"]
        if response.get("opcode") == 2:
            raw = base64.b64decode(response["payloadData"])
            self.frames.append((time.perf_counter(), len(raw), raw if self.keep_payloads else None))
        else:
            self.frames.append((time.perf_counter(), len(response["payloadData"].encode()), None))

    def _on_loaded(self, event: dict) -> None:
        self.http_bytes += int(event.get("encodedDataLength", 0))

    def wait_first_map(self, timeout_s: float) -> float:
        handle = self.page.wait_for_function(FIRST_MAP_JS, arg=self.app, polling="raf", timeout=timeout_s * 1000)
        return handle.json_value()["ms"]

    def wait_idle(self, since: float | None = None, quiet_ms: int = 500, timeout_s: float = 120) -> None:
        self.page.wait_for_function(IDLE_JS, arg=[quiet_ms, since or 0], polling=50, timeout=timeout_s * 1000)

    def now(self) -> float:
        return self.page.evaluate("performance.now()")

    def slider_day(self) -> date:
        return parse_day(self.page.get_by_role("slider").get_attribute("aria-valuetext"))

    def restyled(self) -> int:
        return int(self.page.evaluate("window.__bench.restyled()"))

    def map_frame(self):
        return self.page.locator(MAP_IFRAME).first.element_handle().content_frame()

    def step(self, want, timeout_s: float) -> dict:
        """One ArrowRight on the focused slider, until the map shows the new day, then until idle."""
        page = self.page
        page.get_by_role("slider").focus()
        page.evaluate("() => { const b = window.__bench; b.key = null; b.hit = null; b.done = null; b.restyleMs = []; }")
        log_start = page.evaluate("window.__bench.log.length")
        self.keep_payloads = True
        start = len(self.frames)
        cpu_before = self.cpu.read() if self.cpu else None
        page.keyboard.press("ArrowRight")
        result: dict = {}
        try:
            handle = page.wait_for_function(STEP_JS, arg=[self.app, want], polling="raf", timeout=timeout_s * 1000)
            value = handle.json_value()
            result.update(ms=value["ms"])
            if value.get("norestyle"):
                result["no_restyle"] = True
        except Exception as error:  # noqa: BLE001  (a timeout is recorded, the run goes on)
            result.update(ms=None, error=type(error).__name__)
        self.wait_idle(self.now() if result.get("ms") is not None else None)
        if cpu_before:
            # Includes the 500 ms of quiet the idle wait asks for (little CPU: no script runs).
            server_ms, browser_ms = CpuMeter.used(cpu_before, self.cpu.read())
            result["server_cpu_ms"] = round(server_ms, 1)
            result["browser_cpu_ms"] = round(browser_ms, 1)
        result["map_day"] = self.page.evaluate(MAP_DAY_JS)
        self.keep_payloads = False
        frames = self.frames[start:]
        del self.frames[start:]
        # To the step's end: every frame up to the one that carries the map's update (st_folium's
        # message, which the restyle or the rebuilt map needs), that one included.
        carrier = next((i for i, (_, _, raw) in enumerate(frames) if raw is not None and is_st_folium(raw)), None)
        result["bytes_to_done"] = sum(n for _, n, _ in frames[: (len(frames) if carrier is None else carrier + 1)])
        result["bytes_to_idle"] = sum(n for _, n, _ in frames)
        result["by_element"] = classify_frames([raw for _, _, raw in frames if raw is not None])
        log = page.evaluate("(i) => window.__bench.log.slice(i)", log_start)
        runs = [t for t, state in log if state == "running"]
        result["reruns"] = len(runs)
        result["rerun_ms"] = rerun_durations(log)
        result["restyle_js_ms"] = page.evaluate("window.__bench.restyleMs")
        return result


def rerun_durations(log: list) -> list[float]:
    out, started = [], None
    for t, state in log:
        if state == "running" and started is None:
            started = t
        elif state != "running" and started is not None:
            out.append(round(t - started, 1))
            started = None
    return out


def is_st_folium(raw: bytes) -> bool:
    """True for a websocket frame holding st_folium's element (a ForwardMsg delta)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(raw)
    except Exception:  # noqa: BLE001
        return False
    return (
        msg.WhichOneof("type") == "delta"
        and msg.delta.WhichOneof("type") == "new_element"
        and msg.delta.new_element.WhichOneof("type") == "component_instance"
        and "st_folium" in msg.delta.new_element.component_instance.component_name
    )


def classify_frames(payloads: list[bytes]) -> dict[str, int]:
    """Websocket bytes by what they carry: Streamlit element type, and st_folium's arguments."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out: dict[str, int] = {}

    def add(label: str, n: int) -> None:
        out[label] = out.get(label, 0) + n

    for raw in payloads:
        msg = ForwardMsg()
        try:
            msg.ParseFromString(raw)
        except Exception:  # noqa: BLE001
            add("unparsed", len(raw))
            continue
        kind = msg.WhichOneof("type")
        if kind != "delta":
            add(f"msg:{kind}", len(raw))
            continue
        delta = msg.delta
        dkind = delta.WhichOneof("type")
        if dkind != "new_element":
            add(f"delta:{dkind}", len(raw))
            continue
        element = delta.new_element
        ekind = element.WhichOneof("type")
        if ekind == "component_instance" and "st_folium" in element.component_instance.component_name:
            args = json.loads(element.component_instance.json_args or "{}")
            named = {
                "script": "st_folium:script (base map)",
                "feature_group": "st_folium:feature_group (restyle)",
                "html": "st_folium:html",
                "header": "st_folium:header",
            }
            counted = 0
            for key, label in named.items():
                n = len(json.dumps(args.get(key), separators=(",", ":"))) if args.get(key) else 0
                add(label, n)
                counted += n
            add("st_folium:other args + framing", len(raw) - counted)
        else:
            add(ekind or "element", len(raw))
    return out


def parse_day(text: str) -> date:
    return datetime.strptime(text, "%d %b %Y").date()


def day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


# ---------------------------------------------------------------------------------------------
# Browser phases.


def url_for(server: AppServer, day: date | None = None, colour: str | None = None) -> str:
    query = "&".join(f"{k}={v}" for k, v in (("day", day and day.isoformat()), ("colour", colour)) if v)
    return f"{server.url}/" + (f"?{query}" if query else "")


def measure_app(browser, app: str, records: Records, tmp: Path, plan: dict, log) -> dict:
    """Everything measured in the browser for one app and one record set."""
    size = records.size
    out: dict = {"records": records.counts, "loadavg_start": [round(x, 2) for x in os.getloadavg()]}
    started = time.monotonic()
    server = start_server(app, records, tmp)
    try:
        out["server_start_s"] = round(time.monotonic() - started, 2)
        # 1. A cold server: the first page also loads the data (cached for every later session).
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(INIT_JS)
        url = url_for(server, STEP_START[size], "sanctuary")
        cpu = CpuMeter(server)
        main = Page(context, url, app, cpu=cpu)
        out["first_map_cold_server_ms"] = round(main.wait_first_map(300))
        main.wait_idle(main.now(), timeout_s=300)
        out["first_page_ws_bytes"] = sum(n for _, n, _ in main.frames)
        out["first_page_http_bytes"] = main.http_bytes
        log(f"  {app}/{size}: cold first map {out['first_map_cold_server_ms']} ms")

        # 2. Memory with 1 open page, then with 10 (one context).
        time.sleep(1)
        out["rss_1_page_mb"] = round(server_rss(server) / 2**20, 1)
        if plan["pages"][app][size] > 1:
            extra = [Page(context, url_for(server), app, cdp=False) for _ in range(plan["pages"][app][size] - 1)]
            for p in extra:
                p.wait_first_map(600)
            for p in extra:
                p.wait_idle(p.now(), timeout_s=600)
            time.sleep(1)
            out["rss_pages"] = len(extra) + 1
            out["rss_10_pages_mb"] = round(server_rss(server) / 2**20, 1)
            for p in extra:
                p.page.close()
        log(f"  {app}/{size}: RSS {out['rss_1_page_mb']} MB (1 page), {out.get('rss_10_pages_mb')} MB (10)")

        # 3. First map with a warm server and a cold browser cache: fresh contexts, default URL.
        samples, samples_bytes = [], (None, None)
        for _ in range(plan["first_map_samples"][app][size]):
            ctx = browser.new_context(viewport=VIEWPORT)
            ctx.add_init_script(INIT_JS)
            p = Page(ctx, url_for(server), app)
            samples.append(round(p.wait_first_map(300)))
            p.wait_idle(p.now(), timeout_s=300)
            samples_bytes = (sum(n for _, n, _ in p.frames), p.http_bytes)
            ctx.close()
        out["first_map_ms"] = samples
        out["first_map_ws_bytes"], out["first_map_http_bytes"] = samples_bytes
        log(f"  {app}/{size}: first map {samples} ms")

        # 4. Steps.
        if app == "ours":
            main.map_frame().evaluate(WRAP_RESTYLE_JS)
        steps = []
        n = plan["steps"][app][size]
        start = main.slider_day()
        # The baseline's steps are expensive (two full reruns and a map rebuilt in the browser): they
        # stop at the phase's time budget once a minimum is measured.
        budget_s, minimum = plan["step_budget_s"][app][size], plan["min_steps"][app][size]
        phase_start = time.monotonic()
        for i in range(n):
            if i >= minimum and time.monotonic() - phase_start > budget_s:
                break
            day = start + timedelta(days=i + 1)
            want = main.restyled() + 1 if app == "ours" else day.isoformat()
            steps.append(
                {
                    "day": day.isoformat(),
                    "colour_changes": day in plan["colour_change_days"][size],
                    **main.step(want, timeout_s=30 if app == "ours" else 180),
                }
            )
        out["steps"] = steps
        ok = [s["ms"] for s in steps if s["ms"] is not None]
        log(f"  {app}/{size}: {len(ok)}/{len(steps)} steps, median {med(ok)} ms")

        # 5. Replay at the fastest speed (the app only: the baseline has no Play).
        if app == "ours":
            out["replay"] = replay(context, server, records, plan["replay_s"], cpu)
            log(f"  {app}/{size}: replay {out['replay']['map_days_per_s']} days/s, max lag {out['replay']['max_lag_days']} day(s)")
        context.close()
    finally:
        server.stop()
    out["elapsed_s"] = round(time.monotonic() - started, 1)
    out["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    return out


def replay(context, server: AppServer, records: Records, seconds: float, cpu: CpuMeter) -> dict:
    start = REPLAY_START[records.size]
    p = Page(context, url_for(server, start, "sanctuary"), "ours", cdp=False)
    p.wait_first_map(300)
    p.wait_idle(p.now())
    # The fastest speed the app offers (the options are read, not assumed).
    speed = p.page.get_by_role("combobox", name="Speed")
    speed.click()
    options = p.page.get_by_role("option")
    labels = [options.nth(i).inner_text().strip() for i in range(options.count())]
    fastest = max(labels, key=speed_value)
    options.nth(labels.index(fastest)).click()
    p.wait_idle(p.now())
    if speed.input_value() != fastest:
        raise RuntimeError(f"speed is {speed.input_value()!r}, not {fastest!r}")
    toggle = p.page.get_by_test_id("stCheckbox").filter(has_text="Play")
    t0 = p.page.evaluate(REPLAY_START_JS)
    cpu_before = cpu.read()
    toggle.click()
    time.sleep(seconds)
    cpu_after = cpu.read()
    samples = p.page.evaluate(REPLAY_STOP_JS)
    # Pause: click Play again; the replay should stop within a couple of seconds.
    toggle.click()
    pause = {"clicked_at": day_text(p.slider_day())}
    try:
        p.wait_idle(p.now(), quiet_ms=1000, timeout_s=4)
        pause["stopped"] = True
    except Exception:  # noqa: BLE001
        before = p.slider_day()
        time.sleep(1.5)
        pause["stopped"] = p.slider_day() == before
    pause["toggle_on_after"] = p.page.get_by_test_id("stCheckbox").filter(has_text="Play").locator("input").is_checked()
    pause["slider_after"] = day_text(p.slider_day())
    p.page.close()  # ends the session, and its replay if Pause did not
    time.sleep(1)
    result = analyse_replay(samples, t0, seconds, records, start)
    result["speed"] = fastest
    result["speeds_offered"] = labels
    result["pause"] = pause
    server_ms, browser_ms = CpuMeter.used(cpu_before, cpu_after)
    result["server_cpu_share"] = round(server_ms / (seconds * 1000), 2)
    result["browser_cpu_share"] = round(browser_ms / (seconds * 1000), 2)
    return result


def steady_rate(samples: list[tuple[float, date]]) -> float | None:
    """Days per second between the first sample showing a new day and the last sample's day's first sample."""
    if not samples:
        return None
    start_day = samples[0][1]
    moved = [(t, d) for t, d in samples if d != start_day]
    if not moved:
        return 0.0
    last_day = moved[-1][1]
    first_t = moved[0][0]
    last_t = next(t for t, d in moved if d == last_day)
    days = (last_day - moved[0][1]).days
    return round(days / ((last_t - first_t) / 1000), 2) if last_t > first_t else None


def first_change_ms(samples: list[tuple[float, date]], t0: float) -> float | None:
    """Milliseconds from the click on Play to the first sample showing another day."""
    moved = [t for t, d in samples if samples and d != samples[0][1]]
    return round(moved[0] - t0) if moved else None


def speed_value(label: str) -> float:
    """Days per second of a speed option such as "4 days/s" (0 if it does not read as one)."""
    try:
        return float(label.split()[0])
    except (ValueError, IndexError):
        return 0.0


def analyse_replay(samples: dict, t0: float, seconds: float, records: Records, start: date) -> dict:
    """Slider days and map days over time; the map's lag = slider day - the last day whose colours it shows."""
    import bisect

    t_end = t0 + seconds * 1000
    slider = [(t, parse_day(v)) for t, v in samples["slider"] if v and t0 <= t <= t_end]
    snapshots = sorted(((m[0], m[2], m[3] if len(m) > 3 else None) for m in samples["maps"]), key=lambda m: m[0])
    last_day = max(d for _, d in slider)
    days = [start + timedelta(days=i) for i in range(-1, (last_day - start).days + 2)]
    expected = {d: records.labels("sanctuary", d) for d in days}
    jurisdictions = sorted(expected[start])
    by_signature: dict[tuple, list[date]] = {}
    for d in days:
        by_signature.setdefault(tuple(expected[d].get(j) for j in jurisdictions), []).append(d)
    # The day the map shows: its data-day if the app writes one and it agrees with the colours,
    # else the days whose expected colours equal the map's.
    shown_days = []
    for _, shapes, tagged in snapshots:
        matches = by_signature.get(tuple(shapes.get(j) for j in jurisdictions), [])
        tagged_day = date.fromisoformat(tagged) if tagged else None
        shown_days.append([tagged_day] if tagged_day in matches else matches)
    times = [t for t, _, _ in snapshots]

    lags, map_days, unmatched, map_days_at = [], [], 0, {}
    for t, day in slider:
        i = bisect.bisect_right(times, t) - 1
        if i < 0:
            continue
        match = shown_days[i]
        if not match:
            unmatched += 1
            continue
        before = [d for d in match if d <= day]
        shown = max(before) if before else min(match)
        map_days_at[i] = shown
        lags.append((day - shown).days)
        map_days.append((t, shown))
    timeline, last = [], (None, None)
    for t, day in slider:
        i = bisect.bisect_right(times, t) - 1
        shown = map_days_at.get(i) if i >= 0 else None
        if (day, shown) != last:
            timeline.append([round(t - t0), day.isoformat()[5:], shown.isoformat()[5:] if shown else None])
            last = (day, shown)
    slider_advance = (slider[-1][1] - slider[0][1]).days
    map_advance = (map_days[-1][1] - map_days[0][1]).days if map_days else 0
    return {
        "seconds": seconds,
        "start": start.isoformat(),
        # While playing: from the first day the map moves on to the last one, so the time between the
        # click on Play and the first new day (reported on its own) does not dilute the rate.
        "map_days_per_s": steady_rate(map_days),
        "slider_days_per_s": steady_rate(slider),
        "first_day_after_ms": first_change_ms(map_days, t0),
        "map_days_per_s_whole_window": round(map_advance / seconds, 2),
        "slider_days_per_s_whole_window": round(slider_advance / seconds, 2),
        "restyles": sum(1 for t in times if t0 <= t <= t_end),
        "max_lag_days": max(lags) if lags else None,
        "median_lag_days": statistics.median(lags) if lags else None,
        "share_of_frames_lagging": round(sum(1 for x in lags if x > 0) / len(lags), 3) if lags else None,
        "frames": len(slider),
        "unmatched_frames": unmatched,
        "timeline_ms_slider_map": timeline,
    }


# ---------------------------------------------------------------------------------------------
# Server side: script time per rerun with AppTest, and a pyinstrument profile (in a subprocess).


def apptest_worker(spec: dict) -> dict:
    """Run in a separate process: time at.run() after slider changes; profile the app's reruns."""
    os.environ["SANCTUARYMAP_RECORDS"] = spec["records"]
    from streamlit.testing.v1 import AppTest

    out: dict = {}
    at = AppTest.from_file(spec["script"], default_timeout=600)
    t = time.perf_counter()
    at.run()
    out["first_run_s"] = round(time.perf_counter() - t, 3)
    if at.exception:
        raise SystemExit(f"{spec['script']}: {at.exception[0].value}")
    day = date.fromisoformat(spec["start"])
    times = []
    for i in range(spec["runs"]):
        at.slider[0].set_value(day + timedelta(days=i + 1))
        t = time.perf_counter()
        at.run()
        times.append(round((time.perf_counter() - t) * 1000, 1))
        if at.exception:
            raise SystemExit(f"{spec['script']}: {at.exception[0].value}")
    out["rerun_ms"] = times
    # What Streamlit's runner.postScriptGC (on by default) adds after every rerun: a full collection
    # over every object the process holds, the cached dataset included; and the same after gc.freeze().
    import gc

    def collect_ms() -> float:
        samples = []
        for _ in range(3):
            t = time.perf_counter()
            gc.collect(2)
            samples.append((time.perf_counter() - t) * 1000)
        return round(statistics.median(samples), 1)

    out["gc_tracked_objects"] = len(gc.get_objects())
    out["gc_collect_ms"] = collect_ms()
    gc.freeze()
    out["gc_collect_after_freeze_ms"] = collect_ms()
    gc.unfreeze()
    if spec.get("profile_runs"):
        from pyinstrument import Profiler

        wrapper = Path(spec["tmp"]) / "profile_wrapper.py"
        wrapper.write_text(
            "import builtins, runpy, sys\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            "p = getattr(builtins, '__bench_profiler__', None)\n"
            "if p is not None:\n    p.start()\n"
            f"try:\n    runpy.run_path({spec['script']!r}, run_name='__main__')\n"
            "finally:\n    if p is not None:\n        p.stop()\n"
        )
        builtins.__bench_profiler__ = None  # the session's first run is not a step
        at = AppTest.from_file(str(wrapper), default_timeout=600)
        at.run()
        builtins.__bench_profiler__ = profiler = Profiler(interval=0.001)
        for i in range(spec["profile_runs"]):
            at.slider[0].set_value(day + timedelta(days=i + 1))
            at.run()
        if at.exception:
            raise SystemExit(f"profiled {spec['script']}: {at.exception[0].value}")
        out["profile"] = summarise_profile(profiler.last_session, spec["profile_runs"])
        out["profile_text"] = profiler.output_text(unicode=False, color=False, show_all=False)
    return out


PROFILE_WRAPPERS = {"wrapped_func", "wrapper", "__call__", "<lambda>"}


def summarise_profile(session, runs: int) -> dict:
    """Per rerun: app.py's calls by time (Streamlit's metrics wrappers looked through), the
    functions with the most self time, and time by library."""
    found = []

    def find(frame):
        if frame.function == "<module>" and (frame.file_path or "").endswith("app.py"):
            found.append(frame)
            return
        for child in frame.children:
            find(child)

    find(session.root_frame())
    name = lambda f: f"{f.function}  {f.file_path_short}:{f.line_no}"  # noqa: E731
    real = lambda fs: [f for f in fs if not f.function.startswith("[")]  # noqa: E731

    def calls_of(frame):
        if frame.function in PROFILE_WRAPPERS and real(frame.children):
            return [g for c in real(frame.children) for g in calls_of(c)]
        return [frame]

    calls: dict[str, float] = {}
    selfs: dict[str, float] = {}
    libraries: dict[str, float] = {}

    def own(frame, parent=None):
        spent = frame.time - sum(c.time for c in real(frame.children))
        key = name(frame) + (f"  ← {parent.function} ({parent.file_path_short})" if parent is not None else "")
        selfs[key] = selfs.get(key, 0) + spent
        path = frame.file_path or ""
        lib = (
            "app.py"
            if path.endswith("app.py")
            else "sanctuarymap"
            if "/sanctuarymap/" in path
            else path.split("site-packages/")[1].split("/")[0]
            if "site-packages/" in path
            else "python stdlib"
            if "/lib/python" in path
            else "built-in / C"
        )
        libraries[lib] = libraries.get(lib, 0) + spent
        for child in real(frame.children):
            own(child, frame)

    for module in found:
        for child in real(module.children):
            for call in calls_of(child):
                calls[name(call)] = calls.get(name(call), 0) + call.time
        own(module)
    top = lambda d, n: [[k, round(v / runs * 1000, 1)] for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:n]]  # noqa: E731
    return {
        "runs": runs,
        "script_ms_per_rerun": round(sum(f.time for f in found) / runs * 1000, 1),
        "calls_ms": top(calls, 14),
        "self_ms": top(selfs, 12),
        "libraries_ms": top(libraries, 10),
    }


def run_apptest(script: Path, records: Records, start: date, runs: int, profile_runs: int, tmp: Path) -> dict:
    spec = {
        "script": str(script),
        "records": str(records.folder),
        "start": start.isoformat(),
        "runs": runs,
        "profile_runs": profile_runs,
        "tmp": str(tmp),
    }
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--apptest-worker", json.dumps(spec)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"AppTest worker failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# Summary, machine, markdown.


def med(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def p90(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    k = max(0, min(len(values) - 1, int(round(0.9 * (len(values) - 1)))))
    return round(values[k], 1)


def summarise(app_result: dict) -> dict:
    steps = app_result.get("steps", [])
    ms = [s["ms"] for s in steps if s["ms"] is not None]
    elements: dict[str, list[int]] = {}
    for s in steps:
        for k, v in s["by_element"].items():
            elements.setdefault(k, []).append(v)
    n = len(steps)
    by_element = {k: round(statistics.median(v + [0] * (n - len(v)))) for k, v in elements.items()}
    restyle = [x for s in steps for x in s.get("restyle_js_ms", [])]
    return {
        "steps": len(steps),
        "steps_failed": sum(1 for s in steps if s["ms"] is None and not s.get("no_restyle")),
        "steps_no_restyle": sum(1 for s in steps if s.get("no_restyle")),
        "step_median_ms": med(ms),
        "step_median_colour_change_ms": med([s["ms"] for s in steps if s.get("colour_changes")]),
        "step_median_same_colours_ms": med([s["ms"] for s in steps if not s.get("colour_changes")]),
        "step_p90_ms": p90(ms),
        "bytes_to_done_median": med([s["bytes_to_done"] for s in steps]),
        "bytes_to_idle_median": med([s["bytes_to_idle"] for s in steps]),
        "bytes_by_element_median": dict(sorted(by_element.items(), key=lambda kv: -kv[1])),
        "reruns_per_step_median": med([s["reruns"] for s in steps]),
        "rerun_wall_ms_median": med([sum(s["rerun_ms"]) for s in steps]),
        "restyle_js_ms_median": med(restyle),
        "server_cpu_ms_median": med([s.get("server_cpu_ms") for s in steps]),
        "browser_cpu_ms_median": med([s.get("browser_cpu_ms") for s in steps]),
        "first_map_median_ms": med(app_result.get("first_map_ms", [])),
    }


def app_files() -> dict[str, str]:
    """sha256 of the files that make the app, to tell which version a run measured."""
    import hashlib

    files = [ROOT / "app.py", *sorted((ROOT / "sanctuarymap").glob("*.py")), ROOT / "static" / "geodata" / "boundaries.json"]
    return {str(f.relative_to(ROOT)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


def machine(browser_version: str) -> dict:
    import psutil

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    versions = {
        name: metadata.version(name)
        for name in ("streamlit", "folium", "streamlit-folium", "branca", "pandas", "playwright", "pyinstrument")
    }
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "chromium": browser_version,
        **versions,
    }


def build_plan(args, record_sets: dict) -> dict:
    quick = args.quick
    n = args.steps if args.steps is not None else (8 if quick else 30)
    return {
        "steps_requested": n,
        "colour_change_days": {
            size: records.colour_change_days("sanctuary", STEP_START[size], STEP_START[size] + timedelta(days=n))
            for size, records in record_sets.items()
        },
        "steps": {
            "ours": {"shipped": n, "all_counties": n},
            "naive": {"shipped": min(n, 3 if quick else 10), "all_counties": min(n, 1 if quick else 3)},
        },
        "min_steps": {
            "ours": {"shipped": n, "all_counties": n},
            "naive": {"shipped": min(n, 2 if quick else 3), "all_counties": min(n, 1 if quick else 2)},
        },
        "step_budget_s": {
            "ours": {"shipped": 600, "all_counties": 600},
            "naive": {"shipped": 20 if quick else 60, "all_counties": 20 if quick else 60},
        },
        "first_map_samples": {
            "ours": {"shipped": 2 if quick else 3, "all_counties": 1 if quick else 3},
            "naive": {"shipped": 1 if quick else 2, "all_counties": 0 if quick else 1},
        },
        "pages": {"ours": {"shipped": 1 if quick else 10, "all_counties": 1 if quick else 10}, "naive": {"shipped": 1, "all_counties": 1}},
        "replay_s": 4 if quick else 8,
        "apptest_runs": {"ours": 3 if quick else 10, "naive": {"shipped": 2 if quick else 10, "all_counties": 1 if quick else 3}},
        "profile_runs": 2 if quick else 5,
    }


def fmt_ms(v):
    return "–" if v is None else f"{v:,.0f} ms"


def fmt_bytes(v):
    if v is None:
        return "–"
    return f"{v / 2**20:.2f} MB" if v >= 2**20 else f"{v / 1024:.1f} KB"


def ratio(a, b, digits=1):
    # Below half a unit (a GC pass after gc.freeze(), say) the quotient says nothing but noise.
    if a is None or b is None or b < 0.5:
        return "–"
    return f"{a / b:.{digits}f}×"


def verdict(ok):
    return "–" if ok is None else ("**met**" if ok else "**missed**")


def targets_table(r: dict) -> list[list[str]]:
    s = r["summary"]
    rows = []

    def get(size, app, key):
        return s[size][app].get(key)

    for size, limit in (("shipped", TARGETS["step_shipped_ms"]), ("all_counties", TARGETS["step_all_counties_ms"])):
        v = get(size, "ours", "step_median_ms")
        rows.append([f"step median, {SIZES[size]}", f"≤ {limit} ms", fmt_ms(v), verdict(None if v is None else v <= limit)])
    for size in SIZES:
        o, n = get(size, "ours", "step_median_ms"), get(size, "naive", "step_median_ms")
        sp = None if not o or not n else n / o
        rows.append(
            [
                f"step speed-up vs naive, {SIZES[size]}",
                f"≥ {TARGETS['step_speedup']}×",
                "–" if sp is None else f"{sp:.1f}×",
                verdict(None if sp is None else sp >= TARGETS["step_speedup"]),
            ]
        )
    for size in SIZES:
        o, n = get(size, "ours", "bytes_to_done_median"), get(size, "naive", "bytes_to_done_median")
        fr = None if o is None or not n else o / n
        rows.append(
            [
                f"bytes per step vs naive, {SIZES[size]}",
                "≤ 1/10",
                "–" if fr is None else f"1/{n / o:.0f} ({fmt_bytes(o)} vs {fmt_bytes(n)})",
                verdict(None if fr is None else fr <= TARGETS["bytes_fraction"]),
            ]
        )
    v = get("shipped", "ours", "first_map_median_ms")
    rows.append(
        [
            f"first map, {SIZES['shipped']}",
            f"≤ {TARGETS['first_map_shipped_ms']:,} ms",
            fmt_ms(v),
            verdict(None if v is None else v <= TARGETS["first_map_shipped_ms"]),
        ]
    )
    for size in SIZES:
        rp = r["results"][size]["ours"].get("replay")
        if not rp:
            continue
        ok = rp["map_days_per_s"] >= TARGETS["replay_days_per_s"] and (rp["max_lag_days"] or 0) <= TARGETS["replay_max_lag_steps"]
        rows.append(
            [
                f"replay at {rp.get('speed', 'fastest speed')}, {SIZES[size]}",
                "≥ 4 days/s, lag ≤ 1 step",
                f"{rp['map_days_per_s']} days/s, max lag {rp['max_lag_days']}",
                verdict(ok),
            ]
        )
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def findings(r: dict) -> list[str]:
    """A few sentences computed from the numbers (no opinions that a new run could contradict)."""
    s, server = r["summary"], r["server"]
    lines = []
    for size in SIZES:
        parts = s[size]["ours"]["bytes_by_element_median"]
        total = s[size]["ours"]["bytes_to_idle_median"] or 1
        top = sorted(parts.items(), key=lambda kv: -kv[1])[:3]
        lines.append(
            f"- {SIZES[size]}: a step sends {fmt_bytes(total)}; the largest parts are "
            + ", ".join(f"{k} {fmt_bytes(v)} ({v / total:.0%})" for k, v in top)
            + "."
        )
    for size in SIZES:
        at = server[size]["ours"]
        script, collect = at.get("rerun_median_ms"), at.get("gc_collect_ms")
        cpu = s[size]["ours"].get("server_cpu_ms_median")
        if script and collect is not None:
            lines.append(
                f"- {SIZES[size]}: the script runs in {fmt_ms(script)} (AppTest), the server spends {fmt_ms(cpu)} of "
                f"CPU per step, and Streamlit's garbage collection after each rerun takes {fmt_ms(collect)} over "
                f"{at.get('gc_tracked_objects', 0):,} tracked objects ({fmt_ms(at.get('gc_collect_after_freeze_ms'))} "
                "after `gc.freeze()`). It runs after the map has its colours, so it shows in back-to-back reruns "
                "(replay, fast key repeats), not in one step."
            )
    versions = r.get("app_files")
    if versions:
        lines.append(
            "- Measured app files (sha256, first 12 hex digits): " + ", ".join(f"`{k}` {v[:12]}" for k, v in versions.items()) + "."
        )
    return lines


def render_markdown(r: dict) -> str:
    m = r["machine"]
    s = r["summary"]
    res = r["results"]
    out = [
        "# Benchmarks",
        "",
        "Measured by `python bench/run.py` (see its docstring; `--quick` for a shorter run) in Debian's "
        "Chromium driven by Playwright, against `bench/naive_app.py`, a naive baseline measured in the same run. "
        "Both apps read the same records; every figure is a median unless it says otherwise. "
        "This file is rewritten by every run.",
        "",
        f"Run: {r['finished']} ({r['mode']} mode, {r['elapsed_min']} min). "
        f"Load average before / after: {r['loadavg_before']} / {r['loadavg_after']} "
        f"(other processes share this machine; absolute times are noisy, ratios less so).",
        "",
        "## Machine",
        "",
        table(
            ["", ""],
            [
                ["CPU", f"{m['nproc']} × {m['cpu']}"],
                ["RAM", f"{m['ram_gb']} GB"],
                ["OS", m["os"]],
                ["Python", m["python"]],
                ["Chromium", m["chromium"]],
                ["streamlit / folium / streamlit-folium", f"{m['streamlit']} / {m['folium']} / {m['streamlit-folium']}"],
                ["branca / pandas / playwright", f"{m['branca']} / {m['pandas']} / {m['playwright']}"],
            ],
        ),
        "",
        "## Record sets",
        "",
        table(
            ["size", "jurisdictions", "events", "drawn shapes"],
            [
                [
                    SIZES[k],
                    f"{res[k]['ours']['records']['jurisdictions']:,}",
                    f"{res[k]['ours']['records']['events']:,}",
                    f"{res[k]['ours']['records']['drawn_shapes']:,}",
                ]
                for k in SIZES
            ],
        ),
        "",
        "The synthetic set (`bench/synthetic.py`, written to a temporary folder) has every county in "
        "`geodata/census-counties-2017.geojson` as a jurisdiction `syn-<GEOID>` with 6 sourced events in 2017, "
        "two per dimension, spread so that every day changes some county's colour.",
        "",
        "## Results",
        "",
    ]
    rows = []

    def cell(size, app, key, f):
        return f(s[size][app].get(key))

    for label, key, f in (
        ("step median (keydown → new colours painted)", "step_median_ms", fmt_ms),
        ("step p90", "step_p90_ms", fmt_ms),
        ("ws bytes per step (keydown → the map's message)", "bytes_to_done_median", fmt_bytes),
        ("ws bytes per step (keydown → app idle)", "bytes_to_idle_median", fmt_bytes),
        ("first map (warm server, cold browser cache)", "first_map_median_ms", fmt_ms),
    ):
        row = [label]
        for size in SIZES:
            o, n = s[size]["ours"].get(key), s[size]["naive"].get(key)
            row += [f(o), f(n), ratio(n, o)]
        rows.append(row)
    row = ["step median, only days whose colours change"]
    for size in SIZES:
        o, n = s[size]["ours"].get("step_median_colour_change_ms"), s[size]["naive"].get("step_median_colour_change_ms")
        row += [fmt_ms(o), fmt_ms(n), ratio(n, o)]
    rows.append(row)
    row = ["first map, cold server (this page loads the data)"]
    for size in SIZES:
        o, n = res[size]["ours"].get("first_map_cold_server_ms"), res[size]["naive"].get("first_map_cold_server_ms")
        row += [fmt_ms(o), fmt_ms(n), ratio(n, o)]
    rows.append(row)
    row = ["first page transfer: HTTP (encoded) + websocket"]
    for size in SIZES:
        cells = []
        for app in APPS:
            h, w = res[size][app].get("first_map_http_bytes"), res[size][app].get("first_map_ws_bytes")
            if h is None:
                h, w = res[size][app].get("first_page_http_bytes"), res[size][app].get("first_page_ws_bytes")
            cells.append((h, w))
        row += [f"{fmt_bytes(h)} + {fmt_bytes(w)}" for h, w in cells] + [""]
    rows.append(row)
    for label, key in (("reruns per step", "reruns_per_step_median"),):
        row = [label]
        for size in SIZES:
            row += [str(s[size]["ours"].get(key)), str(s[size]["naive"].get(key)), ""]
        rows.append(row)
    row = ["script time per rerun (AppTest, after a slider change)"]
    for size in SIZES:
        o, n = r["server"][size]["ours"]["rerun_median_ms"], r["server"][size]["naive"]["rerun_median_ms"]
        row += [fmt_ms(o), fmt_ms(n), ratio(n, o)]
    rows.append(row)
    row = ["full garbage collection after each rerun (Streamlit `runner.postScriptGC`, on by default)"]
    for size in SIZES:
        o, n = r["server"][size]["ours"].get("gc_collect_ms"), r["server"][size]["naive"].get("gc_collect_ms")
        row += [fmt_ms(o), fmt_ms(n), ratio(n, o)]
    rows.append(row)
    row = ["… the same after `gc.freeze()` of what is loaded (GC-tracked objects before)"]
    for size in SIZES:
        cells = []
        for app in APPS:
            at = r["server"][size][app]
            cells.append(f"{fmt_ms(at.get('gc_collect_after_freeze_ms'))} ({at.get('gc_tracked_objects', 0):,})")
        row += cells + [""]
    rows.append(row)
    row = ["rerun wall time per step in the browser (running → notRunning, summed)"]
    for size in SIZES:
        o, n = s[size]["ours"].get("rerun_wall_ms_median"), s[size]["naive"].get("rerun_wall_ms_median")
        row += [fmt_ms(o), fmt_ms(n), ratio(n, o)]
    rows.append(row)
    for label, key in (
        ("CPU per step: streamlit server (psutil, keypress → idle)", "server_cpu_ms_median"),
        ("CPU per step: Chromium, all processes", "browser_cpu_ms_median"),
    ):
        row = [label]
        for size in SIZES:
            o, n = s[size]["ours"].get(key), s[size]["naive"].get(key)
            row += [fmt_ms(o), fmt_ms(n), ratio(n, o)]
        rows.append(row)
    for label, key in (("server RSS, 1 page", "rss_1_page_mb"), ("server RSS, 10 pages", "rss_10_pages_mb")):
        row = [label]
        for size in SIZES:
            o, n = res[size]["ours"].get(key), res[size]["naive"].get(key)
            row += ["–" if o is None else f"{o:,.0f} MB", "–" if n is None else f"{n:,.0f} MB", ratio(n, o)]
        rows.append(row)
    row = ["replay at the fastest speed: map days/s (slider days/s), max lag"]
    for size in SIZES:
        rp = res[size]["ours"].get("replay")
        row += ["–" if not rp else f"{rp['map_days_per_s']} ({rp['slider_days_per_s']}), {rp['max_lag_days']} day(s)", "n/a (no Play)", ""]
    rows.append(row)
    row = ["steps measured (failed)"]
    for size in SIZES:
        row += [
            f"{s[size]['ours']['steps']} ({s[size]['ours']['steps_failed']})",
            f"{s[size]['naive']['steps']} ({s[size]['naive']['steps_failed']})",
            "",
        ]
    rows.append(row)
    out.append(
        table(["", "app, shipped", "naive, shipped", "naive ÷ app", "app, all counties", "naive, all counties", "naive ÷ app"], rows)
    )
    out += ["", "## Targets", "", table(["target", "limit", "measured", ""], targets_table(r)), ""]
    replay_rows = []
    for size in SIZES:
        rp = res[size]["ours"].get("replay")
        if not rp:
            continue
        pause = rp.get("pause") or {}
        replay_rows.append(
            [
                SIZES[size],
                f"{rp.get('speed')}, {rp['start']}, {rp['seconds']} s",
                f"{rp['slider_days_per_s']} / {rp['map_days_per_s']}",
                f"{rp.get('first_day_after_ms')} ms",
                f"{rp.get('slider_days_per_s_whole_window')} / {rp.get('map_days_per_s_whole_window')}",
                str(rp["restyles"]),
                f"{rp['max_lag_days']} / {rp['median_lag_days']}",
                f"{rp['share_of_frames_lagging']:.0%}",
                f"{rp.get('server_cpu_share', 0):.0%} / {rp.get('browser_cpu_share', 0):.0%}",
                "yes" if pause.get("stopped") else f"**no** (toggle {'on' if pause.get('toggle_on_after') else 'off'})",
            ]
        )
    out += [
        "## Replay at the fastest speed offered",
        "",
        table(
            [
                "records",
                "speed, from, for",
                "days/s slider / map (while playing)",
                "Play → first new day",
                "days/s slider / map (whole window, from the click)",
                "restyles",
                "lag max / median (days)",
                "frames with the map behind",
                "CPU server / Chromium (share of one core)",
                "Pause stops it",
            ],
            replay_rows,
        ),
        "",
        "Each replayed day is a full rerun of the script; the speed it reaches is bounded by how long a rerun "
        "and its rendering take, not by the chosen speed.",
        "",
    ]

    out += [
        "## What a step sends",
        "",
        "Median websocket payload per step from the keypress until the app is idle again, by Streamlit element "
        "(decoded `ForwardMsg`s); st_folium's message is split into its arguments.",
        "",
    ]
    keys = []
    for size in SIZES:
        for app in APPS:
            for k in s[size][app]["bytes_by_element_median"]:
                if k not in keys:
                    keys.append(k)
    brow = []
    for k in keys:
        vals = [s[size][app]["bytes_by_element_median"].get(k, 0) for size in SIZES for app in APPS]
        if max(vals) >= 512:
            brow.append([k] + [fmt_bytes(v) if v else "–" for v in vals])
    out.append(table(["part", "app, shipped", "naive, shipped", "app, all counties", "naive, all counties"], brow))
    out += [
        "",
        "Browser-side restyle (`sanctuaryMap.restyle`, timed by wrapping it from the benchmark): "
        + ", ".join(f"{SIZES[size]} {fmt_ms(s[size]['ours']['restyle_js_ms_median'])}" for size in SIZES)
        + ".",
        "",
    ]

    out += [
        "## Profile",
        "",
        "pyinstrument (1 ms interval) around the app script run by AppTest after slider changes "
        f"(`{r['plan']['profile_runs']}` reruns, times per rerun). Top: what app.py's calls cost; bottom: "
        "functions with the most self time.",
        "",
    ]
    for size in SIZES:
        prof = r["server"][size]["ours"].get("profile")
        if not prof:
            continue
        out += [
            f"### {SIZES[size]} ({prof['script_ms_per_rerun']} ms per rerun under the profiler)",
            "",
            table(["app.py calls", "ms per rerun"], [[f"`{k}`", v] for k, v in prof["calls_ms"]]),
            "",
            table(["self time", "ms per rerun"], [[f"`{k}`", v] for k, v in prof["self_ms"]]),
            "",
        ]

    out += ["## What stands out", ""] + findings(r) + [""]
    out += [
        "## Method",
        "",
        "- **Servers**: `streamlit run` on 127.0.0.1 (tests/conftest.py's `AppServer`), one per app and record "
        "set, run one after the other; the baseline runs from a temporary folder where it is `app.py` next to "
        "links to `static/` and `.streamlit/`.",
        "- **first map**: a fresh browser context (cold cache) opens `/` on a server that has already loaded the "
        "data; from navigation start to the first animation frame after the map has its shapes in the day's "
        "colours (app: `data-shapes` set, `data-restyled` ≥ 1 and a `path.shape` with a fill; baseline: the "
        "`data-day` its last map element writes, and a filled path). Also recorded: the same on a cold server.",
        "- **step**: `ArrowRight` on the focused `st.slider`, on consecutive days (shipped records from 25 "
        "January, when sanctuary colours change on 9 of the next 30 days; all counties from 1 March, every day "
        "changes); from the keydown (timestamped in the page) to the first animation frame after the map's "
        "change is in the DOM. App: its `data-restyled` counter increments (a step that restyles nothing would "
        'end with its rerun and be counted apart, as "no restyle"). Baseline: the iframe\'s rebuilt map '
        "carries the new day. After each step the benchmark waits until no script has run for 500 ms (the "
        "baseline's remounted map sends its state back and starts a second rerun).",
        "- **bytes**: CDP `Network.webSocketFrameReceived` payloads (binary frames base64-decoded), summed "
        "from the keypress to the step's end — up to and including the message that carries the map's update "
        "(st_folium's element), which the map needs before it can change — and until idle.",
        "- **CPU per step**: psutil CPU time (user + system) of the streamlit process and of Chromium's processes, "
        "from just before the keypress until idle (the 500 ms of quiet included); unlike wall times it hardly "
        "depends on what else the machine runs.",
        "- **replay**: the fastest speed the app offers, Play on for the stated seconds; days/s while playing run "
        "from the first sample showing a new day to the first sample showing the last one (the whole-window "
        "figure also counts the time from the click to the first new day); the slider's `aria-valuetext` "
        "is sampled every frame and the map's `data-category` of every shape at every restyle; the day the "
        "map shows is the latest day up to the slider's whose expected categories (from `status.as_of`) equal "
        "the map's. Lag = slider day − that day.",
        "- **server**: `AppTest.from_file` with the same records, `at.run()` timed after setting the slider to "
        "the next day (first run excluded), in a separate process; RSS of the streamlit process and its "
        "children (psutil) with 1, then 10 pages of one browser context on the app.",
        "- The baseline draws what the app draws (recorded states, context counties, recorded counties, state "
        "outlines, city markers) without tooltips, so it does less work than a feature-equal naive version.",
        "",
    ]
    for size in SIZES:
        rp = res[size]["ours"].get("replay") or {}
        pause = rp.get("pause")
        if pause and not pause.get("stopped"):
            r.setdefault("notes", []).append(
                f"{SIZES[size]}: Pause did not stop the replay — after a click on Play (at {pause['clicked_at']}) the "
                f"slider went on to {pause['slider_after']} and the toggle was "
                f"{'on' if pause['toggle_on_after'] else 'off'}; the benchmark closes the page instead."
            )
    if r.get("notes"):
        out += ["## Notes", ""] + [f"- {n}" for n in r["notes"]] + [""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the app against a naive baseline in Chromium.")
    parser.add_argument("--steps", type=int, default=None, help="steps measured on the app at each size (default 30)")
    parser.add_argument("--quick", action="store_true", help="fewer steps and samples (~3 minutes)")
    parser.add_argument("--render", action="store_true", help="only rewrite docs/benchmarks.md from latest.json")
    parser.add_argument("--apptest-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.apptest_worker:
        print(json.dumps(apptest_worker(json.loads(args.apptest_worker))))
        return 0
    if args.render:
        DOCS.write_text(render_markdown(json.loads(RESULTS.read_text())), encoding="utf-8")
        return 0

    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    loadavg_before = [round(x, 2) for x in os.getloadavg()]

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {message}", flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="sanctuarymap-bench-"))
    try:
        synthetic_dir = tmp / "synthetic-records"
        from bench import synthetic

        counts = synthetic.write(synthetic_dir)
        synthetic.check(synthetic_dir)
        log(f"synthetic records: {counts}")
        record_sets = {
            "shipped": Records("shipped", Path(os.environ.get("SANCTUARYMAP_RECORDS", ROOT / "records"))),
            "all_counties": Records("all_counties", synthetic_dir),
        }
        plan = build_plan(args, record_sets)
        log(
            f"plan: {plan['steps_requested']} steps; days with colour changes: "
            + ", ".join(f"{size} {len(days)}" for size, days in plan["colour_change_days"].items())
        )
        results: dict = {size: {} for size in SIZES}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            version = browser.version
            for size in SIZES:
                for app in APPS:
                    log(f"{app} / {size}")
                    results[size][app] = measure_app(browser, app, record_sets[size], tmp, plan, log)
            browser.close()

        server: dict = {size: {} for size in SIZES}
        for size in SIZES:
            for app in APPS:
                script = ROOT / "app.py" if app == "ours" else naive_site(tmp) / "app.py"
                runs = plan["apptest_runs"]["ours"] if app == "ours" else plan["apptest_runs"]["naive"][size]
                start = STEP_START[size]
                log(f"AppTest {app} / {size}: {runs} reruns")
                at = run_apptest(script, record_sets[size], start, runs, plan["profile_runs"] if app == "ours" else 0, tmp)
                at["rerun_median_ms"] = med(at["rerun_ms"])
                server[size][app] = at

        summary = {size: {app: summarise(results[size][app]) for app in APPS} for size in SIZES}
        plan_out = {**plan, "colour_change_days": {k: [d.isoformat() for d in v] for k, v in plan["colour_change_days"].items()}}
        report = {
            "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "mode": "quick" if args.quick else "full",
            "elapsed_min": round((time.monotonic() - started) / 60, 1),
            "loadavg_before": loadavg_before,
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            "machine": machine(version),
            "app_files": app_files(),
            "plan": plan_out,
            "summary": summary,
            "server": {size: {app: {k: v for k, v in server[size][app].items() if k != "profile_text"} for app in APPS} for size in SIZES},
            "results": results,
            "notes": [],
        }
        for size in SIZES:
            if plan["steps"]["naive"][size] < plan["steps_requested"]:
                report["notes"].append(
                    f"{SIZES[size]}: the baseline is measured over {summary[size]['naive']['steps']} steps, the app "
                    f"over {summary[size]['ours']['steps']}: each baseline step costs two full reruns plus the "
                    "browser rebuilding the map, which would not fit the run's time budget at 30 steps."
                )
        if plan["pages"]["naive"]["all_counties"] == 1:
            report["notes"].append(
                "RSS with 10 pages is measured for the app only: for the baseline, 10 pages mean 20 "
                "full reruns of seconds each, which would exceed the run's time budget."
            )
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
        for size in SIZES:
            text = server[size]["ours"].get("profile_text")
            if text:
                (RESULTS.parent / f"profile-{size}.txt").write_text(text, encoding="utf-8")
        DOCS.parent.mkdir(parents=True, exist_ok=True)
        DOCS.write_text(render_markdown(report), encoding="utf-8")
        log(f"wrote {RESULTS.relative_to(ROOT)} and {DOCS.relative_to(ROOT)}")
        for row in targets_table(report):
            print("  " + " | ".join(row))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
