"""The kinds of jurisdiction have one home (kinds.KINDS): the records' check, the join and the table read it."""

from __future__ import annotations

from typing import get_args

from sanctuarymap.data import join, kinds
from sanctuarymap.reader import table, tools


def test_the_records_literal_lists_the_same_kinds():
    assert get_args(kinds.Key) == tuple(kinds.KINDS)


def test_every_mapped_kind_is_drawn_from_a_layer_with_its_geoid_digits():
    assert kinds.MAPPED == ("state", "county", "city")
    assert kinds.GEOID_DIGITS == {"states": 2, "counties": 5, "cities": 7}


class _Row:
    def __init__(self, kind: str, geoid: str, drawn_with: tuple[str, ...] = ()):
        self.kind, self.geoid, self.drawn_with = kind, geoid, drawn_with


def test_the_join_draws_each_kind_from_its_layer():
    assert join.drawing_keys(_Row("nation", "")) == []
    assert join.drawing_keys(_Row("state", "06")) == [("states", "06")]
    assert join.drawing_keys(_Row("county", "06037")) == [("counties", "06037")]
    assert join.drawing_keys(_Row("city", "0644000")) == [("cities", "0644000")]
    assert join.drawing_keys(_Row("city", "3651000", ("36061", "36047"))) == [("counties", "36061"), ("counties", "36047")]


def test_the_reader_tools_offer_the_mapped_kinds_by_their_labels():
    assert tools.KINDS == kinds.MAPPED
    assert table.KIND_NAMES == {"state": "State", "county": "County", "city": "City"}
