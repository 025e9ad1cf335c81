"""Record text as HTML, and the day as readers read it: escaping, day labels, sources as links.

Every piece of text from the records goes through ``text_html`` (``html.escape``, and line breaks as
``<br>``); a source becomes a link only when its URL is http(s). Nothing here trusts the records.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from sanctuarymap.data import records
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


# The day as every reader reads it ("1 August 2017"), in strftime's and d3-time-format's notation: the page's
# text and the chart's tooltip (chart.py) both show it.
DAY_FORMAT = "%-d %B %Y"
# The chart's label beside its line at the day shown ("1 Aug"): short, to stay within the chart.
SHORT_DAY_FORMAT = "%-d %b"


def day_label(day: date) -> str:
    """``day`` in ``DAY_FORMAT``: Python's own strftime has no portable "%-d", so the day's number is put in first."""
    return day.strftime(DAY_FORMAT.replace("%-d", str(day.day)))


def when_label(day: date, precision: str = "day") -> str:
    """An event's date with only as much as is known: never the day it was counted from as if it were known."""
    if precision == "year":
        return f"{day:%Y}, day not known"
    if precision == "month":
        return f"{day:%B %Y}, day not known"
    return day_label(day)


def list_name(sources: Sources) -> str:
    """A tracker's list as the panel and the About page name it: its first source's outlet and title."""
    source: Any  # a row from itertuples: pandas-stubs types each field as any scalar
    for source in sources.itertuples(index=False) if isinstance(sources, pd.DataFrame) else sources:
        title = source.title if isinstance(source.title, str) and source.title else "title not recorded"
        return f"{source.outlet}, “{title}”"
    return ""


@functools.lru_cache(maxsize=8192)
def _is_web_url(url: str) -> bool:
    # The same few hundred URLs are checked on every rerun; the check is a pure function of the text.
    return records.is_web_url(url)


def has_title(title: object) -> bool:
    """Whether a source's title is a title: not empty, and not a note in square brackets standing in for one
    ("[headline from URL] ...", "[...: title from the page address]")."""
    return isinstance(title, str) and bool(title.strip()) and not title.strip().startswith("[")


UNTITLED = "title not recorded"


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
            label += f" ({html.escape(day_label(source.published))})"
        if _is_web_url(source.url):
            parts.append(
                f'<li><a href="{html.escape(source.url, quote=True)}" target="_blank" rel="noopener noreferrer nofollow">{label}</a></li>'
            )
        else:
            parts.append(f"<li>{label}</li>")
    return '<ul class="sm-sources">' + "".join(parts) + "</ul>"
