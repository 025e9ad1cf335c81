"""Reading the project's files safely: only a regular file inside its folder, up to its size cap, and a
CSV file row by row, each bad row a ``Problem`` naming the file, row and column while the rest loads.

Every loader reads through here: the records, the boundaries and city points, the key moments and the
state laws.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

MAX_FILE_BYTES = 10 * 1024 * 1024

# The editors' small files (key moments, state laws): a few dozen rows each.
MAX_SMALL_FILE_BYTES = 1024 * 1024

# Characters of a cell a message quotes: a longer one is cut short.
QUOTED_CHARACTERS = 60

# Any part of a problem (a file or column name, what was found): longer ones are cut short too.
_LONGEST_MESSAGE_PART = 300

# Columns the loader adds, never read from a file: a date's precision follows from how it is written.
DERIVED_COLUMNS = frozenset({"date_precision"})

# A row model (JurisdictionRow, EventRow, SourceRow, geodata.CityPointRow).
Row = TypeVar("Row", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    expected: str
    found: str

    def __post_init__(self) -> None:
        # Whatever a check put in a message, it is never a whole cell: a 100,000-character cell quoted
        # in full would push the page far down. ``shown`` cuts a quoted cell at QUOTED_CHARACTERS.
        for name in ("file", "column", "expected", "found"):
            value = getattr(self, name)
            if isinstance(value, str) and len(value) > _LONGEST_MESSAGE_PART:
                object.__setattr__(self, name, value[: _LONGEST_MESSAGE_PART - 3] + "...")

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: expected {self.expected}, found {self.found}"


def read_rows(
    path: Path,
    model: type[Row],
    problems: list[Problem],
    warnings: list[Problem],
    limit: int = MAX_FILE_BYTES,
    *,
    optional: bool = False,
) -> dict[int, Row]:
    """Valid rows of one CSV file by line number; problems for the rest and for the file itself.

    Also reads ``geodata/``'s city points and the editors' key moments and state laws, with models of
    their own. ``limit`` is the file's size cap; ``optional``: a missing file has no rows and no problem.
    """
    name = path.name
    columns = [c for c in model.model_fields if c not in DERIVED_COLUMNS]
    text = _read_text(path, problems, limit, optional)
    if text is None:
        return {}
    if not text.strip():
        problems.append(Problem(name, None, None, "a header row: " + ",".join(columns), "an empty file"))
        return {}
    rows = _split_rows(text, name, problems)
    if rows[0] is None or _undecodable(name, 1, rows[0], problems):
        return {}
    header = [h.strip() for h in rows[0]]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    for h in duplicated:
        problems.append(Problem(name, 1, h, "each column once in the header", f"{header.count(h)} columns named {h!r}"))
    missing = [c for c in columns if c not in header]
    for c in missing:
        found = "a single column (is the file separated by ';' or tabs instead of commas?)" if len(header) == 1 else "no such column"
        problems.append(Problem(name, 1, c, "a column named " + repr(c), found))
    if missing or duplicated:
        return {}
    for extra in (h for h in header if h not in columns):
        warnings.append(Problem(name, 1, extra, "only the documented columns", "an extra column, ignored"))

    if all(cells is not None and not any(c.strip() for c in cells) for cells in rows[1:]):
        problems.append(Problem(name, None, None, "at least one row below the header", "only the header row"))
        return {}
    valid: dict[int, Row] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if cells is None or not any(c.strip() for c in cells):
            continue  # a row already reported as malformed, or a blank line as spreadsheets leave at the end
        if _undecodable(name, line, cells, problems, header):
            continue
        if len(cells) != len(header):
            problems.append(Problem(name, line, None, f"{len(header)} cells", f"{len(cells)} (a truncated or misquoted row?)"))
            continue
        values = dict(zip(header, cells))
        try:
            valid[line] = model.model_validate(values)
        except ValidationError as error:
            for detail in error.errors():
                column = str(detail["loc"][0]) if detail["loc"] else None
                expected = detail["msg"].removeprefix("Value error, ")
                problems.append(Problem(name, line, column, expected, shown(values.get(column or "", ""))))
    return valid


def read_bytes(path: Path, problems: list[Problem], limit: int = MAX_FILE_BYTES, *, optional: bool = False) -> bytes | None:
    """The bytes of a regular file that lies in its folder, or None with a problem saying why.

    Only a regular file is read, and never through a link: a symbolic link (to /etc/passwd, or to a
    file elsewhere in the checkout) or anything whose resolved path is outside the folder is a
    problem and is never opened; so is a file over ``limit`` bytes. ``optional``: a missing file is
    None with no problem. Problems name the folder by its name only: the page is public, the
    server's paths are not.
    """
    name, folder = path.name, path.parent.name
    try:
        if not os.path.lexists(path):
            if not optional:
                problems.append(Problem(name, None, None, f"a file in {folder}/", "no such file"))
            return None
        if path.is_symlink():
            problems.append(Problem(name, None, None, f"a regular file in {folder}/", "a symbolic link, which is never followed"))
            return None
        if path.resolve().parent != path.parent.resolve():
            problems.append(Problem(name, None, None, f"a regular file in {folder}/", "a path that leads outside it"))
            return None
        data = _read_regular(path, limit)
    except _NotRegular as error:
        problems.append(Problem(name, None, None, f"a regular file in {folder}/", str(error)))
        return None
    except _TooLarge as error:
        cap = f"{limit // 2**20} MB" if limit % 2**20 == 0 else _size(limit)
        problems.append(Problem(name, None, None, f"a file of at most {cap}", _size(error.size)))
        return None
    except OSError as error:
        problems.append(Problem(name, None, None, "a readable file", f"{type(error).__name__}: {error.strerror}"))
        return None
    return data


class _NotRegular(Exception):
    pass


class _TooLarge(Exception):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def _read_regular(path: Path, limit: int) -> bytes:
    """Open without following a link (O_NOFOLLOW) or waiting on a pipe (O_NONBLOCK), then read only a
    regular file of at most ``limit`` bytes: the checks above cannot be raced by a swapped file."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        found = os.fstat(descriptor)
    except OSError:
        os.close(descriptor)
        raise
    if not stat.S_ISREG(found.st_mode):
        os.close(descriptor)
        raise _NotRegular("a folder, device or pipe")
    if found.st_size > limit:
        os.close(descriptor)
        raise _TooLarge(found.st_size)
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _TooLarge(len(data))
    return data


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 2**10:.0f} KB"


