"""The path a big table takes through the Beacon (`daas.core.tables.is_big`: more rows than
`BIG_ROWS`, or `DAAS_BIG_ROWS`) publishes exactly what the plain path publishes: every file of
the output byte for byte, the SQLite database by its canonical dump and the run record but for
its times, for the service-requests recipe's seeded sample and real 311 exports (#16)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from daas.beacon import records
from daas.cli import main
from daas.core import tables
from daas.privacy import specific
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
@pytest.mark.parametrize("slug", ["nyc", "buenos-aires", "boston"])
def test_real_exports_publish_the_same_by_both_paths(
    slug: str, city_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    city_file(slug, city_tree)
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


def test_a_big_column_is_scanned_only_for_values_not_seen_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(tables.BIG_ROWS_VARIABLE, "0")
    values = ["ana@example.org", "2025-03-01T08:15:00-03:00", "4111 1111 1111 1111", "Calle 1"]
    first = pd.Series(values * 3, dtype=object)
    later = pd.Series(["x", *values[::-1], "bob@example.org", "000000017"], dtype=object)
    seen, scanned = specific.Seen(), []
    real = specific._scan_values

    def counted(texts: list[str], *args: object) -> dict:
        scanned.append(list(texts))
        return real(texts, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(specific, "_scan_values", counted)
    for series in (first, later):
        with_seen = specific.find(series, seen=seen)
        plain = specific.find(series)
        assert with_seen.keys() == plain.keys() and plain
        for kind, hits in plain.items():
            assert with_seen[kind].rows.tolist() == hits.rows.tolist()
            assert with_seen[kind].example == hits.example
    assert scanned[0] == values  # then the plain scan of `first`
    assert scanned[2] == ["x", "bob@example.org", "000000017"]
    specific.find(later, hinted={"ar_dni"}, seen=seen)  # other hints: every value again
    assert len(scanned[4]) == len(later)
