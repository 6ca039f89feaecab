"""What a team should know about a CSV before mapping it (`daas data check FILE [--json]`).

Any export a city sends: the encoding and delimiter (found by the Beacon's own detection), then
the problems that make a value wrong without an error: encoding damage, rows with more or fewer
fields than the header, duplicate rows and keys, placeholder values, day/month order and date
formats that change within a column, formats that change within a column, unnamed and empty
columns.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from daas.core.i18n import N_, _

EXAMPLES = 5  # row numbers listed per finding
# encoding damage: UTF-8 read as Latin-1 (Ã©, Â + no-break space, â€™), the replacement
# character, and `?` standing for a letter the export could not write (S?o Paulo)
MOJIBAKE = re.compile(r"Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]|â€|\ufffd|(?<=[^\W\d_])\?(?=[^\W\d_])")
SENTINELS = frozenset(
    ("n/a", "na", "#n/a", "null", "none", "unspecified", "0 unspecified", "unknown", "tbd",
     "confidential", "redacted", "-", "9999", "99999", "999999", "99/99/9999", "00/00/0000",
     "1900-01-01", "9999-12-31", "12/31/9999")
)  # fmt: skip
SENTINEL_SHAPE = re.compile(r"^(-{2,}|\.{2,}|\?+|x{3,}|_{2,}|\*+)$", re.IGNORECASE)
KEY_NAME = re.compile(r"(^|[^a-z])(id|key|code|codigo|código|nro|numero|número|contacto)$", re.I)
DATE = {
    "DD/MM/YYYY": re.compile(r"^(\d{1,2})/(\d{1,2})/\d{4}$"),
    "DD/MM/YYYY hh:mm[:ss]": re.compile(r"^(\d{1,2})/(\d{1,2})/\d{4}[ T]\d{1,2}:\d{2}(:\d{2})?$"),
    "MM/DD/YYYY hh:mm:ss AM/PM": re.compile(
        r"^(\d{1,2})/(\d{1,2})/\d{4} \d{1,2}:\d{2}(:\d{2})? ?[AP]M$", re.I
    ),
    "YYYY-MM-DD": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "YYYY-MM-DD hh:mm[:ss]": re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?"),
    "DD-MM-YYYY": re.compile(r"^(\d{1,2})-(\d{1,2})-\d{4}$"),
    "DD.MM.YYYY": re.compile(r"^(\d{1,2})\.(\d{1,2})\.\d{4}$"),
    "YYYYMMDD": re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$"),
}


@dataclass
class Finding:
    """One kind of problem in one column (or the whole file): how many rows, and which."""

    check: str
    message: str
    column: str = ""
    count: int = 0
    rows: list[int] = field(default_factory=list)  # line numbers in the file (header = 1)
    examples: list[str] = field(default_factory=list)


@dataclass
class Report:
    file: str
    encoding: str
    delimiter: str
    rows: int
    columns: list[str]
    findings: list[Finding]

    @property
    def clean(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict:
        return {**asdict(self), "clean": self.clean}


# ---------------------------------------------------------------- reading


def read(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], str, str]:
    """(header, [(line, fields)], encoding, delimiter), by the Beacon's detection; DaasError
    (exit 2) for a file that cannot be read as CSV."""
    from daas.beacon.load import detect_delimiter, detect_encoding
    from daas.core.errors import DaasError
    from daas.core.tables import shown

    name = shown(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DaasError.one(
            name,
            "",
            _("cannot read the file ({error})").format(error=exc.strerror or exc),
            _("check the file name and folder"),
        ) from None
    if not data.strip():
        raise DaasError.one(name, "", _("the file is empty"), _("export the data again"))
    encoding = detect_encoding(data)
    text = data.decode(encoding, errors="replace")
    if "\x00" in text[:4096]:
        raise DaasError.one(
            name,
            "",
            _("this is not a text (CSV) file"),
            _("export the data as CSV, not a spreadsheet"),
        )
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        records, start = [], reader.line_num + 1
        for fields in reader:
            records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DaasError.one(
            name,
            _("line {line}").format(line=reader.line_num),
            _("not a readable CSV file ({error})").format(error=exc),
            _("export it again as CSV"),
        ) from None
    return header, [r for r in records if any(f.strip() for f in r[1])], encoding, delimiter


# ---------------------------------------------------------------- checks


def _finding(check: str, message: str, column: str, hits: list[tuple[int, str]]) -> Finding:
    return Finding(
        check,
        message,
        column,
        len(hits),
        [h[0] for h in hits[:EXAMPLES]],
        list(dict.fromkeys(h[1] for h in hits))[:EXAMPLES],
    )


def _columns(header: list[str], records) -> dict[int, list[tuple[int, str]]]:
    """Column index -> [(line, value)] over the rows that have the header's number of fields."""
    cols: dict[int, list[tuple[int, str]]] = {i: [] for i in range(len(header))}
    for line, fields in records:
        if len(fields) == len(header):
            for i, value in enumerate(fields):
                cols[i].append((line, value))
    return cols


