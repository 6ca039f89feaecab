"""`daas` command-line errors come out in the user's language ($DAAS_LANG), with file names,
column names and commands left exactly as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from daas.cli import main
from daas.core.city import DEFAULT_CITY
from tests.kit import add_translations

SPANISH = {
    "1 problem found:": "se encontró 1 problema:",
    "fix": "cómo corregirlo",
    "cannot read '{suffix}' files": "no se pueden leer archivos '{suffix}'",
    "save the table as CSV (UTF-8)": "guarde la tabla como CSV (UTF-8)",
    "missing column(s)": "falta(n) columna(s)",
    "add the column(s) to the first row, spelled as in {file} (found: {columns})": (
        "agregue la(s) columna(s) a la primera fila, escritas como en {file} "
        "(encontradas: {columns})"
    ),
    "city slug (default: %(default)s)": "slug de la ciudad (predeterminado: %(default)s)",
    "no progress display": "sin mostrar el progreso",
}


@pytest.fixture
def spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI speaks Spanish, from a catalogue with the strings above."""
    add_translations(monkeypatch, "es", SPANISH)
    monkeypatch.setenv("DAAS_LANG", "es")


def test_unreadable_file_error_is_in_spanish_with_the_file_name_intact(
    spanish: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "solicitudes_2025.xlsx"
    table.write_bytes(b"PK")
    assert main(["privacy", "scan", str(table)]) == 2
    assert capsys.readouterr().err == (
        f"daas: se encontró 1 problema:\n"
        f"  - {table}: no se pueden leer archivos '.xlsx'\n"
        f"    cómo corregirlo: guarde la tabla como CSV (UTF-8)\n"
    )


def test_missing_column_error_is_in_spanish_with_column_names_intact(
    spanish: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stories = tmp_path / "historias.csv"
    stories.write_text("id,historia\nUS-1,Como inquilino quiero avisos\n", encoding="utf-8")
    assert main(["needs", "check", str(stories)]) == 2
    err = capsys.readouterr().err
    assert f"{stories}: story: falta(n) columna(s)" in err
    assert "cómo corregirlo: agregue la(s) columna(s) a la primera fila" in err
    assert "data/README.md (encontradas: id, historia)" in err


def test_the_same_error_in_english_is_unchanged(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DAAS_LANG", "en")
    table = tmp_path / "applications.xlsx"
    table.write_bytes(b"PK")
    assert main(["privacy", "scan", str(table)]) == 2
    assert capsys.readouterr().err == (
        f"daas: 1 problem found:\n  - {table}: cannot read '.xlsx' files\n"
        "    fix: save the table as CSV (UTF-8)\n"
    )


def test_help_is_in_spanish_with_options_and_defaults_intact(
    spanish: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["beacon", "build", "--help"])
    assert done.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps lines to the terminal
    assert out.startswith("usage: daas beacon build [-h] [--city CITY] [--quiet]")
    assert f"--city CITY slug de la ciudad (predeterminado: {DEFAULT_CITY})" in out
    assert "--quiet sin mostrar el progreso" in out
