"""`daas exercises build|check`: generate the learner notebooks from the solution notebooks, and
check that every solution passes and every blank learner notebook does not."""

from __future__ import annotations

import argparse

from daas.core.city import DEFAULT_CITY
from daas.core.i18n import N_, _

# What `daas exercises check` says of each notebook: (passed, failed) by kind.
RESULT = {
    "solution": (
        N_("ok: {path} (solution, {n} checks)"),
        N_("FAIL: {path} (solution, {n} checks)"),
    ),
    "learner": (
        N_("ok: {path} (learner, {n} checks)"),
        N_("FAIL: {path} (learner, {n} checks)"),
    ),
}


def _build(args: argparse.Namespace) -> int:
    from daas.core.notebooks import shown
    from daas.exercises import build

    if args.check:
        stale = [s for s in build.solution_notebooks() if build.stale(s)]
        for s in stale:
            print(
                _("stale: {path}  (fix: {command})").format(
                    path=shown(build.learner_path(s)), command="daas exercises build"
                )
            )
        return 1 if stale else 0
    for path, changed in build.build(execute=args.execute):
        line = _("written: {path}") if changed else _("unchanged: {path}")
        print(line.format(path=shown(path)))
    return 0


def _check(args: argparse.Namespace) -> int:
    from daas.core.errors import DaasError
    from daas.core.notebooks import shown
    from daas.exercises import build

    failed = 0
    for sol in build.solution_notebooks():
        for label, path, want in (
            ("solution", sol, True),
            ("learner", build.learner_path(sol), False),
        ):
            try:
                results = build.run_inline(path, args.city)
            except DaasError as exc:
                failed += 1
                print(
                    _("FAIL: {path} cannot run for {city}:").format(
                        path=shown(path), city=args.city
                    )
                    + f"\n{exc}"
                )
                continue
            ok = bool(results) and all(r.correct is want for r in results)
            failed += not ok
            passed, failing = RESULT[label]
            print(_(passed if ok else failing).format(path=shown(path), n=len(results)))
            if not ok:
                for r in results:
                    print(f"    {r}")
    return 1 if failed else 0


def register(sub: argparse._SubParsersAction) -> None:
    ex = sub.add_parser("exercises", help=_("self-checking exercises")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    b = ex.add_parser("build", help=_("generate exercises/NN-*.ipynb from exercises/solutions/"))
    b.add_argument("--check", action="store_true", help=_("only report stale learner notebooks"))
    b.add_argument("--execute", action="store_true", help=_("run them to store checked outputs"))
    b.set_defaults(func=_build)
    c = ex.add_parser("check", help=_("every solution passes its checks; every blank fails them"))
    c.add_argument("--city", default=DEFAULT_CITY, help=_("city slug (default: %(default)s)"))
    c.set_defaults(func=_check)
