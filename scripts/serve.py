"""Serve the app from several Streamlit processes behind nginx (make serve).

    python scripts/serve.py                      # one process per core, on localhost:8501
    python scripts/serve.py --workers 4 --address 0.0.0.0 --port 8080

nginx keeps each reader on one process (deploy/nginx.conf); its configuration, temporary files and log
go to a temporary folder, removed on exit. Ctrl+C stops everything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import tempfile
from pathlib import Path

from sanctuarymap.server.proxy import ProxiedApp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="Streamlit processes (default: one per core)")
    parser.add_argument("--address", default="127.0.0.1", help="where nginx listens (default: this machine only)")
    parser.add_argument("--port", type=int, default=8501)
    args = parser.parse_args()
    run = Path(tempfile.mkdtemp(prefix="sanctuarymap-serve-"))
    stop = False

    def ask_to_stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, ask_to_stop)
    signal.signal(signal.SIGINT, ask_to_stop)
    app = ProxiedApp(run, args.workers, port=args.port, address=args.address)
    try:
        print(f"Sanctuary Map 2017: {app.url} ({args.workers} Streamlit processes behind nginx; logs in {run})", flush=True)
        while not stop and all(p.poll() is None for p in app.processes):
            signal.sigtimedwait([signal.SIGINT, signal.SIGTERM], 1)
    finally:
        app.stop()
        shutil.rmtree(run, ignore_errors=True)


if __name__ == "__main__":
    main()
