"""Everything the app draws from, loaded, checked and joined once."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from sanctuarymap.data import files, geodata, join, law, moments, records, status, year

# By these names in the class below, whose fields ``records`` and ``moments`` hide the modules.
Problem = files.Problem
Moment = moments.Moment


class Source(SimpleNamespace):
    """One source of an event, a field per column of the sources file. A class of this module, not the
    row class pandas makes for each frame: the disk cache (``load``) can then keep it."""


@dataclass
class Dataset:
    records: records.Records
    boundaries: geodata.Boundaries
    changes: pd.DataFrame  # status.timeline of the records
    drawn: pd.DataFrame  # join.drawn_shapes of the jurisdictions that have a shape
    views: pd.DataFrame  # geodata.views, by jurisdiction_id
    counts: pd.DataFrame  # status.daily_counts over the replayed span
    problems: list[Problem] = field(default_factory=list)
    # The editors' key moments and the state laws beneath local policy, read with the records (and
    # cached with them, by the files' version): their problems are in ``problems``.
    moments: list[Moment] = field(default_factory=list)
    state_laws: list[law.Standing] = field(default_factory=list)

    # Computed once per loaded dataset: every rerun of every session reads them.
    @cached_property
    def place_geometries(self) -> dict[str, Any]:
        """Each drawn place's geometry for the GeoJSON download (``geodata.place_geometries``): the same
        for every day, so worked out once, on the first download."""
        return geodata.place_geometries(self.boundaries, self.drawn)

    @cached_property
    def mapped_ids(self) -> list[str]:
        """Jurisdictions on the map (all but the nation), in name order."""
        jurisdictions = self.records.jurisdictions
        mapped = jurisdictions[jurisdictions["kind"] != "nation"].sort_values("name")
        return list(mapped["jurisdiction_id"])

    @property
    def first_day(self) -> date:
        return year.FIRST_DAY

    @property
    def last_day(self) -> date:
        return year.LAST_DAY

    @cached_property
    def names(self) -> dict[str, str]:
        """Display name of each mapped jurisdiction, in name order."""
        nation = set(self.records.jurisdictions.loc[self.records.jurisdictions["kind"] == "nation", "jurisdiction_id"])
        return dict(sorted(((j, name) for j, name in self.all_names.items() if j not in nation), key=lambda item: item[1]))

    @cached_property
    def state_codes(self) -> frozenset[str]:
        """The state codes the places on record are in (the table's state filter takes these)."""
        return frozenset(str(s) for s in self.records.jurisdictions["state"] if s)

    @cached_property
    def all_names(self) -> dict[str, str]:
        """Display name of every jurisdiction, the nation's too (national events name it)."""
        table = self.records.jurisdictions
        columns = zip(table["jurisdiction_id"], table["name"], table["kind"], table["state"])
        return {j: geodata.display_name(name, kind, state) for j, name, kind, state in columns}

    @cached_property
    def event_days(self) -> list[date]:
        """Days within the replayed span on which at least one event happened."""
        days = self.records.events["date"]
        return sorted({d for d in days if self.first_day <= d <= self.last_day})

    @cached_property
    def sources_by_event(self) -> dict[str, list[Any]]:
        """Each event's sources, as rows (``Source``, a field per column) in file order: built in one pass,
        read on every rerun."""
        by_event: dict[str, list[Any]] = {}
        columns = list(self.records.sources.columns)
        for values in self.records.sources.itertuples(index=False, name=None):
            source = Source(**dict(zip(columns, values)))
            by_event.setdefault(source.event_id, []).append(source)
        return by_event


def files_version(*folders: Path | str) -> str:
    """Path, size and modification time (ns) of every file in ``folders``, in one string that changes
    when any file does. A string, because the cache hashes it on every rerun: a tuple of tuples costs
    Streamlit's hasher 0.16 ms, a string 0.02 ms.

    A cache keyed by this reloads after an edit. It costs one directory listing per folder and one
    ``stat`` per file (about 0.035 ms for the two folders); no file is opened. Two edits that leave
    a file the same size within one tick of the file system's clock would look like one.
    """
    version: list[str] = []
    for folder in folders:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue  # a missing folder: the loader names each missing file
        for entry in entries:
            try:
                if entry.is_file():
                    stat = entry.stat()
                    version.append(f"{entry.path}:{stat.st_size}:{stat.st_mtime_ns}")
            except OSError:
                continue  # gone between the listing and the stat: the next call sees it
    return "\n".join(version)


@functools.lru_cache(maxsize=2)
def _boundaries(geodata_dir: str, version: str) -> tuple[geodata.Boundaries, list[Problem]]:
    """``geodata.read``, once per version of the files (``files_version``): an edit of the records, the
    usual one, reloads the records alone (the boundaries take about 0.6 s of CPU to read). Read only
    by ``load``, which never changes them."""
    return geodata.read(Path(geodata_dir))


def load(records_dir: Path, geodata_dir: Path) -> Dataset:
    """Read both folders; keep what is valid, list the rest.

    Every jurisdiction kept has all its shapes, and no shape draws two jurisdictions
    (``join.check``): those that would are left out of the records, with a problem each. The server
    loads through ``edition.load``, which keeps the result on disk and builds what the page is handed.
    """
    return _load(Path(records_dir), Path(geodata_dir))


def _load(records_dir: Path, geodata_dir: Path) -> Dataset:
    boundaries, geodata_problems = _boundaries(str(geodata_dir), files_version(geodata_dir))
    recs, problems = join.read(records_dir, boundaries)
    problems = geodata_problems + problems
    drawn = join.drawn_shapes(recs.jurisdictions)
    changes = status.timeline(recs.event_jurisdictions)
    mapped = recs.jurisdictions.loc[recs.jurisdictions["kind"] != "nation", "jurisdiction_id"]
    data = Dataset(
        records=recs,
        boundaries=boundaries,
        changes=changes,
        drawn=drawn,
        views=geodata.views(boundaries, drawn),
        counts=status.daily_counts(changes, mapped, year.FIRST_DAY, year.LAST_DAY),
        problems=problems,
    )
    data.moments, moment_problems = moments.read(records_dir / moments.FILE, recs.events, data.names)
    data.state_laws, law_problems = law.read(records_dir / law.FILE, recs.events, recs.jurisdictions)
    data.problems += moment_problems + law_problems
    return data
