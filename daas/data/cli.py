"""`daas data check FILE [--key COLUMN] [--json]`: the report of `daas.data.check`; exit 0 clean,
1 problems found, 2 unreadable."""

from __future__ import annotations

import argparse
from pathlib import Path

from daas.core.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    data = sub.add_parser("data", help=_("check data files a team receives")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    c = data.add_parser(
        "check", help=_("check any CSV before mapping it; exit 1 if it has problems")
    )
    c.add_argument("file", type=Path, help=_("the CSV file"))
    c.add_argument("--key", help=_("the column that should name each row once"))
    c.add_argument("--json", action="store_true", help=_("the report as JSON"))
    c.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    import json

    from daas.data.check import check, render

    report = check(args.file, key=args.key)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render(report))
    return 0 if report.clean else 1
