"""The kinds of jurisdiction: the one home of each kind's name, the layer of shapes that draws it on the
map and the digits of its Census GEOID."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# As the records' ``kind`` column writes them (records.JurisdictionRow checks it).
Key = Literal["nation", "state", "county", "city"]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    layer: str  # the layer of geodata/ whose shapes draw it ("" for the nation, which is not drawn)
    geoid_digits: int  # 0 for the nation, which has no GEOID


KINDS = {
    kind.key: kind
    for kind in (
        Kind("nation", "Nation", "", 0),
        Kind("state", "State", "states", 2),
        Kind("county", "County", "counties", 5),
        Kind("city", "City", "cities", 7),
    )
}
# The kinds drawn on the map, largest first.
MAPPED = tuple(key for key, kind in KINDS.items() if kind.layer)
# The digits of a GEOID in each layer of shapes.
GEOID_DIGITS = {kind.layer: kind.geoid_digits for kind in KINDS.values() if kind.layer}
