"""A big export read into the build's DuckDB database and mapped there (#16).

`load_big` is `daas.beacon.load.load_source` for an export of more than `BIG_ROWS` records: the
export as read (`read_big`) and mapped (`map_big`) are `BigTable`s whose `df()` give the plain
path's frames (`read_export(...)[0]`, `apply_mapping(...)`; text columns come back as pandas
`str` columns, as `Engine.from_frame` gives any text column). It gives None, and the plain path
reads the export, whenever the two could differ: so every error the plain path raises is raised
by the plain path itself, with its messages.

Reading is `daas.beacon.big.read` (what it matches of pandas' reading is said there).

Mapping is `apply_mapping` in SQL: renamed and joined columns stripped as `str.strip` strips
(every white-space character), constants, unpivot, placeholders, recoding. Where `values`
decides something over a whole column (the day/month order of dates, a column's decimal mark,
which values are placeholders or periods), its functions run on the column's distinct values and
their results are joined back, so the decisions are the same by construction: `read_numbers` on
the distinct numbers written with more than digits and a point, `read_datetimes` on the distinct
date-times SQL does not read, `read_dates` on the distinct dates SQL does not read. Dates without
a declared format SQL reads when they are `2035-12-31` or `31/12/2035` (two digits of day and
month) from 1900 to 2199 (`_settled`, `_days`), once the day/month order is known: Python decides
it from the others with one made-up value for each order SQL's values show (`_read_days`). A
big export has nearly one distinct date-time per row, so SQL reads those it can with certainty:
ISO 8601 to the second on a day from 2000 to 2098 (`_iso_ok`, which must keep agreeing with
`values._iso_already`), and values of a declared format in two-digit fields on a day from 2000
to 2199 (`_shaped`, with `values._read_datetime`); each accepts a subset of what Python reads so
and writes the same text.

What the mapping needs to know of the export's values is found in one pass over it (`_probe`):
which columns may have white space to strip, how many rows of each date and number field SQL
leaves to `values` (their distinct values are asked for only when there are some), whether
a field holds a placeholder, and the first and last value of each ISO 8601 date-time field
(the years `quality` reads the zone's offsets for, kept by a `MappedView`).

The export is a temporary table of the engine's connection (`temporary`): DuckDB holds it in
memory, spilling past its memory limit, at a quarter of the work of writing into its file. The
mapped table is a temporary view over it (`MappedView`, numbered by `_row`) when it keeps the
export's rows in order and joins no table in: its expressions are cheap and computed by the
queries that read it (the quality checks read the export once, into their work table), where
writing it cost a pass over every row. The values `values` read are written into the SQL when
they are few (`LISTED` distinct texts a field); an unpivot, lines that are not one per record,
or more values read by Python (a table joined in) make it a temporary table, sorted; dates read
in SQL, which every query of the quality checks would read again, make it a temporary table in
the export's order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from daas.beacon import load, schema, values
from daas.beacon.big.read import read_big, temporary
from daas.core.big import BigTable, Engine, literal, quoted
from daas.core.city import BeaconMapping
from daas.core.errors import DaasError
from daas.core.i18n import _

# values read by Python written into the mapping's SQL (more are joined in): a CASE of 20
# texts costs 0.06 s of CPU each time a query reads the field of 1,000,000 rows, of 200 0.4 s
LISTED = 20
# every character `str.strip()` strips: those `str.isspace` says are (tests/test_big_load.py
# checks the list against it; working it out over every code point took 0.1 s a build)
_WHITE = (*range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
          0x2028, 0x2029, 0x202F, 0x205F, 0x3000)  # fmt: skip
WHITE = "".join(map(chr, _WHITE))


def load_big(
    path: Path, mapping: BeaconMapping, shown: str, where: str, engine: Engine
) -> tuple[BigTable, BigTable] | None:
    """(the export as read, mapped) in `engine` when the export is big; None when it is not,
    or when it should be read by the plain path (the module's docstring says when)."""
    read = read_big(path, shown, engine, mapping.encoding, mapping.delimiter)
    if read is None:
        return None
    return read.table, map_big(read.table, mapping, shown, where)


class MappedView(BigTable):
    """A mapped table that is a view over the export (`map_big` writes no table when the
    mapping joins no table in and keeps the export's rows and order, one line per record):
    every query reading it computes the renames, strips, constants, recoding and notes it
    needs. It has no `rowid`: `position` is the SQL of a column numbering its rows in order
    (`_row`, the line of each record, which is its position + 2). `ends`: the first and last
    value of date-time fields from 1900 on and before 2200, found while mapping (`_probe`)."""

    position = quoted(load.ROW)

    def __init__(
        self, engine: Engine, name: str, ends: dict[str, tuple[str | None, str | None]]
    ) -> None:
        super().__init__(engine, name)
        self.ends = ends

    def drop(self) -> None:
        self.engine.execute(f"DROP VIEW IF EXISTS {self.sql}")


# mapping -----------------------------------------------------------------------------------

_ISO_SHAPE = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}([+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
)


def _iso_ok(x: str) -> str:
    """SQL: whether the text `x` is one `values._iso_already` gives back as ISO 8601 (without a
    format, or one starting `%Y-%m-%d`): `_ISO_DAY` and no offset `-00:00`. A 31 December's
    leap second carries into the next year in Python: 2098's are left to it."""
    return (
        f"(regexp_full_match({x}, {literal(_ISO_DAY)}) AND NOT ends_with({x}, '-00:00') "
        f"AND NOT {x} LIKE '2098-12-31_23:59:6_')"
    )


# `values._ISO_SECONDS` on a real day from 2000 to 2098, an hour to 23, a minute to 59 and a
# second to 61, as `values._on_kit_day` reads it: the day of the month by its month (29 February
# in a year divisible by 4: 2000 to 2096), the time, an offset of hours to 23
_ISO_DAY = (
    "((20[0-8][0-9]|209[0-8])-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)"
    "|(0[13578]|1[02])-31)|20([02468][048]|[13579][26])-02-29)"
    "[T ]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|6[01])([+-]([01][0-9]|2[0-3]):[0-5][0-9])?"
)


# what each directive of a declared date-time format matches in SQL (`_shaped`): two digits
# always (Python's `strptime` takes one too, and is left those), years 2000 to 2199, seconds to
# 59 (Python's datetime refuses 60 and 61), AM or PM in capitals
_DIRECTIVES = {
    "%Y": "(20[0-9][0-9]|21[0-9][0-9])",
    "%m": "(0[1-9]|1[0-2])",
    "%d": "(0[1-9]|[12][0-9]|3[01])",
    "%H": "([01][0-9]|2[0-3])",
    "%I": "(0[1-9]|1[0-2])",
    "%M": "[0-5][0-9]",
    "%S": "[0-5][0-9]",
    "%p": "(AM|PM)",
}
_ISO = "%Y-%m-%dT%H:%M:%S"  # `datetime.isoformat()` of a moment without microseconds


def _shaped(fmt: str) -> str | None:
    """A regular expression for texts of the declared date-time format `fmt` whose reading
    SQL settles as `values._read_datetime` does (`strptime`, then `isoformat`, no note); None
    for a format with other directives (Python reads all its values)."""
    parts = re.split(r"(%.)", fmt)
    codes = parts[1::2]
    if (
        not set(codes) <= set(_DIRECTIVES)
        or sorted(codes) != sorted(set(codes))
        or not {"%Y", "%m", "%d"} <= set(codes)
        or ("%I" in codes) != ("%p" in codes)
        or ("%H" in codes and "%I" in codes)
    ):
        return None
    out = []
    for i, part in enumerate(parts):
        out.append(_DIRECTIVES[part] if i % 2 else "".join(
            c if c.isalnum() or c == " " else "\\" + c for c in part))  # fmt: skip
    return "".join(out)


def _formatted_ok(x: str, fmt: str, shaped: str) -> str:
    """SQL: whether `x` has the shape `_shaped` gives and names a real moment that
    `values._day_note` leaves as it is (a year from 2000 to 2199 but the sentinel 2099-12-31)."""
    moment = f"try_strptime({x}, {literal(fmt)})"
    return (
        f"(regexp_full_match({x}, {literal(shaped)}) AND {moment} IS NOT NULL "
        f"AND strftime({moment}, '%m-%d') || year({moment}) <> '12-312099')"
    )


def _iso_text(x: str) -> str:
    """SQL: an ISO-shaped date-time (or '') with `T` between the day and the time."""
    spaced = f"substr({x}, 1, 10) || 'T' || substr({x}, 12)"
    return f"(CASE WHEN substr({x}, 11, 1) = ' ' THEN {spaced} ELSE {x} END)"


# dates without a declared format whose reading SQL writes (`_days`): `31/12/2035` (`-` or `.`
# for `/`, two digits of day and month) in a year from 1900 to 2199, and `2035-12-31` in those
# years, which `values._read_undeclared` gives back as it is
_DMY_DATE = r"([0-9]{2})(/([0-9]{2})/|-([0-9]{2})-|\.([0-9]{2})\.)((19|2[01])[0-9]{2})"
_ISO_DATE = "(19|2[01])[0-9]{2}-[0-9]{2}-[0-9]{2}"
# the days from 1900 on `_day_note` notes as placeholders (and before 2000 each 30 December)
_NOTED_DAYS = sorted(d.isoformat() for d in values.SENTINEL_DATES if d.year >= 1900)


def _days(x: str, order: str | None) -> str:
    """SQL: a text of the shape `_DMY_DATE` as `YYYY-MM-DD` in the day/month `order` (None:
    month first, as `values._read_undeclared` reads it; not always a real day); any other as
    it is. Its numbers are at fixed places (a `regexp_replace` took half as long again)."""
    a, b = f"left({x}, 2)", f"substr({x}, 4, 2)"
    day, month = (a, b) if order == "dmy" else (b, a)
    return (
        f"(CASE WHEN regexp_full_match({x}, {literal(_DMY_DATE)}) "
        f"THEN concat(right({x}, 4), '-', {month}, '-', {day}) ELSE {x} END)"
    )


def _settled(x: str, order: str | None) -> str:
    """SQL: whether `_days` gives the text `x` of a date field as `values._read_undeclared`
    does, noted nothing or a period (`_period`): blank, `_ISO_DATE` (a real day but a sentinel,
    or none: left as it is), `_DMY_DATE` naming a real day but a sentinel. A subset of the
    values it reads."""
    noted = ", ".join(literal(d) for d in _NOTED_DAYS)
    day = _days(x, order)
    iso = f"(try_cast({x} AS DATE) IS NULL OR {x} NOT IN ({noted}))"
    return (
        f"({x} = '' OR (regexp_full_match({x}, {literal(_ISO_DATE)}) AND {iso}) OR "
        f"(regexp_full_match({x}, {literal(_DMY_DATE)}) AND try_cast({day} AS DATE) IS NOT NULL "
        f"AND {day} NOT IN ({noted})))"
    )


def _period(day: str) -> str:
    """SQL: whether `_days` of a `_settled` value gives a day `values._day_note` notes as a
    period (30 December of a year from 1900 to 1999; its text is kept as it is). Only those
    two shapes give a text of that shape."""
    return f"regexp_full_match({day}, '19[0-9]{{2}}-12-30')"


def _orders_shown(x: str) -> list[str]:
    """SQL aggregates: whether a value of the shape `_DMY_DATE` shows the order day first,
    month first, or reads either way, as `values.day_month_order` tells them."""
    shape = f"regexp_full_match({x}, {literal(_DMY_DATE)})"
    a, b = f"TRY_CAST(left({x}, 2) AS INTEGER)", f"TRY_CAST(substr({x}, 4, 2) AS INTEGER)"
    return [
        f"coalesce(bool_or({shape} AND {a} > 12 AND {b} <= 12), false)",
        f"coalesce(bool_or({shape} AND {b} > 12 AND {a} <= 12), false)",
        f"coalesce(bool_or({shape} AND {a} <> {b} AND {a} <= 12 AND {b} <= 12), false)",
    ]


def _strip(x: str) -> str:
    """SQL: `str.strip()` of `x` (trimmed of every white-space character when its first or last
    character may be one, else as it is: the trim is costly)."""
    return f"(CASE WHEN {_edged(x)} THEN trim({x}, {literal(WHITE)}) ELSE {x} END)"


def _edged(x: str) -> str:
    """SQL: whether the first or last character of `x` may be white space (every one in
    `WHITE` is; a few control characters too, which `trim` then leaves)."""
    wide = ", ".join(str(ord(w)) for w in WHITE if ord(w) > 32)
    ends = (f"ord({x})", f"ord({x}[-1])")
    low = [f"{c} BETWEEN 0 AND 32" for c in ends]
    high = [f"({c} >= 133 AND {c} IN ({wide}))" for c in ends]
    return "(" + " OR ".join([*low, *high]) + ")"


def _case(x: str, recode: dict[str, str]) -> str:
    if not recode:
        return x
    whens = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in recode.items())
    return f"(CASE {x} {whens} ELSE {x} END)"


