"""The line under the map: what the colours count, how many places are on record, what grey and blank mean."""

from __future__ import annotations

import html

from sanctuarymap.data import plural, status
from sanctuarymap.reader import glossary

# What the colours count, for the line under the map, and the glossary entry that explains the dimension.
COLOURS_COUNT = {
    "sanctuary": ("each place's sanctuary status", "sanctuary"),
    "pressure": ("the federal pressure on each place: the federal lists and letters that named it, and DOJ's findings", "federal-lists"),
    "lawsuit": ("each place's lawsuits over sanctuary policy", None),
}


def key_line_html(dimension_key: str, places: int) -> str:
    """One line under the map: what the colours count, how many places are on record, what grey and blank mean."""
    counts, term = COLOURS_COUNT[dimension_key]
    told = glossary.link_terms(html.escape(counts)) if term else html.escape(counts)
    baseline = status.DIMENSIONS[dimension_key].categories[0].label
    return (
        f'<p class="sm-key-line">The colours show {told} on the day shown. '
        f"{plural.counted(places, 'place')} (states, counties and cities) are on record; grey is a place on record with "
        f"nothing of this kind yet (“{html.escape(baseline)}”). A place left blank has <strong>no record</strong> here: "
        f"we have not recorded it, which does not mean it has no policy.</p>"
    )
