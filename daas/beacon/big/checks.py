"""The `Checks` builder: the quality checks of a big table as one SQL SELECT (`quality.check`).

`Checks` builds the SELECT over the mapped table layer by layer: a typed column or a failing-row
flag is an SQL expression over the layer below. The shared checks come first (`Checks.shared`),
then the recipe's own rules (`Recipe.table_checks_big`, given the same `Checks`). `write` puts
the SELECT into the work table that `daas.beacon.big.quality` turns into issues and the clean
table; how the two modules work together is in that module's docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from daas.beacon import quality, schema, values
from daas.beacon.big.load import MappedView
from daas.beacon.big.zones import US, offset_text, tree, zone_runs
from daas.beacon.load import NOTE, ROW
from daas.core.big import BigTable, literal, quoted

# the schema field types typed in SQL, and the dtype each has in the plain path's clean frame
SQL_TYPES = {
    "string": "string",
    "datetime": "string",
    "number": "float64",
    "integer": "Int64",
    "date": "datetime64[s]",  # held as TIMESTAMP (`df()` gives the plain path's seconds)
}
TEXT = "_text:"  # the mapped text of a field
BLANKED = "_blanked:"  # the text, blank where the loader noted the value
NOTED = "_noted:"
NUMBER = "_number:"
POS = "_pos"  # the row's position in the mapped table (`position`: its rowid, or `_row`)
DROP = "_drop"
MASK = "_mask"  # the work table's flags, 62 to a BIGINT
BITS = 62
DIGITLESS = "[0-9]"  # an address with a digit is never a placeholder (PLACEHOLDER_ADDRESS)
# the numbers DuckDB's cast reads as `quality._numbers` does (any other text is read by it)
PLAIN_NUMBER = r"-?[0-9]+(\.[0-9]+)?|-?\.[0-9]+"
# the dates DuckDB's strptime reads as `quality.parse_dates` does, when it reads them at all
# (any other text is read by it: `Known.dates`)
PLAIN_DATE = r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}"
DATE_FORMAT = "%Y-%m-%d"
MAX_LISTED = 200  # values Python decided written into the SQL (more are joined in)
ISO_AWARE = "%Y-%m-%dT%H:%M:%S%z"  # 25 characters: `2025-03-01T08:15:00-03:00`
ISO_LOCAL = "%Y-%m-%dT%H:%M:%S"  # 19
ISO_DAY = "%Y-%m-%d"  # 10


def position(mapped: BigTable) -> str:
    """SQL of what numbers the mapped table's rows in order: its `rowid`, or a view's own
    column (`load.MappedView.position`, a view has no rowid)."""
    return mapped.position if isinstance(mapped, MappedView) else "rowid"


@dataclass
class Flag:
    """One check's failing rows: a BOOLEAN column of the work table."""

    column: str
    order: tuple  # where the plain path adds it (ties in the issues' sort keep this order)
    dimension: str
    field: str
    reason: str
    exclude: bool
    text: str | None  # the field whose mapped text is the value; None: ""
    number: str | None = None  # a DOUBLE column holding the value instead
    value: str | None = None  # a VARCHAR column holding the value instead


@dataclass
class Known:
    """What Python decided on distinct values (`check`'s first pass asks)."""

    placeholders: list[str] = field(default_factory=list)
    numbers: dict[str, dict[str, float]] = field(default_factory=dict)  # field: text -> number
    dates: dict[str, dict[str, pd.Timestamp | None]] = field(default_factory=dict)  # text -> day
    datetimes: pd.DataFrame | None = None  # text -> instant (epoch µs), local text