@dataclass
class _Field:
    """One field of the mapped table: its SQL over the view of the mapping's rows, and what
    reading its values joined (a lookup table, or listed in the SQL) or noted."""

    name: str
    var: str  # its column in the view
    value: str = ""  # SQL of the final value
    note: str | None = None  # SQL of its value note
    lookup: BigTable | None = None
    read: str | None = None  # SQL of the value read from the text (NULL: not read)
    noted: bool = False  # some value has a note
    costly: bool = False  # its value is read in SQL row by row (`_days`)


def map_big(raw: BigTable, mapping: BeaconMapping, shown: str, where: str) -> BigTable:
    """`load.apply_mapping` on a big export in its engine (same table, same errors)."""
    engine, table = raw.engine, mapping.table
    known = schema.fields(table)
    load.mapping_problems(raw, mapping, shown, where)
    used = [c for cols in mapping.columns.values() for c in load._as_list(cols)]
    probe = _probe(
        raw,
        [*dict.fromkeys([*used, *(mapping.unpivot.columns if mapping.unpivot else [])])],
        mapping,
        known,
    )
    padded = probe.padded

    def strip(col: str) -> str:
        return _strip(quoted(col)) if col in padded else quoted(col)

    exprs = _exprs(mapping, strip)
    lines = raw.attrs.get(load.LINES)
    rows, joins = "(raw.rowid + 2)", ""
    if lines is not None:
        starts = engine.from_frame("lines", pd.DataFrame({"line": pd.Series(lines, dtype="int64")}))
        rows, joins = (
            "starts.line",
            f" JOIN (SELECT rowid AS pos, line FROM {starts.sql}) starts ON starts.pos = raw.rowid",
        )
    names = {fld: f"v{i}" for i, fld in enumerate([*exprs, *_unpivoted(mapping, exprs)])}
    if mapping.unpivot:
        u = mapping.unpivot
        k = len(u.columns)
        selects = []
        for i, (col, label) in enumerate(u.columns.items()):
            here = {**exprs, u.into: literal(label), u.value: strip(col)}
            selects.append(
                _select(here, names, mapping, f"raw.rowid * {k} + {i}", rows)
                + f" FROM {raw.sql} raw{joins} WHERE {strip(col)} <> '0'"
            )
        exprs = {**exprs, u.into: "", u.value: ""}
        body = " UNION ALL ".join(selects)
        ordered = True
    else:
        body = _select(exprs, names, mapping, "raw.rowid", rows) + f" FROM {raw.sql} raw{joins}"
        ordered = lines is not None
    view = engine.name("mapping")
    engine.execute(f"CREATE TEMP VIEW {quoted(view)} AS {body}")
    try:
        return _mapped(
            engine, view, body, probe, list(exprs), names, known, mapping, shown, where, ordered
        )
    finally:
        engine.execute(f"DROP VIEW IF EXISTS {quoted(view)}")
        if lines is not None:
            starts.drop()


