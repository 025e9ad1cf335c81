"""Everything the app draws from, loaded, checked and joined once."""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import sys
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import shapely

from sanctuarymap.data import files, geodata, join, records, status
from sanctuarymap.page import payload
from sanctuarymap.reader import chart, law, moments, story

# The span the page replays; earlier events only set where each jurisdiction starts the year
# (records.EARLIEST_DATE .. records.LATEST_DATE is the span an event may be dated in).
FIRST_DAY = date(2017, 1, 1)
LAST_DAY = date(2017, 12, 31)
# By these names in the class below, whose fields ``records`` and ``moments`` hide the modules.
Problem = files.Problem
Moment = moments.Moment


# Places' stories kept (Dataset.panel_html): a few KB each, so a few MB in all.
PANELS_KEPT = 2048


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
        return FIRST_DAY

    @property
    def last_day(self) -> date:
        return LAST_DAY

    @cached_property
    def names(self) -> dict[str, str]:
        """Display name of each mapped jurisdiction, in name order."""
        nation = set(self.records.jurisdictions.loc[self.records.jurisdictions["kind"] == "nation", "jurisdiction_id"])
        return dict(sorted(((j, name) for j, name in self.all_names.items() if j not in nation), key=lambda item: item[1]))

    @cached_property
    def all_names(self) -> dict[str, str]:
        """Display name of every jurisdiction, the nation's too (national events name it)."""
        table = self.records.jurisdictions
        columns = zip(table["jurisdiction_id"], table["name"], table["kind"], table["state"])
        return {j: geodata.display_name(name, kind, state) for j, name, kind, state in columns}

    @cached_property
    def changes_body(self) -> bytes:
        """The changes payload the page replays from, as the JSON bytes served to it."""
        labels = geodata.labels(self.boundaries, self.drawn, self.records.jurisdictions)
        built = payload.build(self.changes, self.records.events, self.drawn, self.all_names, self.first_day, self.last_day, labels)
        return payload.encode(built)

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

    @cached_property
    def changes_by_place(self) -> dict[str, Any]:
        """The positions of each jurisdiction's rows in ``changes``: the panel needs the status of one place
        only. Positions, not a frame per place: thousands of small frames took seconds to read back from
        the disk cache."""
        return {str(j): rows for j, rows in self.changes.groupby("jurisdiction_id", sort=False).indices.items()}

    def status_of(self, jurisdiction_id: str, day: date) -> pd.DataFrame:
        """``status.as_of`` for one jurisdiction, from its own changes (the same rule, a fraction of the rows)."""
        rows = self.changes.iloc[self.changes_by_place.get(jurisdiction_id, [])]
        return status.as_of(rows, [jurisdiction_id], day)

    def recent_html(self, day: date) -> str:
        """``story.recent_html`` of the events up to ``day``: the same for every reader of that day, so built
        once per day (it was about a fifth of a settled day's CPU)."""
        known = self._recent_by_day.get(day)
        if known is None:
            recent = story.recent_events(self.records, day)
            known = story.recent_html(recent, self.sources_by_event, day, self.names, story.count_on(self.records, day))
            self._recent_by_day[day] = known
        return known

    @cached_property
    def _recent_by_day(self) -> dict[date, str]:
        return {}

    def panel_html(self, jurisdiction_id: str, day: date, opened: int = 0) -> str:
        """``story.panel_html`` of one place on one day, beneath its state's law (``law.beneath``), with
        ``opened`` (``view.settle``'s count of places opened from the map): built once per (place, day,
        opened) and kept for the last ``PANELS_KEPT`` asked for. Readers with a place open redraw its story
        on every settled day; built afresh, it was most of such a day's CPU."""
        key = (jurisdiction_id, day, opened)
        with self._panels_lock:
            known = self._panels.get(key)
            if known is not None:
                self._panels.move_to_end(key)
                return known
        beneath = law.beneath(self.state_laws, self.records.jurisdictions, self.changes, jurisdiction_id, day)
        current = self.status_of(jurisdiction_id, day)
        built = story.panel_html(self.records, self.sources_by_event, current, jurisdiction_id, day, self.names, beneath, opened)
        with self._panels_lock:
            self._panels[key] = built
            while len(self._panels) > PANELS_KEPT:
                self._panels.popitem(last=False)
        return built

    @cached_property
    def _panels(self) -> OrderedDict[tuple[str, date, int], str]:
        return OrderedDict()

    @cached_property
    def _panels_lock(self) -> threading.Lock:
        return threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # What the disk cache keeps (``load``): not the stories built since, nor a lock.
        state = dict(vars(self))
        for name in ("_recent_by_day", "_panels", "_panels_lock"):
            state.pop(name, None)
        return state

    @cached_property
    def chart_areas(self) -> dict[str, pa.Table]:
        """The chart's rows for each dimension: the same on every day, so built once, and handed to
        Streamlit as Arrow (what it sends), which spares it a conversion from pandas on every rerun."""
        return {key: pa.Table.from_pandas(chart.areas(self.counts, key, self.first_day), preserve_index=False) for key in status.DIMENSIONS}


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


