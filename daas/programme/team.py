"""The programme's five roles, who fills each one in a city (its `team:`), and what is missing."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from daas.core.city import City
from daas.core.errors import Problem
from daas.core.i18n import N_, _


@dataclass(frozen=True)
class Role:
    label: str
    people: int  # how many the track asks for
    hours: tuple[int, int]  # suggested hours a week, lowest and highest

    @property
    def hours_text(self) -> str:
        low, high = self.hours
        return f"{low}" if low == high else f"{low}-{high}"


# From the programme description: at least five people in four roles.
ROLES: dict[str, Role] = {
    "programme-lead": Role(N_("Citywide programme lead"), 1, (4, 8)),
    "standard-lead": Role(N_("Data Standard and Toolkit lead"), 1, (10, 10)),
    "beacon-lead": Role(N_("Beacon Data Service lead and specialist"), 1, (10, 10)),
    "community-co-lead": Role(N_("Data community co-lead"), 2, (10, 10)),
}


def city_file(city: City) -> str:
    return f"cities/{city.slug}.yml"


def open_places(city: City) -> dict[str, int]:
    """Role id -> places with no named person (a role asked for twice has two places)."""
    named: list[str] = [m.role for m in city.team if m.name]
    return {r: max(role.people - named.count(r), 0) for r, role in ROLES.items()}


def unfilled_roles(city: City) -> list[str]:
    """Role ids with at least one open place, in the order of ROLES."""
    return [r for r, n in open_places(city).items() if n]


def team_table(city: City) -> pd.DataFrame:
    """One row per role: the suggested hours, who fills it in `city`, and any places still open."""
    places = open_places(city)
    rows = []
    for role_id, role in ROLES.items():
        people = [m for m in city.team if m.role == role_id and m.name]
        rows.append(
            {
                _("role"): _(role.label),
                _("suggested hours a week"): role.hours_text,
                _("filled by"): ", ".join(map(_person, people)) or _("not filled yet"),
                _("places open"): places[role_id],
            }
        )
    return pd.DataFrame(rows).set_index(_("role"))


def _person(member) -> str:
    if member.hours_per_week is None:
        return member.name
    return _("{name} ({hours:g} h a week)").format(name=member.name, hours=member.hours_per_week)


def team_warnings(city: City) -> list[Problem]:
    """Unfilled places, and named people with no hours or fewer than the track suggests."""
    out = []
    for i, m in enumerate(city.team):
        role = ROLES[m.role]
        where = f"team[{i}].hours_per_week"
        if m.name and m.hours_per_week is None:
            msg = _("{name} ({role}) has no hours a week set")
            fix = _("add `hours_per_week: {hours}`, the time the track suggests")
            out.append(
                Problem(
                    city_file(city),
                    where,
                    msg.format(name=m.name, role=_(role.label)),
                    fix.format(hours=role.hours[1]),
                )
            )
        elif m.name and m.hours_per_week is not None and m.hours_per_week < role.hours[0]:
            msg = _("{name} gives {given:g} hours a week; the track asks {hours} for the {role}")
            out.append(
                Problem(
                    city_file(city),
                    where,
                    msg.format(
                        name=m.name,
                        given=m.hours_per_week,
                        hours=role.hours_text,
                        role=_(role.label),
                    ),
                    _("agree the time with their manager, or share the role"),
                )
            )
    for role_id, n in open_places(city).items():
        if n:
            role = ROLES[role_id]
            msg = (
                _("no one is named as {role}")
                if n == role.people
                else _("{role}: {n} of {wanted} places not filled")
            )
            fix = _(
                "name someone under `team:`: `- {{role: {id}, name: ..., hours_per_week: {hours}}}`"
            )
            out.append(
                Problem(
                    city_file(city),
                    "team",
                    msg.format(role=_(role.label), n=n, wanted=role.people),
                    fix.format(id=role_id, hours=role.hours[1]),
                )
            )
    return out
