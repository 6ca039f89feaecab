"""The path a big table takes through the Beacon (`daas.core.tables.is_big`: more rows than
`BIG_ROWS`, or `DAAS_BIG_ROWS`) publishes exactly what the plain path publishes: every file of
the output byte for byte, the SQLite database by its canonical dump and the run record but for
its times, for the service-requests recipe's seeded sample and real 311 exports, and for
housing's seeded samples and real exports (#16)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from daas.beacon import cells as cells_module
from daas.beacon import records, values
from daas.cli import main
from daas.core import tables
from tests.test_big_housing import city_file as housing_city
from tests.test_real_requests import REAL, city_file

TIMES = ("started", "finished")


def published(slug: str, into: Path) -> dict[str, bytes]:
    """Every file the build published, as bytes: the database as its SQL dump and the run
    record without its times."""
    out = records.output_dir(slug)
    shutil.copytree(out, into)
    files = {}
    for path in sorted(p for p in into.rglob("*") if p.is_file()):
        name = str(path.relative_to(into))
        if path.suffix == ".db":
            with sqlite3.connect(path) as con:
                files[name] = "\n".join(con.iterdump()).encode()
        elif name == "run.json":
            run = {k: v for k, v in json.loads(path.read_text()).items() if k not in TIMES}
            files[name] = json.dumps(run, sort_keys=True).encode()
        else:
            files[name] = path.read_bytes()
    return files


def both_paths(slug: str, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Build `slug` by the plain path, then with every table big; the outputs are the same."""
    monkeypatch.delenv(tables.BIG_ROWS_VARIABLE, raising=False)
    assert main(["beacon", "build", "--city", slug, "--quiet"]) == 0
    plain = published(slug, tmp / "plain")
    monkeypatch.setenv(tables.BIG_ROWS_VARIABLE, "1")
    assert main(["beacon", "build", "--city", slug, "--quiet"]) == 0
    big = published(slug, tmp / "big")
    assert records.latest_run(slug)["status"] == "published"
    assert sorted(big) == sorted(plain)
    for name, content in plain.items():
        assert big[name] == content, name


@pytest.mark.slow
def test_the_seeded_sample_publishes_the_same_by_both_paths(
    city_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_paths("vale-do-sereno", tmp_path, monkeypatch)


@pytest.mark.slow
@pytest.mark.skipif(not REAL.exists(), reason="the shared folder of real exports is absent")
@pytest.mark.parametrize("slug", ["nyc", "buenos-aires"])  # two exports, two sets of quirks
def test_real_exports_publish_the_same_by_both_paths(
    slug: str, city_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    city_file(slug, city_tree)
    both_paths(slug, tmp_path, monkeypatch)


@pytest.mark.slow
@pytest.mark.parametrize("slug", ["port-mallory", "villa-ondina"])  # housing's seeded samples
def test_the_housing_samples_publish_the_same_by_both_paths(
    slug: str, city_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_paths(slug, tmp_path, monkeypatch)


@pytest.mark.slow
@pytest.mark.skipif(not REAL.exists(), reason="the shared folder of real exports is absent")
@pytest.mark.parametrize("slug", ["nyc", "chicago"])
def test_real_housing_exports_publish_the_same_by_both_paths(
    slug: str, city_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    housing_city(slug, city_tree)
    both_paths(slug, tmp_path, monkeypatch)


def test_a_table_is_big_past_the_threshold_or_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(tables.BIG_ROWS_VARIABLE, raising=False)
    assert not tables.is_big(tables.BIG_ROWS) and tables.is_big(tables.BIG_ROWS + 1)
    monkeypatch.setenv(tables.BIG_ROWS_VARIABLE, "10")
    assert tables.is_big(11) and not tables.is_big(10)
    monkeypatch.setenv(tables.BIG_ROWS_VARIABLE, "many")
    with pytest.raises(ValueError, match=tables.BIG_ROWS_VARIABLE):
        tables.is_big(11)


@pytest.mark.parametrize(
    "cells",
    [
        ["Calle 1", None, "", "Rua 2"],  # missing and blank: both empty
        ["Calle 1, esquina", "ok"],  # a comma: quoted, by the plain path
        ['say "hi"', "x"],
        ["two\nlines", "x"],
        [1, "x"],  # not text: the plain path
    ],
)
def test_a_big_tables_text_cells_are_the_plain_paths(cells: list) -> None:
    df = pd.DataFrame({"area": pd.Series(cells * 3, dtype=object), "requests": 10,
                       "population": 1000, "requests_per_1000": 1.5, "suppressed": False,
                       "suppression": ""})  # fmt: skip
    for frame in (df, df.astype({"area": "string"})):
        big = cells_module.csv_lines(frame, "requests_by_area", big=True)
        assert big == cells_module.csv_lines(frame, "requests_by_area")
    plain = cells_module._plain_text(df["area"])
    quoted = any(isinstance(c, str) and cells_module.NEEDS_QUOTES.search(c) for c in cells)
    assert (plain is None) == (quoted or not all(isinstance(c, str | None) for c in cells))


@pytest.mark.parametrize(
    ("texts", "as_they_are"),
    [
        (["2025-03-01T08:15:00-03:00", "2025-03-01T08:15:00", ""], True),  # ISO already
        (["2025-03-01 08:15:00", "2025-03-02T09:00:00"], False),  # a space to replace
        (["2099-01-01T00:00:00", "2025-03-01T08:15:00"], False),  # outside the kit's years
        (["13/01/2025 08:15", "2025-03-01T08:15:00"], False),
        (["2025-03-01T08:15:00", None], False),  # missing
        (["2025-02-30T08:15:00", "2025-03-01T08:15:00"], False),  # no such day
        (["2025-03-01T08:15:00-00:00"], False),
    ],
)
@pytest.mark.parametrize("fmt", [None, "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"])
def test_a_big_tables_date_times_read_as_the_plain_paths(
    texts: list, as_they_are: bool, fmt: str | None
) -> None:
    col = pd.Series(texts * 50, dtype=object)
    big_text, big_notes = values.read_datetimes(col, fmt, big=True)
    text, notes = values.read_datetimes(col, fmt)
    pd.testing.assert_series_equal(big_text, text)
    pd.testing.assert_series_equal(big_notes, notes)
    fast = values._iso_column(col, fmt, frozenset()) is not None
    assert fast == (as_they_are and not (fmt or "%Y").startswith("%d"))