def _read_text(path: Path, problems: list[Problem], limit: int = MAX_FILE_BYTES, optional: bool = False) -> str | None:
    """The file's text; bytes that are not UTF-8 become lone surrogates, for ``_undecodable`` to name by row."""
    data = read_bytes(path, problems, limit, optional=optional)
    if data is None:
        return None
    return data.decode("utf-8-sig", errors="surrogateescape")  # a BOM from Excel is harmless


def _split_rows(text: str, name: str, problems: list[Problem]) -> list[list[str] | None]:
    """The file's rows; a malformed one (a stray or unclosed quote) is reported and left as None.

    Reading starts again on the line after the one that began the bad row, so one
    stray quote costs that row, not the rest of the file.
    """
    lines = io.StringIO(text, newline="").readlines()
    rows: list[list[str] | None] = []
    start = 0
    while start < len(lines):
        reader = csv.reader((lines[i] for i in range(start, len(lines))), strict=True)
        read_to = 0  # lines of this pass taken by well-formed rows
        try:
            for cells in reader:
                rows.append(cells)
                read_to = reader.line_num
            break
        except csv.Error as error:
            problems.append(
                Problem(
                    name,
                    len(rows) + 1,
                    None,
                    "well-formed CSV (a quoted cell closed by a quote and then a comma or the end of the line)",
                    str(error),
                )
            )
            rows.append(None)
            start += read_to + 1
    return rows


def _undecodable(name: str, line: int, cells: list[str], problems: list[Problem], header: list[str] | None = None) -> bool:
    """Report a row holding bytes that were not UTF-8 (they decode to lone surrogates)."""
    for i, cell in enumerate(cells):
        bad = next((c for c in cell if "\udc80" <= c <= "\udcff"), None)
        if bad is not None:
            column = header[i] if header and i < len(header) else None
            problems.append(
                Problem(
                    name,
                    line,
                    column,
                    "UTF-8 text (save the file as 'CSV UTF-8')",
                    f"byte 0x{ord(bad) - 0xDC00:02x}, which is not UTF-8 (Latin-1 or Windows-1252?)",
                )
            )
            return True
    return False


def shown(value: str) -> str:
    """A cell as a message quotes it: cut short past ``QUOTED_CHARACTERS``, ``an empty cell`` when empty."""
    value = value if len(value) <= QUOTED_CHARACTERS else value[: QUOTED_CHARACTERS - 3] + "..."
    return repr(value) if value else "an empty cell"
