"""Hostile input, round three (issue 21), in the loaders and through AppTest: links out of records/, a pile
of published payloads, the editors' files read like the records, the address bar, Markdown in record
text, long cells, and a map report of any shape. The browser's and the websocket's side are in
tests/browser/test_browser_hostile.py and tests/app/test_server_hostile.py."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.apptest import map_component, markdown_text, start
from harness.browser import ROOT
from sanctuarymap.data import dataset, files, geodata, records
from sanctuarymap.reader import download, law, moments, tools, view

DAY = date(2017, 9, 15)
FIRST, LAST = date(2017, 1, 1), date(2017, 12, 31)
EVENT = "2016-05-31-report"  # an event of tests/data/records
MOMENTS_HEADER = "event_id,headline,text,colour,jurisdiction_id,bounds\n"
LAWS_HEADER = "event_id,state_id,law,standing\n"
GOOD_MOMENT = f"{EVENT},A report,It names two places.,sanctuary,il-chicago,\n"
GOOD_LAW = f"{EVENT},il,Test Act,\n"
# Markdown and HTML that would fetch from outside the machine, or run, if a page read them as such.
IMAGE = "![w](http://example.invalid/w.png)"
LINK = "[click me](javascript:alert(1))"


def problems_shown(at) -> list[dict]:
    (table,) = at.dataframe
    return table.value.to_dict("records")


def everything_as_markdown(at) -> str:
    """Every text the page hands Streamlit to render as Markdown: markdown, captions, alerts."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [a.value for kind in ("warning", "error", "info", "success") for a in at.get(kind)]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def illinois_geodata(tmp_path_factory) -> Path:
    """The shipped boundaries of Illinois only: enough for the tiny records, and quick to load fifty times."""
    folder = tmp_path_factory.mktemp("geodata")
    for name, key in ((geodata.STATES_FILE, "GEOID"), (geodata.COUNTIES_FILE, "STATEFP")):
        collection = json.loads((ROOT / "geodata" / name).read_text(encoding="utf-8"))
        collection["features"] = [f for f in collection["features"] if f["properties"][key] == "17"]
        (folder / name).write_text(json.dumps(collection), encoding="utf-8")
    lines = (ROOT / "geodata" / geodata.CITIES_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / geodata.CITIES_FILE).write_text("".join([lines[0], *(line for line in lines[1:] if line.startswith("17"))]), encoding="utf-8")
    return folder


# 1. The zip holds only what it claims, and no loader follows a link.


def test_the_zip_never_reads_a_link_out_of_records(records_dir):
    (records_dir / "extra.csv").symlink_to("/etc/passwd")
    (records_dir / "README.md").symlink_to("/proc/self/environ")
    (records_dir / "inside.csv").symlink_to(records_dir / records.EVENTS_FILE)  # a link, even to a sibling
    (records_dir / "folder.csv").mkdir()
    with zipfile.ZipFile(io.BytesIO(download.records_zip(records_dir, DAY))) as archive:
        names = {Path(n).name: n for n in archive.namelist()}
        assert set(names) == {records.JURISDICTIONS_FILE, records.EVENTS_FILE, records.SOURCES_FILE, "ABOUT.txt"}
        everything = b"".join(archive.read(n) for n in names.values())
        about = archive.read(names["ABOUT.txt"]).decode("utf-8")
    assert b"root:" not in everything and b"PATH=" not in everything
    for name in ("extra.csv", "README.md", "inside.csv"):
        assert f"- {name}: expected a regular file in records/, found a symbolic link, which is never followed" in about
    assert "- folder.csv: expected a regular file in records/, found a folder, device or pipe" in about


