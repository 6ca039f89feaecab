"""Sentences that book pages and workshop notebooks print come from the package, in the reader's
language; the English stays as the pages and nbval expect it."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from daas.beacon import pages
from daas.core import i18n
from daas.core.city import City
from daas.ethics import review
from daas.privacy import report
from daas.privacy.scan import ScanResult
from daas.standard import assess
from tests.kit import add_translations

SPANISH = {
    "Data as of {date}: {days} days old when last built.": (
        "Datos al {date}: tenían {days} días de antigüedad en la última ejecución."
    ),
    "Rows published: {rows:,}. Cells suppressed: {cells}.": (
        "Filas publicadas: {rows:,}. Celdas suprimidas: {cells}."
    ),
    "Metadata complete: {share:.0%}. Privacy gate passed: no.": (
        "Metadatos completos: {share:.0%}. Control de privacidad superado: no."
    ),
    "**{city}**, stage assessed: **{stage}**. Overall rating: **{rating}** ({green} green, "
    "{amber} amber, {red} red). Beacon run: {run}.": (
        "**{city}**, etapa evaluada: **{stage}**. Calificación general: **{rating}** ({green} en "
        "verde, {amber} en ámbar, {red} en rojo). Ejecución del Servicio Guía: {run}."
    ),
    "discovery": "descubrimiento",
    "red": "rojo",
    "no Beacon run yet": "todavía no hay ejecuciones del Servicio Guía",
    "group": "grupo",
    "section": "sección",
    "notes": "notas",
    "(not answered yet)": "(todavía sin respuesta)",
    "neighbourhood": "barrio",
    "coverage_index": "índice de cobertura",
    "under_served": "menos atendido",
}
RUN = {
    "freshness_days": 12,
    "rows_published": 1234,
    "rows_suppressed": 5,
    "metadata_complete": 0.75,
    "privacy_gate": {"passed": False, "reasons": []},
}


@pytest.fixture
def spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Spanish package catalogue with the strings above, whatever daas/messages/es.po holds."""
    add_translations(monkeypatch, "es", SPANISH)


def test_performance_summary_speaks_the_reader_language(spanish: None) -> None:
    assert pages.performance_summary(RUN, "2025-06-30").splitlines() == [
        "Data as of 2025-06-30: 12 days old when last built.",
        "Rows published: 1,234. Cells suppressed: 5.",
        "Metadata complete: 75%. Privacy gate passed: no.",
    ]
    with i18n.use_language("es"):
        text = pages.performance_summary(RUN, "2025-06-30")
    assert text.splitlines() == [
        "Datos al 2025-06-30: tenían 12 días de antigüedad en la última ejecución.",
        "Filas publicadas: 1,234. Celdas suprimidas: 5.",
        "Metadatos completos: 75%. Control de privacidad superado: no.",
    ]


def test_page_tables_are_headed_in_the_reader_language(spanish: None) -> None:
    table = pd.DataFrame(
        {"neighbourhood": ["Eastgate"], "coverage_index": [0.76], "under_served": [True]}
    )
    english = pages.for_page(table, "neighbourhood")
    assert list(english.columns) == ["coverage_index", "under_served"]
    with i18n.use_language("es"):
        shown = pages.for_page(table, "neighbourhood")
    assert shown.index.name == "barrio"
    assert list(shown.columns) == ["índice de cobertura", "menos atendido"]
    assert shown.loc["Eastgate"].tolist() == [0.76, True]
    assert list(table.columns) == ["neighbourhood", "coverage_index", "under_served"]


def _report() -> assess.Assessment:
    run = {"found": False, "path": "", "status": None, "finished": None}
    return assess.Assessment(
        city="x",
        city_name="Port *Mallory*",
        stage="discovery",
        evidence_file="cities/evidence/x.yml",
        beacon_run=run,
        points=[],
        overall="red",
        counts={"green": 1, "amber": 2, "red": 3},
    )


