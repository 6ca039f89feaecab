"""`daas needs check FILE`: check a stories file (CSV or markdown) and say what each failing
story lacks. Exit 0 when every story is complete, 1 when any lacks a role, need or goal, 2 on
bad input."""

from __future__ import annotations

import argparse
from pathlib import Path

from daas.core.i18n import _


def _label(ident: str, row: int) -> str:
    """Where a story is: its id and line, or the line or row alone when it has no id."""
    from daas.core.i18n import _

    if ident == f"row {row}":
        return _("row {row}").format(row=row)
    if ident == f"line {row}":
        return _("line {row}").format(row=row)
    if ident.startswith(("line ", "row ")):
        return ident
    return _("{id} (line {row})").format(id=ident, row=row)


def _check(args: argparse.Namespace) -> int:
    from daas.core.i18n import _
    from daas.core.tables import shown
    from daas.needs.stories import check_table, read_stories

    table, problems = read_stories(args.file)
    for p in problems:
        print(_("note: {problem}").format(problem=p))
    result = check_table(table, args.language)
    failing = result[~result["ok"]]
    for ident, row, why in zip(failing["id"], failing["row"], failing["explanation"], strict=True):
        print(f"{shown(args.file)}: {_label(ident, row)}: {why}")
    total = len(result)
    if failing.empty:
        print(_("ok: all {n} stories have a role, a need and a goal").format(n=total))
        return 0
    print(_("{failing} of {n} stories are incomplete").format(failing=len(failing), n=total))
    return 1


def register(sub: argparse._SubParsersAction) -> None:
    needs = sub.add_parser("needs", help=_("user needs and user stories")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    c = needs.add_parser(
        "check", help=_("check user stories (CSV or markdown); exit 1 if any is incomplete")
    )
    c.add_argument("file", type=Path, help=_("stories file: CSV with a 'story' column, or .md"))
    c.add_argument(
        "--language",
        choices=["en", "es", "pt"],
        help=_("story form to expect (default: detected per story)"),
    )
    c.set_defaults(func=_check)
