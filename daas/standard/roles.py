"""The programme's roles, and who fills each one in a city (from its parameter file)."""

from __future__ import annotations

import pandas as pd

from daas.city import City

# role id in the city file -> (name, people the track asks for, hours a week it suggests)
ROLES: dict[str, tuple[str, int, str]] = {
    "programme-lead": ("Citywide programme lead", 1, "4-8"),
    "standard-lead": ("Data Standard and Toolkit lead", 1, "10"),
    "beacon-lead": ("Beacon Data Service lead and specialist", 1, "10"),
    "community-co-lead": ("Data community co-lead", 2, "10"),
}


def team_table(city: City) -> pd.DataFrame:
    """One row per role: who fills it in `city`, and any places still open."""
    rows = []
    for role, (label, wanted, hours) in ROLES.items():
        people = [m for m in city.team if m.role == role]
        names = ", ".join(m.name or "(unnamed)" for m in people) or "not filled yet"
        open_places = max(wanted - len(people), 0)
        rows.append(
            {
                "role": label,
                "suggested hours a week": hours,
                "filled by": names,
                "places open": open_places,
            }
        )
    return pd.DataFrame(rows).set_index("role")
