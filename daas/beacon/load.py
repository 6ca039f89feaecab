"""Reading a city's own exports: encoding and delimiter detection, then the declared mapping.

The mapping lives in the city file (`beacon.sources.<name>`), so a coach maps an export onto the
Beacon schema without writing code: `columns` renames (a list joins several columns with a
space), `constants` fills fields the export lacks, `values` recodes (`Rental` -> `rental`), and
`unpivot` turns wide count columns into rows.
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

import pandas as pd

from daas.beacon import schema
from daas.city import BeaconMapping
from daas.errors import DaasError

ROW = "_row"  # the line in the export a row came from (header = line 1)
DELIMITERS = ",;\t|"


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) when it decodes, else Windows-1252/Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the header and the first lines into the same number of fields."""
    lines = text[:65536].splitlines()  # not the whole file: a million lines is slow to split
    if len(lines) <= 50:
        lines = text.splitlines()
    sample = "\n".join(lines[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        return max(DELIMITERS, key=header.count)


def read_export(
    path: Path, shown: str, encoding: str | None = None, delimiter: str | None = None
) -> tuple[pd.DataFrame, str, str]:
    """Read an export as text columns; return (frame, encoding, delimiter) or raise DaasError."""
    fix_path = "check the path in the city file (beacon.sources.<name>.path)"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DaasError.one(shown, "", "file not found", fix_path) from None
    except (IsADirectoryError, PermissionError) as exc:
        raise DaasError.one(shown, "", f"cannot read the file ({exc.strerror})", fix_path) from None
    if not data.strip():
        raise DaasError.one(shown, "", "the file is empty", "export the data again")
    enc = encoding or detect_encoding(data)
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DaasError.one(
            shown, "encoding", f"cannot decode as {enc} ({exc})", "remove the encoding override"
        ) from None
    if "\x00" in text[:4096]:
        raise DaasError.one(
            shown, "", "this is not a text (CSV) file", "export the data as CSV, not a spreadsheet"
        )
    sep = delimiter or detect_delimiter(text)
    # the parser decodes bytes itself, faster than reading the decoded text (a kept BOM aside)
    source = io.StringIO(text) if text.startswith("\ufeff") else io.BytesIO(data)
    try:
        df = pd.read_csv(
            source,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=False,
            encoding=enc,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DaasError.one(
            shown, "", f"not a readable CSV file ({exc})", "export it again as CSV"
        ) from None
    if df.empty:
        raise DaasError.one(shown, "", "the file has a header but no rows", "export the data again")
    df.columns = [str(c).strip() for c in df.columns]
    return df, enc, sep


def _missing(shown: str, where: str, column: str, available: list[str]) -> DaasError:
    close = difflib.get_close_matches(column, available, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return DaasError.one(
        shown,
        column,
        f"the column '{column}' named in {where} is not in the file",
        f"{hint}map the field to one of the file's columns: {', '.join(available[:12])}",
    )


def apply_mapping(
    raw: pd.DataFrame, mapping: BeaconMapping, shown: str, where: str
) -> pd.DataFrame:
    """Map an export's columns onto the schema of `mapping.table` (text values, plus `_row`)."""
    table = mapping.table
    known = schema.fields(table)
    available = list(raw.columns)
    problems = []
    for fld in [*mapping.columns, *mapping.constants, *mapping.values]:
        if fld not in known and not (mapping.unpivot and fld == mapping.unpivot.into):
            problems.append(
                DaasError.one(
                    where,
                    fld,
                    f"'{fld}' is not a field of the {table} schema",
                    f"use one of: {', '.join(known)}",
                ).problems[0]
            )
    wanted = [c for cols in mapping.columns.values() for c in _as_list(cols)]
    if mapping.unpivot:
        wanted += list(mapping.unpivot.columns)
    for col in wanted:
        if col not in available:
            problems += _missing(shown, f"{where}", col, available).problems
    if problems:
        raise DaasError(problems)
    out = pd.DataFrame({ROW: pd.RangeIndex(2, len(raw) + 2)}, index=raw.index)
    for fld, cols in mapping.columns.items():
        parts = [_strip(raw[c]) for c in _as_list(cols)]
        joined = parts[0]
        for p in parts[1:]:
            joined = _join(joined, p)
        out[fld] = joined
    for fld, value in mapping.constants.items():
        out[fld] = value
    if mapping.unpivot:
        u = mapping.unpivot
        frames = []
        for col, label in u.columns.items():
            f = out.copy()
            f[u.into] = label
            f[u.value] = _strip(raw[col])
            frames.append(f[f[u.value].ne("0")])  # a band with no homes is not a row
        out = pd.concat(frames, ignore_index=True).sort_values(ROW, kind="stable")
        out = out.reset_index(drop=True)
    for fld, recode in mapping.values.items():
        if fld in out:
            out[fld] = _recode(out[fld], recode)
    unmapped = [f for f in schema.required(table) if f not in out]
    if unmapped:
        raise DaasError.one(
            where,
            ", ".join(unmapped),
            f"required field(s) of the {table} schema are not mapped",
            "add them under `columns:` (export column) or `constants:` (a fixed value)",
        )
    for fld in known:
        if fld not in out:
            out[fld] = ""
    return out[[ROW, *known]]


def _strip(col: pd.Series) -> pd.Series:
    """`col.str.strip()`, about twice as fast when no value is missing (the usual export)."""
    try:
        values = list(map(str.strip, col.to_numpy(dtype=object)))
    except TypeError:  # a missing value: a row with fewer fields than the header
        return col.str.strip()
    return pd.Series(values, index=col.index, dtype=col.dtype, name=col.name)


def _join(a: pd.Series, b: pd.Series) -> pd.Series:
    """`(a + " " + b).str.strip()`, faster when no value is missing."""
    try:
        pairs = zip(a.to_numpy(dtype=object), b.to_numpy(dtype=object), strict=True)
        values = list(map(str.strip, map(" ".join, pairs)))
    except TypeError:
        return (a + " " + b).str.strip()
    return pd.Series(values, index=a.index, dtype=a.dtype)


def _recode(col: pd.Series, recode: dict[str, str]) -> pd.Series:
    """Each value replaced by `recode[value]` when it has one."""
    values = col.to_numpy(dtype=object)
    return pd.Series(list(map(recode.get, values, values)), index=col.index, name=col.name)


def _as_list(cols: str | list[str]) -> list[str]:
    return [cols] if isinstance(cols, str) else list(cols)


def load_source(
    path: Path, mapping: BeaconMapping, shown: str, where: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one export; return (the export as read, the export mapped onto its table's schema)."""
    raw, _, _ = read_export(path, shown, mapping.encoding, mapping.delimiter)
    return raw, apply_mapping(raw, mapping, shown, where)
