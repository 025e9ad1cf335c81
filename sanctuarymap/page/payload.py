"""What the page holds to replay the year by itself: every status change, sent once.

The page fetches this payload (JSON, served as a static file named by its content hash) with the
shapes, and paints any day from it: the category of a place on day D is the category of its latest
change on or before D, or the dimension's first category if it has none.  The rules that turn events
into changes stay in ``status``; the page only looks changes up.  README.md ("The changes payload")
documents the format; ``static/js/sanctuarymap.js`` reads it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypedDict, cast

import pandas as pd

from sanctuarymap.data import status, year

VERSION = 1
# The caption names at most this many of a day's events; the page says how many more there were.
CAPTION_EVENTS = 3


class DimensionChanges(TypedDict):
    key: str  # status.DIMENSIONS key: "sanctuary", "pressure", "lawsuit"
    label: str  # "Sanctuary status"
    labels: list[str]  # category labels; a category index points into this list
    colours: list[str]  # "#rrggbb" per category, same order
    faded: list[str]  # "#rrggbb" per category: its look on a place unchanged while two days are compared
    terms: list[str]  # per category, the glossary entry that explains it (glossary.CATEGORY_TERMS), or ""
    changes: list[list[int]]  # per place: [day, category, day, category, ...], days ascending


class ChangesPayload(TypedDict):
    version: int
    first_day: str  # ISO day of day index 0 (1 January 2017)
    last_day: str  # ISO day of the last day the page shows
    day_labels: list[list[str]]  # per day index from first_day to last_day: [long, short] (year.day_label, year.short_day_label)
    places: list[list[str]]  # [jurisdiction_id, display name]; a place index points into this list
    shapes: list[list[Any]]  # [shape key "layer:GEOID", place index]: the shapes the page colours
    kinds: list[str]  # event kind labels; a kind index points into this list
    dimensions: list[DimensionChanges]
    no_record: list[str]  # [label, "#rrggbb"]: the map's ground, where no place on record is drawn
    strokes: dict[str, str]  # the map's lines, "#rrggbb" by name (status.STROKES): the page's CSS variables --sm-<name>
    # Names the map writes on itself: [text, latitude, longitude, "state" or "city", west, east]; a
    # state's name shows where its shape is wide enough, a city's where it does not cover another.
    labels: list[list[Any]]
    # Per day with events: [day, number of events, [[kind index, [place index, ...]], ...]], days
    # ascending, at most CAPTION_EVENTS events listed, those that change a colour first. An event whose
    # date is known only to the month or the year (it counts from that period's last day) has a third
    # element, "month" or "year".
    events: list[list[Any]]


def build(
    changes: pd.DataFrame,
    events: pd.DataFrame,
    drawn: pd.DataFrame,
    names: dict[str, str],
    first: date,
    last: date,
    labels: list[list[Any]] | None = None,
    terms: Mapping[str, str] | None = None,
) -> ChangesPayload:
    """The payload for ``changes`` (``status.timeline``), the ``events`` of the records and the ``drawn`` shapes.

    ``names`` gives the display name of every jurisdiction (the nation's too); labels and colours come
    from ``status``; ``labels`` are the names the map writes on itself (``geodata.labels``); ``terms`` names
    the glossary entry that explains a category (``glossary.CATEGORY_TERMS``), for the legend to link to.  A change
    before ``first`` gets day -1: only the last one of each place and dimension is kept, since the page never shows a day before ``first``.
    """
    place_index = {j: i for i, j in enumerate(names)}
    relevant = changes[changes["date"] <= last]
    shapes = [[f"{layer}:{geoid}", place_index[j]] for layer, geoid, j in zip(drawn["layer"], drawn["geoid"], drawn["jurisdiction_id"])]
    return ChangesPayload(
        version=VERSION,
        first_day=first.isoformat(),
        last_day=last.isoformat(),
        day_labels=day_labels(first, last),
        places=[[j, name] for j, name in names.items()],
        shapes=shapes,
        kinds=[kind.label for kind in status.EVENT_KINDS.values()],
        dimensions=[_dimension_changes(dimension, relevant, place_index, first, terms or {}) for dimension in status.DIMENSIONS.values()],
        events=_caption_days(events, place_index, first, last),
        no_record=[status.NO_RECORD.label, status.NO_RECORD.colour],
        strokes=dict(status.STROKES),
        labels=labels or [],
    )


def day_labels(first: date, last: date) -> list[list[str]]:
    """How the page writes each day from ``first`` to ``last``, as the server does: the page formats no date."""
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [[year.day_label(day), year.short_day_label(day)] for day in days]


def _dimension_changes(
    dimension: status.Dimension, changes: pd.DataFrame, place_index: dict[str, int], first: date, terms: Mapping[str, str]
) -> DimensionChanges:
    """One dimension's labels, colours and, per place, its changes as a flat [day, category, ...] list."""
    order = {c.key: i for i, c in enumerate(dimension.categories)}
    per_place: list[list[int]] = [[] for _ in place_index]
    rows = changes[changes["dimension"] == dimension.key]
    for jurisdiction_id, day, category in zip(rows["jurisdiction_id"], rows["date"], rows["category"]):
        if jurisdiction_id not in place_index:
            continue
        flat = per_place[place_index[jurisdiction_id]]
        offset = max(-1, (day - first).days)
        if flat and flat[-2] == offset:
            flat[-1] = order[category]  # the same day again: the later change wins, as in status.as_of
        else:
            flat.extend((offset, order[category]))
    return DimensionChanges(
        key=dimension.key,
        label=dimension.label,
        labels=[c.label for c in dimension.categories],
        colours=[c.colour for c in dimension.categories],
        faded=[status.faded(c.colour) for c in dimension.categories],
        terms=[terms.get(c.key, "") for c in dimension.categories],
        changes=per_place,
    )


def _caption_days(events: pd.DataFrame, place_index: dict[str, int], first: date, last: date) -> list[list[Any]]:
    """Per day with events from ``first`` to ``last``: its index, how many, and the first CAPTION_EVENTS of them."""
    kind_index = {k: i for i, k in enumerate(status.EVENT_KINDS)}
    days = []
    in_span = events[(events["date"] >= first) & (events["date"] <= last)]
    for day, group in in_span.groupby("date", sort=True):
        # Events that move a colour come first in the caption, then statements and federal actions.
        ordered = group.sort_values("kind", key=lambda kinds: kinds.map(lambda k: status.EVENT_KINDS[k].rule is None), kind="stable")
        precisions = ordered["date_precision"] if "date_precision" in ordered else ["day"] * len(ordered)
        listed = [
            [kind_index[kind], [place_index[j] for j in ids if j in place_index]] + ([] if precision == "day" else [precision])
            for kind, ids, precision in zip(
                ordered["kind"][:CAPTION_EVENTS], ordered["jurisdiction_ids"][:CAPTION_EVENTS], list(precisions)[:CAPTION_EVENTS]
            )
        ]
        days.append([(cast(date, day) - first).days, len(group), listed])
    return days


def encode(payload: ChangesPayload) -> bytes:
    """The payload as compact UTF-8 JSON, the same bytes for the same payload."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def file_name(body: bytes) -> str:
    """``changes-<first 16 hex digits of the SHA-256>.json``: another content, another name, so no stale cache."""
    return f"changes-{hashlib.sha256(body).hexdigest()[:16]}.json"


# What the published payloads besides the live one may take up together (one with every county is
# about 310 KB): past it, even the previous payload goes.
MAX_GENERATED_BYTES = 32 * 1024 * 1024


def publish(body: bytes, folder: Path) -> str:
    """Write ``body`` into ``folder`` under its content-hash name, once; return the name.

    Servers sharing a checkout may publish at the same moment: the file is written to a temporary
    name and moved into place, so a reader never sees half of it. Each new payload prunes the others
    (``_prune``): the folder holds the live payload and the one before it, never a pile of them.
    """
    name = file_name(body)
    target = Path(folder) / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".changes-", suffix=".tmp")
        with os.fdopen(handle, "wb") as f:
            f.write(body)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
        _prune(target.parent, keep=name)
    return name


def _prune(folder: Path, keep: str, cap: int = MAX_GENERATED_BYTES, stale_tmp_s: float = 3_600) -> None:
    """Remove every payload but ``keep`` and the newest other one, which a page opened before the edit
    may still be fetching; that one too if it would take the folder past ``cap`` bytes. A server still
    showing a removed payload writes it again on its next run (``publish`` finds it missing), so
    removing one another server uses costs its page a retry at worst."""
    others = []
    for path in folder.glob("changes-*.json"):
        try:
            if path.name != keep:
                others.append((path.stat().st_mtime_ns, path.name, path))
        except OSError:
            pass  # another server removed it first
    others.sort(reverse=True)
    try:
        budget = cap - (folder / keep).stat().st_size
    except OSError:
        budget = cap
    for position, (_, _, path) in enumerate(others):
        try:
            if position == 0 and path.stat().st_size <= budget:
                continue
            path.unlink()
        except OSError:
            pass
    # A temporary file a server left when it stopped half-way through a write.
    now = time.time()
    for path in folder.glob(".changes-*.tmp"):
        try:
            if now - path.stat().st_mtime > stale_tmp_s:
                path.unlink()
        except OSError:
            pass
