"""The no-code path: every exercise has a form; a form's answer goes through the same check as
the code path, so the same answer gets the same feedback either way."""

from __future__ import annotations

import pytest

from daas.core.city import City, load_city
from daas.exercises import forms
from daas.exercises.checks import CHECKS, check
from daas.profile.city_profile import read_neighbourhoods


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
