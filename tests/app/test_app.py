"""The page, through Streamlit's AppTest: every control does what it says."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from harness.apptest import map_component, map_view, markdown_text, report, start
from harness.browser import ROOT
from sanctuarymap.page import maps


def recorded_shapes(at: AppTest) -> dict[str, str]:
    """The map's clickable shapes, from the changes payload the page fetches: shape key → jurisdiction id."""
    script = map_component(at)["script"]
    url = json.loads(script[script.index('{"boundaries"') : script.index("});") + 1])["changes"]
    body = json.loads(published(url).read_text(encoding="utf-8"))
    return {key: body["places"][place][0] for key, place in body["shapes"]}


def published(url: str) -> Path:
    """Where the app wrote the file the map page fetches from ``url``: the tests' folder (conftest)."""
    return Path(os.environ["SANCTUARYMAP_GENERATED"]) / url.removeprefix(maps.GENERATED_URL + "/")


def problems_shown(at: AppTest) -> list[dict]:
    (table,) = at.dataframe
    return table.value.to_dict("records")


@pytest.fixture
def at() -> AppTest:
    return start()


def test_page_runs_and_shows_the_map(at):
    assert not at.exception
    assert at.title[0].value == "Sanctuary Map 2017"
    args = map_component(at)
    assert "SanctuaryMap.start(" in args["script"] and "boundaries.json" in args["script"]
    assert args["returned_objects"] == ["last_object_clicked_popup"]
    assert not any("cdn" in link for link in args["js_links"] + args["css_links"])
    assert any(link.startswith("/app/static/js/sanctuarymap.js?v=") for link in args["js_links"])
    assert map_view(at) == {"day": "2017-04-21", "daySet": 1, "colour": "sanctuary", "selected": None}
    assert not at.get("slider")  # one day on screen: the map's own timeline


def test_the_changes_are_published_where_the_map_fetches_them(at):
    script = map_component(at)["script"]
    url = json.loads(script[script.index('{"boundaries"') : script.index("});") + 1])["changes"]
    assert url.startswith(maps.GENERATED_URL + "/")
    body = json.loads(published(url).read_text(encoding="utf-8"))
    assert body["first_day"] == "2017-01-01" and len(body["dimensions"]) == 3


def test_a_settled_day_updates_the_story_and_the_url(at):
    at.radio(key="colour").set_value("lawsuit").run()
    report(at, "2017-08-22", seq=1)
    assert "On 22 August 2017" in markdown_text(at)
    assert at.query_params["day"] == "2017-08-22"
    assert map_view(at)["day"] == "2017-08-22" and map_view(at)["daySet"] == 1  # the page's own day: not sent back as new


def test_base_map_script_does_not_change_with_the_day(at):
    first = map_component(at)["script"]
    report(at, "2017-10-05", seq=1)
    assert map_component(at)["script"] == first  # the mounted map stays; only the view layer changes


def test_colour_by_is_passed_to_the_map(at):
    at.radio(key="colour").set_value("pressure").run()
    assert map_view(at)["colour"] == "pressure"
    assert at.query_params["colour"] == "pressure"


def test_find_selects_a_place_and_shows_its_story(at):
    at.selectbox(key="selected").set_value("il-chicago").run()
    text = markdown_text(at)
    assert 'data-selected="il-chicago"' in text and "Chicago, IL" in text
    assert "Warned by DOJ letter" in text  # on 21 April 2017, the default day
    assert "still to come" in text
    assert map_view(at)["selected"] == "il-chicago"
    assert map_component(at)["center"] is not None  # the map flies to it
    assert at.query_params["selected"] == "il-chicago"


def test_a_click_on_the_map_selects_the_place_for_the_day_shown(at):
    report(at, "2017-09-15", seq=1, click="il-chicago")
    text = markdown_text(at)
    assert 'data-selected="il-chicago"' in text and "On 15 September 2017" in text
    assert "Ruling in its favour" in text
    assert at.query_params["selected"] == "il-chicago"


def test_selection_stays_while_the_day_changes(at):
    at.selectbox(key="selected").set_value("il-chicago").run()
    report(at, "2017-09-15", seq=1)
    assert 'data-selected="il-chicago"' in markdown_text(at)
    assert "Ruling in its favour" in markdown_text(at)


