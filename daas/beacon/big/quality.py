"""The quality checks of `daas.beacon.quality` on a big table held in DuckDB.

`check` types and checks a mapped `BigTable` (every schema field as text, `_row`, `_note:<field>`
columns) in SQL and gives the same `TableQuality` as the plain path: the clean table stays in
DuckDB (`CleanTable`, whose `df()` is the plain path's clean frame, dtypes included) and only the
failing rows come back to pandas, as the `issues` frame `quality.Issues.frame` makes.

How it works: `Checks` (`checks.py`) builds one SELECT over the mapped table, layer by layer (a
typed column or a failing-row flag is an SQL expression over the layer below), the shared checks
first (`Checks.shared`: notes, placeholder addresses, numbers, minimum and maximum, enums,
required), then the recipe's own rules (`Recipe.table_checks_big`, given the same `Checks`; its
helpers `instants`, `known_places`, `locations` do what `daas.beacon.quality` and a recipe's
pandas rules do). The SELECT is written once into a work table: the typed fields (schema order)
and, after them, what the checks decided (the flags as bits of a few BIGINT masks, the values
some issues show, `_drop`), row for row as the mapped table (a table, its rows numbered by its
`rowid`, or a view over the export, `load.MappedView`, numbered by its `_row`: `position`). Its
masks give the issues (the failing rows only, their values read from the mapped table),
duplicates are looked for among the rows whose keys repeat, and it becomes the clean table: when
every row is kept, by dropping its helper columns (a change of the catalogue, no rows written
again), else by writing the rows kept into a new temporary table; either way its rows are
numbered 0, 1... (what the big privacy gate reads in SQL). The text fields are copied once, in
the same pass as the checks (a second copy, or a `POSITIONAL JOIN` with the mapped table, which
DuckDB runs on one thread, took more than the checks at 3,200,000 rows, its tables spilled past
the engine's memory limit). A plain decimal is read by DuckDB's cast (its `-0` as pandas reads
it in that column), and a whole number too large to read exactly is reported as
`quality._too_large` reports it.

Python still decides what is subtle, on distinct values only, and must agree with the plain
path because it is the plain path's own code: which addresses are placeholders
(`quality.PLACEHOLDER_ADDRESS`, asked only of addresses without a digit, which no placeholder
has), numbers not written as plain decimals (`quality._numbers`), and date-times SQL does not
read with certainty (the recipe's pandas `instants`/`local_text`: other forms, years outside
1900-2199, and times near a change of the zone's offset before 1970 or off the hour). The
zone's offsets come from pandas too, by day (`zones.zone_runs`); near a change SQL applies pandas'
rules (`ambiguous=False`, `nonexistent="shift_forward"`), which the tests check against it.
A first pass marks the values left to Python; when there are any, Python decides them and the
work table is written again with its answers joined in.

Dates (`YYYY-MM-DD`, as the loader writes every date it reads with certainty) are read by
DuckDB's strptime into TIMESTAMPs, integers as numbers that must be whole; any other date text
is read by `quality.parse_dates`, once per distinct text, before the SQL is written.

A recipe without SQL rules (`Recipe.checks_big_tables` false), or a table with a field type SQL
does not type here (`SQL_TYPES`: no `boolean` yet), is checked by the plain code on
`mapped.df()`, its clean frame then held in DuckDB (correct, not faster).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from daas.beacon import quality, schema
from daas.beacon.big.checks import (
    DATE_FORMAT,
    DIGITLESS,
    DROP,
    PLAIN_DATE,
    PLAIN_NUMBER,
    POS,
    SQL_TYPES,
    Checks,
    Flag,
    Known,
)
from daas.beacon.load import NOTE, ROW
from daas.core.big import BigTable, Engine, literal, quoted


class CleanTable(BigTable):
    """A checked table in DuckDB; `df()` and `chunks()` give the plain path's dtypes (DuckDB
    gives text as `str` with NaN for missing, the plain path `string` with <NA>)."""

    def __init__(self, engine: Engine, name: str, dtypes: dict[str, Any]) -> None:
        super().__init__(engine, name)
        self.dtypes = {c: pd.api.types.pandas_dtype(d) for c, d in dtypes.items()}

    def _typed(self, frame: pd.DataFrame) -> pd.DataFrame:
        for col in frame.columns:
            want = self.dtypes.get(col)
            if want is not None and repr(frame[col].dtype) != repr(want):
                frame[col] = frame[col].astype(want)
        return frame

    def df(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        return self._typed(super().df(columns))

    def chunks(self, size: int = 200_000, columns: Sequence[str] | None = None):
        for part in super().chunks(size, columns):
            yield self._typed(part)


def held(engine: Engine, stem: str, frame: pd.DataFrame) -> CleanTable:
    """`frame` as a table of `engine` whose `df()` gives it back with its dtypes."""
    table = engine.from_frame(stem, frame)
    return CleanTable(engine, table.name, {str(c): d for c, d in frame.dtypes.items()})


def _placeholder_addresses(mapped: BigTable) -> list[str]:
    """The mapped table's addresses `quality.PLACEHOLDER_ADDRESS` matches (asked only of the
    distinct addresses without a digit: no placeholder has one)."""
    rows = mapped.engine.execute(
        f"WITH d AS MATERIALIZED (SELECT DISTINCT address AS a FROM {mapped.sql}) "
        f"SELECT a FROM d WHERE a <> '' AND NOT regexp_matches(a, '{DIGITLESS}')"
    ).fetchall()
    match = quality.PLACEHOLDER_ADDRESS.fullmatch
    return sorted(a for (a,) in rows if a is not None and match(a))


def _distinct(mapped: BigTable, name: str, odd: str) -> list[str]:
    """The distinct texts `v` of a field, but blanks, for which the SQL `odd` holds, sorted."""
    rows = mapped.engine.execute(
        f"WITH d AS MATERIALIZED (SELECT DISTINCT {quoted(name)} AS v FROM {mapped.sql}) "
        f"SELECT v FROM d WHERE v <> '' AND {odd}"
    ).fetchall()
    return sorted(v for (v,) in rows if v is not None)


def _odd_numbers(mapped: BigTable, name: str) -> dict[str, float]:
    """The distinct texts of a number field that are not plain decimals (`PLAIN_NUMBER`),
    each with the number `quality._numbers` reads (NaN: not a number). And a negative zero
    written as an integer (`-0`): pandas reads it as 0 when every value of the column is an
    integer it can hold as one (it reads the column as integers: `_integers`), else as -0.0,
    as DuckDB does."""
    e, col = mapped.engine, quoted(name)
    # the distinct texts judged in SQL: only the odd ones and negative zeros come back
    distinct = f"SELECT DISTINCT {col} AS v FROM {mapped.sql}"
    whole = "regexp_full_match(v, '-?[0-9]+')"
    odd, zeros, n, n_whole = e.execute(
        f"WITH d AS MATERIALIZED ({distinct}) "
        f"SELECT list(v) FILTER (WHERE v <> '' AND NOT regexp_full_match(v, "
        f"{literal(PLAIN_NUMBER)})), list(v) FILTER (WHERE regexp_full_match(v, '-0+')), "
        f"count(*), count(*) FILTER (WHERE {whole}) FROM d WHERE v IS NOT NULL"
    ).fetchall()[0]
    texts = sorted(odd or [])
    out: dict[str, float] = {}
    if texts:
        nums = quality._numbers(pd.Series(texts, dtype=object)).to_numpy(dtype=float)
        out = dict(zip(texts, nums.tolist(), strict=True))
    if zeros:
        noted = (
            NOTE + name in mapped.columns
            and e.execute(
                f"SELECT count(*) FROM {mapped.sql} WHERE {quoted(NOTE + name)} <> ''"
            ).fetchall()[0][0]
        )
        if not noted and n_whole == n:
            wholes = [
                v for (v,) in e.execute(f"SELECT v FROM ({distinct}) WHERE {whole}").fetchall()
            ]
            if _integers(wholes, n):
                out.update(dict.fromkeys(zeros, 0.0))
    return out


def _integers(whole: list[str], distinct: int) -> bool:
    """Whether pandas reads a column's `distinct` texts as integers: all are (`whole`) and
    fit int64, or uint64 when none is below zero (`-0` is not); else as floats."""
    if len(whole) < distinct:
        return False
    ints = [int(v) for v in whole]
    lo, hi = min(ints), max(ints)
    return (lo >= -(2**63) and hi < 2**63) or (lo >= 0 and hi < 2**64)


def _odd_dates(mapped: BigTable, name: str) -> dict[str, pd.Timestamp | None]:
    """The distinct texts of a date field DuckDB's strptime may not read as
    `quality.parse_dates` does (not `PLAIN_DATE`, or not a day strptime reads), each with the
    day `parse_dates` reads (None: not a date)."""
    plain = f"regexp_full_match(v, {literal(PLAIN_DATE)})"
    read = f"try_strptime(v, '{DATE_FORMAT}') IS NOT NULL"
    texts = _distinct(mapped, name, f"NOT coalesce({plain} AND {read}, FALSE)")
    if not texts:
        return {}
    days = quality.parse_dates(pd.Series(texts, dtype=object))
    return {t: None if pd.isna(d) else pd.Timestamp(d) for t, d in zip(texts, days, strict=True)}


def _unknown_dates(table: str, mapped: BigTable) -> int:
    """Placeholder dates published blank (`TableQuality.unknown_dates`): the rows with a note
    on a date field."""
    fields = schema.fields(table)
    names = set(mapped.columns)
    noted = [NOTE + f for f, s in fields.items() if s["type"] == "date" and NOTE + f in names]
    if not noted:
        return 0
    sums = " + ".join(f"count(*) FILTER (WHERE coalesce({quoted(c)}, '') <> '')" for c in noted)
    return int(mapped.engine.execute(f"SELECT {sums} FROM {mapped.sql}").fetchone()[0])


def check(table: str, mapped: BigTable, ctx: quality.Context) -> quality.TableQuality:
    """`quality.check` on a mapped big table: the same issues, scores and counts, and the
    clean table held in DuckDB (see the module's docstring)."""
    from daas.beacon.recipes import for_table

    recipe = for_table(table)
    fields = schema.fields(table)
    typed_in_sql = all(spec["type"] in SQL_TYPES for spec in fields.values())
    if not recipe.checks_big_tables or not typed_in_sql:
        return _plain(table, mapped, ctx)
    known = Known(_placeholder_addresses(mapped) if "address" in fields else [])
    for name, spec in fields.items():
        if spec["type"] in ("number", "integer"):
            known.numbers[name] = _odd_numbers(mapped, name)
        elif spec["type"] == "date":
            known.dates[name] = _odd_dates(mapped, name)
    for _pass in range(3):
        checks = Checks(table, mapped, ctx, known)
        checks.shared()
        recipe.table_checks_big(table, checks, ctx)
        work = checks.write()
        asked = checks.asked(work)
        if not asked or _pass == 2:
            break
        checks.decide(asked)
        for used in [work, *checks.lookups]:
            checks.engine.execute(f"DROP TABLE IF EXISTS {quoted(used)}")
    result = _finish(checks, work, list(recipe.keys[table]))
    result.unknown_dates = _unknown_dates(table, mapped)
    return result


def _plain(table: str, mapped: BigTable, ctx: quality.Context) -> quality.TableQuality:
    """The plain path's checks on the table's rows, its clean frame then held in DuckDB."""
    result = quality.check(table, mapped.df(), ctx)
    assert isinstance(result.clean, pd.DataFrame)
    result.clean = held(mapped.engine, f"clean_{table}", result.clean)
    return result


def _finish(c: Checks, work: str, keys: list[str]) -> quality.TableQuality:
    """Issues, duplicates, scores and the clean table from the work table."""
    e, w = c.engine, quoted(work)
    flags = c.flags
    n = len(c.mapped)
    # the failing rows, with their flags (as the masks hold them: `Checks.bit`) and values
    bad = e.name("_failing")
    any_flag = " OR ".join(f"{quoted(m)} <> 0" for m in c.masks()) or "FALSE"
    numbers = [quoted(f.number) for f in flags if f.number]
    numbers += [quoted(f.value) for f in flags if f.value]
    masks = [quoted(m) for m in c.masks()]
    e.execute(
        f"CREATE TEMP TABLE {quoted(bad)} AS SELECT {POS}, {quoted(ROW)}, {DROP}, "
        f"{', '.join(masks + numbers) or 'NULL AS _none'} "
        f"FROM {w} WHERE {any_flag}"
    )
    typed = ", ".join(quoted(f) for f in c.fields)
    dups = _duplicates(c, f"SELECT {typed}, {POS}, {quoted(ROW)}, {DROP} FROM {w}", keys)
    # the issues, one row per failing check, in `Issues.frame`'s order
    # the checks some row failed, and the mapped texts their issues show
    tally = ", ".join([f"count_if({c.bit(k)})" for k in range(len(flags))] + [f"count_if({DROP})"])
    *counts, dropped = e.execute(f"SELECT {tally} FROM {quoted(bad)}").fetchall()[0]
    fired = [k for k, f in enumerate(flags) if counts and counts[k]]
    texts = sorted({t for k in fired if (t := flags[k].text)})
    parts = []
    for k in fired:
        f = flags[k]
        value = f"t.{quoted(f.text)}" if f.text else "''"
        if f.value:
            value = f"coalesce(b.{quoted(f.value)}, '')"
        num = f"b.{quoted(f.number)}" if f.number else "NULL::DOUBLE"
        parts.append(
            f"SELECT b.{POS} AS pos, b.{quoted(ROW)} AS row, {k} AS k, {value} AS value, "
            f"{num} AS num FROM {quoted(bad)} AS b "
            + (f"LEFT JOIN texts AS t ON t.{POS} = b.{POS} " if f.text else "")
            + f"WHERE {c.bit(k)}"  # the masks are `bad`'s alone
        )
    extra = []
    if dups is not None:
        for kind in (0, 1):
            extra.append(
                f"SELECT {POS} AS pos, {quoted(ROW)} AS row, {len(flags) + kind} AS k, "
                f"'' AS value, NULL::DOUBLE AS num FROM {quoted(dups)} WHERE kind = {kind}"
            )
    text_cols = ", ".join(f"m.{quoted(t)}" for t in texts)
    texts_sql = (
        f"texts AS MATERIALIZED (SELECT m.{c.position} AS {POS}"
        f"{', ' + text_cols if texts else ''} FROM {c.mapped.sql} AS m "
        f"SEMI JOIN {quoted(bad)} AS b ON m.{c.position} = b.{POS})"
    )
    # the issues' order: by row, dimension, field, where the plain path adds the check, then
    # position; the three in the middle are the same for every issue of a check: one number
    # each (`_sorting`), and the dimension and field are named in pandas (`_named`)
    sorting = _sorting(flags, keys)
    whens = " ".join(f"WHEN {k} THEN {r}" for k, r in enumerate(sorting))
    found = (
        e.frame(
            f"WITH {texts_sql} SELECT pos, row, k, value, num FROM ("
            + " UNION ALL ".join(parts + extra)
            + f") ORDER BY row, CASE k {whens} END, pos"
        )
        if parts or extra
        else pd.DataFrame(columns=["pos", "row", "k", "value", "num"])
    )
    dimensions, named = _named(flags, keys)
    found["dimension"] = dimensions[found["k"].to_numpy(dtype=np.int64)]
    found["field"] = named[found["k"].to_numpy(dtype=np.int64)]
    issues = _issues_frame(c, found, flags, keys)
    # scores: the share of rows with no problem in each dimension
    failed = found.groupby("dimension")["pos"].nunique().to_dict() if len(found) else {}
    scores = {d: round(float(1 - failed.get(d, 0) / max(n, 1)), 4) for d in quality.DIMENSIONS}
    # the clean table: the rows kept, the typed fields (a new table: its rows numbered 0, 1...)
    # the work table is the clean table when every row is kept (its helpers dropped: a change
    # of the catalogue, not of the rows); else the rows kept are written anew
    kept = e.name(f"clean_{c.table}")
    if dups is not None or dropped:
        if dups is not None:
            e.execute(
                f"UPDATE {w} SET {DROP} = TRUE WHERE {POS} IN (SELECT {POS} FROM {quoted(dups)})"
            )
        e.execute(f"CREATE TEMP TABLE {quoted(kept)} AS SELECT {typed} FROM {w} WHERE NOT {DROP}")
    else:
        fields = set(c.fields)
        for col in [x for x in BigTable(e, work).columns if x not in fields]:
            e.execute(f"ALTER TABLE {w} DROP COLUMN {quoted(col)}")
        e.execute(f"ALTER TABLE {w} RENAME TO {quoted(kept)}")
    for used in [work, bad, *([dups] if dups else []), *c.lookups]:
        e.execute(f"DROP TABLE IF EXISTS {quoted(used)}")
    dtypes = {name: SQL_TYPES[spec["type"]] for name, spec in c.fields.items()}
    clean = CleanTable(e, kept, dtypes)
    return quality.TableQuality(c.table, n, clean, issues, scores, 0)


def _named(flags: list[Flag], keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The dimension and field of each check's issues (the flags', then exact copies' and
    repeated keys'), by its number `k`."""
    dimensions = [f.dimension for f in flags] + ["uniqueness", "uniqueness"]
    fields = [f.field for f in flags] + ["", "+".join(keys)]
    return np.array(dimensions, dtype=object), np.array(fields, dtype=object)


def _sorting(flags: list[Flag], keys: list[str]) -> list[int]:
    """Each check's place in the issues' order of a row (by number `k`): by dimension, field,
    then where the plain path adds it (a flag's `order`; exact copies, then repeated keys,
    after every flag). The texts are compared as DuckDB's ORDER BY compares them (by code
    point, as Python does)."""
    rank = {k: r for r, k in enumerate(sorted(range(len(flags)), key=lambda k: flags[k].order))}
    dimensions, fields = _named(flags, keys)
    ks = range(len(flags) + 2)
    ranked = sorted(ks, key=lambda k: (dimensions[k], fields[k], rank.get(k, k)))
    place = {k: i for i, k in enumerate(ranked)}
    return [place[k] for k in ks]


def _issues_frame(
    c: Checks, found: pd.DataFrame, flags: list[Flag], keys: list[str]
) -> pd.DataFrame:
    """The issues as `quality.Issues.frame` gives them."""
    if not len(found):
        return pd.DataFrame(columns=quality.ISSUE_COLUMNS)
    ks = found["k"].to_numpy()
    reasons = [f.reason for f in flags] + [quality.EXACT_COPY, quality.SAME_KEY]
    excluded = [f.exclude for f in flags] + [True, True]
    value = np.array(found["value"].tolist(), dtype=object)
    num = found["num"]
    has_num = num.notna().to_numpy()
    if has_num.any():
        value[has_num] = num[has_num].astype(float).astype(str).to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "table": c.table,
            "row": found["row"].to_numpy(dtype=np.int64),
            "dimension": found["dimension"].to_numpy(dtype=object),
            "field": found["field"].to_numpy(dtype=object),
            "value": value,
            "reason": np.array(reasons, dtype=object)[ks],
            "excluded": np.array(excluded, dtype=bool)[ks],
        }
    )


