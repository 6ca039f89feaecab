"""The Beacon pipeline end to end: build, package validity, idempotence, failures, privacy."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from daas.beacon import records, schema
from daas.beacon.recipes.housing import HOUSING, aggregate
from daas.cli import main
from daas.core.paths import city_build_dir

CITY = "port-mallory"


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def built(city_tree: Path) -> Path:
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 0
    return city_build_dir(CITY) / "beacon"


def test_build_exits_0_and_writes_the_run_record(built: Path) -> None:
    rec = records.latest_run(CITY)
    assert rec["status"] == "published" and rec["package_valid"] is True
    assert set(rec["quality"]) == set(records.QUALITY_KEYS)
    assert all(0 <= v <= 1 for v in rec["quality"].values())
    assert rec["privacy_gate"]["passed"] is True
    assert rec["pages"] == ["performance", "resident", "staff"]  # the page data it wrote
    assert rec["rows_suppressed"] > 0 and rec["rows_published"] > 300
    assert rec["metadata_complete"] == 1.0
    assert records.run_history(CITY)[-1]["started"] == rec["started"]
    for name in ("datapackage.json", "beacon.db", "metadata.json", "neighbourhoods.geojson"):
        assert (built / name).is_file()


def test_frictionless_cli_accepts_the_package(built: Path) -> None:
    exe = Path(sys.executable).with_name("frictionless")
    res = subprocess.run(
        [str(exe), "validate", "--json", str(built / "datapackage.json")],
        capture_output=True,
        text=True,
        cwd=built,
        timeout=120,
    )
    assert res.returncode == 0, res.stdout[-2000:]
    assert json.loads(res.stdout)["valid"] is True


def test_package_carries_dcat_metadata(built: Path) -> None:
    desc = json.loads((built / "datapackage.json").read_text())
    assert desc["publisher"]["name"] == "Port Mallory Housing Department"
    assert desc["contactPoint"]["hasEmail"].startswith("mailto:")
    assert desc["accrualPeriodicity"] == "monthly" and desc["accessLevel"] == "public"
    assert desc["spatial"].count(",") == 3 and "/" in desc["temporal"]
    assert desc["licenses"][0]["name"] == "CC-BY-4.0"
    assert [r["name"] for r in desc["resources"]] == list(HOUSING.public_tables)


def test_quirks_are_caught_with_reasons(built: Path) -> None:
    issues = pd.read_csv(built / "data" / "quality_issues.csv", keep_default_na=False)
    reasons = set(issues["reason"])
    assert "an exact copy of an earlier row" in reasons
    assert "not one of the city's neighbourhoods (a typo?)" in reasons
    assert "affordability ends before it starts" in reasons
    assert "units is empty" in reasons
    assert any("bedrooms" in r for r in reasons)  # '7BR' is not a bedroom count
    inv = pd.read_csv(built / "data" / "inventory.csv", keep_default_na=False, dtype=str)
    assert not inv.duplicated().any()
    assert not inv["affordability_end"].str.startswith("3799").any()  # sentinel means "never"
    assert (inv["affordability_end"] == "").any()
    assert (inv["units"] == "0").any()  # a real zero survives; blanks do not
    assert set(issues["table"]) <= {"inventory", "income_limits"}  # partner rows never listed


def test_rebuild_is_byte_identical(built: Path) -> None:
    before = _digest(built)
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 0
    after = _digest(built)
    before.pop("run.json"), after.pop("run.json")
    assert before == after
    assert len(records.run_history(CITY)) == 2


def test_no_partner_row_or_column_reaches_the_public(built: Path, city_tree: Path) -> None:
    listings = pd.read_csv(
        city_tree / "data" / CITY / "beacon" / "listings.csv",
        sep=";",
        encoding="latin-1",
        dtype=str,
        keep_default_na=False,
    )
    ids = set(listings["listing_ref"])
    addresses = set(listings["street"])
    # columns only the partner's rows have (address and location also describe public buildings)
    restricted = set(schema.fields("listings")) - set(schema.fields("inventory"))
    assert restricted == {"listing_id", "asking_rent", "listed_date"}
    blobs = {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    con = sqlite3.connect(built / "beacon.db")
    dump = "\n".join(con.iterdump())
    db_columns = {
        c[1]
        for (t,) in con.execute("select name from sqlite_master where type='table'")
        for c in con.execute(f'pragma table_info("{t}")')
    }
    con.close()
    assert not restricted & db_columns
    for p in built.glob("data/*.csv"):
        assert not restricted & set(pd.read_csv(p, nrows=0).columns), p
    for value in ids:
        assert value not in dump
        assert not any(value.encode() in b for b in blobs.values()), value
    inventory_text = (built / "data" / "inventory.csv").read_text()
    leaked = [a for a in addresses if a not in inventory_text and a in dump]
    assert not leaked
    points = set(zip(listings["lat"], listings["lon"], strict=True))
    con = sqlite3.connect(built / "beacon.db")
    published = set(
        con.execute("select cast(latitude as text), cast(longitude as text) from inventory")
    )
    con.close()
    assert not points & published
    summary = pd.read_csv(built / "data" / "listings_summary.csv")
    shown = summary.loc[~summary["suppressed"], "listings"]
    assert (shown >= 10).all() and summary["suppressed"].sum() > 0
    secondary = summary["suppression"] == "secondary"
    assert secondary.any()  # totals cannot reveal the hidden cells
    for page in (built / "pages").glob("*.json"):
        text = page.read_text()
        assert "asking_rent" not in text.replace("median_asking_rent", "")


def test_gate_failure_publishes_nothing_and_is_recorded(
    built: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    before = _digest(built)

    def unsuppressed(lst: pd.DataFrame, min_cell: int) -> pd.DataFrame:
        g = lst.groupby(["neighbourhood", "bedrooms"]).size().rename("listings").reset_index()
        return g.assign(median_asking_rent=1.0, suppressed=False, suppression=None)

    monkeypatch.setattr(aggregate, "listings_summary", unsuppressed)
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "privacy gate" in err and "listings" in err
    assert _digest(built) == before
    assert records.run_history(CITY)[-1]["status"] == "failed"
    assert records.latest_run(CITY)["status"] == "published"


def test_fairness_check_flags_under_served_neighbourhoods() -> None:
    import pandas as pd

    from daas.beacon.recipes.housing.aggregate import fairness_table

    public = {"neighbourhood_supply": pd.DataFrame(
        {"neighbourhood": ["A", "A", "B", "C"], "units": [50, 30, 15, 5]})}  # fmt: skip
    extra = {"neighbourhoods": pd.DataFrame(
        {"neighbourhood": ["A", "B", "C"], "renting_households": [300, 300, 400]})}  # fmt: skip
    table = fairness_table(public, extra).set_index("neighbourhood")
    assert table.loc["A", "served"] == 80
    assert bool(table.loc["C", "under_served"]) and not bool(table.loc["A", "under_served"])
    assert fairness_table(public, {}) is None


def test_map_polygons_are_wound_for_d3() -> None:
    from daas.beacon.pages import _signed_area, d3_winding

    ccw = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]  # RFC 7946 exterior ring
    hole = [[0.2, 0.2], [0.2, 0.4], [0.4, 0.4], [0.2, 0.2]]  # clockwise hole
    fixed = d3_winding({"type": "Polygon", "coordinates": [ccw, hole]})["coordinates"]
    assert _signed_area(fixed[0]) < 0 < _signed_area(fixed[1])
    multi = d3_winding({"type": "MultiPolygon", "coordinates": [[ccw]]})["coordinates"]
    assert _signed_area(multi[0][0]) < 0


def test_freshness_counts_to_the_fictional_reference_date(built: Path) -> None:
    # cities/port-mallory.yml: sources as_of 2025-06-30, reference_date 2025-07-14
    assert records.latest_run(CITY)["freshness_days"] == 14
    perf = json.loads((built / "pages" / "performance.json").read_text())
    assert perf["as_of"] == "2025-06-30"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"fictional": False}, "reference_date", "only a fictional city"),
        ({"reference_date": "2025-06-01"}, "beacon.sources.inventory.as_of", "is after"),
    ],
)
def test_reference_date_is_for_fictional_cities_after_the_data(
    city_tree: Path, change: dict, field: str, message: str
) -> None:
    import yaml

    from daas.core.city import load_city
    from daas.core.errors import DaasError

    path = city_tree / "cities" / f"{CITY}.yml"
    data = yaml.safe_load(path.read_text())
    data.update(change)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DaasError) as exc:
        load_city(CITY)
    problems = exc.value.problems
    assert any(p.field == field and message in p.message for p in problems), problems
    assert all(p.file.endswith(f"{CITY}.yml") for p in problems)


def test_csv_writer_matches_pandas_on_awkward_values() -> None:
    import numpy as np

    from daas.beacon import publish

    text = ["a,b", 'say "hi"', "two\nlines", "", None, " padded ", "Muñoz", "a\rb"]
    df = pd.DataFrame(
        {
            "table": text,
            "row": range(len(text)),
            "dimension": "validity",
            "field": text[::-1],
            "value": [1.5, -0.0, np.nan, 1e20, "x", None, True, "ok"],
            "reason": "r",
            "excluded": [True, False, None, True, False, True, False, True],
        }
    )
    expected = pd.DataFrame(
        {
            **{c: df[c].astype("string") for c in ("table", "row", "dimension", "field")},
            "value": df["value"].astype("string"),
            "reason": df["reason"],
            "excluded": df["excluded"].map({True: "true", False: "false"}),
        }
    ).to_csv(index=False, lineterminator="\n", na_rep="")
    assert publish.csv_text(df, "quality_issues") == expected


def test_big_tables_are_validated_beyond_their_first_rows(built: Path) -> None:
    from daas.beacon import publish

    inv = pages_table(built, "inventory")
    assert publish.validate_package(built, {"inventory": inv}, head=5, spread=20) == (True, [])
    bad = inv.copy()
    bad.loc[bad.index[-1], "tenure"] = "lease"  # the last row: past the first 5, always sampled
    valid, errors = publish.validate_package(built, {"inventory": bad}, head=5, spread=20)
    assert not valid and any("inventory" in e and "lease" in e for e in errors), errors
    supply = pages_table(built, "neighbourhood_supply")
    twice = pd.concat([supply, supply.tail(1)], ignore_index=True)
    valid, errors = publish.validate_package(built, {"neighbourhood_supply": twice}, head=5)
    assert not valid and any("repeat the key" in e for e in errors), errors


def pages_table(built: Path, table: str) -> pd.DataFrame:
    from daas.beacon.pages import read_table

    assert built == records.output_dir(CITY)
    return read_table(CITY, table)


def test_partner_data_only_feeds_tables_never_published_raw(
    city_tree: Path, capsys: pytest.CaptureFixture
) -> None:
    city_file = city_tree / "cities" / f"{CITY}.yml"
    text = city_file.read_text(encoding="utf-8")
    # the city's own listings export may feed the restricted table (only aggregates publish it)
    listings_public = text.replace("      role: partner\n", "      role: public\n")
    assert listings_public != text
    city_file.write_text(listings_public, encoding="utf-8")
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 0
    # partner data feeding a table published row by row is refused, naming the field
    inventory_partner = text.replace("      role: public\n", "      role: partner\n", 1)
    city_file.write_text(inventory_partner, encoding="utf-8")
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 2  # a city file problem
    err = capsys.readouterr().err
    assert "beacon.sources.inventory.role" in err and "partner source cannot feed" in err
