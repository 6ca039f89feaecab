"""Numbers too large to read exactly (`daas.beacon.quality._too_large`): a float holds every
whole number below 2**53 and no larger one for certain, so an integer field's value of 2**53 or
more (past int64 too: `9e20`, `123456789012345678901`), or a number field's written out in
full, is reported on its row and field and published blank, never rounded or left to fail.
The big path's equality is in tests/test_big_quality.py; a whole build by both paths here."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from daas.beacon import load, quality, records, schema

INVENTORY = list(schema.fields("inventory"))
CTX = quality.Context(as_of=date(2025, 6, 1))
# past int64, past uint64, past 2**53 (a float reads ...993 as ...992), exactly 2**53, and a
# negative one; then values a float holds
LARGE = ["9e20", "123456789012345678901", "18446744073709551616", "9007199254740993",
         "9007199254740992", "-9223372036854775809", "1e300"]  # fmt: skip
FINE = ["12", "9007199254740991", "1"]


def inventory(rows: list[dict]) -> pd.DataFrame:
    """A mapped `inventory` table (`load.apply_mapping`'s form) from a few rows."""
    out = pd.DataFrame({load.ROW: np.arange(2, len(rows) + 2, dtype=np.int64)})
    for f in INVENTORY:
        out[f] = pd.Series([r.get(f, "") for r in rows], dtype=object)
    return out


def home(i: int, **changes: str) -> dict:
    base = {"building_id": f"B{i:04d}", "neighbourhood": "Old Town", "units": "10",
            "latitude": "41.3", "longitude": "-73.0"}  # fmt: skip
    return {**base, **changes}


def reasons(result: quality.TableQuality, fld: str) -> dict[str, str]:
    """The value: reason of each issue on `fld`."""
    found = result.issues[result.issues["field"] == fld]
    return dict(zip(found["value"], found["reason"], strict=True))


def test_an_integer_too_large_to_be_a_count_is_reported_not_rounded() -> None:
    values = LARGE + FINE
    rows = [home(i, bedrooms=v, units=v) for i, v in enumerate(values)]
    result = quality.check("inventory", inventory(rows), CTX)
    said = {v: "units is too large to be a count" for v in LARGE}
    assert reasons(result, "units") == said
    issues = result.issues[result.issues["field"] == "units"]
    assert set(issues["dimension"]) == {"validity"} and issues["excluded"].all()  # required
    # bedrooms is not required: blanked and the row kept, and not also "above 6"
    assert reasons(result, "bedrooms") == {
        **{v: "bedrooms is too large to be a count" for v in LARGE},
        "12": "bedrooms is above 6",
        "9007199254740991": "bedrooms is above 6",
    }
    clean = result.clean
    assert isinstance(clean, pd.DataFrame)
    assert clean["units"].dtype == "Int64"
    assert clean["units"].tolist() == [12, 9007199254740991, 1]  # exact below 2**53
    assert clean["bedrooms"].tolist() == [pd.NA, pd.NA, 1]  # 12 and 2**53 - 1: above 6


def test_a_number_written_in_full_past_2_53_is_reported() -> None:
    """A number field's value of 2**53 or more written without an exponent cannot be read
    exactly (a float would publish another number); one with an exponent (`9e20`, `1E300`)
    says no more than a float holds, and is read, as an infinity is (then found above 90)."""
    values = ["9007199254740993", "-123456789012345678901", "9007199254740993.5",
              "$9007199254740993", "9e20", "1E300", "inf", "41.25"]  # fmt: skip
    rows = [home(i, latitude=v) for i, v in enumerate(values)]
    result = quality.check("inventory", inventory(rows), CTX)
    said = "latitude has too many digits to be read exactly"
    above = "latitude is above 90"  # read, then checked
    assert reasons(result, "latitude") == {
        "": "no location: not shown on the map",
        **dict.fromkeys(values[:4], said),
        **dict.fromkeys(values[4:7], above),
    }
    assert not result.issues["excluded"].any()  # latitude is not required
    assert result.clean["latitude"].isna().tolist() == [True] * 7 + [False]


def test_an_inf_in_an_integer_field_is_still_not_a_number() -> None:
    rows = [home(0, bedrooms="inf"), home(1, bedrooms="-inf")]
    result = quality.check("inventory", inventory(rows), CTX)
    assert set(reasons(result, "bedrooms").values()) == {"bedrooms is not a number"}


def test_the_reasons_read_in_every_language() -> None:
    from daas.core.i18n import use_language

    said = {"units": "units is too large to be a count",
            "latitude": "latitude has too many digits to be read exactly"}  # fmt: skip
    for fld, reason in said.items():
        english = quality.reason_shown(reason)
        for lang in ("es", "pt"):
            with use_language(lang):
                shown = quality.reason_shown(reason)
            assert f"`{fld}`" in shown and shown != english, (lang, shown)


@pytest.mark.slow
def test_a_build_reports_them_and_publishes_the_same_by_both_paths(
    city_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Port Mallory's inventory with homes counted past int64 and a latitude written past
    2**53: the build publishes, its quality issues name them, and the big path publishes the
    same files."""
    from tests.test_beacon_big_path import both_paths

    export = city_tree / "data" / "port-mallory" / "beacon" / "inventory.csv"
    with export.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    units, lat = head.index("Affordable Units"), head.index("Lat")
    planted = {1: (units, "9e20"), 2: (units, "123456789012345678901"),
               3: (units, "9007199254740993"), 4: (lat, "41000000000000000001")}  # fmt: skip
    for i, (col, value) in planted.items():
        rows[i][col] = value
    with export.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    both_paths("port-mallory", tmp_path, monkeypatch)
    db = next(records.output_dir("port-mallory").glob("*.db"))
    with sqlite3.connect(db) as con:
        found = con.execute(
            "SELECT row, field, value, reason FROM quality_issues "
            "WHERE reason LIKE '%too large%' OR reason LIKE '%exactly%' ORDER BY row"
        ).fetchall()
    assert found == [
        (2, "units", "9e20", "units is too large to be a count"),
        (3, "units", "123456789012345678901", "units is too large to be a count"),
        (4, "units", "9007199254740993", "units is too large to be a count"),
        (5, "latitude", "41000000000000000001", "latitude has too many digits to be read exactly"),
    ]
