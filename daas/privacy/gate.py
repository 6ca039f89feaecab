"""The privacy gate: the last check before anything is published.

`gate(tables)` looks at every table about to be written and fails, with plain reasons naming the
table and the column, when
- a column holds a direct identifier (an email, phone number, card number, person's name or
  national id; emails, phones, ids and cards are looked for in every value, and the reason gives
  their row numbers), unless the column is listed in `allowed_columns[table]` (e.g. a housing
  provider's public phone line), or
- with `addresses=True` (the Beacon), a column holds street addresses and is not declared in
  `public_columns[table]` as holding the addresses or names of places public by design
  (`PUBLIC_KINDS`: a housing inventory's buildings, the street places where service requests
  were reported), or
- with `locations=True` (the Beacon's input and published tables), a column holds exact
  coordinates (a location can point at a person's home) and is not declared as holding such
  places' locations (`LOCATION_KINDS`); a declared location column holds numbers only (any
  other text in it stops the gate, with its rows); a declared column is still checked for
  every other identifier, or
- a count column holds a positive count below `min_cell_size` that is not suppressed.

Count columns (`is_count_column`): whole-number columns whose name is `n`, `count`, `counts`,
`freq` or `frequency`, ends in `_count`, `_counts` or `_n`, starts with `n_`, `num_`,
`number_of_` or `count_`, or whose last word counts people or households: `households`,
`people`, `persons`, `residents`, `applicants`, `applications`, `tenants`, `families`,
`individuals`, `clients`, `users`, `respondents`, `cases`, `requests`, `complaints`, `visits`,
`listings`. Suppressed cells are <NA> (as written by `suppress_counts`), so any value present is
checked.

A `Memo` (one per publication run) remembers each column's scan by its name and its exact
content, so a column that reaches the gate again unchanged (the same values in the same rows,
as the export's columns reach the mapped and the published tables) is not scanned twice: its
values were all looked at, with the same result.

A table may be a big table held in DuckDB (`daas.core.big.BigTable`): the gate then reads its
text columns in SQL, each distinct value once (`daas.privacy.big`), with the same verdict and
the same reasons as on its rows as a pandas frame.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from daas.core.i18n import N_, _
from daas.privacy import identifiers as ids

if TYPE_CHECKING:
    from typing import TypeAlias

    from daas.core.big import BigTable
    from daas.privacy.big import TextColumn

    Table: TypeAlias = pd.DataFrame | BigTable  # a big table is checked in DuckDB

PEOPLE_WORDS = frozenset(
    [
        "households",
        "people",
        "persons",
        "residents",
        "applicants",
        "applications",
        "tenants",
        "families",
        "individuals",
        "clients",
        "users",
        "respondents",
        "cases",
        "requests",
        "complaints",
        "visits",
        "listings",
    ]
)
_COUNT_NAME_RE = re.compile(
    r"^(?:n|count|counts|freq|frequency)$|_(?:count|counts|n)$|^(?:n|num|number_of|count)_"
)
BLOCKING = {
    ids.EMAIL: N_("email addresses"),
    ids.PHONE: N_("phone numbers"),
    ids.PERSON_NAME: N_("people's names"),
    ids.CARD: N_("card numbers"),
}
# The other identifier types in plain words (their names with spaces, shown as `_(words)`).
OTHER_TYPES = (N_("street address"), N_("precise location"), N_("free text"))
# What a column declared public may hold: the addresses, names (often their address) or
# coordinates of places public by design, named for what they are: a housing inventory's
# buildings (`building-*`), the street places where service requests were reported
# (`street-*`). People's names, emails, phones, cards and ids are never accepted. The kinds are
# those of `daas.core.city.PublicColumn.KINDS`; each recipe accepts its own.
LOCATION_KINDS = ("building-location", "street-location")
PUBLIC_KINDS = {
    "building-address": frozenset({ids.STREET_ADDRESS}),
    "building-name": frozenset({ids.STREET_ADDRESS}),
    "building-location": frozenset({ids.PRECISE_LOCATION}),
    "street-address": frozenset({ids.STREET_ADDRESS}),
    "street-location": frozenset({ids.PRECISE_LOCATION}),
}
_NOT_A_NUMBER = "not_a_number"
_WORDS = {_NOT_A_NUMBER: N_("text that is not a number")}
_BLANKS = frozenset({"", "nan", "none", "n/a", "na", "null"})
Declared = str | Collection[str] | None  # a column's declared kind(s)
# (column, dtype, content) -> its scan; a big table's text columns: `daas.privacy.big.Scanned`
Memo = dict[tuple, object]
_TEXT_DTYPES = ("object", "str", "string")


def is_count_column(name: str, series: pd.Series | TextColumn) -> bool:
    """True for a whole-number column whose name says it counts people or things (see above)."""
    snake = "_".join(ids.name_tokens(name))
    named = bool(_COUNT_NAME_RE.search(snake)) or (
        bool(snake) and snake.split("_")[-1] in PEOPLE_WORDS
    )
    if not named:
        return False
    if not isinstance(series, pd.Series):  # a big table's text column
        return series.whole_numbers()
    values = pd.to_numeric(series, errors="coerce").dropna()
    if series.dropna().size and values.size < series.dropna().size:
        return False  # text in it: not a count column
    return bool((values % 1 == 0).all())


def describe_type(kind: str) -> str:
    """Plain words for an identifier type."""
    if kind.startswith("id:"):
        return _("national id numbers ({kind})").format(kind=kind[3:].replace("_", " ").upper())
    return _(BLOCKING.get(kind) or _WORDS.get(kind) or kind.replace("_", " "))


@dataclass
class GateResult:
    """The gate's verdict: `passed`, and the `reasons` when it did not."""

    passed: bool
    reasons: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.passed

    def to_dict(self) -> dict[str, object]:
        return {"passed": self.passed, "reasons": list(self.reasons), "tables": list(self.tables)}


