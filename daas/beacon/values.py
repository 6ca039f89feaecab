"""Reading dates and numbers from an export's text with certainty, one source column at a time.

- Dates become `YYYY-MM-DD`. Day/month order comes from the mapping (`date_format`) or from the
  column's unambiguous values (`31/12/2035` is day-first); a column that cannot tell raises
  `AmbiguousDates`. Placeholders are not dates: far-future years (`12-30-3799`, `9999-12-31`),
  the spreadsheet zero (`1899-12-30`, `1900-01-01`), a number of years typed into a date cell
  (`1939-12-30` = 40 years counted from 1899-12-30) and the values a mapping declares.
- Date-times become ISO 8601 (`YYYY-MM-DDTHH:MM:SS`, with the export's offset when it gives
  one: a time without one stays local time), by the same rules for the day; a 12-hour clock is
  read by its AM/PM.
- Numbers become plain `1234.56`. A decimal comma (`-33,478965`, `1.234,56`) is read as one when
  the value, the column or the mapping (`decimal`) says so; a value that could be read two ways is
  noted as ambiguous instead of guessed.

Each function returns the new text and a note per row ("" = read as is, else a `NOTE_*` kind);
a noted value keeps its export text so the quality report can show it.
"""

from __future__ import annotations

import operator
import re
from calendar import monthrange
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import compress

import numpy as np
import pandas as pd

NOTE_PLACEHOLDER = "placeholder"  # means "never" or "unknown"
NOTE_PERIOD = "period"  # a number of years typed into a date cell
NOTE_AMBIGUOUS = "ambiguous"  # a number that reads two ways
SPREADSHEET_ZERO = date(1899, 12, 30)
SENTINEL_DATES = {date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1), date(2099, 12, 31)}
FAR_FUTURE = 2200  # a year from here on means "never"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YMD = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME + "$")
_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})" + _TIME + "$")
_ANY_DATE = re.compile(
    r"^(?:(\d{4})([-/.])(\d{1,2})\2(\d{1,2})|(\d{1,2})([-/.])(\d{1,2})\6(\d{4}))" + _TIME + "$"
)
_DATETIME = re.compile(
    r"^(?:(\d{4})([-/.])(\d{1,2})\2(\d{1,2})|(\d{1,2})([-/.])(\d{1,2})\6(\d{4}))"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([AaPp][Mm])?(Z|[+-]\d{2}:?\d{2})?)?$"
)
_ISO_SECONDS = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:(?!-00:00)[+-](?:[01]\d|2[0-3]):[0-5]\d)?"
)  # ISO 8601 to the second as `datetime.isoformat` writes it (`-00:00` is written `+00:00`)
_SENTINEL_DAYS = {(d.year, d.month, d.day) for d in SENTINEL_DATES}
_CURRENCY = re.compile(r"^([+-]?)\s*(?:R\$|US\$|[$€£¥])?\s*([+-]?)([\d.,\s\u00a0\u202f']+)$")
# a number needs reading when it has more than digits, a sign and (in a coordinate) one point
_MARK_CHARS = ",$€£¥R \u00a0\u202f'"
_MARKS = re.compile(f"[{_MARK_CHARS}]")
_MARKS_OR_POINT = re.compile(f"[{_MARK_CHARS}.]")
SEP = "\x00"
ISO_BLOCK = 100_000  # date-times read as a matrix at a time (bounds the memory it takes)
_TWO_POINTS = re.compile(r"\.[^\x00.]*\.")  # two decimal points in one value
COORDINATES = {"latitude", "longitude", "lat", "lon", "long"}  # schema field names
MONEY = {"asking_rent", "max_income", "median_asking_rent"}


class AmbiguousDates(ValueError):
    """A column whose day/month order its values cannot tell (examples attached)."""

    def __init__(self, examples: list[str], conflict: bool):
        super().__init__(", ".join(examples))
        self.examples, self.conflict = examples, conflict


def read_dates(
    col: pd.Series, fmt: str | None = None, placeholders: frozenset[str] = frozenset()
) -> tuple[pd.Series, pd.Series]:
    """`col` as ISO dates where read with certainty; (text, note) per row. Raises
    `AmbiguousDates` when no `fmt` is given and the day/month order cannot be told."""
    codes, uniq = pd.factorize(col, sort=False)
    texts = _texts(uniq)
    if not fmt:
        out, notes = _read_undeclared(texts, day_month_order(texts), placeholders)
        return _spread(col, codes, out), _spread(col, codes, notes)
    out, notes = [], []
    for t in texts:
        iso, note = _read_date(t, fmt, None, placeholders)
        out.append(iso if iso is not None and not note else t)
        notes.append(note)
    return _spread(col, codes, out), _spread(col, codes, notes)


