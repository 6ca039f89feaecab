"""Publishing a big table (`daas.core.big.BigTable`) as the plain path publishes its frame.

The CSV is written by DuckDB's own CSV writer, in order, from SQL giving each cell as
`daas.beacon.cells.csv_lines` writes it (numbers in full without exponents, `true`/`false`,
empty when missing; DuckDB quotes text as Python's CSV writer does). SQLite gets the values
`cells.sql_columns` gives, a chunk of rows at a time. Where the two must agree with `cells`,
the SQL below says how; a column whose DuckDB type has no SQL form here is formatted by
`cells` itself, a chunk at a time.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from daas.beacon import cells, schema
from daas.core.big import BigTable, Engine, literal, quoted

# the engine's in-memory database of published tables (`PublicTable`)
ATTACHED = "daas_public"


class PublicTable(BigTable):
    """A big published table, in the engine's in-memory database `ATTACHED`: written without
    compression (about four times faster than a table of the engine's file), spilled past the
    engine's memory limit like the rest, and seen by every connection to the engine's
    database (a temporary table is only its own connection's), so that DuckDB can write its
    CSV in a thread of its own (`write_csv_beside`)."""

    @property
    def sql(self) -> str:
        return f"{ATTACHED}.main.{quoted(self.name)}"


def public_table(
    engine: Engine, stem: str, select: str, params: Mapping[str, object] | None = None
) -> PublicTable:
    """A new `PublicTable` holding the rows of `select`, in order."""
    engine.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {ATTACHED}")
    table = PublicTable(engine, engine.name(stem))
    engine.execute(f"CREATE TABLE {table.sql} AS {select}", params)
    return table


# each row's position in a table (0, 1...): DuckDB numbers the rows as it reads them, in order
# (a table's `rowid` is not one: a deleted row leaves a gap)
POSITION = "row_number() OVER () - 1"


def among(values: str, value: str) -> str:
    """SQL true where `value` is one of the list `values` (SQL), false where not (NULL too).
    Not `value IN (...)` nor `list_contains`: DuckDB turns those into a join, which loses the
    rows' order on a table of several row groups (every published row would move)."""
    return f"coalesce(list_position({values}, {value}), 0) > 0"


def at(table: BigTable, rows: Sequence[int] | None) -> str:
    """SQL for the rows of `table`, or those at the positions `rows`, in order (a few rows:
    picked by a join, then sorted)."""
    if rows is None:
        return table.sql
    numbered = f"SELECT *, {POSITION} AS _position FROM {table.sql}"
    listed = ", ".join(map(str, rows)) or "NULL"
    return (f"(SELECT * EXCLUDE (_position) FROM ({numbered}) WHERE _position IN ({listed}) "
            "ORDER BY _position)")  # fmt: skip


TEXT = ("VARCHAR",)
INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "HUGEINT")  # fmt: skip
FLOATS = ("DOUBLE",)  # a FLOAT's shortest text is not its double's: `cells` writes those
# a double DuckDB may write with an exponent (it does from 1e16 up and under 1e-4, as Python's
# `repr`): those are written by numpy (`cells._number_text`), by distinct value
ODD_NUMBER = "(abs({c}) >= 1e15 OR ({c} <> 0 AND abs({c}) < 1e-3))"


@dataclass(frozen=True)
class Profile:
    """What writing a big table's cells needs to know of its values (`profile`)."""

    returns: set[str]  # text fields with a carriage return in a value
    odd: dict[str, list[float]]  # floating number fields -> their distinct `ODD_NUMBER`s
    few: dict[str, list[str]]  # text fields of at most `FEW_VALUES` values -> the values


_PROFILES: weakref.WeakKeyDictionary[BigTable, tuple[tuple[str, ...], Profile]] = (
    weakref.WeakKeyDictionary()
)


def profile(table: BigTable, name: str, rows: Sequence[int] | None = None) -> Profile:
    """The `Profile` of `table` (or of its `rows`, then without `few`) in two passes (and one
    over its first `SAMPLE` rows to find the text fields that may have few values); a whole
    table's is kept for the table as long as its columns stay the same."""
    columns = tuple(table.columns)
    if rows is None and (kept := _PROFILES.get(table)) and kept[0] == columns:
        return kept[1]
    types, fields = table.types(), schema.fields(name)
    texts = [f for f, s in fields.items() if s["type"] not in NOT_TEXT and types.get(f) in TEXT]
    numbers = [f for f, s in fields.items() if s["type"] == "number" and types.get(f) in FLOATS]
    few = (
        _few_candidates(table, [f for f in fields if types.get(f) in TEXT]) if rows is None else []
    )
    returns = [f"bool_or(contains({quoted(f)}, chr(13)))" for f in texts]
    lists = [f"list(DISTINCT {quoted(f)}) FILTER (WHERE {ODD_NUMBER.format(c=quoted(f))} "
             f"AND NOT isnan({quoted(f)}))" for f in numbers]  # fmt: skip
    lists += [f"list(DISTINCT {quoted(f)}) FILTER (WHERE {quoted(f)} IS NOT NULL)" for f in few]
    # a whole table's plain aggregates and DISTINCT ones in two queries: together DuckDB took
    # more time than both (3,200,000 requests: 1.7-2.3 s of CPU, 1.2-1.5 s apart; the same at
    # 1M); a few rows' in one (they are picked from the whole table each time)
    found: list = []
    for parts in (returns, lists) if rows is None else (returns + lists,):
        if parts:
            sql = f"SELECT {', '.join(parts)} FROM {at(table, rows)}"
            found += table.engine.execute(sql).fetchall()[0]
    values = iter(found)
    out = Profile(
        returns={f for f in texts if next(values)},
        odd={f: list(next(values) or []) for f in numbers},
        few={f: v for f in few if 0 < len(v := list(next(values) or [])) <= FEW_VALUES},
    )
    if rows is None:
        _PROFILES[table] = (columns, out)
    return out


def _few_candidates(table: BigTable, columns: list[str]) -> list[str]:
    """Those `columns` with at most a tenth of `FEW_VALUES` values in the first `SAMPLE` rows."""
    if not columns:
        return []
    counts = ", ".join(f"count(DISTINCT {quoted(c)})" for c in columns)
    first = f"(SELECT * FROM {table.sql} LIMIT {SAMPLE})"
    found = table.engine.execute(f"SELECT {counts} FROM {first}").fetchone() or ()
    return [c for c, n in zip(columns, found, strict=True) if n <= FEW_VALUES // 10]


def _number_cell(c: str, odd: list[float], key: str) -> tuple[str, dict[str, list]]:
    """`cells._number_text` of a floating column as SQL text (NULL when missing or NaN).
    DuckDB writes a double as the shortest text that reads back as it (the digits numpy's
    `format_float_positional` finds), with `.0` after a whole number (dropped here); the
    `odd` ones are written by numpy."""
    text = f"CAST({c} AS VARCHAR)"
    params: dict[str, list] = {}
    exponent = "NULL"
    if odd:
        params[f"{key}_v"] = odd
        params[f"{key}_t"] = [np.format_float_positional(v, trim="-") for v in odd]
        exponent = f"list_extract(${key}_t, list_position(${key}_v, {c}))"
    sql = (f"CASE WHEN isnan({c}) THEN NULL WHEN {ODD_NUMBER.format(c=c)} THEN {exponent} "
           f"WHEN ends_with({text}, '.0') THEN left({text}, -2) ELSE {text} END")  # fmt: skip
    return sql, params


NOT_TEXT = ("number", "boolean", "date")


def cells_sql(
    table: BigTable, name: str, rows: Sequence[int] | None = None
) -> tuple[list[str], dict[str, list], bool] | None:
    """SQL for each schema field of the published table `name` (NULL when missing) that a
    CSV writer quoting text as Python's does then writes as `cells.csv_lines` writes the
    frame's cell; its parameters; and whether DuckDB's own CSV writer may do it: it quotes a
    text with a carriage return, which Python's does not (without a comma, quote or line
    feed), and an empty text (written missing here: an empty cell either way). None when a
    column's type has no SQL form here. `rows`: only those (by position) are written."""
    types = table.types()
    known = profile(table, name, rows)
    out, params = [], {}
    for i, (field, spec) in enumerate(schema.fields(name).items()):
        c, kind = quoted(field), types.get(field)
        if spec["type"] == "date":
            if kind not in ("DATE", "TIMESTAMP"):
                return None  # dates as text: pandas reads the whole column's format
            sql = f"strftime({c}, '%Y-%m-%d')"
        elif spec["type"] == "number" and kind in FLOATS:
            sql, more = _number_cell(c, known.odd[field], f"n{i}")
            params.update(more)
        elif kind in INTEGERS and spec["type"] != "boolean":
            sql = f"CAST({c} AS VARCHAR)"  # str() of an Int64
        elif spec["type"] == "boolean" and kind == "BOOLEAN":
            sql = f"CASE WHEN {c} THEN 'true' WHEN NOT {c} THEN 'false' END"
        elif spec["type"] not in NOT_TEXT and kind in TEXT:
            sql = f"nullif({c}, '')"
        else:
            return None
        out.append(sql)
    return out, params, not known.returns


def _quoted(sql: str) -> str:
    """A text cell as Python's CSV writer writes it in a row (`cells._field`): quoted, inner
    quotes doubled, when it holds a comma, a quote or a line feed; empty when missing."""
    return (f"CASE WHEN {sql} IS NULL THEN '' WHEN contains({sql}, ',') OR contains({sql}, '\"') "
            f"""OR contains({sql}, chr(10)) THEN '"' || replace({sql}, '"', '""') || '"' """
            f"ELSE {sql} END")  # fmt: skip


def write_csv(path: Path, table: BigTable, name: str, rows: Sequence[int] | None = None) -> None:
    """The CSV of `table` (or of its `rows`, by position) as `daas.beacon.publish.write_csv`
    writes its frame, written by DuckDB in order (`cells_sql`): by its own CSV writer, or,
    where a text holds a carriage return, as lines built in SQL."""
    copy = _copy(path, table, name, rows)
    if copy is None:
        with path.open("w", encoding="utf-8", newline="") as f:
            for i, chunk in enumerate(_chunks(table, name, rows)):
                lines = cells.csv_lines(chunk, name, big=True)
                f.write("\n".join(lines[1:] if i else lines) + "\n")
        return
    table.engine.execute(*copy)


def write_csv_beside(path: Path, table: BigTable, name: str) -> Callable[[], None]:
    """`write_csv`, by DuckDB in a thread of its own when `table` is a `PublicTable` (seen by
    another connection to the engine's database): the Python work the caller does meanwhile
    (filling SQLite) takes the other core. Returns what waits for the file (and raises what
    writing it raised)."""
    copy = _copy(path, table, name, None) if isinstance(table, PublicTable) else None
    if copy is None:
        write_csv(path, table, name)
        return lambda: None
    cursor = table.engine.con.cursor()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            sql, params = copy
            cursor.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
        except BaseException as exc:  # handed to the caller by `wait`
            failed.append(exc)
        finally:
            cursor.close()

    thread = threading.Thread(target=run, name=f"csv-{name}", daemon=True)
    thread.start()

    def wait() -> None:
        thread.join()
        if failed:
            raise failed[0]

    return wait


@contextlib.contextmanager
def one_thread(engine: Engine) -> Iterator[None]:
    """DuckDB works in one thread of `engine`'s while this lasts (its own setting after). While
    SQLite is filled (Python's thread, the longer task, a core of its own), DuckDB's CSV
    writer beside it does the same work in one thread with much less time of the machine:
    3,200,000 requests' CSV takes 3.7 s of CPU in one thread, 6.2-7.0 s in two."""
    threads = engine.execute("SELECT current_setting('threads')").fetchone()
    engine.execute("SET threads = 1")
    try:
        yield
    finally:
        engine.execute(f"SET threads = {int(threads[0]) if threads else 1}")


def _copy(
    path: Path, table: BigTable, name: str, rows: Sequence[int] | None
) -> tuple[str, dict[str, list]] | None:
    """The COPY statement writing `write_csv`'s file, and its parameters; None when a column
    has no SQL form here (`cells_sql`)."""
    found = cells_sql(table, name, rows)
    if found is None:
        return None
    cols, params, native = found
    fields = list(schema.fields(name))
    if native:
        select = ", ".join(f"{sql} AS {quoted(f)}" for sql, f in zip(cols, fields, strict=True))
        options = "DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULLSTR ''"
    else:
        kinds = [schema.fields(name)[f]["type"] for f in fields]
        texts = [_quoted(sql) if kind not in NOT_TEXT else f"coalesce({sql}, '')"
                 for sql, kind in zip(cols, kinds, strict=True)]  # fmt: skip
        header = ",".join(map(cells._field, fields))
        line = " || ',' || ".join(texts)
        select = f"{line} AS {quoted(header)}"
        options = "DELIMITER '\x01', QUOTE '', ESCAPE ''"
    sql = (f"COPY (SELECT {select} FROM {at(table, rows)}) TO {literal(str(path))} "
           f"(FORMAT csv, HEADER true, {options})")  # fmt: skip
    return sql, params


def _chunks(table: BigTable, name: str, rows: Sequence[int] | None):
    """The schema's columns, `rows` (by position) or all, a chunk of frames (at least one)."""
    fields = ", ".join(quoted(f) for f in schema.fields(name))
    result = table.engine.execute(f"SELECT {fields} FROM {at(table, rows)}")
    first = True
    while True:
        part = result.fetch_df_chunk(50)
        if part.empty and not first:
            return
        first = False
        yield part


# a text column with at most this many distinct values is read as a DuckDB ENUM (a pandas
# Categorical: each distinct text made a Python string once, not once per row)
FEW_VALUES = 10_000
SAMPLE = 50_000


def sql_columns(table: BigTable, name: str, rows: int) -> Iterator[list[list]]:
    """The rows of `table` as `cells.sql_columns` gives a frame's, about `rows` at a time: text
    as str, numbers as int or float, booleans as 0/1, dates as `YYYY-MM-DD`, None when missing
    (NaN too). Dates held as text are read by `cells` from the whole column (pandas infers
    their format from it)."""
    types, fields = table.types(), schema.fields(name)
    if any(s["type"] == "date" and types.get(f) not in ("DATE", "TIMESTAMP")
           for f, s in fields.items()):  # fmt: skip
        yield cells.sql_columns(table.df(list(fields)), name)
        return
    select, few = [], profile(table, name).few
    for field, spec in fields.items():
        c, kind = quoted(field), types.get(field)
        if spec["type"] == "date":
            select.append(f"strftime({c}, '%Y-%m-%d')")
        elif spec["type"] == "boolean":
            select.append(f"CAST({c} AS BIGINT)")
        elif kind in FLOATS:
            select.append(f"CASE WHEN isnan({c}) THEN NULL ELSE {c} END")
        elif field in few:
            select.append(f"CAST({c} AS ENUM ({', '.join(map(literal, few[field]))}))")
        else:
            select.append(c)
    result = table.engine.execute(f"SELECT {', '.join(select)} FROM {table.sql}")
    while not (part := result.fetch_df_chunk(max(1, rows // 2048))).empty:
        yield [cells.python_values(part[col]) for col in part.columns]


def duplicated(table: BigTable, key: Sequence[str]) -> bool:
    """Whether two rows share `key` (missing values equal, as `DataFrame.duplicated`)."""
    cols = ", ".join(quoted(k) for k in key)
    sql = f"SELECT 1 FROM {table.sql} GROUP BY {cols} HAVING count(*) > 1 LIMIT 1"
    return table.engine.execute(sql).fetchone() is not None