def _exprs(mapping: BeaconMapping, strip: Callable[[str], str]) -> dict[str, str]:
    """Each field's SQL over the export, in `apply_mapping`'s column order (`strip`: a
    column's stripped value)."""
    exprs: dict[str, str] = {}
    for fld, cols in mapping.columns.items():
        parts = [strip(c) for c in load._as_list(cols)]
        joined = parts[0]
        for p in parts[1:]:
            joined = _strip(f"({joined} || ' ' || {p})")
        exprs[fld] = joined
    for fld, value in mapping.constants.items():
        exprs[fld] = literal(value)
    return exprs


@dataclass
class _Probe:
    """What one pass over the export found: the columns whose values may start or end with
    white space, how many rows of a field hold a value SQL leaves to `values` (`left`: a
    field without a count is asked), whether a field holds a placeholder (`held`: a field
    not in it is asked of the mapping's rows), and the first and last value of each
    date-time field read as ISO 8601 from 1900 on and before 2200 (`ends`, as
    `quality.Checks._years` takes them)."""

    padded: set[str]
    left: dict[str, int]
    held: dict[str, bool]
    ends: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def _probe(
    raw: BigTable, columns: list[str], mapping: BeaconMapping, known: dict[str, dict]
) -> _Probe:
    """`_Probe` of `raw` in one aggregate. A field's value is taken with its columns as they
    are: the mapping's value when none of them is padded (it strips only those), else what
    it found of the field is left out (the field is asked). The rows an unpivot makes are a
    subset of the export's, each with its fields' values: a field with no row left there has
    none in them (the unpivoted fields themselves are not counted), but whether a
    placeholder is held is asked of the mapping's rows. A date-time field read as ISO 8601
    is mapped to its value with `T` after the day (`_iso_text`), which changes no character
    before the 11th: the first four of its first and last value from 1900 on and before 2200
    are those of the value (which is all `_years` reads of them)."""
    exprs = _exprs(mapping, quoted)
    inner, tests = [], []
    for i, c in enumerate(columns):
        # a first or last character that is a control character, a space or beyond ASCII
        inner += [f"ord({quoted(c)}) AS a{i}", f"ord({quoted(c)}[-1]) AS b{i}"]
        tests.append(
            f"bool_or(a{i} BETWEEN 0 AND 32 OR a{i} > 127 OR b{i} BETWEEN 0 AND 32 OR b{i} > 127)"
        )
    counted: list[str] = []
    unpivoted = {mapping.unpivot.into, mapping.unpivot.value} if mapping.unpivot else set()
    for fld, x in exprs.items():
        spec = None if fld in unpivoted else known.get(fld)
        cond = spec and _left(fld, spec, mapping, f"p{len(counted)}")
        if cond:
            inner.append(f"{_case(x, mapping.values.get(fld, {}))} AS p{len(counted)}")
            tests.append(f"count(*) FILTER (WHERE {cond})")
            counted.append(fld)
    ended = [f for f in counted if known[f]["type"] == "datetime"]
    ended = [f for f in ended if _date_format(f, "datetime", mapping)[1]]
    for f in ended:
        p = f"p{counted.index(f)}"
        tests += [f"min({p}) FILTER (WHERE {p} >= '1900')", f"max({p}) FILTER (WHERE {p} < '2200')"]
    held = [f for f in mapping.placeholders if f in exprs] if not mapping.unpivot else []
    for i, fld in enumerate(held):
        hit = ", ".join(literal(p) for p in dict.fromkeys(mapping.placeholders[fld]))
        inner.append(f"{exprs[fld]} IN ({hit}) AS h{i}")
        tests.append(f"bool_or(h{i})")
    if not tests:
        return _Probe(set(), {}, {})
    select = f"SELECT {', '.join(tests)} FROM (SELECT {', '.join(inner)} FROM {raw.sql})"
    got = list(raw.engine.execute(select).fetchall()[0])
    padded = {c for c, hit in zip(columns, got, strict=False) if hit}
    got = got[len(columns) :]
    left = {f: int(n) for f, n in zip(counted, got, strict=False)}
    got = got[len(counted) :]
    ends = {f: (got[2 * i], got[2 * i + 1]) for i, f in enumerate(ended)}
    got = got[2 * len(ended) :]
    found = {f: bool(hit) for f, hit in zip(held, got, strict=True)}
    # what was found of a field with a padded column is not its mapped value's
    sure = {f for f in exprs if not set(load._as_list(mapping.columns.get(f, []))) & padded}
    return _Probe(
        padded,
        {f: n for f, n in left.items() if f in sure},
        {f: hit for f, hit in found.items() if f in sure},
        {f: e for f, e in ends.items() if f in sure},
    )


