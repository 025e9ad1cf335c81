"""Broken files: each is named in a problem (with its row and column where there is one), never raises,
and costs only what it has to: every other row still loads, or is named in a problem of its own."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from harness.browser import TEST_DATA
from sanctuarymap.data import files, records, status

EVENTS = records.EVENTS_FILE
SOURCES = records.SOURCES_FILE
JURISDICTIONS = records.JURISDICTIONS_FILE
FILES = [JURISDICTIONS, EVENTS, SOURCES]
TINY = TEST_DATA / "records"
# What tests/data/records holds: 4 jurisdictions, 5 events, 6 sources.
ALL = {JURISDICTIONS: 4, EVENTS: 5, SOURCES: 6}


def lines(folder: Path, name: str) -> list[str]:
    return (folder / name).read_text(encoding="utf-8").splitlines()


def write_lines(folder: Path, name: str, content: list[str], ending: str = "\n") -> None:
    (folder / name).write_bytes("".join(line + ending for line in content).encode("utf-8"))


def append_bytes(folder: Path, name: str, data: bytes) -> None:
    with (folder / name).open("ab") as f:
        f.write(data)


def loaded_counts(recs: records.Records) -> dict[str, int]:
    return {JURISDICTIONS: len(recs.jurisdictions), EVENTS: len(recs.events), SOURCES: len(recs.sources)}


def frames(recs: records.Records) -> dict[str, pd.DataFrame]:
    return {JURISDICTIONS: recs.jurisdictions, EVENTS: recs.events, SOURCES: recs.sources}


def assert_accounted(folder: Path, recs: records.Records, problems: list[files.Problem]) -> None:
    """Nothing is lost silently: every non-blank row of every file is loaded or named in a problem."""
    for name, frame in frames(recs).items():
        whole_file = any(p.file == name and p.row in (None, 1) and p.found != "an extra column, ignored" for p in problems)
        named = {p.row for p in problems if p.file == name}
        try:
            text = (folder / name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            text = None
        if text is None or whole_file:
            assert whole_file or any(p.file == name for p in problems)
            assert frame.empty or not whole_file
            continue
        rows = list(csv.reader(io.StringIO(text, newline="")))
        for line, cells in enumerate(rows[1:], start=2):
            if any(c.strip() for c in cells):
                assert line in set(frame["row"]) or line in named, f"{name} row {line} was lost without a word"


def assert_the_other_files_load(folder: Path, recs: records.Records, problems: list[files.Problem]) -> None:
    """What one broken file costs stays in it: every jurisdiction loads, and no row is lost without a word."""
    assert len(recs.jurisdictions) == ALL[JURISDICTIONS]
    assert_accounted(folder, recs, problems)


def add_column(folder: Path, name: str, header: str, cell: str) -> None:
    """Add a column to file ``name``: ``header`` in its header row, ``cell`` in every other row."""
    content = lines(folder, name)
    write_lines(folder, name, [f"{content[0]},{header}"] + [f"{line},{cell}" for line in content[1:]])


def problems_of(problems: list[files.Problem], name: str) -> list[files.Problem]:
    return [p for p in problems if p.file == name]


def assert_named(problem: files.Problem, name: str, row: int | None = None, column: str | None = None) -> None:
    assert (problem.file, problem.row, problem.column) == (name, row, column)
    where = name + (f", row {row}" if row is not None else "") + (f", column {column!r}" if column else "")
    assert str(problem).startswith(where + ": expected "), str(problem)


# --- Whole files that cannot be read


@pytest.mark.parametrize("name", FILES)
def test_an_empty_file_is_named_and_the_other_files_still_load(records_dir, name):
    (records_dir / name).write_bytes(b"")
    recs, problems = records.read(records_dir)
    (problem,) = problems_of(problems, name)
    assert_named(problem, name)
    assert "header row" in problem.expected and problem.found == "an empty file"
    assert_accounted(records_dir, recs, problems)
    if name != JURISDICTIONS:
        assert len(recs.jurisdictions) == ALL[JURISDICTIONS]  # nothing else lost


@pytest.mark.parametrize("name", FILES)
def test_a_file_with_only_its_header_is_named_and_the_others_still_load(records_dir, name):
    write_lines(records_dir, name, lines(records_dir, name)[:1])
    recs, problems = records.read(records_dir)
    (problem,) = problems_of(problems, name)
    assert_named(problem, name)
    assert "at least one row" in problem.expected and "only the header" in problem.found
    assert_accounted(records_dir, recs, problems)
    if name != JURISDICTIONS:
        assert len(recs.jurisdictions) == ALL[JURISDICTIONS]


@pytest.mark.parametrize("name", FILES)
def test_a_missing_file_is_named_without_the_server_s_path(records_dir, name):
    (records_dir / name).unlink()
    recs, problems = records.read(records_dir)
    (problem,) = problems_of(problems, name)
    assert_named(problem, name)
    assert (problem.expected, problem.found) == ("a file in records/", "no such file")
    assert str(records_dir) not in str(problem)  # the server's paths stay on the server
    assert_accounted(records_dir, recs, problems)
    if name != JURISDICTIONS:
        assert len(recs.jurisdictions) == ALL[JURISDICTIONS]


def test_a_file_that_cannot_be_read_is_named(records_dir, unreadable):
    unreadable(SOURCES)
    recs, problems = records.read(records_dir)
    (problem,) = problems_of(problems, SOURCES)
    assert_named(problem, SOURCES)
    assert "readable" in problem.expected and "Permission denied" in problem.found
    assert len(recs.jurisdictions) == ALL[JURISDICTIONS]


def test_fifty_megabyte_file_is_refused_unread(records_dir, monkeypatch):
    path = records_dir / EVENTS
    header = lines(records_dir, EVENTS)[0]
    with path.open("wb") as f:
        f.write((header + "\n").encode())
        f.seek(50 * 2**20 - 1)  # sparse: 50 MB on paper, nothing to parse
        f.write(b"\n")
    read_bytes = Path.read_bytes

    def refuse_the_big_file(self: Path) -> bytes:
        assert self.name != EVENTS, "the oversized file was read"
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse_the_big_file)
    recs, problems = records.read(records_dir)
    (problem,) = problems_of(problems, EVENTS)
    assert_named(problem, EVENTS)
    assert f"at most {files.MAX_FILE_BYTES // 2**20} MB" in problem.expected and "50.0 MB" in problem.found
    assert_the_other_files_load(records_dir, recs, problems)


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_file_separated_by_semicolons_or_tabs_names_every_missing_column_and_the_likely_cause(records_dir, delimiter):
    rows = list(csv.reader(io.StringIO((records_dir / EVENTS).read_text(encoding="utf-8"))))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    (records_dir / EVENTS).write_text(buffer.getvalue(), encoding="utf-8")
    recs, problems = records.read(records_dir)
    mine = problems_of(problems, EVENTS)
    assert [p.column for p in mine] == ["event_id", "date", "kind", "jurisdiction_ids", "summary"]
    for problem in mine:
        assert_named(problem, EVENTS, 1, problem.column)
        assert "';' or tabs" in problem.found
    assert_the_other_files_load(records_dir, recs, problems)


def test_a_column_named_twice_in_the_header_is_named(records_dir):
    add_column(records_dir, EVENTS, "summary", "again")
    recs, problems = records.read(records_dir)
    (problem,) = problems_of(problems, EVENTS)
    assert_named(problem, EVENTS, 1, "summary")
    assert "2 columns named 'summary'" in problem.found
    assert_the_other_files_load(records_dir, recs, problems)


# --- Files that load in full


def test_extra_column_loads_with_a_warning(records_dir):
    add_column(records_dir, EVENTS, "notes", "a note")
    recs, problems = records.read(records_dir)
    assert problems == []
    assert loaded_counts(recs) == ALL
    (warning,) = recs.warnings
    assert_named(warning, EVENTS, 1, "notes")
    assert "extra column" in warning.found


@pytest.mark.parametrize("names", [[EVENTS], FILES], ids=["events", "all-files"])
def test_bom_loads_as_without(records_dir, names):
    before, _ = records.read(records_dir)
    for name in names:
        path = records_dir / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    after, problems = records.read(records_dir)
    assert problems == [] and after.warnings == []
    for name in FILES:
        assert frames(after)[name].equals(frames(before)[name]), name


def test_crlf_line_ends_load_as_lf(records_dir):
    before, _ = records.read(records_dir)
    for name in FILES:
        write_lines(records_dir, name, lines(records_dir, name), ending="\r\n")
    # A quoted cell with a line break inside, as a spreadsheet writes it.
    append_bytes(records_dir, EVENTS, b'2017-09-01-x,2017-09-01,statement,il,"Two\r\nlines."\r\n')
    append_bytes(records_dir, SOURCES, b"2017-09-01-x,O,T,2017-09-01,https://example.org/x\r\n")
    after, problems = records.read(records_dir)
    assert problems == [] and after.warnings == []
    assert frames(after)[JURISDICTIONS].equals(frames(before)[JURISDICTIONS])
    assert after.events[after.events["event_id"] != "2017-09-01-x"].reset_index(drop=True).equals(before.events)
    assert after.events.set_index("event_id").loc["2017-09-01-x", "summary"] == "Two\r\nlines."


# --- One bad row costs one row


def test_truncated_last_line_with_unclosed_quote(records_dir):
    content = lines(records_dir, EVENTS)
    (records_dir / EVENTS).write_bytes(
        ("\n".join(content[:-1]) + '\n2017-08-07-suit,2017-08-07,lawsuit_filed,il-chicago,"Test: the city su').encode()
    )
    recs, problems = records.read(records_dir)
    (problem,) = problems_of(problems, EVENTS)
    assert_named(problem, EVENTS, 6)
    assert "quote" in problem.expected and "unexpected end of data" in problem.found
    assert len(recs.events) == ALL[EVENTS] - 1  # the four rows before it still load
    # Its source has no event now, and says so.
    assert [(p.row, p.column) for p in problems_of(problems, SOURCES)] == [(7, "event_id")]
    assert_the_other_files_load(records_dir, recs, problems)


def test_truncated_last_line_with_too_few_cells(records_dir):
    content = lines(records_dir, EVENTS)
    (records_dir / EVENTS).write_bytes(("\n".join(content[:-1]) + "\n2017-08-07-suit,2017-08-07,lawsu").encode())
    recs, problems = records.read(records_dir)
    (problem,) = problems_of(problems, EVENTS)
    assert_named(problem, EVENTS, 6)
    assert problem.expected == "5 cells" and problem.found.startswith("3 ")
    assert len(recs.events) == ALL[EVENTS] - 1
    assert_the_other_files_load(records_dir, recs, problems)


@pytest.mark.parametrize(
    "bad_line",
    [
        # a quoted cell followed by more text: strict CSV stops at the character after the quote
        '2017-04-21-letter,2017-04-21,doj_warning_letter,il-chicago;il-cook-county,"Test: a" warning letter.',
        # a quote opened and never closed, in the middle of the file: it would swallow the rows below
        '2017-04-21-letter,2017-04-21,doj_warning_letter,il-chicago;il-cook-county,"Test: a warning letter.',
    ],
    ids=["text-after-quote", "unclosed-mid-file"],
)
def test_misquoted_row_costs_only_that_row(records_dir, bad_line):
    content = lines(records_dir, EVENTS)
    assert content[4].startswith("2017-04-21-letter,")
    write_lines(records_dir, EVENTS, content[:4] + [bad_line] + content[5:])
    recs, problems = records.read(records_dir)
    (problem,) = problems_of(problems, EVENTS)
    assert_named(problem, EVENTS, 5)
    assert "quote" in problem.expected
    assert "2017-08-07-suit" in set(recs.events["event_id"])  # the row below still loads
    assert len(recs.events) == ALL[EVENTS] - 1
    assert {(p.row, p.column) for p in problems_of(problems, SOURCES)} == {(5, "event_id"), (6, "event_id")}
    assert_accounted(records_dir, recs, problems)


def test_latin1_row_names_its_row_and_column(records_dir):
    content = lines(records_dir, EVENTS)
    content[3] = content[3].replace("Test: a national order.", "Test: a national order in a café.")
    (records_dir / EVENTS).write_bytes("\n".join(content).encode("latin-1") + b"\n")
    recs, problems = records.read(records_dir)
    (problem,) = problems_of(problems, EVENTS)
    assert_named(problem, EVENTS, 4, "summary")
    assert "UTF-8" in problem.expected and "0xe9" in problem.found and "Latin-1" in problem.found
    assert len(recs.events) == ALL[EVENTS] - 1  # the other rows, all ASCII, still load
    assert [(p.row, p.column) for p in problems_of(problems, SOURCES)] == [(4, "event_id")]
    assert_accounted(records_dir, recs, problems)


def test_latin1_header_names_the_file(records_dir):
    content = lines(records_dir, SOURCES)
    (records_dir / SOURCES).write_bytes(("\n".join(content) + "\n").encode().replace(b"outlet", b"\xe9diteur", 1))
    recs, problems = records.read(records_dir)
    (problem,) = problems_of(problems, SOURCES)
    assert_named(problem, SOURCES, 1)
    assert "UTF-8" in problem.expected
    assert_the_other_files_load(records_dir, recs, problems)


def test_event_outside_the_span_is_refused_even_when_one_of_its_places_is_unknown(records_dir):
    # The span check used to run only for events whose places were all known.
    with (records_dir / EVENTS).open("a", encoding="utf-8") as f:
        f.write("2018-05-01-late,2018-05-01,statement,il;il-atlantis,Too late.\n")
    with (records_dir / SOURCES).open("a", encoding="utf-8") as f:
        f.write("2018-05-01-late,O,T,2018-05-01,https://example.org/late\n")
    recs, problems = records.read(records_dir)
    assert {(p.file, p.row, p.column) for p in problems} >= {(EVENTS, 7, "jurisdiction_ids"), (EVENTS, 7, "date")}
    assert "2018-05-01-late" not in set(recs.events["event_id"])


def test_digits_of_other_scripts_are_not_a_date(records_dir):
    with (records_dir / EVENTS).open("a", encoding="utf-8") as f:
        f.write("2017-09-09-x,\u0662\u0660\u0661\u0667-\u0660\u0669-\u0660\u0669,statement,il,Arabic-Indic digits.\n")
    (problem,) = problems_of(records.read(records_dir)[1], EVENTS)
    assert_named(problem, EVENTS, 7, "date")
    assert "written YYYY-MM-DD" in problem.expected


# --- Anything the csv module can write


TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from([",", '"', '""', "\n", "\r\n", "\r", " ", "\ufeff", "=1+1", "<script>", ";", "a;b", "\u202e"]),
)
EVENT_IDS = ["2011-09-07-cook-ordinance", "2017-01-25-order", "2017-08-07-suit", "2017-09-01-new", "new"]
EVENT_ID = st.one_of(st.sampled_from(EVENT_IDS), TEXT)
DAY = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates(min_value=records.EARLIEST_DATE, max_value=records.LATEST_DATE).map(lambda d: d.isoformat()),
    st.sampled_from(["2017-02-30", "1969-12-31", "2018-01-01", "2030-12-31", "2017-1-1", " 2017-01-01 ", ""]),
    TEXT,
)
KIND = st.one_of(st.sampled_from(sorted(status.EVENT_KINDS)), TEXT)
PLACES = st.one_of(
    st.lists(st.sampled_from(["us", "il", "il-cook-county", "il-chicago", "il-atlantis", "", " "]), max_size=4).map(";".join),
    TEXT,
)
URL = st.one_of(
    st.sampled_from(
        [
            "https://example.org/a",
            "http://example.org/b?c=d&e=f",
            "javascript:alert(1)",
            "data:text/html,<b>",
            "https://exa mple.org",
            "ftp://example.org",
            "",
        ]
    ),
    TEXT,
)


def _row(*cells):
    # Mostly the five columns; sometimes a cell too few or too many.
    return st.one_of(st.tuples(*cells).map(list), st.tuples(*cells).map(lambda r: list(r)[:-1]), st.tuples(*cells, TEXT).map(list))


EVENT_ROWS = st.lists(_row(EVENT_ID, DAY, KIND, PLACES, TEXT), max_size=6)
SOURCE_ROWS = st.lists(_row(EVENT_ID, TEXT, TEXT, st.one_of(DAY, st.just("")), URL), max_size=6)
# Rows that pass every check, so that loading is exercised as much as refusing.
GOOD_EVENTS = st.lists(
    st.tuples(
        st.sampled_from(EVENT_IDS),
        st.dates(min_value=records.EARLIEST_DATE, max_value=records.LATEST_DATE).map(lambda d: d.isoformat()),
        st.sampled_from(sorted(status.EVENT_KINDS)),
        st.lists(st.sampled_from(["us", "il", "il-cook-county", "il-chicago"]), min_size=1, max_size=3).map(";".join),
        TEXT.filter(str.strip),
    ).map(list),
    max_size=4,
)


@st.composite
def rows_of_both_files(draw):
    good = draw(GOOD_EVENTS)
    sourced = [
        [e[0], draw(TEXT.filter(str.strip)), draw(TEXT.filter(str.strip)), e[1], "https://example.org/" + e[0]]
        for e in good
        if draw(st.booleans()) or len(good) == 1
    ]
    events = draw(st.permutations(good + draw(EVENT_ROWS)))
    sources = draw(st.permutations(sourced + draw(SOURCE_ROWS)))
    return events, sources


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows_of_both_files(), line_end=st.sampled_from(["\n", "\r\n"]))
def test_generated_rows_load_or_are_reported(rows, line_end):
    events, sources = rows
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(TINY / JURISDICTIONS, folder / JURISDICTIONS)
        for name, rows in [(EVENTS, events), (SOURCES, sources)]:
            header = lines(TINY, name)[0].split(",")
            with (folder / name).open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f, lineterminator=line_end)
                writer.writerow(header)
                writer.writerows(rows)

        recs, problems = records.read(folder)  # never raises
        event("some events load" if len(recs.events) else "no event loads")

        # Python 3.11's writer leaves a lone "\r" unquoted under a "\n" line end, so count what was written.
        written = {name: len((folder / name).read_text(encoding="utf-8").splitlines()) + 1 for name in FILES}
        for problem in problems:
            assert problem.file in FILES and str(problem).startswith(problem.file)
            assert problem.row is None or 1 <= problem.row <= written[problem.file]
        assert_accounted(folder, recs, problems)
        assert len(recs.jurisdictions) == ALL[JURISDICTIONS]
        # What loads is what the app may trust.
        known = set(recs.jurisdictions["jurisdiction_id"])
        assert all(set(ids) <= known and ids for ids in recs.events["jurisdiction_ids"])
        assert all(records.EARLIEST_DATE <= d <= records.LATEST_DATE for d in recs.events["date"])
        assert all(kind in status.EVENT_KINDS for kind in recs.events["kind"])
        assert set(recs.sources["event_id"]) <= set(recs.events["event_id"])
        dated = set(recs.sources.loc[recs.sources["published"].notna(), "event_id"])
        assert set(recs.events["event_id"]) <= dated
        assert all(records.is_web_url(url) for url in recs.sources["url"])
        assert recs.events["event_id"].is_unique
        if problems:
            with pytest.raises(records.RecordsError):
                records.load(folder)
        else:
            records.load(folder)
