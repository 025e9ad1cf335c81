"""about and legend: the federal lists of the About page, the line under the map."""

from __future__ import annotations

from sanctuarymap.data import records
from sanctuarymap.reader import about, legend


def test_federal_lists_count_the_places_each_names_and_those_only_it_brought(records_dir):
    recs = records.load(records_dir)
    lists = about.federal_lists(recs).set_index("event_id")
    # the tiny records: a 2016 report naming the city and the county, and a 2017 letter to both
    assert list(lists.index) == ["2016-05-31-report", "2017-04-21-letter"]
    assert lists.loc["2016-05-31-report", "named"] == 2
    assert lists.loc["2016-05-31-report", "only_here"] == 0  # both have other events


def test_the_line_under_the_map_says_what_the_colours_count_and_what_blank_means():
    line = legend.key_line_html("pressure", 190)
    assert "190 places (states, counties and cities) are on record" in line
    assert '<a class="sm-term" href="#glossary-federal-lists">federal lists</a>' in line
    assert "“None recorded”" in line and "<strong>no record</strong>" in line
    assert "1 place (" in legend.key_line_html("lawsuit", 1)
