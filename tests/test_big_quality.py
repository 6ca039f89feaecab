"""The quality checks on a big table in DuckDB (`daas.beacon.big.quality`) give what the plain
path gives (#16): the same issues frame, scores, row counts and placeholder dates, and a clean
table whose `df()` is the plain path's clean frame, dtypes included. On the mapped tables of the
seeded sample, the real 311 exports, the benchmark's generator, and small frames made to hit
every check (duplicates, placeholders, numbers, enums, clock changes, areas, map)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from daas.beacon import load, pipeline, quality, schema
from daas.beacon.big import quality as big_quality
from daas.core.big import BigTable, Engine
from daas.core.city import load_city
from tests.test_real_requests import EXPORTS, REAL, city_file

FIELDS = list(schema.fields("requests"))


def same(mapped: pd.DataFrame, ctx: quality.Context, table: str = "requests") -> None:
    """The big path's result for `mapped` is the plain path's."""
    plain = quality.check(table, mapped.copy(), ctx)
    with Engine() as engine:
        result = quality.check(table, engine.from_frame(table, mapped), ctx)
        assert isinstance(result.clean, BigTable)
        clean = result.clean.df()
        chunks = list(result.clean.chunks(7))
        counts = (result.rows, result.excluded, result.unknown_dates)
    pd.testing.assert_frame_equal(result.issues, plain.issues)
    pd.testing.assert_frame_equal(clean, plain.clean)
    for col in clean.select_dtypes("float").columns:  # -0.0 and 0.0 are published apart
        assert (np.signbit(clean[col]) == np.signbit(plain.clean[col])).all(), col
    if len(clean):
        pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), plain.clean)
    assert result.scores == plain.scores
    assert counts == (plain.rows, plain.excluded, plain.unknown_dates)


def mapped_frame(rows: list[dict], notes: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """A mapped `requests` table (`load.apply_mapping`'s form) from a few rows."""
    out = pd.DataFrame({load.ROW: np.arange(2, len(rows) + 2, dtype=np.int64)})
    for f in FIELDS:
        out[f] = pd.Series([r.get(f, "") for r in rows], dtype=object)
    for f, kinds in (notes or {}).items():
        out[load.NOTE + f] = pd.Series(kinds, dtype=object)
    return out


def context(zone: str, **kw) -> quality.Context:
    kw.setdefault("neighbourhoods", ["Centro", "Norte", "Sul"])
    kw.setdefault("bbox", (-75.0, -30.0, -40.0, 45.0))
    return quality.Context(as_of=date(2025, 6, 1), timezone=zone, **kw)


def request(i: int, **changes: str) -> dict:
    base = {
        "service_request_id": f"R{i:05d}",
        "service_code": "POTHOLE",
        "service_name": "Pothole",
        "status": "closed",
        "description": f"text {i}",
        "requested_datetime": "2025-03-01T08:15:00-03:00",
        "closed_datetime": "2025-03-02T09:00:00-03:00",
        "address": f"Rua {i} 10",
        "lat": "-23.5",
        "long": "-46.6",
        "area": "Centro",
    }
    return {**base, **changes}


@pytest.mark.slow
def test_the_seeded_sample(city_tree: Path) -> None:
    city = load_city("vale-do-sereno")
    ctx = pipeline.context(city)
    for table, mapped in pipeline.load_tables(city).items():
        same(pipeline.as_frame(mapped), ctx, table)


@pytest.mark.slow
@pytest.mark.skipif(not REAL.exists(), reason="the shared folder of real exports is absent")
@pytest.mark.parametrize("slug", list(EXPORTS))
def test_real_exports(slug: str, city_tree: Path) -> None:
    city = city_file(slug, city_tree)
    ctx = pipeline.context(city)
    mapped = pipeline.load_tables(city)["requests"]
    same(pipeline.as_frame(mapped), ctx)


@pytest.mark.slow
def test_the_benchmark_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.beacon_scale import requests_repo

    root, _csv = requests_repo(50_000)
    try:
        monkeypatch.setenv("DAAS_ROOT", str(root))
        city = load_city("bench")
        same(pipeline.as_frame(pipeline.load_tables(city)["requests"]), pipeline.context(city))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_duplicates_exact_copies_and_same_keys() -> None:
    a, b = request(1), request(2)
    rows = [
        a,
        dict(a),  # an exact copy
        {**a, "description": "other"},  # the same key, other values
        b,
        {**b, "area": "Nowhere"},  # left out (unknown area) ...
        {**b, "area": "Nowhere"},  # ... and its copy: an exact copy of a row left out
        {**b, "service_request_id": ""},  # no key: reported empty and left out
        {**b, "service_request_id": ""},
        request(3, status="bogus"),  # not open or closed: the status is blanked
        request(3, status="bogus"),
    ]
    same(mapped_frame(rows), context("America/Sao_Paulo"))
    # every key missing: rows are compared in every column
    no_keys = [{**r, "service_request_id": ""} for r in rows]
    same(mapped_frame(no_keys), context("America/Sao_Paulo"))
    same(mapped_frame([]), context("America/Sao_Paulo"))


def test_placeholders_notes_numbers_and_the_map() -> None:
    addresses = ["Multiple Addresses", "----", "CONFIDENTIAL", "n/a", "Rua 5 10", "ñ", "_",
                 "Sin dirección", "", "Various Locations", "Av. Paulista 1000"]  # fmt: skip
    numbers = ["-23.5", "1.", "+5", " 5", "abc", "nan", "inf", "1e1", "-0", "95", "-91", "0",
               "$10", "1,5", ".5", "-.5", "0005", "12.000000001", "", "-23.55052"]  # fmt: skip
    rows = []
    for i, (addr, num) in enumerate(zip(addresses * 2, numbers, strict=False)):
        rows.append(request(i, address=addr, lat=num, long="0" if num == "0" else "-46.6"))
    rows.append(request(90, lat="-23.5", long=""))  # no location
    rows.append(request(91, lat="80", long="120"))  # outside the map
    rows.append(request(92, area=""))
    rows.append(request(93, area="Oeste"))
    notes = {
        "address": ["placeholder" if i == 4 else "" for i in range(len(rows))],
        "closed_datetime": ["placeholder" if i == 5 else "" for i in range(len(rows))],
        "lat": ["ambiguous" if i == 6 else "" for i in range(len(rows))],
    }
    frame = mapped_frame(rows, notes)
    same(frame, context("America/Sao_Paulo"))
    same(frame, context("America/Sao_Paulo", neighbourhoods=None, bbox=None))


def test_a_negative_zero_among_integers() -> None:
    """pandas reads `-0` as 0 in a column of integers, as -0.0 in any other."""
    for lats in (["-0", "5", "-10"], ["-0", "5", "1.5"], ["-0", "", "5"], ["-00", "-0.0", "7"]):
        rows = [request(i, lat=v, long="-46") for i, v in enumerate(lats)]
        same(mapped_frame(rows), context("America/Sao_Paulo", bbox=None))


def test_numbers_too_large_to_read_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole numbers a float cannot hold exactly (tests/test_beacon_quality_numbers.py): an
    integer field's (past int64 too) and a number field's written out in full, reported and
    blanked as the plain path does, in SQL; and a `-0` in a column with an integer past int64,
    which pandas then reads as a float (-0.0), or past uint64 with one below zero."""
    from tests.test_beacon_quality_numbers import FINE, LARGE, home, inventory

    monkeypatch.setattr(big_quality, "_plain", None)  # checked in SQL, not by the plain code
    values = [*LARGE, *FINE, "inf", "", "abc", "9007199254740993.5", "$9007199254740993",
              "1E300", "-0", "2.5"]  # fmt: skip
    rows = [home(i, bedrooms=v, units=v, latitude=v) for i, v in enumerate(values)]
    same(inventory(rows), context("UTC", neighbourhoods=None, bbox=None), "inventory")
    for lats in (["-0", "5", "123456789012345678901"], ["-0", "18446744073709551615"],
                 ["-0", "-9223372036854775809"], ["-0", "9223372036854775807", "-5"],
                 ["-0", "9223372036854775808", "-5"], ["-0", "9007199254740993"]):  # fmt: skip
        rows = [request(i, lat=v, long="-46") for i, v in enumerate(lats)]
        same(mapped_frame(rows), context("America/Sao_Paulo", bbox=None))


def test_many_odd_numbers_are_joined_in() -> None:
    rows = [request(i, lat=f"${i % 80}.5", long=f"-46.{i}") for i in range(400)]
    same(mapped_frame(rows), context("America/Sao_Paulo"))


CLOCK_CHANGES = {
    "America/New_York": [
        "2024-11-03T00:59:59", "2024-11-03T01:00:00", "2024-11-03T01:30:00",
        "2024-11-03T02:00:00", "2024-03-10T01:59:59", "2024-03-10T02:00:00",
        "2024-03-10T02:30:00", "2024-03-10T03:00:00", "2024-03-10", "2024-11-03",
        "2024-11-01T01:30:00", "2024-11-05T01:30:00", "2024-03-08T02:30:00",
        "2024-03-12T02:30:00", "2024-11-03T01:30:00-04:00", "2024-11-03T01:30:00-05:00",
        "2024-11-03T05:30:00+00:00", "2024-11-03T06:30:00Z", "2024-11-03T06:30:00.250000",
    ],
    "America/Sao_Paulo": [
        "2018-11-04", "2018-11-04T00:30:00", "2018-11-03T23:59:59", "2018-02-17T23:30:00",
        "2018-02-18T00:30:00", "2018-02-16T23:30:00", "2018-02-20T23:30:00",
        "2018-11-01T12:00:00", "2018-11-07T12:00:00", "1914-01-01T00:00:00",
        "1913-12-31T23:59:59", "1914-01-01T00:03:00", "2019-02-17T00:30:00",
        "2012-10-21T00:15:00", "2012-10-21T00:15:00-03:00", "2012-10-21T00:15:00-02:00",
        "2030-01-01T00:00:00", "2025-03-01T08:15:00-0300", "2025-03-01 08:15:00",
    ],
}  # fmt: skip
ODD = ["ayer a la tarde", "2025-02-29T10:00:00-03:00", "2025-03-01T24:00:00-03:00",
       "1800-01-01T00:00:00", "2250-01-01T00:00:00", "2025-03-01T10:00:00+05:30",
       "2025-03-01T10:00:00-24:00", " 025-03-01T08:15:00-03:00", "2025-3-1", "12/31/2024",
       "2025-03-01T10:00:00+14:00"]  # fmt: skip


ISO = re.compile(r"(19[7-9]\d|2\d{3})-\d\d-\d\d(T\d\d:\d\d:\d\d([+-]\d\d:\d\d)?)?")


@pytest.mark.parametrize("zone", list(CLOCK_CHANGES))
def test_clock_changes_and_odd_date_times(zone: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Local times at and near a change of the zone's offset (a repeated hour: the later
    reading, as pandas' `ambiguous=False`; a skipped hour: the first moment after it, as
    `nonexistent="shift_forward"`), other offsets and forms, and text that is not one. SQL
    reads every ISO 8601 value from 1970 on (the clock changes too); pandas the others."""
    values = CLOCK_CHANGES[zone] + ODD
    rows = []
    for i, v in enumerate(values):
        rows.append(request(i, requested_datetime=v, closed_datetime=values[-1 - i],
                            updated_datetime=v, expected_datetime=""))  # fmt: skip
    rows.append(request(99, closed_datetime=""))  # closed without a date-time
    rows.append(request(98, requested_datetime="2025-06-02T00:00:00-03:00"))  # after as_of
    rows.append(request(97, requested_datetime="2025-06-01T23:59:59-03:00"))
    asked: set[str] = set()
    ask = big_quality.Checks.asked

    def spy(self: big_quality.Checks, work: str) -> dict[str, set[str]]:
        found = ask(self, work)
        asked.update(found.get("datetimes", ()))
        return found

    monkeypatch.setattr(big_quality.Checks, "asked", spy)
    same(mapped_frame(rows), context(zone))
    sql_reads = {v for v in CLOCK_CHANGES[zone] if ISO.fullmatch(v) and "+05:30" not in v}
    assert sql_reads and not asked & sql_reads
    assert asked >= {"ayer a la tarde", "2025-02-29T10:00:00-03:00", "2025-03-01T24:00:00-03:00"}


ZONES = ["America/New_York", "America/Sao_Paulo", "Europe/Dublin", "Australia/Lord_Howe",
         "America/Argentina/Buenos_Aires"]  # fmt: skip


@pytest.mark.parametrize("zone", ZONES)
def test_date_times_over_years_read_as_pandas_reads_them(zone: str) -> None:
    """Thousands of local times and instants with offsets over 1995-2030, spread over every
    hour of the day, clock changes among them (Lord Howe's half-hour change is pandas')."""
    step = np.timedelta64(7 * 3600 + 37 * 60 + 11, "s")
    moments = np.arange(np.datetime64("1995-01-01T00:00:00"), np.datetime64("2030-01-01"), step)
    text = np.datetime_as_string(moments, unit="s")
    offsets = np.array(["-03:00", "+00:00", "-05:00", "-02:00", "+10:30"])
    aware = [t + offsets[i % len(offsets)] for i, t in enumerate(text[1::3].tolist())]
    values = text[::3].tolist() + aware + [t[:10] for t in text[2::3].tolist()]
    rows = [request(i, requested_datetime=v, closed_datetime="", status="open")
            for i, v in enumerate(values)]  # fmt: skip
    ctx = context(zone, neighbourhoods=None, bbox=None)
    ctx.as_of = date(2031, 1, 1)
    same(mapped_frame(rows), ctx)


def test_a_recipe_without_sql_rules_is_checked_by_the_plain_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A recipe without `table_checks_big` (housing's, were it so): its table is checked on
    its rows and the clean frame held in DuckDB."""
    from daas.beacon.recipes.housing import HOUSING

    monkeypatch.setattr(type(HOUSING), "checks_big_tables", False)
    plain = big_quality._plain
    used = []
    monkeypatch.setattr(big_quality, "_plain", lambda *a: used.append(a[0]) or plain(*a))
    fields = schema.fields("listings")
    frame = pd.DataFrame({f: pd.Series(["", ""], dtype=object) for f in fields})
    frame.insert(0, load.ROW, np.array([2, 3], dtype=np.int64))
    same(frame, context("UTC"), "listings")
    assert used == ["listings"]
