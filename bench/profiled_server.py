"""``streamlit run`` with every script run profiled (bench/profile_rerun.py starts it).

    python bench/profiled_server.py OUT_DIR app.py --server.port 8501 ...

Each run of the script thread is wrapped in a pyinstrument profiler and the thread's CPU clock; one
JSON line per run goes to ``OUT_DIR/runs.jsonl`` (its CPU and wall time, whether it was a fragment
run, and the phase ``OUT_DIR/marks`` names at its start), and its profile to ``OUT_DIR/<n>.pyisession``.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import threading
import time
from pathlib import Path

from pyinstrument import Profiler
from streamlit.runtime.scriptrunner import script_runner
from streamlit.web import cli

OUT = Path(sys.argv.pop(1))
PROFILE = os.environ.get("SANCTUARYMAP_PROFILE", "1") != "0"
OUT.mkdir(parents=True, exist_ok=True)
_count = itertools.count()
_lock = threading.Lock()
_original = script_runner.ScriptRunner._run_script


def _profiled(self, rerun_data):  # type: ignore[no-untyped-def]
    marks = OUT / "marks"
    phase = marks.read_text().splitlines()[-1] if marks.exists() else "start"
    profiler = Profiler(interval=0.001) if PROFILE else None
    wall, cpu = time.perf_counter(), time.thread_time()
    if profiler:
        profiler.start()
    try:
        return _original(self, rerun_data)
    finally:
        if profiler:
            profiler.stop()
        cpu_ms, wall_ms = (time.thread_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
        with _lock:
            n = next(_count)
            record = {"n": n, "phase": phase, "fragment": bool(rerun_data.fragment_id_queue), "cpu_ms": cpu_ms, "wall_ms": wall_ms}
            record["profile"] = f"{n}.pyisession" if profiler else None
            if profiler:
                profiler.last_session.save(str(OUT / f"{n}.pyisession"))
            with (OUT / "runs.jsonl").open("a") as f:
                f.write(json.dumps(record) + "\n")


script_runner.ScriptRunner._run_script = _profiled
sys.argv = ["streamlit", "run", *sys.argv[1:]]
sys.exit(cli.main())