def test_a_shared_url_restores_the_view():
    at = start(day="2017-08-22", colour="lawsuit", selected="ca-los-angeles")
    assert map_view(at) == {"day": "2017-08-22", "daySet": 1, "colour": "lawsuit", "selected": "ca-los-angeles"}
    assert at.radio(key="colour").value == "lawsuit"
    assert 'data-selected="ca-los-angeles"' in markdown_text(at)


def test_a_broken_url_falls_back_to_defaults():
    at = start(day="not-a-day", colour="<b>", selected="<script>")
    assert not at.exception
    assert map_view(at)["day"] == "2017-04-21"
    assert at.radio(key="colour").value == "sanctuary"


def test_a_forged_report_changes_nothing(at):
    at.session_state["map"] = {"last_object_clicked_popup": '{"page": 1, "day": "<script>"}'}
    at.run()
    assert not at.exception
    assert map_view(at)["day"] == "2017-04-21"


def test_download_is_offered_for_the_selection(at):
    at.selectbox(key="selected").set_value("ca-los-angeles").run()
    assert any(d.proto.label.startswith("Download") for d in at.get("download_button"))


def test_about_page_speaks_to_readers_first_then_to_contributors(at):
    assert "How an event moves a place" not in markdown_text(at)  # drawn only when asked for
    at.toggle(key="about").set_value(True).run()
    text = markdown_text(at)
    readers, contributors = text.split("## For contributors")
    for section in ("### What is counted", "### Who compiled it", "### The limits", "### The federal lists"):
        assert section in readers
    assert "`" not in readers and "make " not in readers  # no event codes, files or commands for readers
    assert "How an event moves a place" in contributors and "`doj_warning_letter`" in contributors and "make test" in contributors
    assert "us-atlas" in readers


def test_bad_records_are_listed_instead_of_a_traceback(monkeypatch, records_dir):
    with (records_dir / "sanctuarymap-events.csv").open("a", encoding="utf-8") as f:
        f.write("2017-09-01-bad,2017-02-30,statement,il,Bad day.\n")
    at = start(monkeypatch, records_dir)
    assert not at.exception
    (table,) = at.dataframe
    problems = table.value
    assert list(problems.columns) == ["file", "row", "column", "expected", "found"]
    assert problems.iloc[0].to_dict() == {
        "file": "sanctuarymap-events.csv",
        "row": 7,
        "column": "date",
        "expected": "a real calendar day written YYYY-MM-DD",
        "found": "'2017-02-30'",
    }
    assert "1 problem in the records" in at.expander[0].label  # one, in the singular


def test_records_with_no_rows_show_their_problems_and_an_empty_map(monkeypatch, records_dir):
    for csv_file in records_dir.glob("*.csv"):
        header = csv_file.read_text(encoding="utf-8").splitlines()[0]
        csv_file.write_text(header + "\n", encoding="utf-8")
    at = start(monkeypatch, records_dir)
    assert not at.exception
    (table,) = at.dataframe
    assert set(table.value["file"]) == {p.name for p in records_dir.glob("*.csv")}
    assert set(table.value["found"]) == {"only the header row"}
    assert map_view(at)["day"] == "2017-04-21"  # the map is drawn, with nothing to colour


def test_broken_city_points_are_listed_and_states_and_counties_still_draw(monkeypatch, records_dir, tmp_path):
    # Today: a traceback with server paths, and nothing else on the page.
    geodata = tmp_path / "geodata"
    shutil.copytree(ROOT / "geodata", geodata)
    (geodata / "wikipedia-city-points.csv").unlink()
    at = start(monkeypatch, records_dir, geodata)
    assert not at.exception
    shown = problems_shown(at)
    assert (shown[0]["file"], shown[0]["found"]) == ("wikipedia-city-points.csv", "no such file")
    assert (shown[1]["file"], shown[1]["row"]) == ("sanctuarymap-jurisdictions.csv", 5)  # Chicago, a point
    assert f"{len(shown)} problems in the records and boundaries: what they name is left out" in at.expander[0].label
    assert recorded_shapes(at) == {"states:17": "il", "counties:17031": "il-cook-county"}