def _unpivoted(mapping: BeaconMapping, exprs: dict[str, str]) -> list[str]:
    u = mapping.unpivot
    return [] if u is None else [f for f in (u.into, u.value) if f not in exprs]


def _select(
    exprs: dict[str, str], names: dict[str, str], mapping: BeaconMapping, order: str, rows: str
) -> str:
    """The view's SELECT list: order, line, each field recoded, each placeholder note."""
    cols = [f"{order} AS _ord", f"{rows} AS _row"]
    for fld, x in exprs.items():
        cols.append(f"{_case(x, mapping.values.get(fld, {}))} AS {names[fld]}")
        if fld in mapping.placeholders:
            hit = ", ".join(literal(p) for p in dict.fromkeys(mapping.placeholders[fld]))
            cols.append(f"CASE WHEN {x} IN ({hit}) THEN {literal(values.NOTE_PLACEHOLDER)} "
                        f"ELSE '' END AS {names[fld]}_p")  # fmt: skip
    return "SELECT " + ", ".join(cols)


def _mapped(
    engine: Engine,
    view: str,
    body: str,
    probe: _Probe,
    order: list[str],
    names: dict[str, str],
    known: dict[str, dict],
    mapping: BeaconMapping,
    shown: str,
    where: str,
    ordered: bool,
) -> BigTable:
    v = quoted(view)
    fields = {f: _Field(f, names[f], value=f"m.{names[f]}") for f in order}
    problems = []
    for fld in [f for f in order if f in known]:
        try:
            if _undeclared_date(fld, known, mapping):
                _read_days(engine, v, fields[fld], mapping, shown)
                continue
            _read_values(engine, v, fields[fld], known[fld], mapping, shown, probe.left.get(fld))
        except DaasError as exc:
            problems += exc.problems
    if problems:
        raise DaasError(problems)
    unmapped = [f for f in schema.required(mapping.table) if f not in fields]
    if unmapped:
        raise DaasError.one(
            where,
            ", ".join(unmapped),
            _("required field(s) of the {table} schema are not mapped").format(table=mapping.table),
            _("add them under `columns:` (export column) or `constants:` (a fixed value)"),
        )
    held = [f for f in mapping.placeholders if f in fields]
    for name in [f for f in held if f in probe.held]:
        fields[name].noted = fields[name].noted or probe.held[name]
    asked = [f for f in held if f not in probe.held]  # asked of the mapping's rows
    if asked:
        counts = ", ".join(f"bool_or({names[f]}_p <> '')" for f in asked)
        hits = engine.execute(f"SELECT {counts} FROM {v}").fetchall()[0]
        for name, hit in zip(asked, hits, strict=True):
            fields[name].noted = fields[name].noted or bool(hit)
    cols = ["m._row AS _row"]
    for fld in known:
        cols.append(f"{fields[fld].value if fld in fields else literal('')} AS {quoted(fld)}")
    for fld in [f for f in known if f in fields and fields[f].noted]:
        f = fields[fld]
        note = f.note or "''"
        if fld in held:
            note = f"CASE WHEN m.{f.var}_p <> '' THEN m.{f.var}_p ELSE {note} END"
        cols.append(f"{note} AS {quoted(load.NOTE + fld)}")
    lookups = [(f, f.lookup) for f in fields.values() if f.lookup is not None]
    joins = "".join(
        f" LEFT JOIN {table.sql} {f.var}_l ON {f.var}_l.src = m.{f.var}" for f, table in lookups
    )
    if not (ordered or lookups) and any(f.costly for f in fields.values()):
        # dates read in SQL would be read again by every query of the quality checks reading
        # the mapped table: it is written, in the export's order (no join, no sort)
        return temporary(engine, "mapped", f"SELECT {', '.join(cols)} FROM ({body}) m")
    if not (ordered or lookups):  # one row per line of the export, in its order: a view
        name = engine.name("mapped")
        engine.execute(
            f"CREATE TEMP VIEW {quoted(name)} AS SELECT {', '.join(cols)} FROM ({body}) m"
        )
        # a field some of whose values Python read has values the probe did not see
        ends = {f: e for f, e in probe.ends.items() if f in fields and fields[f].read is None}
        return MappedView(engine, name, ends)
    sql = f"SELECT {', '.join(cols)} FROM {v} m{joins} ORDER BY m._ord"
    try:
        return temporary(engine, "mapped", sql)
    finally:
        for _field, table in lookups:
            table.drop()


