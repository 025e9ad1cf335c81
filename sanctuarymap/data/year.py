"""The year the map replays: its span, the day a first visit opens on, and how a day is written.

The one home of these facts: the server, the map page (through the payload) and the chart read them here.
"""

from __future__ import annotations

from datetime import date

# The span the page replays; earlier events only set where each jurisdiction starts the year
# (records.EARLIEST_DATE .. LAST_DAY is the span an event may be dated in).
FIRST_DAY = date(2017, 1, 1)
LAST_DAY = date(2017, 12, 31)
# The day a first visit opens on: 21 April 2017, the day the Justice Department's letters went to nine
# jurisdictions, when every colouring has something to show.
DEFAULT_DAY = date(2017, 4, 21)


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


def short_day_label(day: date) -> str:
    """A day where room is short (the map's timeline and caption): "1 Aug 2017"."""
    return f"{day.day} {day:%b %Y}"
