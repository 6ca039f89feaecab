"""The privacy gate on a big table (`daas.core.big.BigTable`, #16) gives the verdict of the
plain gate on the same rows as a pandas frame (`.df()`): passed or not, and every reason word
for word, the row numbers and counts it lists included. Compared on the gate's own test cases
(each test of the plain gate's files run again with every frame and column also checked big),
the raw and mapped tables of the seeded sample and of the real 311 exports, the benchmark's
generator, and identifiers planted past the first chunks of a big table."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from daas.beacon import load, pipeline
from daas.beacon.big.publish import public_table
from daas.beacon.recipes.service_requests import generate
from daas.core.big import Engine
from daas.core.city import load_city
from daas.core.paths import repo_root
from daas.privacy import big
from daas.privacy import identifiers as ids
from daas.privacy.gate import GateResult, describe_type
from daas.privacy.gate import gate as plain_gate
from tests import (
    test_privacy_every_value,
    test_privacy_gate,
    test_privacy_identifiers,
)
from tests.test_real_requests import EXPORTS, REAL, city_file

plain_scan = ids.scan_column


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine() as e:
        yield e


def same_gate(engine: Engine, tables: dict[str, pd.DataFrame], **kw) -> GateResult:
    """The gate on `tables` made big equals the plain gate on their `.df()`, with no memo and
    with one memo across two runs (the second finds every column scanned); the plain result."""
    made = {name: engine.from_frame("t", df) for name, df in tables.items()}
    want = plain_gate({name: t.df() for name, t in made.items()}, **kw)
    assert plain_gate(made, **kw).to_dict() == want.to_dict()
    memo: dict = {}
    for _ in range(2):
        assert plain_gate(made, memo=memo, **kw).to_dict() == want.to_dict()
    return want


def same_scan(engine: Engine, series: pd.Series, name: str | None = None) -> ids.ColumnFinding:
    """A big table's text column scans as the plain scan of its `.df()`: the same finding."""
    column = str(series.name if name is None else name)
    table = engine.from_frame("s", pd.DataFrame({column: series.reset_index(drop=True)}))
    want = plain_scan(table.df()[column], column)
    if column in big.text_columns(table):
        got = big.TextColumn(table, column).scan(None)
        assert (got.to_dict(), got.evidence) == (want.to_dict(), want.evidence), column
    return want


# ---- the plain gate's own test cases, every frame and column also checked big ----

MODULES = (test_privacy_gate, test_privacy_every_value, test_privacy_identifiers)
FIXTURES = {"monkeypatch"}


def _cases() -> Iterator[object]:
    for module in MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("test_") or fn.__module__ != module.__name__:
                continue
            params = inspect.signature(fn).parameters
            marks = [m for m in getattr(fn, "pytestmark", []) if m.name == "parametrize"]
            given = {a.strip() for m in marks for a in str(m.args[0]).split(",")}
            if set(params) - given - FIXTURES or "real" in name:
                continue  # needs other fixtures, or the real exports (checked below)
            if not marks:
                yield pytest.param(module, fn, {}, id=f"{module.__name__[6:]}::{name}")
                continue
            mark = marks[0]
            keys = [a.strip() for a in str(mark.args[0]).split(",")]
            for i, values in enumerate(mark.args[1]):
                values = values if len(keys) > 1 else (values,)
                args = dict(zip(keys, values, strict=True))
                yield pytest.param(module, fn, args, id=f"{module.__name__[6:]}::{name}[{i}]")