def _kinds(declared: Declared) -> tuple[str, ...]:
    """A column's declared kinds as a tuple (none, one, or several for an echo column)."""
    if not declared:
        return ()
    return (declared,) if isinstance(declared, str) else tuple(declared)


def _blocked(
    finding: ids.ColumnFinding, declared: Declared, addresses: bool, locations: bool
) -> list[str]:
    """The identifier types that stop this column."""
    accepted = frozenset().union(*(PUBLIC_KINDS.get(k, frozenset()) for k in _kinds(declared)))
    places = {ids.STREET_ADDRESS} if addresses else set()
    places |= {ids.PRECISE_LOCATION} if locations else set()
    return [
        k
        for k in finding.pii
        if (k in BLOCKING or k.startswith("id:") or k in places) and k not in accepted
    ]


def not_numbers(series: pd.Series) -> np.ndarray:
    """Row numbers (1 = the first row under the header) of values that are not numbers: a
    decimal comma is a number; blanks and values without a letter or digit (`----`) are not
    looked at (the quality checks report them)."""
    if pd.api.types.is_numeric_dtype(series):
        return np.array([], dtype=np.int64)
    text = series.astype("string")
    rows = np.flatnonzero((pd.to_numeric(text, errors="coerce").isna() & text.notna()).to_numpy())
    odd = text.iloc[rows].str.strip()  # only the values that did not read as numbers at once
    comma = pd.to_numeric(odd.str.replace(",", ".", regex=False), errors="coerce")
    text_like = comma.isna() & ~odd.str.lower().isin(_BLANKS) & odd.str.contains(r"[^\W_]")
    return rows[text_like.to_numpy(dtype=bool)] + 1


