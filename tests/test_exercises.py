"""Self-checking exercises: one source per exercise, solutions pass, blanks fail, wrong answers
get a specific message, and no answer ever ends in a traceback."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from daas.core.city import City, load_city
from daas.core.errors import DaasError
from daas.exercises import build as exbuild
from daas.exercises.checks import CHECKS, check
from daas.exercises.feedback import Feedback
from daas.packs.workshop import run_notebook

SOLUTIONS = exbuild.solution_notebooks()
IDS = [p.stem for p in SOLUTIONS]


def test_every_exercise_has_a_solution_and_a_learner_notebook() -> None:
    assert len(SOLUTIONS) >= 5
    assert "00-where-renters-live" in IDS
    for sol in SOLUTIONS:
        assert exbuild.learner_path(sol).exists()


@pytest.mark.parametrize("solution", SOLUTIONS, ids=IDS)
def test_committed_learner_notebook_is_current(solution: Path) -> None:
    assert not exbuild.stale(solution), f"run `daas exercises build` ({solution.name})"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=IDS)
def test_learner_notebook_holds_no_solution(solution: Path) -> None:
    learner = json.loads(exbuild.learner_path(solution).read_text())
    assert not [c for c in learner["cells"] if "solution" in c["metadata"].get("tags", [])]
    text = "".join("".join(c["source"]) for c in learner["cells"])
    sol = nbformat.read(solution, as_version=4)
    for cell in sol.cells:
        if "solution" in cell.metadata.get("tags", []):
            code = [ln for ln in cell.source.splitlines() if not ln.lstrip().startswith("#")]
            assert all(ln not in text for ln in code if len(ln.strip()) > 3)


@pytest.mark.parametrize("solution", SOLUTIONS, ids=IDS)
def test_every_solution_passes_every_check(solution: Path, example_city: City) -> None:
    results = exbuild.run_inline(solution, example_city.slug)
    assert results and all(isinstance(r, Feedback) for r in results)
    assert all(r.correct for r in results), [str(r) for r in results]


@pytest.mark.parametrize("solution", SOLUTIONS, ids=IDS)
def test_every_blank_learner_notebook_fails_kindly(solution: Path, example_city: City) -> None:
    results = exbuild.run_inline(exbuild.learner_path(solution), example_city.slug)
    assert results and not any(r.correct for r in results)
    assert all("not answered yet" in r.message and " = " in r.hint for r in results)


@pytest.mark.parametrize("solution", SOLUTIONS, ids=IDS)
def test_solution_passes_under_papermill(solution: Path, example_city: City, tmp_path) -> None:
    out = run_notebook(solution, example_city, tmp_path / solution.name)
    nb = nbformat.read(out, as_version=4)
    shown = [
        o["data"]["text/plain"]
        for c in nb.cells
        if "check" in c.metadata.get("tags", [])
        for o in c.outputs
        if o.get("output_type") == "execute_result"
    ]
    assert shown and all(s.startswith("Correct") for s in shown), shown


# A typical wrong answer for every check, and words its message must contain.
WRONG = {
    "most-renters": (lambda c: _most_households(c), "most households"),
    "highest-rate": (lambda c: _most_residents(c), "most residents"),
    "user-story": (lambda c: "As a renter, I need a map", "so that"),
    "acceptance-criteria": (lambda c: ["Done when it works"], "at least two"),
    "tde-order": (lambda c: ["find", "design", "refine", "implement"], "design before refining"),
    "sharing-agreement": (lambda c: _agreement(c, publish_address=True), "would reveal"),
    "singled-out": (lambda c: 1, "smallest group"),
    "on-time-share": (lambda c: 0.75, "fraction"),
    "quality-drop": (lambda c: _lowest_now(c), "lowest score now"),
    "service-level": (lambda c: {"freshness_days": 35, "on_time_target": 100}, "no room"),
}


def _most_households(city: City) -> str:
    from daas.profile import city_profile

    df = city_profile.read_neighbourhoods(city)
    return df.loc[df["households"].idxmax(), "neighbourhood"]


def _most_residents(city: City) -> str:
    from daas.profile import city_profile

    df = city_profile.read_neighbourhoods(city)
    return df.loc[df["population"].idxmax(), "neighbourhood"]


def _lowest_now(city: City) -> str:
    from daas.operations import live_service as ops

    runs = ops.sample_runs(city)
    dims = list(ops.quality_change(runs).index)
    return runs[runs["status"] == "published"][dims].iloc[-1].idxmin()


def _agreement(city: City, publish_address: bool = False) -> dict:
    from daas.exercises.checks.partnerships import partner_columns

    cols = partner_columns(city)
    return {
        "purpose": "Show residents typical asking rents by neighbourhood and size",
        "data": cols[:5],
        "publish": cols[1:5] if publish_address else cols[2:5],
        "update_frequency": "monthly",
        "period_months": 12,
        "min_cell_size": city.privacy.min_cell_size,
        "transfer": "secure file transfer",
    }


def test_every_check_has_a_typical_wrong_answer_test() -> None:
    assert set(WRONG) == set(CHECKS)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_typical_wrong_answer_gets_a_specific_hint(name: str, example_city: City) -> None:
    make, words = WRONG[name]
    fb = check(name, make(example_city), example_city)
    assert not fb.correct
    assert words in f"{fb.message} {fb.hint}", str(fb)
    assert fb.hint and "Traceback" not in str(fb)


@pytest.mark.parametrize("name", sorted(CHECKS))
@pytest.mark.parametrize("odd", [None, ..., 3, 2.5, "", "nonsense", [], {}, True, object()])
def test_no_answer_ever_raises(name: str, odd: object, example_city: City) -> None:
    fb = check(name, odd, example_city)
    assert isinstance(fb, Feedback) and not fb.correct and fb.message


def test_more_checks_say_what_is_wrong(example_city: City) -> None:
    c = example_city
    assert (
        "percentage"
        in check("service-level", {"freshness_days": 35, "on_time_target": 0.9}, c).hint
    )
    assert (
        "cannot be fresher"
        in check("service-level", {"freshness_days": 3, "on_time_target": 95}, c).message
    )
    from daas.operations import live_service as ops

    runs = ops.sample_runs(c)
    fresh = round(100 * (runs["freshness_days"] <= ops.freshness_target(c)).mean(), 1)
    published = round(100 * (runs["status"] == "published").mean(), 1)
    assert "failed runs" in check("on-time-share", fresh, c).message
    assert "late or not" in check("on-time-share", published, c).message
    assert (
        "minimum cell size"
        in check("sharing-agreement", {**_agreement(c), "min_cell_size": 2}, c).message
    )
    assert "no column" in check("sharing-agreement", {**_agreement(c), "data": ["ssn"]}, c).message
    assert "not one of" in check("most-renters", "Atlantis", c).message
    assert "no exercise called" in check("nope", 1, c).message


def test_a_city_without_partner_data_gets_a_kind_message(example_city: City) -> None:
    no_beacon = example_city.model_copy(update={"beacon": None})
    fb = check("sharing-agreement", _agreement(example_city), no_beacon)
    assert not fb.correct and "beacon.sources" in fb.message


def test_checks_follow_the_city_they_are_given(city_tree: Path) -> None:
    src = (city_tree / "cities" / "port-mallory.yml").read_text()
    other = src.replace("slug: port-mallory", "slug: lake-aster").replace(
        "name: Port Mallory", "name: Lake Aster"
    )
    (city_tree / "cities" / "lake-aster.yml").write_text(other)
    city = load_city("lake-aster")
    fb = check("singled-out", 1, city)
    assert not fb.correct
    for sol in SOLUTIONS:
        assert all(r.correct for r in exbuild.run_inline(sol, "lake-aster"))
    assert "Lake Aster" in check("singled-out", 24, city).message


def test_stub_keeps_the_hint_and_blanks_the_answer() -> None:
    s = exbuild.stub("# pick one\nx = 2\nanswer = x * 3", "nb: cell 3")
    assert s == "# pick one\nanswer = None  # your answer here"
    with pytest.raises(DaasError) as err:
        exbuild.stub("print(1)", "nb: cell 3")
    assert "nb: cell 3" in str(err.value)


def test_build_rewrites_a_stale_learner_notebook(tmp_path: Path, monkeypatch) -> None:
    sols = tmp_path / "exercises" / "solutions"
    sols.mkdir(parents=True)
    shutil.copy(SOLUTIONS[0], sols / SOLUTIONS[0].name)
    monkeypatch.setattr(exbuild, "solutions_dir", lambda: sols)
    assert exbuild.stale(sols / SOLUTIONS[0].name)
    [(path, written)] = exbuild.build()
    assert written and path == tmp_path / "exercises" / SOLUTIONS[0].name
    assert not exbuild.stale(sols / SOLUTIONS[0].name)
    assert exbuild.build() == [(path, False)]


def test_cli_build_check_and_check(capsys) -> None:
    from daas.cli import main

    assert main(["exercises", "build", "--check"]) == 0
    assert main(["exercises", "check"]) == 0
    out = capsys.readouterr().out
    assert out.count("ok:") == 2 * len(SOLUTIONS)


@pytest.mark.parametrize("slug", ["port-mallory", "villa-ondina", "vale-do-sereno"])
def test_solutions_pass_for_every_example_city(slug: str) -> None:
    for sol in SOLUTIONS:
        results = exbuild.run_inline(sol, slug)
        assert results and all(r.correct for r in results), (sol.name, [str(r) for r in results])


@pytest.mark.parametrize("slug", ["port-mallory", "villa-ondina", "vale-do-sereno"])
def test_learner_notebooks_run_for_every_example_city(slug: str) -> None:
    """What a city's workshop pack runs: every blank exercise opens cleanly and fails kindly."""
    for sol in SOLUTIONS:
        results = exbuild.run_inline(exbuild.learner_path(sol), slug)
        assert results and not any(r.correct for r in results)
        assert all("Traceback" not in str(r) for r in results)


