"""`daas standard`: list a city's points of the Data Service Standard and assess a service."""

from __future__ import annotations

import argparse

from daas.core.city import DEFAULT_CITY
from daas.core.i18n import _


def _points(args: argparse.Namespace) -> int:
    from daas.core.city import load_city
    from daas.core.i18n import _
    from daas.standard.points import city_points

    for i, p in enumerate(city_points(load_city(args.city)), 1):
        added = "  " + _("[added by the city]") if p.added_by_city else ""
        print(f"{i:2}. {p.id:16} {_(p.title)}{added}")
    return 0


def _assess(args: argparse.Namespace) -> int:
    from daas.core.city import load_city
    from daas.core.i18n import _
    from daas.standard import assess

    city = load_city(args.city)
    report = assess.assess(city, evidence_file=args.evidence)
    out = assess.write(report)
    n = report.counts
    print(
        _("{city}: overall {overall} ({green} green, {amber} amber, {red} red)").format(
            city=city.name, overall=_(report.overall), **n
        )
    )
    if not report.beacon_run["found"]:
        print("  " + _("automatic evidence: {detail}").format(detail=_(assess.NO_RUN)))
    print(
        "  "
        + _("wrote {folder}/assessment.json, assessment.md, assessment-chart.vl.json").format(
            folder=assess._shown(out)
        )
    )
    return 1 if args.fail_on_red and report.overall == "red" else 0


def register(sub: argparse._SubParsersAction) -> None:
    std = sub.add_parser("standard", help=_("the Data Service Standard")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = std.add_parser("points", help=_("list the points of a city's standard (after its fork)"))
    p.add_argument("--city", default=DEFAULT_CITY, help=_("city slug (default: %(default)s)"))
    p.set_defaults(func=_points)
    a = std.add_parser(
        "assess", help=_("rate a service against the standard; writes the report and chart")
    )
    a.add_argument("--city", default=DEFAULT_CITY, help=_("city slug (default: %(default)s)"))
    a.add_argument(
        "--evidence", type=_path, help=_("evidence file (default: cities/evidence/<city>.yml)")
    )
    a.add_argument(
        "--fail-on-red", action="store_true", help=_("exit 1 when the overall rating is red")
    )
    a.set_defaults(func=_assess)


def _path(value: str):
    from pathlib import Path

    return Path(value)
