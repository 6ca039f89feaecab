"""The data ethics assessment a service team fills in together, and the record it produces.

Its structure follows two public frameworks (their names are used with attribution; the prompts
are the kit's own words):
- the UK Data Ethics Framework (2020), GOV.UK, Open Government Licence v3.0: three overarching
  principles scored 0 to 5, and five specific actions;
- the ODI Data Ethics Canvas, Open Data Institute, CC BY-SA 4.0: fifteen sections in four groups.

Answers live in a YAML file per city (`ethics_answers` in the city file), validated with every
problem reported at once. `form()` is an ipywidgets form that writes that file; `assessment()`
turns it into the record (JSON and a book page): scores, a flag on any principle under 3, named
actions with owners, and the review date.
"""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path
from typing import Annotated

# Imported with the module, not in the call that makes the widgets: a cold kernel that imports
# ipywidgets in the same cell that opens widgets could leave that cell's reply unanswered under
# load (notebook 04 stalled for the whole cell timeout under papermill).
import ipywidgets as w
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from daas.core.city import City
from daas.core.display import headers
from daas.core.errors import DaasError, Problem
from daas.core.i18n import N_, _
from daas.core.io import atomic_write_text
from daas.core.markdown import escape_markdown
from daas.core.paths import city_build_dir, repo_root

ATTRIBUTION = (
    "Structure from the UK Data Ethics Framework (2020), GOV.UK, published under the Open "
    "Government Licence v3.0, and from the ODI Data Ethics Canvas, Open Data Institute, CC BY-SA "
    "4.0. Prompts are written for this kit."
)
FLAG_BELOW = 3

