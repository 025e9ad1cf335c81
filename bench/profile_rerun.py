"""Where a settled day's rerun and a click spend the server's CPU: pyinstrument inside the script thread.

    python bench/profile_rerun.py                      # shipped records, 60 settled days, 10 clicks
    python bench/profile_rerun.py --days 200 --html /tmp/profile.html

Starts ``streamlit run app.py`` (through ``bench/profiled_server.py``, which wraps each script run in a
pyinstrument profiler and in the script thread's CPU clock), then drives one session over Streamlit's
websocket protocol (``bench/streamlit_protocol.py``) as a browser would: a first run, the map's first
paint, then settled days one after another (the fragment reruns) and a few clicks (whole runs). Prints
the median CPU of each kind of run, the server process's CPU per settled day (the event loop's work
too: serialising and sending), and the profile of the settled days, folded by the app's parts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import psutil
from streamlit_protocol import MAP, StreamlitRun, find_widget, stream_url, widget_state

from harness.browser import ROOT, AppServer, free_port, tree_cpu_ms

PLACES = ["il-chicago", "ca-los-angeles", "tx", "ny-new-york", "ca"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--clicks", type=int, default=10)
    parser.add_argument("--records", type=Path, default=ROOT / "records")
    parser.add_argument("--root", type=Path, default=ROOT, help="the app to run (another checkout, for a before/after)")
    parser.add_argument("--html", type=Path, help="also write the settled days' profile as HTML here")
    parser.add_argument("--cpu-only", action="store_true", help="no profiler: the CPU figures without its overhead")
    parser.add_argument("--verbose", action="store_true", help="print pyinstrument's call trees too")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sanctuarymap-profile-"))
    out = work / "runs"
    command = [sys.executable, str(ROOT / "bench" / "profiled_server.py"), str(out)]
    port = free_port()
    env = {"SANCTUARYMAP_RECORDS": str(args.records), "SANCTUARYMAP_PROFILE": "0" if args.cpu_only else "1"}
    server = AppServer(args.root, work / "streamlit.log", env=env, command=_command(command, port, args.root), port=port)
    try:
        run = StreamlitRun(stream_url(server.url))
        day = date(2017, 3, 1)
        elements, _ = run.rerun(query_string=f"day={day}")
        widget = find_widget(elements, MAP)
        elements, _ = run.rerun(states=[widget_state(widget, day)], fragment_id=run.fragment_of(widget))
        widget = find_widget(elements, MAP) or widget
        for _ in range(5):  # warm the caches a settled day meets
            day += timedelta(days=1)
            run.rerun(states=[widget_state(widget, day)], fragment_id=run.fragment_of(widget))
        process = psutil.Process(server.process.pid)
        # New days first (what is built once per day is built here), then the same days again, as the
        # readers of a crowd meet them: a few hundred days, each settled on by many.
        process_ms = {}
        start = day
        for phase in ("days", "days again"):
            _mark(out, phase)
            before, day = tree_cpu_ms(process), start
            for _ in range(args.days):
                day += timedelta(days=1)
                run.rerun(states=[widget_state(widget, day)], fragment_id=run.fragment_of(widget))
            process_ms[phase] = (tree_cpu_ms(process) - before) / args.days
        _mark(out, "clicks")
        before = tree_cpu_ms(process)
        for i in range(args.clicks):
            elements, _ = run.rerun(states=[widget_state(widget, day, click=PLACES[i % len(PLACES)])], fragment_id=run.fragment_of(widget))
            widget = find_widget(elements, MAP) or widget
        click_process_ms = (tree_cpu_ms(process) - before) / max(args.clicks, 1)
        # A place is open now (the last click): settled days also draw its story, as in the load test.
        _mark(out, "days, a place open")
        before = tree_cpu_ms(process)
        for _ in range(args.days):
            day += timedelta(days=1)
            run.rerun(states=[widget_state(widget, day)], fragment_id=run.fragment_of(widget))
        process_ms["days, a place open"] = (tree_cpu_ms(process) - before) / args.days
        _mark(out, "end")
        run.close()
    finally:
        server.stop()
    summarise(out, process_ms, click_process_ms, args.html, args.verbose)


def _command(command: list[str], port: int, root: Path) -> list[str]:
    options = {"server.port": str(port), "server.address": "127.0.0.1", "server.headless": "true"}
    flags = [part for name, value in options.items() for part in (f"--{name}", value)]
    return [*command, str(root / "app.py"), *flags, "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]


def _mark(out: Path, name: str) -> None:
    with (out / "marks").open("a") as f:
        f.write(name + "\n")


# Streamlit's wrappers around an element's function, skipped to name the element called.
WRAPPERS = {"wrapped_func", "wrapper", "inner", "_wrapper", "__call__", "wrap"}


def parts(root) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Time under each call the app makes (app.py's own lines, fragment included), by the called function's name."""
    totals: dict[str, float] = {}

    def app_calls(frame) -> None:  # type: ignore[no-untyped-def]
        for child in frame.children:
            if (
                child.file_path_short
                and child.file_path_short.endswith("app.py")
                and child.function in {"<module>", "the_day", "readers_tools"}
            ):
                app_calls(child)
            elif frame.file_path_short and frame.file_path_short.endswith("app.py"):
                name = named(child)
                totals[name] = totals.get(name, 0.0) + child.time
            else:
                app_calls(child)

    def named(frame) -> str:  # type: ignore[no-untyped-def]
        while frame.function in WRAPPERS and frame.children:
            frame = max(frame.children, key=lambda c: c.time)
        return f"{frame.function} ({(frame.file_path_short or '').split('/')[-1]})"

    app_calls(root)
    return totals


