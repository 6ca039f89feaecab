"""`daas hub`: a masterclass room on one JupyterHub (`--city`: start a rehearsal on loopback;
`update`, `status`, `config`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from daas.core.i18n import _


def _slug(args: argparse.Namespace) -> str:
    from daas.core.errors import DaasError

    if not args.city:
        raise DaasError.one("--city", "", _("no city given"), _("add --city <slug>"))
    return args.city


def _start(args: argparse.Namespace) -> int:
    from daas.hub.room import start

    return start(_slug(args), args.port, args.root, args.password)


def _update(args: argparse.Namespace) -> int:
    from daas.hub.room import learner_pack, room
    from daas.hub.status import update_lines

    the_room = room(_slug(args), args.root)
    for line in update_lines(the_room, learner_pack(the_room.city)):
        print(line)
    return 0


def _status(args: argparse.Namespace) -> int:
    from daas.hub.room import room
    from daas.hub.status import status_lines

    for line in status_lines(room(_slug(args), args.root)):
        print(line)
    return 0


def _config(args: argparse.Namespace) -> int:
    from daas.hub.server import write_server_files

    out = write_server_files(_slug(args), args.out, args.force)
    print(_("written: {path} (see its README.md)").format(path=out))
    return 0


def _with_city(parser: argparse.ArgumentParser, on_parent: bool) -> None:
    """`--city` and `--root` on `daas hub` itself and on each action (either place works: an
    action's own are left out of the result when not given)."""
    default = None if on_parent else argparse.SUPPRESS
    parser.add_argument("--city", default=default, help=_("city slug"))
    parser.add_argument(
        "--root",
        type=Path,
        default=default,
        help=_("the rehearsal's folder (default: _build/hub/<slug>/)"),
    )


def register(sub: argparse._SubParsersAction) -> None:
    hub = sub.add_parser("hub", help=_("a masterclass room: one JupyterHub for every participant"))
    _with_city(hub, on_parent=True)
    hub.add_argument("--port", type=int, default=8000, help=_("the room's port on loopback"))
    hub.add_argument(
        "--password", help=_("the workshop password (default: one made and kept for the room)")
    )
    hub.set_defaults(func=_start)
    actions = hub.add_subparsers(dest="action", metavar="ACTION")
    update = actions.add_parser(
        "update", help=_("deliver the rebuilt pack to every home, keeping participants' answers")
    )
    status = actions.add_parser(
        "status", help=_("who is logged in and which exercises each has passed")
    )
    config = actions.add_parser("config", help=_("write the files to run the room on a server"))
    config.add_argument("out", type=Path, help=_("the folder to write"))
    config.add_argument("--force", action="store_true", help=_("replace a folder that is there"))
    for action, func in ((update, _update), (status, _status), (config, _config)):
        _with_city(action, on_parent=False)
        action.set_defaults(func=func)
