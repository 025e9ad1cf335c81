"""The map page paints each day from the changes payload; Python's ``status.as_of`` holds the rules.

The page's lookup (``static/js/sanctuarymap.js``, run in Node) must give every place the category
``status.as_of`` gives it, on every day of 2017, in every dimension: on the shipped records, the test
records, the hostile ones, and random records that exercise ties, events before 2017 and the rule that
applies only from the baseline. The page's own unit tests (``tests/js/``) run here too.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from datetime import date, timedelta

import pandas as pd
import pytest

from harness.browser import ROOT
from sanctuarymap.data import dataset, status
from sanctuarymap.page import payload

JS_TESTS = ROOT / "tests" / "js"
NODE = shutil.which("node")
FIRST, LAST = date(2017, 1, 1), date(2017, 12, 31)

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (make test installs it)")


def node(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([NODE, *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120, check=False)


def test_the_page_s_own_unit_tests_pass():
    result = node("--test", str(JS_TESTS / "sanctuarymap.test.js"))
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def painted(body: bytes) -> dict[str, list[list[int]]]:
    """The category index of every place (in the payload's order) on every day, per dimension, as the page paints it."""
    result = node(str(JS_TESTS / "paint_every_day.js"), stdin=body)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def assert_page_agrees_with_as_of(changes: pd.DataFrame, body: bytes, jurisdiction_ids: list[str]) -> None:
    places = [place_id for place_id, _ in json.loads(body)["places"]]
    by_page = painted(body)
    orders = {key: {c.key: i for i, c in enumerate(d.categories)} for key, d in status.DIMENSIONS.items()}
    columns = [places.index(j) for j in jurisdiction_ids]
    day, index = FIRST, 0
    while day <= LAST:
        expected = status.as_of(changes, jurisdiction_ids, day)
        for key in status.DIMENSIONS:
            want = [orders[key][c] for c in expected[key]]
            got = [by_page[key][index][i] for i in columns]
            if got != want:
                wrong = [(j, w, g) for j, w, g in zip(jurisdiction_ids, want, got) if w != g]
                pytest.fail(f"{day} {key}: (place, as_of, page) differ for {wrong[:5]}")
        day += timedelta(days=1)
        index += 1
    assert index == len(by_page["sanctuary"])


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["records", "tests/data/records", "tests/data/hostile"])
def test_the_page_paints_every_day_as_status_as_of_does(folder):
    data = dataset.load(ROOT / folder, ROOT / "geodata")
    assert_page_agrees_with_as_of(data.changes, data.changes_body, data.mapped_ids)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_the_page_paints_random_records_as_status_as_of_does(seed):
    rng = random.Random(seed)
    ids = [f"place-{i}" for i in range(25)]
    kinds = sorted(status.EVENT_KINDS)
    rows = []
    for n in range(400):
        # Days from mid-2016 into 2018, so that some changes come before the first day and some after the last;
        # few distinct days, so that many events share one.
        day = date(2016, 7, 1) + timedelta(days=rng.randrange(0, 600, 7))
        for jurisdiction_id in rng.sample(ids, rng.randint(1, 3)):
            rows.append((f"e{n:04d}", day, rng.choice(kinds), jurisdiction_id))
    pairs = pd.DataFrame(rows, columns=["event_id", "date", "kind", "jurisdiction_id"])
    changes = status.timeline(pairs)
    events = pairs.groupby(["event_id", "date", "kind"], as_index=False).agg(jurisdiction_ids=("jurisdiction_id", tuple))
    drawn = pd.DataFrame([(j, j, "counties", f"{i:05d}") for i, j in enumerate(ids)], columns=["jurisdiction_id", "name", "layer", "geoid"])
    body = payload.encode(payload.build(changes, events, drawn, {j: j for j in ids}, FIRST, LAST))
    assert_page_agrees_with_as_of(changes, body, ids)
