"""Masterclasses' timed agendas.

Each masterclass's agenda is data here, so the table on its page always adds up: a session whose
teaching and exercise minutes do not match its length fails the build with the fix.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from daas.core.errors import DaasError
from daas.core.i18n import N_, _


@dataclass(frozen=True)
class Item:
    activity: str
    teaching: int  # minutes
    exercise: int  # minutes


@dataclass(frozen=True)
class Masterclass:
    title: str
    minutes: int
    agenda: tuple[Item, ...]


MASTERCLASSES: dict[str, Masterclass] = {
    "user-needs": Masterclass(
        "User needs",
        120,
        (
            Item(N_("Welcome; why start from users, not data"), 10, 0),
            Item(N_("User groups for the Beacon, and who is missing"), 10, 10),
            Item(N_("Worked example: research notes to themes"), 15, 0),
            Item(N_("Exercise 01, task 1: write a user story"), 5, 15),
            Item(N_("Exercise 01, task 2: acceptance criteria"), 5, 10),
            Item(N_("Prioritising with MoSCoW and RICE"), 15, 10),
            Item(N_("Share back, key points, what to do this week"), 10, 5),
        ),
    ),
    "engagement": Masterclass(
        "Community engagement and partnerships",
        120,
        (
            Item(N_("Welcome; data services beyond the city's own data"), 10, 0),
            Item(N_("Stakeholder and partner mapping"), 10, 15),
            Item(N_("Tactical Data Engagement: find, refine, design, implement"), 15, 5),
            Item(N_("Worked example: the partner's data"), 10, 0),
            Item(N_("Exercise 02: draft a data-sharing agreement"), 5, 25),
            Item(N_("Feedback channels and keeping partners involved"), 10, 5),
            Item(N_("Key points and next steps"), 10, 0),
        ),
    ),
    "governance": Masterclass(
        "Data governance and ethics",
        120,
        (
            Item(N_("Welcome; governance as enabling, not blocking"), 10, 0),
            Item(N_("Who decides: owners, stewards, the service owner"), 10, 10),
            Item(N_("The ethics assessment: principles and actions"), 15, 10),
            Item(N_("Worked example: who could be singled out?"), 10, 0),
            Item(N_("Exercise 03: count the people at risk"), 5, 15),
            Item(N_("Suppression, banding and the publish gate"), 15, 10),
            Item(N_("Key points and next steps"), 10, 0),
        ),
    ),
    "live-service": Masterclass(
        "Running a live data and analytics service",
        120,
        (
            Item(N_("Welcome; what 'live' promises users"), 10, 0),
            Item(N_("Worked example: freshness and the run history"), 10, 5),
            Item(N_("Quality over time and what it tells you"), 10, 5),
            Item(N_("Usage: who uses the service, and how"), 10, 10),
            Item(N_("The incident log: learning without blame"), 10, 10),
            Item(N_("Exercise 04: read the performance page, set service levels"), 5, 25),
            Item(N_("Key points and next steps"), 10, 0),
        ),
    ),
}


def agenda_table(key: str) -> pd.DataFrame:
    """The timed agenda: start time, activity, teaching and exercise minutes, and a total row."""
    if key not in MASTERCLASSES:
        raise DaasError.one(
            "daas/masterclasses/agendas.py",
            "MASTERCLASSES",
            _("no masterclass '{key}'").format(key=key),
            _("use one of: {values}").format(values=", ".join(MASTERCLASSES)),
        )
    mc = MASTERCLASSES[key]
    rows, clock = [], 0
    for item in mc.agenda:
        rows.append((_clock(clock), _(item.activity), item.teaching, item.exercise))
        clock += item.teaching + item.exercise
    if clock != mc.minutes:
        raise DaasError.one(
            "daas/masterclasses/agendas.py",
            f"MASTERCLASSES['{key}'].agenda",
            _("the items add up to {total} minutes, not {minutes}").format(
                total=clock, minutes=mc.minutes
            ),
            _("shorten or lengthen an item so the total matches"),
        )
    teach, ex = sum(r[2] for r in rows), sum(r[3] for r in rows)
    rows.append((_clock(clock), _("Total"), teach, ex))
    columns = [_("starts at"), _("activity"), _("teaching (min)"), _("exercise (min)")]
    return pd.DataFrame(rows, columns=columns).set_index(columns[0])


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"
