"""High-specificity identifiers, looked for in every value of a column, never a sample.

Emails, phone numbers, national ids with a check digit (and the US SSN's written form) and card
numbers with a Luhn check identify a person on their own, so one of them anywhere is enough to
stop a publication. `find(series)` returns, for each kind found, the rows holding it.

How it stays fast on millions of rows: the column's distinct values are joined into one string
(separated by NUL characters) and each pattern runs over that string once inside the regex
engine. A first pass keeps only the values with an `@` or a run of six or more digits; the other
patterns run over those candidates only, and check digits are validated on the matches alone.
Bare digit strings (`52998224725`) are validated all at once as a matrix of digits with numpy;
they count as ids when the column's name says so, or when at least half of the column's values
are valid ids of that kind (a random 11-digit number passes the CPF check one time in 100).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from daas.privacy import national_ids as nid

EMAIL = "email"
PHONE = "phone"
CARD = "card_number"
SEP = "\x00"
BARE_SHARE = 0.5  # share of a column's values that must be valid bare ids to flag the column

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
PHONE_RE = re.compile(
    r"(?<![\w/.\-])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?|\d{2,4}[\s.\-])"
    r"\d{3,4}[\s.\-]?\d{4}(?![\w/\-]|\.\d)"
)
_DECIMAL_RE = re.compile(r"^-?\d+\.\d+$")
# A value is a candidate when it holds a run of seven or more digits and separators, or the
# shape of a Mexican CURP or RFC (letters, six digits, three letters or digits); six digits are
# enough in a column named for an id.
_MX = r"[A-Za-zÑñ&]{3}\d{6}[A-Za-z\d]{3}"
_CANDIDATE_RE = re.compile(rf"\d[\d \t\-./()]{{6,}}|{_MX}")
_HINTED_CANDIDATE_RE = re.compile(rf"\d[\d \t\-./()]{{5,}}|{_MX}")
# a written card number: 4-4-4-4 (Visa, Mastercard...) or 4-6-5 (American Express)
CARD_RE = re.compile(
    r"(?<![\d\-])(?:\d{4}[ \-]\d{4}[ \-]\d{4}[ \-]\d{4}|\d{4}[ \-]\d{6}[ \-]\d{5})(?![\d\-])"
)
# a whole value made of 8 to 19 digits (surrounding blanks allowed)
_BARE_RE = re.compile(r"(?<![^\x00])[ \t]*(\d{8,19})[ \t]*(?![^\x00])")
# a whole value without letters, when the name says phone: "5552013344", "312=944-8500"
_LOOSE_PHONE_RE = re.compile(r"(?<![^\x00])([^\x00A-Za-z]{7,30})(?![^\x00])")


@dataclass
class Hits:
    """Where one kind of identifier was found: 0-based row positions and one example value."""

    rows: np.ndarray
    example: str

    @property
    def count(self) -> int:
        return len(self.rows)


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


# ---- the scan ----


class _Joined:
    """Distinct values joined by NUL, with a way back from a match to its value."""

    def __init__(self, values: list[str]) -> None:
        self.values = values
        self.text = SEP.join(values)
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        self.starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64)

    def owners(self, positions: Iterable[int]) -> np.ndarray:
        pos = np.fromiter(positions, dtype=np.int64)
        return np.searchsorted(self.starts, pos, side="right") - 1

    def matches(self, pattern: re.Pattern[str]) -> Iterable[tuple[int, re.Match[str]]]:
        found = list(pattern.finditer(self.text))
        owners = self.owners(m.start() for m in found)
        return zip(owners.tolist(), found, strict=True)


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


def _kind_hits(values: list[str], hinted: frozenset[str], phone_named: bool) -> dict[str, set]:
    """Kind -> indices into `values` holding it (bare ids: every valid one, judged later)."""
    hits: dict[str, set[int]] = {}
    joined = _Joined(values)
    if "@" in joined.text:
        ats = joined.owners(m.start() for m in re.finditer("@", joined.text))
        for i in np.unique(ats).tolist():
            if EMAIL_RE.search(values[i]):
                hits.setdefault(EMAIL, set()).add(i)
    candidate = _HINTED_CANDIDATE_RE if hinted else _CANDIDATE_RE
    cand = np.unique(joined.owners(m.start() for m in candidate.finditer(joined.text)))
    if not len(cand):
        return hits
    sub = _Joined([values[i] for i in cand.tolist()])
    back = cand.tolist()

    def add(kind: str, i: int) -> None:
        hits.setdefault(kind, set()).add(back[i])

    card_spans: list[tuple[int, int]] = []  # card-shaped numbers are not phone numbers
    bare: list[tuple[int, str]] = []
    for i, m in sub.matches(_combined(hinted)):
        kind = m.lastgroup or ""
        if kind == "bare":
            bare.append((i, m.group(kind).strip()))
        elif kind == "card":
            card_spans.append(m.span())
            if is_card_number(m.group()):
                add(CARD, i)
        elif nid.VALIDATORS[kind][0](m.group().upper()):
            add(f"id:{kind}", i)
    phones = list(sub.matches(PHONE_RE))
    ok = phone_like([m.group() for _, m in phones])
    for (i, m), good in zip(phones, ok.tolist(), strict=True):
        if good and not any(a <= m.start() < b for a, b in card_spans):
            add(PHONE, i)
    if phone_named:
        for i, m in sub.matches(_LOOSE_PHONE_RE):
            if 7 <= sum(c.isdigit() for c in m.group(1)) <= 15:
                add(PHONE, i)
    for kind in hinted:  # a bare number, all the value
        check = nid.VALIDATORS[kind][0]
        for i, v in enumerate(sub.values):
            if check(v):
                add(f"id:{kind}", i)
    if bare:
        for kind, mask in bare_ids([v for _, v in bare]).items():
            for (i, _), ok in zip(bare, mask.tolist(), strict=True):
                if ok:
                    add("bare:" + kind, i)
    return hits


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
    found = _kind_hits(values, hinted, phone_named)
    filled = int((codes >= 0).sum())
    out: dict[str, Hits] = {}
    for key, idx in sorted(found.items()):
        kind = key.removeprefix("bare:")
        rows = np.flatnonzero(np.isin(codes, np.fromiter(idx, dtype=np.int64)))
        if key.startswith("bare:") and kind[3:] not in hinted and len(rows) < BARE_SHARE * filled:
            continue  # a few numbers that happen to pass a check digit: chance, not ids
        first = values[codes[rows[0]]]
        if kind in out:
            rows = np.union1d(out[kind].rows, rows)
            first = out[kind].example
        out[kind] = Hits(rows=rows, example=first)
    return out
