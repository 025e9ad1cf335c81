"""The benchmark's modules (bench/, not a package), for the tests that drive them."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from harness.browser import ROOT

BENCH = ROOT / "bench"


def bench_module(name: str) -> ModuleType:
    """bench/<name>.py, loaded by its path. Run as scripts, the bench modules import each other by bare
    name (``from streamlit_protocol import ...``), bench/ being the script's folder; here each such
    sibling is loaded first, the same way, so that name is already in ``sys.modules`` and nothing is
    added to ``sys.path``. (capacity runs Locust in a subprocess, so gevent never patches this process.)"""
    loaded = sys.modules.get(name)
    if loaded is not None and getattr(loaded, "__file__", None) == str(BENCH / f"{name}.py"):
        return loaded
    path = BENCH / f"{name}.py"
    for sibling in sibling_imports(path):
        bench_module(sibling)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, f"no bench/{name}.py"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def sibling_imports(path: Path) -> list[str]:
    """The bench modules ``path`` imports by name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return sorted(name for name in names if (BENCH / f"{name}.py").is_file())
