"""The page through Streamlit's AppTest, as a browser drives it: shared by the app test files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from harness.browser import MAP_COMPONENT, ROOT

APP = str(ROOT / "app.py")
# The map page's reports carry its id; AppTest plays one page.
PAGE_ID = "test"


def start(
    monkeypatch: pytest.MonkeyPatch | None = None,
    records: Path | None = None,
    geodata: Path | None = None,
    *,
    painted: bool = True,
    **query: str,
) -> AppTest:
    """A session opened on a URL with ``query``, run until the map has painted (unless ``painted`` is False)."""
    if monkeypatch is not None and records is not None:
        monkeypatch.setenv("SANCTUARYMAP_RECORDS", str(records))
    if monkeypatch is not None and geodata is not None:
        monkeypatch.setenv("SANCTUARYMAP_GEODATA", str(geodata))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.run()
    return report(at, map_view(at)["day"], seq=0) if painted else at


def map_component(at: AppTest) -> dict[str, Any]:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name == MAP_COMPONENT]
    found: dict[str, Any] = json.loads(component.proto.json_args)
    return found


def map_view(at: AppTest) -> dict[str, Any]:
    """What the last run told the map page: the day, the colouring, the selection."""
    script = map_component(at)["feature_group"]
    found: dict[str, Any] = json.JSONDecoder().raw_decode(script, script.index("show(") + len("show("))[0]
    return found


def report(at: AppTest, day: str, seq: int, click: str | None = None) -> AppTest:
    """The map page's report, as st_folium hands it to the script: its first paint (the day the server
    sent), a day it settled on, or a click on ``click``."""
    at.session_state["map"] = {"last_object_clicked_popup": json.dumps({"page": PAGE_ID, "seq": seq, "day": day, "click": click})}
    return at.run()


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def html_text(at: AppTest) -> str:
    """What the page's st.html elements hold (its headings, the glossary), one after the other."""
    return "\n".join(h.proto.body for h in at.get("html"))
