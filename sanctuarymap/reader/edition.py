"""One edition of the map: what every reader of one version of the files is shown, built once.

The loaded, joined dataset (``dataset.load``), the payload the map page replays from (``payload.build``)
and the chart's rows; kept on disk by the content of the files and of this package's code, so that a new
server process starts from it instead of loading afresh (with every county on record, a cold server took
ten seconds to its first map).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import shapely

from sanctuarymap.data import dataset, geodata, status
from sanctuarymap.page import payload
from sanctuarymap.reader import chart, glossary


@dataclass
class Edition:
    data: dataset.Dataset

    @cached_property
    def changes_body(self) -> bytes:
        """The changes payload the page replays from, as the JSON bytes served to it."""
        data = self.data
        labels = geodata.labels(data.boundaries, data.drawn, data.records.jurisdictions)
        built = payload.build(
            data.changes, data.records.events, data.drawn, data.all_names, data.first_day, data.last_day, labels, glossary.CATEGORY_TERMS
        )
        return payload.encode(built)

    @cached_property
    def chart_areas(self) -> dict[str, pa.Table]:
        """The chart's rows for each dimension: the same on every day, so built once, and handed to
        Streamlit as Arrow (what it sends), which spares it a conversion from pandas on every rerun."""
        data = self.data
        return {key: pa.Table.from_pandas(chart.areas(data.counts, key, data.first_day), preserve_index=False) for key in status.DIMENSIONS}


def load(records_dir: Path, geodata_dir: Path, *, freeze: bool = False, version: object = None, cache: Path | None = None) -> Edition:
    """``dataset.load`` of both folders, with what the page and the chart are handed.

    ``freeze`` is for a server that keeps the edition until its files change: everything derived from it
    is computed now and moved out of the garbage collector's reach. ``version`` is not read: it is for the
    caller's cache key (``dataset.files_version``).

    ``cache``, a folder: the edition is kept there as a file named by the content of both folders and of
    this package's code (``cache_key``), and read back instead of loading when it exists. The folder holds
    only files this function writes: it must not be writable by anyone untrusted (pickle).
    """
    if freeze:
        # Let the collector reach the editions an earlier edit replaced (their cache let them go).
        gc.unfreeze()
        gc.collect()
    cached = Path(cache) / f"edition-{cache_key(records_dir, geodata_dir)}.pickle" if cache else None
    edition = _read_cached(cached) if cached else None
    if edition is None:
        edition = Edition(dataset.load(Path(records_dir), Path(geodata_dir)))
        if freeze or cached:
            _derive(edition, private=False)
        if cached:
            _write_cached(cached, edition)
    if freeze:
        _derive(edition, private=True)
        # Streamlit runs a full garbage collection after every script run; with every county on
        # record it walked ~730,000 loaded objects each time, 390 ms a rerun (docs/benchmarks.md).
        gc.freeze()
    return edition


def _derive(edition: Edition, *, private: bool) -> None:
    """Compute every cached part of the edition and its dataset now (the private ones, the per-day
    caches, only when ``private``: they are never kept on disk)."""
    for owner in (edition, edition.data):
        for name, member in vars(type(owner)).items():
            if isinstance(member, cached_property) and (private or not name.startswith("_")):
                getattr(owner, name)


# The whole package: the pickled edition holds objects of its data, page and reader layers.
PACKAGE = Path(__file__).resolve().parents[1]


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
        if folder == PACKAGE:
            entries = sorted((entry for entry in _code_files(PACKAGE)), key=lambda entry: entry.path)
        for entry in entries:
            if entry.is_file() and not entry.name.endswith(".pyc"):
                digest.update(entry.name.encode() + b"\0")
                try:
                    digest.update(hashlib.sha256(Path(entry.path).read_bytes()).digest())
                except OSError:
                    digest.update(b"unreadable\0")
    return digest.hexdigest()[:32]


def _code_files(folder: Path) -> list[os.DirEntry[str]]:
    """Every file of the package's code, in every layer's folder."""
    found: list[os.DirEntry[str]] = []
    for entry in os.scandir(folder):
        if entry.is_dir() and entry.name != "__pycache__":
            found += _code_files(Path(entry.path))
        elif entry.is_file() and entry.name.endswith(".py"):
            found.append(entry)
    return found


def _read_cached(path: Path) -> Edition | None:
    try:
        with path.open("rb") as f:
            data = pickle.load(f)  # noqa: S301 (a file this function's own process wrote; see load)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 (a torn or stale file: loaded afresh and written again)
        return None
    return data if isinstance(data, Edition) else None


def _write_cached(path: Path, data: Edition) -> None:
    """Written beside, then renamed: a reader never sees half a file; older datasets are removed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".edition-", delete=False) as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, path)
        for old in path.parent.glob("edition-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs the next start its time
