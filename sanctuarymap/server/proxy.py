"""Several Streamlit processes of the app behind nginx, on one machine (``make serve``; the tests and the
load test start the same).

A Streamlit server runs every session's reruns in one Python process, so one process is about one core.
More readers need more processes, and a session lives in the memory of the process that started it
(its widgets, its downloads): nginx keeps each reader on one process by a cookie it sets itself
(``deploy/nginx.conf``, which explains how). nginx runs as an ordinary process with its configuration,
its temporary files and its log in a folder of the caller's (no root, nothing in the work tree).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The response header in which nginx names the process that answered (deploy/nginx.conf).
WORKER_HEADER = "X-Sanctuarymap-Worker"
START_TIMEOUT = 120  # s for every process to answer its health check (a busy machine, a first import)


@dataclass(frozen=True)
class Limits:
    """What one client (one network address) may hold and open: websockets at once, and new ones a
    second with a burst. Generous: a reader's page holds one websocket, and many readers can share one
    address (an office, or every simulated viewer of the load test on 127.0.0.1)."""

    connections: int = 512
    rate: int = 50
    burst: int = 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def streamlit_command(script: Path, port: int, options: dict[str, str] | None = None) -> list[str]:
    """The command line of one Streamlit process of ``script`` on 127.0.0.1:``port``: headless, no file
    watcher, no usage statistics; ``options`` (Streamlit's config options, by name) are added."""
    settings = {
        "server.port": str(port),
        "server.address": "127.0.0.1",
        "server.headless": "true",
        "server.fileWatcherType": "none",
        "browser.gatherUsageStats": "false",
        **(options or {}),
    }
    flags = [part for name, value in settings.items() for part in (f"--{name}", value)]
    return [sys.executable, "-m", "streamlit", "run", str(script), *flags]


def wait_healthy(url: str, processes: Sequence[subprocess.Popen[Any]], where: str, timeout: float = START_TIMEOUT) -> None:
    """Return once ``url`` answers Streamlit's health check (``/_stcore/health``: "ok"). Raise if one of
    ``processes`` exits first or ``timeout`` seconds pass; the message ends with ``where`` (the logs)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"process {process.pid} exited with {process.returncode}: {where}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 (localhost)
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)  # the next poll of a server that is starting
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s: {where}")


def config(run: Path, address: str, port: int, worker_ports: list[int], limits: Limits) -> str:
    """``deploy/nginx.conf`` with its fields filled in."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in worker_ports)
    fields = {
        "RUN": str(run),
        # Started by root, nginx would hand its work to "nobody", who cannot write the caller's folder.
        "USER": "user root;\n" if os.geteuid() == 0 else "",
        "ADDRESS": address,
        "PORT": str(port),
        "SERVERS": servers,
        "CONNECTIONS": str(limits.connections),
        "RATE": str(limits.rate),
        "BURST": str(limits.burst),
    }
    text = CONFIG.read_text(encoding="utf-8")
    for name, value in fields.items():
        text = text.replace(f"@{name}@", value)
    return text


class ProxiedApp:
    """``workers`` processes of ``streamlit run app.py`` on free ports of 127.0.0.1, and nginx on
    ``address:port`` in front of them. Returns once nginx answers and every process is healthy."""

    def __init__(
        self,
        run: Path,
        workers: int,
        port: int | None = None,
        address: str = "127.0.0.1",
        env: dict[str, str] | None = None,
        limits: Limits = Limits(),
        root: Path = ROOT,
        warm: bool = True,
    ) -> None:
        self.run = run
        self.port = port or free_port()
        self.url = f"http://{'localhost' if address in ('127.0.0.1', 'localhost') else address}:{self.port}"
        self.worker_ports = [free_port() for _ in range(workers)]
        self.processes: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[str]] = []
        run.mkdir(parents=True, exist_ok=True)
        try:
            self._start_workers(root, {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
            self.nginx = self._start_nginx(address, limits)
            for worker_port in self.worker_ports:
                wait_healthy(f"http://127.0.0.1:{worker_port}", self.processes, f"see the logs in {self.run}")
            if warm:
                self._warm()
            wait_healthy(f"http://127.0.0.1:{self.port}", self.processes, f"see the logs in {self.run}")
        except BaseException:
            self.stop()
            raise

    def _log(self, name: str) -> IO[str]:
        log = (self.run / name).open("w")
        self._logs.append(log)
        return log

    def _start_workers(self, root: Path, environment: dict[str, str]) -> None:
        # /_stcore/script-health-check runs the app once: the warm-up (and a readiness probe's).
        options = {"server.scriptHealthCheckEnabled": "true"}
        for port in self.worker_ports:
            log = self._log(f"streamlit-{port}.log")
            command = streamlit_command(root / "app.py", port, options)
            self.processes.append(subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT, env=environment))

    def _start_nginx(self, address: str, limits: Limits) -> subprocess.Popen[bytes]:
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run / name).mkdir(exist_ok=True)
        (self.run / "nginx.conf").write_text(config(self.run, address, self.port, self.worker_ports, limits), encoding="utf-8")
        command = [NGINX, "-p", str(self.run), "-c", str(self.run / "nginx.conf"), "-e", str(self.run / "error.log")]
        nginx = subprocess.Popen(command, stdout=self._log("nginx.out"), stderr=subprocess.STDOUT)
        self.processes.append(nginx)
        return nginx

    def _warm(self) -> None:
        """Run the app once in every process, all at once, before readers come: each loads (or reads back
        from the disk cache) the dataset and imports what the app needs, so no reader's first map waits for it."""
        errors: list[str] = []

        def warm(port: int) -> None:
            # Streamlit gives a run 60 s; a first load with every county on a busy machine can take longer,
            # and the next try waits for the same load (st.cache_resource) to end.
            for _ in range(5):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/script-health-check", timeout=START_TIMEOUT) as answer:  # noqa: S310
                        answer.read()
                        return
                except urllib.error.HTTPError as error:
                    said = error.read().decode(errors="replace").strip()
                    if said != "timeout":
                        errors.append(f"the app failed in the process on port {port}: {said}")
                        return
                except OSError as error:
                    errors.append(f"the process on port {port} did not answer: {error}")
                    return
            errors.append(f"the process on port {port} did not run the app in 5 tries")

        threads = [threading.Thread(target=warm, args=(port,)) for port in self.worker_ports]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise RuntimeError("; ".join(errors) + f" (logs in {self.run})")

    @property
    def worker_pids(self) -> list[int]:
        return [p.pid for p in self.processes[: len(self.worker_ports)]]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self._logs:
            log.close()
