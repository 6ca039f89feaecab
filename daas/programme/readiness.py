"""Is the city a good fit for the track? The qualities the programme description names, answered
yes, partly or no in the city file (`readiness:`), give a plain verdict and what to put in place
first.

- "not yet": the city wants help with an open data portal (the track is not for that), or an
  essential quality is missing;
- "good fit once gaps closed": every essential quality is there at least in part, or an answer is
  still missing;
- "good fit": every essential quality is there. Other specialists are welcome, not required.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from daas.core.city import City
from daas.core.errors import Problem
from daas.core.i18n import N_, _


@dataclass(frozen=True)
class Quality:
    id: str
    question: str
    first_step: str  # what to put in place when the answer is not yes
    essential: bool = True


QUALITIES: tuple[Quality, ...] = (
    Quality(
        "ambition",
        N_(
            "Do your leaders want a significant change in how the city uses data, and will they "
            "commit time to it?"
        ),
        N_(
            "Agree with the city's leaders what should change in the way the city uses data, and "
            "who will give time to it for twelve months."
        ),
    ),
    Quality(
        "chief_data_officer",
        N_("Is there a chief data officer, or someone with the same role, in post?"),
        N_("Name a chief data officer, or someone with the same authority, to lead the track."),
    ),
    Quality(
        "data_team",
        N_("Is there a dedicated data or analytics team?"),
        N_("Give the data or analytics team people whose job is data, not a side task."),
    ),
    Quality(
        "open_data_record",
        N_("Has the city published open data, and kept it up to date, for some time?"),
        N_("Publish a few datasets and keep them up to date for a few months, to build a record."),
    ),
    Quality(
        "data_sources",
        N_("Can you name data sources that, with work, could address a clear city priority?"),
        N_("Pick one clear city priority and list the data sources that could help with it."),
    ),
    Quality(
        "specialists",
        N_("Do you have other specialists, such as a user researcher or a designer?"),
        N_("Find a user researcher or designer who can join the Beacon team for some of the time."),
        essential=False,
    ),
)
PORTAL_QUESTION = N_("Are you mainly looking for help to set up or fix an open data portal?")
PORTAL_STEP = N_(
    "This track is not for setting up or fixing an open data portal: it helps cities that "
    "already publish data to run data services. Settle the portal first."
)
VERDICTS = {
    "good-fit": N_("good fit"),
    "gaps": N_("good fit once gaps closed"),
    "not-yet": N_("not yet"),
}
ANSWERS = {"yes": N_("yes"), "partly": N_("partly"), "no": N_("no"), None: N_("not answered")}


@dataclass(frozen=True)
class Result:
    verdict: str  # a key of VERDICTS
    answers: dict[str, str | None]  # quality id -> yes / partly / no / None
    portal_only: bool | None
    first: list[str]  # what to put in place first, most important first

    @property
    def verdict_label(self) -> str:
        return _(VERDICTS[self.verdict])

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "summary": summary(self),
            "answers": self.answers,
            "portal_only": self.portal_only,
            "put_in_place_first": self.first,
        }


def check(city: City) -> Result:
    """The verdict from the city's answers, with what to put in place first."""
    r = city.readiness
    answers = {q.id: getattr(r, q.id) if r else None for q in QUALITIES}
    portal = r.portal_only if r else None
    essential = [q for q in QUALITIES if q.essential]
    first = [_(PORTAL_STEP)] if portal else []
    for wanted in ("no", "partly"):  # the biggest gaps first
        first += [_(q.first_step) for q in essential if answers[q.id] == wanted]
    unanswered = [q.question for q in essential if answers[q.id] is None]
    unanswered += [PORTAL_QUESTION] if portal is None else []
    first += [_("Answer the question: {question}").format(question=_(q)) for q in unanswered]
    first += [_(q.first_step) for q in QUALITIES if not q.essential and answers[q.id] != "yes"]
    if portal or any(answers[q.id] == "no" for q in essential):
        verdict = "not-yet"
    elif any(answers[q.id] != "yes" for q in essential) or portal is None:
        verdict = "gaps"
    else:
        verdict = "good-fit"
    return Result(verdict, answers, portal, first)


def summary(result: Result) -> str:
    """One plain sentence for a leader."""
    text = {
        "good-fit": N_("Your city has what the track asks for."),
        "gaps": N_("Your city can join the track once it closes the gaps below."),
        "not-yet": N_("Not yet: put the first items below in place before joining the track."),
    }[result.verdict]
    return _(text)


def table(result: Result) -> pd.DataFrame:
    """One row per question, with the city's answer."""
    rows = [
        {_("question"): _(q.question), _("answer"): _(ANSWERS[result.answers[q.id]])}
        for q in QUALITIES
    ]
    portal = {True: "yes", False: "no", None: None}[result.portal_only]
    rows.append({_("question"): _(PORTAL_QUESTION), _("answer"): _(ANSWERS[portal])})
    return pd.DataFrame(rows).set_index(_("question"))


def readiness_warnings(city: City) -> list[Problem]:
    """No readiness section, or a question left unanswered."""
    f = f"cities/{city.slug}.yml"
    if city.readiness is None:
        return [
            Problem(
                f,
                "readiness",
                _("no readiness answers, so the fit for the track is not known"),
                _(
                    "add `readiness:` with yes, partly or no for each question "
                    "(see cities/README.md)"
                ),
            )
        ]
    out = [
        Problem(
            f,
            f"readiness.{q.id}",
            _("not answered: {question}").format(question=_(q.question)),
            _("answer yes, partly or no"),
        )
        for q in QUALITIES
        if getattr(city.readiness, q.id) is None
    ]
    if city.readiness.portal_only is None:
        out.append(
            Problem(
                f,
                "readiness.portal_only",
                _("not answered: {question}").format(question=_(PORTAL_QUESTION)),
                _("answer `portal_only: yes` or `portal_only: no`"),
            )
        )
    return out
