"""Quality checks over the six dimensions of the UK Government Data Quality Framework.

Every failing row is kept with its dimension, field, value and a plain-language reason, and
whether it was left out of the published data. Scores are the share of rows with no problem in
that dimension (1.0 = no problems). A restricted table's failing rows are never published: they
are reported by table, dimension, field and reason, with how many rows, without their values
(`restricted_issues`). A number is read with certainty or reported: a whole number too large
for a float to hold exactly (2**53 or more) is published blank, never rounded (`_too_large`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from string import Formatter

import numpy as np
import pandas as pd

from daas.beacon import schema, values
from daas.beacon.load import NOTE, ROW
from daas.core.big import BigTable
from daas.core.i18n import N_, _

DIMENSIONS = ("accuracy", "completeness", "uniqueness", "consistency", "timeliness", "validity")
# addresses that name no place: a map cannot show them, and they are not published as addresses
PLACEHOLDER_ADDRESS = re.compile(
    r"[\W_]+|(?:multiple|various|several|scattered)(?: sites?| addresses| locations| buildings)?"
    r"|confidential|confidencial|redacted|withheld|address withheld|not disclosed|undisclosed"
    r"|unknown|n/?a|none|null|tb[ad]|to be (?:determined|announced)|desconocid[oa]"
    r"|desconhecid[oa]|sin direcci[oó]n|sem endere[cç]o"
    r"|v[aá]ri[oa]s(?: direcciones| endere[cç]os)?",
    re.IGNORECASE,
)
# A check's reason is published in English (`quality_issues.reason`), with its field's name
# (and any other value) filled in. Each is a template marked with N_, so a page can say a
# published reason in its reader's language (`reason_shown`); a recipe lists its own templates
# in `Recipe.reasons`.
NOT_A_NUMBER = N_("{field} is not a number")
TOO_LARGE = N_("{field} is too large to be a count")
INEXACT = N_("{field} has too many digits to be read exactly")
BELOW = N_("{field} is below {limit}")
ABOVE = N_("{field} is above {limit}")
NOT_A_DATE = N_("{field} is not a date we can read")
NOT_ONE_OF = N_("{field} must be one of: {values}")
EMPTY = N_("{field} is empty")
PLACEHOLDER_DATE = N_(
    "{field} is a placeholder for 'never' or 'unknown', not a real date: published blank"
)
PLACEHOLDER_VALUE = N_("{field} is a placeholder for 'unknown', not a value: published blank")
PERIOD = N_(
    "{field} is a number of years typed into a date cell (counted from a spreadsheet's day "
    "zero, 30 Dec 1899), not a real date: published blank"
)
AMBIGUOUS = N_(
    "{field} reads as two different numbers (is the comma or the dot the decimal mark?): "
    "declare `decimal` in the mapping"
)
NO_STREET_ADDRESS = N_(
    "the address is a placeholder, not a street address: published blank, and the home is "
    "not placed on the map"
)
UNKNOWN_PLACE = N_("not one of the city's neighbourhoods (a typo?)")
OUTSIDE = N_("the location is outside the city")
NO_LOCATION = N_("no location: not shown on the map")
EXACT_COPY = N_("an exact copy of an earlier row")
SAME_KEY = N_("the same key as an earlier row, with different values")
REASONS = (NOT_A_NUMBER, TOO_LARGE, INEXACT, BELOW, ABOVE, NOT_A_DATE, NOT_ONE_OF, EMPTY,
           PLACEHOLDER_DATE, PLACEHOLDER_VALUE, PERIOD, AMBIGUOUS, NO_STREET_ADDRESS,
           UNKNOWN_PLACE, OUTSIDE, NO_LOCATION, EXACT_COPY, SAME_KEY)  # fmt: skip
CODE_VALUES = ("field", "values")  # a template's values that are names: shown as code
# A float holds every whole number below 2**53 exactly, and no larger one for certain
# (9007199254740993 reads as ...992): an integer field's value this large, or a number field's
# written out in full (without an exponent), is reported and published blank (`_too_large`).
EXACT = 2**53

ISSUE_COLUMNS = ["table", "row", "dimension", "field", "value", "reason", "excluded"]
REPORTED_COLUMNS = ["table", "dimension", "field", "reason", "excluded"]  # no row, no value


@dataclass
class Context:
    """What the checks compare against."""

    as_of: date
    neighbourhoods: list[str] | None = None  # the city's names; None skips the check
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    timezone: str = "UTC"  # the city's IANA zone: date-times without an offset are local there


@dataclass
class TableQuality:
    table: str
    rows: int
    clean: pd.DataFrame | BigTable  # a big table stays in DuckDB (`daas.core.big`)
    issues: pd.DataFrame
    scores: dict[str, float] = field(default_factory=dict)
    unknown_dates: int = 0  # placeholder dates (12-30-3799, 1939-12-30) published blank

    @property
    def excluded(self) -> int:
        return self.rows - len(self.clean)


class Issues:
    """The failing rows of one table, by dimension; `add` one check's failures."""

    def __init__(self, table: str, df: pd.DataFrame):
        self.table, self.df = table, df
        self.parts: list[pd.DataFrame] = []
        self.drop = np.zeros(len(df), dtype=bool)
        self.failed = {d: np.zeros(len(df), dtype=bool) for d in DIMENSIONS}

    def add(self, mask, dimension: str, fld: str, reason: str, values=None, exclude=False):
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.failed[dimension] |= mask
        if exclude:
            self.drop |= mask
        vals = values if values is not None else self.df.get(fld, "")
        vals = pd.Series(vals, index=self.df.index)[mask]
        if pd.api.types.is_datetime64_any_dtype(vals):
            vals = vals.dt.strftime("%Y-%m-%d")  # only the failing rows: fast on big tables
        vals = vals.astype(str)
        self.parts.append(
            pd.DataFrame(
                {
                    "table": self.table,
                    "row": self.df.loc[mask, ROW].to_numpy(),
                    "dimension": dimension,
                    "field": fld,
                    "value": vals.to_numpy(),
                    "reason": reason,
                    "excluded": bool(exclude),
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=ISSUE_COLUMNS)
        return pd.concat(self.parts, ignore_index=True).sort_values(
            ["row", "dimension", "field"], kind="stable", ignore_index=True
        )


def parse_dates(text: pd.Series) -> pd.Series:
    """`YYYY-MM-DD` text (as `daas.beacon.load` writes every date it reads with certainty) as
    dates; any other text is NaT. Each distinct text is parsed once."""
    codes, uniq = pd.factorize(text, sort=False)
    days = pd.to_datetime(pd.Series(uniq, dtype=object), format="%Y-%m-%d", errors="coerce")
    stamps = days.astype("datetime64[s]").to_numpy()
    out = np.append(stamps, np.datetime64("NaT", "s"))[codes]
    return pd.Series(out, index=text.index)


def _numbers(text: pd.Series) -> pd.Series:
    """Numbers from text, allowing `$1,250`-style values; each distinct text parsed once."""
    codes, uniq = pd.factorize(text, sort=False)
    u = pd.Series(uniq, dtype=object)
    num = pd.to_numeric(u, errors="coerce")
    retry = num.isna() & u.ne("")
    if retry.any():
        cleaned = u[retry].str.replace(r"[$€£\s]", "", regex=True)
        num[retry] = pd.to_numeric(cleaned, errors="coerce")
    return pd.Series(num.to_numpy(dtype=float)[codes], index=text.index)


def _too_large(num: pd.Series, text: pd.Series, integer: bool) -> np.ndarray:
    """The finite numbers of 2**53 or more, either sign (`EXACT`), that cannot be read with
    certainty: in an integer field every one (too large to be a count, and a float rounds it),
    in a number field those written out in full, without an exponent (a float would publish
    another number than the export's; `9e20` says no more than a float holds)."""
    values = num.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        large = np.isfinite(values) & (np.abs(values) >= EXACT)
    if integer or not large.any():
        return large
    return large & ~text.str.contains("[eE]", regex=True).to_numpy(dtype=bool)


def check(table: str, df: pd.DataFrame | BigTable, ctx: Context) -> TableQuality:
    """Type, check and clean one mapped table (text columns plus `_row`): the schema's types
    and constraints, the rules of the recipe that has the table, then duplicates. A big table
    (`daas.core.big.BigTable`) is checked in DuckDB (`daas.beacon.big.quality.check`)."""
    from daas.beacon.recipes import for_table

    if isinstance(df, BigTable):
        from daas.beacon.big import quality as big

        return big.check(table, df, ctx)

    fields = schema.fields(table)
    issues = Issues(table, df)
    typed = pd.DataFrame({ROW: df[ROW].to_numpy()}, index=df.index)
    unknown_dates, unplaced = 0, np.zeros(len(df), dtype=bool)
    for name, spec in fields.items():
        text = df[name].astype(str)  # already stripped by the mapping
        noted = _noted(df, name, spec, text, issues)
        if name == "address":
            unplaced = _placeholder_address(text, noted, issues)
            noted |= unplaced
        if spec["type"] == "date":
            unknown_dates += int(noted.sum())
        text = text.where(~noted, "")
        blank = pd.Series(text.to_numpy(dtype=object) == "", index=text.index)
        cons = spec.get("constraints", {})
        if spec["type"] in ("number", "integer"):
            num = _numbers(text)
            bad = num.isna() & ~blank
            if spec["type"] == "integer":
                bad |= num.notna() & (num % 1 != 0)
            reason = NOT_A_NUMBER.format(field=name)
            issues.add(bad, "validity", name, reason, text, cons.get("required"))
            num = num.where(~bad)
            large = _too_large(num, text, spec["type"] == "integer")
            said = (TOO_LARGE if spec["type"] == "integer" else INEXACT).format(field=name)
            issues.add(large, "validity", name, said, text, cons.get("required"))
            num = num.where(~large)
            for key, op, said in (("minimum", np.less, BELOW), ("maximum", np.greater, ABOVE)):
                if key in cons:
                    out = op(num, cons[key]).fillna(False).to_numpy()
                    issues.add(
                        out,
                        "validity",
                        name,
                        said.format(field=name, limit=cons[key]),
                        text,
                        cons.get("required"),
                    )
                    num = num.where(~out)
            typed[name] = num.astype("Int64") if spec["type"] == "integer" else num
        elif spec["type"] == "date":
            parsed = parse_dates(text)
            bad = parsed.isna() & ~blank
            issues.add(bad, "validity", name, NOT_A_DATE.format(field=name), text)
            typed[name] = parsed
        else:
            value = text.astype("string").where(~blank)
            if "enum" in cons:
                bad = value.notna() & ~value.isin(cons["enum"])
                issues.add(
                    bad,
                    "validity",
                    name,
                    NOT_ONE_OF.format(field=name, values=", ".join(cons["enum"])),
                    text,
                    cons.get("required"),
                )
                value = value.where(~bad)  # <NA>, the string dtype's missing value
            typed[name] = value
        if cons.get("required"):
            missing = typed[name].isna().to_numpy() & blank.to_numpy() & ~noted
            issues.add(missing, "completeness", name, EMPTY.format(field=name), text, True)
    recipe = for_table(table)
    recipe.table_checks(table, typed, issues, ctx, unplaced)
    _duplicates(typed, issues, recipe.keys[table])
    clean = typed[~issues.drop].drop(columns=[ROW]).reset_index(drop=True)
    n = max(len(df), 1)
    scores = {d: round(float(1 - issues.failed[d].sum() / n), 4) for d in DIMENSIONS}
    return TableQuality(table, len(df), clean, issues.frame(), scores, unknown_dates)


def _noted(df: pd.DataFrame, name: str, spec: dict, text: pd.Series, issues: Issues) -> np.ndarray:
    """Rows whose value the loader could not read as a value (a placeholder, a period typed as
    a date, an ambiguous number): each reported, and the value published blank."""
    col = NOTE + name
    if col not in df:
        return np.zeros(len(df), dtype=bool)
    note = df[col].fillna("").to_numpy(dtype=object)
    required = bool(spec.get("constraints", {}).get("required"))
    is_date = spec["type"] == "date"
    reasons = {
        values.NOTE_PLACEHOLDER: PLACEHOLDER_DATE if is_date else PLACEHOLDER_VALUE,
        values.NOTE_PERIOD: PERIOD,
        values.NOTE_AMBIGUOUS: AMBIGUOUS,
    }
    for kind, reason in reasons.items():
        dimension = "validity" if kind == values.NOTE_AMBIGUOUS else "completeness"
        said = reason.format(field=name)
        issues.add(note == kind, dimension, name, said, text, exclude=required)
    return note != ""


def _placeholder_address(text: pd.Series, noted: np.ndarray, issues: Issues) -> np.ndarray:
    """Addresses that name no place (`Multiple Addresses`, `----`, `CONFIDENTIAL`, or declared
    in the mapping): reported, published blank, and their rows kept off the map."""
    codes, uniq = pd.factorize(text, sort=False)
    hit = np.array([u != "" and bool(PLACEHOLDER_ADDRESS.fullmatch(u)) for u in uniq] + [False])
    found = hit[codes] & ~noted
    issues.add(
        found,
        "validity",
        "address",
        NO_STREET_ADDRESS,
        text,
    )
    return found | noted


def known_places(t: pd.DataFrame, issues: Issues, ctx: Context, column: str) -> None:
    """Rows naming an area the city does not have (a typo?) are left out."""
    if ctx.neighbourhoods is None:
        return
    unknown = t[column].notna() & ~t[column].isin(ctx.neighbourhoods)
    issues.add(
        unknown,
        "consistency",
        column,
        UNKNOWN_PLACE,
        exclude=True,
    )


def locations(
    t: pd.DataFrame, issues: Issues, ctx: Context, unplaced: np.ndarray, lat: str, lon: str
) -> None:
    """Coordinates at (0, 0) or outside the city's map, or of a place the address does not
    name, are blanked (kept off the map); rows without coordinates are reported."""
    zero = (t[lat] == 0) & (t[lon] == 0)
    outside = zero.fillna(False)
    if ctx.bbox:
        w, s, e, n = ctx.bbox
        outside |= (
            t[lat].notna() & t[lon].notna() & ~(t[lat].between(s, n) & t[lon].between(w, e))
        ).fillna(False)
    issues.add(outside, "accuracy", lat, OUTSIDE, t[lat])
    outside |= unplaced  # a place the address does not name is not a precise location
    t.loc[outside, [lat, lon]] = np.nan
    no_coords = (t[lat].isna() | t[lon].isna()) & ~outside
    issues.add(no_coords, "completeness", lat, NO_LOCATION, "")


def _duplicates(t: pd.DataFrame, issues: Issues, keys: list[str]) -> None:
    """Exact copies of an earlier row, then rows repeating an earlier row's `keys`."""
    alive = ~issues.drop
    no_keys = t[keys].isna().all(axis=None)
    # an exact copy shares its keys with an earlier row: only rows whose keys repeat are
    # compared in every column (most rows of a large export are not)
    # the keys as codes once (missing values match each other, as in `duplicated`)
    key_codes = pd.DataFrame({k: pd.factorize(t[k])[0] for k in keys}, index=t.index)
    every = np.ones(len(t), dtype=bool)
    candidates = every if no_keys else key_codes.duplicated(keep=False).to_numpy()
    exact = _repeated(t.loc[candidates, [c for c in t.columns if c != ROW]], candidates) & alive
    issues.add(exact, "uniqueness", "", EXACT_COPY, "", exclude=True)
    alive &= ~exact
    if no_keys:
        return
    issues.add(
        _repeated(key_codes.loc[alive], alive),
        "uniqueness",
        "+".join(keys),
        SAME_KEY,
        "",
        exclude=True,
    )


def _repeated(rows: pd.DataFrame, where: np.ndarray) -> np.ndarray:
    """Over the whole table, the rows (of `rows`, the table's rows at `where`) equal in every
    column to an earlier one; missing values match each other."""
    out = np.zeros(len(where), dtype=bool)
    out[np.flatnonzero(where)[rows.duplicated(keep="first").to_numpy()]] = True
    return out


def overall(results: list[TableQuality]) -> dict[str, float]:
    """Row-weighted scores over every table."""
    total = sum(r.rows for r in results) or 1
    return {d: round(sum(r.scores[d] * r.rows for r in results) / total, 4) for d in DIMENSIONS}


def restricted_issues(results: list[TableQuality]) -> list[dict]:
    """The failing rows of restricted tables, as the run record lists them (the published
    pages do not): one entry per table, dimension, field, reason and whether the rows were left
    out, with how many `rows`; their values and row numbers stay with the city."""
    frames = [r.issues for r in results if schema.is_restricted(r.table) and len(r.issues)]
    if not frames:
        return []
    counts = pd.concat(frames, ignore_index=True).groupby(REPORTED_COLUMNS).size()
    return counts.rename("rows").reset_index().to_dict("records")


def reason_shown(reason: str) -> str:
    """A published reason (English) in the reader's language, its field's name and listed
    values as code (`affordability_end` is…); a reason no template gives, as it is."""
    for pattern, template in _reason_patterns():
        if found := pattern.fullmatch(reason):
            filled = {
                k: ", ".join(f"`{v}`" for v in found[k].split(", "))
                if k in CODE_VALUES
                else found[k]
                for k in pattern.groupindex
            }
            return _(template).format(**filled)
    return reason


@cache
def _reason_patterns() -> list[tuple[re.Pattern[str], str]]:
    """Each reason template (the shared ones, then every recipe's) as a pattern matching the
    reasons it gives; the templates with the most fixed text first."""
    from daas.beacon.recipes import all as every_recipe

    templates = dict.fromkeys([*REASONS, *(t for r in every_recipe() for t in r.reasons)])
    return sorted(((_pattern(t), t) for t in templates), key=lambda p: -len(_fixed_text(p[1])))


def _pattern(template: str) -> re.Pattern[str]:
    parts = Formatter().parse(template)
    return re.compile(
        "".join(
            re.escape(text) + (f"(?P<{name}>.+?)" if name else "") for text, name, *_rest in parts
        )
    )


def _fixed_text(template: str) -> str:
    return "".join(text for text, *_rest in Formatter().parse(template))


def statement(results: list[TableQuality], city_name: str) -> str:
    """A plain-language quality statement, in the reader's language (`daas.beacon.statement`)."""
    from daas.beacon import statement as said

    return said.render(said.facts(results), city_name)
