"""The readers' tools' part of the view: the table and its filters, the compared day, the story's moment.

Like ``view``, it round-trips through the URL (``?table=on&states=TX&find=austin&compare=2017-01-25&moment=3``)
so that a link restores it; anything in a URL that does not make sense is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, MutableMapping
from datetime import date
from typing import Any

import pandas as pd

from sanctuarymap.data import kinds, status
from sanctuarymap.reader import moments, table, view

KINDS = kinds.MAPPED
MAX_SEARCH = 100  # characters of search text kept from a URL


def _split(value: str | None, allowed: Collection[str]) -> list[str]:
    seen: list[str] = []
    for part in (value or "").split(","):
        if part in allowed and part not in seen:
            seen.append(part)
    return seen


def _search_text(value: object) -> str:
    """Search text from a URL: at most MAX_SEARCH characters, without control or invisible characters."""
    text = value if isinstance(value, str) else ""
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))[:MAX_SEARCH]


def settle(
    session: MutableMapping[str, Any],
    query: Mapping[str, str],
    first: date,
    last: date,
    state_codes: Collection[str],
    moments: int,
) -> None:
    """On a session's first run, the tools' widgets' values from the URL; later runs keep the session's."""
    if "tools_settled" in session:
        return
    session["tools_settled"] = True
    session["table"] = query.get("table") == "on"
    session["table_find"] = _search_text(query.get("find"))
    session["table_states"] = _split(query.get("states"), set(state_codes))
    session["table_kinds"] = _split(query.get("kinds"), KINDS)
    categories = {c.key for d in status.DIMENSIONS.values() for c in d.categories}
    session["table_categories"] = _split(query.get("categories"), categories)
    session["compare"] = view.ascii_day(query.get("compare"), first, last)
    session["comparing"] = session["compare"] is not None
    # ASCII digits only: str.isdigit() and int() also take "²", "①" and the full-width "１".
    moment = query.get("moment")
    number = int(moment) if isinstance(moment, str) and re.fullmatch(r"[0-9]{1,4}", moment) else 0
    session["story"] = 1 <= number <= moments
    session["moment"] = number - 1 if session["story"] else 0


def to_query(session: Mapping[str, Any]) -> dict[str, str]:
    """The tools' part of the URL: only what differs from the defaults."""
    query: dict[str, str] = {}
    if session.get("table"):
        query["table"] = "on"
        for key, name in (("table_states", "states"), ("table_kinds", "kinds"), ("table_categories", "categories")):
            if session.get(key):
                query[name] = ",".join(session[key])
        if session.get("table_find"):
            query["find"] = str(session["table_find"])
    if isinstance(session.get("compare"), date):
        query["compare"] = session["compare"].isoformat()
    if session.get("story"):
        query["moment"] = str(int(session.get("moment", 0)) + 1)
    return query


def fit_categories(session: MutableMapping[str, Any], dimension_key: str) -> None:
    """Keep only the category filters of the colouring shown (a change of colouring drops the others)."""
    keys = {c.key for c in status.DIMENSIONS[dimension_key].categories}
    kept = [c for c in session.get("table_categories", []) if c in keys]
    if kept != session.get("table_categories"):
        session["table_categories"] = kept


def select_from_table(session: MutableMapping[str, Any], shown: pd.DataFrame, widget_key: str) -> None:
    """A row ticked in the table selects its place, as a click on the map does, and the map flies to it;
    a row unticked clears the selection."""
    state = session.get(widget_key)
    rows = list(state["selection"]["rows"]) if state is not None else []
    place = table.chosen(shown, rows)
    session["selected"] = place
    session["fly_to"] = place


def go_to_moment(session: MutableMapping[str, Any], story: list[moments.Moment], index: int) -> None:
    """Tell moment ``index`` of ``story``: its day, its colouring and its view (the place selected and
    flown to, or the region fitted). The map page moves to the day because ``day_set`` grows."""
    if not story:
        return
    index = max(0, min(index, len(story) - 1))
    moment = story[index]
    session["moment"] = index
    session["day"] = moment.day
    session["day_set"] = int(session.get("day_set", 0)) + 1
    session["colour"] = moment.colour
    session["selected"] = moment.jurisdiction_id
    session["fly_to"] = moment.jurisdiction_id
    session["fit"] = moments.fit(moment)
    session["fit_set"] = int(session.get("fit_set", 0)) + 1


def start_compare(session: MutableMapping[str, Any]) -> None:
    """The "Compare with another day" switch: turned on, it compares with the day shown (the calendar opens
    there, and the reader moves either day); turned off, it stops comparing."""
    session["compare"] = session.get("day") if session.get("comparing") else None


def start_story(session: MutableMapping[str, Any], story: list[moments.Moment]) -> None:
    """The Key moments switch: turned on, it tells the moment the reader was at (the first, at first);
    turned off, it leaves the map as it is, to explore from there."""
    if session.get("story"):
        go_to_moment(session, story, int(session.get("moment", 0)))


def map_extras(session: Mapping[str, Any]) -> dict[str, Any]:
    """What the tools add to the map page's view (``maps.view``): the compared day, and the region a key
    moment fits with the count of times one was set. Nothing while neither is in use."""
    extras: dict[str, Any] = {}
    if isinstance(session.get("compare"), date):
        extras["compare"] = session["compare"].isoformat()
    if session.get("fit") is not None:
        extras["fit"] = session["fit"]
        extras["fitSet"] = int(session.get("fit_set", 0))
    return extras