def _date_format(
    name: str, kind: str, mapping: BeaconMapping
) -> tuple[str | None, bool, str | None]:
    """A date or date-time field's declared format, whether its values are read as ISO 8601
    (`_iso_ok`), and the regular expression of its format's values SQL reads (`_shaped`)."""
    fmt = mapping.date_format
    fmt = fmt.get(name) if isinstance(fmt, dict) else fmt
    iso = kind == "datetime" and (not fmt or fmt.startswith("%Y-%m-%d"))
    shaped = _shaped(fmt) if kind == "datetime" and fmt and not iso else None
    return fmt, iso, shaped


def _undeclared_date(name: str, known: dict[str, dict], mapping: BeaconMapping) -> bool:
    """Whether a field is a date without a declared format (`_read_days` reads it)."""
    return (
        name in known
        and known[name]["type"] == "date"
        and not _date_format(name, "date", mapping)[0]
    )


def _read_days(engine: Engine, v: str, f: _Field, mapping: BeaconMapping, shown: str) -> None:
    """`load._read_values` for a date field without a declared format. `values.read_dates`
    decides the day/month order from the orders its distinct values show, then reads each.
    SQL reads the values `_settled` in either order (`_days`); Python reads the others with
    one made-up value for each order those values show (`_SHOWING`: `day_month_order` counts
    every value showing an order alike), so deciding the same order. When none can be told,
    Python reads every distinct value in order of first appearance (its error's examples)."""
    one = f"SELECT DISTINCT {f.var} AS x FROM {v}"
    mdy, dmy = _settled("x", None), _settled("x", "dmy")
    periods = [f"bool_or({s} AND {_period(_days('x', o))})" for s, o in [(mdy, None), (dmy, "dmy")]]
    got = engine.execute(
        f"WITH d AS MATERIALIZED ({one}) SELECT list(x) FILTER (WHERE NOT ({mdy})), "
        f"list(x) FILTER (WHERE NOT ({dmy})), {', '.join(periods)}, "
        f"{', '.join(_orders_shown('x'))} FROM d"
    ).fetchall()[0]
    left = {None: got[0] or [], "dmy": got[1] or []}
    period = {None: bool(got[2]), "dmy": bool(got[3])}
    made_up = [t for t, hit in zip(_SHOWING, got[4:], strict=True) if hit]
    try:
        # a value SQL reads in one order only has the shape `_DMY_DATE`: `made_up` stands for it
        both = set(left["dmy"])
        order = values.day_month_order([*(t for t in left[None] if t in both), *made_up])
    except values.AmbiguousDates:
        order, texts = "", _distinct(engine, v, f.var, "", ordered=True)
    else:
        texts = left["dmy" if order == "dmy" else None]
    try:
        out, note = values.read_dates(pd.Series(texts, dtype=object))
    except values.AmbiguousDates as exc:
        column = load._source_columns(mapping, f.name)
        raise load._ambiguous_dates(exc, column, f.name, shown) from None
    _lookup(engine, f, texts, out, note)
    if order != "":  # the values Python did not read are read in SQL
        x = f"m.{f.var}"
        key: str | None = "dmy" if order == "dmy" else None
        day = other = _days(x, key)
        f.costly = True
        sql_note = "''"
        if period[key]:
            other = f"(CASE WHEN {_period(day)} THEN {x} ELSE {day} END)"
            sql_note = f"(CASE WHEN {_period(day)} THEN {literal(values.NOTE_PERIOD)} ELSE '' END)"
            f.noted = True
        f.value = other if f.read is None else f"coalesce({f.read}, {other})"
        if f.note is not None or period[key]:
            f.note = sql_note if f.note is None else f"coalesce({f.note}, {sql_note})"


