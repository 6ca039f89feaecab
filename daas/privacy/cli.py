"""`daas privacy scan FILE`: the privacy scan on the command line.

Exit status: 0 publishable, 1 not publishable, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from daas.core.i18n import _


def _columns(text: str) -> list[str]:
    from daas.core.i18n import _

    cols = [c.strip() for c in text.split(",") if c.strip()]
    if not cols:
        raise argparse.ArgumentTypeError(_("give column names separated by commas"))
    return cols


def _scan(args: argparse.Namespace) -> int:
    from daas.privacy.scan import scan_file

    result = scan_file(
        args.file,
        quasi_identifiers=args.quasi_identifiers,
        sensitive=args.sensitive,
        min_group=args.min_group,
    )
    print(result.to_json() if args.json else result.summary())
    return 0 if result.publishable else 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add `daas privacy ...` (parsers only)."""
    privacy = sub.add_parser("privacy", help=_("find personal data before it is published"))
    actions = privacy.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = actions.add_parser(
        "scan",
        help=_("scan a table for identifiers and re-identification risk"),
        description=_("Exit status: 0 publishable, 1 not publishable, 2 bad input or usage."),
    )
    s.add_argument(
        "file", type=Path, help=_("a CSV (any delimiter, UTF-8 or Latin-1) or JSON file")
    )
    s.add_argument(
        "--quasi-identifiers",
        type=_columns,
        metavar="COL,COL",
        help=_("columns that could be matched with other data (default: suggested from the names)"),
    )
    s.add_argument("--sensitive", metavar="COL", help=_("a sensitive column, for l-diversity"))
    s.add_argument(
        "--min-group",
        type=int,
        default=10,
        metavar="N",
        help=_("smallest group or count that may be published (default: %(default)s)"),
    )
    s.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    s.set_defaults(func=_scan)
