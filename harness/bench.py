"""The benchmark's modules (bench/, not a package), for the tests that drive them."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from harness.browser import ROOT


def bench_module(name: str) -> ModuleType:
    # bench/ is not a package; load its modules by path, and let them import each other (appended to
    # the path, so it never hides an installed module). capacity runs Locust in a subprocess, so
    # gevent never patches this test process.
    if str(ROOT / "bench") not in sys.path:
        sys.path.append(str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None, f"no bench/{name}.py"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
