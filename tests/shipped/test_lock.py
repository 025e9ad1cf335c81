"""The locks follow pyproject.toml: `make lock` was run after the last change to its dependencies."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from harness.browser import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT_NAME = PROJECT["project"]["name"]


def declared(groups: tuple[str, ...]) -> list[Requirement]:
    """The project's dependencies and those of ``groups``, following include-group."""
    found = [Requirement(r) for r in PROJECT["project"]["dependencies"]]
    pending = list(groups)
    while pending:
        for item in PROJECT["dependency-groups"][pending.pop()]:
            if isinstance(item, dict):
                pending.append(item["include-group"])
            else:
                found.append(Requirement(item))
    return found


def locked(name: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Pinned version and 'via' parents of every package in a uv lock file."""
    pins: dict[str, str] = {}
    parents: dict[str, set[str]] = {}
    current = None
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        pin = re.match(r"^([A-Za-z0-9_.\-]+)==([^ ;\\]+)", line)
        if pin:
            current = canonicalize_name(pin.group(1))
            pins[current] = pin.group(2)
            parents[current] = set()
            continue
        via = re.match(r"^\s+#\s+(?:via\s+)?([A-Za-z0-9_.\-]+)(?: \(pyproject\.toml(?::[a-z-]+)?\))?\s*$", line)
        if current and via and via.group(1) != "via":
            parents[current].add(canonicalize_name(via.group(1)))
    return pins, parents


LOCKS = [("requirements.txt", ()), ("requirements-test.txt", ("test", "bench"))]


@pytest.mark.parametrize(("name", "groups"), LOCKS)
def test_every_declared_dependency_is_locked_at_a_version_it_allows(name, groups):
    pins, _ = locked(name)
    wrong = [str(r) for r in declared(groups) if pins.get(canonicalize_name(r.name)) not in r.specifier]
    assert wrong == [], f"run `make lock`: {name} does not satisfy {wrong}"


@pytest.mark.parametrize(("name", "groups"), LOCKS)
def test_every_locked_package_is_declared_or_needed_by_one_that_is(name, groups):
    pins, parents = locked(name)
    direct = {canonicalize_name(r.name) for r in declared(groups)}
    project = canonicalize_name(PROJECT_NAME)
    stale = sorted(p for p in pins if project in parents[p] and p not in direct)
    orphans = sorted(p for p in pins if not parents[p] or not (parents[p] <= set(pins) | {project}))
    assert (stale, orphans) == ([], []), f"run `make lock`: {name} pins what pyproject.toml no longer asks for"


def test_the_lock_command_in_each_file_is_the_makefiles():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    date = re.search(r"^LOCK_DATE \?= (\S+)$", makefile, flags=re.MULTILINE).group(1)
    for name, _ in LOCKS:
        header = (ROOT / name).read_text(encoding="utf-8").splitlines()[1]
        assert f"--exclude-newer {date}" in header and header.rstrip().endswith(f"-o {name}"), header
