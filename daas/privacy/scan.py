"""The privacy scan of one table, and its verdict: publishable or not, with reasons.

Every table is checked for direct identifiers in every column (emails, phones, ids and card
numbers in every value, with their row numbers). Then, by what the rows are (`about`):
- `people` (one row per person, contact or request): re-identification risk on the
  quasi-identifiers (k-anonymity, records unique on them, l-diversity of a sensitive column);
- `places` (buildings, projects, cameras, service points; `anonymity.rows_are_places`): no
  k-anonymity, unless the user names quasi-identifiers;
- `counts` (a count column, see `daas.privacy.gate.is_count_column`): small counts left
  unsuppressed; `k_anonymity` is the smallest published non-zero count and `unique_records` the
  number of cells with a count of 1.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from daas.core.errors import DaasError
from daas.core.formats import number
from daas.core.i18n import _
from daas.privacy import anonymity
from daas.privacy import identifiers as ids
from daas.privacy.gate import describe_type, is_count_column

DEFAULT_MIN_GROUP = 10


@dataclass
class ScanResult:
    """Everything `daas privacy scan` reports."""

    rows: int
    columns: list[ids.ColumnFinding]
    quasi_identifiers: list[str]
    k_anonymity: int | None
    unique_records: int | None
    l_diversity: int | None
    publishable: bool
    reasons: list[str] = field(default_factory=list)
    suggested: dict[str, str] = field(default_factory=dict)
    count_columns: list[str] = field(default_factory=list)
    about: str = "people"  # people, places or counts (see the module docstring)

    def to_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "columns": [c.to_dict() for c in self.columns],
            "quasi_identifiers": self.quasi_identifiers,
            "k_anonymity": self.k_anonymity,
            "unique_records": self.unique_records,
            "l_diversity": self.l_diversity,
            "publishable": self.publishable,
            "reasons": self.reasons,
            "about": self.about,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def summary(self) -> str:
        """Plain-text report for the terminal."""
        return "\n".join(self._report(markdown=False))

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        """A notebook's plain-text form of the result: the terminal's report."""
        printer.text(self.summary())  # type: ignore[attr-defined]

    def _repr_markdown_(self) -> str:
        """The report on a page or in a notebook: a list, the fields and the redacted examples
        as code, the kinds of identifier in words, numbers in the reader's language."""
        head, *items = self._report(markdown=True)
        return head + "\n\n" + "\n".join(items)

    def _report(self, markdown: bool) -> list[str]:
        """The report's lines: the table's size, then (indented, or as a Markdown list) what
        each column holds, the measures, and the verdict with its reasons."""
        item, sub = ("- ", "    - ") if markdown else ("", "  ")

        def code(name: str) -> str:
            return f"`{name}`" if markdown else name

        lines = [_("{rows} rows, {n} columns").format(rows=number(self.rows), n=len(self.columns))]
        for c in self.columns:
            if c.pii:
                kinds = [describe_type(k) if markdown else k for k in c.pii]
                lines.append(
                    ("- " if markdown else "  ")
                    + _("{column}: {kinds}  e.g. {examples}").format(
                        column=code(c.name),
                        kinds=", ".join(kinds),
                        examples=", ".join(code(e) for e in c.examples_redacted),
                    )
                )
                lines += [
                    f"{sub if markdown else '    '}{kind}: {c.where(k)}"
                    for k, kind in zip(c.pii, kinds, strict=True)
                    if c.where(k)
                ]
        if self.about == "places":
            lines.append(
                item
                + _(
                    "the rows are places (buildings, projects, sites), not people: k-anonymity is "
                    "not computed (name quasi-identifiers with {option} to compute it)"
                ).format(option=code("--quasi-identifiers"))
            )
        if self.quasi_identifiers:
            quasi = ", ".join(code(q) for q in self.quasi_identifiers)
            lines.append(item + _("quasi-identifiers: {fields}").format(fields=quasi))
        if self.k_anonymity is not None and self.about == "counts":
            lines.append(
                item
                + _("smallest count: {k}; cells with a count of 1: {ones}").format(
                    k=number(self.k_anonymity), ones=number(self.unique_records or 0)
                )
            )
        elif self.k_anonymity is not None:
            lines.append(
                item
                + _("k-anonymity: {k}; unique records: {unique}").format(
                    k=number(self.k_anonymity), unique=number(self.unique_records or 0)
                )
            )
        if self.l_diversity is not None:
            lines.append(item + _("l-diversity: {l}").format(l=self.l_diversity))
        verdict = _("publishable") if self.publishable else _("NOT publishable")
        lines.append(item + _("verdict: {verdict}").format(verdict=verdict))
        lines += [f"{sub}{r}" if markdown else f"  - {r}" for r in self.reasons]
        return lines


def _reason_for_column(c: ids.ColumnFinding) -> str:
    what = ", ".join(describe_type(k) for k in c.pii if k != ids.FREE_TEXT)
    if ids.FREE_TEXT in c.pii:
        reason = _("column {column} holds free text containing {what}: remove it or replace it "
                   "before publishing")  # fmt: skip
    else:
        reason = _("column {column} holds {what}: remove it or replace it before publishing")
    return reason.format(column=_names([c.name]), what=what)


