"""Load and check the CSV files in records/.

``read`` returns the rows that passed every check together with the list of
problems found in the others; ``load`` does the same but raises when there is
any problem.  Every problem names the file, the row (the line number a
spreadsheet shows, the header being row 1), the column, what was expected and
what was found.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from sanctuarymap.data import files, kinds, plural, status

JURISDICTIONS_FILE = "sanctuarymap-jurisdictions.csv"
EVENTS_FILE = "sanctuarymap-events.csv"
SOURCES_FILE = "sanctuarymap-sources.csv"

# The span an event may be dated in (dataset.FIRST_DAY .. dataset.LAST_DAY is the span the page replays).
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2017, 12, 31)
LIST_SEPARATOR = ";"


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A host name as RFC 1123 has it: labels of ASCII letters, digits and inner hyphens.
_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# Characters that would end a link's href in the HTML the panel writes.
_ENDS_AN_ATTRIBUTE = "<>\"'`"
# Spreadsheets run cells starting with these as formulas.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class RecordsError(ValueError):
    """Raised by ``load`` with every problem found, not just the first."""

    def __init__(self, problems: list[files.Problem]):
        self.problems = problems
        lines = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"{plural.counted(len(problems), 'problem')} in the records:\n{lines}")


@dataclass
class Records:
    jurisdictions: pd.DataFrame
    events: pd.DataFrame
    sources: pd.DataFrame
    warnings: list[files.Problem] = field(default_factory=list)

    @property
    def event_jurisdictions(self) -> pd.DataFrame:
        """One row per (event, jurisdiction) pair."""
        pairs = self.events[["event_id", "date", "kind", "jurisdiction_ids"]].explode("jurisdiction_ids")
        return pairs.rename(columns={"jurisdiction_ids": "jurisdiction_id"}).reset_index(drop=True)


class JurisdictionRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    jurisdiction_id: str
    name: str
    kind: kinds.Key
    state: str
    geoid: str
    drawn_with: tuple[str, ...] = ()

    _slug = field_validator("jurisdiction_id")(lambda v: _check_slug(v))
    _name = field_validator("name")(lambda v: _check_text(v, 200))

    @field_validator("state")
    @classmethod
    def _state(cls, v: str) -> str:
        if v and not re.fullmatch(r"[A-Z]{2}", v):
            raise ValueError("a two-letter USPS code such as CA, or empty for the nation")
        return v

    @field_validator("drawn_with", mode="before")
    @classmethod
    def _drawn_with(cls, v: str) -> tuple[str, ...]:
        parts = tuple(p.strip() for p in (v or "").split(LIST_SEPARATOR) if p.strip())
        for part in parts:
            if not re.fullmatch(r"[0-9]{5}", part):
                raise ValueError(f"5-digit county GEOIDs separated by '{LIST_SEPARATOR}'")
        return _each_once(parts, "county GEOID")

    def cross_check(self) -> list[tuple[str, str, str]]:
        """(column, expected, found) for rules that span columns."""
        out = []
        if self.kind == "nation":
            if self.geoid != "US" or self.state:
                out.append(("geoid", "geoid 'US' and an empty state for the nation", files.shown(self.geoid)))
            return out
        if not self.state:
            out.append(("state", "a two-letter USPS code", "an empty cell"))
        digits = kinds.KINDS[self.kind].geoid_digits
        if not re.fullmatch(rf"[0-9]{{{digits}}}", self.geoid):
            out.append(("geoid", f"a {digits}-digit Census GEOID for a {self.kind}", files.shown(self.geoid)))
        if self.drawn_with and self.kind != "city":
            out.append(("drawn_with", "an empty cell: only cities are drawn with county shapes", files.shown(";".join(self.drawn_with))))
        return out


class EventRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    event_id: str
    date: date  # the day it counts from (status.counts_from); ``date_precision`` says how much of it is known
    date_precision: str = "day"
    kind: str
    jurisdiction_ids: tuple[str, ...]
    summary: str

    _slug = field_validator("event_id")(lambda v: _check_slug(v))
    _summary = field_validator("summary")(lambda v: _check_text(v, 1000))

    @model_validator(mode="before")
    @classmethod
    def _precision(cls, data: Any) -> Any:
        # The precision is read from how the date is written, so it can never disagree with it.
        if isinstance(data, dict):
            data = {**data, "date_precision": _precision_of(data.get("date"))}
        return data

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: str) -> datetime.date:  # ``date`` is the field's name in this class
        return _parse_written_date(v)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in status.EVENT_KINDS:
            raise ValueError("one of " + ", ".join(sorted(status.EVENT_KINDS)))
        return v

    @field_validator("jurisdiction_ids", mode="before")
    @classmethod
    def _ids(cls, v: str) -> tuple[str, ...]:
        parts = tuple(p.strip() for p in (v or "").split(LIST_SEPARATOR) if p.strip())
        if not parts:
            raise ValueError(f"one or more jurisdiction ids separated by '{LIST_SEPARATOR}'")
        # "Chicago, IL, Chicago, IL" in the panel: a slip of the pen, but which one was meant?
        return _each_once(parts, "jurisdiction id")


class SourceRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    event_id: str
    outlet: str
    title: str
    published: date | None
    url: str

    _outlet = field_validator("outlet")(lambda v: _check_text(v, 200))
    # Empty when no stored copy of the source shows its title: the page then says "title not recorded".
    _title = field_validator("title")(lambda v: _check_length(v, 500))

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, v: str) -> date | None:
        # Some primary documents (a statute page, a docket entry) carry no date of their own.
        return _parse_day(v, last=date(2030, 12, 31)) if (v or "").strip() else None

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        broken = url_problem(v)
        if broken:
            raise ValueError(f"an http:// or https:// URL with {broken}")
        return v


def is_web_url(text: str) -> bool:
    """True for an absolute http(s) URL that is safe to show as a link (see ``url_problem``)."""
    return isinstance(text, str) and url_problem(text) is None


def url_problem(text: str) -> str | None:
    """The rule an address breaks, as the end of "an http:// or https:// URL with ...", or None.

    The rules, in the order they are tried: no control or invisible character (Unicode Cc and Cf:
    DEL, zero-width spaces, direction marks), which a reader cannot see but a browser may drop or
    act on; no space; the scheme http or https followed by //; none of the characters that end an
    HTML attribute; no user name before the host (``https://a.gov@b.com`` leads to b.com); a port
    that is a number; and a valid host name, or an IP address.
    """
    for position, character in enumerate(text, start=1):
        if unicodedata.category(character) in ("Cc", "Cf"):
            name = unicodedata.name(character, "") or "a control character"
            return f"no control or invisible character (character {position} is U+{ord(character):04X}, {name})"
    if any(c.isspace() for c in text):
        return "no space in it"
    try:
        parts = urllib.parse.urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not text[len(scheme) + 1 :].startswith("//"):
            return "http:// or https:// at the start"
        if any(c in _ENDS_AN_ATTRIBUTE for c in text):
            return "none of the characters < > \" ' ` in it"
        if "@" in parts.netloc:
            return "no user name or password before the host"
        # Reading the port raises ValueError unless it is a number from 0 to 65535.
        host, _port = parts.hostname, parts.port
    except ValueError as error:
        return f"a host and port that can be read ({error})"
    if not host or not _valid_host(host):
        return "a valid host name (letters, digits and inner hyphens between dots; a final label of digits only in an IPv4 address)"
    return None


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.removesuffix(".").split(".")
    # A browser reads a final label of digits (or 0x...) as part of an IPv4 address: 1.2.3 is 1.2.0.3.
    if re.fullmatch(r"[0-9]+|0x[0-9a-f]*", labels[-1]):
        return False
    return len(host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels)


def neutralise_formula(text: str) -> str:
    """Text a spreadsheet will show as text, never run as a formula."""
    return "'" + text if isinstance(text, str) and text.startswith(_FORMULA_PREFIXES) else text


def load(folder: Path) -> Records:
    records, problems = read(folder)
    if problems:
        raise RecordsError(problems)
    return records


def read(folder: Path) -> tuple[Records, list[files.Problem]]:
    """The rows of the three files that pass every check, and the problems of the rest. The map reads
    them through ``join.read``, which also leaves out the jurisdictions it has no shape for."""
    problems: list[files.Problem] = []
    warnings: list[files.Problem] = []
    jurisdictions = read_jurisdictions(Path(folder), problems, warnings)
    return read_the_rest(Path(folder), jurisdictions, problems, warnings), problems


def read_the_rest(
    folder: Path, jurisdictions: dict[int, JurisdictionRow], problems: list[files.Problem], warnings: list[files.Problem]
) -> Records:
    """The events of ``jurisdictions`` (by row) and their sources; the rows that fail go to ``problems``."""
    events = _read_events(folder, {row.jurisdiction_id for row in jurisdictions.values()}, problems, warnings)
    sources = _read_sources(folder, {event.event_id for event in events.values()}, problems, warnings)
    _drop_unsourced(events, sources, problems)
    return Records(
        jurisdictions=_frame(jurisdictions, JurisdictionRow),
        events=_frame(events, EventRow).sort_values(["date", "event_id"], ignore_index=True),
        sources=_frame(sources, SourceRow),
        warnings=warnings,
    )


def read_jurisdictions(folder: Path, problems: list[files.Problem], warnings: list[files.Problem]) -> dict[int, JurisdictionRow]:
    """Jurisdictions that pass their own checks, each once, by row."""
    jurisdictions = files.read_rows(folder / JURISDICTIONS_FILE, JurisdictionRow, problems, warnings)
    jurisdictions = _unique(jurisdictions, "jurisdiction_id", JURISDICTIONS_FILE, problems)
    for line, row in list(jurisdictions.items()):
        for column, expected, found in row.cross_check():
            problems.append(files.Problem(JURISDICTIONS_FILE, line, column, expected, found))
            jurisdictions.pop(line, None)
    return jurisdictions


def _read_events(folder: Path, known: set[str], problems: list[files.Problem], warnings: list[files.Problem]) -> dict[int, EventRow]:
    """Events whose jurisdictions are ``known`` (unknown ids are dropped, and a row left with none) and whose date is in range."""
    events = files.read_rows(folder / EVENTS_FILE, EventRow, problems, warnings)
    events = _unique(events, "event_id", EVENTS_FILE, problems)
    for line, event in list(events.items()):
        unknown = [j for j in event.jurisdiction_ids if j not in known]
        for j in unknown:
            problems.append(files.Problem(EVENTS_FILE, line, "jurisdiction_ids", f"an id listed in {JURISDICTIONS_FILE}", files.shown(j)))
        if unknown:
            kept = tuple(j for j in event.jurisdiction_ids if j in known)
            if kept:
                events[line] = event.model_copy(update={"jurisdiction_ids": kept})
            else:
                events.pop(line)
                continue
        if not (EARLIEST_DATE <= event.date <= LATEST_DATE):
            problems.append(files.Problem(EVENTS_FILE, line, "date", f"a day from {EARLIEST_DATE} to {LATEST_DATE}", str(event.date)))
            events.pop(line)
    return events


def _read_sources(folder: Path, event_ids: set[str], problems: list[files.Problem], warnings: list[files.Problem]) -> dict[int, SourceRow]:
    """Sources of the events kept (``event_ids``)."""
    sources = files.read_rows(folder / SOURCES_FILE, SourceRow, problems, warnings)
    for line, source in list(sources.items()):
        if source.event_id not in event_ids:
            problems.append(files.Problem(SOURCES_FILE, line, "event_id", f"an id listed in {EVENTS_FILE}", files.shown(source.event_id)))
            sources.pop(line)
    return sources


def _drop_unsourced(events: dict[int, EventRow], sources: dict[int, SourceRow], problems: list[files.Problem]) -> None:
    """Leave out the events with no source, or with undated sources only."""
    sourced = {source.event_id for source in sources.values()}
    dated = {source.event_id for source in sources.values() if source.published is not None}
    for line, event in list(events.items()):
        if event.event_id not in sourced:
            found = f"none for {event.event_id!r}"
            problems.append(files.Problem(EVENTS_FILE, line, "event_id", f"at least one source in {SOURCES_FILE}", found))
            events.pop(line)
        elif event.event_id not in dated:
            problems.append(
                files.Problem(
                    EVENTS_FILE,
                    line,
                    "event_id",
                    f"at least one source with a 'published' date in {SOURCES_FILE}",
                    f"only undated sources for {event.event_id!r}",
                )
            )
            events.pop(line)


def _check_slug(v: str) -> str:
    if not _SLUG.fullmatch(v):
        raise ValueError("lowercase letters, digits and single hyphens, such as 'ca-los-angeles'")
    return v


def _each_once(parts: tuple[str, ...], what: str) -> tuple[str, ...]:
    twice = sorted({p for p in parts if parts.count(p) > 1})
    if twice:
        raise ValueError(f"each {what} once ({', '.join(repr(p) for p in twice)} is listed more than once)")
    return parts


def _check_text(v: str, limit: int) -> str:
    if not v:
        raise ValueError("some text")
    return _check_length(v, limit)


def _check_length(v: str, limit: int) -> str:
    if len(v) > limit:
        raise ValueError(f"at most {limit} characters")
    return v


_WRITTEN_DATE = {
    "day": re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"),
    "month": re.compile(r"([0-9]{4})-([0-9]{2})"),
    "year": re.compile(r"([0-9]{4})"),
}


def _precision_of(v: object) -> str:
    text = v.strip() if isinstance(v, str) else ""
    return next((p for p, pattern in _WRITTEN_DATE.items() if pattern.fullmatch(text)), "day")


def _parse_written_date(v: str) -> date:
    """The day an event counts from, for a date written YYYY-MM-DD, YYYY-MM (month known) or YYYY (year known)."""
    text = v.strip() if isinstance(v, str) else ""
    match = next((m for m in (pattern.fullmatch(text) for pattern in _WRITTEN_DATE.values()) if m), None)
    if match is None:
        raise ValueError("a date written YYYY-MM-DD, or YYYY-MM when only the month is known, or YYYY when only the year is")
    try:
        day = status.counts_from(*(int(part) for part in match.groups()))
    except ValueError as error:
        expected = "a real calendar day written YYYY-MM-DD" if len(match.groups()) == 3 else "a real month written YYYY-MM"
        raise ValueError(expected) from error
    return day  # the range is checked with the row, so that its message names the span


def written_date(day: date, precision: str) -> str:
    """An event's date as the records write it: only as much of it as is known."""
    return {"day": day.isoformat(), "month": f"{day:%Y-%m}", "year": f"{day:%Y}"}[precision]


def _parse_day(v: str, last: date = date(2100, 1, 1)) -> date:
    if not isinstance(v, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v.strip()):
        raise ValueError("a day written YYYY-MM-DD")
    try:
        day = date.fromisoformat(v.strip())
    except ValueError as error:
        raise ValueError("a real calendar day written YYYY-MM-DD") from error
    if not (EARLIEST_DATE <= day <= last):
        raise ValueError(f"a day from {EARLIEST_DATE} to {last}")
    return day


def _unique(rows: dict[int, files.Row], key: str, name: str, problems: list[files.Problem]) -> dict[int, files.Row]:
    first_line: dict[str, int] = {}
    for line, row in list(rows.items()):
        value = getattr(row, key)
        if value in first_line:
            problems.append(files.Problem(name, line, key, f"a unique {key}", f"{value!r}, already on row {first_line[value]}"))
            rows.pop(line)
        else:
            first_line[value] = line
    return rows


def _frame(rows: dict[int, files.Row], model: type[files.Row]) -> pd.DataFrame:
    data = [dict(row.model_dump(), row=line) for line, row in rows.items()]
    return pd.DataFrame(data, columns=[*model.model_fields, "row"])
