"""The `daas` command line. Thin: it parses arguments and calls the modules that do the work.

Exit status: 0 success, 1 a check failed, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from daas.core.i18n import _

Handler = Callable[[argparse.Namespace], int]

# Feature modules that add their own sub-commands. Each defines `register(subparsers)`, which adds
# parsers only and imports nothing heavy (import inside the handlers instead).
COMMAND_MODULES: tuple[str, ...] = (
    "daas.site.cli",
    "daas.packs.cli",
    "daas.standard.cli",
    "daas.needs.cli",
    "daas.privacy.cli",
    "daas.beacon.cli",
    "daas.exercises.cli",
    "daas.programme.cli",
    "daas.data.cli",
    "daas.hub.cli",
)


def _city_build(args: argparse.Namespace) -> int:
    from daas import stages
    from daas.core.city import list_cities, load_city

    failed = False
    for slug in [args.city] if args.city else list_cities():
        city = load_city(slug)
        for o in stages.compute(city, force=args.force):
            line = f"{slug}: {o.stage}: {_(o.status)}" + (f": {o.error}" if o.error else "")
            print(line, file=sys.stderr if o.status == "failed" else sys.stdout)
            failed |= o.status == "failed"
    return 1 if failed else 0


def _city_list(args: argparse.Namespace) -> int:
    from daas.core.city import list_cities, load_city

    for slug in list_cities():
        c = load_city(slug)
        fictional = "  " + _("[fictional]") if c.fictional else ""
        print(f"{slug:24} {c.name} ({c.language}){fictional}")
    return 0


def _city_new(args: argparse.Namespace) -> int:
    from daas.core.city import new_city_file

    path = new_city_file(args.slug, args.name, args.language, args.country, args.currency)
    print(
        _(
            "created {file}: fill in priority_problem, datasets and team, then run "
            "`daas city validate --city {slug}`"
        ).format(file=path.name, slug=args.slug)
    )
    return 0


def _city_validate(args: argparse.Namespace) -> int:
    """Each city: schema problems (exit 2), then readiness problems (exit 1), then warnings; every
    line in that city's language."""
    import re

    from daas.core.city import SLUG_RE, list_cities, load_city
    from daas.core.paths import cities_dir

    if args.files:
        paths = [Path(f) for f in args.files]
    else:
        slugs = [args.city] if args.city else list_cities()
        for slug in slugs:
            if not re.match(SLUG_RE, slug or ""):
                load_city(slug)  # refuses the slug, naming it, before any file is read
        paths = [cities_dir() / f"{s}.yml" for s in slugs]
    return max([_validate_one(p) for p in paths], default=0)


def _validate_one(path: Path) -> int:
    from daas.city_checks import readiness_notes, readiness_problems
    from daas.core.city import load_city_file
    from daas.core.errors import DaasError
    from daas.core.i18n import use_language
    from daas.programme.checks import warnings

    with use_language(_declared_language(path)):
        try:
            c = load_city_file(path)
        except DaasError as exc:
            print(f"daas: {exc}", file=sys.stderr)
            return exc.exit_code
    with use_language(c.language):
        if problems := readiness_problems(c):
            print(_("not ready: cities/{slug}.yml ({name})").format(slug=c.slug, name=c.name))
            print(f"daas: {DaasError(problems)}", file=sys.stderr)
        else:
            print(_("ok: cities/{slug}.yml ({name})").format(slug=c.slug, name=c.name))
        for note in readiness_notes(c):
            print(_("warning: {problem}").format(problem=note))
        for p in warnings(c):  # gaps to fill, never a failure
            print(_("warning: {problem}").format(problem=p))
    return 1 if problems else 0


def _declared_language(path: Path) -> str:
    """The `language:` a city file declares, when it can be read at all; else the user's."""
    import yaml

    from daas.core.i18n import LANGUAGES, language

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return language()
    lang = data.get("language") if isinstance(data, dict) else None
    return lang if lang in LANGUAGES else language()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="daas", description=_("Data Service Toolkit"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    city = sub.add_parser("city", help=_("city parameter files")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    city.add_parser("list", help=_("list the city files")).set_defaults(func=_city_list)
    new = city.add_parser("new", help=_("start a city file from the template"))
    new.add_argument("slug", help=_("lower-case letters, digits and hyphens, e.g. puerto-azul"))
    new.add_argument("--name", required=True, help=_("the city's name as readers see it"))
    new.add_argument("--language", default="en", help=_("en, es or pt (default: en)"))
    new.add_argument("--country", default="US", help=_("country code, e.g. US, MX, BR"))
    new.add_argument("--currency", default="USD", help=_("ISO 4217 code, e.g. USD, MXN, BRL"))
    new.set_defaults(func=_city_new)
    v = city.add_parser("validate", help=_("check city files, reporting every problem at once"))
    v.add_argument("--city", help=_("one city slug (default: every city)"))
    v.add_argument("files", nargs="*", help=_("city files to check instead"))
    v.set_defaults(func=_city_validate)
    cb = city.add_parser(
        "build", help=_("compute a city's outputs (Beacon, ethics, Standard, programme)")
    )
    cb.add_argument("--city", help=_("one city slug (default: every city)"))
    cb.add_argument("--force", action="store_true", help=_("recompute unchanged outputs too"))
    cb.set_defaults(func=_city_build)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            return _main(argv)
        finally:  # flush here, not at exit, so a closed pipe is noticed where it can be handled
            sys.stdout.flush()
    except BrokenPipeError:
        return _reader_gone()


def _main(argv: Sequence[str] | None) -> int:
    from daas.core.errors import DaasError
    from daas.packs.kernel_ipc import use_ipc_kernels

    use_ipc_kernels()  # every kernel this command starts, or its children start, uses IPC
    args = build_parser().parse_args(argv)
    try:
        _city_outputs(args)
        return args.func(args)
    except DaasError as exc:
        print(f"daas: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        from daas.core.i18n import _

        print("daas: " + _("interrupted"), file=sys.stderr)
        return 130


def _city_outputs(args: argparse.Namespace) -> None:
    """A command whose handler reads a city's outputs says so in its parser's defaults (and,
    when it reads several cities', names them with `outputs_for(args)`):
    `city_outputs="computed"` (computed first where their inputs changed) or `"required"` (the
    same, and the command stops naming every stage that failed). Computing them is this layer's
    job (`daas.stages`), so the site and the features that read them never import it."""
    mode = getattr(args, "city_outputs", None)
    if mode is None:
        return
    from daas import stages
    from daas.core.city import load_city

    outputs_for = getattr(args, "outputs_for", None)
    for slug in outputs_for(args) if outputs_for else [args.city]:
        city = load_city(slug)
        outcomes = stages.compute(city)
        if mode == "required":
            stages.check(outcomes, city)


def _reader_gone() -> int:
    """The reader of our output closed it (`daas ... | head -1`): stop quietly, the standard way.
    Python flushes stdout at exit; pointing it at devnull keeps that flush from failing again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141  # 128 + SIGPIPE, what a shell reports for a command stopped by a closed pipe


if __name__ == "__main__":
    sys.exit(main())