def fingerprint(series: pd.Series) -> tuple[str, bytes] | None:
    """What a column's scan reads besides its name, exactly: the kind of its dtype and a
    BLAKE2b digest of every value in order (the number of rows, which are missing, each value's
    length and its text, so no two different columns share one short of breaking the hash);
    None for a column of other values.
    Text columns of the object, `str` and `string` dtypes are read alike."""
    dtype = str(series.dtype)
    digest = hashlib.blake2b(len(series).to_bytes(8, "little"), digest_size=32)
    missing = series.isna().to_numpy(dtype=bool)
    digest.update(np.packbits(missing).tobytes())
    if dtype in _TEXT_DTYPES:
        values = series.to_numpy(dtype=object, na_value="")
        if dtype == "object" and not all(map(str.__instancecheck__, values)):
            return None  # numbers or other objects among the text
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        digest.update(lengths.tobytes())
        digest.update("".join(values).encode("utf-8", "surrogatepass"))
        return "text", digest.digest()
    if dtype in ("float64", "int64"):
        digest.update(series.to_numpy().tobytes())
        return dtype, digest.digest()
    return None


def _scan(series: pd.Series | TextColumn, column: str, memo: Memo | None) -> ids.ColumnFinding:
    """`ids.scan_column`, or the scan of the same column with the same values in `memo`
    (a copy: the gate adds to a finding)."""
    if not isinstance(series, pd.Series):  # a big table's text column
        from daas.privacy import big

        return big.scan(series, memo)
    key = fingerprint(series) if memo is not None else None
    if key is None or memo is None:
        return ids.scan_column(series, column)
    found = memo.get((column, *key))
    if not isinstance(found, ids.ColumnFinding):
        found = memo[(column, *key)] = ids.scan_column(series, column)
    return copy.deepcopy(found)


def _check_numbers(
    finding: ids.ColumnFinding, series: pd.Series | TextColumn, declared: Declared
) -> list[str]:
    """A column declared to hold a place's coordinates (`LOCATION_KINDS`) holds numbers only:
    any other text is recorded in `finding` (with its rows) and returned as a blocking type."""
    if not set(LOCATION_KINDS) & set(_kinds(declared)):
        return []
    if isinstance(series, pd.Series):
        rows = not_numbers(series)
        shown, count = rows[: ids.ROWS_SHOWN].tolist(), int(rows.size)
    else:  # a big table's text column
        shown, count = series.not_numbers()
    if not count:
        return []
    finding.rows[_NOT_A_NUMBER] = shown
    finding.row_counts[_NOT_A_NUMBER] = count
    return [_NOT_A_NUMBER]


def _small_cells(series: pd.Series | TextColumn, min_cell_size: int) -> int:
    """How many counts between 1 and `min_cell_size - 1` a count column holds."""
    if not isinstance(series, pd.Series):  # a big table's text column
        return series.small_cells(min_cell_size)
    values = pd.to_numeric(series, errors="coerce")
    return int((values.notna() & (values > 0) & (values < min_cell_size)).sum())


def _columns(df: Table, memo: Memo | None = None) -> Iterator[tuple[Any, pd.Series | TextColumn]]:
    """Each column of a table, as the gate reads it: a pandas column, or a big table's text
    column read in DuckDB (`daas.privacy.big`; its other columns as `.df()` gives them, its text
    columns compared at once with the columns of `memo` scanned before)."""
    if isinstance(df, pd.DataFrame):
        for col in df.columns:
            yield col, df[col]
        return
    from daas.privacy import big

    text = big.text_columns_of(df, memo)
    made = list(text.values())
    try:
        for col in df.columns:
            yield col, text.pop(col) if col in text else df.df([col])[col]
    finally:
        big.release(made)


