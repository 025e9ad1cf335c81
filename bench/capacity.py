"""How many viewers one app server holds: the largest number of simulated viewers, each moving the
day once a second, for which the 95th percentile of rerun times stays at or under one second.

    python bench/capacity.py                          # make load-test; report in a temporary folder
    python bench/capacity.py --report docs/load-test.md   # make docs
    python bench/capacity.py --users 8 --seconds 20   # one step only, no search
    python bench/capacity.py --workers 1 2            # make load-test: through nginx, 1 process then 2

With ``--workers``, the app runs as `make serve` runs it (sanctuarymap/server/proxy.py): that many Streamlit
processes behind nginx, every viewer through the proxy; the search runs once per number given, one after
the other in the same run, so that the figures share the machine's conditions.

Starts ``streamlit run app.py`` on 127.0.0.1 (harness.browser's AppServer) on the shipped records,
then runs Locust (bench/locustfile.py) headless against it, once per number of viewers: doubling
from 4 until a step fails, then halving the gap between the last step that held and the first that
did not. Each step ramps its viewers up (not measured), then measures for ``--seconds``. A step
holds if no rerun failed, p95 ≤ 1 s, and the viewers together got at least 90% of the reruns they
asked for. The whole search stops within ``--budget`` seconds. Nothing leaves 127.0.0.1.

For each step: reruns, their median, p95 and slowest time, the server's CPU (the streamlit process's
CPU time over the step's length, in cores) and peak resident memory (sampled every half second), and
Locust's own CPU, to show the client was not the bottleneck.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil
from streamlit_protocol import StreamlitRun, stream_url

from harness.browser import ROOT, AppServer, tree_rss
from sanctuarymap.server.proxy import ProxiedApp

LOCUSTFILE = ROOT / "bench" / "locustfile.py"
P95_LIMIT_MS = 1000
START_USERS = 4


class Target:
    """What the viewers reach: one Streamlit server, or several behind nginx. ``servers`` are the Streamlit
    processes; ``proxy`` is nginx's, if any."""

    def __init__(self, work: Path, workers: int | None):
        env = {"SANCTUARYMAP_RECORDS": str(ROOT / "records")}
        self.workers = workers
        if workers:
            self.app: AppServer | ProxiedApp = ProxiedApp(work / f"proxy-{workers}", workers, env=env)
            self.servers = [psutil.Process(pid) for pid in self.app.worker_pids]
            self.proxy: psutil.Process | None = psutil.Process(self.app.nginx.pid)
        else:
            self.app = AppServer(ROOT, work / "streamlit.log", env=env)
            self.servers = [psutil.Process(self.app.process.pid)]
            self.proxy = None
        self.url = self.app.url
        self.port = self.app.port

    def stop(self) -> None:
        self.app.stop()


@dataclass
class Step:
    users: int
    seconds: float
    load_average: float
    reruns: int
    failures: int
    median_ms: float
    p95_ms: float
    max_ms: float
    server_cpu: float  # cores, every Streamlit process together
    server_rss_peak: int  # bytes, the largest of the Streamlit processes
    locust_cpu: float  # cores
    clicks: int = 0
    click_median_ms: float = float("nan")
    click_p95_ms: float = float("nan")
    all_p95_ms: float = float("nan")  # settled days and clicks together
    process_cpu: tuple[float, ...] = ()  # cores, each Streamlit process
    process_rss_peak: tuple[int, ...] = ()  # bytes, each Streamlit process
    proxy_cpu: float = float("nan")  # cores, nginx
    workers: int = 0  # Streamlit processes behind nginx; 0: one, without the proxy

    @property
    def holds(self) -> bool:
        asked = self.users * self.seconds
        p95 = self.all_p95_ms if self.all_p95_ms == self.all_p95_ms else self.p95_ms  # nan: no clicks recorded
        return self.failures == 0 and self.reruns + self.clicks >= 0.9 * asked and p95 <= P95_LIMIT_MS


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else (values or [float("nan")])[0]


def cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def run_step(server: AppServer | Target, users: int, seconds: int, work: Path) -> Step:
    """One Locust run of ``users`` viewers against ``server``: ramp up, then ``seconds`` measured."""
    target = server if isinstance(server, Target) else None
    processes = target.servers if target else [psutil.Process(server.process.pid)]
    proxy = target.proxy if target else None
    times_file = work / f"times-{users}.json"
    spawn_rate = max(2, users // 4)  # every viewer connected within about 4 s
    ramp = users / spawn_rate
    # (time.time(), each server's CPU seconds, each server's RSS, the proxy's CPU seconds)
    samples: list[tuple[float, list[float], list[int], float]] = []
    stop = threading.Event()

    def sample() -> None:
        while True:
            samples.append((time.time(), [cpu(p) for p in processes], [tree_rss(p) for p in processes], cpu(proxy) if proxy else 0.0))
            if stop.wait(0.5):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    load_average = os.getloadavg()[0]
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler.start()
    env = {**os.environ, "SANCTUARYMAP_LOCUST_TIMES": str(times_file)}
    command = locust_command(server, users, spawn_rate, int(ramp + seconds))
    locust = subprocess.run(command, env=env, capture_output=True, text=True, timeout=ramp + seconds + 60)
    stop.set()
    sampler.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = (children.ru_utime - children_before.ru_utime) + (children.ru_stime - children_before.ru_stime)
    if locust.returncode not in (0, 1) or not times_file.exists():  # 1: some request failed, which the step reports
        raise RuntimeError(f"locust exited with {locust.returncode}:\n{locust.stdout}{locust.stderr}")
    measured = json.loads(times_file.read_text(encoding="utf-8"))
    times, clicks = measured["rerun_ms"], measured.get("click_ms", [])
    # The servers' CPU and memory over the measured span only: from the last viewer's arrival.
    start = measured["measured_from"] or samples[0][0]
    during = [s for s in samples if start <= s[0] <= measured["measured_to"]] or samples[-2:]
    span = max(during[-1][0] - during[0][0], 1e-9)
    each_cpu = tuple((after - before) / span for before, after in zip(during[0][1], during[-1][1]))
    each_rss = tuple(max(s[2][i] for s in samples) for i in range(len(processes)))
    return Step(
        users=users,
        seconds=seconds,
        load_average=load_average,
        reruns=len(times),
        failures=failures_in(locust.stdout + locust.stderr),
        median_ms=statistics.median(times) if times else float("nan"),
        p95_ms=percentile(times, 95),
        max_ms=max(times + clicks, default=float("nan")),
        server_cpu=sum(each_cpu),
        server_rss_peak=max(each_rss),
        locust_cpu=locust_cpu / (ramp + seconds),
        clicks=len(clicks),
        click_median_ms=statistics.median(clicks) if clicks else float("nan"),
        click_p95_ms=percentile(clicks, 95),
        all_p95_ms=percentile(times + clicks, 95),
        process_cpu=each_cpu,
        process_rss_peak=each_rss,
        proxy_cpu=(during[-1][3] - during[0][3]) / span if proxy else float("nan"),
        workers=target.workers or 0 if target else 0,
    )


def warm(server: AppServer | Target) -> None:
    """One session's first run, to its end: the server then holds the data, and no step pays for loading
    it. Behind nginx, ProxiedApp has already run the app in every process."""
    if isinstance(server, Target) and server.workers:
        return  # ProxiedApp ran the app in every process before it returned
    processes = server.servers if isinstance(server, Target) else [psutil.Process(server.process.pid)]
    idle = [cpu(p) for p in processes]
    for _ in range(20 * len(processes)):
        run = StreamlitRun(stream_url(server.url))
        try:
            run.rerun(query_string="day=2017-01-01")
        finally:
            run.close()
        if all(cpu(p) - before > 0.5 for p, before in zip(processes, idle)):  # a first run loads the data: seconds
            return


def locust_command(server: AppServer | Target, users: int, spawn_rate: int, run_time_s: int) -> list[str]:
    options = {
        "-f": str(LOCUSTFILE),
        "--users": str(users),
        "--spawn-rate": str(spawn_rate),
        "--run-time": f"{run_time_s}s",
        "--stop-timeout": "10",
        "--loglevel": "WARNING",
        "--host": f"http://127.0.0.1:{server.port}",
    }
    flags = [part for option, value in options.items() for part in (option, value)]
    return [sys.executable, "-m", "locust", "--headless", "--reset-stats", "--only-summary", *flags]


def failures_in(output: str) -> int:
    """Failed reruns in Locust's summary line: "WS  rerun with a new day  <requests>  <failures>(<percent>%) | ..."."""
    counts = [
        re.search(r"\s(\d+)\s+(\d+)\(", line) for line in output.splitlines() if "rerun with a new day" in line or "click a place" in line
    ]
    return sum(int(found.group(2)) for found in counts if found)


def search(
    server: AppServer | Target, seconds: int, budget: float, max_users: int, work: Path, log=print, start: int = START_USERS
) -> list[Step]:
    """Double from START_USERS until a step fails, then bisect; stop when the gap is small or time is out."""
    deadline = time.monotonic() + budget
    steps: list[Step] = []
    held, failed = 0, None
    users = start
    while users and time.monotonic() + seconds + users / max(2, users // 4) + 15 < deadline:
        step = run_step(server, users, seconds, work)
        steps.append(step)
        log(describe(step), flush=True)
        if not step.holds and time.monotonic() + 2 * seconds + 30 < deadline:
            # On a shared machine a burst of someone else's work can sink one step: try it once more.
            step = run_step(server, users, seconds, work)
            steps.append(step)
            log("again: " + describe(step), flush=True)
        if step.holds:
            held = max(held, users)
        else:
            failed = users if failed is None else min(failed, users)
        if failed is None:
            users = users * 2 if users * 2 <= max_users else (max_users if users < max_users else 0)
        else:
            gap = failed - held
            users = held + gap // 2 if gap > max(1, held // 8) else 0
    return steps


def describe(step: Step) -> str:
    verdict = "holds" if step.holds else "does not hold"
    setup = f"{step.workers} process(es) behind nginx, " if step.workers else ""
    proxy = f", nginx {step.proxy_cpu:.2f} cores" if step.workers else ""
    return (
        f"{setup}{step.users} viewers: {step.reruns} settled days in {step.seconds} s, median {step.median_ms:.0f} ms, "
        f"p95 {step.p95_ms:.0f} ms; {step.clicks} clicks, median {step.click_median_ms:.0f} ms, p95 {step.click_p95_ms:.0f} ms; "
        f"slowest {step.max_ms:.0f} ms, {step.failures} failed; servers {' + '.join(f'{c:.2f}' for c in step.process_cpu)} cores, "
        f"{' / '.join(f'{r / 2**20:.0f}' for r in step.process_rss_peak)} MB peak{proxy}; locust {step.locust_cpu:.2f} cores: {verdict}"
    )


def capacity(steps: list[Step]) -> int:
    """The largest number of viewers that held, below every number that failed twice (or once, untried again)."""
    failed = min((n for n in {s.users for s in steps} if not any(s.holds for s in steps if s.users == n)), default=None)
    return max((s.users for s in steps if s.holds and (failed is None or s.users < failed)), default=0)


def setup_name(workers: int) -> str:
    return f"{workers} process{'es' if workers > 1 else ''} behind nginx" if workers else "1 process, no proxy"


def report(runs: dict[int, list[Step]], idle_rss: dict[int, int], seconds: int, start: int) -> str:
    """The capacity of each setup (by its number of processes behind nginx; 0: one, without the proxy), then every step."""
    summary = []
    for workers, steps in runs.items():
        found = capacity(steps)
        ceiling = min((n for n in {s.users for s in steps} if not any(s.holds for s in steps if s.users == n)), default=None)
        at = max((s for s in steps if s.users == found and s.holds), key=lambda s: s.reruns, default=None)
        if at is None:
            summary.append(f"| {setup_name(workers)} | 0 | {ceiling or ''} |" + " |" * 8)
            continue
        cpu_per_run = at.server_cpu / max((at.reruns + at.clicks) / at.seconds, 1e-9) * 1000
        summary.append(
            f"| {setup_name(workers)} | **{found}** | {ceiling or f'none up to {max(s.users for s in steps)}'} "
            f"| {at.median_ms:.0f} / {at.p95_ms:.0f} | {at.clicks} · {at.click_median_ms:.0f} / {at.click_p95_ms:.0f} "
            f"| {' + '.join(f'{c:.2f}' for c in at.process_cpu)} | {cpu_per_run:.0f} "
            f"| {' / '.join(f'{r / 2**20:.0f}' for r in at.process_rss_peak)} "
            f"| {'–' if not workers else f'{at.proxy_cpu:.2f}'} | {at.locust_cpu:.2f} | {at.load_average:.1f} |"
        )
    rows = [
        f"| {setup_name(s.workers)} | {s.users} | {s.reruns} | {s.median_ms:.0f} | {s.p95_ms:.0f} | {s.clicks} | {s.click_median_ms:.0f} "
        f"| {s.click_p95_ms:.0f} | {s.max_ms:.0f} | {s.failures} | {' + '.join(f'{c:.2f}' for c in s.process_cpu)} "
        f"| {' / '.join(f'{r / 2**20:.0f}' for r in s.process_rss_peak)} | {'–' if not s.workers else f'{s.proxy_cpu:.2f}'} "
        f"| {s.locust_cpu:.2f} | {s.load_average:.1f} | {'yes' if s.holds else 'no'} |"
        for workers, steps in runs.items()
        for s in sorted(steps, key=lambda s: s.users)
    ]
    idle = "; ".join(f"{setup_name(w)}: {r / 2**20:.0f} MB" for w, r in idle_rss.items())
    return "\n".join(
        [
            "# Load test: simulated viewers through nginx",
            "",
            "How many simulated viewers the app holds, each settling on a new day once a second (one action in ten is a "
            f"click on a place instead), with the 95th percentile of response times at or under {P95_LIMIT_MS / 1000:.0f} s, "
            "with one Streamlit process and with several behind nginx (`make serve`), measured one after the other in the "
            "same run.",
            "",
            "| setup | capacity (viewers) | first that failed | settled day p50 / p95 (ms) | clicks · p50 / p95 (ms) "
            "| CPU of each process (cores) | server CPU a rerun (ms) | peak RSS of each process (MB) | nginx CPU (cores) "
            "| locust CPU (cores) | load average at start |",
            "|" + " --- |" * 11,
            *summary,
            "",
            "The row is the step at the capacity. Server CPU a rerun: every Streamlit process's CPU over the step divided by "
            "the reruns (settled days and clicks) it answered.",
            "",
            f"- Measured {datetime.now(UTC):%Y-%m-%d %H:%M UTC} on {os.cpu_count()} CPUs ({platform.machine()}), "
            f"{psutil.virtual_memory().total / 2**30:.0f} GB, **shared with other work**: the load average at the start of each "
            "step says how busy the machine already was; Locust runs on the same two cores. The ratio between setups, "
            "measured in one run, means more than the absolute numbers.",
            "- Written by `bench/capacity.py` (`make load-test`; `make docs` writes this file). The app as `make serve` "
            "runs it (`sanctuarymap/server/proxy.py`, `deploy/nginx.conf`) with the shipped records; Locust (`bench/locustfile.py`) "
            "on the same machine, one process, every viewer through nginx. nginx sends each new websocket to a process by a "
            "random id (a browser then keeps it by a cookie).",
            "- A viewer speaks Streamlit's websocket protocol with the protobuf classes of the installed `streamlit` "
            "package: it opens `/_stcore/stream`, asks for a first run with `?day=...`, reports the map's first paint, then "
            "once a second reports a settled day as the map page does (through the map component's value, naming the "
            "fragment the map is drawn in, so only the day's part reruns) and waits for that run's `script_finished`; "
            "every tenth action is a click on a place instead (the whole page reruns). A time runs from the request to "
            "that message.",
            f"- Each step ramps its viewers up unmeasured, then measures for {seconds} s. A step holds if nothing failed, "
            "p95 of settled days and clicks together ≤ 1 s, and the viewers got at least 90% of what they asked for. Steps "
            f"double from {start} viewers until one fails, then halve the gap; a step that fails is run once more (the "
            "machine is shared), and a number of viewers counts as held if either run held. Every run is listed below.",
            "- CPU: each process's CPU time over the measured part, in cores (2 = both cores busy). Peak RSS: each Streamlit "
            f"process's resident memory, sampled every half second (idle, with the data loaded: {idle}). Locust CPU: the "
            "load generator's own, over the whole step.",
            "- The end-to-end check with real browsers is `tests/load/test_load.py` (10 Chromium pages; `load-test-browsers.md`).",
            "",
            "## Every step",
            "",
            "| setup | viewers | settled days | p50 (ms) | p95 (ms) | clicks | click p50 (ms) | click p95 (ms) | slowest (ms) "
            "| failed | CPU of each process (cores) | peak RSS (MB) | nginx CPU | locust CPU | load average | holds |",
            "|" + " --- |" * 16,
            *rows,
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", type=Path, help="write the report here (default: a temporary folder)")
    parser.add_argument("--seconds", type=int, default=30, help="measured seconds per step (default 30)")
    parser.add_argument("--budget", type=float, default=480, help="seconds for each setup's search (default 480)")
    parser.add_argument("--max-users", type=int, default=192)
    parser.add_argument("--start", type=int, default=START_USERS, help=f"viewers of the first step (default {START_USERS})")
    parser.add_argument("--users", type=int, help="run one step with this many viewers, no search")
    parser.add_argument("--workers", type=int, nargs="*", help="Streamlit processes behind nginx, one search for each number")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sanctuarymap-load-"))
    runs: dict[int, list[Step]] = {}
    idle: dict[int, int] = {}
    for workers in args.workers or [0]:
        target = Target(work, workers or None)
        try:
            warm(target)
            idle[workers] = max(tree_rss(p) for p in target.servers)
            if args.users:
                runs[workers] = [run_step(target, args.users, args.seconds, work)]
                print(describe(runs[workers][0]), flush=True)
            else:
                runs[workers] = search(target, args.seconds, args.budget, args.max_users, work, start=args.start)
        finally:
            target.stop()
    text = report(runs, idle, args.seconds, args.start)
    target_file = args.report or work / "load-test.md"
    target_file.parent.mkdir(parents=True, exist_ok=True)
    target_file.write_text(text, encoding="utf-8")
    print(
        "\n" + "; ".join(f"{setup_name(w)}: capacity {capacity(steps)} viewers" for w, steps in runs.items()) + f"; report: {target_file}"
    )


if __name__ == "__main__":
    main()
