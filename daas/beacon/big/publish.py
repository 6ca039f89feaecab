"""Publishing a big table (`daas.core.big.BigTable`) as the plain path publishes its frame.

The CSV is written by DuckDB's own CSV writer, in order, from SQL giving each cell as
`daas.beacon.cells.csv_lines` writes it (numbers in full without exponents, `true`/`false`,
empty when missing; DuckDB quotes text as Python's CSV writer does). SQLite gets the values
`cells.sql_columns` gives, a chunk of rows at a time. Where the two must agree with `cells`,
the SQL below says how; a column whose DuckDB type has no SQL form here is formatted by
`cells` itself, a chunk at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from daas.beacon import cells, schema
from daas.core.big import BigTable, literal, quoted

# each row's position in a table (0, 1...): DuckDB numbers the rows as it reads them, in order
# (a table's `rowid` is not one: a deleted row leaves a gap)
POSITION = "row_number() OVER () - 1"


def at(table: BigTable, rows: Sequence[int] | None) -> str:
    """SQL for the rows of `table`, or those at the positions `rows`, in order."""
    if rows is None:
        return table.sql
    listed = ", ".join(map(str, rows)) or "NULL"
    numbered = f"SELECT *, {POSITION} AS _position FROM {table.sql}"
    return f"(SELECT * EXCLUDE (_position) FROM ({numbered}) WHERE _position IN ({listed}))"


TEXT = ("VARCHAR",)
INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "HUGEINT")  # fmt: skip
FLOATS = ("DOUBLE",)  # a FLOAT's shortest text is not its double's: `cells` writes those
# a double DuckDB may write with an exponent (it does from 1e16 up and under 1e-4, as Python's
# `repr`): those are written by numpy (`cells._number_text`), by distinct value
ODD_NUMBER = "(abs({c}) >= 1e15 OR ({c} <> 0 AND abs({c}) < 1e-3))"


def _scan(table: BigTable, name: str) -> tuple[set[str], dict[str, list[float]]]:
    """One pass over `table`: its text fields holding a carriage return, and the distinct
    `ODD_NUMBER`s of its floating number fields."""
    types, fields = table.types(), schema.fields(name)
    texts = [f for f, s in fields.items() if s["type"] not in NOT_TEXT and types.get(f) in TEXT]
    numbers = [f for f, s in fields.items() if s["type"] == "number" and types.get(f) in FLOATS]
    parts = [f"bool_or(contains({quoted(f)}, chr(13)))" for f in texts]
    parts += [f"list(DISTINCT {quoted(f)}) FILTER (WHERE {ODD_NUMBER.format(c=quoted(f))} "
              f"AND NOT isnan({quoted(f)}))" for f in numbers]  # fmt: skip
    if not parts:
        return set(), {}
    found = table.engine.execute(f"SELECT {', '.join(parts)} FROM {table.sql}").fetchone()
    assert found is not None
    returns = {f for f, r in zip(texts, found, strict=False) if r}
    return returns, {f: list(v or []) for f, v in zip(numbers, found[len(texts) :], strict=True)}


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
           f"ELSE regexp_replace({text}, '\\.0$', '') END")  # fmt: skip
    return sql, params


NOT_TEXT = ("number", "boolean", "date")


def cells_sql(table: BigTable, name: str) -> tuple[list[str], dict[str, list], bool] | None:
    """SQL for each schema field of the published table `name` (NULL when missing) that a
    CSV writer quoting text as Python's does then writes as `cells.csv_lines` writes the
    frame's cell; its parameters; and whether DuckDB's own CSV writer may do it: it quotes a
    text with a carriage return, which Python's does not (without a comma, quote or line
    feed), and an empty text (written missing here: an empty cell either way). None when a
    column's type has no SQL form here."""
    types = table.types()
    returns, odd = _scan(table, name)
    out, params = [], {}
    for i, (field, spec) in enumerate(schema.fields(name).items()):
        c, kind = quoted(field), types.get(field)
        if spec["type"] == "date":
            if kind not in ("DATE", "TIMESTAMP"):
                return None  # dates as text: pandas reads the whole column's format
            sql = f"strftime({c}, '%Y-%m-%d')"
        elif spec["type"] == "number" and kind in FLOATS:
            sql, more = _number_cell(c, odd[field], f"n{i}")
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
    return out, params, not returns


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
    found = cells_sql(table, name)
    if found is None:
        with path.open("w", encoding="utf-8", newline="") as f:
            for i, chunk in enumerate(_chunks(table, name, rows)):
                lines = cells.csv_lines(chunk, name, big=True)
                f.write("\n".join(lines[1:] if i else lines) + "\n")
        return
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
    table.engine.execute(
        f"COPY (SELECT {select} FROM {at(table, rows)}) TO {literal(str(path))} "
        f"(FORMAT csv, HEADER true, {options})",
        params,
    )


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


def sql_columns(table: BigTable, name: str, rows: int) -> Iterator[list[list]]:
    """The rows of `table` as `cells.sql_columns` gives a frame's, `rows` at a time: text as
    str, numbers as int or float, booleans as 0/1, dates as `YYYY-MM-DD`, None when missing
    (NaN too). Dates held as text are read by `cells` from the whole column (pandas infers
    their format from it)."""
    types = table.types()
    select = []
    for field, spec in schema.fields(name).items():
        c, kind = quoted(field), types.get(field)
        if spec["type"] == "date" and kind not in ("DATE", "TIMESTAMP"):
            yield cells.sql_columns(table.df(list(schema.fields(name))), name)
            return
        if spec["type"] == "date":
            select.append(f"strftime({c}, '%Y-%m-%d')")
        elif spec["type"] == "boolean":
            select.append(f"CAST({c} AS BIGINT)")
        elif kind in FLOATS:
            select.append(f"CASE WHEN isnan({c}) THEN NULL ELSE {c} END")
        else:
            select.append(c)
    result = table.engine.execute(f"SELECT {', '.join(select)} FROM {table.sql}")
    while batch := result.fetchmany(rows):
        yield [list(col) for col in zip(*batch, strict=True)]


def duplicated(table: BigTable, key: Sequence[str]) -> bool:
    """Whether two rows share `key` (missing values equal, as `DataFrame.duplicated`)."""
    cols = ", ".join(quoted(k) for k in key)
    sql = f"SELECT 1 FROM {table.sql} GROUP BY {cols} HAVING count(*) > 1 LIMIT 1"
    return table.engine.execute(sql).fetchone() is not None
