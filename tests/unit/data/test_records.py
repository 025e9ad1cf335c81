"""The loader: valid rows load; each kind of bad input is named by file, row and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sanctuarymap.data import files, records

EVENTS = records.EVENTS_FILE
SOURCES = records.SOURCES_FILE
JURISDICTIONS = records.JURISDICTIONS_FILE


def append(folder: Path, name: str, line: str) -> None:
    with (folder / name).open("a", encoding="utf-8", newline="") as f:
        f.write(line + "\n")


def only_problem(folder: Path) -> files.Problem:
    _, problems = records.read(folder)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_the_tiny_records_load_every_row_with_ids_lists_and_undated_sources(records_dir):
    loaded = records.load(records_dir)
    assert list(loaded.jurisdictions["jurisdiction_id"]) == ["us", "il", "il-cook-county", "il-chicago"]
    assert len(loaded.events) == 5
    assert loaded.events.iloc[0]["date"] == date(2011, 9, 7)
    letter = loaded.events.set_index("event_id").loc["2017-04-21-letter"]
    assert letter["jurisdiction_ids"] == ("il-chicago", "il-cook-county")
    assert len(loaded.sources) == 6
    undated = loaded.sources[loaded.sources["url"] == "http://example.org/letter-2"].iloc[0]
    assert undated["published"] is None


def test_event_jurisdictions_has_one_row_per_pair(records_dir):
    pairs = records.load(records_dir).event_jurisdictions
    assert len(pairs) == 1 + 2 + 1 + 2 + 1
    assert set(pairs[pairs["event_id"] == "2016-05-31-report"]["jurisdiction_id"]) == {"il-chicago", "il-cook-county"}


@pytest.mark.parametrize(
    ("name", "line", "column", "expected", "found"),
    [
        # a day that does not exist
        (EVENTS, "2017-09-x,2017-02-30,statement,il,Bad day.", "date", "real calendar day", "2017-02-30"),
        # a day written the American way
        (EVENTS, "2017-09-y,09/01/2017,statement,il,Bad format.", "date", "YYYY-MM-DD", "09/01/2017"),
        # an event kind outside the vocabulary
        (EVENTS, "2017-09-z,2017-09-01,riot,il,Bad kind.", "kind", "one of", "riot"),
        # a kind of jurisdiction outside the vocabulary
        (JURISDICTIONS, "il-x,X,village,IL,1700001,", "kind", "'nation', 'state', 'county' or 'city'", "village"),
        # a GEOID of the wrong length for its kind
        (JURISDICTIONS, "il-y,Y,county,IL,170,", "geoid", "5-digit Census GEOID", "170"),
        # a URL that would run script if it were a link
        (SOURCES, "2017-08-07-suit,X,Y,2017-08-07,javascript:alert(1)", "url", "http:// or https://", "javascript:alert(1)"),
        # a summary left empty
        (EVENTS, "2017-09-w,2017-09-01,statement,il,", "summary", "some text", "an empty cell"),
    ],
)
def test_bad_cell_is_named_by_file_row_and_column(records_dir, name, line, column, expected, found):
    append(records_dir, name, line)
    problem = only_problem(records_dir)
    rows = (records_dir / name).read_text(encoding="utf-8").splitlines()
    assert (problem.file, problem.row, problem.column) == (name, len(rows), column)
    assert expected in problem.expected
    assert found in problem.found
    assert f"{name}, row {len(rows)}, column '{column}'" in str(problem)


def test_unknown_jurisdiction_is_reported_and_the_rest_of_the_event_kept(records_dir):
    append(records_dir, EVENTS, "2017-09-01-x,2017-09-01,statement,il-chicago;il-atlantis,Half known.")
    append(records_dir, SOURCES, "2017-09-01-x,O,T,2017-09-01,https://example.org/x")
    loaded, problems = records.read(records_dir)
    assert [(p.file, p.row, p.column, p.found) for p in problems] == [(EVENTS, 7, "jurisdiction_ids", "'il-atlantis'")]
    kept = loaded.events.set_index("event_id").loc["2017-09-01-x"]
    assert kept["jurisdiction_ids"] == ("il-chicago",)


def test_duplicate_id_names_both_rows(records_dir):
    append(records_dir, EVENTS, "2017-08-07-suit,2017-08-08,statement,il,Same id again.")
    problem = only_problem(records_dir)
    assert (problem.row, problem.column) == (7, "event_id")
    assert "already on row 6" in problem.found


def test_event_without_source_is_left_out(records_dir):
    append(records_dir, EVENTS, "2017-09-02-lonely,2017-09-02,statement,il,No source.")
    loaded, problems = records.read(records_dir)
    assert [(p.row, p.column) for p in problems] == [(7, "event_id")]
    assert "at least one source" in problems[0].expected
    assert "2017-09-02-lonely" not in set(loaded.events["event_id"])
    assert len(loaded.events) == 5  # nothing else is lost


def test_event_with_only_undated_sources_is_left_out(records_dir):
    append(records_dir, EVENTS, "2017-09-03-undated,2017-09-03,statement,il,Only undated.")
    append(records_dir, SOURCES, "2017-09-03-undated,O,T,,https://example.org/u")
    problem = only_problem(records_dir)
    assert "'published' date" in problem.expected


def test_source_for_unknown_event(records_dir):
    append(records_dir, SOURCES, "no-such-event,O,T,2017-01-01,https://example.org/n")
    problem = only_problem(records_dir)
    assert (problem.file, problem.row, problem.column) == (SOURCES, 8, "event_id")


def test_event_before_the_records_span_is_refused(records_dir):
    append(records_dir, EVENTS, "1900-01-01-old,1900-01-01,statement,il,Too old.")
    problem = only_problem(records_dir)
    assert problem.column == "date" and "1970-01-01" in problem.expected


def test_missing_column_names_the_column(records_dir):
    path = records_dir / SOURCES
    path.write_text(path.read_text().replace("published,", "", 1), encoding="utf-8")
    _, problems = records.read(records_dir)
    missing = [p for p in problems if p.file == SOURCES]
    assert [(p.row, p.column, p.found) for p in missing] == [(1, "published", "no such column")]


def test_bad_encoding_names_the_line(records_dir):
    path = records_dir / EVENTS
    path.write_bytes(path.read_bytes() + "2017-09-04-x,2017-09-04,statement,il,Caf\xe9.\n".encode("latin-1"))
    _, problems = records.read(records_dir)
    encoding = [p for p in problems if p.file == EVENTS][0]
    assert encoding.row == 7 and "UTF-8" in encoding.expected and "0xe9" in encoding.found


def test_a_missing_sources_file_is_a_problem_naming_it(records_dir):
    (records_dir / SOURCES).unlink()
    _, problems = records.read(records_dir)
    assert any(p.file == SOURCES and p.found == "no such file" for p in problems)


def test_all_problems_are_reported_at_once(records_dir):
    append(records_dir, EVENTS, "2017-09-05-a,2017-13-01,statement,il,Bad month.")
    append(records_dir, EVENTS, "2017-09-05-b,2017-09-05,nonsense,il,Bad kind.")
    append(records_dir, SOURCES, "2017-08-07-suit,O,T,2017-08-07,ftp://example.org/f")
    with pytest.raises(records.RecordsError) as raised:
        records.load(records_dir)
    found = {(p.file, p.row, p.column) for p in raised.value.problems}
    assert {(EVENTS, 7, "date"), (EVENTS, 8, "kind"), (SOURCES, 8, "url")} <= found
    assert "row 7, column 'date'" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://www.justice.gov/opa/pr/x", True),
        ("http://example.org", True),
        ("HTTPS://EXAMPLE.ORG/A?b=c#d", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//example.org/no-scheme", False),
        ("https://exa mple.org", False),
        ('https://example.org/"onmouseover=alert(1)', False),
        ("", False),
    ],
)
def test_only_absolute_http_urls_count_as_web_urls(text, expected):
    assert records.is_web_url(text) is expected


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+cmd", "-2+3", "@SUM(A1)"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted(text):
    assert records.neutralise_formula(text) == "'" + text


def test_plain_text_is_left_alone():
    assert records.neutralise_formula("Chicago sued") == "Chicago sued"


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        # control and invisible characters (Unicode Cc and Cf), anywhere; today DEL and U+200B pass
        ("https://ex\x7fample.com/", "no control or invisible character (character 11 is U+007F"),
        ("https://exa\u200bmple.com/", "character 12 is U+200B, ZERO WIDTH SPACE"),
        ("https://example.com/\u202egpj.exe", "U+202E, RIGHT-TO-LEFT OVERRIDE"),
        ("https://example.com/\x00", "U+0000"),
        ("https://example.com/a\u3000b", "no space in it"),  # an ideographic space
        ("ftp://example.org/f", "http:// or https:// at the start"),
        ("https:example.org", "http:// or https:// at the start"),
        ('https://example.org/"x', "none of the characters < > \" ' ` in it"),
        ("https://www.justice.gov@evil.example/", "no user name or password before the host"),
        ("https://example.org:99999/", "a host and port that can be read (Port out of range"),
        ("https://[::1/", "a host and port that can be read"),
        ("https://ex_ample.org/", "a valid host name"),
        ("https://-example.org/", "a valid host name"),
        ("https://bücher.example/", "a valid host name"),  # write it as xn--bcher-kva.example
        ("https://1.2.3/", "a valid host name"),  # a browser reads 1.2.0.3
        ("https://example.org%2Fevil.com/", "a valid host name"),
        ("https:///path-only", "a valid host name"),
    ],
)
def test_each_url_rule_names_itself(records_dir, url, rule):
    assert rule in records.url_problem(url)
    append(records_dir, SOURCES, f"2017-08-07-suit,O,T,2017-08-07,{url}")
    (problem,) = [p for p in records.read(records_dir)[1] if p.file == SOURCES]
    assert (problem.row, problem.column) == (8, "url")
    assert problem.expected.startswith("an http:// or https:// URL with ") and rule in problem.expected


@pytest.mark.parametrize(
    "url",
    [
        "https://www.justice.gov/opa/pr/x?a=1&b=%3C#frag",
        "http://the-uncensored-wiki.com:20171/A/Berkeley%2C_Ca.html",
        "https://xn--bcher-kva.example/",
        "http://127.0.0.1/",
        "http://[2001:db8::1]/",
        "https://example.org./trailing-dot",
    ],
)
def test_urls_that_pass_every_rule(url):
    assert records.url_problem(url) is None and records.is_web_url(url)


@pytest.mark.parametrize(
    ("written", "precision", "counts_from"),
    [
        ("2017-08-22", "day", date(2017, 8, 22)),
        # known to the month: counts from its last day, February of a common year included
        ("2017-02", "month", date(2017, 2, 28)),
        ("2016-02", "month", date(2016, 2, 29)),
        # known to the year: counts from 31 December
        ("2003", "year", date(2003, 12, 31)),
    ],
)
def test_a_date_counts_from_the_first_day_it_is_certainly_true(records_dir, written, precision, counts_from):
    append(records_dir, EVENTS, f"{written}-partial,{written},statement,il,Test: a date known to the {precision}.")
    append(records_dir, SOURCES, f"{written}-partial,X,Y,2017-09-01,http://example.org/{written}")
    event = records.load(records_dir).events.set_index("event_id").loc[f"{written}-partial"]
    assert (event["date"], event["date_precision"]) == (counts_from, precision)
    assert records.written_date(event["date"], event["date_precision"]) == written


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2017-13", "a real month written YYYY-MM"),
        ("2017-1", "YYYY-MM when only the month is known"),
        ("17", "YYYY when only the year is"),
        ("2017-08-22T10:00", "a date written YYYY-MM-DD"),
    ],
)
def test_a_partial_date_that_is_not_a_month_or_a_year_is_named(records_dir, written, expected):
    append(records_dir, EVENTS, f"2017-bad-partial,{written},statement,il,Test.")
    append(records_dir, SOURCES, "2017-bad-partial,X,Y,2017-09-01,http://example.org/p")
    problems = records.read(records_dir)[1]
    dated = [p for p in problems if p.column == "date"]
    assert len(dated) == 1 and expected in dated[0].expected, [str(p) for p in problems]
    assert dated[0].found == repr(written)


def test_a_precision_column_in_the_file_is_ignored_with_a_warning(tmp_path, records_dir):
    path = records_dir / EVENTS
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",date_precision"] + [line + ",year" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = records.load(records_dir)
    assert set(loaded.events["date_precision"]) == {"day"}  # read from the dates, never from the column
    assert [w.column for w in loaded.warnings] == ["date_precision"]
