"""What the loaded dataset derives for every rerun agrees with the rules in ``status``."""

from __future__ import annotations

from harness.browser import ROOT
from sanctuarymap.data import dataset


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
    assert again.counts.equals(first.counts) and again.state_laws == first.state_laws

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
