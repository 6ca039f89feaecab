"""The display boundary: a table shown on a page or in a notebook gets its headers and labels in
the reader's language here, after every calculation is done. Code keeps the English names.

Mark each English name with `N_` where it is defined, then translate it here with `_`. `show`
is what a page displays: labelled headers, codes as labels, numbers and dates in the reader's
locale (`daas.core.formats`), no index, no `NaN`/`True`/`False`, no cut text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from daas.core import formats
from daas.core.i18n import N_, _, language

if TYPE_CHECKING:
    import altair as alt


def headers(df: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
    """`df` with these column, index and axis names (English, marked with `N_`) translated."""
    table: dict[str | int, str] = {n: _(n) for n in names}
    return df.rename(columns=table).rename_axis(index=table, columns=table)


def page_table(
    table: pd.DataFrame,
    names: Iterable[str],
    columns: Iterable[str] = (),
    index: Iterable[str] = (),
) -> pd.DataFrame:
    """`table` as a page shows it: only `columns` in that order (numbered afresh) when given,
    indexed by the `index` columns when given, headed in the reader's language from `names`."""
    columns, index = list(columns), list(index)
    shown = table[columns].reset_index(drop=True) if columns else table
    return headers(shown.set_index(index) if index else shown, names)


def labels(values: pd.Series) -> pd.Series:
    """Each value (an English label marked with `N_`) translated; other values unchanged."""
    return values.map(lambda v: _(v) if isinstance(v, str) else v)


def tooltips(
    *columns: str,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
) -> list[alt.Tooltip]:
    """A chart's tooltips for these columns, each titled in the reader's language: its label
    from `labels` (name → English label marked with `N_`) or its name (marked with `N_`), and
    numbers written with the chart's locale when `formats` gives a d3 format (`",d"`, `".0%"`)."""
    import altair as alt  # only charts need it: tables are shown without importing altair

    labels, formats = labels or {}, formats or {}
    return [
        alt.Tooltip(c, title=_(labels.get(c, c)), format=formats.get(c, alt.Undefined))
        for c in columns
    ]


ISO_DATE = re.compile(
    r"\b(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
)


class Table(pd.DataFrame):
    """A table written for a reader (every cell text, HTML-escaped, code marked up): a page or
    notebook shows it without its index."""

    def _repr_html_(self) -> str:
        table = pd.DataFrame(self)
        # ids from the content, not random: a notebook's stored output stays the same each run
        uuid = hashlib.sha1(table.to_csv().encode()).hexdigest()[:5]
        styler = Styler(table, uuid=uuid).hide(axis="index")
        return styler.set_table_attributes('class="dataframe daas-table"').to_html()


MISSING = "–"  # a value that is not there (hidden, not applicable) shows as a dash
YES, NO = N_("Yes"), N_("No")


def show(
    table: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    codes: Mapping[str, str] | None = None,
    shares: Iterable[str] = (),
    dates: Iterable[str] = (),
    digits: Mapping[str, int] | None = None,
    money: Iterable[str] = (),
    currency: str = "USD",
    literal: Iterable[str] = (),
    quoted: Iterable[str] = (),
    languages: Sequence[str] | None = None,
) -> Table:
    """`table` as a reader sees it: only `columns` (name → English label marked with `N_`), in
    that order and headed in the reader's language; no index; every value written out: codes
    (`codes`: code → label) as labels, yes/no for booleans, numbers grouped and rounded (`digits`
    per column, else none for whole numbers and one decimal), `shares` as percentages, `dates`
    written out, `money` in `currency` (whole units), a dash where nothing is known; `literal`
    columns (names of fields and files) as code; `quoted` columns (words quoted from a text, as
    people wrote them) in the reader's quotation marks, so a lower-case word reads as a word, not
    a code; `languages`, one per row, marks a row written in another language than the reader's
    (an English example on a Spanish page) with `lang`, as screen readers and spell checkers
    need. Long text is never cut."""
    shares, dates, digits, money = set(shares), set(dates), dict(digits or {}), set(money)
    literal, quoted = set(literal), set(quoted)
    cells = {
        name: [
            formats.money(float(v), currency)
            if name in money and _known(v)
            else _cell(
                v,
                {} if name in literal | quoted else codes or {},
                name in shares,
                name in dates,
                digits.get(name),
            )
            for v in table[name]
        ]
        for name in columns
    }
    shown = pd.DataFrame(
        {
            _(columns[name]): [
                v
                if v == MISSING
                else code(v)
                if name in literal
                else escape(formats.quoted(v))
                if name in quoted
                else _markup(v)
                for v in values
            ]
            for name, values in cells.items()
        }
    )
    return Table(shown if languages is None else _in_languages(shown, list(languages)))