PRINCIPLES = {
    "transparency": N_("Could a resident find out what data the service uses, how, and why?"),
    "accountability": N_("Who answers for the service's use of data, and who checks on them?"),
    "fairness": N_(
        "Could the service treat some groups worse than others, and how would you know?"
    ),
}
PRINCIPLE_NAMES = {
    "transparency": N_("Transparency"),
    "accountability": N_("Accountability"),
    "fairness": N_("Fairness"),
}
ACTIONS = {
    "public_benefit": N_("Define and understand public benefit and user need"),
    "diverse_expertise": N_("Involve diverse expertise"),
    "comply_with_law": N_("Comply with the law"),
    "data_quality": N_("Review the quality and limitations of the data"),
    "policy_implications": N_("Evaluate and consider wider policy implications"),
}
ACTION_PROMPTS = {
    "public_benefit": N_("Who gains from this service, and what need does it meet?"),
    "diverse_expertise": N_(
        "Which people and skills shaped it: residents, front-line staff, lawyers, analysts?"
    ),
    "comply_with_law": N_(
        "Which laws and rules apply (data protection, records, equality), and who checked?"
    ),
    "data_quality": N_(
        "What is missing, out of date or biased in the data, and what do you do about it?"
    ),
    "policy_implications": N_("What could change because of this service, intended or not?"),
}
CANVAS = {
    N_("Know your data"): {
        "data_sources": N_("Data sources"),
        "rights_around_data": N_("Rights around data sources"),
        "limitations": N_("Limitations in data sources"),
        "ethical_legislative_context": N_("Ethical and legislative context"),
    },
    N_("Explore your impact"): {
        "reason_for_using_data": N_("Your reason for using data"),
        "positive_effects": N_("Positive effects on people"),
        "negative_effects": N_("Negative effects on people"),
        "minimising_negative_impact": N_("Minimising negative impact"),
    },
    N_("Plan your engagement"): {
        "engaging_with_people": N_("Engaging with people"),
        "communicating_purpose": N_("Communicating your purpose"),
        "openness_transparency": N_("Openness and transparency"),
        "sharing_with_others": N_("Sharing data with others"),
    },
    N_("Integrate into processes"): {
        "ongoing_implementation": N_("Ongoing implementation"),
        "reviews_iterations": N_("Reviews and iterations"),
        "your_actions": N_("Your actions"),
    },
}
CANVAS_SECTIONS = {k: v for group in CANVAS.values() for k, v in group.items()}
Text = Annotated[str, Field(max_length=4000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PrincipleScore(_Strict):
    score: int = Field(ge=0, le=5)
    evidence: Text = ""


class ActionAnswer(_Strict):
    answer: Text = ""
    owner: Name


class NextStep(_Strict):
    action: Annotated[str, Field(min_length=1, max_length=500)]
    owner: Name
    due: date | None = None


class Answers(_Strict):
    """One city's answers file."""

    service: Name
    assessed_on: date
    review_date: date
    team: list[Name] = Field(default_factory=list)
    principles: dict[str, PrincipleScore]
    actions: dict[str, ActionAnswer]
    canvas: dict[str, Text] = Field(default_factory=dict)
    next_steps: list[NextStep] = Field(default_factory=list)


def _structure_problems(a: Answers, file: str) -> list[Problem]:
    out = []
    for key, known, unknown, missing in (
        ("principles", PRINCIPLES, N_("not a principle"), N_("the principle is missing")),
        ("actions", ACTIONS, N_("not an action"), N_("the action is missing")),
        ("canvas", CANVAS_SECTIONS, N_("not a canvas section"), ""),
    ):
        given = getattr(a, key)
        for k in sorted(set(given) - set(known)):
            out.append(
                Problem(
                    file,
                    f"{key}.{k}",
                    _(unknown),
                    _("use one of: {values}").format(values=", ".join(known)),
                )
            )
        if missing:
            for k in [k for k in known if k not in given]:
                out.append(Problem(file, f"{key}.{k}", _(missing), _("add it")))
    if a.review_date <= a.assessed_on:
        out.append(
            Problem(
                file,
                "review_date",
                _("must be after {field}").format(field="assessed_on"),
                _("set a date in 3 to 12 months"),
            )
        )
    return out


def parse_answers(data: object, file: str) -> Answers:
    """Validate loaded YAML; raise DaasError listing every problem."""
    if not isinstance(data, dict):
        raise DaasError.one(
            file,
            "",
            _("not a mapping of fields"),
            _("start from {file}").format(file="cities/ethics/port-mallory.yml"),
        )
    try:
        a = Answers.model_validate(data)
    except ValidationError as exc:
        raise DaasError(
            [
                Problem(
                    file,
                    ".".join(map(str, e["loc"])),
                    e["msg"],
                    _("see {file} for the expected form").format(
                        file="cities/ethics/port-mallory.yml"
                    ),
                )
                for e in exc.errors()
            ]
        ) from None
    problems = _structure_problems(a, file)
    if problems:
        raise DaasError(problems)
    return a


def answers_path(city: City) -> Path:
    if not city.ethics_answers:
        raise DaasError.one(
            f"cities/{city.slug}.yml",
            "ethics_answers",
            _("not set"),
            _("add `ethics_answers: cities/ethics/{slug}.yml`").format(slug=city.slug),
        )
    return repo_root() / city.ethics_answers


def has_answers(city: City) -> bool:
    """Whether the city names an answers file that exists (else the page invites the team)."""
    return bool(city.ethics_answers) and answers_path(city).is_file()


def load_answers(city: City) -> Answers:
    path = answers_path(city)
    shown = city.ethics_answers or str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DaasError.one(
            shown,
            "",
            _("file not found"),
            _("fill in the form: {call}").format(call="daas.ethics.review.form(city)"),
        ) from None
    except yaml.YAMLError as exc:
        raise DaasError.one(
            shown, "", _("not valid YAML ({error})").format(error=exc), _("fix the quoting")
        ) from None
    return parse_answers(data, shown)


def answers_yaml(a: Answers) -> str:
    body = a.model_dump(mode="json", exclude_defaults=False)
    head = f"# Data ethics assessment answers. {ATTRIBUTION}\n"
    return head + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


def save_answers(city: City, data: dict) -> Path:
    """Validate and write the answers file atomically (nothing written when invalid)."""
    a = parse_answers(data, city.ethics_answers or "answers")
    path = answers_path(city)
    atomic_write_text(path, answers_yaml(a))
    return path


def assessment(city: City, today: date | None = None) -> dict:
    """The assessment record: scores, flags, actions with owners, review date."""
    a = load_answers(city)
    today = today or city.today()
    scores = {k: a.principles[k].score for k in PRINCIPLES}
    return {
        "city": city.slug,
        "service": a.service,
        "assessed_on": a.assessed_on.isoformat(),
        "review_date": a.review_date.isoformat(),
        "review_overdue": a.review_date < today,
        "team": a.team,
        "scores": scores,
        "flagged": [k for k, s in scores.items() if s < FLAG_BELOW],
        "evidence": {k: a.principles[k].evidence for k in PRINCIPLES},
        "actions": [
            {"action": _(ACTIONS[k]), "answer": a.actions[k].answer, "owner": a.actions[k].owner}
            for k in ACTIONS
        ],
        "canvas": {
            _(group): {_(CANVAS_SECTIONS[k]): a.canvas.get(k, "") for k in sections}
            for group, sections in CANVAS.items()
        },
        "next_steps": [s.model_dump(mode="json") for s in a.next_steps],
        "attribution": ATTRIBUTION,
    }


def assessment_path(city: City) -> Path:
    return city_build_dir(city.slug) / "ethics" / "assessment.json"


def write_assessment(city: City, today: date | None = None) -> Path:
    """Write `_build/cities/<slug>/ethics/assessment.json` atomically (the city's `ethics`
    stage, `daas.stages`)."""
    path = assessment_path(city)
    record = assessment(city, today)
    atomic_write_text(path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return path


def scores_table(record: dict):
    """The principle scores as a small table for a page or notebook."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                _("principle"): _(PRINCIPLE_NAMES[k]),
                _("score (0-5)"): s,
                _("needs work"): _("yes") if k in record["flagged"] else "",
                _("evidence"): record["evidence"][k],
            }
            for k, s in record["scores"].items()
        ]
    ).set_index(_("principle"))


def summary_markdown(record: dict, done: bool) -> str:
    """The record's heading lines (service, dates, flagged principles), or, when the city has not
    assessed yet, how to start."""
    if not done:
        return _(
            "**This city has not recorded its assessment yet.** Open the form in JupyterLab with "
            "`daas.ethics.review.form(city)`; the questions below are the ones the team will "
            "answer."
        )
    review = (
        _("**Next review by:** {date} (overdue)")
        if record["review_overdue"]
        else _("**Next review by:** {date}")
    )
    flagged = (
        _("**Principles scoring under {below}:** {principles}")
        if record["flagged"]
        else _("**Principles scoring under {below}:** none")
    )
    names = ", ".join(_(PRINCIPLE_NAMES[k]) for k in record["flagged"])
    return "  \n".join(
        [
            _("**Service:** {service}").format(service=escape_markdown(str(record["service"]))),
            _("**Assessed on:** {date}").format(date=record["assessed_on"]),
            review.format(date=record["review_date"]),
            flagged.format(below=FLAG_BELOW, principles=names),
        ]
    )


ACTION_COLUMNS = (N_("action"), N_("answer"), N_("owner"))
STEP_COLUMNS = (N_("action"), N_("owner"), N_("due"))
CANVAS_COLUMNS = (N_("group"), N_("section"), N_("notes"))


def actions_table(record: dict):
    """The five actions with the team's answer and owner, one row each."""
    import pandas as pd

    table = pd.DataFrame(record["actions"], columns=list(ACTION_COLUMNS)).set_index("action")
    return headers(table, ACTION_COLUMNS)


def next_steps_table(record: dict):
    """The agreed next steps: action, owner, due date (empty when there are none)."""
    import pandas as pd

    return headers(pd.DataFrame(record["next_steps"], columns=list(STEP_COLUMNS)), STEP_COLUMNS)


def next_steps_heading() -> str:
    """The bold line above the next steps table."""
    return _("**Next steps**")


def canvas_table(record: dict):
    """The team's notes on each Data Ethics Canvas section, by group and section."""
    import pandas as pd

    rows = [
        (group, section, text or _("(not answered yet)"))
        for group, sections in record["canvas"].items()
        for section, text in sections.items()
    ]
    table = pd.DataFrame(rows, columns=list(CANVAS_COLUMNS)).set_index(["group", "section"])
    return headers(table, CANVAS_COLUMNS)


def form(city: City):
    """An ipywidgets form for the answers; 'Save' validates and writes the file atomically."""

    try:
        a = load_answers(city).model_dump(mode="python")
    except DaasError:
        a = {
            "service": "",
            "assessed_on": date.today(),
            "review_date": date.today(),
            "team": [],
            "principles": {},
            "actions": {},
            "canvas": {},
            "next_steps": [],
        }
    wide = w.Layout(width="95%")
    service = w.Text(value=a["service"], description=_("Service"), layout=wide)
    assessed = w.DatePicker(value=a["assessed_on"], description=_("Assessed on"))
    review = w.DatePicker(value=a["review_date"], description=_("Review by"))
    team = w.Text(value=", ".join(a["team"]), description=_("Team"), layout=wide)
    scores, evidence = {}, {}
    boxes = [w.HTML("<h3>" + _("Principles (UK Data Ethics Framework 2020)") + "</h3>")]
    for k, prompt in PRINCIPLES.items():
        p = a["principles"].get(k, {"score": 0, "evidence": ""})
        name = _(PRINCIPLE_NAMES[k])
        scores[k] = w.IntSlider(value=p["score"], min=0, max=5, description=name)
        evidence[k] = w.Textarea(value=p["evidence"], placeholder=_(prompt), layout=wide)
        boxes += [scores[k], evidence[k]]
    answers, owners = {}, {}
    boxes.append(w.HTML("<h3>" + _("Actions") + "</h3>"))
    for k, title in ACTIONS.items():
        p = a["actions"].get(k, {"answer": "", "owner": ""})
        answers[k] = w.Textarea(value=p["answer"], placeholder=_(ACTION_PROMPTS[k]), layout=wide)
        owners[k] = w.Text(value=p["owner"], description=_("Owner"))
        boxes += [w.HTML(f"<b>{html.escape(_(title))}</b>"), answers[k], owners[k]]
    canvas = {}
    for group, sections in CANVAS.items():
        head = _("{group} (ODI Data Ethics Canvas)").format(group=_(group))
        boxes.append(w.HTML(f"<h3>{html.escape(head)}</h3>"))
        for k, title in sections.items():
            canvas[k] = w.Textarea(
                value=a["canvas"].get(k, ""),
                description=_(title),
                style={"description_width": "initial"},
                layout=wide,
            )
            boxes.append(canvas[k])
    save = w.Button(description=_("Save answers"), button_style="primary")
    status = w.HTML()

    def collect() -> dict:
        return {
            "service": service.value,
            "assessed_on": assessed.value,
            "review_date": review.value,
            "team": [t.strip() for t in team.value.split(",") if t.strip()],
            "principles": {
                k: {"score": scores[k].value, "evidence": evidence[k].value} for k in PRINCIPLES
            },
            "actions": {k: {"answer": answers[k].value, "owner": owners[k].value} for k in ACTIONS},
            "canvas": {k: v.value for k, v in canvas.items() if v.value.strip()},
            "next_steps": a["next_steps"],
        }

    def on_save(_button: object) -> None:
        try:
            path = save_answers(city, collect())
            status.value = _("Saved to {path}").format(path=path.relative_to(repo_root()))
        except DaasError as exc:
            status.value = "<pre>" + str(exc) + "</pre>"

    save.on_click(on_save)
    box = w.VBox([service, assessed, review, team, *boxes, save, status])
    box.collect = collect  # for tests and scripted use
    box.save_button, box.status = save, status
    return box


def blank_record(city: City) -> dict:
    """A record with the questions and no answers, for a city that has not assessed yet."""
    return {
        "city": city.slug,
        "service": "",
        "assessed_on": None,
        "review_date": None,
        "review_overdue": False,
        "team": [],
        "scores": {k: None for k in PRINCIPLES},
        "flagged": [],
        "evidence": {k: _(prompt) for k, prompt in PRINCIPLES.items()},
        "actions": [
            {"action": _(ACTIONS[k]), "answer": _(ACTION_PROMPTS[k]), "owner": ""} for k in ACTIONS
        ],
        "canvas": {_(g): {_(t): "" for t in sections.values()} for g, sections in CANVAS.items()},
        "next_steps": [],
        "attribution": ATTRIBUTION,
    }
