"""High-specificity identifiers, looked for in every value of a column, never a sample.

Emails, phone numbers, national ids with a check digit (and the US SSN's written form) and card
numbers with a Luhn check identify a person on their own, so one of them anywhere is enough to
stop a publication. `find(series)` returns, for each kind found, the rows holding it.

How it stays fast on millions of rows. The work is done once per distinct value (`pd.factorize`),
in blocks of at most `BLOCK` values and `BLOCK_CHARS` characters, and mapped back to rows at the
end. Cheap tests on each block's bytes come first, with numpy: which values hold an `@` (only those
are searched for emails), which hold a candidate run of digits (the same test as `_CANDIDATE_RE`,
exact on ASCII text), which are a bare number, which hold the telltale part of a written id or card
number, which may be a phone number. These tests read only the shape of each byte, so they run once
per distinct shape of value (a column of date-times has a handful). Then each pattern runs once
over the values that passed, joined into one string separated by NUL characters, inside the regex
engine: `findall` with the pattern `NUL|P` lists the matches of P in order, interleaved with the
separators, so counting separators gives the value each match is in, without a Python object per
match. Check digits are validated on the matches alone; bare digit strings (`52998224725`) all at
once as a matrix of digits with numpy.
Bare ids count when the column's name says so, or when at least half of the column's values are
valid ids of that kind (a random 11-digit number passes the CPF check one time in 100).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import compress

import numpy as np
import pandas as pd

from daas.privacy import national_ids as nid

EMAIL = "email"
PHONE = "phone"
CARD = "card_number"
SEP = "\x00"
BARE_SHARE = 0.5  # share of a column's values that must be valid bare ids to flag the column
BLOCK = 100_000  # distinct values scanned together: bounds the memory a scan adds
BLOCK_CHARS = 4_000_000  # and their characters

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
PHONE_RE = re.compile(
    r"(?<![\w/.\-])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?|\d{2,4}[\s.\-])"
    # a Brazilian mobile number has five digits before its last four: (11) 98765-4321
    r"(?:\d{3,4}[\s.\-]?|\d{5}[\s.\-])\d{4}(?![\w/\-]|\.\d)"
)
_DECIMAL_RE = re.compile(r"^-?\d+\.\d+$")
# A value is a candidate when it holds a run of seven or more digits and separators, or the
# shape of a Mexican CURP or RFC (letters, six digits, three letters or digits); six digits are
# enough in a column named for an id. (`_CANDIDATE_SHAPES` says the same on bytes.)
_MX = r"[A-Za-zÑñ&]{3}\d{6}[A-Za-z\d]{3}"
_CANDIDATE_RE = re.compile(rf"\d[\d \t\-./()]{{6,}}|{_MX}")
_HINTED_CANDIDATE_RE = re.compile(rf"\d[\d \t\-./()]{{5,}}|{_MX}")
# a written card number: 4-4-4-4 (Visa, Mastercard...) or 4-6-5 (American Express)
CARD_RE = re.compile(
    r"(?<![\d\-])(?:\d{4}[ \-]\d{4}[ \-]\d{4}[ \-]\d{4}|\d{4}[ \-]\d{6}[ \-]\d{5})(?![\d\-])"
)
# a whole value made of 8 to 19 digits (surrounding blanks allowed)
_BARE_RE = re.compile(r"(?<![^\x00])[ \t]*(\d{8,19})[ \t]*(?![^\x00])")
_BARE_VALUE_RE = re.compile(r"(?<![^\x00])[ \t]*\d{8,19}[ \t]*(?![^\x00])")
# a whole value without letters, when the name says phone: "5552013344", "312=944-8500"
_LOOSE_PHONE_RE = re.compile(r"(?<![^\x00])[^\x00A-Za-z]{7,30}(?![^\x00])")


@dataclass
class Hits:
    """Where one kind of identifier was found: 0-based row positions and one example value.
    `total`: how many rows hold it when `rows` lists only the first of them (a big table's
    scan, `daas.privacy.big`); None when `rows` lists them all."""

    rows: np.ndarray
    example: str
    total: int | None = None

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total


def luhn_ok(digits: str) -> bool:
    """The Luhn check of card numbers (ISO/IEC 7812)."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def is_card_number(value: str) -> bool:
    """A payment card number: 13 to 19 digits, an issuer digit 3-6, and a valid Luhn check."""
    d = re.sub(r"[ \-]", "", value.strip())
    return bool(re.fullmatch(r"[3-6]\d{12,18}", d)) and luhn_ok(d)


