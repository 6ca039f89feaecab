"""The printable worksheet of a city's exercises (the no-code path on paper): read from the
executed pack, it shows each exercise's text and tables and asks its form's questions (a list to
tick, a box for a number, lines for text); nothing runs, no script, no feedback, no widget;
printed A4, an exercise per page, in the city's language, and skipped while unchanged."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from daas.core.city import load_city
from daas.exercises import worksheets
from daas.profile.city_profile import read_neighbourhoods
from tests.test_handouts import A4, PAGE, TITLE

FEEDBACK = "Not yet: feedback 5d1e"


def _exercise(folder: Path, name: str, checks: list[tuple[str, str]]) -> None:
    """An executed learner exercise: its text, a table (with a script), printed text, and for
    each check an answer cell, the check with its feedback, and the form (a widget)."""
    table = "<table><tr><th>Neighbourhood</th></tr><tr><td>Marker row 7c</td></tr></table>"
    cells = [
        new_markdown_cell(f"# {name}\n\n**Question.** Which one? Marker text 3a."),
        new_code_cell('city = "port-mallory"', metadata={"tags": ["parameters"]}),
        new_code_cell(
            "show()",
            outputs=[
                new_output("stream", name="stdout", text="Printed marker 9b\n"),
                new_output(
                    "display_data",
                    data={
                        "text/html": table + "<script>alert('run')</script>",
                        "text/plain": "table",
                    },
                ),
                new_output(
                    "execute_result", data={"text/plain": "'As a … I need …'"}, execution_count=1
                ),
            ],
        ),
    ]
    for exercise, variable in checks:
        cells += [
            new_code_cell(f"{variable} = None  # your answer here"),
            new_code_cell(
                f'check("{exercise}", {variable}, the_city)',
                metadata={"tags": ["check"]},
                outputs=[
                    new_output(
                        "execute_result", data={"text/markdown": FEEDBACK}, execution_count=2
                    )
                ],
            ),
            new_markdown_cell(
                "**Without code.** Use the form.", metadata={"tags": ["remove-cell"]}
            ),
            new_code_cell(
                f'forms.form("{exercise}", the_city)',
                metadata={"tags": ["remove-cell"]},
                outputs=[
                    new_output(
                        "display_data",
                        data={
                            "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                            "text/plain": "VBox(children=(Dropdown(...),))",
                        },
                    )
                ],
            ),
        ]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells), folder / f"{name}.ipynb")


@pytest.fixture
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(worksheets, "city_build_dir", lambda slug: tmp_path / slug)
    for slug in ("port-mallory", "villa-ondina"):
        folder = tmp_path / slug / "exercises"
        _exercise(folder, "00-where", [("most-renters", "answer")])
        _exercise(folder, "01-stories", [("user-story", "story"), ("on-time-share", "share")])
    return tmp_path


def test_the_worksheet_asks_the_forms_questions_on_paper(build: Path) -> None:
    city = load_city("port-mallory")
    page = worksheets.worksheet_html(city)
    for shown in ("Marker text 3a", "Marker row 7c", "Printed marker 9b", "As a … I need …"):
        assert shown in page, shown
    assert "'As a" not in page  # a string's words, not its Python quotes
    # the form's questions: every neighbourhood to tick, a line area, a box for a number
    for name in read_neighbourhoods(city)["neighbourhood"]:
        assert f"<li>{name}</li>" in page
    assert "Tick one." in page and "class='line'" in page and "class='box'" in page
    assert page.count("<section class='exercise'>") == 2
    for hidden in ("<script", FEEDBACK, "VBox", "Without code", 'port-mallory"'):
        assert hidden not in page, hidden


def test_the_worksheet_prints_an_exercise_per_page_and_is_kept_while_unchanged(
    build: Path,
) -> None:
    city = load_city("villa-ondina")
    assert worksheets.write_worksheet(city) == "ok"
    data = worksheets.worksheet_path(city).read_bytes()
    pages = len(PAGE.findall(data))
    assert data.startswith(b"%PDF-") and pages >= 2 and len(A4.findall(data)) == pages
    title = TITLE.search(data)
    assert title and city.name in bytes.fromhex(title.group(1).decode()).decode("utf-16-be")
    assert worksheets.write_worksheet(city) == "skipped"
    _exercise(build / city.slug / "exercises", "02-more", [("singled-out", "answer")])
    assert worksheets.write_worksheet(city) == "ok"  # a new exercise in the pack


def test_the_worksheet_is_in_the_city_language(build: Path) -> None:
    page = worksheets.worksheet_html(load_city("villa-ondina"))
    assert "lang='es'" in page and "Su respuesta" in page and "Marque una." in page
    assert "Your answer" not in page


def test_no_worksheet_before_the_pack_has_exercises(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(worksheets, "city_build_dir", lambda slug: tmp_path / slug)
    assert worksheets.write_worksheet(load_city("port-mallory")) == "none"
    assert not worksheets.worksheet_path(load_city("port-mallory")).exists()