class Checks:
    """The SELECT typing and checking one mapped big table, built layer by layer.

    `cols` maps each column of the current layer to its SQL expression over the layer below;
    `col(name)` is that expression, `put` replaces it, `layer()` makes the current columns a
    subquery so later expressions read them by name. `add` adds a check's failing rows."""

    def __init__(self, table: str, mapped: BigTable, ctx: quality.Context, known: Known) -> None:
        self.table, self.mapped, self.ctx, self.known = table, mapped, ctx, known
        self.engine = mapped.engine
        self.fields = schema.fields(table)
        self.names = set(mapped.columns)
        self.position = position(mapped)
        self.cols: dict[str, str] = {POS: f"m.{self.position}", ROW: f"m.{quoted(ROW)}"}
        for name in self.fields:
            self.cols[TEXT + name] = f"coalesce(m.{quoted(name)}, '')"
            if NOTE + name in self.names:
                self.cols[NOTE + name] = f"coalesce(m.{quoted(NOTE + name)}, '')"
        self.source = f"{mapped.sql} AS m"
        self.depth = 0
        self.flags: list[Flag] = []
        self.asks: dict[str, list[tuple[str, str]]] = {"datetimes": []}
        self.lookups: list[str] = []  # temporary tables joined in (the rows are then sorted)
        self.sorted = False  # whether the rows must be sorted anyway (`over_table`)
        self.unplaced = "FALSE"  # rows whose address names no place
        # the recipe's pandas rules for the date-times SQL leaves to them (`instants`)
        self._datetime_rules: tuple[str, Callable, Callable] | None = None

    # building the SELECT
    def col(self, name: str) -> str:
        return f"({self.cols[name]})"

    def put(self, name: str, expr: str) -> None:
        self.cols[name] = expr

    def layer(self) -> None:
        select = ", ".join(f"{e} AS {quoted(n)}" for n, e in self.cols.items())
        self.depth += 1
        self.source = f"(SELECT {select} FROM {self.source}) AS s{self.depth}"
        self.cols = {n: quoted(n) for n in self.cols}

    def add(
        self,
        cond: str,
        dimension: str,
        fld: str,
        reason: str,
        *,
        exclude: bool = False,
        blank: bool = False,
        number: str | None = None,
        value: str | None = None,
        order: tuple | None = None,
    ) -> None:
        """A check's failing rows (`cond`), as `quality.Issues.add`: the value is the mapped
        text of `fld` (or "" when `blank` or the table has no such field, or the DOUBLE
        `number` written as pandas writes a float, or the VARCHAR `value`)."""
        k = len(self.flags)
        column = f"_flag{k}"
        self.cols[column] = f"coalesce({cond}, FALSE)"
        num = text_value = None
        if number is not None:
            num = f"_value{k}"
            self.cols[num] = f"CASE WHEN {self.col(column)} THEN {number} END"
        if value is not None:
            text_value = f"_text{k}"
            self.cols[text_value] = f"CASE WHEN {self.col(column)} THEN {value} END"
        text = None if blank or value is not None or fld not in self.fields else fld
        place = order or (len(self.fields), k)
        self.flags.append(Flag(column, place, dimension, fld, reason, bool(exclude), text, num,
                               text_value))  # fmt: skip

    def _lookup(self, stem: str, frame: pd.DataFrame) -> str:
        """`frame` as a temporary table to join (its columns' names unique in the query)."""
        name = self.engine.name(f"_lookup_{stem}")
        self.engine.con.register("_known", frame)
        try:
            self.engine.execute(f"CREATE TEMP TABLE {quoted(name)} AS SELECT * FROM _known")
        finally:
            self.engine.con.unregister("_known")
        self.lookups.append(name)
        return quoted(name)

    # the shared checks (`quality.check`)
    def shared(self) -> None:
        """The schema's types and constraints, as `quality.check` checks them."""
        notes = self._notes_present()
        for i, (name, spec) in enumerate(self.fields.items()):
            text = self.col(TEXT + name)
            required = bool(spec.get("constraints", {}).get("required"))
            noted = "FALSE"
            if NOTE + name in self.cols:
                note = self.col(NOTE + name)
                noted = f"({note} <> '')"
                is_date = spec["type"] == "date"
                reasons = {
                    values.NOTE_PLACEHOLDER: quality.PLACEHOLDER_DATE
                    if is_date
                    else quality.PLACEHOLDER_VALUE,
                    values.NOTE_PERIOD: quality.PERIOD,
                    values.NOTE_AMBIGUOUS: quality.AMBIGUOUS,
                }
                for j, (kind, reason) in enumerate(reasons.items()):
                    if kind in notes.get(name, ()):
                        dim = "validity" if kind == values.NOTE_AMBIGUOUS else "completeness"
                        self.add(f"{note} = {literal(kind)}", dim, name,
                                 reason.format(field=name), exclude=required,
                                 order=(i, 0, j))  # fmt: skip
            if name == "address":
                found = "FALSE"
                if self.known.placeholders:
                    listed = ", ".join(map(literal, self.known.placeholders))
                    found = f"(list_contains([{listed}], {text}) AND NOT {noted})"
                    self.add(found, "validity", "address", quality.NO_STREET_ADDRESS,
                             order=(i, 1))  # fmt: skip
                self.unplaced = f"({found} OR {noted})"
                noted = self.unplaced
            self.put(NOTED + name, noted)
            self.put(BLANKED + name, f"CASE WHEN {noted} THEN '' ELSE {text} END")
        self.put("_unplaced", self.unplaced)
        self.layer()
        for i, (name, spec) in enumerate(self.fields.items()):
            blanked = self.col(BLANKED + name)
            cons = spec.get("constraints", {})
            required = cons.get("required")
            if spec["type"] in ("number", "integer"):
                self.put(NUMBER + name, self._number(name, blanked))
            elif spec["type"] == "date":
                self.put(NUMBER + name, self._date(name, blanked))
            else:
                value = f"CASE WHEN {blanked} = '' THEN NULL ELSE {blanked} END"
                if "enum" in cons:
                    listed = ", ".join(map(literal, cons["enum"]))
                    bad = f"({value} IS NOT NULL AND NOT list_contains([{listed}], {value}))"
                    said = quality.NOT_ONE_OF.format(field=name, values=", ".join(cons["enum"]))
                    self.add(bad, "validity", name, said, exclude=required, order=(i, 2))
                    value = f"CASE WHEN {bad} THEN NULL ELSE {value} END"
                self.put(name, value)
            if required:
                missing = f"({blanked} = '' AND NOT {self.col(NOTED + name)})"
                self.add(missing, "completeness", name, quality.EMPTY.format(field=name),
                         exclude=True, order=(i, 9))  # fmt: skip
        self.layer()
        for i, (name, spec) in enumerate(self.fields.items()):
            if spec["type"] not in ("number", "integer", "date"):
                continue
            num, blanked = self.col(NUMBER + name), self.col(BLANKED + name)
            cons = spec.get("constraints", {})
            required = cons.get("required")
            bad = f"({num} IS NULL AND {blanked} <> '')"
            if spec["type"] == "date":  # not left out, even when required (as `quality.check`)
                self.add(bad, "validity", name, quality.NOT_A_DATE.format(field=name),
                         order=(i, 2))  # fmt: skip
                self.put(name, num)
                continue
            if spec["type"] == "integer":  # `num % 1 != 0` in pandas: infinities too
                bad = f"({bad} OR NOT isfinite({num}) OR {num} <> floor({num}))"
            self.add(bad, "validity", name, quality.NOT_A_NUMBER.format(field=name),
                     exclude=required, order=(i, 2))  # fmt: skip
            value = num if spec["type"] == "number" else f"CASE WHEN {bad} THEN NULL ELSE {num} END"
            # too large to read exactly (`quality._too_large`; never one of the `bad` above)
            large = f"(isfinite({num}) AND abs({num}) >= {float(quality.EXACT)!r})"
            said = quality.TOO_LARGE if spec["type"] == "integer" else quality.INEXACT
            if spec["type"] == "number":  # the text looked at only then
                large = f"(CASE WHEN {large} THEN NOT regexp_matches({blanked}, '[eE]') END)"
            self.add(large, "validity", name, said.format(field=name), exclude=required,
                     order=(i, 2, 1))  # fmt: skip
            value = num = f"CASE WHEN {large} THEN NULL ELSE {value} END"
            for j, (key, op, said) in enumerate(
                (("minimum", "<", quality.BELOW), ("maximum", ">", quality.ABOVE))
            ):
                if key in cons:
                    out = f"({num} {op} {float(cons[key])!r})"
                    self.add(out, "validity", name, said.format(field=name, limit=cons[key]),
                             exclude=required, order=(i, 3 + j))  # fmt: skip
                    value = f"CASE WHEN {out} THEN NULL ELSE {value} END"
            self.put(name, value if spec["type"] == "number" else f"TRY_CAST({value} AS BIGINT)")
        self.layer()

    def _years(self, fields: Sequence[str]) -> tuple[int, int]:
        """The first and last year (1900-2199) the texts of `fields` begin with: a year that is
        not one reads as the range's end. A view's first and last texts were found while
        mapping (`load.MappedView.ends`); a table's are asked. (They only bound the days SQL
        reads: a value outside them is read by Python.)"""
        known = self.mapped.ends if isinstance(self.mapped, MappedView) else {}
        if all(f in known for f in fields):  # found while mapping
            ends = tuple(v for f in fields for v in known[f])
        else:
            parts = []
            for f in fields:
                t = quoted(f)
                parts += [f"min({t}) FILTER (WHERE {t} >= '1900')",
                          f"max({t}) FILTER (WHERE {t} < '2200')"]  # fmt: skip
            found = self.engine.execute(f"SELECT {', '.join(parts)} FROM {self.mapped.sql}")
            ends = found.fetchall()[0]
        firsts = [int(v[:4]) if v[:4].isdigit() else 1900 for v in ends[::2] if v]
        lasts = [int(v[:4]) if v[:4].isdigit() else 2199 for v in ends[1::2] if v]
        if not firsts or not lasts:
            return 2000, 2000
        lo, hi = min(firsts), max(lasts)
        return min(lo, hi), max(lo, hi)

    def _notes_present(self) -> dict[str, set[str]]:
        """The kinds of note each noted field has."""
        cols = [NOTE + n for n in self.fields if NOTE + n in self.names]
        if not cols:
            return {}
        parts = " UNION ALL ".join(
            f"SELECT DISTINCT {literal(c.removeprefix(NOTE))} AS f, {quoted(c)} AS k "
            f"FROM {self.mapped.sql}"
            for c in cols
        )
        rows = self.engine.execute(parts).fetchall()
        out: dict[str, set[str]] = {}
        for f, k in rows:
            out.setdefault(f, set()).add(k or "")
        return out

    def _number(self, name: str, blanked: str) -> str:
        """A number from text, as `quality._numbers` reads it: a plain decimal
        (`PLAIN_NUMBER`) by DuckDB's cast, any other text as `quality._numbers` reads it
        (asked once per distinct text before the SQL is written: `Known.numbers`)."""
        known = self.known.numbers.get(name, {})
        nums = [None if np.isnan(v) else v for v in known.values()]
        sql = {t: _double(v) for t, v in known.items()}
        return self._read(name, blanked, f"TRY_CAST({blanked} AS DOUBLE)", sql,
                          pd.array(nums, "Float64"))  # fmt: skip

    def _date(self, name: str, blanked: str) -> str:
        """A date (TIMESTAMP) from text, as `quality.parse_dates` reads it: `PLAIN_DATE` by
        DuckDB's strptime, any other text as `parse_dates` reads it (asked once per distinct
        text before the SQL is written: `Known.dates`)."""
        known = self.known.dates.get(name, {})
        days = [pd.NaT if d is None else d for d in known.values()]
        sql = {t: _timestamp(d) for t, d in known.items()}
        return self._read(name, blanked, f"try_strptime({blanked}, '{DATE_FORMAT}')", sql,
                          pd.Series(days, dtype="datetime64[us]"))  # fmt: skip

    def _read(
        self, name: str, blanked: str, plain: str, known: dict[str, str], values: object
    ) -> str:
        """SQL reading a field's text: NULL when blank, `plain` but for the texts Python
        decided (`known`: text -> its value as SQL, listed in the SQL when few; `values`: the
        same values in that order, joined in when many)."""
        if not known:
            return f"CASE WHEN {blanked} = '' THEN NULL ELSE {plain} END"
        if len(known) <= MAX_LISTED:
            whens = " ".join(f"WHEN {literal(t)} THEN {v}" for t, v in known.items())
            return (
                f"CASE WHEN {blanked} = '' THEN NULL ELSE (CASE {blanked} {whens} ELSE "
                f"{plain} END) END"
            )
        frame = pd.DataFrame({f"_k_{name}": list(known), f"_v_{name}": values})
        lk = self._lookup("known", frame)
        self.source += f" LEFT JOIN {lk} ON {lk}.{quoted('_k_' + name)} = {blanked}"
        return (
            f"CASE WHEN {blanked} = '' THEN NULL WHEN {quoted('_k_' + name)} IS NOT NULL THEN "
            f"{quoted('_v_' + name)} ELSE {plain} END"
        )

    # helpers for a recipe's rules
    def instants(
        self,
        fields: Sequence[str],
        zone: str,
        python: Callable[[pd.Series, str], pd.Series],
        local_text: Callable[[pd.Series, str], pd.Series],
    ) -> dict[str, tuple[str, str]]:
        """ISO 8601 text columns as UTC instants and as text in `zone`, as the recipe's pandas
        `python(text, zone)` (UTC instants) and `local_text(instants, zone)` give them; for
        each field, the names of its instant column (epoch microseconds, BIGINT) and its
        local text column. SQL reads `2025-03-01T08:15:00-03:00`, `2025-03-01T08:15:00` and
        `2025-03-01` (years 1900-2199; a time without an offset is local time) where the zone
        has one offset for two days around, or one change of offset as `zone_runs` says;
        `python` decides every other value."""
        bounds, runs = zone_runs(zone, *self._years(fields))
        changes = [r for r in runs if r and r.change is not None]
        offsets = sorted(
            {o for r in runs if r for o in (r.offset, r.before, r.after) if o is not None}
        )
        whens = " ".join(f"WHEN {o} THEN {literal(offset_text(o))}" for o in offsets)

        def written(off: str) -> str:
            return f"(CASE {off} {whens} END)" if whens else "NULL::VARCHAR"

        def leaf(pick) -> list[str]:
            return ["NULL" if r is None or pick(r) is None else str(pick(r)) for r in runs]

        known = self.known.datetimes
        lk = None
        if known is not None and len(known):
            lk = self._lookup("datetimes", known)
        for f in fields:
            t = self.col(f)
            self.put(f"_n:{f}", f"length({t})")
            self.put(f"_x:{f}", (
                f"CASE length({t}) WHEN 25 THEN epoch_us(try_strptime({t}, '{ISO_AWARE}')) "
                f"WHEN 19 THEN epoch_us(try_strptime({t}, '{ISO_LOCAL}')) "
                f"WHEN 10 THEN epoch_us(try_strptime({t}, '{ISO_DAY}')) END"
            ))  # fmt: skip
        self.layer()
        for f in fields:
            x = self.col(f"_x:{f}")
            self.put(f"_o:{f}", tree(x, bounds, leaf(lambda r: r.offset)))
            self.put(
                f"_c:{f}", tree(x, bounds, leaf(lambda r: r.change)) if changes else "NULL::BIGINT"
            )
        self.layer()
        for f in fields:
            c = self.col(f"_c:{f}")
            for name, pick in (("_b:", lambda r: r.before), ("_a:", lambda r: r.after)):
                cases = " ".join(f"WHEN {r.change} THEN {pick(r)}" for r in changes)
                self.put(name + f, f"CASE {c} {cases} END" if changes else "NULL::BIGINT")
        self.layer()
        for f in fields:
            n, x, o, c = (self.col(f"_n:{f}"), self.col(f"_x:{f}"), self.col(f"_o:{f}"),
                          self.col(f"_c:{f}"))  # fmt: skip
            b, a = f"{self.col(f'_b:{f}')}::BIGINT * {US}", f"{self.col(f'_a:{f}')}::BIGINT * {US}"
            # a local time near a change: the reading after it when both are real, the change's
            # instant when it skips the time
            near = (
                f"CASE WHEN {x} - {a} >= {c} THEN {x} - {a} WHEN {x} - {b} < {c} THEN {x} - {b} "
                f"ELSE {c} END"
            )
            self.put(f"_u:{f}", (
                f"CASE WHEN {n} = 25 THEN (CASE WHEN {o} IS NOT NULL OR {c} IS NOT NULL "
                f"THEN {x} END) WHEN {o} IS NOT NULL THEN {x} - {o}::BIGINT * {US} "
                f"WHEN {c} IS NOT NULL THEN {near} END"
            ))  # fmt: skip
        self.layer()
        for f in fields:
            u, o, c = self.col(f"_u:{f}"), self.col(f"_o:{f}"), self.col(f"_c:{f}")
            b, a = self.col(f"_b:{f}"), self.col(f"_a:{f}")
            self.put(f"_off:{f}", f"coalesce({o}, CASE WHEN {u} < {c} THEN {b} ELSE {a} END)")
        self.layer()
        for f in fields:
            self.put(f"_offtext:{f}", written(self.col(f"_off:{f}")))
        self.layer()
        for f in fields:
            t, n, u = self.col(f), self.col(f"_n:{f}"), self.col(f"_u:{f}")
            offtext = self.col(f"_offtext:{f}")
            # the text ends with the zone's offset: it is written as it is
            self.put(f"_same:{f}", f"({n} = 25 AND suffix({t}, {offtext}))")
            # an offset SQL reads and writes: the zone's, or a whole hour's up to 14
            self.put(f"_odd:{f}", (
                f"CASE WHEN {n} = 25 AND suffix({t}, {offtext}) THEN FALSE "
                f"WHEN {u} IS NULL THEN {t} IS NOT NULL "
                f"WHEN {n} = 25 THEN NOT (substr({t}, 21, 2) <= '14' AND suffix({t}, ':00')) "
                f"ELSE FALSE END"
            ))  # fmt: skip
        self.layer()
        out = {}
        for f in fields:
            t, x, off, n, u = (self.col(f), self.col(f"_x:{f}"), self.col(f"_off:{f}"),
                               self.col(f"_n:{f}"), self.col(f"_u:{f}"))  # fmt: skip
            offtext, same, odd = (self.col(f"_offtext:{f}"), self.col(f"_same:{f}"),
                                  self.col(f"_odd:{f}"))  # fmt: skip
            # NULL for a blank: x, u and every text joined to them are
            at = u
            shifted = f"{u} + {off}::BIGINT * {US}"  # the local time, as epoch µs
            local = (
                f"CASE WHEN {same} THEN {t} "
                f"WHEN {n} = 25 OR {shifted} <> {x} THEN "
                f"strftime(make_timestamp({shifted}), '{ISO_LOCAL}') || {offtext} "
                f"WHEN {n} = 19 THEN {t} || {offtext} "
                f"ELSE {t} || 'T00:00:00' || {offtext} END"
            )
            ask = odd
            if lk is not None:
                key = f"{lk}.{quoted('text')}"
                at = f"CASE WHEN {odd} THEN {lk}.{quoted('at')} ELSE {at} END"
                local = f"CASE WHEN {odd} THEN {lk}.{quoted('local')} ELSE {local} END"
                ask = f"({odd} AND {key} IS NULL)"
                # one join per field: the lookup's columns under names of their own
                alias = quoted(f"_lk_{f}")
                self.source += f" LEFT JOIN {lk} AS {alias} ON {alias}.{quoted('text')} = {t}"
                at = at.replace(f"{lk}.", f"{alias}.")
                local = local.replace(f"{lk}.", f"{alias}.")
                ask = ask.replace(f"{lk}.", f"{alias}.")
            self.put(f"_at:{f}", at)
            self.put(f"_local:{f}", local)
            self.put(f"_ask_datetime_{f}", ask)
            self.asks["datetimes"].append((f"_ask_datetime_{f}", f))
            out[f] = (f"_at:{f}", f"_local:{f}")
        self.layer()
        self._datetime_rules = (zone, python, local_text)
        return out

    def over_table(self, aggregate: str) -> str:
        """SQL for an aggregate over every row of the current layer (e.g. `min(x)`), beside
        each row: a window over the whole table (the rows are then sorted)."""
        self.sorted = True
        return f"({aggregate} OVER ())"

    def median(self, column: str) -> str:
        """SQL for `Series.median` of a DOUBLE column over every row (NULLs skipped): as
        numpy takes it, the middle value, or half the sum of the two middle ones."""
        x = self.col(column)
        low = self.over_table(f"quantile_disc({x}, 0.5)")
        high = self.over_table(f"-quantile_disc(-{x}, 0.5)")
        return f"CASE WHEN {low} = {high} THEN {low} ELSE ({low} + {high}) / 2 END"

    def known_places(self, column: str) -> None:
        """`quality.known_places`: rows naming an area the city does not have are left out."""
        if self.ctx.neighbourhoods is None:
            return
        value = self.col(column)
        listed = ", ".join(map(literal, self.ctx.neighbourhoods)) or "NULL"
        unknown = (
            f"({value} IS NOT NULL AND NOT coalesce(list_contains([{listed}], {value}), FALSE))"
        )
        self.add(unknown, "consistency", column, quality.UNKNOWN_PLACE, exclude=True)

    def locations(self, lat: str, lon: str) -> None:
        """`quality.locations`: coordinates at (0, 0), outside the city's map, or of a place the
        address does not name are blanked; rows without coordinates are reported."""
        y, x = self.col(lat), self.col(lon)
        outside = f"coalesce({y} = 0 AND {x} = 0, FALSE)"
        if self.ctx.bbox:
            w, s, e, n = self.ctx.bbox
            outside = (
                f"({outside} OR coalesce({y} IS NOT NULL AND {x} IS NOT NULL AND NOT "
                f"({y} BETWEEN {float(s)!r} AND {float(n)!r} AND {x} BETWEEN {float(w)!r} "
                f"AND {float(e)!r}), FALSE))"
            )
        self.add(outside, "accuracy", lat, quality.OUTSIDE, number=y)
        hidden = f"({outside} OR {self.col('_unplaced')})"
        self.add(f"(({y} IS NULL OR {x} IS NULL) AND NOT {hidden})", "completeness", lat,
                 quality.NO_LOCATION, blank=True)  # fmt: skip
        self.put(lat, f"CASE WHEN {hidden} THEN NULL ELSE {y} END")
        self.put(lon, f"CASE WHEN {hidden} THEN NULL ELSE {x} END")
        self.layer()

    # writing it
    def write(self) -> str:
        """The work table: the typed fields (schema order), then `_pos`, `_row`, the flags as
        bits of BIGINT masks (`MASK`: flag k is bit k % 62 of mask k // 62), their values,
        `_drop` and the first pass's questions; its rows are the mapped table's, in order. It
        becomes the clean table (`_finish`): written once, its helpers then dropped."""
        excluded = [quoted(f.column) for f in self.flags if f.exclude]
        drop = " OR ".join(excluded) or "FALSE"
        values = [*(f.number for f in self.flags if f.number),
                  *(f.value for f in self.flags if f.value)]  # fmt: skip
        asks = [a for pairs in self.asks.values() for a, _ in pairs]
        self.layer()
        select = [quoted(n) for n in self.fields] + [POS, quoted(ROW)]
        for j in range(0, len(self.flags), BITS):
            bits = [f"({quoted(f.column)}::BIGINT << {k % BITS})"
                    for k, f in enumerate(self.flags[j : j + BITS], start=j)]  # fmt: skip
            select.append(f"({' | '.join(bits)}) AS {quoted(MASK + str(j // BITS))}")
        select += [quoted(v) for v in values] + [f"({drop}) AS {DROP}"]
        select += [quoted(a) for a in asks]
        order = f" ORDER BY {POS}" if self.lookups or self.sorted else ""
        name = self.engine.name(f"checked_{self.table}")
        self.engine.execute(
            f"CREATE TEMP TABLE {quoted(name)} AS SELECT {', '.join(select)} "
            f"FROM {self.source}{order}"
        )
        return name

    def masks(self) -> list[str]:
        """The work table's mask columns."""
        return [MASK + str(j) for j in range((len(self.flags) + BITS - 1) // BITS)]

    def bit(self, k: int) -> str:
        """SQL: whether flag `k` is set, over the work table's masks."""
        return f"(({quoted(MASK + str(k // BITS))} >> {k % BITS}) & 1 = 1)"

    def asked(self, work: str) -> dict[str, set[str]]:
        """The distinct values the first pass left for Python to decide, by kind."""
        out: dict[str, set[str]] = {}
        for kind, pairs in self.asks.items():
            if not pairs:
                continue
            any_ask = " OR ".join(quoted(a) for a, _ in pairs)
            hit = self.engine.execute(
                f"SELECT {', '.join(f'bool_or({quoted(a)})' for a, _ in pairs)} "
                f"FROM {quoted(work)} WHERE {any_ask}"
            ).fetchall()[0]
            got: set[str] = set()
            for (ask, source), yes in zip(pairs, hit or (), strict=False):
                if not yes:
                    continue
                # the value asked about, from the mapped table (its text before typing)
                field_name = source.removeprefix(BLANKED)
                rows = self.engine.execute(
                    f"SELECT DISTINCT m.{quoted(field_name)} FROM {self.mapped.sql} AS m "
                    f"SEMI JOIN (SELECT {POS} FROM {quoted(work)} WHERE {quoted(ask)}) AS a "
                    f"ON m.{self.position} = a.{POS}"
                ).fetchall()
                got |= {r[0] for r in rows}
            if got:
                out[kind] = got
        return out

    def decide(self, asked: dict[str, set[str]]) -> None:
        """Python's answers for the values asked (the plain path's own code)."""
        if "datetimes" in asked:
            assert self._datetime_rules is not None
            zone, python, local_text = self._datetime_rules
            texts = sorted(asked["datetimes"])
            moments = python(pd.Series(texts, dtype=object), zone)
            local = local_text(moments, zone)
            us = moments.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
            at = pd.array(us.to_numpy().astype("int64"), dtype="Int64")
            at[us.isna().to_numpy()] = pd.NA
            written = local.astype(object).where(local.notna(), None)
            frame = pd.DataFrame({"text": texts, "at": at, "local": written})
            self.known.datetimes = _merged(self.known.datetimes, frame)


def _double(v: float) -> str:
    """A float as an SQL DOUBLE (NaN: NULL, as `quality._numbers` misses it)."""
    if np.isnan(v):
        return "NULL"
    return repr(float(v)) if np.isfinite(v) else f"{literal(str(v))}::DOUBLE"


def _timestamp(day: pd.Timestamp | None) -> str:
    """A day as an SQL TIMESTAMP (None: NULL)."""
    return "NULL" if day is None else f"TIMESTAMP {literal(day.isoformat(sep=' '))}"


def _merged(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    return new if old is None else pd.concat([old, new], ignore_index=True)