def _identifier_reason(
    table: str, column: str, finding: ids.ColumnFinding, blocked: list[str], declared: Declared
) -> str:
    what = ", ".join(
        describe_type(k) + (f" ({finding.where(k)})" if finding.where(k) else "") for k in blocked
    )
    kinds = ", ".join(_kinds(declared))
    if kinds and blocked == [_NOT_A_NUMBER]:
        return _(
            "table '{table}', column '{column}': declared public as {kind}, but holds {what}. "
            "A location column holds coordinates (numbers) only: correct or remove these "
            "values in the export."
        ).format(table=table, column=column, kind=kinds, what=what)
    if kinds:
        return _(
            "table '{table}', column '{column}': declared public as {kind}, but holds {what}. "
            "Remove these values from the export: a public column may hold places public by "
            "design, never people."
        ).format(table=table, column=column, kind=kinds, what=what)
    if ids.PRECISE_LOCATION in blocked and set(blocked) <= {
        ids.PRECISE_LOCATION,
        ids.STREET_ADDRESS,
    }:
        return _(
            "table '{table}', column '{column}': holds {what}: exact coordinates can point at "
            "a person's home. If these are the coordinates of places public by design (a "
            "housing inventory's buildings, where a problem in the street was reported), "
            "declare the column under {setting} with its recipe's location kind ({kinds}) and a "
            "reason (see cities/README.md); otherwise drop it from the mapping and publish a "
            "coarser location, such as the neighbourhood."
        ).format(
            table=table, column=column, what=what, setting="public", kinds=", ".join(LOCATION_KINDS)
        )
    if blocked == [ids.STREET_ADDRESS]:
        return _(
            "table '{table}', column '{column}': holds {what}. If these are the addresses or "
            "names of places public by design (buildings, where a problem in the street was "
            "reported), declare the column under {setting} with its kind and a reason (see "
            "cities/README.md); if they are people's addresses, remove the column."
        ).format(table=table, column=column, what=what, setting="public")
    return _(
        "table '{table}', column '{column}': holds {what}. Remove the column, or "
        "list it in {setting} if it is a public contact (an office, not a "
        "resident)."
    ).format(table=table, column=column, what=what, setting="allowed_columns")


def check_table(
    name: str,
    df: Table,
    *,
    min_cell_size: int = 10,
    allowed: Sequence[str] = (),
    public: Mapping[str, Declared] | None = None,
    addresses: bool = False,
    locations: bool = False,
    memo: Memo | None = None,
) -> list[str]:
    """Reasons this one table must not be published (empty when it may). `public` maps a
    column to its declared kind or kinds (`PUBLIC_KINDS`); `memo`: scans already done."""
    public = public or {}
    reasons: list[str] = []
    for col, series in _columns(df, memo):
        if col not in allowed:
            finding = _scan(series, str(col), memo)
            blocked = _blocked(finding, public.get(col), addresses, locations)
            blocked += _check_numbers(finding, series, public.get(col))
            if blocked:
                reasons.append(
                    _identifier_reason(name, str(col), finding, blocked, public.get(col))
                )
        if is_count_column(str(col), series):
            small = _small_cells(series, min_cell_size)
            if small:
                reasons.append(
                    _(
                        "table '{table}', column '{column}': {n} count(s) between 1 and {largest} "
                        "are not suppressed. Run {function} with threshold={threshold} before "
                        "publishing."
                    ).format(
                        table=name,
                        column=col,
                        n=small,
                        largest=min_cell_size - 1,
                        function="daas.privacy.suppress_counts",
                        threshold=min_cell_size,
                    )
                )
    return reasons


def gate(
    tables: Mapping[str, Table],
    *,
    min_cell_size: int = 10,
    allowed_columns: Mapping[str, Sequence[str]] | None = None,
    public_columns: Mapping[str, Mapping[str, Declared]] | None = None,
    addresses: bool = False,
    locations: bool = False,
    memo: Memo | None = None,
) -> GateResult:
    """Check every table about to be published; fail with reasons naming table and column.
    `public_columns[table]` maps a column to its declared kind(s); with `addresses`, street
    addresses stop any column not declared, and with `locations`, exact coordinates. `memo`
    (kept by the caller across the gates of one run) spares scanning an unchanged column
    twice."""
    allowed_columns = allowed_columns or {}
    public_columns = public_columns or {}
    reasons: list[str] = []
    for name, df in tables.items():
        reasons += check_table(
            name,
            df,
            min_cell_size=min_cell_size,
            allowed=allowed_columns.get(name, ()),
            public=public_columns.get(name, {}),
            addresses=addresses,
            locations=locations,
            memo=memo,
        )
    return GateResult(passed=not reasons, reasons=reasons, tables=list(tables))
