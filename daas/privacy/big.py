"""The privacy gate on a big table (`daas.core.big.BigTable`): every value looked at, in DuckDB.

`daas.privacy.gate.check_table` takes a BigTable as well as a pandas frame, with the same
verdict and the same reasons (row numbers and counts included) as on the table's `.df()`. A
text column is never pulled whole into pandas: DuckDB gives its distinct values, and the plain
path's detectors run on those values unchanged:
- `specific.found_in` on the distinct values, `CHUNK_VALUES` at a time (it judges each value
  on its own, see below), except those DuckDB proves it finds nothing in
  (`specific.sql_prefilter`: its own byte tests as one RE2 pattern, a necessary condition,
  tested on the rows before grouping when most values are distinct, `TextColumn._varied`) and
  the bare numbers, judged as numbers (`specific.bare_ids_of_numbers`; the values of those
  passing a check found again as their digits with blanks around); DuckDB then maps each
  kind's values back to rows: how many, the first `ROWS_SHOWN` in file order, and the value of
  the first (`TextColumn.exact`, which must agree with `specific.find` on which kinds count, in
  which order, and on each one's example);
- `identifiers.sample_values` on the values the plain path samples (`TextColumn.sample`: the
  rows `Series.sample` picks with the same seed, or the distinct values in order of first
  appearance when the column is short enough not to be sampled by rows);
- `gate.not_numbers` and `gate.is_count_column`'s test on the distinct values (each value is
  read on its own; the same set of values is converted together), their rows counted in SQL.
Columns of other types (numbers, dates) are small in pandas: they are read as `.df()` gives them
and checked by the plain code.

Each value on its own. `specific.found_in` judges each value on its own: no pattern it runs
matches across the NUL it puts between two values, and its tests on bytes stop at NUL too; only
a value holding NUL itself changes how its block is read, so a column with such a value is
always scanned whole, in `find`'s order (tests/test_privacy_every_value.py checks that blocks do
not change what is found). So the values are read in chunks, and when a text column of a big
table is the column of a table scanned before in this run (the run's memo keeps, per column, its
values holding each kind) except in some rows (the same rows; in the others another value or
none, as when quality blanks a value or the publication coarsens a time), DuckDB compares the
two row by row, and only the distinct values of the rows that differ are scanned: a value of
the unchanged rows holds what it held there. Nothing is taken on trust but the detectors'
verdict on a value already judged under the same options (the kinds the column's name hints),
and the sample and the kinds found (`TextColumn.exact`: rows, counts, examples) of a column
alike in every row, which are a function of its values row by row and those options. The
column compared with is the one scanned before most like this one in its first rows, of the
same name if one is alike (`_base`): which one is chosen decides only how many values are
scanned again, never what is found. A table's text columns are compared at once with the
columns scanned before the table (`compare`): their likeness to each table scanned before in
one query over the first rows, then one pass per base table writing the rows where a column
differs (which columns, and their values there) to a small table of the engine, from which
each column's count of differing rows and the values to scan again are read (a column alike
in every row is not read again, not even counted; `release` drops the table once the
columns are scanned); the rows holding a value, from which a sample is picked, are read in
one pass for every column that needs them (`_present`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from daas.core.big import quoted
from daas.privacy import identifiers as ids
from daas.privacy import specific

if TYPE_CHECKING:
    from daas.core.big import BigTable, Engine

TEXT_TYPE = "VARCHAR"
CHUNK_VALUES = 100_352  # distinct values judged at a time (49 of DuckDB's vectors)
_LIKENESS_ROWS = 2048  # rows compared to choose the column scanned before a column is most like
# a big text column's memo key starts with it (four parts: a plain column's key has three)
_MEMO = ("big table",)


@dataclass
class Scanned:
    """What the run's memo keeps of a big text column scanned: where it is, the options its
    name gave `specific.found_in`, and its distinct values holding each key."""

    folder: str
    table: str  # its name, and as SQL (a table of an attached database is named by it too)
    sql: str
    column: str
    rows: int
    options: tuple[frozenset[str], bool]
    holding: dict[str, list[str]] = field(default_factory=dict)
    sample: list[str] = field(default_factory=list)  # its `identifiers.sample_values`
    exact: dict[str, specific.Hits] | None = None  # its `TextColumn.exact`, once found
    filled: int = 0  # how many rows hold a value


@dataclass
class Distinct:
    """A text column's distinct values (NULL left out) in order of first appearance, with each
    one's number of rows."""

    values: list[str]
    counts: np.ndarray