@pytest.mark.parametrize(("module", "fn", "args"), list(_cases()))
def test_the_gates_own_cases_give_the_same_verdict_big(
    module, fn: Callable, args: dict, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []

    def gate(tables, **kw):
        checked.append("gate")
        return same_gate(engine, dict(tables), **kw)

    def scan_column(series, name=None):
        checked.append("scan")
        return same_scan(engine, series, name)

    if "gate" in vars(module):
        monkeypatch.setattr(module, "gate", gate)
    if "scan_column" in vars(module):
        monkeypatch.setattr(module, "scan_column", scan_column)
    if "monkeypatch" in inspect.signature(fn).parameters:
        args = {**args, "monkeypatch": monkeypatch}
    fn(**args)


# ---- identifiers past the first chunks of a big table ----

PLANTED = {
    "contact": ("ana.souza@example.org", "email"),
    "notes": ("call me back at (212) 555-0142 tomorrow", "phone"),
    "documento": ("529.982.247-25", "id:br_cpf"),
    "payment": ("4111 1111 1111 1111", "card_number"),
}


def test_identifiers_planted_deep_in_a_big_table_are_found_with_their_rows(
    engine: Engine,
) -> None:
    """Past the first chunks of a column's distinct values (100,352 at a time) and far down the
    table, every planted identifier is found with its row numbers."""
    n = 350_000
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "contact": "",
            "notes": rng.choice(["ok", "pothole fixed", "no answer", ""], n),
            "documento": "",
            "requests_n": pd.array(rng.integers(10, 500, n), dtype="Int64"),
            "area": rng.choice(["Norte", "Sul", "Leste"], n),
            "payment": pd.Series([f"{i:09d}" for i in range(n)], dtype="str"),  # all distinct
        }
    )
    rows = {"contact": [300_000], "notes": [300_000, 349_999], "documento": [312_345]}
    rows["payment"] = [150_001, 300_000]  # in two chunks of its distinct values
    for column, at in rows.items():
        frame.loc[at, column] = PLANTED[column][0]
    frame.loc[[300_000, 340_000], "requests_n"] = 3  # two small cells
    result = same_gate(engine, {"requests": frame})
    assert not result.passed
    text = " ".join(result.reasons)
    for column, (_, kind) in PLANTED.items():
        where = ", ".join(f"{r + 1:,}" for r in rows[column])
        assert f"column '{column}': holds {describe_type(kind)} (row" in text
        assert where in text, (column, where, text)
    assert "2 count(s) between 1 and 9" in text
    # the same values, some blank and some NULL, in a second run with a memo
    frame.loc[frame["notes"] == "", "notes"] = None
    same_gate(engine, {"requests": frame})


def test_names_addresses_and_coordinates_in_the_last_rows_of_a_million_are_found(
    engine: Engine,
) -> None:
    """Names, street addresses and coordinates are judged on a sample of rows: a column that
    holds them only in its last 300,000 rows of 1,000,000 is stopped, by both paths alike."""
    n, start = 1_000_000, 700_000
    rng = np.random.default_rng(5)
    late = n - start
    people = np.array([f"{g} {f}" for g in ("Maria", "John", "Ana", "Carlos")
                       for f in ("Silva", "Smith", "Gomez", "Costa")], dtype=object)  # fmt: skip
    frame = pd.DataFrame(
        {"caller": "", "where": "", "latitude": "", "kind": "pothole"}, index=range(n)
    )
    frame.loc[start:, "caller"] = rng.choice(people, late)
    streets = rng.integers(1, 2000, late).astype(str).astype(object) + " Harbor Street"
    frame.loc[start:, "where"] = streets
    frame.loc[start:, "latitude"] = [f"-23.{d:06d}" for d in rng.integers(0, 999_999, late)]
    result = same_gate(engine, {"requests": frame}, addresses=True, locations=True)
    text = " ".join(result.reasons)
    assert "column 'caller': holds people's names" in text
    assert "column 'where': holds street address" in text
    assert "column 'latitude': holds precise location" in text


def test_a_column_with_nul_in_a_value_is_scanned_as_the_plain_scan_reads_it(
    engine: Engine,
) -> None:
    values = ["52998224725\x00ok", "ana@example.org", "x\x00(212) 555-0142"] * 30
    values += [f"{i:011d}" for i in range(200)]
    same_scan(engine, pd.Series(values, dtype="str"), "documento")
    same_gate(engine, {"t": pd.DataFrame({"documento": values})})


