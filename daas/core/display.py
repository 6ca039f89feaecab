"""The display boundary: a table shown on a page or in a notebook gets its headers and labels in
the reader's language here, after every calculation is done. Code keeps the English names.

Mark each English name with `N_` where it is defined, then translate it here with `_`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from daas.core.i18n import _

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


def tooltips(*columns: str) -> list[alt.Tooltip]:
    """A chart's tooltips for these columns (English names marked with `N_`), each titled in
    the reader's language."""
    import altair as alt  # only charts need it: tables are shown without importing altair

    return [alt.Tooltip(c, title=_(c)) for c in columns]
