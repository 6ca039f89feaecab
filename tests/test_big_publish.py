"""The service-requests recipe's published tables and files from a big clean `requests` table
(`daas.core.big.BigTable`, contract 3 of #16) are the plain path's: the published requests
(`privacy.public_requests`, a big table) row for row, every aggregate, and every file
`pipeline._publish` writes byte for byte (the CSV written by DuckDB, the SQLite database by
its dump, datapackage.json, the page data, the run record but for its times), for the seeded
sample and the real 311 exports. The clean table is the plain path's frame held in DuckDB
(`Engine.from_frame`), so each test builds both from the same rows."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from daas.beacon import cells, pipeline, publish, quality, recipes, records
from daas.beacon.big import publish as big_publish
from daas.beacon.recipe import QUALITY_TABLE
from daas.beacon.recipes.service_requests import privacy
from daas.core.big import BigTable, Engine
from daas.core.city import load_city
from tests.test_beacon_big_path import published
from tests.test_real_requests import REAL, city_file

REAL_SLUGS = ["nyc", "buenos-aires", "los-angeles", "boston"]


def checked(slug: str):
    """The city, its recipe and context, and its tables checked by the plain path (the clean
    tables without their free text, as `pipeline._stages` hands them to the recipe)."""
    city = load_city(slug)
    recipe = recipes.of(city)
    raw = pipeline.load_tables(city, {}, None)
    ctx = pipeline.context(city)
    results = {t: quality.check(t, pipeline.as_frame(raw.pop(t)), ctx) for t in list(raw)}
    for r in results.values():
        r.clean = pipeline._without(r.clean, list(recipe.free_text))
    return city, recipe, ctx, results


def held(engine: Engine, clean: pd.DataFrame) -> BigTable:
    """`clean` in DuckDB as the big quality stage leaves it: a temporary table (only the
    engine's own connection sees it) from which rows were deleted (its `rowid`s have gaps)."""
    every = engine.from_frame("every", pd.concat([clean.assign(_gone=False),
                                                  clean.head(50).assign(_gone=True)])
                              .sort_index(kind="stable").reset_index(drop=True))  # fmt: skip
    table = BigTable(engine, engine.name("clean"))
    engine.execute(f"CREATE TEMPORARY TABLE {table.sql} AS SELECT * FROM {every.sql}")
    engine.execute(f"DELETE FROM {table.sql} WHERE _gone")
    return table.drop_columns(["_gone"])


def as_plain(big: BigTable, like: pd.DataFrame) -> pd.DataFrame:
    """A big table's rows with the frame's dtypes (DuckDB gives text as `str`, `string`'s
    sibling: the same values, NaN for <NA>)."""
    return big.df().astype(like.dtypes.to_dict())


def compare_tables(plain: dict, big: dict) -> None:
    assert list(big) == list(plain)
    for name, table in plain.items():
        other = big[name]
        if name == privacy.PUBLIC_TABLE:
            assert isinstance(other, BigTable)
            assert other.columns == list(table.columns)
            pd.testing.assert_frame_equal(as_plain(other, table), table)
        else:
            assert isinstance(other, pd.DataFrame)
            pd.testing.assert_frame_equal(other, table)
            assert other.attrs == table.attrs, name


def publish_files(city, recipe, ctx, results, public, into: Path) -> dict[str, bytes]:
    """What `pipeline._stages` publishes from the recipe's tables `public`, as bytes."""
    issues = [r.issues for t, r in results.items() if not recipe.restricted_tables()
              or t not in recipe.restricted_tables()]  # fmt: skip
    public = dict(public)
    public[QUALITY_TABLE] = pd.concat(
        issues or [pd.DataFrame(columns=quality.ISSUE_COLUMNS)], ignore_index=True
    )
    public = {t: public[t] for t in recipe.public_tables if t in public}
    extra = recipe.reference_tables(city)
    plain = {t: pipeline.as_frame(df) for t, df in public.items()}
    gate = pipeline._gate({**plain, **extra}, city, "the publication")
    record = records.empty_record(city.slug, "2026-01-01T00:00:00Z")
    record.update(public_columns=pipeline.declarations(city), recipe=recipe.name)
    pipeline._publish(city, recipe, ctx, results, public, extra, gate, record)
    return published(city.slug, into)


def both_ways(slug: str, tmp: Path) -> None:
    city, recipe, ctx, results = checked(slug)
    clean = results["requests"].clean
    assert isinstance(clean, pd.DataFrame)
    plain = recipe.aggregate({"requests": clean}, ctx, city)
    with Engine() as engine:
        table = held(engine, clean)
        pd.testing.assert_frame_equal(as_plain(table, clean), clean)
        zone = engine.execute("SELECT current_setting('TimeZone')").fetchone()
        big = recipe.aggregate({"requests": table}, ctx, city)
        assert engine.execute("SELECT current_setting('TimeZone')").fetchone() == zone
        compare_tables(plain, big)
        coarsened = plain[privacy.PUBLIC_TABLE][privacy.COARSENED]
        assert coarsened.any() == (slug != "boston")  # Boston's export has no sensitive type
        before = publish_files(city, recipe, ctx, results, plain, tmp / "plain")
        after = publish_files(city, recipe, ctx, results, big, tmp / "big")
    assert sorted(after) == sorted(before)
    for name, content in before.items():
        assert after[name] == content, name


@pytest.mark.slow
def test_the_seeded_sample_publishes_the_same_from_a_big_table(
    city_tree: Path, tmp_path: Path
) -> None:
    both_ways("vale-do-sereno", tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(not REAL.exists(), reason="the shared folder of real exports is absent")
@pytest.mark.parametrize("slug", REAL_SLUGS)
def test_real_exports_publish_the_same_from_a_big_table(
    slug: str, city_tree: Path, tmp_path: Path
) -> None:
    city_file(slug, city_tree)
    both_ways(slug, tmp_path)


TEXTS = ["Calle 1", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "", None, " sp ", "ção",
         "x\x01y", '"', "Rua 2"]  # fmt: skip
NUMBERS = [1200.0, -0.0, 0.0, 40.822911, -44.988646, 1e-05, 1e16, 1.5e300, -2.5e-300, np.nan,
           0.1 + 0.2, 123456789012345.6, 1e15, math.pi, 5e-324]  # fmt: skip


def odd_requests(rows: int = 600, seed: int = 5, returns: bool = True) -> pd.DataFrame:
    """A published requests table of awkward cells: text a CSV writer quotes, blank and
    missing text, numbers written with exponents by others, -0, NaN, random doubles; with a
    carriage return in a text when `returns`."""
    rng = np.random.default_rng(seed)
    kinds = [t for t in TEXTS if returns or "\r" not in (t or "")]
    texts = pd.Series([kinds[i % len(kinds)] for i in range(rows)], dtype="string")
    randoms = rng.standard_normal(rows) * 10.0 ** rng.integers(-8, 20, rows)
    numbers = np.where(np.arange(rows) % 3 == 0, np.resize(NUMBERS, rows), randoms)
    df = pd.DataFrame({f: texts.sample(frac=1, random_state=i).reset_index(drop=True)
                       for i, f in enumerate(privacy.PUBLIC_FIELDS)})  # fmt: skip
    df["service_request_id"] = pd.Series([f"id,{i}" for i in range(rows)], dtype="string")
    df["lat"], df["long"] = numbers, randoms[::-1].copy()
    df[privacy.COARSENED] = np.arange(rows) % 4 == 1
    return df


@pytest.mark.parametrize("returns", [True, False])
def test_a_big_tables_csv_and_database_are_the_plain_paths(tmp_path: Path, returns: bool) -> None:
    df = odd_requests(returns=returns)
    with Engine() as engine:
        big = engine.from_frame("odd", df)
        pd.testing.assert_frame_equal(as_plain(big, df), df)
        written = big_publish.cells_sql(big, privacy.PUBLIC_TABLE)  # by DuckDB
        assert written is not None and written[2] == (not returns)  # by its own CSV writer
        publish.write_csv(tmp_path / "plain.csv", df, privacy.PUBLIC_TABLE)
        publish.write_csv(tmp_path / "big.csv", big, privacy.PUBLIC_TABLE)
        assert (tmp_path / "big.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()
        dumps = []
        for name, table in (("plain", df), ("big", big)):
            publish.write_database(tmp_path / f"{name}.db", {privacy.PUBLIC_TABLE: table}, {},
                                   chunk=100)  # fmt: skip
            with sqlite3.connect(tmp_path / f"{name}.db") as con:
                dumps.append(list(con.iterdump()))
        assert dumps[1] == dumps[0]
        # some rows, by position, after a column is dropped (as `pipeline._without` drops)
        rows = [0, 3, 17, 250, 599]
        big_publish.write_csv(tmp_path / "rows.csv", big.drop_columns(["nothing"]),
                              privacy.PUBLIC_TABLE, rows)  # fmt: skip
        expected = publish.csv_text(df.iloc[rows], privacy.PUBLIC_TABLE)
        assert (tmp_path / "rows.csv").read_bytes() == expected.encode()


def test_an_empty_big_table_writes_the_header_alone(tmp_path: Path) -> None:
    df = odd_requests().head(0)
    with Engine() as engine:
        big = engine.from_frame("none", df)
        publish.write_csv(tmp_path / "plain.csv", df, privacy.PUBLIC_TABLE)
        publish.write_csv(tmp_path / "big.csv", big, privacy.PUBLIC_TABLE)
    assert (tmp_path / "big.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()


def test_a_big_tables_numbers_are_written_in_full(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**63, 20_000, dtype=np.uint64).view("float64")
    numbers = np.concatenate([bits[np.isfinite(bits)], rng.uniform(-180, 180, 20_000).round(6)])
    df = pd.DataFrame({"lat": numbers})
    with Engine() as engine:
        big = engine.from_frame("numbers", df)
        odd = big_publish.profile(big, privacy.PUBLIC_TABLE).odd
        sql, params = big_publish._number_cell('"lat"', odd["lat"], "x")
        written = engine.execute(f"SELECT {sql} FROM {big.sql}", params).fetchall()
    assert [w for (w,) in written] == cells._spread(*cells._number_text(df["lat"]))


def test_a_big_tables_spread_is_validated_as_the_plain_paths(tmp_path: Path) -> None:
    df = odd_requests(rows=300)
    df.loc[7, "service_request_id"] = df.loc[200, "service_request_id"]
    df.loc[250, "lat"] = np.nan
    publish.write_schemas(tmp_path, [privacy.PUBLIC_TABLE])
    with Engine() as engine:
        big = engine.from_frame("twice", df)
        for head in (10, 299):
            plain = publish._validate_spread(tmp_path, privacy.PUBLIC_TABLE, df, head, 50)
            assert publish._validate_spread(tmp_path, privacy.PUBLIC_TABLE, big, head, 50) == plain
            assert plain[0].startswith("primary-key-error")


@pytest.mark.slow
def test_a_table_of_many_row_groups_keeps_its_order(city_tree: Path, tmp_path: Path) -> None:
    """Past one of DuckDB's row groups (122,880 rows) a query that is not careful moves rows
    (an IN list becomes a join): the sample's rows many times over stay in order."""
    from daas.beacon.recipes.service_requests import pages as sr_pages

    city, recipe, ctx, results = checked("vale-do-sereno")
    clean = results["requests"].clean
    many = pd.concat([clean] * (2 * 122_880 // len(clean) + 1), ignore_index=True)
    many["service_request_id"] = pd.Series([f"{i:07d}" for i in range(len(many))],
                                           dtype="string")  # fmt: skip
    assert city.beacon is not None and len(many) > 2 * 122_880
    sensitive = privacy.sensitive_categories(city.beacon.sensitive_categories)
    options = {"zone": ctx.timezone, "min_cell": city.privacy.min_cell_size}
    plain = privacy.public_requests(many, sensitive, **options)
    with Engine() as engine:
        big = privacy.public_requests(held(engine, many), sensitive, **options)
        assert isinstance(big, BigTable)
        pd.testing.assert_frame_equal(as_plain(big, plain), plain)
        for name, table in (("plain", plain), ("big", big)):
            publish.write_csv(tmp_path / f"{name}.csv", table, privacy.PUBLIC_TABLE)
        assert (tmp_path / "big.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()
        publish.write_schemas(tmp_path, [privacy.PUBLIC_TABLE])
        spread = [publish._validate_spread(tmp_path, privacy.PUBLIC_TABLE, t, 100, 3000)
                  for t in (plain, big)]  # fmt: skip
        assert spread[1] == spread[0] == []
        as_of = ctx.as_of.isoformat()
        oldest = [sr_pages.oldest_open(t, as_of, ctx.timezone) for t in (plain, big)]
        pd.testing.assert_frame_equal(oldest[1], oldest[0].reset_index(drop=True),
                                      check_dtype=False)  # fmt: skip
        first = [recipe.first_date({privacy.PUBLIC_TABLE: t}) for t in (plain, big)]
        assert first[1] == first[0]


@pytest.mark.parametrize("zone", ["America/New_York", "America/Sao_Paulo", "UTC"])
def test_coarsened_times_start_their_day_across_clock_changes(zone: str) -> None:
    """A sensitive request's times become its local day's midnight, whose offset differs from
    the time's on a day the clocks change (looked up, not built from the time's offset)."""
    from daas.beacon.recipes.service_requests import checks

    moments = pd.Series(pd.to_datetime(
        ["2011-03-13T01:30:00-05:00", "2011-03-13T10:00:00-04:00", "2011-11-06T00:30:00-04:00",
         "2011-11-06T01:30:00-05:00", "2011-11-06T12:00:00-05:00", "2011-07-01T12:00:00-04:00",
         "2018-11-04T12:00:00-02:00", "2019-02-16T23:30:00-02:00", None], utc=True))  # fmt: skip
    text = checks.local_text(moments, zone)
    n = len(text)
    df = pd.DataFrame({
        "service_request_id": [f"r{i}" for i in range(n)],
        "service_code": ["NR", "PH"] * 4 + ["NR"],
        "service_name": ["Noise - Residential", "Pothole"] * 4 + ["Noise - Residential"],
        "status": "closed", "requested_datetime": text, "closed_datetime": text.shift(1),
        "address": "1 Main St", "area": ["A", "A", "B", "A", "A", "A", "A", "B", "A"],
    }).astype("string")  # fmt: skip
    df["lat"], df["long"] = 40.7, -73.9
    sensitive = privacy.sensitive_categories()
    plain = privacy.public_requests(df, sensitive, zone=zone, min_cell=2)
    assert plain[privacy.COARSENED].sum() == 5
    with Engine() as engine:
        big = privacy.public_requests(engine.from_frame("x", df), sensitive, zone=zone,
                                      min_cell=2)  # fmt: skip
        assert isinstance(big, BigTable)
        pd.testing.assert_frame_equal(as_plain(big, plain), plain)
