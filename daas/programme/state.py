"""A city's current state, read from the records the kit writes: the Beacon's runs, the Standard
assessment, the ethics review, the staff survey, research notes and community records.

Readers never fail on a missing record: they return None (or an empty state) and the briefing
says what is missing. Nothing here writes: `daas city build` (`daas.stages`) computes the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from daas.core.city import City
from daas.core.errors import DaasError
from daas.core.i18n import N_

# The What Works Cities practice areas and maturity levels, for translation
# (daas.discovery.capability).
AREA_NAMES = (
    N_("Data Management"),
    N_("Leadership & Capacity"),
    N_("Open Data"),
    N_("Performance & Analytics"),
    N_("Data-Driven Budget & Finance"),
    N_("Results-Driven Contracting"),
    N_("Community Impact"),
    N_("Evaluations"),
)
LEVEL_NAMES = (N_("Beginning"), N_("Emerging"), N_("Learning"), N_("Developing"), N_("Mastering"))
RATING_NAMES = {"green": N_("green"), "amber": N_("amber"), "red": N_("red")}
QUALITY_NAMES = {
    "accuracy": N_("accuracy"),
    "completeness": N_("completeness"),
    "uniqueness": N_("uniqueness"),
    "consistency": N_("consistency"),
    "timeliness": N_("timeliness"),
    "validity": N_("validity"),
}


# --- the Beacon --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Beacon:
    """The published run (`beacon/run.json`) and the latest run of any kind (the history)."""

    published: dict | None
    last: dict | None
    reference_date: date | None = None  # a fictional city's fixed "today" for data age

    @property
    def built(self) -> bool:
        return self.published is not None

    @property
    def last_failed(self) -> bool:
        return self.last is not None and self.last.get("status") == "failed"

    @property
    def gate_failed(self) -> bool:
        """The latest run was stopped by the privacy gate (nothing new was published)."""
        return self.last_failed and (self.last or {}).get("failed_check") == "privacy-gate"

    @property
    def last_day(self) -> str | None:
        return (
            str(self.last.get("finished") or self.last.get("started"))[:10] if self.last else None
        )

    def data_age(self, today: date) -> int | None:
        """Days between the data's as-of date and `today` (or the city's reference date)."""
        run = self.published
        if run is None:  # not built
            return None
        if self.reference_date is not None:  # the run counted to it already
            return int(run.get("freshness_days", 0))
        built_on = date.fromisoformat(str(run.get("finished", ""))[:10] or today.isoformat())
        return int(run.get("freshness_days", 0)) + max((today - built_on).days, 0)

    def lowest_quality(self) -> tuple[str, float] | None:
        q = (self.published or {}).get("quality") or {}
        if not q:
            return None
        key = min(q, key=lambda k: (q[k], k))
        return key, float(q[key])

    def under_served(self) -> int:
        return len(((self.published or {}).get("fairness") or {}).get("under_served", []))


def beacon(city: City) -> Beacon:
    from daas.beacon import records
    from daas.standard.assess import read_run

    history = records.run_history(city.slug)
    return Beacon(read_run(city.slug), history[-1] if history else None, city.reference_date)


# --- the Standard, ethics, capability ------------------------------------------------------------


@dataclass(frozen=True)
class Standard:
    stage: str
    overall: str  # green, amber or red
    counts: dict[str, int]
    points: int


def standard(city: City) -> Standard | None:
    """The Standard assessment as it stands (None without the team's evidence file)."""
    from daas.standard import assess

    if not assess.evidence_path(city.slug).exists():
        return None
    try:
        report = assess.assess(city)
    except DaasError:
        return None
    return Standard(report.stage, report.overall, report.counts, len(report.points))


@dataclass(frozen=True)
class Ethics:
    status: str  # none, invalid, passed, needs-work or overdue
    assessed_on: str | None = None
    review_date: str | None = None
    flagged: list[str] = field(default_factory=list)  # principles scored under 3


def ethics(city: City, today: date) -> Ethics:
    from daas.ethics import review

    if not review.has_answers(city):
        return Ethics("none")
    try:
        rec = review.assessment(city, today)
    except DaasError:
        return Ethics("invalid")
    status = "overdue" if rec["review_overdue"] else "needs-work" if rec["flagged"] else "passed"
    return Ethics(status, rec["assessed_on"], rec["review_date"], rec["flagged"])


PRINCIPLE_NAMES = {
    "transparency": N_("transparency"),
    "accountability": N_("accountability"),
    "fairness": N_("fairness"),
}


@dataclass(frozen=True)
class Capability:
    respondents: int
    average: float
    strengths: list[str]  # area names, strongest first
    priorities: list[str]  # area names to invest in, most needed first

    @property
    def level(self) -> str:
        from daas.discovery.capability import level_name

        return level_name(self.average)


def capability(city: City) -> Capability | None:
    """The capability profile from the staff survey (None when the city has none yet)."""
    if "staff_survey" not in city.datasets:
        return None
    from daas.discovery import capability

    try:
        survey = capability.survey_for(city)
    except DaasError:
        return None
    if survey.ratings.empty:
        return None
    return Capability(
        respondents=survey.respondents,
        average=round(float(survey.ratings["level"].mean()), 1),
        strengths=capability.strongest_areas(survey, 2),
        priorities=capability.priority_areas(survey, 3),
    )


# --- people reached ----------------------------------------------------------------------------


def research(city: City) -> tuple[int, int] | None:
    """(participants, user groups) in the city's research notes, or None."""
    if "research_notes" not in city.datasets:
        return None
    from daas.needs.notes import notes_for

    try:
        table = notes_for(city).table
    except DaasError:
        return None
    per_group = table.groupby("user_group")["participant"].nunique()
    return int(per_group.sum()), len(per_group)


def community(city: City) -> tuple[int, int] | None:
    """(sessions held, people who came) from the city's own community records, or None (the
    seeded sample the tracker shows is never counted)."""
    from daas.community import tracker as cop

    if not cop.has_records(city):
        return None
    try:
        att, _fb = cop.load(city)
    except DaasError:
        return None
    return int(att["session_date"].nunique()), int(att["person_id"].nunique())