def test_a_place_with_no_shape_opens_no_panel(monkeypatch, records_dir):
    # Today: the problem row is empty, and the place still opens its panel.
    with (records_dir / "sanctuarymap-jurisdictions.csv").open("a", encoding="utf-8") as f:
        f.write("il-atlantis,Atlantis,city,IL,1799999,\n")
    at = start(monkeypatch, records_dir, selected="il-atlantis")
    assert not at.exception
    (problem,) = problems_shown(at)
    assert (problem["row"], problem["column"], problem["found"]) == (6, "geoid", "no shape with GEOID 1799999")
    assert "data-selected=" not in markdown_text(at)
    assert "il-atlantis" not in at.selectbox(key="selected").options
    assert "selected" not in at.query_params


def test_a_second_row_with_cook_countys_geoid_leaves_cook_county_drawn(monkeypatch, records_dir):
    # Today: no problem is reported, and the second row takes Cook County's shape and clicks.
    with (records_dir / "sanctuarymap-jurisdictions.csv").open("a", encoding="utf-8") as f:
        f.write("il-cook-again,Cook Again,county,IL,17031,\n")
    at = start(monkeypatch, records_dir)
    (problem,) = problems_shown(at)
    assert problem["row"] == 6 and "'il-cook-county' on row 4" in problem["found"]
    assert recorded_shapes(at)["counties:17031"] == "il-cook-county"


def test_an_edit_shows_on_the_next_run_and_a_bad_one_lists_its_problem(monkeypatch, records_dir):
    # Today: not shown until the server restarts, and a bad row added the same way is not reported.
    at = start(monkeypatch, records_dir, selected="il-chicago", day="2017-09-01")
    assert "3 places and 5 events on record. The line marks the day shown." in [c.value for c in at.caption]
    assert not at.dataframe

    with (records_dir / "sanctuarymap-events.csv").open("a", encoding="utf-8") as f:
        f.write("2017-09-01-new,2017-09-01,statement,il-chicago,Test: added while the app runs.\n")
    with (records_dir / "sanctuarymap-sources.csv").open("a", encoding="utf-8") as f:
        f.write("2017-09-01-new,Test Outlet,New,2017-09-01,https://example.org/new\n")
    at.run()  # the same session's next run: a viewer already connected
    assert not at.exception
    assert "3 places and 6 events on record. The line marks the day shown." in [c.value for c in at.caption]
    assert "Test: added while the app runs." in markdown_text(at)

    with (records_dir / "sanctuarymap-events.csv").open("a", encoding="utf-8") as f:
        f.write("2017-09-02-bad,2017-02-30,statement,il-chicago,Bad day.\n")
    fresh = start(monkeypatch, records_dir, selected="il-chicago", day="2017-09-01")  # a page loaded afresh
    for page in (fresh, at.run()):
        assert not page.exception
        (problem,) = problems_shown(page)
        assert (problem["row"], problem["column"], problem["found"]) == (8, "date", "'2017-02-30'")
        # the valid rows still show
        assert "3 places and 6 events on record. The line marks the day shown." in [c.value for c in page.caption]
        assert "Test: added while the app runs." in markdown_text(page)


def test_the_map_is_drawn_first_and_the_rest_once_it_has_painted():
    # Before the map page's first report: the map alone, on the URL's day, and the URL already cleaned.
    at = start(day="2017-08-22", colour="lawsuit", selected="<nowhere>", painted=False)
    assert not at.exception
    assert map_view(at) == {"day": "2017-08-22", "daySet": 1, "colour": "lawsuit", "selected": None}
    assert "selected" not in at.query_params
    assert not at.radio and not at.selectbox and not at.toggle and not at.get("download_button")
    assert not at.get("vega_lite_chart")

    report(at, "2017-08-22", seq=0)  # the page has painted the day it was sent

    assert at.radio(key="colour").value == "lawsuit"
    assert at.selectbox(key="selected").value is None
    assert ">On 22 August 2017</h2>" in markdown_text(at)
    assert at.get("vega_lite_chart") and at.get("download_button")
    assert map_view(at) == {"day": "2017-08-22", "daySet": 1, "colour": "lawsuit", "selected": None}
