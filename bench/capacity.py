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
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psutil
from streamlit_protocol import MAP, PLACES, StreamlitRun, find_widget, stream_url, widget_state

from harness.browser import ROOT, AppServer, site_for, tree_rss
from sanctuarymap.data import year
from sanctuarymap.server.proxy import ProxiedApp

LOCUSTFILE = ROOT / "bench" / "locustfile.py"
EMPTY_APP = ROOT / "bench" / "empty_app.py"
MAP_APP = ROOT / "bench" / "map_app.py"
P95_LIMIT_MS = 1000
CLICK_EVERY = 10  # one action in ten is a click (bench/locustfile.py's default)
START_USERS = 4


class Target:
    """What the viewers reach: one Streamlit server, or several behind nginx, of the app (``app="app"``) or
    of the baseline (``"empty"``: bench/empty_app.py). ``servers`` are the Streamlit processes; ``proxy``
    is nginx's, if any. Either runs from a site in ``work`` (its payload stays out of the work tree)."""

    def __init__(self, work: Path, workers: int | None, app: str = "app"):
        self.workers = workers
        self.kind = app
        site, env = site_for(ROOT, work / f"site-{app}-{workers or 0}")
        env["SANCTUARYMAP_RECORDS"] = str(ROOT / "records")
        if app in ("empty", "map"):
            (site / "app.py").unlink()
            (site / "app.py").symlink_to(EMPTY_APP if app == "empty" else MAP_APP)
        if app == "app-gc":  # Streamlit's full garbage collection after every run, its default (.streamlit/config.toml leaves it out)
            env["STREAMLIT_RUNNER_POST_SCRIPT_GC"] = "true"
        # What Locust's viewers move: the map component's value, or the baseline's slider (bench/locustfile.py).
        self.day_widget = "day" if app == "empty" else MAP
        if workers:
            self.app: AppServer | ProxiedApp = ProxiedApp(work / f"proxy-{app}-{workers}", workers, env=env, root=site)
            self.servers = [psutil.Process(pid) for pid in self.app.worker_pids]
            self.proxy: psutil.Process | None = psutil.Process(self.app.nginx.pid)
        else:
            self.app = AppServer(site, work / f"streamlit-{app}.log", env=env)
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
    locust_cpu: float  # cores, Locust's process over the measured span
    clicks: int = 0
    click_median_ms: float = float("nan")
    click_p95_ms: float = float("nan")
    all_p95_ms: float = float("nan")  # settled days and clicks together
    process_cpu: tuple[float, ...] = ()  # cores, each Streamlit process
    process_rss_peak: tuple[int, ...] = ()  # bytes, each Streamlit process
    proxy_cpu: float = float("nan")  # cores, nginx
    workers: int = 0  # Streamlit processes behind nginx; 0: one, without the proxy
    app: str = "app"  # "app", or a baseline: "empty" (bench/empty_app.py), "map" (bench/map_app.py)
    measured_s: float = float("nan")  # the span the CPU figures cover

    @property
    def window_s(self) -> float:
        """The measured span: from the last viewer's arrival to the end (``seconds`` unless arrivals ran late)."""
        return self.measured_s if self.measured_s == self.measured_s else self.seconds

    @property
    def holds(self) -> bool:
        asked = self.users * self.window_s
        p95 = self.all_p95_ms if self.all_p95_ms == self.all_p95_ms else self.p95_ms  # nan: no clicks recorded
        return self.failures == 0 and self.reruns + self.clicks >= 0.9 * asked and p95 <= P95_LIMIT_MS

    def per_action_ms(self, cores: float) -> float:
        """CPU time (ms) a viewer's action (a settled day or a click) cost, from ``cores`` busy over the step."""
        return cores * 1000 / max((self.reruns + self.clicks) / self.window_s, 1e-9)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else (values or [float("nan")])[0]


def cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def run_step(target: Target, users: int, seconds: int, work: Path) -> Step:
    """One Locust run of ``users`` viewers against ``target``: ramp up, then ``seconds`` measured."""
    times_file = work / f"times-{users}.json"
    spawn_rate = max(2, users // 4)  # every viewer connected within about 4 s
    ramp = users / spawn_rate
    env = {**os.environ, "SANCTUARYMAP_LOCUST_TIMES": str(times_file), "SANCTUARYMAP_DAY_WIDGET": target.day_widget}
    command = locust_command(target, users, spawn_rate, int(ramp + seconds))
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryFile("w+") as output:
        locust = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
        samples = sample_until_exit(locust, target.servers, target.proxy, timeout=ramp + seconds + 60)
        output.seek(0)
        said = output.read()
    if locust.returncode not in (0, 1) or not times_file.exists():  # 1: some request failed, which the step reports
        raise RuntimeError(f"locust exited with {locust.returncode}:\n{said}")
    measured = json.loads(times_file.read_text(encoding="utf-8"))
    times_file.unlink()
    times, clicks = measured["rerun_ms"], measured.get("click_ms", [])
    # Every CPU figure over the measured span only: from the last viewer's arrival to the end.
    start, end = measured["measured_from"] or samples[0].when, measured["measured_to"]
    during = [s for s in samples if start <= s.when <= end] or samples[-2:]
    span = max(during[-1].when - during[0].when, 1e-9)
    each_cpu = tuple((after - before) / span for before, after in zip(during[0].servers, during[-1].servers))
    each_rss = tuple(max(s.rss[i] for s in samples) for i in range(len(target.servers)))
    return Step(
        users=users,
        seconds=seconds,
        load_average=load_average,
        reruns=len(times),
        failures=failures_in(said),
        median_ms=statistics.median(times) if times else float("nan"),
        p95_ms=percentile(times, 95),
        max_ms=max(times + clicks, default=float("nan")),
        server_cpu=sum(each_cpu),
        server_rss_peak=max(each_rss),
        locust_cpu=(during[-1].locust - during[0].locust) / span,
        clicks=len(clicks),
        click_median_ms=statistics.median(clicks) if clicks else float("nan"),
        click_p95_ms=percentile(clicks, 95),
        all_p95_ms=percentile(times + clicks, 95),
        process_cpu=each_cpu,
        process_rss_peak=each_rss,
        proxy_cpu=(during[-1].proxy - during[0].proxy) / span if target.proxy else float("nan"),
        workers=target.workers or 0,
        app=target.kind,
        measured_s=end - start,
    )


@dataclass
class Sample:
    when: float  # time.time()
    servers: list[float]  # each Streamlit process's CPU seconds
    rss: list[int]  # each Streamlit process's resident bytes
    proxy: float  # nginx's CPU seconds
    locust: float  # Locust's CPU seconds


def sample_until_exit(
    locust: subprocess.Popen[str], servers: list[psutil.Process], proxy: psutil.Process | None, timeout: float
) -> list[Sample]:
    """Every half second until Locust exits: the CPU time of every process involved, and the servers' memory."""
    watched = psutil.Process(locust.pid)
    samples: list[Sample] = []
    deadline = time.monotonic() + timeout
    locust_cpu = 0.0
    while True:
        try:
            locust_cpu = cpu(watched)
        except psutil.Error:
            pass  # exited between two samples: its last figure stands
        samples.append(
            Sample(time.time(), [cpu(p) for p in servers], [tree_rss(p) for p in servers], cpu(proxy) if proxy else 0.0, locust_cpu)
        )
        try:
            locust.wait(0.5)
            return samples
        except subprocess.TimeoutExpired:
            if time.monotonic() > deadline:
                locust.kill()
                locust.wait()
                raise RuntimeError(f"locust did not stop within {timeout:.0f} s") from None


def warm(target: Target) -> None:
    """One session's first run, to its end: the server then holds the data, and no step pays for loading
    it. Behind nginx, ProxiedApp has already run the app in every process."""
    if target.workers:
        return  # ProxiedApp ran the app in every process before it returned
    run = StreamlitRun(stream_url(target.url))
    try:
        run.rerun(query_string="day=2017-01-01")
    finally:
        run.close()


@dataclass
class Cost:
    """What one viewer's actions cost the servers when nothing else runs on them: one session, one action
    after another (no queue, no restarted runs), each action's server CPU measured alone."""

    settled_ms: float  # server CPU of a settled day (median of the blocks)
    click_ms: float  # of a click
    mix_ms: float  # of an action at the load test's mix (one click in CLICK_EVERY)
    settled_wall_ms: float  # a settled day's time, request to script_finished, alone
    blocks: int
    first_mix_ms: float = float("nan")  # at the mix, the first block: days and (place, day) pairs not yet shown


def serial_cost(target: Target, blocks: int = 3, actions: int = 40) -> Cost:
    """Server CPU per settled day and per click, one session, one action after another: ``blocks`` blocks
    of ``actions`` actions (one in CLICK_EVERY a click) over the same days, after one unmeasured block (as
    under load, where many viewers soon have shown every day), the median of the blocks' averages. The mix is the
    block's CPU from its start to its end over its actions; the settled day and the click apart are summed
    from each action's own CPU (psutil counts in 10 ms ticks: only the sums over a block mean anything)."""
    settled, clicked, mixed, walls = [], [], [], []
    first_mix = float("nan")
    for block in range(blocks + 1):  # the first, unmeasured, builds what the app keeps for each day it shows
        day = date(2017, 2, 1)
        run = StreamlitRun(stream_url(target.url))
        try:
            elements, _ = run.rerun(query_string=f"day={day.isoformat()}")
            widget = find_widget(elements, target.day_widget)
            if target.day_widget == MAP:  # the map page's first paint: the whole page follows, as in the load test
                run.rerun(states=[widget_state(widget, day)], fragment_id=run.fragment_of(widget))
            spent = {False: 0.0, True: 0.0}  # CPU ms, by "is a click"
            block_start = server_cpu_s(target)
            for n in range(1, actions + 1):
                click = n % CLICK_EVERY == 0
                day = day if click else (day + timedelta(days=1) if day < year.LAST_DAY else year.FIRST_DAY)
                place = PLACES[(n // CLICK_EVERY) % len(PLACES)] if click and target.day_widget == MAP else None
                state = widget_state(widget, day, place)
                fragment = "" if click and target.day_widget != MAP else run.fragment_of(widget)
                before, started = server_cpu_s(target), time.perf_counter()
                elements, _ = run.rerun(states=[state], fragment_id=fragment)
                if not click:
                    walls.append((time.perf_counter() - started) * 1000)
                spent[click] += (server_cpu_s(target) - before) * 1000
                widget = find_widget(elements, target.day_widget) or widget
            mixed.append((server_cpu_s(target) - block_start) * 1000 / actions)
            first_mix = first_mix if block else mixed.pop()
        finally:
            run.close()
        if not block:
            walls.clear()
            continue  # the first block's mix is kept apart
        clicks = actions // CLICK_EVERY
        settled.append(spent[False] / (actions - clicks))
        clicked.append(spent[True] / max(clicks, 1))
    medians = (statistics.median(values) for values in (settled, clicked, mixed, walls))
    return Cost(*medians, blocks=blocks, first_mix_ms=first_mix)


def server_cpu_s(target: Target) -> float:
    return sum(cpu(p) for p in target.servers)


def locust_command(server: Target, users: int, spawn_rate: int, run_time_s: int) -> list[str]:
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


def search(server: Target, seconds: int, budget: float, max_users: int, work: Path, log=print, start: int = START_USERS) -> list[Step]:
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
    setup = f"{step.app}, " + (f"{step.workers} process(es) behind nginx, " if step.workers else "")
    proxy = f", nginx {step.proxy_cpu:.2f} cores" if step.workers else ""
    return (
        f"{setup}{step.users} viewers: {step.reruns} settled days in {step.window_s:.1f} s, median {step.median_ms:.0f} ms, "
        f"p95 {step.p95_ms:.0f} ms; {step.clicks} clicks, median {step.click_median_ms:.0f} ms, p95 {step.click_p95_ms:.0f} ms; "
        f"slowest {step.max_ms:.0f} ms, {step.failures} failed; servers {' + '.join(f'{c:.2f}' for c in step.process_cpu)} cores "
        f"({step.per_action_ms(step.server_cpu):.1f} ms an action), "
        f"{' / '.join(f'{r / 2**20:.0f}' for r in step.process_rss_peak)} MB peak{proxy}; locust {step.locust_cpu:.2f} cores "
        f"({step.per_action_ms(step.locust_cpu):.1f} ms an action); load average {step.load_average:.1f}: {verdict}"
    )


def capacity(steps: list[Step]) -> int:
    """The largest number of viewers that held, below every number that failed twice (or once, untried again)."""
    failed = min((n for n in {s.users for s in steps} if not any(s.holds for s in steps if s.users == n)), default=None)
    return max((s.users for s in steps if s.holds and (failed is None or s.users < failed)), default=0)


APP_NAMES = {
    "app": "the app",
    "empty": "empty app (baseline)",
    "map": "the map alone (baseline)",
    "app-gc": "the app, a full collection after each run",
}


def setup_name(workers: int) -> str:
    return f"{workers} process{'es' if workers > 1 else ''} behind nginx" if workers else "1 process, no proxy"


def fmt(value: float, digits: int = 0) -> str:
    return "–" if value != value else f"{value:.{digits}f}"


def median_of(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


@dataclass
class Model:
    """The capacity model of one app from one run's figures: CPU an action of the servers (alone and under
    load), of nginx and of Locust; the viewers the machine's cores could answer at most."""

    app: str
    alone_ms: float  # server CPU an action at the mix, one session alone (median over the setups)
    loaded_ms: float  # server CPU an action under load (median over the steps that held)
    proxy_ms: float  # nginx CPU an action (median over the steps)
    locust_ms: float  # Locust's CPU an action (median over the steps)

    def readers_per_core(self, loaded: bool) -> float:
        """Viewers (one action a second) one core of servers answers, busy all the time."""
        return 1000 / (self.loaded_ms if loaded else self.alone_ms)

    def ceiling(self, cores: int, processes: int, loaded: bool = True) -> float:
        """Viewers ``cores`` cores could answer with ``processes`` Streamlit processes, Locust and nginx on
        the same cores, each busy all the time (a p95 within 1 s needs headroom: the real figure is lower).
        A Streamlit process runs its sessions' scripts in one Python process: at most one core each."""
        server = self.loaded_ms if loaded else self.alone_ms
        return min(processes * 1000 / server, cores * 1000 / (server + self.proxy_ms + self.locust_ms))


def models(runs: dict[tuple[str, int], list[Step]], costs: dict[tuple[str, int], Cost]) -> list[Model]:
    found = []
    for app in dict.fromkeys(a for a, _ in runs):
        steps = [s for (a, _), each in runs.items() if a == app for s in each]
        held = [s for s in steps if s.holds] or steps
        found.append(
            Model(
                app=app,
                alone_ms=median_of([c.mix_ms for (a, _), c in costs.items() if a == app]),
                loaded_ms=median_of([s.per_action_ms(s.server_cpu) for s in held]),
                proxy_ms=median_of([s.per_action_ms(s.proxy_cpu) for s in steps if s.workers]),
                locust_ms=median_of([s.per_action_ms(s.locust_cpu) for s in steps]),
            )
        )
    return found


def summary_row(app: str, workers: int, steps: list[Step]) -> str:
    found = capacity(steps)
    ceiling = min((n for n in {s.users for s in steps} if not any(s.holds for s in steps if s.users == n)), default=None)
    at = max((s for s in steps if s.users == found and s.holds), key=lambda s: s.reruns, default=None)
    name = f"| {APP_NAMES[app]} | {setup_name(workers)}"
    if at is None:
        return f"{name} | 0 | {ceiling or ''} |" + " |" * 8
    return (
        f"{name} | **{found}** | {ceiling or f'none up to {max(s.users for s in steps)}'} "
        f"| {at.median_ms:.0f} / {at.p95_ms:.0f} | {at.clicks} · {at.click_median_ms:.0f} / {at.click_p95_ms:.0f} "
        f"| {' + '.join(f'{c:.2f}' for c in at.process_cpu)} | {at.per_action_ms(at.server_cpu):.1f} "
        f"| {' / '.join(f'{r / 2**20:.0f}' for r in at.process_rss_peak)} "
        f"| {'–' if not workers else f'{at.proxy_cpu:.2f} · {at.per_action_ms(at.proxy_cpu):.1f}'} "
        f"| {at.locust_cpu:.2f} · {at.per_action_ms(at.locust_cpu):.1f} | {at.load_average:.1f} |"
    )


def model_lines(found: list[Model], cores: int, processes: int) -> list[str]:
    rows = [
        f"| {APP_NAMES[m.app]} | {fmt(m.alone_ms, 1)} | {fmt(m.loaded_ms, 1)} | {fmt(m.proxy_ms, 1)} | {fmt(m.locust_ms, 1)} "
        f"| {fmt(m.readers_per_core(False))} | {fmt(m.readers_per_core(True))} "
        f"| {fmt(m.ceiling(cores, 1))} | {fmt(m.ceiling(cores, processes))} |"
        for m in found
    ]
    return [
        "## Capacity model",
        "",
        "CPU an action (a settled day, or one time in ten a click): the servers' alone (one session, one action after "
        "another) and under load (median over the steps that held), nginx's and Locust's (median over every step). "
        "Readers a core: viewers, each acting once a second, that one core of Streamlit processes answers when busy all "
        f"the time. Ceiling on this machine: the viewers its {cores} cores could answer with Locust and nginx on the same "
        "cores, every core busy all the time, and each Streamlit process at most one core (one Python process): "
        "`min(processes × 1000 / server, cores × 1000 / (server + nginx + Locust))`, from the under-load figures. "
        "A p95 within 1 s needs headroom, so what holds is below the ceiling; and an action costs more as sessions "
        "pile up in a process (every step is listed below), so the ceiling, from the steps that held, is an upper bound.",
        "",
        "| app | server CPU an action, alone (ms) | under load (ms) | nginx (ms) | Locust (ms) | readers a core, alone "
        f"| under load | ceiling, 1 process | ceiling, {processes} processes |",
        "|" + " --- |" * 9,
        *rows,
        "",
    ]


def report(
    runs: dict[tuple[str, int], list[Step]],
    costs: dict[tuple[str, int], Cost],
    idle_rss: dict[tuple[str, int], int],
    seconds: int,
    starts: dict[str, int],
    loads: tuple[tuple[float, ...], tuple[float, ...]],
) -> str:
    """The capacity of each setup (app, processes behind nginx), what an action costs, the model, then every step."""
    rows = [
        f"| {APP_NAMES[s.app]} | {setup_name(s.workers)} | {s.users} | {s.reruns} | {s.median_ms:.0f} | {s.p95_ms:.0f} | {s.clicks} "
        f"| {fmt(s.click_median_ms)} | {fmt(s.click_p95_ms)} | {s.max_ms:.0f} | {s.failures} "
        f"| {' + '.join(f'{c:.2f}' for c in s.process_cpu)} "
        f"| {s.per_action_ms(s.server_cpu):.1f} | {' / '.join(f'{r / 2**20:.0f}' for r in s.process_rss_peak)} "
        f"| {'–' if not s.workers else f'{s.proxy_cpu:.2f}'} | {s.locust_cpu:.2f} | {s.load_average:.1f} | {'yes' if s.holds else 'no'} |"
        for steps in runs.values()
        for s in sorted(steps, key=lambda s: s.users)
    ]
    cost_rows = [
        f"| {APP_NAMES[app]} | {setup_name(workers)} | {c.settled_ms:.1f} | {c.click_ms:.1f} | {c.mix_ms:.1f} | {fmt(c.first_mix_ms, 1)} "
        f"| {c.settled_wall_ms:.0f} |"
        for (app, workers), c in costs.items()
    ]
    idle = "; ".join(f"{APP_NAMES[a]}, {setup_name(w)}: {r / 2**20:.0f} MB" for (a, w), r in idle_rss.items())
    cores = os.cpu_count() or 1
    processes = max(w for _, w in runs)
    block = next(iter(costs.values()), None)
    return "\n".join(
        [
            "# Load test: simulated viewers through nginx, beside Streamlit's own floor",
            "",
            "How many simulated viewers the app holds, each settling on a new day once a second (one action in ten is a "
            f"click on a place instead), with the 95th percentile of response times at or under {P95_LIMIT_MS / 1000:.0f} s, "
            "with one Streamlit process and with several behind nginx (`make serve`); and, in the same run, the same for an "
            "empty app (`bench/empty_app.py`: a slider in a fragment and one line of text), what no app built on Streamlit "
            "can beat on this machine with this client."
            + (
                " And for the map alone (`bench/map_app.py`: the app's map component, redrawn with the day's view in a "
                "fragment for each settled day, and nothing else), what no page that keeps folium and streamlit-folium and "
                "answers a settled day with a rerun can beat."
                if any(app == "map" for app, _ in runs)
                else ""
            ),
            "",
            "| app | setup | capacity (viewers) | first that failed | settled day p50 / p95 (ms) | clicks · p50 / p95 (ms) "
            "| CPU of each process (cores) | server CPU an action (ms) | peak RSS of each process (MB) | nginx CPU (cores · ms an action) "
            "| Locust CPU (cores · ms an action) | load average at start |",
            "|" + " --- |" * 12,
            *(summary_row(app, workers, steps) for (app, workers), steps in runs.items()),
            "",
            "The row is the step at the capacity. CPU an action: the process's CPU over the measured span divided by the "
            "actions (settled days and clicks) answered in it.",
            "",
            "## What an action costs, alone",
            "",
            f"One session, one action after another, nothing else running on the servers: {block.blocks if block else 0} blocks "
            "of 40 actions over the same 36 days (one action in ten a click on the next of the viewers' 8 places), after a "
            "first block that shows them all once, the median of the blocks. The mix is each block's CPU over its actions; the "
            "settled day and the click apart add up each action's own CPU (psutil counts 10 ms ticks, so they are rougher). "
            "The first block is what the same actions cost on days, and (place, day) pairs, the process has not shown yet; a "
            "settled day's wall time alone is held to 4 a second by the app's rerun budget.",
            "",
            "| app | setup | settled day (ms CPU) | click (ms CPU) | at the mix (ms CPU) | at the mix, first block (ms CPU) "
            "| settled day, wall (ms) |",
            "|" + " --- |" * 7,
            *cost_rows,
            "",
            *model_lines(models(runs, costs), cores, processes),
            f"- Measured {datetime.now(UTC):%Y-%m-%d %H:%M UTC} on {cores} CPUs ({platform.machine()}), "
            f"{psutil.virtual_memory().total / 2**30:.0f} GB, **shared with other work**. Load average (1, 5, 15 min) at the "
            f"start: {', '.join(f'{x:.1f}' for x in loads[0])}; at the end: {', '.join(f'{x:.1f}' for x in loads[1])}; each step's "
            "own is in the tables. Locust runs on the same cores. The setups were measured one after the other in the same "
            "run, so the ratios between them mean more than the absolute numbers.",
            "- Written by `bench/capacity.py` (`make load-test`, with `--baseline`; `make docs` writes this file). The app as "
            "`make serve` runs it (`sanctuarymap/server/proxy.py`, `deploy/nginx.conf`) with the shipped records; Locust "
            "(`bench/locustfile.py`) on the same machine, one process, every viewer through nginx. nginx sends each new "
            "websocket to a process by a random id (a browser then keeps it by a cookie).",
            "- A viewer speaks Streamlit's websocket protocol with the protobuf classes of the installed `streamlit` "
            "package: it opens `/_stcore/stream`, asks for a first run with `?day=...`, reports the map's first paint, then "
            "once a second reports a settled day as the map page does (through the map component's value, naming the "
            "fragment the map is drawn in, so only the day's part reruns) and waits for that run's `script_finished`; "
            "every tenth action is a click on a place instead (the whole page reruns). A time runs from the request to "
            "that message. Against the empty app the viewer moves its slider, naming its fragment; its click is a rerun of "
            "the whole script. Against the map alone it acts as against the app; a click there reruns the map's fragment only.",
            f"- Each step ramps its viewers up unmeasured, then measures for {seconds} s. A step holds if nothing failed, "
            "p95 of settled days and clicks together ≤ 1 s, and the viewers got at least 90% of what they asked for. Steps "
            f"double from {', '.join(f'{n} viewers ({APP_NAMES[a]})' for a, n in starts.items())} until one fails, then halve "
            "the gap; a step that fails is run once more (the machine is shared), and a number of viewers counts as held if "
            "either run held. Every run is listed below.",
            "- CPU: each process's CPU time over the measured span (Locust's included), in cores (2 = both cores busy). "
            f"Peak RSS: each Streamlit process's resident memory, sampled every half second (idle, data loaded: {idle}).",
            "- The end-to-end check with real browsers is `tests/load/test_load.py` (10 Chromium pages; `load-test-browsers.md`).",
            "",
            "## Every step",
            "",
            "| app | setup | viewers | settled days | p50 (ms) | p95 (ms) | clicks | click p50 (ms) | click p95 (ms) | slowest (ms) "
            "| failed | CPU of each process (cores) | server CPU an action (ms) | peak RSS (MB) | nginx CPU | Locust CPU "
            "| load average | holds |",
            "|" + " --- |" * 18,
            *rows,
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", type=Path, help="write the report here (default: a temporary folder)")
    parser.add_argument("--seconds", type=int, default=30, help="measured seconds per step (default 30)")
    parser.add_argument("--budget", type=float, default=480, help="seconds for each setup's search (default 480)")
    parser.add_argument("--max-users", type=int, default=256)
    parser.add_argument("--start", type=int, default=START_USERS, help=f"viewers of the app's first step (default {START_USERS})")
    parser.add_argument("--users", type=int, help="run one step with this many viewers, no search")
    parser.add_argument("--workers", type=int, nargs="*", help="Streamlit processes behind nginx, one search for each number")
    parser.add_argument("--baseline", action="store_true", help="also the empty app (bench/empty_app.py), in the same run")
    parser.add_argument("--baseline-start", type=int, default=32, help="viewers of the empty app's first step (default 32)")
    parser.add_argument("--apps", nargs="*", choices=list(APP_NAMES), help="the apps (default: the app; with --baseline the empty one too)")
    args = parser.parse_args()
    # Stopped (kill, Ctrl+C): the servers and nginx are stopped too, by the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    work = Path(tempfile.mkdtemp(prefix="sanctuarymap-load-"))
    starts = {"empty": args.baseline_start, "app": args.start} if args.baseline else {"app": args.start}
    if args.apps:
        starts = {app: args.baseline_start if app in ("empty", "map") else args.start for app in args.apps}
    runs: dict[tuple[str, int], list[Step]] = {}
    costs: dict[tuple[str, int], Cost] = {}
    idle: dict[tuple[str, int], int] = {}
    loads_before = os.getloadavg()
    for workers in args.workers or [0]:
        for app, start in starts.items():
            target = Target(work, workers or None, app)
            try:
                warm(target)
                idle[app, workers] = max(tree_rss(p) for p in target.servers)
                costs[app, workers] = serial_cost(target)
                print(f"{APP_NAMES[app]}, {setup_name(workers)}: alone, {costs[app, workers]}", flush=True)
                if args.users:
                    runs[app, workers] = [run_step(target, args.users, args.seconds, work)]
                    print(describe(runs[app, workers][0]), flush=True)
                else:
                    runs[app, workers] = search(target, args.seconds, args.budget, args.max_users, work, start=start)
            finally:
                target.stop()
    text = report(runs, costs, idle, args.seconds, starts, (loads_before, os.getloadavg()))
    target_file = args.report or work / "load-test.md"
    target_file.parent.mkdir(parents=True, exist_ok=True)
    target_file.write_text(text, encoding="utf-8")
    raw = {f"{app} {n}": {"alone": asdict(costs[app, n]), "steps": [asdict(s) for s in steps]} for (app, n), steps in runs.items()}
    (work / "load-test.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")  # every figure, for a second look
    print(
        "\n"
        + "; ".join(f"{APP_NAMES[a]}, {setup_name(w)}: capacity {capacity(steps)} viewers" for (a, w), steps in runs.items())
        + f"; report: {target_file}; every figure: {work / 'load-test.json'}"
    )


if __name__ == "__main__":
    main()
