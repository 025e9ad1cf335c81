"""The day as a table: every jurisdiction on record, its status on all three dimensions, its latest event.

An alternative to the map for people who cannot use one, and for anyone who asks "which places,
exactly". One row per mapped jurisdiction; ``narrow`` applies the reader's filters and search.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import date

import pandas as pd

from sanctuarymap.data import basis, kinds, records, status

# Column names as the reader sees them; the jurisdiction id is kept (hidden) to select a row's place.
PLACE, KIND, STATE, LATEST_DAY, LATEST_KIND = "Place", "Kind", "State", "Latest event", "Latest event kind"
BASIS = "Status rests on"  # basis.BASES: its own act, a tracker's list, or a federal list
BASIS_HELP = (
    "own act: the place's own ordinance, order or sheriff's policy; tracker list: a third party's list (an advocacy "
    "group, law firm or law clinic) names it, and no own act of the place says otherwise; federal list: only a federal "
    "report, letter or finding names it"
)
KIND_NAMES = {key: kinds.KINDS[key].label for key in kinds.MAPPED}
COLUMNS = ["jurisdiction_id", PLACE, KIND, STATE, *(d.label for d in status.DIMENSIONS.values()), BASIS, LATEST_DAY, LATEST_KIND]


def of_day(recs: records.Records, changes: pd.DataFrame, names: dict[str, str], day: date) -> pd.DataFrame:
    """One row per jurisdiction in ``names`` (their order), with its categories on ``day`` as labels.

    The latest event is the latest one on or before ``day`` that concerns the place (ties by event id,
    as ``status`` orders them); a place with none has empty cells there.
    """
    ids = list(names)
    current = status.as_of(changes, ids, day)
    jurisdictions = recs.jurisdictions
    kind_of = {str(j): str(k) for j, k in zip(jurisdictions["jurisdiction_id"], jurisdictions["kind"])}
    state_of = {str(j): str(s) for j, s in zip(jurisdictions["jurisdiction_id"], jurisdictions["state"])}
    pairs = recs.event_jurisdictions
    past = pairs[(pairs["date"] <= day) & pairs["jurisdiction_id"].isin(ids)].sort_values(["date", "event_id"], kind="stable")
    # The last row of each place wins: rows are in date and event order.
    latest: dict[str, tuple[date, str]] = {str(j): (d, str(k)) for j, d, k in zip(past["jurisdiction_id"], past["date"], past["kind"])}
    table = pd.DataFrame(
        {
            "jurisdiction_id": ids,
            PLACE: [names[j] for j in ids],
            KIND: [KIND_NAMES.get(kind_of[j], kind_of[j]) for j in ids],
            STATE: [state_of[j] for j in ids],
        }
    )
    for key, dimension in status.DIMENSIONS.items():
        table[dimension.label] = [dimension.label_of(str(c)) for c in current.loc[ids, key]]
    table[BASIS] = basis.of_day(basis.kinds_of(recs), changes, ids, day)
    table[LATEST_DAY] = [latest[j][0] if j in latest else None for j in ids]
    table[LATEST_KIND] = [status.kind_label(latest[j][1]) if j in latest else "" for j in ids]
    return table[COLUMNS]


def narrow(
    table: pd.DataFrame,
    *,
    states: Collection[str] = (),
    kinds: Collection[str] = (),
    dimension_key: str = "sanctuary",
    categories: Collection[str] = (),
    search: str = "",
) -> pd.DataFrame:
    """The rows that pass every filter given; an empty filter passes every row.

    ``kinds`` are the ``kind`` values (``county``), ``categories`` the category keys of ``dimension_key``
    (``limits_cooperation``). ``search`` matches any part of the place's name, state or statuses,
    ignoring case.
    """
    keep = pd.Series(True, index=table.index)
    if states:
        keep &= table[STATE].isin(set(states))
    if kinds:
        keep &= table[KIND].isin({KIND_NAMES.get(k, k) for k in kinds})
    if categories:
        dimension = status.DIMENSIONS[dimension_key]
        keep &= table[dimension.label].isin({dimension.label_of(c) for c in categories if c in _keys(dimension)})
    words = search.strip().casefold()
    if words:
        text = table[[PLACE, STATE, *(d.label for d in status.DIMENSIONS.values()), BASIS, LATEST_KIND]].astype(str).agg(" ".join, axis=1)
        keep &= text.str.casefold().str.contains(words, regex=False)
    return table[keep].reset_index(drop=True)


def _keys(dimension: status.Dimension) -> set[str]:
    return {c.key for c in dimension.categories}


def states_of(table: pd.DataFrame) -> list[str]:
    """The state codes in the table, sorted: the choices of the state filter."""
    return sorted(s for s in set(table[STATE]) if s)


def widget_key(selected: str | None, *filters: object) -> str:
    """The table widget's key: a new one whenever the selection or a filter changes.

    Streamlit keeps a table's selection as row positions; once the rows or the selected place change,
    those positions would tick another row, so the table starts afresh (ticking the selected place's row).
    """
    digest = hashlib.sha256(repr((selected, filters)).encode("utf-8")).hexdigest()[:12]
    return f"table-{digest}"


def position_of(table: pd.DataFrame, jurisdiction_id: str | None) -> list[int]:
    """The row position of ``jurisdiction_id`` in ``table``, as a one-item list, or an empty list."""
    found = table.index[table["jurisdiction_id"] == jurisdiction_id]
    return [int(found[0])] if len(found) else []


def chosen(table: pd.DataFrame, rows: list[int]) -> str | None:
    """The jurisdiction of the first selected row position, or None (no row, or one out of range)."""
    if rows and 0 <= rows[0] < len(table):
        return str(table.iloc[rows[0]]["jurisdiction_id"])
    return None
