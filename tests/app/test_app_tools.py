"""The readers' tools through AppTest: the table, the downloads, two days compared, key moments, state law."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from harness.apptest import html_text, map_view, markdown_text, start
from sanctuarymap.reader import tools


def test_the_table_lists_the_places_filtered_and_is_in_the_url():
    at = start(day="2017-09-15", table="on", states="TX", kinds="city", find="san")
    assert not at.exception
    (shown,) = at.dataframe
    assert list(shown.value["Place"]) == ["San Antonio, TX"]
    assert at.query_params["table"] == "on" and at.query_params["states"] == "TX" and at.query_params["find"] == "san"
    at.text_input(key="table_find").set_value("").run()
    (shown,) = at.dataframe
    assert len(shown.value) > 5 and set(shown.value["State"]) == {"TX"}
    assert "find" not in at.query_params


def test_the_table_is_off_by_default_and_a_bad_url_filter_is_dropped():
    at = start()
    assert not at.dataframe and "table" not in at.query_params
    at = start(table="on", states="TX,<b>,ZZ", kinds="planet", categories="nope", find="x" * 500)
    assert not at.exception
    assert at.query_params["states"] == "TX" and "kinds" not in at.query_params and "categories" not in at.query_params
    assert len(at.query_params["find"]) == tools.MAX_SEARCH


def test_a_row_selected_in_the_table_selects_its_place_and_flies_there():
    session: dict = {"tbl": {"selection": {"rows": [1]}}}
    shown = pd.DataFrame({"jurisdiction_id": ["a", "tx-austin"]})
    tools.select_from_table(session, shown, "tbl")
    assert session["selected"] == "tx-austin" and session["fly_to"] == "tx-austin"
    session["tbl"] = {"selection": {"rows": []}}
    tools.select_from_table(session, shown, "tbl")
    assert session["selected"] is None


def test_the_day_s_downloads_are_offered_with_the_day_in_their_names():
    at = start(day="2017-09-15")
    labels = {d.proto.label: d.proto for d in at.get("download_button")}
    assert {"The day as CSV", "The day as GeoJSON", "All the records (zip)"} <= set(labels)
    assert "CC BY 4.0" in "\n".join(c.value for c in at.caption)


def test_compare_two_days_shows_the_counts_the_list_and_tells_the_map():
    at = start(day="2017-12-31", colour="lawsuit", compare="2017-01-25")
    assert not at.exception
    assert map_view(at)["compare"] == "2017-01-25"
    (counts,) = at.table
    assert list(counts.value.columns) == ["25 January 2017", "31 December 2017"]
    text = markdown_text(at)
    assert "What changed from 25 January 2017 to 31 December 2017" in html_text(at)
    assert "<strong>Los Angeles, CA</strong>: No lawsuit →" in text
    assert at.query_params["compare"] == "2017-01-25"
    assert at.toggle(key="comparing").value  # a shared link opens with the switch on
    at.date_input(key="compare").set_value(None).run()
    assert "compare" not in map_view(at) and "compare" not in at.query_params


def test_compare_with_another_day_starts_at_the_day_shown():
    at = start(day="2017-08-22", colour="lawsuit")
    assert not at.date_input  # no field until the reader asks to compare
    at.toggle(key="comparing").set_value(True).run()
    (field,) = at.date_input
    assert field.label == "The other day" and field.value == date(2017, 8, 22)  # its calendar opens at the day shown
    assert map_view(at)["compare"] == "2017-08-22"
    assert "No place changed category between these two days" in markdown_text(at)
    field.set_value(date(2017, 8, 21)).run()
    assert map_view(at)["compare"] == "2017-08-21" and at.query_params["compare"] == "2017-08-21"
    assert "What changed from 21 August 2017 to 22 August 2017" in html_text(at)
    at.toggle(key="comparing").set_value(False).run()
    assert not at.date_input and "compare" not in map_view(at) and "compare" not in at.query_params


def test_key_moments_move_the_day_the_colouring_the_view_and_the_selection():
    at = start(day="2017-06-01")
    at.toggle(key="story").set_value(True).run()
    assert map_view(at)["day"] == "2017-01-25" and map_view(at)["fit"] == [[24.4, -125.0], [49.4, -66.9]]
    assert at.query_params["moment"] == "1"
    next_button = next(b for b in at.button if b.label == "Next moment ›")
    next_button.click().run()
    view = map_view(at)
    assert (view["day"], view["colour"], view["selected"]) == ("2017-01-31", "lawsuit", "ca-san-francisco")
    assert 'data-moment="2"' in markdown_text(at) and 'data-selected="ca-san-francisco"' in markdown_text(at)
    assert at.radio(key="colour").value == "lawsuit"
    # Leaving the story keeps the map where the moment left it.
    at.toggle(key="story").set_value(False).run()
    assert map_view(at)["day"] == "2017-01-31" and "moment" not in at.query_params
    assert 'data-moment="' not in markdown_text(at)


def test_a_shared_moment_opens_the_story_there():
    at = start(moment="5", day="2017-04-25")
    assert at.toggle(key="story").value is True
    assert 'data-moment="5"' in markdown_text(at)
    assert not next(b for b in at.button if b.label == "‹ Previous moment").disabled


def test_a_local_place_s_panel_shows_its_state_law():
    at = start(day="2017-09-15", selected="tx-austin")
    assert (
        "Beneath state law: Symbolic declaration only; state law (SB 4, partly enjoined) requires cooperation with ICE."
        in re.sub(r"<[^>]+>", "", markdown_text(at))  # the words link to the glossary
    )
    at = start(day=date(2017, 9, 15).isoformat(), selected="pa-philadelphia")
    assert "Beneath state law" not in markdown_text(at)
