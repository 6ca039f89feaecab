"""National identity numbers: format rules and check digits.

Each validator takes one value (any common punctuation allowed) and returns True only for a
number that could have been issued. Where the number carries a check digit (Brazil CPF and CNPJ,
Mexico CURP and RFC, Argentina CUIL/CUIT, Chile RUT) the check digit must be right, so random
digits that merely look like an id are not flagged. Where there is no check digit (US SSN,
Argentina DNI, Colombia cédula) the format rules apply, and a column is only treated as holding
them when its name says so (`NAME_HINTS`): a bare 8-digit number is too common to flag alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_SEP = re.compile(r"[\s.\-/]")


def _digits(value: str) -> str:
    return _SEP.sub("", value.strip())


def is_us_ssn(value: str) -> bool:
    """US Social Security number: AAA-GG-SSSS, area not 000, 666 or 900-999, group not 00,
    serial not 0000 (the SSA's rules; there is no check digit)."""
    d = _digits(value)
    if not re.fullmatch(r"\d{9}", d):
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    return area not in {"000", "666"} and area[0] != "9" and group != "00" and serial != "0000"


def _mod11_digit(digits: str, weights: range | list[int]) -> int:
    r = sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 11
    return 0 if r < 2 else 11 - r


def is_br_cpf(value: str) -> bool:
    """Brazil CPF: 11 digits, two mod-11 check digits; repeated digits (111.111.111-11) invalid."""
    d = _digits(value)
    if not re.fullmatch(r"\d{11}", d) or len(set(d)) == 1:
        return False
    first = _mod11_digit(d[:9], range(10, 1, -1))
    second = _mod11_digit(d[:10], range(11, 1, -1))
    return d[9:] == f"{first}{second}"


def is_br_cnpj(value: str) -> bool:
    """Brazil CNPJ (companies): 14 digits, two mod-11 check digits."""
    d = _digits(value)
    if not re.fullmatch(r"\d{14}", d) or len(set(d)) == 1:
        return False
    w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    first = _mod11_digit(d[:12], w1)
    second = _mod11_digit(d[:13], [6, *w1])
    return d[12:] == f"{first}{second}"


_CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
_CURP_RE = re.compile(
    r"[A-Z][AEIOUX][A-Z]{2}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[HMX]"
    r"(?:AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|"
    r"VZ|YN|ZS|NE)[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z]\d",
    re.ASCII,  # `\d` is 0-9 only: other scripts' digits are not in the check alphabet
)


def is_mx_curp(value: str) -> bool:
    """Mexico CURP: 18 characters (name letters, birth date, sex, state, consonants, homoclave)
    and a final check digit computed over the first 17."""
    v = value.strip().upper()
    if not _CURP_RE.fullmatch(v):
        return False
    total = sum(_CURP_ALPHABET.index(c) * (18 - i) for i, c in enumerate(v[:17]))
    return v[17] == str((10 - total % 10) % 10)


_RFC_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"
_RFC_RE = re.compile(
    r"[A-ZÑ&]{3,4}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[A-Z\d]{2}[\dA]", re.ASCII
)


def is_mx_rfc(value: str) -> bool:
    """Mexico RFC (tax id): 4 letters (people) or 3 (companies), a date, a 2-character homoclave
    and a mod-11 check character."""
    v = _SEP.sub("", value.strip().upper())
    if not _RFC_RE.fullmatch(v):
        return False
    body = ("   " + v[:-1])[-12:]
    total = sum(_RFC_ALPHABET.index(c) * (13 - i) for i, c in enumerate(body))
    return v[-1] == _RFC_ALPHABET[(11 - total) % 11]


def is_ar_dni(value: str) -> bool:
    """Argentina DNI: 7 or 8 digits, often written 12.345.678 (no check digit)."""
    d = _digits(value)
    return bool(re.fullmatch(r"\d{7,8}", d)) and 1_000_000 <= int(d) <= 99_999_999


def is_ar_cuit(value: str) -> bool:
    """Argentina CUIL/CUIT: type prefix (20, 23, 24, 27 people; 30, 33, 34 companies), the DNI
    or company number, and a mod-11 check digit."""
    d = _digits(value)
    if not re.fullmatch(r"(?:20|23|24|27|30|33|34)\d{9}", d):
        return False
    total = sum(int(c) * w for c, w in zip(d[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True))
    check = "012345678990"[11 - total % 11]
    return d[10] == check


def is_co_cedula(value: str) -> bool:
    """Colombia cédula de ciudadanía: 6 to 10 digits, often with dots (no check digit)."""
    d = _digits(value)
    return bool(re.fullmatch(r"[1-9]\d{5,9}", d))


def is_cl_rut(value: str) -> bool:
    """Chile RUT/RUN: a number and a mod-11 check character (0-9 or K), e.g. 12.345.678-5."""
    v = _SEP.sub("", value.strip().upper())
    if not re.fullmatch(r"\d{7,8}[\dK]", v):
        return False
    body, dv = v[:-1], v[-1]
    total = sum(int(c) * (2 + i % 6) for i, c in enumerate(reversed(body)))
    r = 11 - total % 11
    return dv == {11: "0", 10: "K"}.get(r, str(r))


# kind -> (validator, distinctive, pattern of the usual written form for searching text).
# Distinctive ids are searched for in any column: they carry a check digit, or (SSN) their
# written form AAA-GG-SSSS is rare otherwise. The others are only looked for in columns whose
# name hints at them (NAME_HINTS, GENERIC_ID_WORDS).
VALIDATORS: dict[str, tuple[Callable[[str], bool], bool, str]] = {
    "us_ssn": (is_us_ssn, True, r"\b\d{3}-\d{2}-\d{4}\b"),
    "br_cpf": (is_br_cpf, True, r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b"),
    "br_cnpj": (is_br_cnpj, True, r"\b\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}\b"),
    "mx_curp": (is_mx_curp, True, r"\b[A-Z]{4}\d{6}[HMX][A-Z]{5}[0-9A-Z]\d\b"),
    "mx_rfc": (is_mx_rfc, True, r"\b[A-ZÑ&]{3,4}\d{6}[A-Z\d]{2}[\dA]\b"),
    "ar_cuit": (is_ar_cuit, True, r"\b(?:20|23|24|27|30|33|34)-\d{8}-\d\b"),
    "cl_rut": (is_cl_rut, True, r"\b\d{1,2}\.\d{3}\.\d{3}-[\dkK]\b"),
    "ar_dni": (is_ar_dni, False, r"\b\d{1,2}\.\d{3}\.\d{3}\b"),
    "co_cedula": (is_co_cedula, False, r"\b\d{1,3}(?:\.\d{3}){2,3}\b"),
}

# Words in a column name that say which id it holds (needed for ids without a check digit).
NAME_HINTS: dict[str, tuple[str, ...]] = {
    "us_ssn": ("ssn", "social_security", "socialsecurity"),
    "br_cpf": ("cpf",),
    "br_cnpj": ("cnpj",),
    "mx_curp": ("curp",),
    "mx_rfc": ("rfc",),
    "ar_cuit": ("cuit", "cuil"),
    "cl_rut": ("rut", "run"),
    "ar_dni": ("dni",),
    "co_cedula": ("cedula", "cédula", "cc"),
}
# Generic id words: with these, an id without a check digit is flagged by format alone.
GENERIC_ID_WORDS = ("documento", "document", "id_number", "national_id", "nid", "passport")
