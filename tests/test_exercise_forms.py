"""The no-code path: every exercise has a form; a form's answer goes through the same check as
the code path, so the same answer gets the same feedback either way."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from daas.core.city import City, load_city
from daas.exercises import build as exbuild
from daas.exercises import forms
from daas.exercises.checks import CHECKS, check
from daas.exercises.feedback import FORM_RECORD, form_checks
from daas.profile.city_profile import read_neighbourhoods

LEARNERS = [exbuild.learner_path(s) for s in exbuild.solution_notebooks()]
REMOVED = "remove-cell"  # myst-nb leaves the cell out of the static page; JupyterLab runs it
WIDGET = "application/vnd.jupyter.widget-view+json"


def test_every_exercise_has_a_form() -> None:
    assert set(forms.FORMS) == set(CHECKS)


@pytest.mark.parametrize("slug", ["port-mallory", "villa-ondina", "vale-do-sereno"])
def test_every_form_opens_and_an_empty_one_is_not_yet_right(slug: str) -> None:
    city = load_city(slug)
    for name in forms.FORMS:
        form = forms.form(name, city)
        box = form.widget()
        assert len(box.children) == len(form.fields) + 2  # the fields, the button, the feedback
        assert not form.submit().correct, name


def test_a_neighbourhood_chosen_in_the_form_is_checked_like_the_code_answer(
    example_city: City,
) -> None:
    df = read_neighbourhoods(example_city)
    renting = df["households"] * df["renter_share"]
    right = df.loc[renting.idxmax(), "neighbourhood"]
    wrong = df.loc[df["households"].idxmax(), "neighbourhood"]
    form = forms.form("most-renters", example_city)
    assert right in [value for _label, value in form.fields["answer"].options]
    for answer in (right, wrong):
        form.fields["answer"].value = answer
        assert form.submit() == check("most-renters", answer, example_city)
    assert form.feedback is not None and not form.feedback.correct


def test_a_form_in_jupyterlab_notes_its_last_answer_beside_the_notebook(
    example_city: City, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a coach's `daas hub status` reads; nothing is written outside a JupyterLab kernel."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    form = forms.form("tde-order", example_city)
    form.submit()
    assert not (tmp_path / FORM_RECORD).exists()
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "02-partnerships.ipynb"))
    form.submit()
    assert form_checks(tmp_path) == {"02-partnerships.ipynb": {"tde-order": False}}
    for i, step in enumerate(["find", "refine", "design", "implement"], 1):
        form.fields[f"step{i}"].value = step
    form.submit()
    assert form_checks(tmp_path) == {"02-partnerships.ipynb": {"tde-order": True}}


def test_steps_numbers_and_agreements_make_the_code_path_s_answers(example_city: City) -> None:
    form = forms.form("tde-order", example_city)
    for i, step in enumerate(["find", "refine", "design", "implement"], 1):
        form.fields[f"step{i}"].value = step
    assert form.submit().correct
    form.fields["step2"].value, form.fields["step3"].value = "design", "refine"
    assert not form.submit().correct

    level = forms.form("service-level", example_city)
    level.fields["freshness_days"].value, level.fields["on_time_target"].value = 35, 95
    assert level.answer(level.fields) == {"freshness_days": 35, "on_time_target": 95}
    assert level.submit().correct

    deal = forms.form("sharing-agreement", example_city)
    columns = [c for c, _ in zip(deal.fields["data"].options, range(5), strict=False)]
    values = {"purpose": "Show residents typical asking rents by neighbourhood and size",
              "data": columns, "publish": columns[2:5], "update_frequency": "monthly",
              "period_months": 12, "min_cell_size": example_city.privacy.min_cell_size,
              "transfer": "secure file transfer"}  # fmt: skip
    for key, value in values.items():
        deal.fields[key].value = tuple(value) if key in ("data", "publish") else value
    assert deal.answer(deal.fields) == values
    assert deal.submit() == check("sharing-agreement", values, example_city)
    assert deal.feedback is not None and deal.feedback.correct


def test_an_unknown_exercise_names_the_known_ones(example_city: City) -> None:
    with pytest.raises(KeyError, match="most-renters"):
        forms.form("most-renter", example_city)


def _exercise(source: str) -> str:
    """The exercise a `check("<name>", ...)` or `forms.form("<name>", ...)` cell names."""
    call = ast.parse(source, mode="eval").body
    assert isinstance(call, ast.Call) and isinstance(call.args[0], ast.Constant), source
    return str(call.args[0].value)


def _only(cell) -> list[str]:
    return [t for t in cell.metadata.get("tags", []) if t.startswith("only-")]


@pytest.mark.parametrize("notebook", LEARNERS, ids=[p.stem for p in LEARNERS])
def test_every_check_cell_is_followed_by_its_form(notebook: Path) -> None:
    """Both paths in every exercise: after each `check("<name>", ...)` cell, a line for those who
    do not write code and `forms.form("<name>", the_city)`, both removed from the static page
    (a widget needs a kernel) and kept for the same city, language or recipe as the check."""
    cells = nbformat.read(notebook, as_version=4).cells
    checks = [i for i, c in enumerate(cells) if exbuild.CHECK_TAG in c.metadata.get("tags", [])]
    assert checks
    for i in checks:
        name = _exercise(cells[i].source)
        text, form = cells[i + 1 : i + 3]
        assert text.cell_type == "markdown" and "Without code" in text.source, (notebook.name, i)
        assert form.cell_type == "code"
        assert form.source.strip() == f'forms.form("{name}", the_city)', (notebook.name, i)
        for cell in (text, form):
            assert REMOVED in cell.metadata.get("tags", []), (notebook.name, i)
            assert _only(cell) == _only(cells[i]), (notebook.name, i)
    assert sum(REMOVED in c.metadata.get("tags", []) for c in cells) == 2 * len(checks)


def test_the_notebooks_offer_a_form_for_every_check() -> None:
    named = set()
    for notebook in LEARNERS:
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type == "code" and cell.source.startswith("forms.form("):
                named.add(_exercise(cell.source))
    assert named == set(CHECKS) == set(forms.FORMS)


def test_a_pack_s_exercise_shows_the_form_in_its_language(tmp_path: Path) -> None:
    """Run as a city's pack runs it (papermill, the city's recipe and language): the form cell
    shows a widget, and the line before it is in the city's language."""
    from daas.packs.workshop import run_notebook

    city = load_city("vale-do-sereno")  # a service-requests city, in Portuguese
    source = next(p for p in LEARNERS if p.stem.startswith("00-"))
    nb = nbformat.read(run_notebook(source, city, tmp_path / source.name), as_version=4)
    [form] = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("forms.")]
    assert form.source == 'forms.form("highest-rate", the_city)'
    assert any(WIDGET in o.get("data", {}) for o in form.outputs), form.outputs
    assert not any(o.get("output_type") == "error" for o in form.outputs)
    [text] = [c for c in nb.cells if REMOVED in c.metadata.get("tags", []) and c is not form]
    assert text.source.startswith("**Sem código.**"), text.source
