"""Measuring: the browser page with the websocket frames it sends and receives, the servers, and the
scripts the benchmark injects (bench/js/, one file each; nothing is added to the app itself)."""

from __future__ import annotations

import base64
import statistics
import time
from datetime import date
from pathlib import Path

import psutil

from harness.browser import MAP_IFRAME, ROOT, VIEWPORT, AppServer, tree_cpu_ms

BENCH = Path(__file__).resolve().parent
__all__ = ["BENCH", "MAP_IFRAME", "ROOT", "VIEWPORT", "AppServer"]


def script(name: str) -> str:
    """The JavaScript in bench/js/<name>.js."""
    return (BENCH / "js" / f"{name}.js").read_text(encoding="utf-8")


INIT_JS = script("init").replace("__MAP_IFRAME__", MAP_IFRAME)
FIRST_MAP_JS = script("first-map")
WHOLE_PAGE_JS = script("whole-page")
FRAME_HOOKS_JS = script("frame-hooks")
STEP_DONE_JS = script("step-done")
SETTLED_JS = script("settled")
IDLE_JS = script("idle")
FLOOR_KEY_JS = script("floor-key")
FLOOR_STEP_JS = script("floor-step")
MAP_DRAWN_JS = script("map-drawn")
MAP_DAY_CHANGED_JS = script("map-day-changed")
PLAY_FOR_JS = script("play-for")


class Page:
    """A browser page with the websocket frames it sends and receives (through CDP)."""

    def __init__(self, context, url: str, cdp: bool = True):
        self.page = context.new_page()
        self.received: list[tuple[float, int, bytes | None]] = []
        self.sent: list[tuple[float, int]] = []
        self.keep = False
        if cdp:
            session = context.new_cdp_session(self.page)
            session.send("Network.enable")
            session.on("Network.webSocketFrameReceived", self._received)
            session.on("Network.webSocketFrameSent", lambda e: self.sent.append((time.perf_counter(), len(e["response"]["payloadData"]))))
        self.page.goto(url, wait_until="commit")

    def _received(self, event: dict) -> None:
        response = event["response"]
        raw = base64.b64decode(response["payloadData"]) if response.get("opcode") == 2 else response["payloadData"].encode()
        self.received.append((time.perf_counter(), len(raw), raw if self.keep else None))

    def frame(self):
        return self.page.locator(MAP_IFRAME).first.element_handle().content_frame()

    def wait_first_map(self, timeout_s: float = 120) -> float:
        return self.page.wait_for_function(FIRST_MAP_JS, polling="raf", timeout=timeout_s * 1000).json_value()

    def wait_whole_page(self, timeout_s: float = 120) -> float:
        return self.page.wait_for_function(WHOLE_PAGE_JS, polling="raf", timeout=timeout_s * 1000).json_value()

    def wait_idle(self, quiet_ms: int = 500, timeout_s: float = 120) -> None:
        since = self.page.evaluate("performance.now()")
        self.page.wait_for_function(IDLE_JS, arg=[quiet_ms, since], polling=50, timeout=timeout_s * 1000)

    def map_day(self) -> date:
        return date.fromisoformat(self.frame().evaluate("() => document.querySelector('.leaflet-container').getAttribute('data-day')"))


def start(app: str, size: str | None, tmp: Path, cache: Path | None = None) -> AppServer:
    """A server for ``app`` ("app", "floor" or "naive") on the shipped records, or on every county; its
    disk cache of the dataset is ``cache`` (by default the benchmark's own, ``tmp/dataset-cache``)."""
    if app == "app":
        root = ROOT
    else:
        root = tmp / f"site-{app}"
        root.mkdir(exist_ok=True)
        source = BENCH / ("floor_app.py" if app == "floor" else "naive_app.py")
        for name, target in (("app.py", source), ("static", ROOT / "static"), (".streamlit", ROOT / ".streamlit")):
            if not (root / name).exists():
                (root / name).symlink_to(target)
    # The app's disk cache of the loaded dataset: the benchmark's own, empty when it starts (a cold server
    # then loads the data; the next server of the same size starts from the cache).
    env = {
        "SANCTUARYMAP_RECORDS": str(tmp / "all_counties" if size == "all_counties" else ROOT / "records"),
        "SANCTUARYMAP_CACHE": str(cache or tmp / "dataset-cache"),
    }
    return AppServer(root, tmp / f"streamlit-{app}-{size}.log", env=env)


def server_cpu_ms(server: AppServer) -> float:
    return tree_cpu_ms(psutil.Process(server.process.pid))


def first_map(browser, url: str, timeout_s: float = 300) -> float:
    """A fresh browser context opens ``url``: navigation start to the map's first painted day (ms)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INIT_JS)
    try:
        return round(Page(context, url).wait_first_map(timeout_s))
    finally:
        context.close()


def med(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None
