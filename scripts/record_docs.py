"""Refresh the pictures in docs/ from the real app: the screenshot, a short replay video, the readers' tools.

    python scripts/record_docs.py        # make docs

Starts ``streamlit run app.py`` on a free port of localhost (harness.browser's AppServer), drives
Debian's Chromium with Playwright and writes

- ``docs/screenshot.png``: the map on 22 August 2017, coloured by lawsuit, Los Angeles selected, as a
  1366x768 laptop shows it;
- ``docs/screenshot-phone.png``: the same day as a 390x844 phone first shows it;
- ``docs/replay.gif``: about ten seconds of the year playing in the map, from 1 August at 4 days/s;
- ``docs/table.png``, ``compare.png``, ``moments.png``, ``state-law.png`` and ``downloads.png``: the readers'
  tools, one view each (``TOOL_VIEWS``).
  The frames come from Chromium's own screencast (CDP ``Page.startScreencast``) and Pillow writes the
  GIF: Playwright's video recording needs an ffmpeg build it downloads, and this machine fetches nothing.

Nothing else writes these files: ``make test`` never does.
"""

from __future__ import annotations

import base64
import io
import re
import sys
import tempfile
from pathlib import Path

from harness.browser import CHROMIUM, CHROMIUM_ARGS, MAP_IFRAME, ROOT, AppServer
from sanctuarymap.data import status

DOCS = ROOT / "docs"
SIZE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
GIF_WIDTH = 900  # px: the replay, scaled down to keep the file small
TOOLS_SIZE = {"width": 1366, "height": 1300}
# The readers' tools: the picture's name in docs/, the view's address, a button to press (or None), and
# what shows once the view is ready.
TOOL_VIEWS = [
    ("table", "?day=2017-09-15&colour=lawsuit&table=on&states=TX&selected=tx-austin", None, '[data-testid="stDataFrame"]'),
    ("compare", "?day=2017-12-31&colour=lawsuit&compare=2017-01-25", None, ".sm-changes"),
    ("moments", "?day=2017-08-22&colour=lawsuit&moment=10", "Next moment ›", '.sm-moment[data-moment="11"]'),
    ("state-law", "?day=2017-09-15&colour=sanctuary&selected=tx-austin", None, ".sm-law"),
    ("downloads", "?day=2017-09-15", None, 'button:has-text("The day as GeoJSON")'),
]