def test_a_records_file_that_is_a_link_is_a_problem_and_never_read(records_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere.csv"
    shutil.move(records_dir / records.EVENTS_FILE, elsewhere)
    (records_dir / records.EVENTS_FILE).symlink_to(elsewhere)
    recs, problems = records.read(records_dir)
    assert recs.events.empty
    assert str(problems[0]) == f"{records.EVENTS_FILE}: expected a regular file in records/, found a symbolic link, which is never followed"


@pytest.mark.parametrize("name", [moments.FILE, law.FILE])
def test_the_editors_files_through_a_link_are_a_problem(records_dir, name):
    (records_dir / name).symlink_to("/etc/passwd")
    data = dataset.load(records_dir, ROOT / "geodata")
    assert [(p.file, p.found) for p in data.problems] == [(name, "a symbolic link, which is never followed")]


def test_a_boundary_file_that_is_a_link_is_a_problem(illinois_geodata, tmp_path):
    folder = tmp_path / "geodata"
    shutil.copytree(illinois_geodata, folder)
    (folder / geodata.STATES_FILE).unlink()
    (folder / geodata.STATES_FILE).symlink_to(illinois_geodata / geodata.STATES_FILE)
    boundaries, problems = geodata.read(folder)
    assert boundaries.states.empty and not boundaries.counties.empty
    assert str(problems[0]) == f"{geodata.STATES_FILE}: expected a regular file in geodata/, found a symbolic link, which is never followed"


# 2. Published payloads are bounded.


@pytest.mark.parametrize("edits", [5, pytest.param(50, marks=pytest.mark.slow)])
def test_edits_while_the_app_runs_leave_two_payloads(monkeypatch, records_dir, illinois_geodata, tmp_path, edits):
    # Before: a payload per edit, kept 24 h (201 files, 4 MB, after 200 edits with every county).
    generated = tmp_path / "generated"
    monkeypatch.setenv("SANCTUARYMAP_GENERATED", str(generated))
    at = start(monkeypatch, records_dir, illinois_geodata)
    jurisdictions = records_dir / records.JURISDICTIONS_FILE
    original = jurisdictions.read_text(encoding="utf-8")
    counts = []
    for edit in range(1, edits + 1):
        # A new name for Chicago: a new payload (it carries the names), written at a time of its own.
        jurisdictions.write_text(original.replace(",Chicago,", f",Chicago {edit},"), encoding="utf-8")
        os.utime(jurisdictions, ns=(edit * 10**9, edit * 10**9))
        at.run()
        assert not at.exception
        counts.append(len(list(generated.glob("changes-*.json"))))
    script = map_component(at)["script"]
    live = json.loads(script[script.index('{"boundaries"') : script.index("});") + 1])["changes"].rsplit("/", 1)[1]
    assert (generated / live).is_file() and f"Chicago {edits}, IL" in (generated / live).read_text(encoding="utf-8")
    assert counts[1:] == [2] * (edits - 1)  # the live payload and the one before it


# 3, 4, 6, 8. The editors' files are read like the records: a cap, encodings and rows named, cached.


@pytest.mark.parametrize(
    ("name", "header", "good", "bad", "column"),
    [
        (moments.FILE, MOMENTS_HEADER, GOOD_MOMENT, f"{EVENT},Café,Le café.,sanctuary,il-chicago,\n", "headline"),
        (law.FILE, LAWS_HEADER, GOOD_LAW, f"{EVENT},il,Loi du café,\n", "law"),
    ],
)
def test_a_latin1_file_names_its_row_and_column_and_keeps_the_rest(monkeypatch, records_dir, name, header, good, bad, column):
    # Before: a UnicodeDecodeError traceback with the server's paths instead of the page.
    (records_dir / name).write_bytes((header + good + bad).encode("latin-1"))
    at = start(monkeypatch, records_dir)
    assert not at.exception and map_component(at)
    (problem,) = problems_shown(at)
    assert (problem["file"], problem["row"], problem["column"]) == (name, 3, column)
    assert "not UTF-8" in problem["found"]
    data = dataset.load(records_dir, ROOT / "geodata")
    assert len(data.moments if name == moments.FILE else data.state_laws) == 1  # the valid row is kept


@pytest.mark.parametrize(("name", "header", "good"), [(moments.FILE, MOMENTS_HEADER, GOOD_MOMENT), (law.FILE, LAWS_HEADER, GOOD_LAW)])
def test_a_30_mb_file_is_refused_unread(records_dir, name, header, good):
    # Before: no cap; the file was parsed on every run of every session.
    with (records_dir / name).open("w", encoding="utf-8") as f:
        f.write(header + good * (30 * 2**20 // len(good) + 1))
    data = dataset.load(records_dir, ROOT / "geodata")
    (problem,) = data.problems
    assert (problem.file, problem.expected, problem.found) == (name, "a file of at most 1 MB", "30.0 MB")


def test_the_editors_files_are_read_once_per_version_of_the_files(monkeypatch, records_dir, illinois_geodata):
    # Before: read on every run of every session.
    (records_dir / moments.FILE).write_text(MOMENTS_HEADER + GOOD_MOMENT, encoding="utf-8")
    calls = []
    real = moments.read
    monkeypatch.setattr(moments, "read", lambda *args: calls.append(args) or real(*args))
    at = start(monkeypatch, records_dir, illinois_geodata)  # two runs: the first, and the map's first report
    at.run()
    assert len(calls) == 1 and not at.exception
    (records_dir / moments.FILE).write_text(MOMENTS_HEADER + GOOD_MOMENT + GOOD_MOMENT.replace("A report", "Again"), encoding="utf-8")
    at.run()
    assert len(calls) == 2 and not at.exception  # an edit is read on the next run


def test_the_records_readme_states_every_cap():
    readme = (ROOT / "records" / "README.md").read_text(encoding="utf-8")
    caps = dict(re.findall(r"^\| `([a-z0-9.-]+)` \| ([0-9]+ MB) \|", readme, flags=re.MULTILINE))
    assert caps == {
        records.JURISDICTIONS_FILE: f"{files.MAX_FILE_BYTES // 2**20} MB",
        records.EVENTS_FILE: f"{files.MAX_FILE_BYTES // 2**20} MB",
        records.SOURCES_FILE: f"{files.MAX_FILE_BYTES // 2**20} MB",
        moments.FILE: f"{moments.MAX_FILE_BYTES // 2**20} MB",
        law.FILE: f"{law.MAX_FILE_BYTES // 2**20} MB",
    }


def test_a_problem_quoting_markdown_is_plain_text_on_the_page(monkeypatch, records_dir):
    # Before: the warning was Markdown, and every page load fetched the image from outside.
    (records_dir / moments.FILE).write_text(MOMENTS_HEADER + f"{EVENT},A report,Text.,{IMAGE},il-chicago,\n", encoding="utf-8")
    (records_dir / law.FILE).write_text(LAWS_HEADER + f"{IMAGE},il,Test Act,\n", encoding="utf-8")
    at = start(monkeypatch, records_dir)
    assert not at.exception
    assert "example.invalid" not in everything_as_markdown(at)
    shown = problems_shown(at)
    assert [(p["file"], p["column"]) for p in shown] == [(moments.FILE, "colour"), (law.FILE, "event_id")]
    assert all(p["found"] == repr(IMAGE) for p in shown)  # in a table's cell, as plain text


def test_a_100000_character_cell_is_cut_short_in_every_message(monkeypatch, records_dir):
    # Before: a 100,370-character warning pushed the map about 14,700 px down.
    long = "x" * 100_000
    (records_dir / moments.FILE).write_text(
        MOMENTS_HEADER + f"{long},A,B,sanctuary,il-chicago,\n{EVENT},A,B,{long},il-chicago,\n{EVENT},A,B,sanctuary,{long},\n"
        f"{EVENT},A,B,sanctuary,,{long}\n{EVENT},{long},B,sanctuary,il-chicago,\n",
        encoding="utf-8",
    )
    (records_dir / law.FILE).write_text(LAWS_HEADER + f"{long},il,Act,\n{EVENT},{long},Act,\n{EVENT},il,{long},\n", encoding="utf-8")
    at = start(monkeypatch, records_dir)
    assert not at.exception
    shown = problems_shown(at)
    assert len(shown) == 8
    assert all(len(p["found"]) <= files.QUOTED_CHARACTERS + 2 for p in shown), [p["found"] for p in shown]
    assert all(len(str(value)) < 200 for p in shown for value in p.values())
    assert len(everything_as_markdown(at)) < 10_000


def test_every_problem_is_short_whatever_its_check_found():
    problem = files.Problem("x" * 1_000, 2, "y" * 1_000, "z" * 1_000, "w" * 100_000)
    assert len(str(problem)) < 1_300


# 5. The address bar: ASCII digits only.


@pytest.mark.parametrize("moment", ["²", "１", *(pytest.param(m, marks=pytest.mark.slow) for m in ["¹", "①", "٣", "1²"])])
def test_a_moment_in_other_digits_is_no_moment(moment):
    # Before: "²", "¹" and "①" raised ValueError (a traceback, no map); the full-width "１" was read as 1.
    at = start(moment=moment)
    assert not at.exception and map_component(at)
    assert at.session_state["story"] is False and "moment" not in at.query_params


@pytest.mark.parametrize("day", ["２０１７-０８-２２", "2017-08-2２", "٢٠١٧-٠٨-٢٢"])
def test_a_day_in_other_digits_is_no_day(day):
    assert view.from_query({"day": day, "compare": day}, FIRST, LAST, [], date(2017, 4, 21)).day == date(2017, 4, 21)
    session: dict = {}
    tools.settle(session, {"compare": day}, FIRST, LAST, {"IL"}, 3)
    assert session["compare"] is None


PARAMETERS = ["day", "colour", "selected", "table", "find", "states", "kinds", "categories", "compare", "moment"]
# Near misses as well as noise: ASCII digits mixed with digits of other scripts, superscripts, circled numbers.
DIGITS = st.characters(categories=["Nd", "No"])
NEAR_DAYS = st.builds(
    lambda y, m, d: f"{y}-{m}-{d}",
    st.text(DIGITS, min_size=4, max_size=4),
    st.text(DIGITS, min_size=2, max_size=2),
    st.text(DIGITS, min_size=2, max_size=2),
)
VALUES = st.one_of(st.text(), st.text(DIGITS, max_size=3), NEAR_DAYS)


@pytest.mark.slow
@given(st.dictionaries(st.sampled_from(PARAMETERS), VALUES))
# The first draw builds Hypothesis' table of Unicode characters, in the run's own temporary folder (conftest).
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_any_unicode_in_the_address_bar_falls_back_to_the_defaults(query):
    session: dict = {}
    default = date(2017, 4, 21)
    view.settle(session, query, FIRST, LAST, ["il-chicago"], default)
    tools.settle(session, query, FIRST, LAST, {"IL"}, 3)
    ascii_day = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
    if not ascii_day.fullmatch(query.get("day", "")):
        assert session["day"] == default
    if not ascii_day.fullmatch(query.get("compare", "")):
        assert session["compare"] is None
    assert session["colour"] == query.get("colour", "sanctuary") or session["colour"] == "sanctuary"
    assert session["selected"] in (None, "il-chicago")
    assert session["story"] == (query.get("moment") in ("1", "2", "3"))
    assert session["table_states"] in ([], ["IL"])
    assert len(session["table_find"]) <= tools.MAX_SEARCH


def test_a_few_unicode_queries_fall_back_to_the_defaults():
    # The property test above, in a few examples for make test-quick.
    for value in ["²", "１", "①", "2017-0８-22", "\x00", "\ud800", "é" * 10_000]:
        session: dict = {}
        query = dict.fromkeys(PARAMETERS, value)
        view.settle(session, query, FIRST, LAST, ["il-chicago"], date(2017, 4, 21))
        tools.settle(session, query, FIRST, LAST, {"IL"}, 3)
        assert (session["day"], session["colour"], session["selected"], session["compare"], session["story"]) == (
            date(2017, 4, 21),
            "sanctuary",
            None,
            None,
            False,
        )


# 7. A card's HTML block cannot end.


def test_a_blank_line_in_a_moment_cannot_end_its_card(shipped):
    # Before: the card's HTML block ended at the blank line, and the rest was read as Markdown.
    moment = moments.Moment(
        EVENT, DAY, f"Head\n\n{IMAGE}", f"First.\n\n{LINK} ![px](http://example.invalid/m.png)\r\n\r\nLast.", "sanctuary", None, None
    )
    card = moments.card_html(moment, 0, 1, {})
    assert "\n" not in card and "\r" not in card
    assert "First.<br><br>[click me](javascript:alert(1))" in card and "<img" not in card and "<a " not in card


def test_a_moment_s_card_on_the_page_is_one_html_block(monkeypatch, records_dir):
    text = f'First.\n\n{LINK} ![px](http://example.invalid/m.png) <img src="http://example.invalid/i.png">'
    with (records_dir / moments.FILE).open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([moments.COLUMNS, [EVENT, "A report", text, "sanctuary", "il-chicago", ""]])
    at = start(monkeypatch, records_dir, moment="1")
    assert not at.exception and not at.dataframe
    (card,) = [m.value for m in at.markdown if 'class="sm-moment"' in m.value]
    assert "\n" not in card and "<img" not in card and "&lt;img" in card


# 9. The map's report: any shape is ignored, and logged once.


def test_a_map_report_of_any_shape_is_ignored_and_logged_once(caplog):
    # Before: AttributeError: 'int' object has no attribute 'get' (view.py), and the map's frame unmounted.
    at = start()
    caplog.set_level(logging.WARNING, logger="sanctuarymap.reader.view")
    hostile = [12345, "hello", [1, 2, 3], "x" * 2**20, {"last_object_clicked_popup": 5}, {"last_object_clicked_popup": "[1]"}, None]
    for value in hostile:
        at.session_state["map"] = value
        at.run()
        assert not at.exception, value
        assert map_component(at) and at.radio(key="colour")
    refusals = [r for r in caplog.records if r.name == "sanctuarymap.reader.view"]
    assert len(refusals) == 1 and len(refusals[0].getMessage()) < 200
    good = {"page": "p", "seq": 9, "day": "2017-08-22", "click": None}
    at.session_state["map"] = {"last_object_clicked_popup": json.dumps(good)}
    at.run()
    assert "On 22 August 2017" in markdown_text(at)  # a sound report is still heard


@pytest.mark.parametrize(
    "fields",
    [
        {"page": "p", "seq": True, "day": "2017-08-22"},  # a boolean is no count
        {"page": "p", "seq": 1.5, "day": "2017-08-22"},
        {"page": "p" * 101, "seq": 1, "day": "2017-08-22"},
        {"page": "p", "seq": 1, "day": "２０１７-０８-２２"},
        {"page": "p", "seq": 1, "day": "2017-08-22", "click": ["il"]},
        {"page": "p", "seq": -1, "day": "2017-08-22"},
    ],
)
def test_a_report_outside_its_typed_shape_is_none(fields):
    assert view.page_report(json.dumps(fields), FIRST, LAST) is None
