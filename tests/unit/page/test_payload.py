"""payload: every status change as day and category indexes, the caption's events, and the file named by its content."""

from __future__ import annotations

import json
import os
import re
from datetime import date

import pandas as pd

from harness.browser import ROOT
from sanctuarymap.data import dataset, status, year
from sanctuarymap.page import payload
from sanctuarymap.reader import edition

FIRST, LAST = date(2017, 1, 1), date(2017, 12, 31)
NAMES = {"il-chicago": "Chicago, IL", "ny-new-york": "New York City, NY", "us": "United States"}
DRAWN = pd.DataFrame(
    [
        ("il-chicago", "Chicago, IL", "cities", "1714000"),
        ("ny-new-york", "New York City, NY", "counties", "36061"),
        ("ny-new-york", "New York City, NY", "counties", "36047"),
    ],
    columns=["jurisdiction_id", "name", "layer", "geoid"],
)


def _events(*rows) -> pd.DataFrame:
    return pd.DataFrame(
        [(f"e{i}", day, kind, tuple(ids), "summary") for i, (day, kind, ids) in enumerate(rows)],
        columns=["event_id", "date", "kind", "jurisdiction_ids", "summary"],
    )


def _payload(events: pd.DataFrame) -> dict:
    pairs = events.explode("jurisdiction_ids").rename(columns={"jurisdiction_ids": "jurisdiction_id"})
    return payload.build(status.timeline(pairs), events, DRAWN, NAMES, FIRST, LAST)


def test_payload_lists_each_change_once_with_day_and_category_indexes():
    built = _payload(
        _events(
            (date(2016, 3, 1), "policy_symbolic", ["il-chicago"]),  # before 2017: day -1
            (date(2016, 9, 1), "policy_limits_cooperation", ["il-chicago"]),  # the later of the two wins
            (date(2017, 1, 25), "federal_action", ["us"]),  # changes no colour
            (date(2017, 4, 21), "doj_warning_letter", ["il-chicago", "ny-new-york"]),
            (date(2017, 8, 7), "lawsuit_filed", ["il-chicago"]),
            (date(2017, 8, 7), "ruling_for", ["il-chicago"]),  # the same day: the later event wins, as in as_of
        )
    )
    chicago, new_york, nation = range(3)
    sanctuary, pressure, lawsuit = built["dimensions"]
    assert [d["key"] for d in built["dimensions"]] == list(status.DIMENSIONS)
    assert sanctuary["changes"][chicago] == [-1, 2]  # limits cooperation, from before the first day
    assert pressure["changes"][chicago] == pressure["changes"][new_york] == [110, 2]  # 21 April is day 110: warned
    assert lawsuit["changes"][chicago] == [218, 2]  # won
    assert sanctuary["changes"][nation] == []
    assert sanctuary["labels"][2] == "Limits cooperation with ICE"
    assert sanctuary["colours"][2] == "#0072B2"
    assert built["shapes"] == [["cities:1714000", chicago], ["counties:36061", new_york], ["counties:36047", new_york]]
    assert built["places"][nation] == ["us", "United States"]
    assert (built["first_day"], built["last_day"]) == ("2017-01-01", "2017-12-31")
    assert set(built) == set(payload.ChangesPayload.__annotations__)
    assert sanctuary["faded"] == [status.faded(c.colour) for c in status.SANCTUARY.categories]
    assert built["no_record"] == [status.NO_RECORD.label, status.NO_RECORD.colour]
    assert built["labels"] == []  # none given
    assert built["strokes"] == status.STROKES
    assert len(built["day_labels"]) == 365
    assert built["day_labels"][0] == ["1 January 2017", "1 Jan 2017"]
    assert built["day_labels"][233] == [year.day_label(date(2017, 8, 22)), "22 Aug 2017"] == ["22 August 2017", "22 Aug 2017"]
    assert built["day_labels"][364] == ["31 December 2017", "31 Dec 2017"]
    assert set(sanctuary) == set(payload.DimensionChanges.__annotations__)