def test_a_column_named_rowid_is_read_as_df_gives_it(engine: Engine) -> None:
    frame = pd.DataFrame({"rowid": ["b", "a"], "contact": ["x", "ana@example.org"]})
    table = engine.from_frame("r", frame)
    assert big.text_columns(table) == set()
    assert "(row 2)" in same_gate(engine, {"t": frame}).reasons[0]


def test_the_sample_of_a_long_column_is_the_plain_sample(engine: Engine) -> None:
    """Past 40,000 rows `sample_values` samples rows, with NULLs among them: the same values."""
    rng = np.random.default_rng(3)
    n = 120_000
    names = np.array([f"Rua {i} de Maio, {j}" for i in range(40) for j in range(30)], dtype=object)
    values = pd.Series(rng.choice(names, n), dtype="str")
    values[rng.random(n) < 0.2] = None
    table = engine.from_frame("s", values.to_frame("endereco"))
    column = big.TextColumn(table, "endereco")
    assert column.sample() == ids.sample_values(table.df()["endereco"])
    same_scan(engine, values, "endereco")


# ---- the seeded sample, the real exports and the benchmark's generator ----


def _sources(city) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
    for name, src in pipeline.beacon_of(city).sources.items():
        where = f"{pipeline.city_file(city)}: beacon.sources.{name}"
        raw, mapped = load.load_source(repo_root() / src.path, src, src.path, where)
        yield name, raw, mapped


def same_city(engine: Engine, city) -> None:
    public = pipeline.public_columns(city)
    for name, raw, mapped in _sources(city):
        for tables in ({name: raw}, {name: mapped}):
            same_gate(engine, tables)
            same_gate(engine, tables, addresses=True, locations=True, public_columns=public)
        table = pipeline.beacon_of(city).sources[name].table
        declared = {col: "street-location" for col in mapped.columns}
        same_gate(engine, {table: mapped}, public_columns={table: declared}, locations=True)


def test_the_seeded_sample_gives_the_same_verdicts(city_tree: Path, engine: Engine) -> None:
    same_city(engine, load_city("vale-do-sereno"))


@pytest.mark.skipif(not REAL.exists(), reason="the shared folder of real exports is absent")
@pytest.mark.parametrize("slug", sorted(EXPORTS))
def test_real_exports_give_the_same_verdicts(slug: str, city_tree: Path, engine: Engine) -> None:
    same_city(engine, city_file(slug, city_tree))


