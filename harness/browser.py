"""What the tests, the benchmark and the docs recorder share: the app server, Chromium, and the map page.

Not used by the app. It needs the `test` dependency group (Playwright, psutil), which is why nothing
in the app imports it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from playwright.sync_api import FrameLocator, Locator, Page, Position, expect

from sanctuarymap.page.maps import MAP_TITLE
from sanctuarymap.server.proxy import free_port, streamlit_command, wait_healthy

__all__ = ["AppServer", "free_port", "site_for", "tree_cpu_ms", "tree_rss"]

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"  # the tests' own records and files
# Debian's Chromium: Playwright cannot download its own browser on these machines.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
# Wide enough for the app's wide layout: the map and the story panel side by side.
VIEWPORT = {"width": 1400, "height": 1000}
# The map: st_folium's component, drawn in an iframe the map page titles with the map's name.
MAP_COMPONENT = "streamlit_folium.st_folium"
MAP_IFRAME = f'iframe[title="{MAP_TITLE}"]'
FIRST_LOAD_MS = 40_000  # the first page of a server also loads the records and the boundaries
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about"}


def is_local(url: str) -> bool:
    """True for a request that stays on this machine (or never leaves the browser: data:, blob:, about:)."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


def map_frame(page: Page) -> FrameLocator:
    return page.frame_locator(MAP_IFRAME)


def map_container(page: Page) -> Locator:
    """The map's Leaflet container, which carries the page's state (``data-day``, ``data-restyled`` ...)."""
    return map_frame(page).locator(".leaflet-container")


def open_app(page: Page, url: str) -> Locator:
    """Open the app at ``url`` and wait until its shapes are drawn and coloured once, and the rest of the
    page has followed the map's first paint (app.py); return the map's container."""
    page.goto(url)
    box = map_container(page)
    expect(box).to_have_attribute("data-restyled", re.compile(r"^[1-9]\d*$"), timeout=FIRST_LOAD_MS)
    expect(box).to_have_attribute("data-reports", re.compile(r"^[1-9]\d*$"), timeout=FIRST_LOAD_MS)
    expect(page.get_by_role("radiogroup", name="Colour by")).to_be_visible(timeout=FIRST_LOAD_MS)
    return box


def click_place(page: Page, target: Locator, jurisdiction_id: str, position: Position | None = None) -> None:
    """Click ``target`` (a shape on the map) as a reader does; where the map asks which of the places close
    together was meant, choose ``jurisdiction_id`` in its chooser."""
    box = map_container(page)
    clicks = int(box.get_attribute("data-clicks") or 0)
    target.click(position=position)
    expect(box).to_have_attribute("data-clicks", str(clicks + 1))
    if box.get_attribute("data-chooser") == "open":
        map_frame(page).locator(f'.sm-chooser button[data-jurisdiction="{jurisdiction_id}"]').click()
    expect(box).to_have_attribute("data-clicked", jurisdiction_id)


class AppServer:
    """`streamlit run app.py` (or another app in ``root``) on a free port of localhost.

    ``env`` is added to this process's environment (``SANCTUARYMAP_RECORDS`` shows other records);
    ``command`` runs another command line instead (``make -n run``'s), listening on ``port``. The
    constructor returns once the server answers its health check; ``stop`` ends it.

    Without ``command`` the server runs the app from a site beside ``log`` (``site_for``): so what it
    writes (the changes payload, in its static folder) stays out of the work tree.
    """

    def __init__(
        self, root: Path, log: Path, env: dict[str, str] | None = None, command: list[str] | None = None, port: int | None = None
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://localhost:{self.port}"
        self.log = log
        self._log_file = log.open("w")
        site_env: dict[str, str] = {}
        if command is None:
            root, site_env = site_for(root, log.parent / f"site-{self.port}")
        self.process = subprocess.Popen(
            command or streamlit_command(root / "app.py", self.port),
            cwd=root,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **site_env, **(env or {})},
        )
        try:
            wait_healthy(f"http://127.0.0.1:{self.port}", [self.process], f"its log ({log}) says:", timeout=60)
        except RuntimeError as error:
            self.stop()
            raise RuntimeError(f"{error}\n{log.read_text()}") from None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()


def site_for(root: Path, site: Path) -> tuple[Path, dict[str, str]]:
    """A folder to run ``root``'s app from: its script and settings linked, a copy of its static files
    (Streamlit serves only files whose real path lies in the script's static folder), and the app's
    environment pointing at ``root``'s records and boundaries and at the copy's generated folder."""
    site.mkdir(parents=True, exist_ok=True)
    for name in ("app.py", ".streamlit"):
        if not (site / name).exists():
            (site / name).symlink_to(root / name)
    if (root / "static").is_dir():
        shutil.copytree(root / "static", site / "static", ignore=shutil.ignore_patterns("generated"), dirs_exist_ok=True)
    env = {
        "SANCTUARYMAP_RECORDS": str(root / "records"),
        "SANCTUARYMAP_GEODATA": str(root / "geodata"),
        "SANCTUARYMAP_GENERATED": str(site / "static" / "generated"),
    }
    return site, env


def tree_rss(process: psutil.Process) -> int:
    """Resident memory of a process and its children, in bytes."""
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def tree_cpu_ms(process: psutil.Process) -> float:
    """User and system CPU time of a process and its children, in milliseconds."""
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        try:
            times = p.cpu_times()
            total += (times.user + times.system) * 1000
        except psutil.Error:
            pass
    return total
