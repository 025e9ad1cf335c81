"""The words the map uses, explained: the one home of every term, its meaning in our own words and its source.

The page shows the glossary as a list (``html``) whose entries have stable anchors (``anchor``): the
panel, On this day and the key line link each term where it appears (``link_terms``), and the map page's
legend links its categories to ``anchor(CATEGORY_TERMS[category])``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

ID_PREFIX = "glossary-"


@dataclass(frozen=True)
class Source:
    outlet: str
    title: str
    published: date | None
    url: str


@dataclass(frozen=True)
class Term:
    key: str  # the anchor's suffix: #glossary-<key>
    term: str  # as the glossary heads its entry
    meaning: str  # our own words
    source: Source
    pattern: str  # the words in a text that name this term (a regular expression, case-insensitive)


TERMS: tuple[Term, ...] = (
    Term(
        "sanctuary",
        "Sanctuary",
        "No law defines it. We use it for a state, county or city whose own rules limit how far its police and "
        "jails help federal immigration agents, most often by declining to hold people on ICE detainers or by "
        "limiting what they share. A symbolic declaration says the same in words but changes no practice; "
        "federal agents still enforce immigration law everywhere.",
        Source(
            "NJ.com (NJ Advance Media)",
            "Sanctuary city? Welcoming town? 5 questions break down divisive issue",
            date(2017, 10, 31),
            "https://www.nj.com/essex/2017/10/what_are_sanctuary_cities_and_what_do_they_mean_fo.html",
        ),
        r"sanctuary|limits cooperation|symbolic declaration",
    ),
    Term(
        "detainer",
        "Detainer",
        "A written request from ICE to a jail: tell us before this person is released, and keep them up to 48 "
        "hours longer so our officers can take custody. It is a request, not a judge's warrant; whether to honour "
        "it is where many sanctuary policies differ. Since 2 April 2017 ICE uses one form for it, the I-247A.",
        Source(
            "U.S. Immigration and Customs Enforcement",
            "Detainer Policy",
            date(2017, 3, 29),
            "https://webharvest.gov/congress115th/20181203191551/https://www.ice.gov/detainer-policy",
        ),
        r"detainers?",
    ),
    Term(
        "section-1373",
        "8 U.S.C. 1373 (Section 1373)",
        "A 1996 federal law: no state or local government may forbid or restrict its officials from sending to, "
        "or receiving from, federal immigration authorities information about a person's citizenship or "
        "immigration status. In 2016 and 2017 the Justice Department made proof of compliance with it a "
        "condition of its grants.",
        Source(
            "Wikisource (U.S. Statutes at Large)",
            "Public Law 104-208, 30 September 1996, sec. 642: Communication between government agencies and the "
            "Immigration and Naturalization Service",
            date(1996, 9, 30),
            "https://en.m.wikisource.org/wiki/Page:United_States_Statutes_at_Large_Volume_110_Part_4.djvu/870",
        ),
        r"8 U\.?\s?S\.?\s?C\.?\s?(?:§\s?|sec(?:tion|\.)\s?)?1373|(?:section|§)\s?1373|\b1373\b",
    ),
    Term(
        "287g",
        "287(g) agreement",
        "A section of the Immigration and Nationality Act that lets ICE sign agreements with state and local "
        "police or sheriffs: their trained officers then do some immigration work themselves, usually "
        "checking the status of people booked into jail, under ICE supervision. Joining is voluntary.",
        Source(
            "U.S. Immigration and Customs Enforcement",
            "Delegation of Immigration Authority Section 287(g) Immigration and Nationality Act",
            None,
            "https://www.ice.gov/287g",
        ),
        r"287\s?\(g\)",
    ),
    Term(
        "byrne-jag",
        "Byrne JAG grants",
        "The Edward Byrne Memorial Justice Assistance Grant: the Justice Department's main yearly grant to "
        "states and local governments for police, courts, jails and crime prevention. In 2017 the department "
        "attached immigration conditions to it (Section 1373, notice before release, jail access), and courts "
        "blocked them for many places.",
        Source(
            "Bureau of Justice Assistance, U.S. Department of Justice",
            "BJA Edward Byrne Memorial Justice Assistance Grant (JAG) Program",
            None,
            "https://www.bja.gov/Jag/",
        ),
        r"Byrne(?: JAG| Memorial)?(?: Justice Assistance Grants?)?|\bJAG\b|Justice Assistance Grants?",
    ),
    Term(
        "federal-lists",
        "The federal lists",
        "The federal government's own documents naming places over their immigration policies: the Justice "
        "Department's letters, its inspector general's 2016 memo, and ICE's weekly Declined Detainer Outcome "
        "Reports. Being named on one is a claim by the government, not a finding by a court.",
        Source(
            "U.S. Department of Justice",
            "Justice Department Provides Last Chance for Cities to Show 1373 Compliance",
            date(2017, 10, 12),
            "https://www.justice.gov/opa/pr/justice-department-provides-last-chance-cities-show-1373-compliance",
        ),
        r"federal (?:report|list)s?",
    ),
    Term(
        "doj-letters",
        "DOJ letters",
        "Letters from the Justice Department to places receiving its grants: in April 2017 to nine places asking "
        "for proof of compliance with Section 1373, later to others with a finding that they were, or possibly "
        "were not, compliant. A warning letter is not a court ruling.",
        Source(
            "U.S. Department of Justice",
            "Department of Justice Sends Letter to Nine Jurisdictions Requiring Proof of Compliance with 8 U.S.C. § 1373",
            date(2017, 4, 21),
            "https://assets.documentcloud.org/documents/3675286/DOJ-Sanctuary-City-Letters.txt",
        ),
        r"warned by DOJ letter|(?:DOJ|Justice Department) (?:warning )?letters?|warning letters?|by DOJ"
        r"|DOJ: (?:possibly non-)?compliant|(?:possibly )?non-compliant",
    ),
    Term(
        "inspector-general-memo",
        "The inspector general's memo",
        "A May 2016 memo from the Justice Department's inspector general, who checked ten grant recipients "
        "against Section 1373 and found each had rules limiting its response to ICE detainers. Its list of "
        "places became the starting point of the 2017 letters.",
        Source(
            "U.S. Department of Justice, Office of the Inspector General (via NCJRS)",
            "Memorandum to the Office of Justice Programs Regarding Grantee Compliance With 8 U.S.C. § 1373, May 31, 2016",
            date(2016, 5, 31),
            "https://ojp.gov/ncjrs/virtual-library/abstracts/memorandum-office-justice-programs-regarding-grantee-compliance-8",
        ),
        r"inspector general|\bOIG\b",
    ),
    Term(
        "declined-detainer-reports",
        "ICE's Declined Detainer Outcome Reports",
        "Weekly reports ICE published from March 2017 listing places that had declined its detainers. ICE "
        "suspended them in April 2017 after places pointed out errors in them.",
        Source(
            "U.S. Department of Homeland Security",
            "Q&A: U.S. Immigration and Customs Enforcement Declined Detainer Outcome Report",
            date(2017, 3, 20),
            "https://dhs.gov/news/2017/03/20/qa-us-immigration-and-customers-enforcement-declined-detainer-outcome-report",
        ),
        r"declined[- ]detainer(?: outcome)? reports?|\bDDOR\b",
    ),
    Term(
        "must-cooperate",
        "Must cooperate",
        "The opposite of a sanctuary policy: a state law or order that requires local police and jails to work "
        "with federal immigration agents, for example by honouring every detainer, and forbids local rules that "
        "limit it. Texas's SB 4, signed in May 2017, is the best-known case.",
        Source(
            "WFAA",
            "Gov. Abbott signs so-called sanctuary city bill into law on Facebook Live",
            date(2017, 5, 7),
            "http://www.wfaa.com/news/local/gov-abbott-signs-so-called-sanctuary-city-bill-into-law-on-facebook-live/437715865",
        ),
        r"must cooperate|cooperation required",
    ),
)
BY_KEY = {t.key: t for t in TERMS}

# The legend's categories (status.DIMENSIONS) that a term explains; the map page links them to ``anchor``.
CATEGORY_TERMS = {
    "symbolic": "sanctuary",
    "limits_cooperation": "sanctuary",
    "requires_cooperation": "must-cooperate",
    "named": "federal-lists",
    "warned": "doj-letters",
    "noncompliant": "doj-letters",
    "compliant": "doj-letters",
}

# One pass over a text: at each place, the first term that matches (Declined Detainer Outcome Reports
# before detainer). Patterns run over escaped HTML, so they never meet a tag or an entity's letters.
_ORDER = sorted(TERMS, key=lambda t: t.key != "declined-detainer-reports")
_FINDER = re.compile("|".join(f"(?P<t{i}>{t.pattern})" for i, t in enumerate(_ORDER)), re.IGNORECASE)


def anchor(key: str) -> str:
    """The id of a term's entry on the page (``#`` + it links there)."""
    return ID_PREFIX + BY_KEY[key].key


def link_terms(escaped: str) -> str:
    """``escaped`` (text already HTML-escaped, no tags) with the first mention of each term linked to its entry."""
    linked: set[str] = set()

    def link(match: re.Match[str]) -> str:
        term = _ORDER[int(str(match.lastgroup)[1:])]
        if term.key in linked:
            return match.group(0)
        linked.add(term.key)
        return f'<a class="sm-term" href="#{anchor(term.key)}">{match.group(0)}</a>'

    return _FINDER.sub(link, escaped)


def html_list() -> str:
    """The glossary as a description list, each entry with its anchor and its source as a link."""
    entries = []
    for t in TERMS:
        when = f" ({t.source.published.day} {t.source.published:%B %Y})" if t.source.published else ""
        cite = html.escape(f"{t.source.outlet}: {t.source.title}{when}")
        entries.append(
            f'<dt id="{anchor(t.key)}" tabindex="-1">{html.escape(t.term)}</dt>'
            f"<dd>{html.escape(t.meaning)}"
            f'<div class="sm-sources">Source: <a href="{html.escape(t.source.url, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer nofollow">{cite}</a></div></dd>'
        )
    return '<dl class="sm-glossary">' + "".join(entries) + "</dl>"
