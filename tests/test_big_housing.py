"""The housing recipe on the big tables' path (#16) gives what the plain path gives: its quality
checks in SQL (`checks.table_checks_big`) the same issues, scores, counts and clean table, and
its aggregates from clean tables held in DuckDB the same published frames. On the seeded
samples (Port Mallory, Villa Ondina), the real NYC and Chicago exports, the benchmark's
generator, and small tables made to hit every rule."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from daas.beacon import load, pipeline, quality, schema
from daas.beacon.big import quality as big_quality
from daas.beacon.recipes import housing
from daas.core.big import Engine
from daas.core.city import load_city
from tests.kit import write_beacon_city
from tests.test_big_quality import same
from tests.test_real_housing import MAPPINGS, REAL, real_export

REAL_CITIES = {  # slug: (export, mapping)
    "nyc": ("nyc_affordable_housing_by_building.csv", "nyc-affordable-housing.yml"),
    "chicago": ("chicago_affordable_rental_housing.csv", "chicago-affordable-rental.yml"),
}


def city_file(slug: str, root: Path):
    """A city file for a real housing export (as tests/test_real_housing.py builds it)."""
    import yaml

    name, mapping = REAL_CITIES[slug]
    export = real_export(name)
    dest = root / "data" / slug / export.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(export, dest)
    src = yaml.safe_load((MAPPINGS / mapping).read_text(encoding="utf-8"))
    src.update(path=f"data/{slug}/{export.name}", role="public", as_of="2022-10-01")
    write_beacon_city(root, slug, src)
    return load_city(slug)


def same_checks(mapped: pd.DataFrame, ctx: quality.Context, table: str) -> quality.TableQuality:
    """The big checks' result for `mapped`, in SQL, is the plain path's (returned)."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(big_quality, "_plain", None)  # checked in SQL, not by the plain code
        same(mapped, ctx, table)
    return quality.check(table, mapped.copy(), ctx)


def same_aggregates(clean: dict[str, pd.DataFrame], ctx: quality.Context, city) -> None:
    """`aggregate` on the clean tables held in DuckDB gives the plain path's frames."""
    plain = housing.HOUSING.aggregate({t: c.copy() for t, c in clean.items()}, ctx, city)
    with Engine() as engine:
        held = {t: big_quality.held(engine, f"clean_{t}", c) for t, c in clean.items()}
        big = housing.HOUSING.aggregate(dict(held), ctx, city)
        assert sorted(big) == sorted(plain)
        for t, frame in plain.items():
            got = big[t]
            if t in clean:
                assert got is held[t]  # published as it is, from DuckDB
                got = got.df()
            pd.testing.assert_frame_equal(got, frame, obj=t)
        assert housing.HOUSING.first_date(big) == housing.HOUSING.first_date(plain)


def same_city(city) -> None:
    ctx = pipeline.context(city)
    clean = {}
    for table, mapped in pipeline.load_tables(city).items():
        clean[table] = same_checks(pipeline.as_frame(mapped), ctx, table).clean
    same_aggregates(clean, ctx, city)


@pytest.mark.slow
@pytest.mark.parametrize("slug", ["port-mallory", "villa-ondina"])
def test_the_seeded_samples(slug: str, city_tree: Path) -> None:
    same_city(pipeline.with_sample_beacon(load_city(slug)))


@pytest.mark.slow
@pytest.mark.skipif(not REAL.exists(), reason="the shared folder of real exports is absent")
@pytest.mark.parametrize("slug", list(REAL_CITIES))
def test_real_exports(slug: str, city_tree: Path) -> None:
    same_city(city_file(slug, city_tree))


def mapped_frame(table: str, rows: list[dict], notes: dict[str, list[str]] | None = None):
    """A mapped table (`load.apply_mapping`'s form) from a few rows."""
    out = pd.DataFrame({load.ROW: np.arange(2, len(rows) + 2, dtype=np.int64)})
    for f in schema.fields(table):
        out[f] = pd.Series([r.get(f, "") for r in rows], dtype=object)
    for f, kinds in (notes or {}).items():
        out[load.NOTE + f] = pd.Series(kinds, dtype=object)
    return out


def context(**kw) -> quality.Context:
    kw.setdefault("neighbourhoods", ["Harbour", "Old Town", "Ñandú"])
    kw.setdefault("bbox", (-71.5, 41.5, -70.5, 42.5))
    return quality.Context(as_of=date(2025, 6, 30), **kw)


def home(i: int, **changes: str) -> dict:
    base = {
        "building_id": f"B{i:04d}",
        "project_name": f"Project {i}",
        "address": f"{i} Harbour Street",
        "neighbourhood": "Harbour",
        "latitude": "42.0",
        "longitude": "-71.0",
        "tenure": "rental",
        "income_band": "low",
        "bedrooms": "2",
        "units": "10",
        "affordability_start": "2010-01-01",
        "affordability_end": "2040-12-31",
    }
    return {**base, **changes}


