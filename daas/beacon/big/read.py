"""Reading a big export into the build's DuckDB database (`read_big`, for `load.load_big`).

Reading (DuckDB's `read_csv`, every column text) matches pandas' `read_csv(dtype=str,
keep_default_na=False)` as the plain path calls it:
- the same encoding: UTF-8 (DuckDB refuses any byte sequence Python's UTF-8 decoder refuses,
  so a file DuckDB reads as UTF-8 is one the plain path reads as UTF-8); a byte-order mark;
  any other encoding (Windows-1252 and Latin-1 when UTF-8 fails, or the mapping's) is decoded
  by Python into a UTF-8 copy in the engine's folder first;
- the same delimiter and header (`detect_delimiter`, `_header`, `_unique_names` on the head);
- blank fields and the fields a short row lacks are '' (DuckDB pads them with NULL: coalesced);
- blank lines are skipped by both; a line of only spaces or tabs, which pandas skips and DuckDB
  reads as a row, sends the export to the plain path, as do: a space between a quote and its
  delimiter (DuckDB drops it, pandas keeps it), a carriage return that ends no line, a row with
  more fields than the header, a header DuckDB cannot name (a blank name, two names differing
  only in case, `rowid`), an unterminated quote and anything else DuckDB refuses;
- the line each record starts on: position + 2 when the file has one line per record (counted
  on its bytes), else the plain path's `_Lines.records` on the file.

The export is a temporary table of the engine's connection (`temporary`): DuckDB holds it in
memory, spilling past its memory limit, at a quarter of the work of writing into its file.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from daas.beacon import load
from daas.core.big import BigTable, Engine, literal, quoted
from daas.core.errors import DaasError
from daas.core.tables import is_big

SCAN = 1 << 24  # bytes scanned (or transcoded) at a time
DIRECT = frozenset({"utf-8", "utf-8-sig"})  # encodings DuckDB reads itself (`codecs` names)
NO_NULL = "\x01daas: no value is this\x02"  # DuckDB's NULL text: only padding gives NULL
GLOB = re.compile(r"[*?\[\]{}]")  # a path DuckDB would read as a pattern of files


class _Plain(Exception):
    """This export takes the plain path (the reason, for debugging)."""


@dataclass
class _Scan:
    """What the bytes of an export (as DuckDB reads them, UTF-8) say: its lines, carriage
    returns that end no line, and quotes with spaces next to them outside a field."""

    sep: bytes
    lines: int = 0
    cr: int = 0
    crlf: int = 0
    spaced_quote: bool = False
    last: bytes = b""
    _carry: bytes = b""
    _quote: re.Pattern = field(init=False)

    def __post_init__(self) -> None:
        # a quote followed by spaces and a delimiter or line end (group 1), or after a space
        # (one search for both: the quote is rarer than the space)
        ends = re.escape(self.sep) + rb"\r\n"
        self._quote = re.compile(b'"(?:(?=( +[' + ends + rb']))|(?<= "))')

    def feed(self, chunk: bytes) -> None:
        """The next bytes of the file: its whole lines are looked at where they are (a line
        cut by the chunk's end is kept, joined to the next chunk's first)."""
        if not chunk:
            return
        self.last = chunk[-1:]
        start = 0
        if self._carry:
            first = chunk.find(b"\n")
            if first < 0:
                self._carry += chunk
                return
            line, self._carry = self._carry + chunk[: first + 1], b""
            self._lines(line, 0, len(line))
            start = first + 1
        end = chunk.rfind(b"\n") + 1
        if end > start:
            self._lines(chunk, start, end)
        self._carry = chunk[max(start, end) :]

    def close(self) -> None:
        tail, self._carry = self._carry, b""
        if tail:
            self._lines(tail, 0, len(tail))
            if re.search(rb'" +\Z', tail):
                self.spaced_quote = True

    def _lines(self, buf: bytes, a: int, b: int) -> None:
        """`buf[a:b]`, whole lines (the last may lack its line end at the end of the file)."""
        self.lines += buf.count(b"\n", a, b)
        if buf.find(b"\r", a, b) >= 0:
            self.cr += buf.count(b"\r", a, b)
            self.crlf += buf.count(b"\r\n", a, b)
        if self.spaced_quote:
            return
        for m in self._quote.finditer(buf, a, b):
            if m.group(1):
                self.spaced_quote = True
                return
            j = m.start() - 1  # spaces between a delimiter and a quote
            while j > a and buf[j - 1] == 32:
                j -= 1
            if j == a or buf[j - 1 : j] in (self.sep, b"\n", b"\r"):
                self.spaced_quote = True
                return

    @property
    def n(self) -> int:
        """Lines as `load._Lines` counts them."""
        return self.lines + (0 if self.last == b"\n" else 1)

    @property
    def lone_cr(self) -> bool:
        return self.cr != self.crlf


@dataclass
class _Read:
    table: BigTable
    enc: str
    sep: str


def read_big(
    path: Path,
    shown: str,
    engine: Engine,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> _Read | None:
    """`load.read_export` into `engine` for a big export; None for the plain path."""
    try:
        return _read(path, shown, engine, encoding, delimiter)
    except (_Plain, DaasError, OSError, UnicodeError, LookupError, duckdb.Error):
        return None


def _read(
    path: Path, shown: str, engine: Engine, encoding: str | None, delimiter: str | None
) -> _Read:
    if not path.is_file() or GLOB.search(str(path)):
        raise _Plain("not a plain file")
    with path.open("rb") as f:  # as `load.read_export` decodes a head: the file when small
        first = f.read(-1 if path.stat().st_size <= load.HEAD else load.CHUNK)
    if not first.strip():
        raise _Plain("empty")
    if encoding:
        enc = codecs.lookup(encoding).name
    elif first.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    else:
        enc = "utf-8"
        try:
            codecs.getincrementaldecoder(enc)().decode(first, final=False)
        except UnicodeDecodeError:
            enc = "cp1252"
    if encoding:
        return _read_as(path, shown, engine, enc, first, delimiter)
    if enc == "utf-8":
        try:
            return _read_as(path, shown, engine, enc, first, delimiter)
        except duckdb.Error as exc:
            if "unicode" not in str(exc).lower():
                raise
            enc = "cp1252"
    if enc == "cp1252":  # as `load._detected`: Windows-1252, else Latin-1
        try:
            return _read_as(path, shown, engine, enc, first, delimiter)
        except UnicodeDecodeError:
            enc = "latin-1"
    return _read_as(path, shown, engine, enc, first, delimiter)


def _read_as(
    path: Path, shown: str, engine: Engine, enc: str, first: bytes, delimiter: str | None
) -> _Read:
    head = codecs.getincrementaldecoder(enc)().decode(first, final=False)[: load.HEAD]
    # `detect_delimiter` reads the same lines of the head as of the whole text
    whole = path.stat().st_size <= load.HEAD
    if "\x00" in head[:4096] or head.startswith("\ufeff") or not (whole or head.count("\n") > 50):
        raise _Plain("not text, a kept byte-order mark, or long lines")
    sep = delimiter or load.detect_delimiter(head)
    if len(sep) != 1 or sep in '"\r\n ':
        raise _Plain("a delimiter DuckDB cannot take")
    header = load._header(head, sep, shown)
    names, repeated = load._unique_names(header)
    lower = {n.lower() for n in names}  # DuckDB's names ignore case; `rowid` is its row's number
    if len(names) < 2 or "" in names or len(lower) < len(names) or "rowid" in lower:
        raise _Plain("a header DuckDB cannot name")
    scan = _Scan(sep.encode())
    if enc in DIRECT:  # DuckDB reads the file while Python scans it
        reading = _Reading(engine, path, sep, names)
        try:
            _source(path, engine, enc, scan)
        except BaseException:
            with contextlib.suppress(Exception):
                reading.result().drop()
            raise
        source, table = path, reading.result()
    else:
        source, table = _source(path, engine, enc, scan), None
    try:
        if scan.lone_cr or scan.spaced_quote or not is_big(scan.n - 1):
            raise _Plain("a lone carriage return, spaces next to a quote, or not big")
        table = table or _table(engine, source, sep, names)
        rows = len(table)
        if not is_big(rows) or _blank_lines(engine, table, names):
            raise _Plain("not big, or a line of spaces")
        if scan.n != rows + 1:
            text_enc = enc if source == path else "utf-8"
            lines = load._Lines.counted(source, text_enc, shown, scan.n, False)
            starts = lines.records(sep, rows)
            if starts is not None:
                table.attrs[load.LINES] = starts
    except BaseException:
        if table is not None:
            table.drop()
        raise
    finally:
        if source != path:
            source.unlink(missing_ok=True)
    if repeated:
        table.attrs[load.DUPLICATES] = repeated
    return _Read(table, enc, sep)


def _source(path: Path, engine: Engine, enc: str, scan: _Scan) -> Path:
    """The file DuckDB reads: the export, or a UTF-8 copy of it in the engine's folder when
    written in another encoding (UnicodeDecodeError when it does not decode); `scan` sees
    every byte of it."""
    if enc in DIRECT:
        with path.open("rb") as f:
            while chunk := f.read(SCAN):
                scan.feed(chunk)
        scan.close()
        return path
    copy = engine.folder / f"{engine.name('export')}.csv"
    decoder = codecs.getincrementaldecoder(enc)()
    try:
        with path.open("rb") as f, copy.open("wb") as out:
            while chunk := f.read(SCAN):
                data = decoder.decode(chunk).encode("utf-8")
                scan.feed(data)
                out.write(data)
            data = decoder.decode(b"", final=True).encode("utf-8")
            scan.feed(data)
            out.write(data)
    except UnicodeDecodeError:
        copy.unlink(missing_ok=True)
        raise
    scan.close()
    return copy


def _table(engine: Engine, source: Path, sep: str, names: list[str]) -> BigTable:
    """The export's records as a table of text columns named `names` ('' for blank)."""
    cols = "{" + ", ".join(f"{literal(f'c{i}')}: 'VARCHAR'" for i in range(len(names))) + "}"
    select = ", ".join(f"coalesce(c{i}, '') AS {quoted(n)}" for i, n in enumerate(names))
    options = (
        f"header = true, auto_detect = false, columns = {cols}, delim = {literal(sep)}, "
        f"quote = '\"', escape = '\"', strict_mode = true, null_padding = true, "
        f"nullstr = {literal(NO_NULL)}, encoding = 'utf-8', compression = 'none'"
    )
    sql = f"SELECT {select} FROM read_csv({literal(str(source))}, {options}"
    try:
        return temporary(engine, "export", sql + ")")
    except duckdb.Error as exc:
        if "parallel" not in str(exc):
            raise
    # quoted line breaks with short rows: DuckDB's parallel reader cannot pad them
    return temporary(engine, "export", sql + ", parallel = false)")