def load(records_dir: Path, geodata_dir: Path, *, freeze: bool = False, version: object = None, cache: Path | None = None) -> Dataset:
    """Read both folders; keep what is valid, list the rest.

    Every jurisdiction kept has all its shapes, and no shape draws two jurisdictions
    (``join.check``): those that would are left out of the records, with a problem each.

    ``freeze`` is for a server that keeps the dataset until its files change: everything derived
    from it is computed now and moved out of the garbage collector's reach. ``version`` is not
    read: it is for the caller's cache key (``files_version``).

    ``cache``, a folder: the loaded, joined and derived dataset is kept there as a file named by the
    content of both folders and of this package's code (``cache_key``), and read back instead of loading
    when it exists (with every county on record, seconds instead of the ten a cold server took). The
    folder holds only files this function writes: it must not be writable by anyone untrusted (pickle).
    """
    if freeze:
        # Let the collector reach the datasets an earlier edit replaced (their cache let them go).
        gc.unfreeze()
        gc.collect()
    cached = Path(cache) / f"dataset-{cache_key(records_dir, geodata_dir)}.pickle" if cache else None
    data = _read_cached(cached) if cached else None
    if data is None:
        data = _load(Path(records_dir), Path(geodata_dir))
        if freeze or cached:
            for name, member in vars(Dataset).items():
                if isinstance(member, cached_property) and not name.startswith("_"):
                    getattr(data, name)
        if cached:
            _write_cached(cached, data)
    if freeze:
        for name, member in vars(Dataset).items():
            if isinstance(member, cached_property):
                getattr(data, name)
        # Streamlit runs a full garbage collection after every script run; with every county on
        # record it walked ~730,000 loaded objects each time, 390 ms a rerun (docs/benchmarks.md).
        gc.freeze()
    return data


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
        counts=status.daily_counts(changes, mapped, FIRST_DAY, LAST_DAY),
        problems=problems,
    )
    data.moments, moment_problems = moments.read(records_dir / moments.FILE, recs.events, data.names)
    data.state_laws, law_problems = law.read(records_dir / law.FILE, recs.events, recs.jurisdictions)
    data.problems += moment_problems + law_problems
    return data


PACKAGE = Path(__file__).resolve().parent


def cache_key(*folders: Path | str) -> str:
    """A digest of every file's name and bytes in ``folders``, of this package's code, and of the versions
    of Python and the libraries whose objects the dataset holds: any change gives another key. Reading the
    shipped files costs a few milliseconds; every county's, about 10 MB, a few tens."""
    digest = hashlib.sha256()
    for part in (sys.version, pd.__version__, pa.__version__, gpd.__version__, shapely.__version__):
        digest.update(part.encode() + b"\0")
    for folder in (*folders, PACKAGE):
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            digest.update(b"missing\0")
            continue
        for entry in entries:
            if entry.is_file() and not entry.name.endswith(".pyc"):
                digest.update(entry.name.encode() + b"\0")
                try:
                    digest.update(hashlib.sha256(Path(entry.path).read_bytes()).digest())
                except OSError:
                    digest.update(b"unreadable\0")
    return digest.hexdigest()[:32]


def _read_cached(path: Path) -> Dataset | None:
    try:
        with path.open("rb") as f:
            data = pickle.load(f)  # noqa: S301 (a file this function's own process wrote; see load)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 (a torn or stale file: loaded afresh and written again)
        return None
    return data if isinstance(data, Dataset) else None


def _write_cached(path: Path, data: Dataset) -> None:
    """Written beside, then renamed: a reader never sees half a file; older datasets are removed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".dataset-", delete=False) as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, path)
        for old in path.parent.glob("dataset-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs the next start its time
