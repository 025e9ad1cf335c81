"""A synthetic records folder with every county of geodata/ as a jurisdiction.

    python bench/synthetic.py DIR      # writes the three CSV files into DIR and checks they load

Every one of the ~3,231 counties in geodata/census-counties-2017.geojson becomes a
jurisdiction ``syn-<GEOID>`` (kind county, state from STUSPS), with ``EVENTS_PER_COUNTY``
events through 2017: two per dimension (sanctuary, pressure, lawsuit), the second one on a
later or equal day and to another category, each with one dated https source.  Days are
spread so that every day of 2017 changes some county's colour in every dimension, which
makes every slider step a restyle (the worst case the benchmark wants).

Deterministic: the same geodata gives byte-identical files.  Never written into records/.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import timedelta
from pathlib import Path

from sanctuarymap.data import geodata, records, year

ROOT = Path(__file__).resolve().parent.parent
COUNTIES = ROOT / "geodata" / geodata.COUNTIES_FILE

# Event kinds per dimension, in the order a county goes through them (first, second).
KINDS = {
    "sanctuary": [
        ("policy_limits_cooperation", "policy_ended"),
        ("policy_symbolic", "policy_limits_cooperation"),
        ("policy_requires_cooperation", "policy_ended"),
    ],
    "pressure": [
        ("doj_warning_letter", "doj_noncompliance_finding"),
        ("federal_report_named", "funds_withheld"),
        ("doj_warning_letter", "doj_compliance_finding"),
    ],
    "lawsuit": [("lawsuit_filed", "ruling_for"), ("sued", "ruling_against"), ("lawsuit_filed", "ruling_against")],
}
EVENTS_PER_COUNTY = 2 * len(KINDS)
YEAR_START = year.FIRST_DAY
DAYS = 365


def counties(path: Path = COUNTIES) -> list[dict]:
    """GEOID, NAME and STUSPS of every county, by GEOID."""
    with path.open(encoding="utf-8") as f:
        features = json.load(f)["features"]
    return sorted((f["properties"] for f in features), key=lambda p: p["GEOID"])


def write(folder: Path, path: Path = COUNTIES) -> dict:
    """Write sanctuarymap-{jurisdictions,events,sources}.csv into ``folder``; return counts."""
    folder = Path(folder).resolve()
    if folder == (ROOT / "records").resolve():
        raise ValueError("the synthetic set never goes into records/")
    folder.mkdir(parents=True, exist_ok=True)
    rows = counties(path)
    n = len(rows)
    jurisdictions = [("jurisdiction_id", "name", "kind", "state", "geoid", "drawn_with")]
    events = [("event_id", "date", "kind", "jurisdiction_ids", "summary")]
    sources = [("event_id", "outlet", "title", "published", "url")]
    for i, county in enumerate(rows):
        geoid = county["GEOID"]
        jid = f"syn-{geoid}"
        jurisdictions.append((jid, county["NAME"], "county", county["STUSPS"], geoid, ""))
        for d, (dimension, pairs) in enumerate(KINDS.items()):
            first_kind, second_kind = pairs[(i + d) % len(pairs)]
            # First change spread over Jan-Dec by county index, the second one 1-180 days later
            # (capped at 31 Dec): every day of the year gets first changes of ~9 counties.
            first = (i * DAYS // n + 53 * d) % DAYS
            second = min(DAYS - 1, first + 1 + (i * 7 + d * 13) % 180)
            for j, (kind, offset) in enumerate(((first_kind, first), (second_kind, second))):
                day = YEAR_START + timedelta(days=offset)
                event_id = f"syn-{geoid}-{dimension}-{j + 1}"
                events.append(
                    (
                        event_id,
                        day.isoformat(),
                        kind,
                        jid,
                        f"Synthetic {kind.replace('_', ' ')} event for {county['NAME']}, {county['STUSPS']}.",
                    )
                )
                sources.append(
                    (
                        event_id,
                        "Synthetic Benchmark Wire",
                        f"Synthetic source for {event_id}",
                        day.isoformat(),
                        f"https://example.org/synthetic/{event_id}",
                    )
                )
    for name, table in (
        (records.JURISDICTIONS_FILE, jurisdictions),
        (records.EVENTS_FILE, events),
        (records.SOURCES_FILE, sources),
    ):
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(table)
    return {"jurisdictions": n, "events": len(events) - 1, "sources": len(sources) - 1}


def check(folder: Path) -> None:
    """Raise unless sanctuarymap.data.records.load reads the folder with no problem and no warning."""
    loaded = records.load(Path(folder))  # raises RecordsError listing every problem
    if loaded.warnings:
        raise ValueError(f"synthetic records give warnings: {loaded.warnings}")


if __name__ == "__main__":
    target = Path(sys.argv[1])
    print(write(target))
    check(target)
    print("loads without problems")
