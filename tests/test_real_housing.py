"""Real housing exports (NYC HPD, City of Chicago) through a city file and the worked mappings in
`cities/mappings/`: the published totals equal figures computed independently from the raw file
with the csv module, and every row left out carries its reason. Skipped when the shared folder of
real exports is absent."""

from __future__ import annotations

import csv
import io
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from daas.beacon import records
from daas.cli import main
from daas.core.paths import city_build_dir, shared_real_data
from tests.kit import write_beacon_city

REAL = shared_real_data()  # resolved before city_tree moves the repository root
MAPPINGS = Path(__file__).parent.parent / "cities" / "mappings"
NYC_BANDS = {
    "Extremely Low Income Units": "extremely-low",
    "Very Low Income Units": "very-low",
    "Low Income Units": "low",
    "Moderate Income Units": "moderate",
    "Middle Income Units": "middle",
    "Other Income Units": "other",
}


def real_export(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real export {name} not present in {REAL}")
    return path


def raw_records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line the record starts on, record) for every record, read with the csv module."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        out, last = [], reader.line_num
        for fields in reader:
            if fields:
                out.append((last + 1, dict(zip(header, (v.strip() for v in fields), strict=True))))
            last = reader.line_num
    return out


def build_city(root: Path, export: Path, mapping: str, slug: str) -> None:
    dest = root / "data" / slug / export.name
    dest.parent.mkdir(parents=True)
    shutil.copy(export, dest)
    src = yaml.safe_load((MAPPINGS / mapping).read_text(encoding="utf-8"))
    src.update(path=f"data/{slug}/{export.name}", role="public", as_of="2022-10-01")
    write_beacon_city(root, slug, src)
    assert main(["beacon", "build", "--city", slug, "--quiet"]) == 0


def published(slug: str, table: str) -> list[dict[str, str]]:
    text = (city_build_dir(slug) / "beacon" / "data" / f"{table}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def first_per_key(rows: list[tuple[int, tuple, int, str]]) -> tuple[list, list]:
    """(kept, repeated): rows whose key was seen before are left out (keep the first)."""
    seen, kept, repeated = set(), [], []
    for row in rows:
        (repeated if row[1] in seen else kept).append(row)
        seen.add(row[1])
    return kept, repeated


def check_exclusions(slug: str, expected: dict[int, Counter]) -> None:
    """Each line with rows left out has at least as many `excluded` issues, with those reasons."""
    issues = [i for i in published(slug, "quality_issues") if i["excluded"] == "true"]
    by_line: dict[int, Counter] = defaultdict(Counter)
    for i in issues:
        by_line[int(i["row"])][i["reason"]] += 1
    assert set(by_line) == set(expected)
    for line, reasons in expected.items():
        for reason, n in reasons.items():
            if reason == "duplicate":
                got = sum(v for r, v in by_line[line].items() if "earlier row" in r)
            else:
                got = by_line[line][reason]
            assert got >= n, (line, reason, by_line[line])


def test_nyc_totals_match_the_raw_file(city_tree: Path) -> None:
    export = real_export("nyc_affordable_housing_by_building.csv")
    build_city(city_tree, export, "nyc-affordable-housing.yml", "nyc")
    mapped, no_id = [], []  # (line, key, units, borough): one row per band with homes
    for line, rec in raw_records(export):
        for col, band in NYC_BANDS.items():
            if rec[col] == "0":
                continue
            row = (line, (rec["Building ID"], band), int(rec[col]), rec["Borough"])
            (mapped if rec["Building ID"] else no_id).append(row)
    kept, repeated = first_per_key(mapped)
    rec = records.latest_run("nyc")
    assert rec["rows_read"]["inventory"] == len(mapped) + len(no_id)
    assert rec["rows_excluded"]["inventory"] == len(no_id) + len(repeated)
    inv = published("nyc", "inventory")
    assert len(inv) == len(kept)
    assert sum(int(r["units"]) for r in inv) == sum(r[2] for r in kept)
    by_band = Counter()
    for r in kept:
        by_band[r[1][1]] += r[2]
    supply = published("nyc", "neighbourhood_supply")
    got_band = Counter()
    for r in supply:
        got_band[r["income_band"]] += int(r["units"])
    assert got_band == by_band
    by_borough = Counter()
    for r in kept:
        by_borough[r[3]] += r[2]
    got_borough = Counter()
    for r in supply:
        got_borough[r["neighbourhood"]] += int(r["units"])
    assert got_borough == by_borough and len(by_borough) == 5
    expected: dict[int, Counter] = defaultdict(Counter)
    for line, *_ in no_id:
        expected[line]["building_id is empty"] += 1
    for line, *_ in repeated:
        expected[line]["duplicate"] += 1
    check_exclusions("nyc", expected)
    # the publisher's suppressed rows: `----` is no address, and they are placed on no map
    flagged = {
        int(i["row"])
        for i in published("nyc", "quality_issues")
        if i["field"] == "address" and "placeholder" in i["reason"]
    }
    assert flagged == {line for line, r in raw_records(export) if r["Street"] == "----"}
    assert len(flagged) == 1089


def test_chicago_totals_match_the_raw_file(city_tree: Path) -> None:
    export = real_export("chicago_affordable_rental_housing.csv")
    build_city(city_tree, export, "chicago-affordable-rental.yml", "chicago")
    raw = raw_records(export)
    mapped = [(line, r["Address"], int(r["Units"]), r["Community Area Name"]) for line, r in raw]
    kept, repeated = first_per_key(mapped)
    rec = records.latest_run("chicago")
    assert rec["rows_read"]["inventory"] == len(raw) == 488
    assert rec["rows_excluded"]["inventory"] == len(repeated)
    inv = published("chicago", "inventory")
    assert len(inv) == len(kept)
    assert sum(int(r["units"]) for r in inv) == sum(r[2] for r in kept)
    by_area = Counter()
    for r in kept:
        by_area[r[3]] += r[2]
    got = Counter()
    for r in published("chicago", "neighbourhood_supply"):
        got[r["neighbourhood"]] += int(r["units"])
    assert got == by_area
    check_exclusions("chicago", {line: Counter(duplicate=1) for line, *_ in repeated})
    # coordinates are published as read, to the last digit
    raw_points = {(r["Address"], r["Latitude"], r["Longitude"]) for _, r in raw}
    assert all((r["address"], r["latitude"], r["longitude"]) in raw_points for r in inv)
    no_location = [r for r in inv if not r["latitude"]]
    assert [r["address"] for r in no_location] == ["5900-6100 S. Green/Peoria/Sangamon"]
