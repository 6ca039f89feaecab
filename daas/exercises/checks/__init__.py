"""One module per masterclass topic; each check takes (answer, city) and returns Feedback.

`check(name, answer, city)` runs one by name (what the exercise notebooks call).
"""

from __future__ import annotations

from daas.core.city import City
from daas.core.i18n import _
from daas.exercises.checks import (
    governance,
    live_service,
    partnerships,
    renters,
    residents,
    user_needs,
)
from daas.exercises.feedback import Check, Feedback, not_yet

CHECKS: dict[str, Check] = {
    "most-renters": renters.most_renters,
    "highest-rate": residents.highest_rate,
    "user-story": user_needs.user_story,
    "acceptance-criteria": user_needs.acceptance_criteria,
    "tde-order": partnerships.tde_order,
    "sharing-agreement": partnerships.sharing_agreement,
    "singled-out": governance.singled_out,
    "on-time-share": live_service.on_time_share,
    "quality-drop": live_service.quality_drop,
    "service-level": live_service.service_level,
}

__all__ = ["CHECKS", "Feedback", "check"]


def check(exercise: str, answer: object, city: City) -> Feedback:
    """Check `answer` for the named exercise."""
    if exercise not in CHECKS:
        return not_yet(
            _("there is no exercise called '{exercise}'.").format(exercise=exercise),
            _("known exercises: {names}.").format(names=", ".join(CHECKS)),
        )
    return CHECKS[exercise](answer, city)
