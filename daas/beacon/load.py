"""Reading a city's own exports: encoding and delimiter detection, then the declared mapping.

The mapping lives in the city file (`beacon.sources.<name>`), so a coach maps an export onto the
Beacon schema without writing code: `columns` renames (a list joins several columns with a
space), `constants` fills fields the export lacks, `values` recodes (`Rental` -> `rental`), and
`unpivot` turns wide count columns into rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from daas.beacon import schema, values
from daas.core.big import BigTable, Engine
from daas.core.city import BeaconMapping
from daas.core.errors import DaasError, did_you_mean
from daas.core.i18n import _
from daas.core.tables import is_big

Table = pd.DataFrame | BigTable  # a big export is read into the build's DuckDB engine
ROW = "_row"  # the line in the export a row came from (header = line 1)
NOTE = "_note:"  # `_note:<field>`: how a field's value was read (see `daas.beacon.values`)
LINES = "daas_lines"  # raw.attrs: the line each record starts on, when not position + 2
DUPLICATES = "daas_duplicate_columns"  # raw.attrs: repeated header name -> column numbers
DELIMITERS = ",;\t|"
CHUNK = 1 << 24  # bytes decoded at a time to check an export's encoding
HEAD = 1 << 22  # the characters decoded for the header and the delimiter
# encodings whose line ends, delimiters and quotes are single ASCII bytes (`codecs` names)
BYTE_LINES = frozenset({"utf-8", "utf-8-sig", "cp1252", "iso8859-1", "iso8859-15", "ascii"})


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) when it decodes, else Windows-1252/Latin-1."""
    return _detected(data)[0]