def test_assessment_summary_shows_stage_and_rating_translated(spanish: None) -> None:
    assert assess.summary_markdown(_report()) == (
        "**Port \\*Mallory\\***, stage assessed: **discovery**. Overall rating: **red** (1 green, "
        "2 amber, 3 red). Beacon run: no Beacon run yet."
    )
    with i18n.use_language("es"):
        text = assess.summary_markdown(_report())
    assert text == (
        "**Port \\*Mallory\\***, etapa evaluada: **descubrimiento**. Calificación general: "
        "**rojo** (1 en verde, 2 en ámbar, 3 en rojo). Ejecución del Servicio Guía: todavía no "
        "hay ejecuciones del Servicio Guía."
    )


def test_ethics_canvas_table_speaks_the_reader_language(spanish: None, example_city: City) -> None:
    with i18n.use_language("es"):
        table = review.canvas_table(review.blank_record(example_city))
    assert list(table.index.names) == ["grupo", "sección"]
    assert list(table.columns) == ["notas"]
    assert set(table["notas"]) == {"(todavía sin respuesta)"}
    assert len(table) == len(review.CANVAS_SECTIONS)


def test_ethics_summary_names_the_flagged_principles() -> None:
    record = {
        "service": "Beacon",
        "assessed_on": "2026-09-01",
        "review_date": "2026-10-01",
        "review_overdue": True,
        "flagged": ["fairness", "transparency"],
    }
    assert review.summary_markdown(record, done=True).split("  \n") == [
        "**Service:** Beacon",
        "**Assessed on:** 2026-09-01",
        "**Next review by:** 2026-10-01 (overdue)",
        "**Principles scoring under 3:** Fairness, Transparency",
    ]
    calm = {**record, "review_overdue": False, "flagged": []}
    assert review.summary_markdown(calm, done=True).split("  \n")[2:] == [
        "**Next review by:** 2026-10-01",
        "**Principles scoring under 3:** none",
    ]
    assert review.summary_markdown(calm, done=False).startswith("**This city has not recorded")


def test_k_before_after_keeps_the_workshop_sentence() -> None:
    def scan(k: int, ok: bool) -> ScanResult:
        return ScanResult(rows=10, columns=[], quasi_identifiers=["age"], k_anonymity=k,
                          unique_records=0, l_diversity=None, publishable=ok)  # fmt: skip

    assert report.k_before_after(scan(1, False), scan(10, True)) == (
        "k before: 1, k after: 10; publishable: yes"
    )
    assert report.k_before_after(scan(1, False), scan(2, False)).endswith("publishable: no")


# ------------------------------------------------------------ nothing typed in English in cells

ROOT = Path(__file__).resolve().parent.parent
WORDS = re.compile(r"[A-Za-z]{2,}")
SHOWN_BY = {"print", "Markdown", "display"}  # calls whose text arguments a reader sees
LABELS = {"description", "title"}  # widget and chart keywords a reader sees


def _code_cells() -> Iterator[tuple[str, str]]:
    for page in sorted((ROOT / "book").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"```\{code-cell\}[^\n]*\n(.*?)```", text, re.S):
            lines = [ln for ln in m.group(1).splitlines() if not ln.startswith(":")]
            yield page.relative_to(ROOT).as_posix(), "\n".join(lines)
    for folder in ("notebooks", "exercises"):
        for nb in sorted((ROOT / folder).rglob("*.ipynb")):
            for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
                if cell["cell_type"] == "code":
                    yield nb.relative_to(ROOT).as_posix(), "".join(cell["source"])


def _texts(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            yield from _texts(part)
    elif isinstance(node, ast.BinOp):
        yield from _texts(node.left)
        yield from _texts(node.right)


def _typed_english(source: str) -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        shown = list(node.args) if name in SHOWN_BY else []
        shown += [k.value for k in node.keywords if k.arg in LABELS]
        yield from (t for arg in shown for t in _texts(arg) if WORDS.search(t))


def test_no_code_cell_types_a_sentence_for_the_reader() -> None:
    """Printed sentences and labels come from `daas` functions (which use `_()`), never from text
    typed in a page's or notebook's code cell, which would stay English in every language."""
    found = [f"{where}: {text!r}" for where, src in _code_cells() for text in _typed_english(src)]
    assert found == []


def test_the_english_check_finds_typed_sentences() -> None:
    source = 'print(f"{n} problem(s) found")\nIntSlider(description="Income under")\nprint("-", x)'
    assert list(_typed_english(source)) == [" problem(s) found", "Income under"]