def header_findings(header: list[str]) -> list[Finding]:
    out = []
    for i, name in enumerate(header, 1):
        if not name.strip():
            msg = _("column {n} has no name (often a spreadsheet or pandas row index)")
            out.append(Finding("unnamed-column", msg.format(n=i), str(i)))
    for name, n in Counter(h.strip() for h in header if h.strip()).items():
        if n > 1:
            msg = _("{n} columns share this name: the kit cannot tell them apart; rename one")
            out.append(Finding("duplicate-header", msg.format(n=n), name, n))
    return out


def shifted_rows(header: list[str], records) -> list[Finding]:
    out = []
    more = [(line, str(len(f))) for line, f in records if len(f) > len(header)]
    fewer = [(line, str(len(f))) for line, f in records if len(f) < len(header)]
    if more:
        msg = _("rows with more fields than the header's {n}: a delimiter inside a value?")
        out.append(_finding("shifted-columns", msg.format(n=len(header)), "", more))
    if fewer:
        msg = _("rows with fewer fields than the header's {n}: values have moved column")
        out.append(_finding("shifted-columns", msg.format(n=len(header)), "", fewer))
    return out


def duplicates(header: list[str], records, key: str | None) -> list[Finding]:
    out, seen, copies = [], set(), []
    for line, fields in records:
        row = tuple(fields)
        if row in seen:
            copies.append((line, fields[0] if fields else ""))
        seen.add(row)
    if copies:
        out.append(_finding("duplicate-rows", _("rows repeated exactly"), "", copies))
    index = key_column(header, records, key)
    if index is not None:
        seen_keys: set[str] = set()
        repeated = []
        for line, fields in records:
            if index < len(fields) and fields[index].strip():
                value = fields[index].strip()
                if value in seen_keys:
                    repeated.append((line, value))
                seen_keys.add(value)
        if repeated:
            msg = _("key values repeated: a key should name one row")
            out.append(_finding("duplicate-keys", msg, header[index] or "1", repeated))
    return out


def key_column(header: list[str], records, key: str | None) -> int | None:
    """The key column: `--key`, else the first column when its name looks like an id (or it
    has no name, like a row index)."""
    from daas.core.errors import DaasError

    if key is not None:
        if key not in header:
            raise DaasError.one(
                "--key",
                key,
                _("no column of this name"),
                _("use one of: {columns}").format(columns=", ".join(header)),
            )
        return header.index(key)
    if header and (not header[0].strip() or KEY_NAME.search(header[0].strip())):
        return 0
    return None


def column_findings(name: str, values: list[tuple[int, str]]) -> list[Finding]:
    """Encoding damage, placeholders, blank-as-space, dates and formats in one column."""
    out = []
    damaged = [(line, v) for line, v in values if MOJIBAKE.search(v)]
    if damaged:
        msg = _("encoding damage: characters such as Ã© or Â in place of accented letters")
        out.append(_finding("encoding-damage", msg, name, damaged))
    spaces = [(line, repr(v)) for line, v in values if v and not v.strip()]
    if spaces:
        msg = _("blank written as spaces: the cell looks filled but holds nothing")
        out.append(_finding("blank-as-space", msg, name, spaces))
    placeholders = [(line, v) for line, v in values if _is_sentinel(v)]
    if placeholders:
        msg = _("placeholder values that stand for 'unknown' or 'hidden', not real values")
        out.append(_finding("sentinel-values", msg, name, placeholders))
    out += date_findings(name, values) or format_findings(name, values)
    return out


def _is_sentinel(value: str) -> bool:
    v = value.strip().lower()
    return bool(v) and (v in SENTINELS or bool(SENTINEL_SHAPE.match(v)))


