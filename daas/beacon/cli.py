"""`daas beacon recipes|generate|build|serve|bundle`: the Beacon Data Service, command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from daas.core.city import DEFAULT_CITY
from daas.core.i18n import N_, _


def _recipes(args: argparse.Namespace) -> int:
    from daas.beacon import recipes

    for recipe in recipes.all():
        print(f"{recipe.name:20} {_(recipe.description)}")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from daas.beacon import recipes
    from daas.core.city import load_city
    from daas.core.i18n import _
    from daas.core.paths import repo_root
    from daas.core.samples import require_fictional

    city = load_city(args.city)
    require_fictional(city, N_("sample Beacon data"))
    for path in recipes.of(city).generate(city, args.seed).values():
        print(_("wrote {path}").format(path=path.relative_to(repo_root())))
    return 0


def _build(args: argparse.Namespace) -> int:
    from daas.beacon.pipeline import build
    from daas.beacon.records import output_dir
    from daas.core.i18n import _

    rec = build(args.city, progress=not args.quiet)
    q = ", ".join(f"{_(k)} {v:.0%}" for k, v in rec["quality"].items())
    print(_("published {folder}").format(folder=output_dir(args.city)))
    print(
        _("rows published {rows}, cells suppressed {cells}").format(
            rows=rec["rows_published"], cells=rec["rows_suppressed"]
        )
    )
    print(_("quality: {dimensions}").format(dimensions=q))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from daas.beacon.serve import serve

    return serve(args.city, port=args.port, host=args.host)


def _bundle(args: argparse.Namespace) -> int:
    from daas.beacon.bundle import bundle

    out = bundle(args.city, args.out, force=args.force)
    print(_("wrote the {slug} Beacon bundle {folder}: `{command}` in it serves it").format(
        slug=args.city, folder=out, command="python serve.py"))  # fmt: skip
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    beacon = sub.add_parser("beacon", help=_("the Beacon Data Service")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    r = beacon.add_parser("recipes", help=_("list the Beacon recipes, one line each"))
    r.set_defaults(func=_recipes)
    g = beacon.add_parser("generate", help=_("write the city's fictional sample Beacon data"))
    g.add_argument("--city", default=DEFAULT_CITY, help=_("city slug (default: %(default)s)"))
    g.add_argument(
        "--seed", type=int, default=20250630, help=_("random seed (default: %(default)s)")
    )
    g.set_defaults(func=_generate)
    b = beacon.add_parser("build", help=_("load, check, protect and publish the Beacon data"))
    b.add_argument("--city", default=DEFAULT_CITY, help=_("city slug (default: %(default)s)"))
    b.add_argument("--quiet", action="store_true", help=_("no progress display"))
    b.set_defaults(func=_build)
    s = beacon.add_parser("serve", help=_("serve the published database with Datasette, read-only"))
    s.add_argument("--city", default=DEFAULT_CITY, help=_("city slug (default: %(default)s)"))
    s.add_argument("--port", type=int, default=8001, help=_("port (default: %(default)s)"))
    s.add_argument("--host", default="127.0.0.1", help=_("loopback address (default: %(default)s)"))
    s.set_defaults(func=_serve)
    u = beacon.add_parser(
        "bundle", help=_("write a folder that serves the published Beacon on any server")
    )
    u.add_argument("--city", default=DEFAULT_CITY, help=_("city slug (default: %(default)s)"))
    u.add_argument("out", type=Path, metavar="OUT", help=_("the folder to write"))
    u.add_argument(
        "--force", action="store_true", help=_("replace OUT even if it is not a Beacon bundle")
    )
    u.set_defaults(func=_bundle)
