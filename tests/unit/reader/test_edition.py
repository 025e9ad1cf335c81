"""An edition (the dataset with the page's payload and the chart's rows) is kept on disk by content."""

from __future__ import annotations

from harness.browser import ROOT
from sanctuarymap.data import dataset
from sanctuarymap.reader import edition


def test_a_second_load_reads_the_edition_from_the_disk_cache_until_a_file_changes(records_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = edition.load(records_dir, ROOT / "geodata", cache=cache)
    (written,) = cache.glob("edition-*.pickle")

    real_load = dataset._load
    monkeypatch.setattr(dataset, "_load", lambda *_: (_ for _ in ()).throw(AssertionError("loaded, not read from the cache")))
    again = edition.load(records_dir, ROOT / "geodata", cache=cache)
    assert again.changes_body == first.changes_body and again.chart_areas.keys() == first.chart_areas.keys()
    before, after = first.data, again.data
    assert after.mapped_ids == before.mapped_ids and after.names == before.names and after.changes.equals(before.changes)
    assert after.sources_by_event.keys() == before.sources_by_event.keys()
    assert after.counts.equals(before.counts) and after.state_laws == before.state_laws

    # An edit is another dataset: loaded, and the cache's old file replaced.
    events = records_dir / "sanctuarymap-events.csv"
    events.write_text(events.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.setattr(dataset, "_load", real_load)
    edition.load(records_dir, ROOT / "geodata", cache=cache)
    assert [p.name for p in cache.glob("edition-*.pickle")] != [written.name]
    assert len(list(cache.glob("edition-*.pickle"))) == 1


def test_a_torn_cache_file_is_loaded_afresh(records_dir, tmp_path):
    cache = tmp_path / "cache"
    edition.load(records_dir, ROOT / "geodata", cache=cache)
    (written,) = cache.glob("edition-*.pickle")
    written.write_bytes(written.read_bytes()[:1000])
    data = edition.load(records_dir, ROOT / "geodata", cache=cache).data
    assert data.mapped_ids and written.stat().st_size > 1000
