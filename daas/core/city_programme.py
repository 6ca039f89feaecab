"""The city file's programme sections: `readiness:`, `programme:` and `showcase:`.

Kept apart from `daas.core.city` so the programme's vocabulary (qualities, milestone ids) lives in
one place; this module imports nothing from the kit.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Answer = Literal["yes", "partly", "no"]
QUALITY_IDS = (
    "ambition",
    "chief_data_officer",
    "data_team",
    "specialists",
    "open_data_record",
    "data_sources",
)
MILESTONE_IDS = (  # in the order of daas.programme.milestones.MILESTONES
    "discovery-done",
    "needs-prioritised",
    "beacon-alpha",
    "standard-drafted",
    "ethics-passed",
    "beacon-beta",
    "beacon-live",
    "standard-adopted",
    "community-session-1",
    "community-session-2",
    "community-session-3",
    "community-session-4",
)
MilestoneId = Literal[MILESTONE_IDS]  # type: ignore[valid-type]
SHOWCASE_IDS = ("problem", "users", "built", "results", "lessons", "reuse")
TeamText = Annotated[str, Field(min_length=1, max_length=2000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Readiness(_Strict):
    """The readiness self-check: one answer (yes, partly or no) per quality the track asks for."""

    ambition: Answer | None = None
    chief_data_officer: Answer | None = None
    data_team: Answer | None = None
    specialists: Answer | None = None
    open_data_record: Answer | None = None
    data_sources: Answer | None = None
    portal_only: bool | None = None  # mainly after help to set up or fix an open data portal

    @field_validator(*QUALITY_IDS, mode="before")
    @classmethod
    def _yaml_booleans(cls, v: object) -> object:
        """YAML reads a bare `yes` or `no` as true or false: take them as the words."""
        return {True: "yes", False: "no"}.get(v, v) if isinstance(v, bool) else v


class MilestoneDates(_Strict):
    planned: date | None = None
    done: date | None = None


class Programme(_Strict):
    """When the city's track started, and each milestone's planned and done dates."""

    start: date | None = None
    milestones: dict[MilestoneId, MilestoneDates] = Field(default_factory=dict)


class Showcase(_Strict):
    """The team's own words for the case study; figures are added from the city's records."""

    problem: TeamText | None = None
    users: TeamText | None = None
    built: TeamText | None = None
    results: TeamText | None = None
    lessons: TeamText | None = None
    reuse: TeamText | None = None