def read_datetimes(
    col: pd.Series,
    fmt: str | None = None,
    placeholders: frozenset[str] = frozenset(),
    big: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """`col` as ISO 8601 date-times where read with certainty; (text, note) per row, as
    `read_dates` (a value with no time of day stays a date). `fmt` is tried first; a value it
    does not fit is read in the day/month order it declares. `big` (a big table's column,
    `daas.core.tables.is_big`): a column written in ISO 8601 already is recognised as it is,
    without finding its distinct values first (nearly every value is distinct)."""
    if big and (same := _iso_column(col, fmt, placeholders)) is not None:
        return same
    codes, uniq = pd.factorize(col, sort=False)
    texts = _texts(uniq)
    out = _iso_already(texts, fmt, placeholders)
    notes = [""] * len(texts)
    rest = [i for i, iso in enumerate(out) if iso is None]
    order = _declared_order(fmt) if fmt else day_month_order([texts[i] for i in rest])
    for i in rest:
        iso, notes[i] = _read_datetime(texts[i], fmt, order, placeholders)
        out[i] = iso if iso is not None and not notes[i] else texts[i]
    return _spread(col, codes, out), _spread(col, codes, notes)


def _iso_column(
    col: pd.Series, fmt: str | None, placeholders: frozenset[str]
) -> tuple[pd.Series, pd.Series] | None:
    """What `read_datetimes` gives a column with no missing value whose every text is blank
    or one `_iso_already` gives back as itself (its ISO form already): the texts, and no
    notes; None for any other column (its first `ISO_BLOCK` values are looked at first)."""
    texts = col.to_numpy(dtype=object).tolist()
    if not all(map(str.__instancecheck__, texts)):
        return None
    for part in (texts[:ISO_BLOCK], texts[ISO_BLOCK:]):
        filled = [t for t in part if t]
        if not all(map(operator.is_, _iso_already(filled, fmt, placeholders), filled)):
            return None
    notes = pd.Series("", index=col.index, dtype=object)
    return pd.Series(texts, index=col.index, dtype=object), notes


def _iso_already(
    texts: list[str], fmt: str | None, placeholders: frozenset[str]
) -> list[str | None]:
    """Each text's ISO form when it is ISO 8601 to the second already (`2025-03-01 08:15:00`,
    an offset allowed) on a day from 2000 to 2098, where no placeholder rule applies; else
    None. A large export has millions of distinct date-times: ASCII texts are read as a
    matrix of characters with numpy, `ISO_BLOCK` at a time, the few others one by one; a text
    already in its ISO form is given back as the same string (no copy of it is kept)."""
    if not texts or (fmt and not fmt.startswith("%Y-%m-%d")):
        return [None] * len(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    sized = np.flatnonzero((lengths == 19) | (lengths == 25))  # as `_ISO_SECONDS` matches
    out = np.full(len(texts), None, dtype=object)
    for start in range(0, len(sized), ISO_BLOCK):
        rows = sized[start : start + ISO_BLOCK]
        block = [texts[i] for i in rows.tolist()]
        codes = np.array(block, dtype="U25").view(np.uint32).reshape(len(rows), 25)
        wide = (codes > 127).any(axis=1)
        # one row per character: each test reads a contiguous row
        columns = np.ascontiguousarray(codes.T.astype(np.uint8))
        del codes
        found = _iso_shaped(columns, lengths[rows] == 19) & ~wide
        if placeholders:
            found &= np.array([t not in placeholders for t in block], dtype=bool)
        found[found] = _on_kit_day(columns[:, found])
        spaced = found & (columns[10] == 32)
        out[rows[found & ~spaced]] = np.array(block, dtype=object)[found & ~spaced]
        if spaced.any():  # "T" between the day and the time
            out[rows[spaced]] = [t[:10] + "T" + t[11:] for t in compress(block, spaced.tolist())]
        others = np.flatnonzero(wide).tolist()
        out[rows[others]] = _iso_one_by_one([block[i] for i in others], placeholders)
    return out.tolist()


def _iso_shaped(codes: np.ndarray, short: np.ndarray) -> np.ndarray:
    """Which texts, given as 25 rows of ASCII codes (a text's k-th character in row k, 0
    after its end; `short`: the texts of 19), `_ISO_SECONDS` matches whole."""

    def digit(k: int) -> np.ndarray:
        return (codes[k] >= 48) & (codes[k] <= 57)

    def among(k: int, chars: str) -> np.ndarray:
        return np.logical_or.reduce([codes[k] == ord(c) for c in chars])

    ok = among(4, "-") & among(7, "-") & among(10, "T ") & among(13, ":") & among(16, ":")
    for k in (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18):
        ok &= digit(k)
    bare = short & (codes[19] == 0)  # numpy drops a text's final NULs
    hour = among(20, "01") & digit(21) | among(20, "2") & among(21, "0123")
    offset = among(19, "+-") & hour & among(22, ":") & among(23, "012345") & digit(24)
    zero = np.logical_and.reduce([codes[19 + i] == ord(c) for i, c in enumerate("-00:00")])
    return ok & (bare | offset & ~zero)


def _on_kit_day(codes: np.ndarray) -> np.ndarray:
    """Which ISO-shaped date-times (as `_iso_shaped` takes them) `%Y-%m-%d %H:%M:%S` reads as
    a moment from 2000 to 2098: a real day, an hour to 23, a minute to 59, a second to 61 (60
    and 61 carry into the next minute, as pandas reads them)."""

    def number(*ks: int) -> np.ndarray:
        out = np.zeros(codes.shape[1], dtype=np.int64)
        for k in ks:
            out = out * 10 + codes[k] - 48
        return out

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    hour, minute, second = number(11, 12), number(14, 15), number(17, 18)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)]
    days = days + (leap & (month == 2))
    real = (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)
    real &= (hour <= 23) & (minute <= 59) & (second <= 61)
    carried = (month == 12) & (day == 31) & (hour == 23) & (minute == 59) & (second >= 60)
    year = year + carried
    return real & (year >= 2000) & (year <= 2098)