def _in_languages(table: pd.DataFrame, languages: list[str]) -> pd.DataFrame:
    """Each row's cells in a language other than the reader's wrapped in a `lang` span."""
    reader = language()
    rows = [
        [v if lang == reader or v == MISSING else f'<span lang="{escape(lang)}">{v}</span>'
         for v in row]
        for row, lang in zip(table.itertuples(index=False), languages, strict=True)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=table.columns)


def code(text: str) -> str:
    """`text` as code in an HTML cell or header (a field, file or table name)."""
    return f"<code>{escape(text)}</code>"


def _markup(text: str) -> str:
    """`text` escaped for an HTML cell, its `backquoted` spans as code (fixes name fields)."""
    parts = escape(text).split("`")
    if len(parts) % 2 == 0:  # an unmatched backquote: no code spans
        return escape(text)
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _known(value: Any) -> bool:
    """Whether `value` is there (not None, NaN or NA)."""
    return value is not None and (isinstance(value, str | list | dict) or not bool(pd.isna(value)))


def _cell(value: Any, codes: Mapping[str, str], share: bool, date: bool, digits: int | None) -> str:
    """One value written for a reader."""
    if not _known(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return _(YES) if value else _(NO)
    if date:
        return formats.date(value if isinstance(value, str) else pd.Timestamp(value).date())
    if isinstance(value, int | np.integer):
        return formats.percent(float(value)) if share else formats.number(int(value))
    if isinstance(value, float | np.floating):
        if share:
            return formats.percent(float(value), digits or 0)
        whole = digits is None and float(value).is_integer()
        return formats.number(float(value), 0 if whole else 1 if digits is None else digits)
    if isinstance(value, str):
        if value in codes:
            return _sentence(_(codes[value]))
        return dates_written(value)
    if isinstance(value, dt.date):
        return formats.date(value)
    return str(value)


def dates_written(text: str) -> str:
    """`text` with each ISO 8601 date in it (`2025-06-30`, a date-time too) written out in the
    reader's language (`30 de junho de 2025`), for sentences made before display; a date in a
    `backquoted` span is code (an example of a format) and stays as it is."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backquote: no code spans
        parts = [text]
    return "`".join(
        p if i % 2 else ISO_DATE.sub(lambda m: formats.date(m.group(1)), p)
        for i, p in enumerate(parts)
    )


def _sentence(text: str) -> str:
    """`text` with a capital first letter, as a label in a table cell or header is written."""
    return text[:1].upper() + text[1:]


def readable(table: pd.DataFrame, **options: Any) -> Table:
    """A table already headed in the reader's language (a named index becomes its first
    column) written as `show` writes it, headers and words in sentence case, dates in text
    written out. `options` are `show`'s."""
    if any(name is not None for name in table.index.names):
        table = table.reset_index()
    columns = {str(c): _sentence(str(c)) for c in table.columns}
    table = table.set_axis(list(columns), axis="columns")
    words = {v: v for c in table.columns for v in table[c] if isinstance(v, str)}
    return show(
        table,
        columns,
        codes={**{w: w for w in words if _is_label(w)}, **options.pop("codes", {})},
        **options,
    )


def _is_label(text: str) -> bool:
    """A short label (a few words, no sentence) that starts in lower case: `done`, `late`."""
    return text[:1].islower() and len(text.split()) <= 8 and not text.endswith(".")