def _detected(data: bytes) -> tuple[str, str | None]:
    """`detect_encoding` and the decoded head (`_decoded_head`) when it decoded the whole of
    `data` to tell (so a large export is not decoded twice), else None."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", None
    for enc in ("utf-8", "cp1252"):
        try:
            return enc, _decoded_head(data, enc)
        except UnicodeDecodeError:
            pass
    return "latin-1", None


def _decoded_head(data: bytes, enc: str) -> str:
    """The text of the first `HEAD` bytes of `data`, once the whole of it has been decoded as
    `enc` a `CHUNK` at a time (a large export is never held as text); UnicodeDecodeError, or
    LookupError for an unknown encoding, as `data.decode(enc)` raises them."""
    decoder = codecs.getincrementaldecoder(enc)()
    head = ""
    try:
        for start in range(0, len(data), CHUNK):
            text = decoder.decode(data[start : start + CHUNK], final=False)
            head = head or text[:HEAD]
        head += decoder.decode(b"", final=True)[: HEAD - len(head)]
    except UnicodeError:  # as the whole file decodes: its error, with its place in the file
        return data.decode(enc)[:HEAD]
    return head


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
    """Read an export as text columns; return (frame, encoding, delimiter) or raise DaasError.
    A large export in an encoding that writes line ends as single bytes (UTF-8, Windows-1252,
    Latin-1) is never held as text: only its bytes until the parser has its rows."""
    fix_path = _("check the path in the city file (beacon.sources.<name>.path)")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DaasError.one(shown, "", _("file not found"), fix_path) from None
    except (IsADirectoryError, PermissionError) as exc:
        message = _("cannot read the file ({reason})").format(reason=exc.strerror)
        raise DaasError.one(shown, "", message, fix_path) from None
    if not data.strip():
        raise DaasError.one(shown, "", _("the file is empty"), _("export the data again"))
    enc, head = (encoding, None) if encoding else _detected(data)
    try:
        head = _decoded_head(data, enc) if head is None else head
    except (UnicodeDecodeError, LookupError) as exc:
        raise DaasError.one(
            shown,
            "encoding",
            _("cannot decode as {encoding} ({reason})").format(encoding=enc, reason=exc),
            _("remove the encoding override"),
        ) from None
    if "\x00" in head[:4096]:
        raise DaasError.one(
            shown,
            "",
            _("this is not a text (CSV) file"),
            _("export the data as CSV, not a spreadsheet"),
        )
    # a large export in such an encoding is parsed from the file, its line ends counted on the
    # bytes; otherwise, as a small one, from its text
    partial = len(data) > HEAD and _byte_lines(enc) and head.count("\n") > 50
    partial = partial and not head.startswith("\ufeff")
    text = head if partial or len(data) <= HEAD else data.decode(enc)
    sep = delimiter or detect_delimiter(text)
    lines = _Lines(path, enc, data if partial else text, shown)
    # the parser decodes bytes itself, faster than reading the decoded text (a kept BOM aside)
    source = path if partial else io.StringIO(text) if text.startswith("\ufeff") else data
    del data
    try:
        df = pd.read_csv(
            io.BytesIO(source) if isinstance(source, bytes) else source,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=False,
            encoding=enc,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DaasError.one(
            shown,
            "",
            _("not a readable CSV file ({reason})").format(reason=exc),
            _("export it again as CSV"),
        ) from None
    if df.empty:
        raise DaasError.one(
            shown, "", _("the file has a header but no rows"), _("export the data again")
        )
    header = _header(text, sep, shown)
    names, repeated = _unique_names(header)
    if len(names) == len(df.columns):
        df.columns = names
        if repeated:
            df.attrs[DUPLICATES] = repeated
    else:
        df.columns = [str(c).strip() for c in df.columns]
    starts = lines.records(sep, len(df))
    if starts is not None:
        df.attrs[LINES] = starts
    return df, enc, sep


def _byte_lines(enc: str) -> bool:
    """Whether `enc` writes every character of a CSV's structure (line ends, delimiters,
    quotes) as that one ASCII byte and no other character with those bytes."""
    return codecs.lookup(enc).name in BYTE_LINES


class _Lines:
    """Where an export's records start, from its bytes or its text (read again from the file
    only when they do not simply follow its lines)."""

    def __init__(self, path: Path, enc: str, content: bytes | str, shown: str) -> None:
        self.path, self.enc, self.shown = path, enc, shown
        self.text = content if isinstance(content, str) else None
        if isinstance(content, str):
            self.n = content.count("\n") + (0 if content.endswith("\n") else 1)
            self.lone_cr = "\r" in content.replace("\r\n", "")
        else:
            self.n = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
            self.lone_cr = content.count(b"\r") != content.count(b"\r\n")

    @classmethod
    def counted(cls, path: Path, enc: str, shown: str, n: int, lone_cr: bool) -> _Lines:
        """Where the records of the export at `path` start, its `n` lines and whether a CR ends
        no line counted already (the big tables' path counts them as it scans the file)."""
        lines = cls.__new__(cls)
        lines.path, lines.enc, lines.shown, lines.text = path, enc, shown, None
        lines.n, lines.lone_cr = n, lone_cr
        return lines

    def records(self, sep: str, rows: int) -> list[int] | None:
        """The line each record starts on when it is not simply its position + 2 (a quoted
        field holds a line break, or blank lines are skipped); None when it is."""
        if self.n == rows + 1 and not self.lone_cr:
            return None
        with (
            io.StringIO(self.text)
            if self.text is not None
            else self.path.open(encoding=self.enc, newline="\n")
        ) as stream:
            reader = csv.reader(stream, delimiter=sep)
            starts, last = [], 0
            try:
                for record in reader:
                    if record:
                        starts.append(last + 1)
                    last = reader.line_num
            except csv.Error:
                raise _stray_cr(self.shown, max(reader.line_num, 1)) from None
        return starts[1:] if len(starts) == rows + 1 else None


def _stray_cr(shown: str, line: int) -> DaasError:
    """A carriage return outside quotes that ends no line: the parser would cut the row there."""
    return DaasError.one(
        shown, f"line {line}",
        _("a carriage return (CR) outside quotes ends no line, so the row cannot be read with "
          "certainty (a file saved with old Mac line ends has only these)"),
        _("save the export again as CSV with standard line ends (CRLF or LF), or quote the "
          "field that holds the line break"),
    )  # fmt: skip


def _header(text: str, sep: str, shown: str) -> list[str]:
    """The export's header fields, stripped (a quoted header may hold a line break)."""
    try:
        first = next(csv.reader(_lines(text), delimiter=sep), [])
    except csv.Error:
        raise _stray_cr(shown, 1) from None
    return [h.strip() for h in first]


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` (a byte-order mark left out), one at a time: no copy of the text."""
    start = 1 if text.startswith("\ufeff") else 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _unique_names(header: list[str]) -> tuple[list[str], dict[str, list[int]]]:
    """Column names with repeats made unique (`units`, `units.2`), and each repeated name with
    its column numbers (1 = first column)."""
    seen: dict[str, list[int]] = {}
    for i, h in enumerate(header, start=1):
        seen.setdefault(h, []).append(i)
    names, taken = [], set(header)
    for h in header:
        k, name = 1, h
        while name in names or (name != h and name in taken):
            k += 1
            name = f"{h}.{k}"
        names.append(name)
    return names, {h: cols for h, cols in seen.items() if len(cols) > 1}


def row_numbers(raw: pd.DataFrame) -> np.ndarray:
    """The line in the export each row of `raw` starts on (the header is line 1)."""
    lines = raw.attrs.get(LINES)
    if lines is not None:
        return np.asarray(lines, dtype="int64")
    return np.arange(2, len(raw) + 2, dtype="int64")


def _missing(shown: str, where: str, column: str, available: list[str]) -> DaasError:
    return DaasError.one(
        shown,
        column,
        _("the column '{column}' named in {where} is not in the file").format(
            column=column, where=where
        ),
        did_you_mean(column, available)
        + _("map the field to one of the file's columns: {columns}").format(
            columns=", ".join(available[:12])
        ),
    )


def mapping_problems(raw, mapping: BeaconMapping, shown: str, where: str) -> None:
    """Raise a DaasError for each field of `mapping` the schema lacks and each column it names
    that `raw` (a frame, or a `daas.core.big.BigTable`: its columns and attrs) lacks or repeats."""
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
                    _("'{field}' is not a field of the {table} schema").format(
                        field=fld, table=table
                    ),
                    _("use one of: {keys}").format(keys=", ".join(known)),
                ).problems[0]
            )
    wanted = [c for cols in mapping.columns.values() for c in _as_list(cols)]
    if mapping.unpivot:
        wanted += list(mapping.unpivot.columns)
    for col in wanted:
        if col not in available:
            problems += _missing(shown, f"{where}", col, available).problems
    problems += _duplicated(raw, [*wanted, *mapping.allowed_columns], shown)
    if problems:
        raise DaasError(problems)


def apply_mapping(
    raw: pd.DataFrame, mapping: BeaconMapping, shown: str, where: str
) -> pd.DataFrame:
    """Map an export's columns onto the schema of `mapping.table` (text values, plus `_row`).
    `daas.beacon.big.load.map_big` does the same in SQL for a big export: the two must agree."""
    table = mapping.table
    known = schema.fields(table)
    mapping_problems(raw, mapping, shown, where)
    out = pd.DataFrame({ROW: row_numbers(raw)}, index=raw.index)
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
    notes = {f: _declared(out[f], set(v)) for f, v in mapping.placeholders.items() if f in out}
    for fld, recode in mapping.values.items():
        if fld in out:
            out[fld] = _recode(out[fld], recode)
    problems = []
    for fld in out.columns.intersection(list(known)):
        try:
            note = _read_values(out, fld, known[fld], mapping, shown)
        except DaasError as exc:
            problems += exc.problems  # every ambiguous column at once
            continue
        if note is not None:
            notes[fld] = note if fld not in notes else notes[fld].where(notes[fld] != "", note)
    if problems:
        raise DaasError(problems)
    unmapped = [f for f in schema.required(table) if f not in out]
    if unmapped:
        raise DaasError.one(
            where,
            ", ".join(unmapped),
            _("required field(s) of the {table} schema are not mapped").format(table=table),
            _("add them under `columns:` (export column) or `constants:` (a fixed value)"),
        )
    for fld in known:
        if fld not in out:
            out[fld] = ""
    noted = [f for f in known if f in notes and notes[f].ne("").any()]
    for fld in noted:
        out[NOTE + fld] = notes[fld]
    return out[[ROW, *known, *(NOTE + f for f in noted)]]


def _duplicated(raw: pd.DataFrame, wanted: list[str], shown: str) -> list:
    """A problem for each column the mapping names that the file's header repeats."""
    repeated = raw.attrs.get(DUPLICATES, {})
    problems = []
    for col in dict.fromkeys(wanted):
        if col in repeated:
            numbers = " and ".join(map(str, repeated[col]))
            problems += DaasError.one(
                shown,
                col,
                _("columns {numbers} of the file are both named '{column}': the mapping cannot "
                  "tell which one it means").format(numbers=numbers, column=col),
                _("rename one of them in the export (or delete the copy), then map the one "
                  "you mean"),
            ).problems  # fmt: skip
    return problems


def _declared(col: pd.Series, placeholders: set[str]) -> pd.Series:
    """NOTE_PLACEHOLDER where the mapping declares the value a placeholder, else ""."""
    hit = col.isin(placeholders).to_numpy()
    return pd.Series(np.where(hit, values.NOTE_PLACEHOLDER, ""), index=col.index, dtype=object)


def _read_values(
    out: pd.DataFrame, fld: str, spec: dict, mapping: BeaconMapping, shown: str
) -> pd.Series | None:
    """Read a date, date-time or number field with certainty (in place); return its notes, or
    None."""
    if spec["type"] in ("date", "datetime"):
        fmt = mapping.date_format
        fmt = fmt.get(fld) if isinstance(fmt, dict) else fmt
        try:
            if spec["type"] == "date":
                out[fld], note = values.read_dates(out[fld], fmt)
            else:
                out[fld], note = values.read_datetimes(out[fld], fmt, big=is_big(len(out)))
        except values.AmbiguousDates as exc:
            raise _ambiguous_dates(exc, _source_columns(mapping, fld), fld, shown) from None
        return note
    if spec["type"] in ("number", "integer"):
        integer = spec["type"] == "integer"
        out[fld], note = values.read_numbers(out[fld], fld, mapping.decimal, integer)
        return note
    return None


def _ambiguous_dates(exc: values.AmbiguousDates, column: str, fld: str, shown: str) -> DaasError:
    examples = " / ".join(exc.examples)
    message = (
        _("the column '{column}' mixes day-first and month-first dates ({examples})")
        if exc.conflict
        else _("the dates in column '{column}' can be read day-first or month-first ({examples})")
    )
    return DaasError.one(
        shown,
        column,
        message.format(column=column, examples=examples),
        _("state the order in the mapping: `date_format: {{{field}: \"%d/%m/%Y\"}}` (day first) "
          "or `\"%m/%d/%Y\"` (month first)").format(field=fld),
    )  # fmt: skip


def _source_columns(mapping: BeaconMapping, fld: str) -> str:
    """The export column(s) a field comes from, as the user wrote them."""
    if fld in mapping.columns:
        return " + ".join(_as_list(mapping.columns[fld]))
    if mapping.unpivot and fld == mapping.unpivot.value:
        return ", ".join(mapping.unpivot.columns)
    return fld


def _strip(col: pd.Series) -> pd.Series:
    """`col.str.strip()`; the column itself when no value starts or ends with white space (the
    usual export: `str.strip` gives back the very same string then, and building a new column
    is what costs)."""
    try:
        values = col.to_numpy(dtype=object)
        stripped = list(map(str.strip, values))
    except TypeError:  # a missing value: a row with fewer fields than the header
        return col.str.strip()
    if not any(map(operator.is_not, stripped, values)):
        return col
    return pd.Series(stripped, index=col.index, dtype=col.dtype, name=col.name)


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
    path: Path, mapping: BeaconMapping, shown: str, where: str, engine: Engine | None = None
) -> tuple[Table, Table]:
    """Read one export; return (the export as read, the export mapped onto its table's schema).
    `engine`: the build's DuckDB database, where a big export (`daas.core.tables.is_big`) is
    read and mapped: then both are `BigTable`s whose `df()` are what this function gives
    without it (`daas.beacon.big.load`)."""
    if engine is not None:
        from daas.beacon.big.load import load_big

        big = load_big(path, mapping, shown, where, engine)
        if big is not None:  # a big export, read and mapped in the engine
            return big
    raw = read_export(path, shown, mapping.encoding, mapping.delimiter)[0]
    return raw, apply_mapping(raw, mapping, shown, where)
