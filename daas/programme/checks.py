"""Gaps in a city file that the programme companion warns about, never fails on: unanswered
readiness questions, missing milestone dates, unfilled roles, missing case-study text.

`daas city validate` and `daas workshop run` print them and still exit 0; the progress page
shows them.
"""

from __future__ import annotations

from datetime import date

from daas.core.city import City
from daas.core.errors import Problem
from daas.core.i18n import N_, use_language

NO_WARNINGS = N_(
    "None: every question is answered, every role is filled and every milestone has a date."
)


def warnings(city: City, today: date | None = None, lang: str | None = None) -> list[Problem]:
    """Every warning for `city`, in `lang` (the city's language by default)."""
    from daas.programme.milestones import milestone_warnings
    from daas.programme.readiness import readiness_warnings
    from daas.programme.showcase import showcase_warnings
    from daas.programme.team import team_warnings

    with use_language(lang or city.language):
        return [
            *readiness_warnings(city),
            *milestone_warnings(city, today),
            *team_warnings(city),
            *showcase_warnings(city),
        ]


def warnings_table(problems: list[Problem]):
    """The warnings as a table for a page: field, what is missing, and the fix."""
    import pandas as pd

    from daas.core.i18n import _

    rows = [
        {_("field"): p.field, _("what is missing"): p.message, _("fix"): p.fix} for p in problems
    ]
    columns = [_("field"), _("what is missing"), _("fix")]
    return pd.DataFrame(rows, columns=columns).set_index(_("field"))
