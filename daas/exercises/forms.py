"""The no-code path: each exercise as a form in JupyterLab, for the programme leads and service
owners in the room who do not write pandas. A form asks for the same answer the code path
sets, in widgets (a list of the city's neighbourhoods, boxes for numbers, a text area for a
story), and runs the same check (`daas.exercises.checks`), so both paths get the same feedback.

    from daas.exercises import forms
    forms.form("most-renters", the_city)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import ipywidgets as widgets
from IPython.display import Markdown, display

from daas.core.city import City
from daas.core.i18n import N_, _
from daas.exercises.checks import CHECKS, check
from daas.exercises.feedback import Feedback, record_form_check

Fields = dict[str, widgets.ValueWidget]
Answer = Callable[[Fields], object]


@dataclass
class Form:
    """One exercise's form: its fields, how they make the answer, and the last feedback."""

    exercise: str
    city: City
    fields: Fields
    answer: Answer
    feedback: Feedback | None = None
    output: widgets.Output = field(default_factory=widgets.Output)

    def submit(self) -> Feedback:
        """Check what the fields hold now, and show the feedback under the form."""
        self.feedback = check(self.exercise, self.answer(self.fields), self.city)
        record_form_check(self.exercise, self.feedback.correct)
        self.output.clear_output()
        with self.output:
            display(Markdown(self.feedback._repr_markdown_()))
        return self.feedback

    def widget(self) -> widgets.VBox:
        button = widgets.Button(description=_("Check my answer"), button_style="primary")
        button.on_click(lambda _b: self.submit())
        return widgets.VBox([*self.fields.values(), button, self.output])

    def _ipython_display_(self) -> None:
        display(self.widget())


def _style() -> dict[str, object]:
    return {"style": {"description_width": "initial"}, "layout": widgets.Layout(width="95%")}


def _choice(label: str, options: list[tuple[str, str]]) -> widgets.Dropdown:
    return widgets.Dropdown(description=_(label), options=options, value=None, **_style())


def _numbers(label: str) -> widgets.FloatText:
    return widgets.FloatText(description=_(label), value=0, **_style())


def _text(label: str, example: str = "") -> widgets.Textarea:
    return widgets.Textarea(description=_(label), placeholder=example, **_style())


def _neighbourhoods(city: City) -> list[tuple[str, str]]:
    from daas.profile.city_profile import read_neighbourhoods

    names = sorted(read_neighbourhoods(city)["neighbourhood"])
    return [(n, n) for n in names]


def _columns(city: City) -> list[str]:
    from daas.exercises.checks.partnerships import partner_columns

    return partner_columns(city)


def _dimensions(city: City) -> list[tuple[str, str]]:
    from daas.operations import live_service as ops

    return [(_(n), n) for n in ops.quality_change(ops.sample_runs(city)).index]


def _whole(value: float) -> float | int:
    """A number as the code path would write it: 12, not 12.0."""
    return int(value) if float(value).is_integer() else value


def _one(key: str) -> Answer:
    return lambda f: f[key].value


def _neighbourhood_form(city: City) -> tuple[Fields, Answer]:
    return {"answer": _choice(N_("Neighbourhood"), _neighbourhoods(city))}, _one("answer")


def _story_form(city: City) -> tuple[Fields, Answer]:
    return {"story": _text(N_("Your user story"), _("As a … I need … so that …"))}, _one("story")


def _criteria_form(city: City) -> tuple[Fields, Answer]:
    fields = {"criteria": _text(N_("Acceptance criteria, one per line"), _("Done when …"))}
    return fields, _one("criteria")


def _tde_form(city: City) -> tuple[Fields, Answer]:
    from daas.exercises.checks.partnerships import TDE_STEPS

    steps = [(_(STEP_WORDS.get(s, s)), s) for s in TDE_STEPS]
    fields = {f"step{i}": _choice(_("Step {n}").format(n=i), steps) for i in range(1, 5)}
    return fields, lambda f: [f[f"step{i}"].value for i in range(1, 5) if f[f"step{i}"].value]


def _agreement_form(city: City) -> tuple[Fields, Answer]:
    columns = _columns(city)
    many = {"options": columns, "rows": min(len(columns), 8), **_style()}
    fields: Fields = {
        "purpose": _text(N_("Purpose: who will use the data, for what decision")),
        "data": widgets.SelectMultiple(description=_("Columns received"), **many),
        "publish": widgets.SelectMultiple(description=_("Columns published"), **many),
        "update_frequency": _choice(N_("How often"), [(_(w), w) for w in FREQUENCIES]),
        "period_months": _numbers(N_("Months before review")),
        "min_cell_size": _numbers(N_("Minimum cell size")),
        "transfer": _text(N_("How the files are transferred")),
    }

    def answer(f: Fields) -> dict[str, object]:
        values = {k: w.value for k, w in f.items()}
        return {**values, "data": list(values["data"]), "publish": list(values["publish"]),
                "period_months": _whole(values["period_months"]),
                "min_cell_size": _whole(values["min_cell_size"])}  # fmt: skip

    return fields, answer


def _number_form(label: str) -> Callable[[City], tuple[Fields, Answer]]:
    return lambda city: ({"answer": _numbers(label)}, lambda f: _whole(f["answer"].value))


def _dimension_form(city: City) -> tuple[Fields, Answer]:
    return {"answer": _choice(N_("Quality dimension"), _dimensions(city))}, _one("answer")


def _service_level_form(city: City) -> tuple[Fields, Answer]:
    fields = {"freshness_days": _numbers(N_("Data at most this many days old")),
              "on_time_target": _numbers(N_("Share of runs on time (%)"))}  # fmt: skip
    return fields, lambda f: {k: _whole(w.value) for k, w in f.items()}


STEP_WORDS = {"find": N_("find"), "refine": N_("refine"), "design": N_("design"),
              "implement": N_("implement")}  # fmt: skip
FREQUENCIES = (N_("daily"), N_("weekly"), N_("monthly"), N_("quarterly"))
FORMS: dict[str, Callable[[City], tuple[Fields, Answer]]] = {
    "most-renters": _neighbourhood_form,
    "highest-rate": _neighbourhood_form,
    "user-story": _story_form,
    "acceptance-criteria": _criteria_form,
    "tde-order": _tde_form,
    "sharing-agreement": _agreement_form,
    "singled-out": _number_form(N_("People alone in their group")),
    "on-time-share": _number_form(N_("Runs on time (%)")),
    "quality-drop": _dimension_form,
    "service-level": _service_level_form,
}


def form(exercise: str, city: City) -> Form:
    """The no-code form for `exercise` (a name `daas.exercises.checks.CHECKS` knows)."""
    if exercise not in FORMS:
        known = ", ".join(CHECKS)
        raise KeyError(_("there is no exercise called '{exercise}'; known: {known}").format(
            exercise=exercise, known=known))  # fmt: skip
    fields, answer = FORMS[exercise](city)
    return Form(exercise, city, fields, answer)
