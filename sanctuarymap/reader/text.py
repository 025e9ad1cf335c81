"""Record text as HTML: escaping, the glossary's terms and sources as links (the day's label is ``year.day_label``).

Every piece of text from the records goes through ``text_html`` (``html.escape``, and line breaks as
``<br>``); a source becomes a link only when its URL is http(s). Nothing here trusts the records.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from typing import Any

import pandas as pd

from sanctuarymap.data import records, year
from sanctuarymap.reader import glossary

# An event's sources: a DataFrame of them, or its rows (dataset.Dataset.sources_by_event).
Sources = pd.DataFrame | Sequence[Any]


def text_html(value: str) -> str:
    """Escaped text on one line of HTML.

    st.markdown ends a raw HTML block at a blank line and reads what follows as
    markdown, so a summary with an empty line in it could add images and links.
    """
    return "<br>".join(html.escape(line) for line in str(value).splitlines())


def linked(value: str) -> str:
    """``text_html`` with the glossary's terms linked to their entries."""
    return glossary.link_terms(text_html(value))


@functools.lru_cache(maxsize=8192)
def _is_web_url(url: str) -> bool:
    # The same few hundred URLs are checked on every rerun; the check is a pure function of the text.
    return records.is_web_url(url)


def has_title(title: object) -> bool:
    """Whether a source's title is a title: not empty, and not a note in square brackets standing in for one
    ("[headline from URL] ...", "[...: title from the page address]")."""
    return isinstance(title, str) and bool(title.strip()) and not title.strip().startswith("[")


UNTITLED = records.UNTITLED


def sources_html(sources: Sources | None) -> str:
    """A list of citations, each a link when its URL is http(s): outlet, title, date. A source without a title
    (``has_title``) reads "title not recorded" in its place."""
    if sources is None or len(sources) == 0:
        return ""
    parts = []
    source: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for source in sources.itertuples(index=False) if isinstance(sources, pd.DataFrame) else sources:
        title = text_html(source.title) if has_title(source.title) else f'<span class="sm-untitled">{UNTITLED}</span>'
        label = f"{text_html(source.outlet)}: {title}"
        if pd.notna(source.published) and source.published:
            label += f" ({html.escape(year.day_label(source.published))})"
        if _is_web_url(source.url):
            parts.append(
                f'<li><a href="{html.escape(source.url, quote=True)}" target="_blank" rel="noopener noreferrer nofollow">{label}</a></li>'
            )
        else:
            parts.append(f"<li>{label}</li>")
    return '<ul class="sm-sources">' + "".join(parts) + "</ul>"