def listing(i: int, rent: str, **changes: str) -> dict:
    base = {"listing_id": f"L{i:04d}", "address": f"{i} Old Town Road",
            "neighbourhood": "Old Town", "bedrooms": str(i % 3), "asking_rent": rent,
            "listed_date": "2025-06-01", "latitude": "42.1", "longitude": "-71.1"}  # fmt: skip
    return {**base, **changes}


ODD_DATES = ["2025-1-5", "2025-02-30", "3799-12-30", "1500-01-01", "0001-01-01", "9999-12-31",
             "２０２５-01-01", "01/02/2025", "+2025-01-01", "2025-01-01T00:00", "", "soon",
             "2030-06-30", "2030-07-01", "2025-06-29", "2025-06-30", "1899-12-30"]  # fmt: skip
ODD_INTEGERS = ["2", "2.0", "2.5", "-1", "7", "6", "inf", "-inf", "nan", "1e1", "$3", "0",
                "abc", "", " 4", "0005", "1,5", "-0"]  # fmt: skip


def test_every_inventory_rule() -> None:
    rows = []
    for i, (day, n) in enumerate(zip(ODD_DATES * 2, ODD_INTEGERS * 2, strict=False)):
        rows.append(home(i, affordability_end=day, bedrooms=n, units=n))
        rows.append(home(100 + i, affordability_start=day, affordability_end="2020-01-01"))
    rows.append(home(200, units="0"))  # zero homes
    rows.append(home(201, affordability_start="2030-01-01", affordability_end="2029-01-01"))
    rows.append(home(202, neighbourhood="Nowhere"))
    rows.append(home(203, neighbourhood="Ñandú", latitude="0", longitude="0"))
    rows.append(home(204, latitude="", address="Multiple Addresses"))
    rows.append(home(205, latitude="50"))  # outside the map
    rows.append(home(206, tenure="lease", income_band="", units=""))
    rows += [home(207), home(207), home(207, units="11"), home(208, building_id="")]
    n = len(rows)
    notes = {"affordability_end": (["", "placeholder", "period"] * n)[:n]}
    for extra in (None, notes):
        same_checks(mapped_frame("inventory", rows, extra), context(), "inventory")
    same_checks(mapped_frame("inventory", rows), context(neighbourhoods=None, bbox=None),
                "inventory")  # fmt: skip
    same_checks(mapped_frame("inventory", []), context(), "inventory")


def test_many_odd_dates_are_joined_in() -> None:
    days = pd.date_range("2001-01-01", periods=400, freq="D")
    rows = [home(i, affordability_end=f"{d.month}/{d.day}/{d.year}") for i, d in enumerate(days)]
    rows += [home(500 + i, bedrooms=f"{i % 5}.0", units=f"${i}") for i in range(300)]
    same_checks(mapped_frame("inventory", rows), context(), "inventory")


@pytest.mark.parametrize(
    "rents",
    [
        ["1000", "1200", "1300", "1500"],
        ["1000", "1201", "1300"],
        ["100", "1000", "1000", "9000", "1000.5", "abc", "0", ""],
        ["", "abc"],
        ["0.1", "0.2", "0.30000000000000004", "1e300"],
    ],
)
def test_listings_rules(rents: list[str]) -> None:
    rows = [listing(i, r) for i, r in enumerate(rents * 3)]
    rows.append(listing(90, "1000", listed_date="2025-04-01"))  # stale
    rows.append(listing(91, "1000", listed_date="2025-4-1"))
    rows.append(listing(92, "1000", bedrooms=""))
    same_checks(mapped_frame("listings", rows), context(), "listings")


def test_aggregates_of_small_tables() -> None:
    ctx = context()
    inventory = [home(i, neighbourhood=["Harbour", "Old Town", "Ñandú"][i % 3],
                      income_band=["low", "", "middle", "other"][i % 4],
                      affordability_end=["2030-06-30", "2030-07-01", "", "2029-02-28"][i % 4],
                      units=["10", "", "0", "3"][i % 5 % 4], building_id=f"B{i % 7}")
                 for i in range(60)]  # fmt: skip
    listings = [listing(i, str(900 + 37 * i), neighbourhood=["Harbour", "Old Town"][i % 2],
                        bedrooms=["0", "1", "2", ""][i % 4]) for i in range(70)]  # fmt: skip
    city = load_city("port-mallory")
    for rows in (inventory, inventory[:1]):
        tables = {"inventory": rows, "listings": listings}
        clean = {t: quality.check(t, mapped_frame(t, r), ctx).clean for t, r in tables.items()}
        same_aggregates(clean, ctx, city)
    empty = {"inventory": quality.check("inventory", mapped_frame("inventory", []), ctx).clean}
    same_aggregates(empty, ctx, city)


@pytest.mark.slow
def test_the_benchmark_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.beacon_scale import scratch_repo

    root, _rows = scratch_repo(50_000)
    try:
        monkeypatch.setenv("DAAS_ROOT", str(root))
        same_city(load_city("bench"))
    finally:
        shutil.rmtree(root, ignore_errors=True)
