"""What the loaded dataset derives for every rerun agrees with the rules in ``status``."""

from __future__ import annotations

from datetime import date

import pytest

from harness.browser import ROOT
from sanctuarymap.data import dataset, status


@pytest.mark.slow
def test_the_panel_s_status_of_one_place_is_status_as_of_for_every_place():
    data = dataset.load(ROOT / "records", ROOT / "geodata")
    for day in [date(2017, 1, 1), date(2017, 4, 21), date(2017, 8, 22), date(2017, 12, 31)]:
        everyone = status.as_of(data.changes, data.mapped_ids, day)
        for jurisdiction_id in data.mapped_ids:
            assert data.status_of(jurisdiction_id, day).loc[jurisdiction_id].to_dict() == everyone.loc[jurisdiction_id].to_dict()
    assert data.status_of("no-such-place", date(2017, 5, 1)).loc["no-such-place"].to_dict() == {
        key: dimension.baseline for key, dimension in status.DIMENSIONS.items()
    }


def test_a_second_load_reads_the_dataset_from_the_disk_cache_until_a_file_changes(records_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = dataset.load(records_dir, ROOT / "geodata", cache=cache)
    (written,) = cache.glob("dataset-*.pickle")

    real_load = dataset._load
    monkeypatch.setattr(dataset, "_load", lambda *_: (_ for _ in ()).throw(AssertionError("loaded, not read from the cache")))
    again = dataset.load(records_dir, ROOT / "geodata", cache=cache)
    assert again.mapped_ids == first.mapped_ids and again.names == first.names
    assert again.changes.equals(first.changes) and again.changes_body == first.changes_body
    assert again.sources_by_event.keys() == first.sources_by_event.keys()
    day = date(2017, 8, 22)
    assert again.recent_html(day) == first.recent_html(day)
    place = first.mapped_ids[0]
    assert again.status_of(place, day).equals(first.status_of(place, day))

    # An edit is another dataset: loaded, and the cache's old file replaced.
    events = records_dir / "sanctuarymap-events.csv"
    events.write_text(events.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.setattr(dataset, "_load", real_load)
    dataset.load(records_dir, ROOT / "geodata", cache=cache)
    assert [p.name for p in cache.glob("dataset-*.pickle")] != [written.name]
    assert len(list(cache.glob("dataset-*.pickle"))) == 1


def test_a_torn_cache_file_is_loaded_afresh(records_dir, tmp_path):
    cache = tmp_path / "cache"
    dataset.load(records_dir, ROOT / "geodata", cache=cache)
    (written,) = cache.glob("dataset-*.pickle")
    written.write_bytes(written.read_bytes()[:1000])
    data = dataset.load(records_dir, ROOT / "geodata", cache=cache)
    assert data.mapped_ids and written.stat().st_size > 1000


def test_a_place_s_story_is_built_once_per_day_and_is_the_story_module_s():
    from sanctuarymap.reader import law, story

    data = dataset.load(ROOT / "records", ROOT / "geodata")
    for place, day in [("il-chicago", date(2017, 8, 22)), ("ca-san-francisco", date(2017, 1, 31)), ("il-chicago", date(2017, 1, 2))]:
        beneath = law.beneath(data.state_laws, data.records.jurisdictions, data.changes, place, day)
        expected = story.panel_html(data.records, data.sources_by_event, data.status_of(place, day), place, day, data.names, beneath, 3)
        assert data.panel_html(place, day, 3) == expected
        assert data.panel_html(place, day, 3) is data.panel_html(place, day, 3)
    assert data.panel_html("il-chicago", date(2017, 8, 22)) != data.panel_html("il-chicago", date(2017, 1, 2))
    assert 'data-opened="4"' in data.panel_html("il-chicago", date(2017, 8, 22), 4)  # a new click brings the panel into sight