def test_payload_names_at_most_a_few_events_a_day_and_counts_the_rest():
    letters = [(date(2017, 4, 21), "doj_warning_letter", ["il-chicago"]) for _ in range(5)]
    built = _payload(_events((date(2016, 1, 1), "statement", ["us"]), *letters, (date(2017, 5, 1), "statement", ["us", "il-chicago"])))
    kind = built["kinds"].index("DOJ warning letter")
    assert built["events"][0] == [110, 5, [[kind, [0]]] * payload.CAPTION_EVENTS]  # nothing before the first day
    assert built["events"][1] == [120, 1, [[built["kinds"].index("Statement"), [2, 0]]]]


def test_payload_says_which_events_are_known_only_to_the_month_or_year():
    events = _events((date(2017, 3, 31), "federal_report_named", ["il-chicago"]), (date(2017, 3, 31), "statement", ["us"]))
    events["date_precision"] = ["month", "day"]
    built = _payload(events)
    named, statement = built["kinds"].index("Named in federal report"), built["kinds"].index("Statement")
    assert built["events"] == [[89, 2, [[named, [0], "month"], [statement, [2]]]]]


def test_payload_is_published_once_under_its_content_hash(tmp_path):
    body = payload.encode(_payload(_events((date(2017, 4, 21), "doj_warning_letter", ["il-chicago"]))))
    name = payload.publish(body, tmp_path / "generated")
    assert re.fullmatch(r"changes-[0-9a-f]{16}\.json", name)
    assert (tmp_path / "generated" / name).read_bytes() == body
    assert payload.publish(body, tmp_path / "generated") == name
    assert payload.publish(body + b" ", tmp_path / "generated") != name  # other bytes, another file
    assert sorted(p.name for p in (tmp_path / "generated").iterdir()) == sorted([name, payload.file_name(body + b" ")])
    old = tmp_path / "generated" / "changes-0000000000000000.json"
    old.write_bytes(b"{}")
    os.utime(old, (0, 0))  # written long ago, for records since replaced
    live = payload.publish(body + b"  ", tmp_path / "generated")
    # The live payload and the newest before it (a page opened before the edit may be fetching it).
    assert sorted(p.name for p in (tmp_path / "generated").iterdir()) == sorted([live, payload.file_name(body + b" ")])


def test_published_payloads_stay_within_the_cap(tmp_path):
    folder = tmp_path / "generated"
    first = payload.publish(b"x" * 600, folder)
    payload._prune(folder, first, cap=1_000)
    second = payload.publish(b"y" * 600, folder)
    assert (folder / first).exists()  # the previous payload, while both fit the default cap
    payload._prune(folder, second, cap=1_000)  # 600 + 600 bytes do not fit 1,000: the previous goes
    assert [p.name for p in folder.iterdir()] == [second]


def test_the_shipped_labels_name_every_state_and_every_recorded_city_at_its_place():
    root = ROOT
    data = dataset.load(root / "records", root / "geodata")
    labels = json.loads(edition.Edition(data).changes_body)["labels"]
    states = {row[0]: row for row in labels if row[3] == "state"}
    cities = [row for row in labels if row[3] == "city"]
    assert len(states) == len(data.boundaries.states)
    assert len(cities) == (data.drawn["layer"] == "cities").sum()
    texas = states["Texas"]
    assert 29 < texas[1] < 34 and -103 < texas[2] < -96 and texas[4] < texas[2] < texas[5]
    chicago = next(row for row in cities if row[0] == "Chicago")
    assert abs(chicago[1] - 41.84) < 0.2 and abs(chicago[2] + 87.68) < 0.2


def test_the_page_takes_every_colour_from_the_payload():
    # The fills are the categories' colours; the lines are status.STROKES, which the page sets as the CSS
    # variables --sm-<name> the stylesheet draws with, or reads itself for the lines it draws on a canvas.
    static = ROOT / "static"
    script = (static / "js" / "sanctuarymap.js").read_text(encoding="utf-8")
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(", script) == []
    style = (static / "css" / "sanctuarymap.css").read_text(encoding="utf-8")
    in_style = set(re.findall(r"var\(--sm-([a-z-]+)\)", style))
    in_script = set(re.findall(r"strokes\[\"([a-z-]+)\"\]", script))
    assert in_style | in_script == set(status.STROKES) and in_style.isdisjoint(in_script)
    assert re.findall(r"--sm-[a-z-]+\s*:", style) == []  # declared nowhere but by the page, from the payload
