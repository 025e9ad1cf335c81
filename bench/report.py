"""Reporting: the figures of one run as docs/benchmarks.md (targets, results, what a settled day sends, method)."""

from __future__ import annotations

import hashlib
import os
import platform
from importlib import metadata
from pathlib import Path

from measure import ROOT, med
from scenarios import SIZES

TARGETS = {
    "step_all_counties_ms": 50,  # and below the floor
    "play_days_per_s": 25,
    "settle_floor_ratio": 1.3,
    "settle_bytes_fraction": 1 / 100,
    "first_map_shipped_ms": 2000,
    "first_map_cold_all_counties_ms": 3000,  # issue #23: a cold server whose dataset is on disk
}


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
    """The rows of the targets table: what was asked, the limit, what was measured, and whether it was met."""
    return [*_scrub_and_play(r), *_settle_and_bytes(r), *_first_map_and_many_pages(r)]


def _scrub_and_play(r: dict) -> list[list[str]]:
    floor = r["floor"]["step_median_ms"]
    counties = r["app"]["all_counties"]
    step = counties["scrub"]["step_median_ms"]
    play = counties["play"]
    return [
        [
            "Scrub step, every county (keydown → new colours painted + 2 frames), median",
            f"≤ {TARGETS['step_all_counties_ms']} ms and below the floor",
            f"{fmt_ms(step)} ({ratio(step, floor)} the floor)",
            verdict(step is not None and step <= TARGETS["step_all_counties_ms"] and step < floor),
        ],
        [
            "Play at 30 days/s, every county: distinct days painted per second",
            f"≥ {TARGETS['play_days_per_s']}",
            f"{play['days_per_s']} ({play['distinct_days']} days in {play['seconds']} s)",
            verdict(play["days_per_s"] >= TARGETS["play_days_per_s"]),
        ],
        [
            "… server reruns while playing (counted in the page)",
            "0",
            f"{play['server_reruns']} (websocket messages sent: {play['messages_sent']})",
            verdict(play["server_reruns"] == 0),
        ],
    ]


def _settle_and_bytes(r: dict) -> list[list[str]]:
    floor = r["floor"]["step_median_ms"]
    rows = []
    for size in SIZES:
        ms = r["app"][size]["settle"]["median_ms"]
        rows.append(
            [
                f"Settled day → panel, chart and URL updated, {SIZES[size]}, median",
                f"≤ {TARGETS['settle_floor_ratio']}× the floor",
                f"{fmt_ms(ms)} ({ratio(ms, floor)} the floor)",
                verdict(ms <= TARGETS["settle_floor_ratio"] * floor),
            ]
        )
    for size in SIZES:
        scrub = r["app"][size]["scrub"]
        rows.append(
            [
                f"Websocket bytes while scrubbing, {SIZES[size]} ({len(scrub['step_ms'])} steps)",
                "0",
                f"{scrub['ws_bytes_while_scrubbing']} B",
                verdict(scrub["ws_bytes_while_scrubbing"] == 0),
            ]
        )
    settled, baseline = r["app"]["all_counties"]["settle"]["median_bytes"], r["naive"]["median_bytes_per_step"]
    rows.append(
        [
            "Bytes per settled day, every county, vs the naive baseline's step",
            "≤ 1/100",
            f"1/{baseline / settled:.0f} ({fmt_bytes(settled)} vs {fmt_bytes(baseline)})" if settled else "–",
            verdict(bool(settled) and settled <= baseline * TARGETS["settle_bytes_fraction"]),
        ]
    )
    return rows


def _first_map_and_many_pages(r: dict) -> list[list[str]]:
    shipped = r["app"]["shipped"]
    first = med(shipped["first_map_ms"])
    rows = [
        [
            "First map, shipped records (warm server, cold browser), median",
            f"≤ {TARGETS['first_map_shipped_ms']:,} ms",
            fmt_ms(first),
            verdict(first <= TARGETS["first_map_shipped_ms"]),
        ]
    ]
    cold = (
        r["cold"]["medians_ms"]["disk_cache"]
        if "cold" in r
        else r["app"].get("all_counties", {}).get("first_map_cold_server_disk_cache_ms")
    )
    if cold is not None:
        rows.append(
            [
                "First map, cold server, every county on record, dataset in the disk cache (issue #23), median",
                f"≤ {TARGETS['first_map_cold_all_counties_ms']:,} ms",
                fmt_ms(cold),
                verdict(cold <= TARGETS["first_map_cold_all_counties_ms"]),
            ]
        )
    many = shipped.get("many")
    if many:
        one_idle = many["server_cpu_ms_one_idle_page"]
        rows.append(
            [
                f"{many['pages']} pages playing at once: server CPU over {many['window_s']:.0f} s",
                "≈ one idle page (within noise)",
                f"{many['server_cpu_ms_all_playing']:.0f} ms playing vs {one_idle:.0f} ms for one idle page "
                f"({many['server_cpu_ms_all_idle']:.0f} ms with all {many['pages']} idle); {many['server_reruns_while_playing']} reruns",
                verdict(many["server_cpu_ms_all_playing"] <= max(2 * one_idle, one_idle + 100)),
            ]
        )
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(str(c) for c in row) + " |" for row in rows)])