def date_findings(name: str, values: list[tuple[int, str]]) -> list[Finding]:
    """Dates written in more than one way, or with day and month in both orders."""
    filled = [(line, v.strip()) for line, v in values if v.strip() and not _is_sentinel(v)]
    kinds: dict[str, list[tuple[int, str]]] = {}
    for line, v in filled:
        kind = next((k for k, rx in DATE.items() if rx.match(v)), None)
        if kind:
            kinds.setdefault(kind, []).append((line, v))
    dated = sum(len(v) for v in kinds.values())
    if not filled or dated < 0.8 * len(filled):
        return []
    out = []
    if len(kinds) > 1:
        main = max(kinds, key=lambda k: len(kinds[k]))
        others = sorted((h for k, v in kinds.items() if k != main for h in v), key=lambda h: h[0])
        msg = _("dates written in {n} formats ({formats}); most rows use {main}")
        out.append(
            _finding(
                "mixed-date-formats",
                msg.format(n=len(kinds), formats=", ".join(kinds), main=main),
                name,
                others,
            )
        )
    first: list[tuple[int, str]] = []
    second: list[tuple[int, str]] = []
    for kind in ("DD/MM/YYYY", "DD/MM/YYYY hh:mm[:ss]", "DD-MM-YYYY", "DD.MM.YYYY"):
        for line, v in kinds.get(kind, []):
            found = DATE[kind].match(v)
            if found is None:  # never: kinds holds the values DATE[kind] matched
                continue
            a, b = (int(x) for x in found.groups()[:2])
            (first if a > 12 else second if b > 12 else []).append((line, v))
    if first and second:
        msg = _("day/month order differs between rows ({a} rows day first, {b} month first)")
        out.append(
            _finding(
                "mixed-day-month",
                msg.format(a=len(first), b=len(second)),
                name,
                sorted(first if len(first) < len(second) else second),
            )
        )
    return out


NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _shape(value: str) -> str:
    """Digits collapsed to 9, so `312-600-4501` and `773-281-0701` look alike; any plain
    number (`-74`, `40.71`) is one shape."""
    v = value.strip()
    return "9.9" if NUMBER.match(v) else re.sub(r"\d+", "9", v)


def format_findings(name: str, values: list[tuple[int, str]]) -> list[Finding]:
    """A column of numbers-and-punctuation (phones, codes, zips) where a few rows differ."""
    filled = [(line, v) for line, v in values if v.strip() and not _is_sentinel(v)]
    shapes = Counter(_shape(v) for _line, v in filled)
    if len(shapes) < 2:
        return []
    main, n = shapes.most_common(1)[0]
    if re.search(r"[^\W\d_]", main) or "9" not in main or n < 0.95 * len(filled):
        return []
    odd = [(line, v) for line, v in filled if _shape(v) != main]
    msg = _("{n} rows written differently from the rest of the column (most look like {shape})")
    shape = _("a number") if main == "9.9" else main
    return [_finding("mixed-formats", msg.format(n=len(odd), shape=shape), name, odd)]


def empty_columns(header: list[str], cols: dict[int, list[tuple[int, str]]]) -> list[Finding]:
    return [
        Finding("empty-column", _("empty in every row"), header[i] or str(i + 1), len(v))
        for i, v in cols.items()
        if v and not any(x.strip() for _line, x in v)
    ]


def check(path: Path, key: str | None = None) -> Report:
    """Every check on one CSV file."""
    from daas.core.tables import shown

    header, records, encoding, delimiter = read(path)
    cols = _columns(header, records)
    findings = [*header_findings(header), *shifted_rows(header, records)]
    findings += duplicates(header, records, key)
    findings += empty_columns(header, cols)
    empty = {f.column for f in findings if f.check == "empty-column"}
    for i, name in enumerate(header):
        label = name or str(i + 1)
        if label not in empty:
            findings += column_findings(label, cols[i])
    return Report(shown(path), encoding, delimiter, len(records), header, findings)


# ---------------------------------------------------------------- command line

DELIMITER_NAMES = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("pipe")}


def render(report: Report) -> str:
    """The report as lines for a terminal, in the user's language."""
    lines = [
        _(
            "{file}: {rows} rows, {columns} columns; encoding {encoding}, delimiter {delimiter}"
        ).format(
            file=report.file,
            rows=report.rows,
            columns=len(report.columns),
            encoding=report.encoding,
            delimiter=_(DELIMITER_NAMES.get(report.delimiter, report.delimiter)),
        )
    ]
    for f in report.findings:
        where = f"{f.column}: " if f.column else ""
        count = (
            _(" ({n} rows; lines {lines})").format(n=f.count, lines=", ".join(map(str, f.rows)))
            if f.rows
            else ""
        )
        lines.append(f"  - [{f.check}] {where}{f.message}{count}")
        if f.examples and f.check not in {"shifted-columns"}:
            lines.append(
                "      "
                + _("e.g. {examples}").format(examples="; ".join(e[:60] for e in f.examples[:3]))
            )
    lines.append(
        _("clean: nothing to fix before mapping")
        if report.clean
        else _("{n} problem(s) to look at before writing a mapping").format(n=len(report.findings))
    )
    return "\n".join(lines)
