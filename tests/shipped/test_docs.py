"""docs/architecture.md stays true: what it cites exists, and its recipes need no edit it does not name."""

from __future__ import annotations

import importlib
import json
import re

from harness.browser import ROOT
from sanctuarymap.data import geodata, status

ARCHITECTURE = ROOT / "docs" / "architecture.md"
PAGE_SCRIPT = ROOT / "static" / "js" / "sanctuarymap.js"
# Category keys that are also CSS values the page sets ("pointer-events: none"), so not a sign of a rule.
CSS_KEYWORDS = {"none"}
# Each module's short name (the page cites ``records.read``) and its dotted path in the layered package.
MODULES = {
    path.stem: ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for path in (ROOT / "sanctuarymap").rglob("*.py")
    if path.stem != "__init__"
}


def test_every_module_name_the_architecture_page_cites_exists():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    cited = set(re.findall(rf"\b({'|'.join(MODULES)})\.(?!py\b)([A-Za-z_][A-Za-z0-9_]*)\b", text))
    assert len(cited) >= 20, "the page cites fewer names than it did: is this test still reading it?"
    missing = sorted(f"{module}.{name}" for module, name in cited if not hasattr(importlib.import_module(MODULES[module]), name))
    assert missing == []


def test_every_file_the_architecture_page_cites_exists():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    cited = set(re.findall(r"`((?:app|scripts|static|tests|records|geodata|bench|sanctuarymap)[\w./-]*\.(?:py|js|md|json))`", text))
    assert cited, "no file cited: is this test still reading the page?"
    assert sorted(path for path in cited if not (ROOT / path).exists()) == []


def test_the_architecture_page_has_a_mermaid_diagram():
    assert "```mermaid\nflowchart" in ARCHITECTURE.read_text(encoding="utf-8")


def test_the_page_names_no_event_kind_dimension_or_category():
    # The page learns kinds, dimensions and categories from the payload, so adding one needs no edit here.
    script = PAGE_SCRIPT.read_text(encoding="utf-8")
    keys = set(status.EVENT_KINDS) | set(status.DIMENSIONS)
    keys |= {c.key for d in status.DIMENSIONS.values() for c in d.categories} - CSS_KEYWORDS
    named = sorted(key for key in keys if re.search(rf"""["']{key}["']|\.{key}\b""", script))
    assert named == []


def test_the_page_draws_every_layer_and_the_build_bundles_it():
    script = PAGE_SCRIPT.read_text(encoding="utf-8")
    bundle = json.loads((ROOT / "static" / "geodata" / "boundaries.json").read_text(encoding="utf-8"))
    for layer in geodata.LAYER_FILES:
        assert f"L.geoJSON(bundle.{layer}" in script, layer
        assert bundle.get(layer), layer