def _results(r: dict) -> list[list[str]]:
    """The rows of the results table: every figure, and its ratio to the floor."""
    floor = r["floor"]["step_median_ms"]
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
            [
                f"first whole page (controls, story, chart, after the map's first paint), {SIZES[size]} (samples)",
                f"{fmt_ms(med(data['first_whole_page_ms']))} ({', '.join(f'{v:,.0f}' for v in data['first_whole_page_ms'])})",
                "",
            ],
            [f"first map, cold server (this page loads the data), {SIZES[size]}", fmt_ms(data["first_map_cold_server_ms"]), ""],
            [
                f"first map, cold server, the dataset read from the disk cache, {SIZES[size]}",
                fmt_ms(data.get("first_map_cold_server_disk_cache_ms")),
                "",
            ],
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
    return results


METHOD = [
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
    "shapes drawn in the day's colours (`data-load=ready`, `data-restyled` ≥ 1, a filled shape) plus two frames. "
    "The page draws the map alone first and the rest once the map reports its first paint: the **first whole page** is "
    "navigation start to the **Colour by** control, the day's heading and the drawn chart being there with the script idle, "
    "plus two frames.",
    "- **Many pages**: the streamlit process's CPU time (psutil) over the same window with one idle page, with every page open "
    "and idle, and with every page playing at 15 days/s (a year at 30 days/s would end inside the window, and its Pause report is "
    "a rerun by design).",
    "",
]


def render(r: dict) -> str:
    """docs/benchmarks.md for the figures of one run."""
    m = r["machine"]
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
        table(["figure", "value", "÷ floor"], _results(r)),
        "",
        "## What a settled day sends (every county)",
        "",
        "Websocket bytes received from the page's report until the app is idle, by Streamlit element (decoded `ForwardMsg`s). "
        "An element that has not changed since the last run is sent as a reference to Streamlit's message cache.",
        "",
        table(["part", "bytes"], [[k, fmt_bytes(v)] for k, v in r["app"]["all_counties"]["settle"]["by_element"].items()]),
        "",
        *cold_starts(r),
        "## Method",
        "",
        *METHOD,
        *notes(r),
        f"Raw figures: `bench/results/latest.json`. App files measured: {', '.join(f'`{k}` {v[:12]}' for k, v in r['files'].items())}.",
        "",
    ]
    return "\n".join(parts)


COLD = {
    "empty_cache": "cold server, empty disk cache (this page loads the data and writes the cache)",
    "empty_cache_warm": "… a second page on the same server, now warm",
    "disk_cache": "cold server, the dataset in the disk cache (a restart, another process)",
    "disk_cache_warm": "… a second page on the same server, now warm",
    "served": "`make serve` just started (2 processes, each ran the app once before nginx took readers)",
}


def cold_starts(r: dict) -> list[str]:
    """The cold starts with every county on record (issue #23, item 5), if this run measured them."""
    cold = r.get("cold")
    if not cold:
        return []
    rows = [[COLD[name], fmt_ms(cold["medians_ms"][name]), ", ".join(f"{v:,.0f}" for v in cold[f"{name}_ms"])] for name in COLD]
    for name, values in cold.get("server_cpu_ms", {}).items():
        label = f"the server's CPU time over the first map, {COLD[name].split(' (')[0]}"
        rows.append([label, fmt_ms(med(values)), ", ".join(f"{v:,.0f}" for v in values)])
    return [
        "## Cold start, every county on record (issue #23)",
        "",
        f"Measured {cold['when']}, {cold['samples']} of each, in turn; load average before / after: {cold['load_before']} / "
        f"{cold['load_after']}. A fresh browser context opens the app on a server that is up and answers its health check but "
        "has run no page yet: navigation start to the map's first painted day. The disk cache (`SANCTUARYMAP_CACHE`) holds "
        "the loaded and joined dataset, keyed by the files' content, the package's code and the library versions.",
        "",
        table(["first map", "median", "samples (ms)"], rows),
        "",
    ]


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
    files = [ROOT / "app.py", *sorted((ROOT / "sanctuarymap").rglob("*.py")), ROOT / "static" / "js" / "sanctuarymap.js"]
    return {str(f.relative_to(ROOT)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}