def _values(result) -> list[str]:
    """The first column of a DuckDB result as Python strings."""
    got = result.fetchnumpy()
    return np.asarray(next(iter(got.values())), dtype=object).tolist()


@contextmanager
def _registered(engine: Engine, name: str, frame: pd.DataFrame) -> Iterator[None]:
    """`frame` as a view `name` of the engine's connection while the block runs."""
    engine.con.register(name, frame)
    try:
        yield
    finally:
        engine.con.unregister(name)


class TextColumn:
    """One text column of a big table, as the gate reads it."""

    def __init__(self, table: BigTable, column: str) -> None:
        self.table, self.column = table, column
        self.engine = table.engine
        self.col = quoted(column)
        self.options = ids.find_options(column)
        self.same_as: Scanned | None = None  # a column scanned before, alike in every row
        self.scanned: Scanned | None = None  # what the memo keeps of this one
        # measured for the whole table at once (`compare`), by the memo entry's (sql, column):
        self.likeness: dict[tuple[str, str], float] = {}  # `_likeness`
        self.differing: dict[tuple[str, str], int | None] = {}  # rows differing, or unpaired
        self.chosen: Scanned | None = None  # `_base` as `compare` found it
        self.compared = False  # whether `compare` chose (the memo before this table's scan)
        self.changed: dict[tuple[str, str], str] = {}  # `_changed_values`, found by `compare`
        self.changed_in: str | None = None  # the table `compare` wrote them to (`release`)
        self.present: np.ndarray | None = None  # which rows hold a value, when read already

    def _one(self, sql: str, params: dict | None = None) -> tuple:
        return self.engine.execute(sql, params).fetchall()[0]

    @cached_property
    def _counts(self) -> tuple[int, int, bool]:
        """The table's rows, how many hold a value here, and whether one holds NUL."""
        got = self._one(
            f"SELECT count(*), count({self.col}), "
            f"count(*) FILTER (WHERE contains({self.col}, chr(0))) FROM {self.table.sql}"
        )
        return int(got[0]), int(got[1]), bool(got[2])

    @cached_property
    def n_rows(self) -> int:
        return self._counts[0]

    @property
    def filled(self) -> int:
        """How many rows hold a value."""
        return self._counts[1]

    @property
    def has_nul(self) -> bool:
        """Whether a value holds a NUL character."""
        return self._counts[2]

    @cached_property
    def distinct(self) -> Distinct:
        """The distinct values, in order of first appearance where the order matters: for the
        sample (`sample`) and for a column holding NUL (`specific.found_in` then reads the
        values as `specific.find` does); in DuckDB's order otherwise."""
        sql = (
            f"SELECT {self.col} AS v, count(*) AS n, min(rowid) AS f FROM {self.table.sql} "
            f"WHERE {self.col} IS NOT NULL GROUP BY ALL"
        )
        if self.has_nul or self.filled <= 20 * ids.SAMPLE_VALUES:
            sql = f"SELECT v, n FROM ({sql}) ORDER BY f"
        got = self.engine.execute(sql).fetchnumpy()
        return Distinct(
            np.asarray(got["v"], dtype=object).tolist(), np.asarray(got["n"], dtype=np.int64)
        )

    @cached_property
    def _varied(self) -> bool:
        """Whether most of the values in the first rows are distinct (ids, date-times, free
        text): then the byte tests run on the rows before the values are grouped, which
        spares grouping the many values that cannot hold anything; which way decides only
        the time taken, never what is found."""
        n = _LIKENESS_ROWS
        distinct, filled = self._one(
            f"SELECT count(DISTINCT v), count(v) FROM "
            f"(SELECT {self.col} AS v FROM {self.table.sql} LIMIT {n})"
        )
        return distinct > filled // 2

    # ---- the scan ----

    def sample(self) -> list[str]:
        """`identifiers.sample_values` of the column, as on its `.df()`."""
        n = ids.SAMPLE_VALUES
        if self.filled <= 20 * n:  # not sampled by rows: its values in order, each once is enough
            values = self.distinct.values
            return ids.sample_values(pd.Series(values, dtype=object))
        # the rows `sample_values` picks: positions among the values present, in its order
        picked = _picked(self.filled, 20 * n)
        if self.filled < self.n_rows:  # the row numbers of the values present
            present = np.flatnonzero(self.present) if self.present is not None else None
            self.present = None  # read once
            if present is None:
                present = self.engine.execute(
                    f"SELECT rowid FROM {self.table.sql} WHERE {self.col} IS NOT NULL "
                    "ORDER BY rowid"
                ).fetchnumpy()["rowid"]
            picked = np.asarray(present, dtype=np.int64)[picked]
        order = pd.DataFrame({"k": np.arange(len(picked)), "r": picked})
        with _registered(self.engine, "_gate_sample", order):
            sql = (
                f"SELECT t.{self.col} FROM {self.table.sql} t JOIN _gate_sample s "
                "ON t.rowid = s.r ORDER BY s.k"
            )
            values = _values(self.engine.execute(sql))
        assert len(values) == len(picked), (self.table.name, self.column)
        return ids.sample_values(pd.Series(values, dtype=object))

    def _likeness(self, before: Scanned) -> float:
        """The share of the first rows where this column holds what `before`'s (a column of a
        table scanned in this run) holds: 0 when the two cannot be compared row by row
        (`before` is gone, differs in length, or was scanned under other options)."""
        known_likeness = self.likeness.get((before.sql, before.column))
        if known_likeness is not None:
            return known_likeness
        if before.folder != str(self.engine.folder) or before.rows != self.n_rows:
            return 0.0
        if before.options != self.options or not self.n_rows:
            return 0.0
        try:
            known = self.engine.execute(
                f"DESCRIBE SELECT {quoted(before.column)} FROM {before.sql}"
            ).fetchall()
        except duckdb.Error:
            return 0.0  # dropped since
        if [row[1] for row in known] != [TEXT_TYPE]:
            return 0.0
        n = _LIKENESS_ROWS
        same = self._one(
            f"SELECT count(*) FILTER (WHERE v IS NOT DISTINCT FROM _v), count(*) FROM "
            f"(SELECT {self.col} AS v FROM {self.table.sql} LIMIT {n}) POSITIONAL JOIN "
            f"(SELECT {quoted(before.column)} AS _v FROM {before.sql} LIMIT {n})"
        )
        return same[0] / max(same[1], 1)

    def _changed_values(self, before: Scanned) -> str | None:
        """SQL giving the distinct values of the rows where this column differs from
        `before`'s (a column of a table of this engine, as many rows, scanned in this run);
        None when the rows of the two tables are not paired one to one."""
        # each row paired with the row of the same number (both read in file order)
        pairs = (
            f"(SELECT rowid AS r, {self.col} AS v FROM {self.table.sql}) POSITIONAL JOIN "
            f"(SELECT rowid AS _r, {quoted(before.column)} AS _v FROM {before.sql})"
        )
        key = (before.sql, before.column)
        if key not in self.differing:
            rows = self._one(
                f"SELECT count(*) FILTER (WHERE r IS DISTINCT FROM _r), "
                f"count(*) FILTER (WHERE v IS DISTINCT FROM _v) FROM {pairs}"
            )
            self.differing[key] = None if rows[0] else int(rows[1])
        differing = self.differing[key]
        if differing is None:
            return None
        self.same_as = before if not differing else None
        if key in self.changed:
            return self.changed[key]
        return f"SELECT v FROM {pairs} WHERE v IS NOT NULL AND v IS DISTINCT FROM _v GROUP BY v"

    def _found(self, sql: str | None) -> dict[str, list[str]]:
        """`specific.found_in` on the values `sql` gives (a column `v`; all the distinct
        values when None): key -> the values holding it. Only the values DuckDB finds may hold
        something (`specific.sql_prefilter`, the detectors' own byte tests as a necessary
        condition) come to Python, `CHUNK_VALUES` at a time (each value is judged on its own),
        so a column of millions of distinct values is never held whole in Python; the bare
        numbers among them come as numbers (their digits' value and length) and are judged
        as `found_in` judges them (`specific.bare_ids_of_numbers`), and only those passing a
        check come back as strings. A column holding NUL is read whole, in `specific.find`'s
        order."""
        hinted, phone_named = self.options
        holding: dict[str, list[str]] = {}

        def judge(values: list[str]) -> None:
            for key, parts in specific.found_in(values, hinted, phone_named).items():
                held = np.unique(np.concatenate(parts)).tolist()
                holding.setdefault(key, []).extend(values[i] for i in held)

        if self.has_nul:
            judge(self.distinct.values)
            return holding
        scanned, bare = specific.sql_prefilter("v", bool(hinted), phone_named)
        # every value of the column (a bare number found again among them, as the rows hold it)
        rows = sql or f"SELECT {self.col} AS v FROM {self.table.sql}"
        if sql is None and self._varied:  # the byte tests first: fewer values to group
            sql = (
                f"SELECT v FROM (SELECT {self.col} AS v FROM {self.table.sql} "
                f"WHERE {self.col} IS NOT NULL) WHERE {scanned} GROUP BY 1"
            )
        elif sql is None:  # few distinct values: grouped first, each tested once
            sql = (
                f"SELECT {self.col} AS v FROM {self.table.sql} WHERE {self.col} IS NOT NULL "
                "GROUP BY 1"
            )
        if bare is None:
            result = self.engine.execute(f"SELECT v FROM ({sql}) WHERE {scanned}")
        else:  # a bare number comes as its digits' number and length, not as a string
            digits = "trim(v, ' ' || chr(9))"
            numbers = (
                f"CAST(CASE WHEN b THEN {digits} ELSE '0' END AS UBIGINT) AS num, "
                f"CASE WHEN b THEN length({digits}) ELSE 0 END AS len"
            )
            result = self.engine.execute(
                f"SELECT CASE WHEN b THEN NULL ELSE v END AS v, b, {numbers} "
                f"FROM (SELECT v, {bare} AS b FROM ({sql}) WHERE {scanned})"
            )
        hits: list[pd.DataFrame] = []
        while True:
            part = result.fetch_df_chunk(CHUNK_VALUES // 2048)
            if part.empty:
                break
            if bare is None:
                judge(part["v"].to_numpy(dtype=object).tolist())
                continue
            pure = part["b"].to_numpy(dtype=bool)
            judge(part["v"].to_numpy(dtype=object)[~pure].tolist())
            number = part["num"].to_numpy(dtype=np.uint64)[pure]
            length = part["len"].to_numpy(dtype=np.int64)[pure]
            for kind, mask in specific.bare_ids_of_numbers(number, length).items():
                if mask.any():
                    key = np.full(int(mask.sum()), f"bare:{kind}", dtype=object)
                    hits.append(
                        pd.DataFrame({"num": number[mask], "len": length[mask], "key": key})
                    )
        if hits:  # the values of the bare numbers passing a check: blanks around the digits
            found = pd.concat(hits, ignore_index=True)  # (and nothing else, as `bare` says)
            digits_of = [str(n).zfill(k) for n, k in zip(found["num"], found["len"], strict=True)]
            found = pd.DataFrame({"s": digits_of, "key": found["key"]}, dtype=object)
            with _registered(self.engine, "_gate_hits", found):
                got = self.engine.execute(
                    f"SELECT DISTINCT h.key, s.v FROM ({rows}) s JOIN _gate_hits h "
                    f"ON trim(s.v, ' ' || chr(9)) = h.s"
                ).fetchall()
            for key, value in got:
                holding.setdefault(key, []).append(value)
        return holding

    def _base(self, memo: dict) -> Scanned | None:
        """The column scanned in this run most like this one in its first rows (at least half
        of them alike): of the same name if one is, the latest when two are as alike."""
        entries = [e for e in memo.values() if isinstance(e, Scanned)]
        named = [e for e in entries if e.column == self.column]
        for group in (named, [e for e in entries if e.column != self.column]):
            alike = [(self._likeness(e), i, e) for i, e in enumerate(group)]
            best = max(alike, key=lambda x: x[:2], default=None)
            if best and best[0] >= 0.5:
                return best[2]
        return None

    def _holding(self, memo: dict | None) -> dict[str, list[str]]:
        """Key of `specific.found_in` -> this column's distinct values holding it."""
        base = None
        if memo is not None and not self.has_nul:
            base = self.chosen if self.compared else self._base(memo)
        changed = self._changed_values(base) if base is not None else None
        if changed is None:
            base = None
        if base is not None and self.same_as is base:  # every row as there: no value new
            holding = base.holding
        else:
            holding = self._found(changed)
        if base is not None and holding is not base.holding:
            for key, before in base.holding.items():  # a value of the unchanged rows holds
                new = holding.get(key)  # what it held there
                holding[key] = list(dict.fromkeys([*new, *before])) if new else before
        if memo is not None and not self.has_nul:
            self.scanned = memo[(*_MEMO, str(self.engine.folder), self.table.name, self.column)] = (
                Scanned(
                    str(self.engine.folder),
                    self.table.name,
                    self.table.sql,
                    self.column,
                    self.n_rows,
                    self.options,
                    holding,
                    filled=self.filled,
                )
            )
        return holding

    def exact(self, memo: dict | None) -> dict[str, specific.Hits]:
        """`specific.find` on the column: kind -> its first rows, its number of rows and its
        example (the value of its first row). Which kinds count, and in which order, as
        `specific.find` decides them from the rows (the two must agree); those of a column
        scanned before with the same value in every row, under the same options, when found
        there (they depend on nothing else)."""
        holding = self._holding(memo)
        if self.same_as is not None and self.same_as.exact is not None:
            found = self.same_as.exact
        else:
            found = self._exact(holding)
        if self.scanned is not None:
            self.scanned.exact = found
        return found

    def _exact(self, holding: dict[str, list[str]]) -> dict[str, specific.Hits]:
        """`exact` from the column's distinct values holding each key of `specific.found_in`."""
        if not holding:
            return {}
        hinted = self.options[0]
        pairs = [(v, key) for key, values in holding.items() for v in values]
        held = pd.DataFrame(pairs, columns=["v", "key"], dtype=object)
        with _registered(self.engine, "_gate_held", held):
            keys = self.engine.execute(
                f"SELECT h.key, count(*), arg_min(t.{self.col}, t.rowid) FROM {self.table.sql} t "
                f"JOIN _gate_held h ON t.{self.col} = h.v GROUP BY h.key"
            ).fetchall()
        chosen: dict[str, tuple[list[str], str]] = {}
        for key, count, example in sorted(keys):
            kind = key.removeprefix("bare:")
            if (
                key.startswith("bare:")
                and kind[3:] not in hinted
                and count < specific.BARE_SHARE * self.filled
            ):
                continue  # a few numbers that happen to pass a check digit: chance, not ids
            if kind in chosen:
                chosen[kind] = ([*chosen[kind][0], key], chosen[kind][1])
            else:
                chosen[kind] = ([key], example)
        kinds = pd.DataFrame(
            [(v, kind) for kind, (of, _) in chosen.items() for key in of for v in holding[key]],
            columns=["v", "kind"],
            dtype=object,
        ).drop_duplicates()
        with _registered(self.engine, "_gate_kinds", kinds):
            rows = self.engine.execute(
                f"SELECT k.kind, count(*), min(t.rowid, {ids.ROWS_SHOWN}) FROM {self.table.sql} t "
                f"JOIN _gate_kinds k ON t.{self.col} = k.v GROUP BY k.kind"
            ).fetchall()
        where = {kind: (int(n), first) for kind, n, first in rows}
        return {
            kind: specific.Hits(
                np.array(sorted(where[kind][1]), dtype=np.int64), example, total=where[kind][0]
            )
            for kind, (_, example) in chosen.items()
        }

    def scan(self, memo: dict | None) -> ids.ColumnFinding:
        """`identifiers.scan_column` of the column, as on its `.df()` (the sample of a column
        scanned before with the same value in every row is its sample)."""
        exact = self.exact(memo)
        sample = self.same_as.sample if self.same_as is not None else self.sample()
        if self.scanned is not None:
            self.scanned.sample = sample
        return ids.column_finding(self.column, sample, exact)

    # ---- numbers ----

    def rows_holding(self, positions: np.ndarray) -> tuple[list[int], int]:
        """The first `ROWS_SHOWN` rows (0-based, in file order) holding one of the distinct
        values at `positions`, and how many rows hold one."""
        d = self.distinct
        total = int(d.counts[positions].sum())
        if not total:
            return [], 0
        held = pd.DataFrame({"v": [d.values[i] for i in positions.tolist()]}, dtype=object)
        with _registered(self.engine, "_gate_held", held):
            rows = self.engine.execute(
                f"SELECT rowid FROM {self.table.sql} SEMI JOIN _gate_held h ON {self.col} = h.v "
                f"ORDER BY rowid LIMIT {ids.ROWS_SHOWN}"
            ).fetchall()
        return [int(r[0]) for r in rows], total

    def not_numbers(self) -> tuple[list[int], int]:
        """`gate.not_numbers` of the column: its first `ROWS_SHOWN` rows (1-based) and count."""
        from daas.privacy.gate import not_numbers

        positions = not_numbers(pd.Series(self.distinct.values, dtype="str")) - 1
        rows, total = self.rows_holding(positions)
        return [r + 1 for r in rows], total

    @cached_property
    def _numbers(self) -> pd.Series:
        return pd.to_numeric(pd.Series(self.distinct.values, dtype="str"), errors="coerce")

    def whole_numbers(self) -> bool:
        """`gate.is_count_column`'s test of the values: numbers, all whole."""
        values = self._numbers.dropna()
        if len(values) < len(self.distinct.values):
            return False  # text in it: not a count column
        return bool((values % 1 == 0).all())

    def small_cells(self, min_cell_size: int) -> int:
        """How many rows hold a count between 1 and `min_cell_size - 1`."""
        values = self._numbers
        small = (values.notna() & (values > 0) & (values < min_cell_size)).to_numpy(dtype=bool)
        return int(self.distinct.counts[small].sum())


@functools.lru_cache(maxsize=4)
def _picked(filled: int, size: int) -> np.ndarray:
    """The positions `Series.sample(size, random_state=0)` picks among `filled` values, in its
    order (what `identifiers.sample_values` reads), the same for every column as full."""
    picked = pd.Series(np.arange(filled)).sample(size, random_state=0).to_numpy()
    picked.flags.writeable = False
    return picked


def text_columns(table: BigTable) -> set[str]:
    """The table's text columns read in SQL (the others are read as pandas columns): all of
    them when its rows are numbered 0, 1, 2... in file order (`rowid`, as in a table DuckDB
    made and never deleted from, none named rowid), none otherwise."""
    types = table.types()
    if any(c.lower() == "rowid" for c in types):
        return set()  # a column named rowid hides DuckDB's row numbers
    try:
        low, high, n = table.engine.execute(
            f"SELECT min(rowid), max(rowid), count(*) FROM {table.sql}"
        ).fetchall()[0]
    except Exception:  # a view: no row ids
        return set()
    if n and (low != 0 or high != n - 1):
        return set()
    # a table whose `df()` gives a column another dtype than text (`dtypes`, as the clean
    # tables of `daas.beacon.big.quality` say theirs) is read as `df()` gives it
    dtypes = getattr(table, "dtypes", None) or {}
    return {
        c
        for c, t in types.items()
        if t == TEXT_TYPE and str(dtypes.get(c, "str")) in ("object", "str", "string")
    }


def text_columns_of(table: BigTable, memo: dict | None = None) -> dict[str, TextColumn]:
    """`text_columns` as `TextColumn`s, their rows, filled rows and NULs counted in one scan;
    with the run's `memo`, each compared with the columns scanned before first (`compare`),
    and a column alike in every row to one scanned before has the counts it had (its values
    hold no NUL: a column holding one is never kept in the memo)."""
    names = sorted(text_columns(table))
    if not names:
        return {}
    out = {name: TextColumn(table, name) for name in names}
    columns = list(out.values())
    if memo is not None:
        n_rows = int(table.engine.execute(f"SELECT count(*) FROM {table.sql}").fetchall()[0][0])
        for column in columns:
            column.__dict__["n_rows"] = n_rows
            column.compared = True
        compare(table, columns, memo)
    rest = []
    for column in columns:
        base = column.chosen
        if base is not None and column.differing.get((base.sql, base.column)) == 0:
            column.__dict__["_counts"] = (base.rows, base.filled, False)
        else:
            rest.append(column)
    if rest:
        parts = ["count(*)"]
        for column in rest:
            col = column.col
            parts += [f"count({col})", f"count(*) FILTER (WHERE contains({col}, chr(0)))"]
        got = table.engine.execute(f"SELECT {', '.join(parts)} FROM {table.sql}").fetchall()[0]
        for i, column in enumerate(rest):
            column.__dict__["_counts"] = (int(got[0]), int(got[1 + 2 * i]), bool(got[2 + 2 * i]))
            column.__dict__["n_rows"] = int(got[0])
            if column.has_nul:
                column.chosen = None  # scanned whole, never compared
    _present(table, columns)
    return out


def _present(table: BigTable, columns: list[TextColumn]) -> None:
    """`TextColumn.present` of the columns whose sample is picked among the rows holding a
    value (some rows hold none) and is not the sample of a column scanned before with the same
    value in every row (`compare`): one pass over the table in row order for them all."""
    need = []
    for c in columns:
        base = c.chosen
        same = base is not None and c.differing.get((base.sql, base.column)) == 0
        if 20 * ids.SAMPLE_VALUES < c.filled < c.n_rows and not same:
            need.append(c)
    if not need:
        return
    held = ", ".join(f"{c.col} IS NOT NULL AS _p{i}" for i, c in enumerate(need))
    got = table.engine.execute(f"SELECT {held} FROM {table.sql} ORDER BY rowid").fetchnumpy()
    for i, c in enumerate(need):  # rows numbered 0, 1, 2... (`text_columns`): row = position
        c.present = np.asarray(got[f"_p{i}"], dtype=bool)  # a byte a row until it is read


def compare(table: BigTable, columns: list[TextColumn], memo: dict) -> None:
    """What `TextColumn._base` and `_changed_values` measure, for all the table's `columns` at
    once: their likeness to the columns of each table scanned before, in one query per such
    table over the first rows, then, for each column's base so chosen, how many rows differ
    from it, in one pass per base table (both read row by row, in file order, as there)."""
    engine = table.engine
    if not columns:
        return
    n_rows = columns[0].n_rows
    entries = [
        e
        for e in memo.values()
        if isinstance(e, Scanned) and e.folder == str(engine.folder) and e.rows == n_rows
    ]
    if not n_rows or not entries:
        return
    by_table: dict[str, list[Scanned]] = {}
    for entry in entries:
        by_table.setdefault(entry.sql, []).append(entry)
    n = _LIKENESS_ROWS
    for sql, scanned in by_table.items():
        try:
            described = engine.execute(f"DESCRIBE SELECT * FROM {sql}").fetchall()
            types = {row[0]: row[1] for row in described}
        except duckdb.Error:
            types = {}  # dropped since
        pairs = [
            (c, e)
            for c in columns
            for e in scanned
            if c.options == e.options and types.get(e.column) == TEXT_TYPE
        ]
        for c in columns:
            for e in scanned:
                c.likeness[(e.sql, e.column)] = 0.0
        if not pairs:
            continue
        mine = sorted({c.column for c, _ in pairs})
        theirs = sorted({e.column for _, e in pairs})
        a = {name: f"_a{i}" for i, name in enumerate(mine)}
        b = {name: f"_b{i}" for i, name in enumerate(theirs)}
        same = [
            f"count(*) FILTER (WHERE {a[c.column]} IS NOT DISTINCT FROM {b[e.column]})"
            for c, e in pairs
        ]
        try:
            got = engine.execute(
                f"SELECT count(*), {', '.join(same)} FROM "
                f"{_pairs((table.sql, mine), (sql, theirs), n)}"
            ).fetchall()[0]
        except duckdb.Error:
            continue  # not a table of rows numbered as scanned then: not alike
        for (c, e), alike in zip(pairs, got[1:], strict=True):
            c.likeness[(e.sql, e.column)] = alike / max(got[0], 1)
    bases: dict[str, list[tuple[TextColumn, Scanned]]] = {}
    for c in columns:
        base = c.chosen = c._base(memo)
        if base is not None:
            bases.setdefault(base.sql, []).append((c, base))
    for sql, paired in bases.items():
        _differing(engine, table.sql, (sql, [e.column for _, e in paired]), paired)


def _differing(
    engine: Engine,
    mine: str,
    theirs: tuple[str, list[str]],
    paired: list[tuple[TextColumn, Scanned]],
) -> None:
    """`TextColumn.differing` and `changed` of columns of the table `mine` paired with columns
    of the table `theirs` (SQL, columns), in one pass: the rows where one of them differs are
    written to a table of this engine (each differing value, and which differ), from which
    each column's count and values are read; the table is dropped when none differs
    (`release` drops it once the columns are scanned)."""
    name = quoted(engine.name("_gate_changed"))
    flags = [f"_a{i} IS DISTINCT FROM _b{i}" for i in range(len(paired))]
    kept = ", ".join(
        f"{flag} AS _d{i}, CASE WHEN {flag} THEN _a{i} END AS _v{i}" for i, flag in enumerate(flags)
    )
    pairs = _pairs((mine, [c.column for c, _ in paired]), theirs)
    engine.execute(
        f"CREATE TEMP TABLE {name} AS SELECT r IS DISTINCT FROM _r AS _dr, {kept} FROM {pairs} "
        f"WHERE r IS DISTINCT FROM _r OR {' OR '.join(flags)}"
    )
    counts = ", ".join(f"count(*) FILTER (WHERE _d{i})" for i in range(len(paired)))
    got = engine.execute(f"SELECT count(*) FILTER (WHERE _dr), {counts} FROM {name}").fetchall()[0]
    if got[0] or not any(got[1:]):
        engine.execute(f"DROP TABLE {name}")
    for i, ((c, e), rows) in enumerate(zip(paired, got[1:], strict=True)):
        key = (e.sql, e.column)
        c.differing[key] = None if got[0] else int(rows)
        if rows and not got[0]:
            c.changed[key] = (
                f"SELECT _v{i} AS v FROM {name} WHERE _d{i} AND _v{i} IS NOT NULL GROUP BY 1"
            )
            c.changed_in = name


def release(columns: list[TextColumn]) -> None:
    """Drop the tables `compare` wrote the changed values of `columns` to."""
    for name in {c.changed_in for c in columns if c.changed_in}:
        columns[0].engine.execute(f"DROP TABLE IF EXISTS {name}")


def _pairs(a: tuple[str, list[str]], b: tuple[str, list[str]], first: int = 0) -> str:
    """Two tables' rows paired in file order (`a`, `b`: a table's SQL and columns, named `_a0,
    _a1...` and `_b0, _b1...`, their row ids `r` and `_r`), their `first` rows only when given."""
    limit = f" LIMIT {first}" if first else ""
    left = ", ".join(f"{quoted(name)} AS _a{i}" for i, name in enumerate(a[1]))
    right = ", ".join(f"{quoted(name)} AS _b{i}" for i, name in enumerate(b[1]))
    return (
        f"(SELECT rowid AS r, {left} FROM {a[0]}{limit}) POSITIONAL JOIN "
        f"(SELECT rowid AS _r, {right} FROM {b[0]}{limit})"
    )


def scan(column: TextColumn, memo: dict | None) -> ids.ColumnFinding:
    """`identifiers.scan_column` of a big table's text column (`memo`: the run's scans, which
    spare scanning again the values of rows unchanged since)."""
    return column.scan(memo)