def _duplicates(c: Checks, rows: str, keys: list[str]) -> str | None:
    """`quality._duplicates`: exact copies of an earlier row (kind 0), then rows whose keys
    repeat an earlier row's still kept (kind 1), as a temporary table (`_pos`, `_row`,
    `kind`); None when there are none. Only rows whose keys repeat are compared. `rows`: the
    typed rows with their `_pos`, `_row` and `_drop`."""
    e = c.engine
    w = f"({rows})"
    k = [quoted(x) for x in keys]
    everything = [quoted(x) for x in c.fields]
    # the keys that repeat (a small table), from the key columns alone: most tables have none
    # to compare; every row's keys are missing when the one key repeated is all missing, in
    # every row (then every row is compared)
    repeats = e.name("_repeated")
    e.execute(
        f"CREATE TEMP TABLE {quoted(repeats)} AS SELECT {', '.join(k)}, count(*) AS _count "
        f"FROM {w} GROUP BY ALL HAVING count(*) > 1"
    )
    missing = " AND ".join(f"{x} IS NULL" for x in k)
    repeated, no_keys = e.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {missing} AND _count = {len(c.mapped)}) "
        f"FROM {quoted(repeats)}"
    ).fetchall()[0]
    if not repeated:  # no two rows to compare (one row, or none, has no duplicate either)
        e.execute(f"DROP TABLE {quoted(repeats)}")
        return None
    if no_keys:
        candidates = f"SELECT * FROM {w}"
    else:
        on = " AND ".join(f"c.{x} IS NOT DISTINCT FROM r.{x}" for x in k)
        candidates = f"SELECT c.* FROM {w} AS c SEMI JOIN {quoted(repeats)} AS r ON {on}"
    name = e.name("_duplicates")
    same = (
        ""
        if no_keys
        else f""" UNION ALL SELECT {POS}, {quoted(ROW)}, 1 AS kind FROM (
            SELECT {POS}, {quoted(ROW)}, row_number() OVER (PARTITION BY {", ".join(k)}
              ORDER BY {POS}) AS n FROM cand WHERE NOT {DROP} AND {POS} NOT IN
              (SELECT {POS} FROM exact)) WHERE n > 1"""
    )
    e.execute(
        f"""CREATE TEMP TABLE {quoted(name)} AS
        WITH cand AS MATERIALIZED ({candidates}),
        exact AS MATERIALIZED (SELECT {POS}, {quoted(ROW)} FROM (
            SELECT {POS}, {quoted(ROW)}, {DROP}, row_number() OVER (
              PARTITION BY {", ".join(everything)} ORDER BY {POS}) AS n FROM cand)
            WHERE n > 1 AND NOT {DROP})
        SELECT {POS}, {quoted(ROW)}, 0 AS kind FROM exact{same}"""
    )
    e.execute(f"DROP TABLE {quoted(repeats)}")
    if not e.execute(f"SELECT count(*) FROM {quoted(name)}").fetchall()[0][0]:
        e.execute(f"DROP TABLE {quoted(name)}")
        return None
    return name
