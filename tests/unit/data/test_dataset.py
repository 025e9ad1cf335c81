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