def test_the_benchmark_generator_gives_the_same_verdicts(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "requests.csv"
    generate.write_csv(path, 20_000)
    raw = load.read_export(path, "requests.csv")[0]
    result = same_gate(engine, {"requests": raw}, addresses=True)
    assert result.reasons  # its free text holds phone numbers


def test_a_column_changed_in_some_rows_since_a_scan_is_judged_afresh_there(
    engine: Engine,
) -> None:
    """The memo spares the values of the rows unchanged since a column was scanned: values
    blanked, replaced or new in the others are looked at, and rows and counts are this table's."""
    rng = np.random.default_rng(11)
    n = 60_000
    before = pd.DataFrame(
        {
            "notes": pd.Series(rng.choice(["ok", "call (212) 555-0142", "done", ""], n)),
            "reference": pd.Series([f"{i:09d}" for i in range(n)], dtype="str"),
        }
    )
    after = before.copy()
    after.loc[rng.random(n) < 0.3, "notes"] = None
    after.loc[[5, 45_000], "notes"] = "write to ana.souza@example.org"
    after.loc[[7, 59_999], "reference"] = "4111 1111 1111 1111"
    memo: dict = {}
    first, second = engine.from_frame("a", before), engine.from_frame("b", after)
    assert plain_gate({"a": first}, memo=memo).to_dict() == plain_gate({"a": first.df()}).to_dict()
    got = plain_gate({"b": second}, memo=memo)
    assert got.to_dict() == plain_gate({"b": second.df()}).to_dict()
    text = " ".join(got.reasons)
    assert "email addresses (rows 6, 45,001)" in text and "card numbers (rows 8, 60,000)" in text
    for column in ("notes", "reference"):
        found = big.TextColumn(second, column).scan(memo)
        want = plain_scan(second.df()[column], column)
        assert (found.to_dict(), found.evidence) == (want.to_dict(), want.evidence)
    # the same values under another name (a mapped column): found again, row by row
    renamed = after.rename(columns={"notes": "comments"})
    renamed.loc[[9, 10], "comments"] = "(212) 555-0199 or 529.982.247-25"
    third = engine.from_frame("c", renamed)
    base = big.TextColumn(third, "comments")._base(memo)
    assert base is not None and (base.table, base.column) == (second.name, "notes")
    got = plain_gate({"c": third}, memo=memo)
    assert got.to_dict() == plain_gate({"c": third.df()}).to_dict()
    assert "national id numbers (BR CPF) (rows 10, 11)" in " ".join(got.reasons)
    # a published table, in the engine's attached database, as the column scanned before
    published = public_table(engine, "public", f"SELECT * FROM {third.sql}")
    want = plain_gate({"p": published.df()}).to_dict()
    assert plain_gate({"p": published}, memo=memo).to_dict() == want
    again = engine.from_frame("d", third.df())
    base = big.TextColumn(again, "comments")._base(memo)
    assert base is not None and base.sql == published.sql
    assert plain_gate({"c": again}, memo=memo).to_dict() == got.to_dict()


def test_identifiers_in_late_rows_of_date_times_and_bare_numbers_are_found(engine: Engine) -> None:
    """Values DuckDB proves hold nothing (date-times) and bare numbers judged as numbers
    (`specific.sql_prefilter`): what is planted in their last rows is still found, and a bare
    number with blanks around it as well as the same digits without."""
    n = 400_000
    stamps = pd.date_range("2025-01-01", periods=n, freq="37s", tz="-03:00")
    frame = pd.DataFrame(
        {
            "requested_datetime": pd.Series(stamps.strftime("%Y-%m-%dT%H:%M:%S%z"), dtype="str"),
            "service_request_id": pd.Series([f"{i:09d}" for i in range(n)], dtype="str"),
            "reference": pd.Series(["52998224725"] * (n // 2) + [""] * (n - n // 2), dtype="str"),
            # the same digits bare and with blanks around them: two values, both found
            "ticket": pd.Series(
                [f" {i // 2 % 10**7 * 2:011d}\t" if i % 2 else "52998224725" for i in range(n)],
                dtype="str",
            ),
        }
    )
    frame.loc[n - 1, "requested_datetime"] = "ana.souza@example.org"
    frame.loc[n - 2, "requested_datetime"] = "(212) 555-0142"
    frame.loc[n - 3, "service_request_id"] = "4111111111111111"  # a bare card number, alone
    frame.loc[n - 4, "service_request_id"] = "529.982.247-25"
    result = same_gate(engine, {"requests": frame})
    text = " ".join(result.reasons)
    assert f"column 'requested_datetime': holds {describe_type('email')} (row {n:,})" in text
    assert f", {describe_type('phone')} (row {n - 1:,})" in text
    assert (
        f"column 'service_request_id': holds {describe_type('id:br_cpf')} (row {n - 3:,})" in text
    )
    assert f"column 'reference': holds {describe_type('id:br_cpf')}" in text
    ticket = big.TextColumn(engine.from_frame("t", frame[["ticket"]]), "ticket")._holding(None)
    assert len(ticket["bare:id:br_cpf"]) > 1_000  # the padded ones passing the check too
