"""Whether a settled day costs more once the server's caches are full: a fresh process against one that
has shown many readers many days.

    python bench/cache_growth.py                # shipped records; without, then with Streamlit's collection
    python bench/cache_growth.py true           # with it only (about 10 minutes: filling is slow with it)

A process keeps what a crowd has asked for (``reader.day``: up to 400 days' facts and 2,048 places'
stories). Streamlit's option ``runner.postScriptGC`` (on by default; ``.streamlit/config.toml`` turns it
off) runs a full garbage collection after every script run, which walks every object the process keeps:
the fuller the caches, the dearer every rerun. For each setting this starts ``streamlit run app.py``,
measures the server process's CPU per settled day over 30 days seen before (5 rounds, median), then fills
the caches as a crowd would (8 readers, each with a place open, over every other day of the year) and
measures the same days again.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import psutil
from streamlit_protocol import MAP, PLACES, StreamlitRun, find_widget, stream_url, widget_state

from harness.browser import ROOT, AppServer

DAYS = [date(2017, 2, 1) + timedelta(days=i) for i in range(30)]
ROUNDS = 5


def main() -> None:
    for setting in sys.argv[1:] or ("false", "true"):
        work = Path(tempfile.mkdtemp(prefix="sanctuarymap-cache-growth-"))
        env = {"SANCTUARYMAP_RECORDS": str(ROOT / "records"), "STREAMLIT_RUNNER_POST_SCRIPT_GC": setting}
        server = AppServer(ROOT, work / "streamlit.log", env=env)
        try:
            process = psutil.Process(server.process.pid)
            fresh = settled_day_cpu_ms(server.url, process)
            rss_fresh = process.memory_info().rss
            fill(server.url)
            full = settled_day_cpu_ms(server.url, process)
            rss_full = process.memory_info().rss
        finally:
            server.stop()
        print(
            f"runner.postScriptGC={setting}: server CPU per settled day, median of {ROUNDS} rounds of {len(DAYS)}: "
            f"fresh {fresh:.1f} ms, caches filled {full:.1f} ms ({full / fresh:.2f}x); "
            f"RSS {rss_fresh / 2**20:.0f} -> {rss_full / 2**20:.0f} MB",
            flush=True,
        )


def _session(url: str, place: str | None = None):  # type: ignore[no-untyped-def]
    """A reader whose map has painted (a place open, if named), and the map's widget."""
    run = StreamlitRun(stream_url(url))
    elements, _ = run.rerun(query_string="day=2017-01-01")
    widget = find_widget(elements, MAP)
    elements, _ = run.rerun(states=[widget_state(widget, date(2017, 1, 1), click=place)], fragment_id=run.fragment_of(widget))
    return run, find_widget(elements, MAP) or widget


def settled_day_cpu_ms(url: str, process: psutil.Process) -> float:
    # A new session each time: an idle websocket of this client is closed by the server's keepalive.
    run, widget = _session(url)
    for day in DAYS:  # seen once, unmeasured
        run.rerun(states=[widget_state(widget, day)], fragment_id=run.fragment_of(widget))
    rounds = []
    for _ in range(ROUNDS):
        before = process.cpu_times()
        for day in DAYS:
            run.rerun(states=[widget_state(widget, day)], fragment_id=run.fragment_of(widget))
        after = process.cpu_times()
        rounds.append((after.user + after.system - before.user - before.system) * 1000 / len(DAYS))
    run.close()
    return statistics.median(rounds)


def fill(url: str) -> None:
    for place in PLACES:
        run, widget = _session(url, place)
        for offset in range(0, 365, 2):
            day = date(2017, 1, 1) + timedelta(days=offset)
            run.rerun(states=[widget_state(widget, day)], fragment_id=run.fragment_of(widget))
        run.close()


if __name__ == "__main__":
    sys.exit(main())
