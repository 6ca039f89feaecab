"""Reading the tables workshop participants bring: forgiving about format, strict about columns.

Survey exports and research notes arrive as UTF-8 or Latin-1, comma- or semicolon-separated,
with stray spaces in the headers. `read_table` copes with all of that. Only a file that cannot be
read at all, or that lacks a required column, raises `DaasError`; everything else is reported as
a list of `Problem`s (one per row and field) that a notebook shows as a table.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Sized
from pathlib import Path

import pandas as pd

from daas.core.display import Table, show
from daas.core.errors import DaasError, Problem
from daas.core.i18n import N_, _
from daas.core.paths import repo_root

# A table with more rows than this is "big": the Beacon takes the path that does each check
# once per distinct value (`is_big`); `DAAS_BIG_ROWS` sets another threshold (tests set 0 or 1
# to send small tables that way too).
BIG_ROWS = 300_000
BIG_ROWS_VARIABLE = "DAAS_BIG_ROWS"
# the note a file read as Latin-1 gets (a warning, not an error)
LATIN1_NOTE = N_("read as Latin-1, not UTF-8")


def shown(path: Path) -> str:
    """`path` relative to the repository when it is inside it, for messages."""
    try:
        return str(Path(path).resolve().relative_to(repo_root()))
    except ValueError:
        return str(path)


def column_key(name: str) -> str:
    """Normalise a header: "Best Experience " → "best_experience"."""
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else Latin-1 (Windows exports)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "latin-1"


def require_columns(
    columns: Iterable[object],
    required: Iterable[str],
    where: str,
    fix: str | None = None,
    message: str | None = None,
) -> None:
    """Raise a DaasError naming `where` and every column of `required` not in `columns`."""
    have = [str(c) for c in columns]
    missing = [c for c in required if c not in have]
    if missing:
        raise DaasError.one(
            where,
            ", ".join(missing),
            message or _("missing column(s)"),
            fix
            or _("use column names exactly as in the table: {columns}").format(
                columns=", ".join(h for h in have if h)
            ),
        )


def _delimiter(text: str) -> str:
    header = text.splitlines()[0] if text.strip() else ""
    return ";" if header.count(";") > header.count(",") else ","


def read_table(path: Path, required: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a CSV into text columns (normalised header names) with a `row` column holding the
    line number in the file. Raises DaasError for an unreadable file or missing columns."""
    name = shown(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise DaasError.one(
            name, "", _("file not found"), _("check the file name and folder")
        ) from None
    except (IsADirectoryError, PermissionError) as exc:
        raise DaasError.one(
            name,
            "",
            _("cannot read the file ({error})").format(error=exc.strerror),
            _("pick a CSV file"),
        ) from None
    text, encoding = decode(data)
    problems: list[Problem] = []
    if encoding != "utf-8":
        problems.append(Problem(name, "", _(LATIN1_NOTE), _("save it as 'CSV UTF-8' next time")))
    if not text.strip():
        raise DaasError.one(
            name, "", _("the file is empty"), _("export the table again, with headers")
        )
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise DaasError.one(
            name,
            "",
            _("not a readable CSV file ({error})").format(error=exc),
            _("export it again as CSV"),
        ) from None
    header = [column_key(h) for h in rows[0]]
    require_columns(
        header,
        required,
        name,
        _("add the column(s) to the first row, spelled as in {file} (found: {columns})").format(
            file="data/README.md", columns=", ".join(h for h in header if h)
        ),
    )
    records = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # blank line
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                Problem(
                    name,
                    _("row {row}").format(row=line),
                    _("more cells than headers; extra cells ignored"),
                    _("check for a separator inside an unquoted answer"),
                )
            )
        cells = (cells + [""] * len(header))[: len(header)]
        records.append(
            {"row": line, **{h: c.strip() for h, c in zip(header, cells, strict=True) if h}}
        )
    df = pd.DataFrame.from_records(records, columns=["row", *dict.fromkeys(h for h in header if h)])
    df["row"] = df["row"].astype("int64")
    return df, problems


PROBLEM_LABELS = {"where": N_("Where"), "problem": N_("Problem"), "fix": N_("How to fix it")}


def problems_table(problems: list[Problem]) -> Table:
    """Problems as a notebook shows them: where (as the check wrote it: fields keep their
    names), what and the fix, each starting with a capital."""
    table = pd.DataFrame(
        [(p.field or _("(file)"), _capital(p.message), _capital(p.fix)) for p in problems],
        columns=["where", "problem", "fix"],
    )
    return show(table, PROBLEM_LABELS)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def problems_found(problems: Sized) -> str:
    """How many problems a check found, as a sentence for a page or notebook."""
    return _("{n} problem(s) found").format(n=len(problems))


def is_big(rows: int) -> bool:
    """Whether a table of `rows` rows takes the big tables' path: more rows than `BIG_ROWS`,
    or than the environment's `DAAS_BIG_ROWS`."""
    setting = os.environ.get(BIG_ROWS_VARIABLE, "").strip()
    try:
        threshold = int(setting) if setting else BIG_ROWS
    except ValueError:
        raise ValueError(
            f"{BIG_ROWS_VARIABLE}={setting!r} is not a number of rows: set a whole number, or "
            "unset it"
        ) from None
    return rows > threshold
