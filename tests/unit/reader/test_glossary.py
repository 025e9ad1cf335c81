"""glossary: every term the map uses is explained in our own words and sourced, and linked where it appears."""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from sanctuarymap.data import records, status
from sanctuarymap.reader import glossary, story

# The terms issue #20 asks to explain, as a reader meets them on the page.
REQUIRED = {
    "sanctuary": "Sanctuary status",
    "detainer": "ICE detainers",
    "section-1373": "8 U.S.C. § 1373",
    "287g": "a 287(g) agreement",
    "byrne-jag": "Byrne JAG grants",
    "federal-lists": "Named in a federal report",
    "doj-letters": "Warned by DOJ letter",
    "inspector-general-memo": "the inspector general",
    "declined-detainer-reports": "ICE's Declined Detainer Outcome Report",
    "must-cooperate": "Must cooperate with ICE",
}


class Links(HTMLParser):
    def __init__(self, markup: str):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_data(self, data):
        if self._href is not None:
            self.links.append((self._href, data))

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None


def linked(text: str) -> list[tuple[str, str]]:
    return Links(glossary.link_terms(html.escape(text))).links


def test_every_term_is_explained_and_sourced():
    assert {t.key for t in glossary.TERMS} >= set(REQUIRED)
    assert len({t.key for t in glossary.TERMS}) == len(glossary.TERMS)
    for term in glossary.TERMS:
        assert len(term.meaning) >= 120 and term.meaning.endswith("."), term.key  # a real explanation, in sentences
        source = term.source
        assert source.outlet and story.has_title(source.title), term.key  # a citation: outlet and its real title
        assert records.is_web_url(source.url), term.key
        assert source.published is None or date(1990, 1, 1) <= source.published <= date(2017, 12, 31), term.key


@pytest.mark.parametrize(("key", "words"), REQUIRED.items())
def test_each_term_is_linked_where_a_reader_meets_it(key, words):
    assert linked(f"On record: {words}, as reported.") == [(f"#glossary-{key}", re.search(glossary.BY_KEY[key].pattern, words, re.I)[0])]


def test_a_term_is_linked_once_per_text_and_the_longest_name_wins():
    text = "ICE's Declined Detainer Outcome Report listed it; the detainer was declined; another detainer followed."
    assert linked(text) == [("#glossary-declined-detainer-reports", "Declined Detainer Outcome Report"), ("#glossary-detainer", "detainer")]


def test_linking_leaves_the_text_and_its_escapes_as_they_were():
    escaped = html.escape('<b>sanctuary</b> & "287(g)"')
    out = glossary.link_terms(escaped)
    assert re.sub(r"</?a[^>]*>", "", out) == escaped
    assert "<b>" not in out


def test_the_legend_s_categories_point_to_real_entries():
    categories = {c.key for d in status.DIMENSIONS.values() for c in d.categories}
    assert set(glossary.CATEGORY_TERMS) <= categories
    assert set(glossary.CATEGORY_TERMS.values()) <= set(glossary.BY_KEY)
    # Every category the glossary explains says so in its own label too, so the panel links it.
    for category, key in glossary.CATEGORY_TERMS.items():
        label = next(c.label for d in status.DIMENSIONS.values() for c in d.categories if c.key == category)
        assert [href for href, _ in linked(label)] == [f"#glossary-{key}"], label


def test_the_glossary_lists_every_entry_with_its_anchor_and_source_link():
    out = glossary.html_list()
    for term in glossary.TERMS:
        assert f'<dt id="{glossary.anchor(term.key)}" tabindex="-1">{html.escape(term.term)}</dt>' in out
        assert f'href="{html.escape(term.source.url, quote=True)}"' in out
