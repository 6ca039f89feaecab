"""The Data Service Standard's points, and a city's fork of them (renamed, dropped, added points).

`points.yml` beside this module holds the structure of each point (id, title, Toolkit links,
crosswalk, automatic checks). The prose for each point lives in `book/standard/points/<id>.md`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from daas.core.city import City
from daas.core.display import headers
from daas.core.errors import DaasError, Problem
from daas.core.i18n import N_, _

POINTS_FILE = Path(__file__).with_name("points.yml")
STAGES = (N_("discovery"), N_("alpha"), N_("beta"), N_("live"))  # shown as `_(stage)`
CROSSWALK_KEYS = ("govuk", "arlington", "pittsburgh", "traits", "fair")
CHECKS = (
    "package_valid",
    "quality",
    "privacy_gate",
    "metadata_complete",
    "freshness",
    "published",
    "performance_page",
    "service_pages",
)

# The base points' titles and the data-product traits in points.yml, marked for translators
# (pages show `_(title)`; a title a city renamed is its own words and shows as written).
TITLES = (
    N_("Publish data with a purpose"),
    N_("Understand the people who use the data and what they need"),
    N_("Solve a whole problem, across teams and data owners"),
    N_("Offer the right mix of ways to get the data"),
    N_("Make the data easy to find, understand and use"),
    N_("Make sure everyone can use the service"),
    N_("Have a team that can build and run the service"),
    N_("Work in small steps and improve often"),
    N_("Protect people's privacy and use data ethically"),
    N_("Know the quality of the data and say it plainly"),
    N_("Use open standards, open licences and tools that are cheap to change"),
    N_("Keep the service running and the data fresh"),
    N_("Say what success looks like and publish how the service performs"),
)
TRAITS = (
    N_("valuable on its own"),
    N_("interoperable and composable"),
    N_("natively accessible"),
    N_("discoverable"),
    N_("addressable"),
    N_("understandable"),
    N_("secure"),
    N_("trustworthy and truthful"),
)


@dataclass(frozen=True)
class Point:
    """One point of the standard, as a city uses it."""

    id: str
    title: str
    toolkit: tuple[str, ...]
    crosswalk: dict[str, tuple] = field(default_factory=dict)
    automatic: tuple[str, ...] = ()
    added_by_city: bool = False

    @property
    def page(self) -> str | None:
        """The point's page in the book (doc path), or None for a point a city added."""
        return None if self.added_by_city else f"book/standard/points/{self.id}"


@cache
def base_points() -> tuple[Point, ...]:
    """The kit's standard, in order, read from points.yml."""
    data = yaml.safe_load(POINTS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Point(
            id=p["id"],
            title=p["title"],
            toolkit=tuple(p["toolkit"]),
            crosswalk={k: tuple(p["crosswalk"].get(k, ())) for k in CROSSWALK_KEYS},
            automatic=tuple(p.get("automatic", ())),
        )
        for p in data["points"]
    )


def city_points(city: City) -> list[Point]:
    """The standard as `city` adopts it: its `standard:` field renames, drops and adds points.

    Every reference to an unknown point is reported at once, naming the field in the city file.
    """
    fork = city.standard
    base = base_points()
    known = {p.id for p in base}
    file = f"cities/{city.slug}.yml"
    problems = []
    for pid in fork.rename:
        if pid not in known:
            problems.append(_unknown(file, f"standard.rename.{pid}", pid))
    for i, pid in enumerate(fork.drop):
        if pid not in known:
            problems.append(_unknown(file, f"standard.drop[{i}]", pid))
        elif pid in fork.rename:
            problems.append(
                Problem(
                    file,
                    f"standard.rename.{pid}",
                    _("this point is both renamed and dropped"),
                    _("keep it in only one of `rename` and `drop`"),
                )
            )
    for i, added in enumerate(fork.add):
        if added.id in known:
            problems.append(
                Problem(
                    file,
                    f"standard.add[{i}].id",
                    _("'{id}' is already a point of the standard").format(id=added.id),
                    _("choose a new id, or use `rename` to retitle the existing point"),
                )
            )
    ids = [a.id for a in fork.add]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(
            Problem(
                file,
                "standard.add",
                _("'{id}' is added twice").format(id=dup),
                _("give each point its own id"),
            )
        )
    if problems:
        raise DaasError(problems)
    points = [
        Point(p.id, fork.rename.get(p.id, p.title), p.toolkit, p.crosswalk, p.automatic)
        for p in base
        if p.id not in fork.drop
    ]
    points += [Point(a.id, a.title, tuple(a.toolkit), added_by_city=True) for a in fork.add]
    return points


def _unknown(file: str, field_name: str, pid: str) -> Problem:
    ids = ", ".join(p.id for p in base_points())
    return Problem(
        file,
        field_name,
        _("'{id}' is not a point of the standard").format(id=pid),
        _("use one of: {values}").format(values=ids),
    )


def crosswalk_table(points: list[Point] | None = None):
    """The crosswalk as a table: one row per point, one column per source."""
    import pandas as pd

    rows = []
    for i, p in enumerate(points or base_points(), 1):
        cw = p.crosswalk
        rows.append(
            {
                "point": f"{i}. {_(p.title)}",
                "GOV.UK": ", ".join(map(str, cw.get("govuk", ()))) or "–",
                "Arlington": ", ".join(map(str, cw.get("arlington", ()))) or "–",
                "Pittsburgh": ", ".join(map(str, cw.get("pittsburgh", ()))) or "–",
                "data-product traits": ", ".join(map(_, cw.get("traits", ()))) or "–",
                "FAIR": ", ".join(cw.get("fair", ())) or "–",
            }
        )
    table = pd.DataFrame(rows).set_index("point")
    return headers(table, (N_("point"), N_("data-product traits")))