def test_each_blank_answer_hint_names_the_variable_the_notebook_uses() -> None:
    """The hint for a blank answer shows the assignment the learner completes (`story = ...`
    where the notebook has `story`), not a variable the notebook does not have."""
    used = {}
    for sol in SOLUTIONS:
        used |= dict(re.findall(r'check\(\\"([a-z-]+)\\", ([a-z_]+)', sol.read_text()))
    assert set(used) == set(CHECKS)
    for name, variable in used.items():
        hint = str(CHECKS[name](None, load_city("port-mallory")))
        assert f"{variable} = " in hint, (name, variable, hint)


def test_a_blank_answer_hint_is_code_its_words_in_the_learners_language() -> None:
    """The example to copy is code (a page reads it as code, not as a sentence); its words (a
    neighbourhood's placeholder, the story pattern) are in the learner's language."""
    from daas.core.i18n import use_language

    city = load_city("port-mallory")
    hint = CHECKS["service-level"](None, city).hint
    assert hint == 'set it like this: `level = {"freshness_days": 35, "on_time_target": 95}`'
    with use_language("es"):
        assert CHECKS["most-renters"](None, city).hint.endswith('`answer = "Nombre del barrio"`')
        story = CHECKS["user-story"](None, city).hint
    assert story.endswith('`story = "Como residente, necesito … para …"`')
    with use_language("pt"):
        criteria = CHECKS["acceptance-criteria"](None, city).hint
    assert criteria.endswith('`criteria = ["Pronto quando …", "Pronto quando …"]`')


def test_partner_overview_is_a_table_a_reader_can_read(example_city: City) -> None:
    """Each partner column once, as code, with Yes or No in the reader's language: no raw dict."""
    from daas.core import i18n
    from daas.exercises.checks.partnerships import (
        identifying_columns,
        partner_columns,
        partner_overview,
    )

    with i18n.use_language("es"):
        table = partner_overview(example_city)
    assert not isinstance(table, str)
    columns, identifying = partner_columns(example_city), identifying_columns(example_city)
    assert list(table.iloc[:, 0]) == [f"<code>{c}</code>" for c in columns]
    assert list(table.iloc[:, 1]) == ["Sí" if c in identifying else "No" for c in columns]
    assert 0 < len(identifying) < len(columns)
    html = table._repr_html_()
    assert "{" not in html and "True" not in html and "identify" not in html


def test_records_to_single_out_are_shown_labelled(example_city: City) -> None:
    """The learner works on `records` (columns `QUASI`); the table shows their first rows."""
    from daas.exercises.checks.governance import QUASI, people, records_table

    records = people(example_city)
    shown = records_table(records)
    assert list(shown.columns) == ["Age band", "Sex", "Neighbourhood"]
    assert shown.values.tolist() == records[QUASI].head().values.tolist()