# a value showing each order `day_month_order` tells: day first, month first, either
_SHOWING = ("13/01/2000", "01/13/2000", "01/02/2000")


def _left(name: str, spec: dict, mapping: BeaconMapping, x: str) -> str | None:
    """SQL: whether the value `x` of a field is one SQL leaves to `values` (its distinct
    values are read by Python); None when every value is (a date), or none (not read)."""
    kind = spec["type"]
    if kind in ("date", "datetime"):
        fmt, iso, shaped = _date_format(name, kind, mapping)
        if iso:
            return f"({x} <> '' AND NOT {_iso_ok(x)})"
        if shaped and fmt:
            return f"({x} <> '' AND NOT {_formatted_ok(x, fmt, shaped)})"
        return None
    if kind in ("number", "integer"):
        coordinate = name in values.COORDINATES
        marks = values._MARK_CHARS + ("" if coordinate else ".")
        cls = "[" + marks + "]"  # as `values._MARKS`: no character needs escaping there
        return f"(regexp_matches({x}, {literal(cls)}) OR {x} LIKE '%.%.%')"
    return None


def _read_values(
    engine: Engine,
    v: str,
    f: _Field,
    spec: dict,
    mapping: BeaconMapping,
    shown: str,
    left: int | None,
) -> None:
    """`load._read_values` for one field: its final value and note as SQL, reading with
    `values` the distinct values SQL does not settle (`left`: how many rows hold one, when
    counted: none, no query)."""
    x = f"m.{f.var}"
    kind = spec["type"]
    cond = _left(f.name, spec, mapping, f.var)
    where = f"WHERE {cond}" if cond else ""
    if kind in ("date", "datetime"):
        fmt, iso, shaped = _date_format(f.name, kind, mapping)
        texts = [] if left == 0 else _distinct(engine, v, f.var, where, ordered=True)
        try:
            if kind == "date":
                out, note = values.read_dates(pd.Series(texts, dtype=object), fmt)
            else:
                out, note = values.read_datetimes(pd.Series(texts, dtype=object), fmt)
        except values.AmbiguousDates as exc:
            column = load._source_columns(mapping, f.name)
            raise load._ambiguous_dates(exc, column, f.name, shown) from None
        _lookup(engine, f, texts, out, note)
        if iso:  # every other value is blank or ISO 8601 already (`_iso_ok`)
            other = _iso_text(x)
            f.value = other if f.read is None else f"coalesce({f.read}, {other})"
            if f.note is not None:
                f.note = f"coalesce({f.note}, '')"
        elif shaped and fmt:  # every other value is blank or in the format (`_formatted_ok`)
            moment = f"try_strptime({x}, {literal(fmt)})"
            other = f"(CASE WHEN {x} = '' THEN '' ELSE strftime({moment}, '{_ISO}') END)"
            f.value = other if f.read is None else f"coalesce({f.read}, {other})"
            if f.note is not None:
                f.note = f"coalesce({f.note}, '')"
    elif kind in ("number", "integer"):
        texts = [] if left == 0 else _distinct(engine, v, f.var, where, ordered=False)
        if texts:
            out, note = values.read_numbers(
                pd.Series(texts, dtype=object), f.name, mapping.decimal, kind == "integer"
            )
            _lookup(engine, f, texts, out, note)
            f.note = None if f.note is None else f"coalesce({f.note}, '')"


