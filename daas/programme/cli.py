"""`daas programme`: readiness, progress, briefing, case study and the coaches' overview."""

from __future__ import annotations

import argparse

from daas.core.city import DEFAULT_CITY
from daas.core.i18n import N_, _

ACTIONS = {
    "readiness": N_("is the city a good fit for the track? writes readiness.json"),
    "progress": N_("milestones planned against done, and the team; writes progress.json"),
    "briefing": N_("the one-page leadership briefing; writes briefing.html"),
    "showcase": N_("the case study for peer cities; writes showcase.md"),
    "all": N_("every output above for the city"),
}
# What reads the city's outputs (Beacon run history, Standard assessment, ethics record).
READS_OUTPUTS = {"briefing", "showcase", "all"}


def register(sub: argparse._SubParsersAction) -> None:
    prog = sub.add_parser("programme", help=_("the programme companion for leaders and coaches"))
    actions = prog.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in ACTIONS.items():
        p = actions.add_parser(name, help=_(text))
        p.add_argument("--city", default=DEFAULT_CITY, help=_("city slug (default: %(default)s)"))
        p.set_defaults(func=_run)
        if name in READS_OUTPUTS:  # `daas` computes them first where their inputs changed
            p.set_defaults(city_outputs="computed")
    o = actions.add_parser("overview", help=_("every city file in one table (for coaches)"))
    o.set_defaults(func=_overview)


def _warn(city) -> None:
    from daas.core.i18n import _, use_language
    from daas.programme.checks import warnings

    with use_language(city.language):
        for p in warnings(city):
            print(_("warning: {problem}").format(problem=p))


def _run(args: argparse.Namespace) -> int:
    from daas.core.city import load_city
    from daas.core.paths import repo_root
    from daas.programme import outputs

    city = load_city(args.city)
    write = {
        "readiness": lambda: [outputs.write_readiness(city)],
        "progress": lambda: [outputs.write_progress(city)],
        "briefing": lambda: [outputs.write_briefing(city)],
        "showcase": lambda: [outputs.write_showcase(city)],
        "all": lambda: outputs.write_all(city),
    }[args.action]
    if args.action == "readiness":
        print(outputs.readiness_record(city)["summary"])
    _warn(city)
    for path in write():
        print(f"wrote {path.relative_to(repo_root())}")
    return 0


def _overview(args: argparse.Namespace) -> int:
    from daas.core.paths import repo_root
    from daas.programme import outputs, overview

    data = overview.rows()
    print(overview.table(data).to_string())
    print(f"wrote {outputs.write_overview(data).relative_to(repo_root())}")
    return 0
