"""The display boundary: a table shown on a page or in a notebook gets its headers and labels in
the reader's language here, after every calculation is done. Code keeps the English names.

Mark each English name with `N_` where it is defined, then translate it here with `_`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from daas.core.i18n import _


def headers(df: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
    """`df` with these column, index and axis names (English, marked with `N_`) translated."""
    table: dict[str | int, str] = {n: _(n) for n in names}
    return df.rename(columns=table).rename_axis(index=table, columns=table)


def labels(values: pd.Series) -> pd.Series:
    """Each value (an English label marked with `N_`) translated; other values unchanged."""
    return values.map(lambda v: _(v) if isinstance(v, str) else v)
