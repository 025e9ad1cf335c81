"""The package's layers (docs/architecture.md): the flow runs one way, and no module imports Streamlit.

data (loading and the rules) imports only itself; page (what the map page is handed and says back)
imports data; reader (what readers see) imports data and page; server imports whatever it serves. The
app (app.py) is the one place that draws with Streamlit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from harness.browser import ROOT

PACKAGE = ROOT / "sanctuarymap"
ALLOWED = {
    "data": {"data"},
    "page": {"data", "page"},
    "reader": {"data", "page", "reader"},
    "server": {"data", "page", "reader", "server"},
}
LAYERS = sorted(ALLOWED)


def imports_of(layer: str, package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module of a layer, with the names it imports (``streamlit``, ``sanctuarymap.data``, ``sanctuarymap.data.records`` ...)."""
    found: dict[str, set[str]] = {}
    for path in sorted((package / layer).glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
        found[path.name] = names
    return found


def test_every_module_of_the_package_is_in_a_layer():
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py"]
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__") == LAYERS


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_only_the_layers_beneath_it(layer):
    wrong = {
        module: sorted(name for name in names if name.startswith("sanctuarymap.") and name.split(".")[1] not in ALLOWED[layer])
        for module, names in imports_of(layer).items()
    }
    assert {module: names for module, names in wrong.items() if names} == {}


@pytest.mark.parametrize("layer", LAYERS)
def test_no_module_imports_streamlit(layer):
    drawing = sorted(module for module, names in imports_of(layer).items() if any(n.split(".")[0] == "streamlit" for n in names))
    assert drawing == []


def test_the_check_would_see_an_upward_import(tmp_path):
    # The checker itself: a data module that imports the reader and Streamlit is seen doing both.
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.py").write_text("from sanctuarymap.reader import story\nimport streamlit as st\n", encoding="utf-8")
    assert imports_of("data", tmp_path) == {"x.py": {"sanctuarymap.reader", "sanctuarymap.reader.story", "streamlit"}}


def test_no_function_of_the_package_or_the_app_is_over_40_lines():
    # A function that outgrows a screen does more than one thing: split it by what it does.
    too_long = []
    for path in [ROOT / "app.py", *sorted(PACKAGE.rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 40:
                too_long.append(f"{path.relative_to(ROOT)}:{node.name} ({node.end_lineno - node.lineno + 1} lines)")
    assert too_long == []