def is_phone(text: str) -> bool:
    """A phone-number match that is not a decimal number or an SSN: 7 to 15 digits."""
    return (
        7 <= sum(c.isdigit() for c in text) <= 15
        and not _DECIMAL_RE.match(text)
        and not nid.is_us_ssn(text)
    )


def phone_like(texts: list[str]) -> np.ndarray:
    """`is_phone` over many matches at once: digits counted with numpy; only the few texts
    that could be a decimal number or an SSN are checked one by one."""
    if not texts:
        return np.zeros(0, dtype=bool)
    width = max(map(len, texts))
    chars = np.array(texts, dtype=f"<U{width}").view(np.uint32).reshape(len(texts), width)
    digits = ((chars >= 48) & (chars <= 57)).sum(axis=1)
    grouped = np.isin(chars, [32, 40, 41, 45]).any(axis=1)  # a space, bracket or dash
    ok = (digits >= 7) & (digits <= 15)
    for i in np.flatnonzero(ok & (~grouped | (digits == 9))).tolist():
        ok[i] = is_phone(texts[i])
    return ok


# ---- bare digit strings, validated as a matrix of digits (one row per value) ----


def _mod11(total: np.ndarray) -> np.ndarray:
    r = total % 11
    return np.where(r < 2, 0, 11 - r)


def _not_repeated(d: np.ndarray) -> np.ndarray:
    return ~(d == d[:, :1]).all(axis=1)


def _cpf(d: np.ndarray) -> np.ndarray:
    first = _mod11(d[:, :9] @ np.arange(10, 1, -1))
    second = _mod11(d[:, :10] @ np.arange(11, 1, -1))
    return _not_repeated(d) & (first == d[:, 9]) & (second == d[:, 10])


def _cnpj(d: np.ndarray) -> np.ndarray:
    w1 = np.array([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
    first = _mod11(d[:, :12] @ w1)
    second = _mod11(d[:, :13] @ np.concatenate([[6], w1]))
    return _not_repeated(d) & (first == d[:, 12]) & (second == d[:, 13])


def _cuit(d: np.ndarray) -> np.ndarray:
    prefix = np.isin(d[:, 0] * 10 + d[:, 1], [20, 23, 24, 27, 30, 33, 34])
    total = d[:, :10] @ np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
    check = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 0])[11 - total % 11]
    return prefix & (check == d[:, 10])


def _rut(d: np.ndarray) -> np.ndarray:
    body = d[:, -2::-1]  # the number without its check digit, last digit first
    weights = 2 + np.arange(body.shape[1]) % 6
    r = 11 - (body @ weights) % 11
    return (r < 10) & (r == d[:, -1]) | (r == 11) & (d[:, -1] == 0)


def _luhn(d: np.ndarray) -> np.ndarray:
    rev = d[:, ::-1]
    doubled = rev[:, 1::2] * 2
    total = rev[:, ::2].sum(axis=1) + (doubled - 9 * (doubled > 9)).sum(axis=1)
    return (total % 10 == 0) & (d[:, 0] >= 3) & (d[:, 0] <= 6)


# kind -> (lengths, vectorised check over a digit matrix)
BARE_CHECKS: dict[str, tuple[range, Callable[[np.ndarray], np.ndarray]]] = {
    "id:br_cpf": (range(11, 12), _cpf),
    "id:ar_cuit": (range(11, 12), _cuit),
    "id:br_cnpj": (range(14, 15), _cnpj),
    "id:cl_rut": (range(8, 10), _rut),
    CARD: (range(13, 20), _luhn),
}


