"""Public tables as cells for the CSV files and for SQLite, fast enough for a million rows.

Tables repeat values a lot, so formatting work is done once per distinct value of a column
(`pd.factorize`), then spread back over the rows.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

from daas.beacon import schema

NEEDS_QUOTES = re.compile(r'[,"\r\n]')  # the only characters that make the CSV writer quote


def sql_columns(df: pd.DataFrame, table: str) -> list[list]:
    """Each schema field of `table` as SQLite values: str, int or float, `YYYY-MM-DD` text for
    dates, 0/1 for booleans, None when missing."""
    out = []
    for name, spec in schema.fields(table).items():
        col = df[name]
        if spec["type"] == "date":
            codes, text = _iso_dates(col)
            out.append(_spread(codes, text))
        elif spec["type"] == "boolean":
            out.append(python_values(col.astype("Int64")))
        else:
            out.append(python_values(col))
    return out


def csv_lines(df: pd.DataFrame, table: str, big: bool = False) -> list[str]:
    """The CSV of `table` in schema order, one line per row plus the header (no line ends):
    ISO dates, `true`/`false`, numbers in full (the shortest text that reads back as the same
    number, as SQLite holds it), empty when missing, quoted as Python's CSV writer quotes.
    `big` (a part of a big table, `daas.core.tables.is_big`): a text column none of whose
    values needs quotes is written as it is, without finding its distinct values first."""
    cols = []
    for name, spec in schema.fields(table).items():
        col = df[name]
        if spec["type"] == "date":
            codes, text = _iso_dates(col)
        elif spec["type"] == "number":
            codes, text = _number_text(col)
        elif spec["type"] == "boolean":
            codes, uniq = pd.factorize(col.map({True: "true", False: "false"}))
            text = list(uniq)
        else:
            plain = _plain_text(col) if big else None
            if plain is not None:
                cols.append(plain)
                continue
            codes, uniq = pd.factorize(col)
            text = _fields(list(map(str, np.asarray(uniq, dtype=object))))
        cols.append(_spread(codes, text, ""))
    return [",".join(map(_field, schema.fields(table))), *map(",".join, zip(*cols, strict=True))]


def _plain_text(col: pd.Series) -> list[str] | None:
    """The cells of a text column whose values are all strings (or missing: empty) and none
    needs quotes, as they are (what `csv_lines` writes for it); None for any other column."""
    if col.dtype.kind not in "OU" and not isinstance(col.dtype, pd.StringDtype):
        return None
    values = col.to_numpy(dtype=object, na_value="").tolist()
    if not all(map(str.__instancecheck__, values)) or NEEDS_QUOTES.search("".join(values)):
        return None
    return values


def python_values(col: pd.Series) -> list:
    """The column as Python values (numpy scalars unwrapped), None where missing."""
    if isinstance(col.dtype, pd.api.extensions.ExtensionDtype) and col.dtype.kind in "iufb":
        # the numeric extension dtypes (Int64, Float64, boolean) all have numpy_dtype
        values = col.to_numpy(dtype=col.dtype.numpy_dtype, na_value=0).tolist()  # type: ignore[attr-defined]
    else:
        values = col.to_numpy().tolist()
    for i in np.flatnonzero(col.isna().to_numpy()).tolist():
        values[i] = None
    return values


def iso_datetimes(values: pd.Series) -> pd.Series:
    """Aware date-times as ISO 8601 text with their offset (`2025-03-01T08:00:00-03:00`), each
    distinct offset formatted once (pandas formats aware date-times one by one); missing stays
    missing."""
    local = values.dt.tz_localize(None)
    offset = (local - values.dt.tz_convert("UTC").dt.tz_localize(None)).dt.total_seconds()
    signs = {o: f"{'-' if o < 0 else '+'}{int(abs(o)) // 3600:02d}:{int(abs(o)) % 3600 // 60:02d}"
             for o in offset.dropna().unique()}  # fmt: skip
    text = np.datetime_as_string(local.to_numpy().astype("M8[s]"), unit="s").astype(object)
    suffix = offset.map(signs).to_numpy(dtype=object, na_value="")
    return pd.Series(text + suffix, index=values.index).where(values.notna())


def _iso_dates(col: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes and distinct `YYYY-MM-DD` texts of a date column (code -1 when missing)."""
    days = pd.to_datetime(col).to_numpy().astype("datetime64[D]")
    codes, uniq = pd.factorize(days)
    return codes, np.datetime_as_string(np.asarray(uniq, dtype="datetime64[D]")).tolist()


def _number_text(col: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes and distinct texts of numbers in full, without exponents (`40.822911`, `1200`,
    `-0`): what was read is what is published."""
    num = pd.to_numeric(col).to_numpy(dtype=float, na_value=np.nan)
    codes, uniq = pd.factorize(np.ascontiguousarray(num).view("int64"))  # exact bits: -0.0, 0.0
    codes[np.isnan(num)] = -1
    return codes, [np.format_float_positional(v, trim="-") for v in uniq.view("float64")]


def _field(text: str) -> str:
    """`text` as the CSV writer writes it in a row of several fields."""
    if not NEEDS_QUOTES.search(text):
        return text
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([text, ""])
    return buf.getvalue()[:-2]


def _fields(texts: list[str]) -> list[str]:
    """`_field` of each text; the texts themselves when none needs quotes (looked for in one
    pass over them joined)."""
    if not NEEDS_QUOTES.search("".join(texts)):
        return texts
    return list(map(_field, texts))


def _spread(codes: np.ndarray, distinct: list, missing: object = None) -> list:
    """The value of each row from its code (-1 = missing)."""
    values = np.empty(len(distinct) + 1, dtype=object)
    values[:-1], values[-1] = distinct, missing
    return values[codes].tolist()
