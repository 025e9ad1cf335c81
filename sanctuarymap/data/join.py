"""The join of the records to the boundaries: which shapes draw each jurisdiction, checked both ways.

A jurisdiction whose shape is missing, or whose shape another row already draws, is a problem naming its
row, and is left out before the events are read: an event then loses it as it would lose an unknown id.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from sanctuarymap.data import files, geodata, kinds, records


def read(records_dir: Path, boundaries: geodata.Boundaries) -> tuple[records.Records, list[files.Problem]]:
    """``records.read`` of the rows the map can draw: the jurisdictions ``check`` finds no problem with."""
    problems: list[files.Problem] = []
    warnings: list[files.Problem] = []
    jurisdictions = records.read_jurisdictions(records_dir, problems, warnings)
    for problem in check(list(jurisdictions.items()), boundaries):
        problems.append(problem)
        if problem.row is not None:
            jurisdictions.pop(problem.row, None)
    return records.read_the_rest(records_dir, jurisdictions, problems, warnings), problems


def check(jurisdictions: Iterable[tuple[int, Any]], boundaries: geodata.Boundaries) -> list[files.Problem]:
    """Problems for jurisdiction rows the map cannot draw as they say, each naming its row.

    ``jurisdictions`` holds (row number, row) pairs of ``records.JurisdictionRow``-like rows. A row
    fails if one of its shapes is missing, or if an earlier row already draws that shape (a second
    county row with Cook County's GEOID, or a city drawn with a county that has a row of its own):
    two places under one shape would take each other's colour and clicks. The first row keeps it.
    """
    known = boundaries.shape_keys()
    drawn_by: dict[tuple[str, str], tuple[int, str]] = {}
    problems = []
    for line, row in sorted(jurisdictions, key=lambda pair: pair[0]):
        keys = drawing_keys(row)
        column = "drawn_with" if row.kind == "city" and row.drawn_with else "geoid"
        missing = [(layer, key) for layer, key in keys if key not in known[layer]]
        taken = [(layer, key) for layer, key in keys if (layer, key) in drawn_by]
        for layer, key in missing:
            found = f"no shape with GEOID {key}"
            if boundaries.layer(layer).empty:
                found += f" ({geodata.LAYER_FILES[layer]} did not load)"
            problems.append(files.Problem(records.JURISDICTIONS_FILE, line, column, f"a shape in {geodata.LAYER_FILES[layer]}", found))
        for layer, key in taken:
            other_line, other_id = drawn_by[(layer, key)]
            problems.append(
                files.Problem(
                    records.JURISDICTIONS_FILE,
                    line,
                    column,
                    f"a shape no other jurisdiction draws (GEOID {key} in {geodata.LAYER_FILES[layer]})",
                    f"GEOID {key}, already drawn by {other_id!r} on row {other_line}",
                )
            )
        if not missing and not taken:
            drawn_by.update({(layer, key): (line, row.jurisdiction_id) for layer, key in keys})
    return problems


def drawing_keys(jurisdiction: Any) -> list[tuple[str, str]]:
    """(layer, GEOID) pairs that draw a jurisdiction on the map; none for the nation."""
    if jurisdiction.kind == "nation":
        return []
    if jurisdiction.kind == "city" and jurisdiction.drawn_with:
        return [("counties", key) for key in jurisdiction.drawn_with]
    return [(kinds.KINDS[jurisdiction.kind].layer, jurisdiction.geoid)]


def drawn_shapes(jurisdictions: pd.DataFrame) -> pd.DataFrame:
    """One row per shape that draws a jurisdiction: jurisdiction_id, name, layer, geoid."""
    rows = []
    j: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for j in jurisdictions.itertuples(index=False):
        rows += [(j.jurisdiction_id, geodata.display_name(j.name, j.kind, j.state), layer, geoid) for layer, geoid in drawing_keys(j)]
    return pd.DataFrame(rows, columns=["jurisdiction_id", "name", "layer", "geoid"])