def _distinct(engine: Engine, v: str, var: str, where: str, ordered: bool) -> list[str]:
    """The distinct values of a view's column (`where` they are), in order of first
    appearance when `ordered` (the examples an error gives are the plain path's)."""
    if ordered:
        sql = f"SELECT {var} FROM {v} {where} GROUP BY {var} ORDER BY min(_ord)"
    else:
        sql = f"SELECT DISTINCT {var} FROM {v} {where}"
    return [r[0] for r in engine.execute(sql).fetchall()]


def _lookup(engine: Engine, f: _Field, texts: list[str], out: pd.Series, note: pd.Series) -> None:
    """Join the values read from `texts` back: the field's value and note listed in the SQL
    when few (`LISTED`: the mapped table can then be a view, its rows in the export's order),
    else from a table joined in."""
    if not texts:
        return
    f.noted = bool(note.ne("").any())
    pairs = list(zip(out.astype(object), note.astype(object), strict=True))
    if len(texts) <= LISTED and all(
        pd.isna(v) or (isinstance(v, str) and "\x00" not in v)
        for v in [*texts, *(v for pair in pairs for v in pair)]
    ):
        x = f"m.{f.var}"

        def listed(k: int) -> str:
            whens = " ".join(
                f"WHEN {literal(t)} THEN "
                + ("NULL::VARCHAR" if pd.isna(pair[k]) else literal(pair[k]))
                for t, pair in zip(texts, pairs, strict=True)
            )
            return f"(CASE {x} {whens} ELSE NULL::VARCHAR END)"

        f.read, f.note = listed(0), listed(1)
        f.value = f"coalesce({f.read}, {x})"
        return
    frame = pd.DataFrame(
        {"src": pd.Series(texts, dtype=object), "out": out.astype(object),
         "note": note.astype(object)}
    )  # fmt: skip
    f.lookup = engine.from_frame("values", frame)
    f.read = f"{f.var}_l.out"
    f.value = f"coalesce({f.read}, m.{f.var})"
    f.note = f"{f.var}_l.note"
