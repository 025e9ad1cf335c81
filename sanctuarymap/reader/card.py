"""The card of the key moment a reader is at (the Key moments switch): its place in the story, headline,
text and sources, as HTML built from escaped parts."""

from __future__ import annotations

import html
from typing import Any

from sanctuarymap.data import moments, year
from sanctuarymap.reader import text


def moment_html(moment: moments.Moment, index: int, count: int, sources_by_event: dict[str, list[Any]]) -> str:
    """The moment as the reader sees it: where it is in the story, its day, headline, text and sources."""
    return (
        f'<div class="sm-moment" data-moment="{index + 1}" data-event="{html.escape(moment.event_id)}">'
        f'<div class="sm-when">Moment {index + 1} of {count} · {html.escape(year.day_label(moment.day))}</div>'
        f'<h2 class="sm-moment-title sm-h2">{text.text_html(moment.headline)}</h2>'
        f"<p>{text.text_html(moment.text)}</p>{text.sources_html(sources_by_event.get(moment.event_id))}</div>"
    )