def summarise(out: Path, process_ms: dict[str, float], click_process_ms: float, html: Path | None, verbose: bool = False) -> None:
    from pyinstrument.renderers import ConsoleRenderer, HTMLRenderer
    from pyinstrument.session import Session

    runs = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    phases = (
        ("days", "settled days, each new"),
        ("days again", "settled days, each seen before"),
        ("days, a place open", "settled days, a place open"),
    )
    for phase, label in phases:
        chosen = [r for r in runs if r["phase"] == phase]
        print(f"{label}: {len(chosen)} runs, script thread CPU median {statistics.median(r['cpu_ms'] for r in chosen):.1f} ms", end="")
        wall = statistics.median(r["wall_ms"] for r in chosen)
        print(f" (wall {wall:.1f} ms); server process CPU per settled day {process_ms[phase]:.1f} ms")
    clicks = [r for r in runs if r["phase"] == "clicks"]  # a click's fragment run goes on as the whole page (st.rerun)
    if clicks:
        print(f"clicks: {len(clicks)} runs, script thread CPU median {statistics.median(r['cpu_ms'] for r in clicks):.1f} ms", end="")
        print(f"; server process CPU per click {click_process_ms:.1f} ms")
    for phase in ("days", "days again", "clicks", "days, a place open"):
        sessions = [Session.load(str(out / r["profile"])) for r in runs if r["phase"] == phase and r["profile"]]
        if not sessions:
            continue
        combined = sessions[0]
        for s in sessions[1:]:
            combined = Session.combine(combined, s)
        print(f"\n--- {phase}: CPU share by part of the app (profiled wall time, ms a run) ---")
        for part, seconds in sorted(parts(combined.root_frame()).items(), key=lambda item: -item[1]):
            print(f"{seconds * 1000 / len(sessions):8.1f}  {part}")
        if verbose:
            print(ConsoleRenderer(unicode=True, color=False, show_all=False, short_mode=True).render(combined))
        if html and phase == "days again":
            html.write_text(HTMLRenderer().render(combined), encoding="utf-8")


if __name__ == "__main__":
    main()