def number_matrix(numbers: np.ndarray, length: int) -> np.ndarray:
    """Whole numbers written with `length` digits (leading zeros kept) as an (n, length)
    integer matrix, as `digit_matrix` gives their digit strings."""
    powers = np.uint64(10) ** np.arange(length - 1, -1, -1, dtype=np.uint64)
    return ((numbers.astype(np.uint64)[:, None] // powers) % np.uint64(10)).astype(np.int64)


def bare_ids_of_numbers(numbers: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
    """`bare_ids` of digit strings given as their numbers and their lengths (a big table's
    bare values, read as numbers in DuckDB: `daas.privacy.big`)."""
    out = {kind: np.zeros(len(numbers), dtype=bool) for kind in BARE_CHECKS}
    for kind, (allowed, check) in BARE_CHECKS.items():
        for n in allowed:
            idx = np.flatnonzero(lengths == n)
            if len(idx):
                out[kind][idx] = check(number_matrix(numbers[idx], n))
    return out


def digit_matrix(values: list[str], length: int) -> np.ndarray:
    """Digit strings of one length as an (n, length) integer matrix."""
    codes = np.array(values, dtype=f"<U{length}").view(np.uint32).reshape(-1, length)
    return codes.astype(np.int64) - 48


def bare_ids(values: list[str]) -> dict[str, np.ndarray]:
    """For each kind in `BARE_CHECKS`, a boolean mask over `values` (bare digit strings)."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    out = {kind: np.zeros(len(values), dtype=bool) for kind in BARE_CHECKS}
    for kind, (allowed, check) in BARE_CHECKS.items():
        for n in allowed:
            idx = np.flatnonzero(lengths == n)
            if len(idx):
                out[kind][idx] = check(digit_matrix([values[i] for i in idx], n))
    return out


def digit_counts(texts: list[str]) -> np.ndarray:
    """How many characters of each text are digits (`str.isdigit`), counted with numpy; only
    texts with a character beyond ASCII (which may be a digit) are counted one by one."""
    if not texts:
        return np.zeros(0, dtype=np.int64)
    width = max(map(len, texts))
    chars = np.array(texts, dtype=f"<U{width}").view(np.uint32).reshape(len(texts), width)
    counts = ((chars >= 48) & (chars <= 57)).sum(axis=1)
    for i in np.flatnonzero((chars > 127).any(axis=1)).tolist():
        counts[i] = sum(c.isdigit() for c in texts[i])
    return counts


# ---- the scan ----


@functools.cache
def _or_separator(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """A separator or `pattern`: `findall` then lists both in the order of the text."""
    assert not pattern.groups, pattern.pattern  # findall must return whole matches
    return re.compile(f"{SEP}|(?:{pattern.pattern})", pattern.flags)


class _Joined:
    """Values joined by NUL, with the way back from a match to the value holding it.

    `index` says where each value sits in the block. A value holding a NUL itself is split
    in pieces by it (as it always was for the patterns); `owner` maps pieces to values.
    """

    def __init__(self, values: list[str], index: np.ndarray) -> None:
        self.values = values
        self.index = index
        self.text = SEP.join(values)
        self.owner: np.ndarray | None = None
        if self.text.count(SEP) != len(values) - 1:
            counts = [v.count(SEP) + 1 for v in values]
            self.owner = np.repeat(np.arange(len(values)), counts)

    def __len__(self) -> int:
        return len(self.values)

    def subset(self, local: np.ndarray) -> _Joined:
        """The values at these positions (a boolean mask or positions)."""
        idx = np.flatnonzero(local) if local.dtype == bool else local
        return _Joined([self.values[i] for i in idx.tolist()], self.index[idx])

    def _values_of(self, pieces: np.ndarray) -> np.ndarray:
        return pieces if self.owner is None else self.owner[pieces]

    def find(self, pattern: re.Pattern[str]) -> tuple[np.ndarray, list[str]]:
        """Every match of `pattern`: the position of the value holding it, and its text."""
        if not self.values:
            return np.zeros(0, dtype=np.int64), []
        items = _or_separator(pattern).findall(self.text)
        seps = np.fromiter(map(SEP.__eq__, items), dtype=bool, count=len(items))
        pieces = np.cumsum(seps)[~seps]
        return self._values_of(pieces), list(compress(items, (~seps).tolist()))

    def holding(self, pattern: re.Pattern[str]) -> np.ndarray:
        """Positions of the values holding at least one match of `pattern`."""
        owners = self.find(pattern)[0]  # in the order of the text
        return owners[np.append(True, owners[1:] != owners[:-1])] if len(owners) else owners

    def matches(self, pattern: re.Pattern[str]) -> list[tuple[int, re.Match[str]]]:
        """Each match object with the position of its value (for the few that need one)."""
        found = list(pattern.finditer(self.text))
        if not found:
            return []
        pieces = self.values if self.owner is None else self.text.split(SEP)
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
        pos = np.fromiter((m.start() for m in found), dtype=np.int64, count=len(found))
        owners = self._values_of(np.searchsorted(starts, pos, side="right") - 1)
        return list(zip(owners.tolist(), found, strict=True))

    def prefilter(self, hinted: bool, which: Iterable[str]) -> dict[str, np.ndarray]:
        """Per value, what it may hold, from its UTF-8 bytes, where NUL, `@`, ASCII letters,
        digits and punctuation are single bytes:
        - `at`: an `@` (emails);
        - `wide`: a character beyond ASCII (a digit or letter of another script may match
          `\\d` or a case-insensitive letter): such values always go through the patterns;
        - `candidate`: what `_CANDIDATE_RE` (`_HINTED_CANDIDATE_RE`) finds, exactly, on ASCII;
        - `bare`: nothing but 8 or more digits and blanks (`_BARE_VALUE_RE`);
        - `written`: the telltale part of a written id or card number (`_WRITTEN_SHAPES`);
        - `phone`: the start and the end of a phone number (`_PHONE_STARTS`, `_PHONE_SHAPES`).
        """
        n, which = len(self.values), set(which)
        if self.owner is not None or set(nid.VALIDATORS) - set(_WRITTEN_SHAPES):
            return dict.fromkeys(which, np.ones(n, dtype=bool))
        if not n:
            return {name: np.zeros(0, dtype=bool) for name in which}
        # the tests read only each byte's shape (`_SHAPE_OF`): done once per distinct shape
        # (a column of date-times has a handful), then spread back over the values
        encoded = self.text.encode("utf-8", "surrogatepass").translate(_SHAPE_OF)
        codes, distinct = pd.factorize(np.array(encoded.split(b"\x00"), dtype=object))
        flags = _byte_flags(b"\x00".join(distinct), hinted, which)
        return {name: mask[codes] for name, mask in flags.items()}


def _byte_flags(text: bytes, hinted: bool, which: set[str]) -> dict[str, np.ndarray]:
    """`_Joined.prefilter`'s tests on values joined by NUL, as UTF-8 bytes."""
    raw = np.frombuffer(text, dtype=np.uint8)
    starts = np.concatenate([[0], np.flatnonzero(raw == 0) + 1])
    empty = np.append(starts[1:] - 1, len(raw)) == starts

    def per_value(mask: np.ndarray) -> np.ndarray:
        sums = np.add.reduceat(np.append(mask, False).view(np.uint8), starts, dtype=np.int64)
        return np.where(empty, 0, sums) > 0

    wide = per_value(raw >= 128)
    classes = _ByteClasses(raw)
    tests = {
        "at": lambda: per_value(raw == 64),
        "wide": lambda: wide,
        "candidate": lambda: per_value(_shapes_at(classes, _CANDIDATE_SHAPES[hinted])) | wide,
        "bare": lambda: (
            wide
            | ~per_value(~classes["d"] & (raw != 32) & (raw != 9) & (raw != 0))
            & per_value(_shapes_at(classes, ["dddddddd"]))
        ),
        "written": lambda: per_value(_shapes_at(classes, _WRITTEN_SHAPES.values())) | wide,
        "phone": lambda: (
            per_value(_shapes_at(classes, _PHONE_SHAPES))
            & per_value(_shapes_at(classes, _PHONE_STARTS))
            | wide
        ),
    }
    return {name: tests[name]() for name in which}


def _ahead(mask: np.ndarray, k: int) -> np.ndarray:
    """`mask[i + k]` at each position i (False past the end)."""
    out = np.zeros_like(mask)
    if k < len(mask):
        out[: len(mask) - k] = mask[k:]
    return out


# What every written id and card number holds, as a shape of bytes (d: a digit, L: a letter or
# &, A: a letter or digit, S: a space or dash, C: a digit, blank or one of -./(); other
# characters stand for themselves): the patterns of `national_ids.VALIDATORS` and `CARD_RE`
# without their optional parts. A kind without an entry here turns the tests off (every value
# then goes through the patterns).
_WRITTEN_SHAPES = {
    "us_ssn": "ddd-dd-dddd",  # 123-45-6789
    "br_cpf": "ddd.ddd.ddd-dd",  # 529.982.247-25
    "br_cnpj": "dd.ddd.ddd/dddd-dd",  # 11.222.333/0001-81
    "mx_curp": "LLLLdddddd",  # BOXW310820HNERXN09
    "mx_rfc": "LLLdddddd",  # GODE561231GR8
    "ar_cuit": "dd-dddddddd-d",  # 20-26756539-3
    "cl_rut": "d.ddd.ddd-",  # 12.345.678-5
    "ar_dni": "d.ddd.ddd",  # 12.345.678
    "co_cedula": "d.ddd.ddd",  # 1.234.567.890
    "card": "ddddSdddd",  # 4111 1111 1111 1111, 3782 822463 10005
}
# `_CANDIDATE_RE` and `_HINTED_CANDIDATE_RE` as shapes (A: an ASCII letter or digit)
_MX_SHAPE = "LLLddddddAAA"
_CANDIDATE_SHAPES = (["d" + "C" * 6, _MX_SHAPE], ["d" + "C" * 5, _MX_SHAPE])
# what every `PHONE_RE` match ends with, `\d{3,4}[\s.\-]?\d{4}` or `\d{5}[\s.\-]\d{4}` (P: an
# ASCII character `\s` matches, a dot or a dash), and what it holds before that:
# `\d{2,4}[\s.\-]\d{3,5}` or `\(\d{1,4}\)[\s.\-]?\d{3,5}` (`)`: a closing bracket)
_PHONE_SHAPES = ("ddddddd", "dddPdddd")
_PHONE_STARTS = ("ddPddd", "d)ddd", "d)Pddd")


_DIGITS = b"0123456789"
_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_CLASSES = {  # the bytes of each class
    "d": _DIGITS,
    "-": b"-",
    ".": b".",
    "/": b"/",
    "L": _LETTERS + b"&",
    "S": b" -",
    "A": _LETTERS + _DIGITS,
    "C": _DIGITS + b" \t-./()",
    "P": b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f.-",
    ")": b")",
}
_BIT = {name: np.uint16(1 << i) for i, name in enumerate(_CLASSES)}
_BITS = np.zeros(256, dtype=np.uint16)  # a byte -> the classes it is in, one bit each
for _name, _chars in _CLASSES.items():
    _BITS[np.frombuffer(_chars, dtype=np.uint8)] |= _BIT[_name]


def _shapes_table() -> bytes:
    """A byte -> the first byte alike for every test of `_byte_flags`: the same classes, both
    beyond ASCII or not, and NUL, tab, space and `@` kept as themselves."""
    first: dict[tuple[int, bool, int], int] = {}
    out = bytearray(256)
    for b in range(256):
        key = (int(_BITS[b]), b >= 128, b if b in (0, 9, 32, 64) else -1)
        out[b] = first.setdefault(key, b)
    return bytes(out)


_SHAPE_OF = _shapes_table()


class _ByteClasses(dict[str, np.ndarray]):
    """Class -> is each byte of `raw` in it, computed when first asked for (from one lookup of
    every byte's classes)."""

    def __init__(self, raw: np.ndarray) -> None:
        super().__init__()
        self.raw = raw
        self._bits: np.ndarray | None = None

    def __missing__(self, key: str) -> np.ndarray:
        if self._bits is None:
            self._bits = _BITS[self.raw]
        self[key] = (self._bits & _BIT[key]).astype(bool)
        return self[key]


def _shapes_at(classes: dict[str, np.ndarray], shapes: Iterable[str]) -> np.ndarray:
    """Positions where one of `shapes` starts."""
    out = np.zeros(len(classes["d"]), dtype=bool)
    for shape in set(shapes):
        hit = classes[shape[0]].copy()
        for k, c in enumerate(shape[1:], 1):
            hit &= _ahead(classes[c], k)
        out |= hit
    return out


# ---- the same tests in DuckDB, for a big table's values (`daas.privacy.big`) ----


def _re2_class(chars: bytes) -> str:
    """An RE2 class of these bytes (runs of consecutive bytes as ranges)."""
    out, codes = [], sorted(set(chars))
    while codes:
        end = 0
        while end + 1 < len(codes) and codes[end + 1] == codes[0] + end + 1:
            end += 1
        lo, hi = codes[0], codes[end]
        out.append(f"\\x{{{lo:02x}}}" + (f"-\\x{{{hi:02x}}}" if hi > lo else ""))
        codes = codes[end + 1 :]
    return "[" + "".join(out) + "]"


def _re2_shapes(shapes: Iterable[str]) -> str:
    """An RE2 pattern found where one of `shapes` (as `_shapes_at` reads them) starts, in text
    of ASCII characters (each class written byte by byte)."""
    classes = {name: _re2_class(chars) for name, chars in _CLASSES.items()}
    return "|".join("".join(classes[c] for c in shape) for shape in sorted(set(shapes)))


_PURE_BARE = "[\\x{20}\\x{09}]*[0-9]{8,19}[\\x{20}\\x{09}]*"  # `_BARE_VALUE_RE` on ASCII


def sql_prefilter(v: str, hinted: bool, phone_named: bool) -> tuple[str, str | None]:
    """DuckDB conditions on a value `v` (SQL; a value without NUL) for `found_in`, from the
    byte tests of `_Joined.prefilter` (the same definitions, written as one RE2 pattern):
    - the first holds for every value `_block_hits` can find anything in (a necessary
      condition, never a verdict). Without hints it finds anything only in a value with an
      `@`, a character beyond ASCII, or a candidate that is bare (8 digits in a row), written
      (`_WRITTEN_SHAPES`) or phone-shaped (`_PHONE_SHAPES`); with a name hinting ids or phones,
      in every candidate (`_CANDIDATE_SHAPES`);
    - the second, when not None, holds for the values that are nothing but a bare number of 8
      to 19 ASCII digits (blanks around it allowed): all `_block_hits` finds in such a value
      is `bare_ids` of its digits (it is not a written id, a card or a phone shape: no
      separator between its digits), so their verdict is `bare_ids_of_numbers`. None when
      the name hints ids or phones (then every candidate is judged one by one as well).
    When a written kind has no shape, the byte tests let every candidate through, and so do
    these (tests/test_privacy_every_value.py checks both against `found_in`)."""
    always = ["@", "[^\\x{00}-\\x{7f}]"]  # an email's `@`, a character beyond ASCII
    if hinted or phone_named or set(nid.VALIDATORS) - set(_WRITTEN_SHAPES):
        pattern = "|".join([*always, _re2_shapes(_CANDIDATE_SHAPES[hinted])])
        return f"regexp_matches({v}, '{pattern}')", None
    shapes = ["dddddddd", *_WRITTEN_SHAPES.values(), *_PHONE_SHAPES]
    pattern = "|".join([*always, _re2_shapes(shapes)])
    return f"regexp_matches({v}, '{pattern}')", f"regexp_full_match({v}, '{_PURE_BARE}')"


@functools.cache
def _combined(hinted: frozenset[str]) -> re.Pattern[str]:
    """One pattern for every written id and card number (one pass over the text)."""
    parts = [
        f"(?P<{kind}>(?i:{pattern}))"
        for kind, (_, distinctive, pattern) in nid.VALIDATORS.items()
        if distinctive or kind in hinted
    ]
    parts += [f"(?P<card>{CARD_RE.pattern})", f"(?P<bare>{_BARE_RE.pattern})"]
    return re.compile(r"(?<![\dA-Za-z])(?:" + "|".join(parts) + ")")


def _distinct(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes per row (-1 for blanks) and the distinct values as strings."""
    s = series
    if pd.api.types.is_float_dtype(s) or pd.api.types.is_integer_dtype(s):
        v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(v) & (np.abs(v) >= 1e7) & (np.abs(v) < 1e19) & (v % 1 == 0)
        s = pd.Series(np.where(whole, v, np.nan)).dropna().astype(np.int64).astype(str)
        s = s.reindex(range(len(series)))  # numbers cannot hold emails or written ids
    elif pd.api.types.is_bool_dtype(s) or isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    return codes, [str(u) for u in np.asarray(uniques, dtype=object)]


def _valid(kind: str, text: str) -> bool:
    """The national-id check of `kind`; a character its check digit cannot be computed from
    (a digit from another script matches `\\d`) means it is not such an id."""
    try:
        return nid.VALIDATORS[kind][0](text)
    except ValueError:
        return False


class _Found:
    """Kind -> positions (in the block) of the values holding it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.parts: dict[str, list[np.ndarray]] = {}

    def add(self, kind: str, positions: np.ndarray | list[int]) -> None:
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions):
            self.parts.setdefault(kind, []).append(positions)

    def mask(self, *kinds: str) -> np.ndarray:
        out = np.zeros(self.size, dtype=bool)
        for kind in kinds:
            for positions in self.parts.get(kind, []):
                out[positions] = True
        return out

    def result(self) -> dict[str, np.ndarray]:
        return {k: np.flatnonzero(self.mask(k)) for k in self.parts}


def _emails(whole: _Joined, has_at: np.ndarray, found: _Found) -> None:
    sub = whole.subset(has_at)
    found.add(EMAIL, sub.index[sub.holding(EMAIL_RE)])


def _written(
    cand: _Joined, hinted: frozenset[str], found: _Found, flags: dict[str, np.ndarray]
) -> tuple[list, set[int]]:
    """Written ids and card numbers in the candidates (`flags`: their `prefilter`); returns the
    bare numbers found (value position, digits) and the positions of values holding a
    card-shaped number."""
    bare_pos, bare_texts = [], []
    rest = cand
    if cand.owner is None:  # a whole value of digits: the combined pattern's `bare` branch
        maybe = np.flatnonzero(flags["bare"])
        own, texts = cand.subset(maybe).find(_BARE_VALUE_RE)
        bare_pos, bare_texts = cand.index[maybe[own]].tolist(), [t.strip() for t in texts]
        keep = flags["written"].copy()
        keep[maybe[own]] = False
        rest = cand.subset(keep)
    cards: set[int] = set()
    for i, m in rest.matches(_combined(hinted)):
        kind, at = m.lastgroup or "", int(rest.index[i])
        if kind == "bare":
            bare_pos.append(at)
            bare_texts.append(m.group(kind).strip())
        elif kind == "card":
            cards.add(at)
            if is_card_number(m.group()):
                found.add(CARD, [at])
        elif _valid(kind, m.group().upper()):
            found.add(f"id:{kind}", [at])
    return list(zip(bare_pos, bare_texts, strict=True)), cards


def _phones(
    cand: _Joined, cards: set[int], hinted: frozenset[str], found: _Found, shaped: np.ndarray
) -> None:
    """Phone numbers (`shaped`: the candidates that may hold one); a phone-shaped part of a
    card-shaped number is not one."""
    in_card = np.isin(cand.index, np.fromiter(cards, dtype=np.int64, count=len(cards)))
    bulk = cand.subset(~in_card & shaped)
    own, texts = bulk.find(PHONE_RE)
    found.add(PHONE, bulk.index[own[phone_like(texts)]])
    if not in_card.any():
        return
    few = cand.subset(in_card)
    spans = [(i, m.span()) for i, m in few.matches(_combined(hinted)) if m.lastgroup == "card"]
    phones = few.matches(PHONE_RE)
    ok = phone_like([m.group() for _, m in phones])
    for (i, m), good in zip(phones, ok.tolist(), strict=True):
        if good and not any(j == i and a <= m.start() < b for j, (a, b) in spans):
            found.add(PHONE, [few.index[i]])


def _loose_phones(cand: _Joined, found: _Found) -> None:
    """A whole value of 7 to 15 digits without letters, in a column named for phones."""
    rest = cand.subset(~found.mask(PHONE)[cand.index])
    own, texts = rest.find(_LOOSE_PHONE_RE)
    counts = digit_counts(texts)
    found.add(PHONE, rest.index[own[(counts >= 7) & (counts <= 15)]])


def _block_hits(values: list[str], hinted: frozenset[str], phone_named: bool) -> dict:
    """Kind -> positions in `values` holding it (bare ids: every valid one, judged later)."""
    found = _Found(len(values))
    whole = _Joined(values, np.arange(len(values)))
    flags = whole.prefilter(bool(hinted), ("at", "wide", "candidate"))
    if flags["at"].any():
        _emails(whole, flags["at"], found)
    is_cand = flags["candidate"] & ~flags["wide"]  # exact on ASCII values
    wide = whole.subset(flags["candidate"] & flags["wide"])
    is_cand[wide.index[wide.holding(_HINTED_CANDIDATE_RE if hinted else _CANDIDATE_RE)]] = True
    cand = whole.subset(is_cand)
    del whole, wide
    if not len(cand):
        return found.result()
    flags = cand.prefilter(bool(hinted), ("bare", "written", "phone"))
    bare, cards = _written(cand, hinted, found, flags)
    _phones(cand, cards, hinted, found, flags["phone"])
    if phone_named:
        _loose_phones(cand, found)
    if bare:
        positions = np.array([i for i, _ in bare], dtype=np.int64)
        for kind, mask in bare_ids([v for _, v in bare]).items():
            found.add("bare:" + kind, positions[mask])
    for kind in sorted(hinted):  # a bare number, all the value
        done = found.mask(f"id:{kind}", f"bare:id:{kind}")
        todo = np.flatnonzero(~done[cand.index]).tolist()
        found.add(f"id:{kind}", [cand.index[i] for i in todo if _valid(kind, cand.values[i])])
    return found.result()


def _blocks(values: list[str]) -> Iterable[tuple[int, int]]:
    """Slices of `values` of at most `BLOCK` values and about `BLOCK_CHARS` characters."""
    ends = np.cumsum(np.fromiter(map(len, values), dtype=np.int64, count=len(values)) + 1)
    lo = 0
    while lo < len(values):
        by_chars = int(np.searchsorted(ends, ends[lo] + BLOCK_CHARS, side="right"))
        hi = min(len(values), lo + BLOCK, max(lo + 1, by_chars))
        yield lo, hi
        lo = hi


def found_in(values: list[str], hinted: frozenset[str], phone_named: bool) -> dict:
    """Key -> positions in `values` (a column's distinct values, in order of first appearance)
    of the values holding it; a key is a kind, or `bare:<kind>` for bare numbers passing a
    kind's check (judged by `find` on the whole column)."""
    found: dict[str, list[np.ndarray]] = {}
    for lo, hi in _blocks(values):
        hits = _block_hits(values[lo:hi], hinted, phone_named)
        for key, positions in hits.items():
            found.setdefault(key, []).append(positions + lo)
    return found


def find(
    series: pd.Series, hinted: Iterable[str] = (), phone_named: bool = False
) -> dict[str, Hits]:
    """Every high-specificity identifier in a column: kind -> the rows holding it.

    `hinted`: national-id kinds the column name points to (their bare form then counts one by
    one, and ids without a check digit are looked for); `phone_named`: the name says phone, so
    a bare run of 7 to 15 digits is a phone number too.
    """
    hinted = frozenset(hinted)
    codes, values = _distinct(series)
    if not values:
        return {}
    found = found_in(values, hinted, phone_named)
    filled = int((codes >= 0).sum())
    out: dict[str, Hits] = {}
    for key in sorted(found):
        kind = key.removeprefix("bare:")
        holds = np.zeros(len(values) + 1, dtype=bool)  # the last slot stands for blanks (-1)
        holds[np.concatenate(found[key])] = True
        rows = np.flatnonzero(holds[codes])
        if key.startswith("bare:") and kind[3:] not in hinted and len(rows) < BARE_SHARE * filled:
            continue  # a few numbers that happen to pass a check digit: chance, not ids
        first = values[codes[rows[0]]]
        if kind in out:
            rows = np.union1d(out[kind].rows, rows)
            first = out[kind].example
        out[kind] = Hits(rows=rows, example=first)
    return out
