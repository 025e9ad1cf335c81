"""State law beneath local policy: what a place's state requires of its cities and counties.

``records/sanctuarymap-state-laws.csv`` names, for each state law that sets what local governments
must do (Texas SB 4, California's TRUST Act and SB 54 ...), the events from which it stands as the file
says: its enactment, then the rulings that changed its standing. On a day, a state's law is its latest
such row on or before the day; its direction (requires or limits cooperation) is the state's own
sanctuary status that day, from ``status``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict

from sanctuarymap.data import files, records, status

FILE = "sanctuarymap-state-laws.csv"
MAX_FILE_BYTES = files.MAX_SMALL_FILE_BYTES
MAX_NAME = 200  # characters of a law's name or standing
VERBS = {"requires_cooperation": "requires cooperation with ICE", "limits_cooperation": "limits cooperation with ICE"}


@dataclass(frozen=True)
class Standing:
    event_id: str
    day: date
    state_id: str
    law: str
    standing: str

    @property
    def name(self) -> str:
        """``SB 4, partly enjoined``, or the law's name alone."""
        return f"{self.law}, {self.standing}" if self.standing else self.law


class StandingRow(BaseModel):
    """A row of the file as written; ``read`` checks it against the records."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    event_id: str
    state_id: str
    law: str
    standing: str


def read(path: Path, events: pd.DataFrame, jurisdictions: pd.DataFrame) -> tuple[list[Standing], list[files.Problem]]:
    """The file's rows in date order, and a problem for each row left out (unknown event or state).

    Read as the records are (``files.read_rows``: a size cap, UTF-8, well-formed rows, problems
    named by file, row and column). A missing file is no laws and no problem.
    """
    problems: list[files.Problem] = []
    found = files.read_rows(Path(path), StandingRow, problems, problems, MAX_FILE_BYTES, optional=True)
    days = dict(zip(events["event_id"], events["date"]))
    states = set(jurisdictions.loc[jurisdictions["kind"] == "state", "jurisdiction_id"])
    rows: list[Standing] = []
    for line, row in found.items():
        if row.event_id not in days:
            problems.append(files.Problem(FILE, line, "event_id", f"an event_id of {records.EVENTS_FILE}", files.shown(row.event_id)))
        elif row.state_id not in states:
            problems.append(files.Problem(FILE, line, "state_id", "a state's jurisdiction_id", files.shown(row.state_id)))
        elif not row.law:
            problems.append(files.Problem(FILE, line, "law", "the law's short name", "nothing"))
        elif len(row.law) > MAX_NAME or len(row.standing) > MAX_NAME:
            column = "law" if len(row.law) > MAX_NAME else "standing"
            problems.append(files.Problem(FILE, line, column, f"at most {MAX_NAME} characters", f"{len(getattr(row, column))} characters"))
        else:
            rows.append(Standing(row.event_id, days[row.event_id], row.state_id, row.law, row.standing))
    return sorted(rows, key=lambda s: (s.day, s.event_id)), problems


def state_of(jurisdictions: pd.DataFrame, jurisdiction_id: str) -> str | None:
    """The jurisdiction id of a city's or county's state, or None (a state, the nation, a state not on record)."""
    place = jurisdictions.loc[jurisdictions["jurisdiction_id"] == jurisdiction_id]
    if place.empty or place.iloc[0]["kind"] not in ("city", "county"):
        return None
    state_id = str(place.iloc[0]["state"]).lower()
    return state_id if state_id in set(jurisdictions["jurisdiction_id"]) else None


def states_of(jurisdictions: pd.DataFrame) -> dict[str, str]:
    """``state_of`` for every city and county whose state is on record, in one pass."""
    on_record = set(jurisdictions["jurisdiction_id"])
    local = jurisdictions[jurisdictions["kind"].isin(["city", "county"])]
    found = {str(j): str(s).lower() for j, s in zip(local["jurisdiction_id"], local["state"])}
    return {j: s for j, s in found.items() if s in on_record}


def beneath(
    standings: list[Standing],
    jurisdictions: pd.DataFrame,
    changes: pd.DataFrame,
    jurisdiction_id: str,
    day: date,
    *,
    sanctuary: Mapping[str, str] | None = None,
    states: Mapping[str, str] | None = None,
) -> str | None:
    """ "Symbolic declaration only; state law (SB 4, partly enjoined) requires cooperation with ICE", or None.

    None when the place is not a city or county, its state has no law on record by ``day``, or the state
    neither requires nor limits cooperation that day. ``sanctuary``: every place's sanctuary status on
    ``day`` (``status.as_of``), and ``states`` (``states_of``), if worked out already (``day.Facts``).
    """
    state_id = state_of(jurisdictions, jurisdiction_id) if states is None else states.get(jurisdiction_id)
    if state_id is None:
        return None
    laws = [s for s in standings if s.state_id == state_id and s.day <= day]
    if not laws:
        return None
    both = status.as_of(changes, [jurisdiction_id, state_id], day)["sanctuary"] if sanctuary is None else sanctuary
    verb = VERBS.get(both[state_id])
    if verb is None:
        return None
    own = status.SANCTUARY.label_of(both[jurisdiction_id])
    return f"{own}; state law ({laws[-1].name}) {verb}"