def _names(fields: Sequence[str]) -> str:
    """Field names in a reason, each as code: `age`, `sex`."""
    return ", ".join(f"`{f}`" for f in fields)


def scan_table(
    df: pd.DataFrame,
    *,
    quasi_identifiers: Sequence[str] | None = None,
    sensitive: str | None = None,
    min_group: int = DEFAULT_MIN_GROUP,
) -> ScanResult:
    """Scan a table and decide whether it may be published."""
    if min_group < 2:
        raise DaasError.one(
            "--min-group", "", _("must be 2 or more"), _("use 10 (the kit default)")
        )
    reasons: list[str] = []
    findings = [ids.scan_column(df[c], str(c)) for c in df.columns]
    for f in findings:
        if f.pii:
            reasons.append(_reason_for_column(f))
    counts = [str(c) for c in df.columns if is_count_column(str(c), df[c])]
    suggested = {s.column: s.kind for s in anonymity.suggest_quasi_identifiers(df)}
    declared = quasi_identifiers is not None
    quasi = (
        list(quasi_identifiers)
        if quasi_identifiers is not None
        else [c for c in suggested if c not in counts]
    )
    k = uniques = ldiv = None
    about = "counts" if counts and not declared else "people"
    if (
        not declared
        and not counts
        and anonymity.rows_are_places(
            df, findings, [anonymity.Suggestion(c, kind) for c, kind in suggested.items()]
        )
    ):
        about, quasi = "places", []
    if about == "counts":
        values = pd.concat([pd.to_numeric(df[c], errors="coerce") for c in counts])
        published = values[values.notna() & (values > 0)]
        k = int(published.min()) if len(published) else None
        uniques = int((published == 1).sum())
        small = int((published < min_group).sum())
        quasi = []
        if small:
            reasons.append(
                _(
                    "{small} count(s) between 1 and {largest} in {columns} are not suppressed: "
                    "run suppression with threshold {min_group} (daas.privacy.suppress_counts)"
                ).format(
                    small=small,
                    largest=min_group - 1,
                    columns=_names(counts),
                    min_group=min_group,
                )
            )
    elif quasi:
        sizes = anonymity.group_sizes(df, quasi)
        k = int(sizes.min()) if len(df) else 0
        uniques = int((sizes == 1).sum()) if len(df) else 0
        if len(df) and k < min_group:
            reasons.append(
                _(
                    "k-anonymity is {k} on {fields} (at least {min_group} needed): {uniques} "
                    "record(s) are unique on these fields. Band ages, use coarser areas or dates, "
                    "or suppress rare groups."
                ).format(k=k, fields=_names(quasi), min_group=min_group, uniques=number(uniques))
            )
    if sensitive is not None:
        ldiv = anonymity.l_diversity(df, quasi, sensitive)
        if ldiv < 2 and len(df):
            reasons.append(
                _(
                    "l-diversity of {sensitive} is {l}: in some group of records sharing "
                    "{fields}, everyone has the same {sensitive}, so being in the group gives "
                    "it away"
                ).format(
                    sensitive=_names([sensitive]), l=ldiv, fields=_names(quasi) or _("all fields")
                )
            )
    return ScanResult(
        rows=len(df),
        columns=findings,
        quasi_identifiers=quasi,
        k_anonymity=k,
        unique_records=uniques,
        l_diversity=ldiv,
        publishable=not reasons,
        reasons=reasons,
        suggested=suggested,
        count_columns=counts,
        about=about,
    )


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV/TSV (delimiter and UTF-8 or Latin-1 detected) or JSON file, as text."""
    shown = str(path)
    if not path.is_file():
        raise DaasError.one(shown, "", _("file not found"), _("check the path"))
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            return pd.read_json(path, dtype=False)
        if suffix not in {".csv", ".tsv", ".txt"}:
            raise DaasError.one(
                shown,
                "",
                _("cannot read '{suffix}' files").format(suffix=suffix),
                _("save the table as CSV (UTF-8)"),
            )
        raw = path.read_bytes()[:65536]
        try:
            head = raw.decode("utf-8")
            encoding = "utf-8-sig"
        except UnicodeDecodeError:
            head, encoding = raw.decode("latin-1"), "latin-1"
        try:
            sep = csv.Sniffer().sniff(head.split("\n", 1)[0], delimiters=",;\t|").delimiter
        except csv.Error:
            sep = "\t" if suffix == ".tsv" else ","
        return pd.read_csv(
            path, sep=sep, dtype=str, encoding=encoding, keep_default_na=False, na_values=[""]
        )
    except DaasError:
        raise
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DaasError.one(
            shown,
            "",
            _("could not read the table ({error})").format(error=str(exc).splitlines()[0]),
            _("check it is a CSV with one header row"),
        ) from None


def scan_file(path: Path, **kwargs: object) -> ScanResult:
    """Read a file and scan it."""
    df = read_table(path)
    if df.columns.empty:
        raise DaasError.one(str(path), "", _("the file has no columns"), _("check it is a table"))
    return scan_table(df, **kwargs)  # type: ignore[arg-type]
