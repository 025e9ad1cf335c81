"""Speed benchmark of Sanctuary Map 2017 in a real browser, every figure measured in one run.

    python bench/run.py            # full run, about 9 minutes on 2 cores (make bench)
    python bench/run.py --quick    # fewer samples, about 6 minutes
    python bench/run.py --render   # only rewrite docs/benchmarks.md from bench/results/latest.json
    python bench/run.py --cold     # only the first map of a cold server with every county, without and
                                   # with the dataset in the disk cache, 3 times each (about 3 minutes);
                                   # put beside the last full run's figures in latest.json and the docs

Starts ``streamlit run`` on localhost (harness.browser's AppServer) for

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
  same window;
- the cold start with every county on record (first, 3 times each, also with --quick): the first map
  of a server that has run no page yet, with an empty disk cache and with the dataset in it, each with
  a second page on the same server beside it, and `make serve` just started (``cold_starts``).

Writes bench/results/latest.json and docs/benchmarks.md. Adds nothing to the app: the hooks are
installed from here.

The parts: ``measure.py`` (the browser page and its websocket frames, the servers), ``scenarios.py``
(each thing measured), ``report.py`` (docs/benchmarks.md), and ``js/`` (the scripts injected into the
page); this file only runs them in order.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import measure
import report
import scenarios
import synthetic
from playwright.sync_api import sync_playwright

from harness.browser import CHROMIUM, CHROMIUM_ARGS, site_for
from sanctuarymap.server.proxy import ProxiedApp

RESULTS = measure.BENCH / "results" / "latest.json"
DOCS = measure.ROOT / "docs" / "benchmarks.md"
# How many samples of each figure: (--quick, full run). A settled day's median moved by about 15 ms
# from run to run with 9 samples (a day's story differs in length): 21 give a steadier median.
SAMPLES = {
    "steps": (10, 30),
    "settles": (3, 21),
    "first_map_samples": (2, 9),
    "play_s": (3, 6),
    "floor_steps": (8, 20),
    "naive_steps": (1, 3),
    "pages_playing": (5, 20),
    "cpu_window_s": (5, 10),
    "cold_samples": (3, 3),  # the cold start's target (issue #23) is a median: 3 samples even in --quick
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--render", action="store_true")
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args(argv)
    # Stopped (kill): the servers and the browser are stopped too, by the `finally`s and `with`s on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.cold:
        return cold_only(SAMPLES["cold_samples"][0 if args.quick else 1])
    if args.render:
        DOCS.write_text(report.render(json.loads(RESULTS.read_text())), encoding="utf-8")
        return 0
    plan = {name: quick if args.quick else full for name, (quick, full) in SAMPLES.items()}
    began = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:6.1f} s] {message}", flush=True)

    result: dict = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "mode": "quick" if args.quick else "full", "plan": plan}
    result["load_before"] = load()
    with tempfile.TemporaryDirectory(prefix="sanctuarymap-bench-") as folder, sync_playwright() as pw:
        tmp = Path(folder)
        synthetic.write(tmp / "all_counties")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        result["machine"] = report.machine(browser.version)
        # First: a mistake in the cold starts shows within minutes (each server has a cache folder of its own).
        result["cold"] = cold_starts(browser, tmp, plan["cold_samples"], log)
        result["floor"] = scenarios.measure_floor(browser, tmp, plan["floor_steps"], log)
        result["app"] = {size: scenarios.measure_app(browser, size, tmp, plan, log) for size in scenarios.SIZES}
        result["naive"] = scenarios.measure_naive(browser, tmp, plan["naive_steps"], log)
        # The floor again at the end: the machine's load drifts; the floor is the median of both.
        after = scenarios.measure_floor(browser, tmp, plan["floor_steps"], log)
        browser.close()
    result["floor"]["step_ms_after"] = after["step_ms"]
    result["floor"]["step_median_ms_before_after"] = [result["floor"]["step_median_ms"], after["step_median_ms"]]
    result["floor"]["step_median_ms"] = measure.med(result["floor"]["step_ms"] + after["step_ms"])
    result["load_after"] = load()
    result["minutes"] = round((time.monotonic() - began) / 60, 1)
    result["files"] = report.app_files()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    DOCS.write_text(report.render(result), encoding="utf-8")
    for row in report.targets(result):
        log(" | ".join(row))
    return 0


def cold_starts(browser, tmp: Path, samples: int, log=print) -> dict:
    """Every county on record (bench/synthetic.py): the first map of a cold server (started, healthy, no
    page yet) with an empty disk cache (it loads the data and writes the cache), then with the dataset in
    the disk cache (a restart, another process), each followed by a second page on the same, now warm,
    server (what the page itself costs, in the same run); then ``make serve`` just started (2 processes,
    each runs the app once before nginx takes readers). ``samples`` of each; medians, and the load average."""
    out: dict = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "samples": samples, "load_before": load()}
    url = "/?day=2017-03-01"
    times: dict[str, list[float]] = {"empty_cache_ms": [], "empty_cache_warm_ms": [], "disk_cache_ms": [], "disk_cache_warm_ms": []}
    server_cpu: dict[str, list[float]] = {"empty_cache": [], "disk_cache": []}
    for n in range(samples):
        # The first server of an empty cache writes it; every server "in the disk cache" reads that one back.
        for cache, kind in ((tmp / f"empty-cache-{n}", "empty_cache"), (tmp / "empty-cache-0", "disk_cache")):
            server = measure.start("app", "all_counties", tmp, cache=cache)
            try:
                before = measure.server_cpu_ms(server)
                times[f"{kind}_ms"].append(measure.first_map(browser, server.url + url))
                # The server's own part, in CPU time: what a busy machine stretches, not what it costs.
                server_cpu[kind].append(round(measure.server_cpu_ms(server) - before))
                times[f"{kind}_warm_ms"].append(measure.first_map(browser, server.url + url))
            finally:
                server.stop()
            log(f"cold start {n + 1}/{samples}, {kind.replace('_', ' ')}: first map {times[f'{kind}_ms'][-1]:,.0f} ms")
    served = []
    # The processes run from a copy of the app's site: the payload they write stays out of the work tree.
    site, env = site_for(measure.ROOT, tmp / "serve-site")
    env.update(SANCTUARYMAP_RECORDS=str(tmp / "all_counties"), SANCTUARYMAP_CACHE=str(tmp / "empty-cache-0"))
    for _ in range(samples):
        app = ProxiedApp(tmp / "serve", workers=2, env=env, root=site)
        try:
            served.append(measure.first_map(browser, app.url + url))
        finally:
            app.stop()
    out.update(times, served_ms=served, load_after=load(), server_cpu_ms=server_cpu)
    out["medians_ms"] = {name.removesuffix("_ms"): measure.med(values) for name, values in [*times.items(), ("served_ms", served)]}
    return out


def cold_only(samples: int) -> int:
    """``--cold``: the cold starts alone; printed, and put in bench/results/latest.json and docs/benchmarks.md
    beside the figures of the last full run (the section says when it was measured)."""
    with tempfile.TemporaryDirectory(prefix="sanctuarymap-bench-") as folder, sync_playwright() as pw:
        tmp = Path(folder)
        synthetic.write(tmp / "all_counties")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cold = cold_starts(browser, tmp, samples)
        browser.close()
    print(json.dumps(cold["medians_ms"]), f"load average {cold['load_before']} → {cold['load_after']}", flush=True)
    if RESULTS.exists():
        result = json.loads(RESULTS.read_text())
        result["cold"] = cold
        RESULTS.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
        DOCS.write_text(report.render(result), encoding="utf-8")
    return 0


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


if __name__ == "__main__":
    sys.exit(main())