def _iso_one_by_one(texts: list[str], placeholders: frozenset[str]) -> list[str | None]:
    """`_iso_already` one text at a time (texts with characters beyond ASCII)."""
    full = _ISO_SECONDS.fullmatch
    shaped = [t if full(t) and t not in placeholders else "" for t in texts]
    clock = pd.Series([t[:10] + " " + t[11:19] if t else None for t in shaped], dtype=object)
    moments = pd.to_datetime(clock, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    years = moments.dt.year.to_numpy(dtype=float, na_value=np.nan)
    ok = ((years >= 2000) & (years <= 2098)).tolist()
    return [t[:10] + "T" + t[11:] if good else None for t, good in zip(shaped, ok, strict=True)]


def _declared_order(fmt: str) -> str:
    """The order a format writes the day in: "ymd" (year first), "dmy" or "mdy"."""
    year, month, day = (fmt.index(code) for code in ("%Y", "%m", "%d"))
    return "ymd" if year < min(month, day) else "dmy" if day < month else "mdy"


def _read_datetime(
    text: str, fmt: str | None, order: str | None, placeholders: frozenset[str]
) -> tuple[str | None, str]:
    if text == "":
        return None, ""
    if text in placeholders or _far_future(text):
        return None, NOTE_PLACEHOLDER
    moment = _parse_datetime(text, fmt, order)
    if moment is None:
        return None, ""  # not a date-time: the quality checks report it
    note = _day_note(moment.year, moment.month, moment.day)
    if note:
        return None, note
    return moment.isoformat(), ""


def _parse_datetime(text: str, fmt: str | None, order: str | None) -> datetime | date | None:
    """The moment `text` names (a date when it has no time of day), or None."""
    if fmt:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    m = _DATETIME.match(text)
    if m is None:
        return None
    g = m.groups()
    if g[0] is not None:
        y, mo, d = int(g[0]), int(g[2]), int(g[3])
    elif order == "ymd":
        return None  # the declared format writes the year first
    else:
        a, b, y = int(g[4]), int(g[6]), int(g[7])
        d, mo = (a, b) if order == "dmy" else (b, a)
    try:
        day = date(y, mo, d)
        if g[8] is None:
            return day
        hour = _hour(int(g[8]), g[12])
        micro = int((g[11] or "0")[:6].ljust(6, "0"))
        zone = _offset(g[13]) if g[13] else None
        return datetime(y, mo, d, hour, int(g[9]), int(g[10] or 0), micro, tzinfo=zone)
    except ValueError:  # no such day, hour or offset
        return None


def _hour(hour: int, half: str | None) -> int:
    """The hour on a 24-hour clock (12 AM is 0, 12 PM is 12); ValueError when out of range."""
    if half is None:
        return hour
    if not 1 <= hour <= 12:
        raise ValueError(f"{hour} {half} is no hour")
    return hour % 12 + (12 if half.upper() == "PM" else 0)


def _offset(text: str) -> timezone:
    """`Z`, `+05:30` or `-0300` as a fixed offset."""
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _read_undeclared(
    texts: list[str], order: str | None, placeholders: frozenset[str]
) -> tuple[list[str], list[str]]:
    """What `_read_date` gives each text when no format is declared (text, note), in one tight
    loop: a large export has a hundred thousand distinct dates."""
    out, notes = [], []
    match = _ANY_DATE.match
    for t in texts:
        m = match(t) if t and t not in placeholders else None
        if m is None:
            out.append(t)
            notes.append(NOTE_PLACEHOLDER if t and t in placeholders else "")
            continue
        g = m.groups()
        if g[0] is not None:
            y, mo, d = int(g[0]), int(g[2]), int(g[3])
        else:
            a, b, y = int(g[4]), int(g[6]), int(g[7])
            d, mo = (a, b) if order == "dmy" else (b, a)
        out.append(t)
        if y >= FAR_FUTURE:
            notes.append(NOTE_PLACEHOLDER)
        elif y < 1 or not 1 <= mo <= 12 or not 1 <= d <= monthrange(y, mo)[1]:
            notes.append("")  # not a date: the quality checks report it
        elif note := _day_note(y, mo, d):
            notes.append(note)
        else:
            out[-1] = f"{y:04d}-{mo:02d}-{d:02d}"
            notes.append("")
    return out, notes


def _day_note(y: int, mo: int, d: int) -> str:
    """What a valid day really is: "" (a date), a placeholder (far future, a spreadsheet's zero,
    a sentinel) or a period (a number of years typed into a date cell)."""
    if y >= FAR_FUTURE or (y, mo, d) in _SENTINEL_DAYS or y < SPREADSHEET_ZERO.year:
        return NOTE_PLACEHOLDER
    if mo == 12 and d == 30 and y < 2000:
        return NOTE_PERIOD
    return ""


def day_month_order(texts: list[str]) -> str | None:
    """The order ("dmy" or "mdy") shown by values only one order reads (`31/12/2035`); None when no
    value needs an order. Raises `AmbiguousDates` when values need one and none (or both) shows."""
    dmy, mdy, unsure = [], [], []
    for t in texts:
        m = _DMY.match(t)
        if not m or int(m.group(4)) >= FAR_FUTURE:  # 12-30-3799 says nothing about the order
            continue
        a, b = int(m.group(1)), int(m.group(3))
        if a > 12 >= b:
            dmy.append(t)
        elif b > 12 >= a:
            mdy.append(t)
        elif a != b and a <= 12 and b <= 12:
            unsure.append(t)
    if dmy and mdy:
        raise AmbiguousDates([dmy[0], mdy[0]], conflict=True)
    if dmy or mdy:
        return "dmy" if dmy else "mdy"
    if unsure:
        raise AmbiguousDates(unsure[:2], conflict=False)
    return None


def _read_date(
    text: str, fmt: str | None, order: str | None, placeholders: frozenset[str]
) -> tuple[str | None, str]:
    if text == "":
        return None, ""
    if text in placeholders or _far_future(text):
        return None, NOTE_PLACEHOLDER
    day = _parse(text, fmt, order)
    if day is None:
        return None, ""  # not a date: the quality checks report it
    note = _day_note(day.year, day.month, day.day)
    return (None, note) if note else (day.isoformat(), "")


def _far_future(text: str) -> bool:
    m = _YMD.match(text)
    year = m.group(1) if m else (m.group(4) if (m := _DMY.match(text)) else "0")
    return int(year) >= FAR_FUTURE


def _parse(text: str, fmt: str | None, order: str | None) -> date | None:
    """The day `text` names, or None (Python's dates reach year 9999, pandas' only 2262)."""
    if fmt:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    m = _YMD.match(text)
    if m and (m.group(2) == "-" or not fmt):
        y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
    else:
        m = None if fmt else _DMY.match(text)
        if not m:
            return None
        a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        d, mo = (a, b) if order == "dmy" else (b, a)
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def read_numbers(
    col: pd.Series, field: str, decimal: str | None = None, integer: bool = False
) -> tuple[pd.Series, pd.Series]:
    """`col` with each number written plainly (`1234.56`); (text, note) per row. Values that
    are not numbers stay as they are, for the quality checks to report."""
    kind = "coordinate" if field in COORDINATES else "count" if integer else "money"
    marks = _MARKS if kind == "coordinate" else _MARKS_OR_POINT
    plain = pd.Series("", index=col.index, dtype=object)
    if _all_plain(col, marks):
        return col, plain
    codes, uniq = pd.factorize(col, sort=False)
    texts = _texts(uniq)
    todo = [i for i, t in enumerate(texts) if marks.search(t) or t.count(".") > 1]
    if not todo:
        return col, plain
    parts = {i: _split(texts[i]) for i in todo}
    mark = decimal or column_mark([p for p in parts.values() if p])
    notes = [""] * len(texts)
    for i, p in parts.items():
        if p:
            texts[i], notes[i] = _number(p, kind, mark, decimal is not None)
    return _spread(col, codes, texts), _spread(col, codes, notes)


def _all_plain(col: pd.Series, marks: re.Pattern) -> bool:
    """Whether no value of `col` needs reading, looked for in one pass over the values joined
    (a column of plain numbers, the usual case, then costs no per-value work)."""
    try:
        joined = SEP.join(col.to_numpy(dtype=object))
    except TypeError:  # a missing value
        return False
    chars = _MARK_CHARS if marks is _MARKS else _MARK_CHARS + "."
    return not any(c in joined for c in chars) and not _TWO_POINTS.search(joined)


def _split(text: str) -> tuple[str, str] | None:
    """(sign, digits and separators) of a number written with separators or a currency."""
    m = _CURRENCY.match(text.strip())
    if not m or not any(c.isdigit() for c in m.group(3)):
        return None
    body = re.sub(r"[\s\u00a0\u202f']", "", m.group(3))
    return ("-" if "-" in m.group(1) + m.group(2) else ""), body


def column_mark(parts: list[tuple[str, str]]) -> str | None:
    """The decimal mark the column's unambiguous values show ("," or "."); None when they show
    none, or both."""
    seen = set()
    for _, body in parts:
        mark = _own_mark(body)
        if mark:
            seen.add(mark)
    return seen.pop() if len(seen) == 1 else None


def _own_mark(body: str) -> str | None:
    """The decimal mark a value shows by itself: the last of two kinds of separator, a single
    separator not followed by three digits, or the other kind when one repeats."""
    commas, dots = body.count(","), body.count(".")
    if commas and dots:
        return "," if body.rfind(",") > body.rfind(".") else "."
    sep = "," if commas else "."
    if commas + dots == 1:
        return sep if len(body) - body.index(sep) - 1 != 3 else None
    return ("." if sep == "," else ",") if commas + dots > 1 else None


def _number(p: tuple[str, str], kind: str, mark: str | None, declared: bool) -> tuple[str, str]:
    sign, body = p
    seps = [c for c in body if c in ",."]
    if not seps:
        return sign + body, ""
    if kind == "coordinate" and len(seps) == 1:
        point = seps[0]  # coordinates have no thousands
    elif declared and mark is not None:
        point = mark
    else:
        own = _own_mark(body)
        if own is None:  # one separator with three digits after it: 1,250 or 1.250
            other = "." if seps[0] == "," else ","
            if kind == "money" and mark == seps[0]:
                return sign + body, NOTE_AMBIGUOUS  # the column writes decimals this way
            own = other  # whole numbers group; money has 0 or 2 decimals
        point = own
    whole, frac = body.rsplit(point, 1) if point in body else (body, "")
    group = "." if point == "," else ","
    if not _grouped(whole, group) or (point in body and not frac.isdigit()):
        return sign + body, ""  # not a number we can read: reported as such
    return sign + whole.replace(group, "") + ("." + frac if frac else ""), ""


def _grouped(whole: str, group: str) -> bool:
    """`whole` is digits, grouped in threes by `group` if at all (`1,234,567`)."""
    if not whole:
        return False
    parts = whole.split(group)
    if not all(p.isdigit() for p in parts):
        return False
    return len(parts) == 1 or (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]))


def _texts(uniq) -> list[str]:
    """The distinct values `pd.factorize` gives as Python strings (taken as one object array:
    going through a pandas string array value by value costs microseconds each)."""
    return list(map(str, np.asarray(uniq, dtype=object)))


def _spread(col: pd.Series, codes: np.ndarray, values: list) -> pd.Series:
    """The value of each row from its code in `pd.factorize` (-1, a missing value, gives "")."""
    table = np.empty(len(values) + 1, dtype=object)
    table[: len(values)], table[-1] = values, ""
    return pd.Series(table[codes], index=col.index, dtype=object)