def temporary(engine: Engine, stem: str, select: str) -> BigTable:
    """`engine.table` as a temporary table: a quarter of the work of writing into the
    database's file (DuckDB keeps it in memory, spilling to its temporary folder past its
    memory limit); it lives as long as the engine's connection."""
    name = engine.name(stem)
    engine.execute(f"CREATE TEMP TABLE {quoted(name)} AS {select}")
    return BigTable(engine, name)


class _Reading:
    """`_table` in a thread (DuckDB lets go of Python's lock while it works): the engine's
    connection is not used by anything else until `result`."""

    def __init__(self, engine: Engine, source: Path, sep: str, names: list[str]) -> None:
        self._out: BigTable | BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(engine, source, sep, names))
        self._thread.start()

    def _run(self, *args) -> None:
        try:
            self._out = _table(*args)
        except BaseException as exc:  # handed to `result`
            self._out = exc

    def result(self) -> BigTable:
        self._thread.join()
        if isinstance(self._out, BaseException):
            raise self._out
        assert self._out is not None
        return self._out


def _blank_lines(engine: Engine, table: BigTable, names: list[str]) -> bool:
    """Whether a row could be a line of spaces or tabs only (pandas skips such a line)."""
    first, rest = quoted(names[0]), [quoted(n) for n in names[1:]]
    cond = " AND ".join(
        [f"{first} <> ''", f"trim({first}, ' \t') = ''"] + [f"{c} = ''" for c in rest]
    )
    return bool(engine.execute(f"SELECT count(*) FROM {table.sql} WHERE {cond}").fetchall()[0][0])