def write_gif(frames: list[tuple[float, bytes]], path: Path) -> None:
    """An animated GIF of screencast frames, each shown for as long as it was on screen (at least 50 ms)."""
    from PIL import Image

    images = [Image.open(io.BytesIO(data)).convert("RGB") for _, data in frames]
    times = [t for t, _ in frames]
    durations = [max(50, round((later - now) * 1000)) for now, later in zip(times, times[1:])] + [2000]
    # One palette for the whole film, so the map's colours stay the same from frame to frame: taken from
    # a few frames side by side, with a block of each category colour so that none is approximated.
    samples = [images[0], images[len(images) // 2], images[-1]]
    width, height = samples[0].size
    montage = Image.new("RGB", (width * len(samples) + 40, height), "white")
    for i, image in enumerate(samples):
        montage.paste(image, (i * width, 0))
    colours = sorted({c.colour for dimension in status.DIMENSIONS.values() for c in dimension.categories})
    for i, colour in enumerate(colours):
        montage.paste(colour, (width * len(samples), i * 40, width * len(samples) + 40, (i + 1) * 40))
    palette = montage.quantize(colors=192, method=Image.Quantize.MEDIANCUT)
    film = [image.quantize(palette=palette, dither=Image.Dither.NONE) for image in images]
    film[0].save(path, save_all=True, append_images=film[1:], duration=durations, loop=0, optimize=True, disposal=1)


def main() -> int:
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory(prefix="sanctuarymap-docs-") as folder, sync_playwright() as pw:
        tmp = Path(folder)
        server = AppServer(ROOT, tmp / "streamlit.log")
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            # The screenshot.
            page = browser.new_page(viewport=SIZE)
            page.goto(f"{server.url}/?day=2017-08-22&colour=lawsuit&selected=ca-los-angeles")
            frame = page.frame_locator(MAP_IFRAME)
            box = frame.locator(".leaflet-container")
            expect(box).to_have_attribute("data-context", "drawn", timeout=60_000)
            expect(page.locator(".sm-panel h2")).to_contain_text("Los Angeles", timeout=30_000)
            expect(page.locator('[data-testid="stVegaLiteChart"]')).to_be_visible(timeout=30_000)
            page.locator("body").evaluate("() => document.fonts.ready")
            page.screenshot(path=DOCS / "screenshot.png")
            page.close()
            print(f"wrote {DOCS / 'screenshot.png'}")

            # The same day on a phone, as it first opens.
            page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
            page.goto(f"{server.url}/?day=2017-08-22&colour=lawsuit")
            box = page.frame_locator(MAP_IFRAME).locator(".leaflet-container")
            expect(box).to_have_attribute("data-context", "drawn", timeout=60_000)
            expect(page.get_by_role("radiogroup", name="Colour by")).to_be_attached(timeout=30_000)
            page.locator("body").evaluate("() => document.fonts.ready")
            page.screenshot(path=DOCS / "screenshot-phone.png")
            page.close()
            print(f"wrote {DOCS / 'screenshot-phone.png'}")

            # The replay, as Chromium paints it: a frame whenever the page changes, with its time.
            page = browser.new_page(viewport=SIZE)
            page.goto(f"{server.url}/?day=2017-08-01&colour=lawsuit")
            frame = page.frame_locator(MAP_IFRAME)
            box = frame.locator(".leaflet-container")
            expect(box).to_have_attribute("data-context", "drawn", timeout=60_000)
            expect(page).to_have_url(re.compile(r"day=2017-08-01"), timeout=30_000)
            frame.get_by_role("combobox", name="Speed").select_option("4")
            frames: list[tuple[float, bytes]] = []
            cdp = page.context.new_cdp_session(page)

            def keep(event: dict) -> None:
                frames.append((event["metadata"]["timestamp"], base64.b64decode(event["data"])))
                cdp.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})

            cdp.on("Page.screencastFrame", keep)
            cdp.send("Page.startScreencast", {"format": "png", "maxWidth": GIF_WIDTH, "everyNthFrame": 2})
            frame.get_by_role("button", name="Play", exact=True).click()
            # Forty days at 4 days a second: about ten seconds of the year, then the story follows the pause.
            page.locator(MAP_IFRAME).element_handle().content_frame().wait_for_function(
                "() => document.querySelector('.leaflet-container').getAttribute('data-day') >= '2017-09-10'", timeout=60_000
            )
            frame.get_by_role("button", name="Play", exact=True).click()
            expect(page).to_have_url(re.compile(r"day=2017-09-1\d"), timeout=30_000)
            expect(page.get_by_role("heading", name=re.compile(r"^On 1\d September 2017$"))).to_be_visible(timeout=30_000)
            page.locator("body").evaluate("() => new Promise(resolve => setTimeout(resolve, 1500))")  # the story settles
            cdp.send("Page.stopScreencast")
            page.close()
            write_gif(frames, DOCS / "replay.gif")
            print(f"wrote {DOCS / 'replay.gif'} ({len(frames)} frames, {(DOCS / 'replay.gif').stat().st_size / 1024:.0f} KB)")
            # The readers' tools, one picture each.
            for name, query, press, ready in TOOL_VIEWS:
                page = browser.new_page(viewport=TOOLS_SIZE)
                page.goto(f"{server.url}/{query}")
                box = page.frame_locator(MAP_IFRAME).locator(".leaflet-container")
                expect(box).to_have_attribute("data-context", "drawn", timeout=60_000)
                if press:
                    page.get_by_role("button", name=press).click()
                target = page.locator(ready).first
                expect(target).to_be_visible(timeout=30_000)
                page.locator("body").evaluate("() => document.fonts.ready")
                if name == "downloads":
                    target.scroll_into_view_if_needed()
                else:  # the map at the top, what the tool shows beneath it
                    page.locator(MAP_IFRAME).evaluate("frame => frame.scrollIntoView({block: 'start'})")
                page.screenshot(path=DOCS / f"{name}.png")
                page.close()
                print(f"wrote {DOCS / name}.png")
            browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
