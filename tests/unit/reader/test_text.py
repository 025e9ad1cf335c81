"""text: record text escaped, sources as citations, the day as readers read it."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from sanctuarymap.reader import text


@pytest.mark.parametrize(
    "title",
    ["", "   ", "[headline from URL] Secretary says he doesn't have a clue", "[Statement: title from the page address]"],
)
def test_a_source_without_a_title_reads_as_a_citation_with_title_not_recorded(title):
    sources = pd.DataFrame(
        [{"event_id": "e1", "outlet": "KPBS (AP)", "title": title, "published": date(2017, 2, 13), "url": "https://kpbs.org/a"}]
    )
    out = text.sources_html(sources)
    assert '<a href="https://kpbs.org/a"' in out
    assert 'KPBS (AP): <span class="sm-untitled">title not recorded</span> (13 February 2017)</a>' in out
    assert "[" not in out


def test_a_title_is_shown_as_it_is_written():
    sources = pd.DataFrame([{"event_id": "e1", "outlet": "O", "title": "Real [sic] title", "published": None, "url": "https://o.org"}])
    assert ">O: Real [sic] title</a>" in text.sources_html(sources)
