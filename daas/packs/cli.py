"""The packs' commands: `daas workshop run` (a city's pack, for one city or all of them),
`daas lab` and `daas notebooks normalize`."""

from __future__ import annotations

import argparse
import functools
import time
from pathlib import Path

from daas.core.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    ws = sub.add_parser("workshop", help=_("city workshop packs")).add_subparsers(
        dest="action", required=True, metavar="ACTION")  # fmt: skip
    run = ws.add_parser(
        "run", help=_("execute a city's notebooks and build its edition of the site")
    )
    who = run.add_mutually_exclusive_group(required=True)
    who.add_argument("--city", help=_("city slug, or several separated by commas"))
    who.add_argument("--all", action="store_true", help=_("every city in cities/"))
    run.add_argument("--only", help=_("run only notebooks whose name contains this text"))
    run.add_argument("--workers", type=int, default=1, help=_("local worker processes (default 1)"))
    run.add_argument("--scheduler", help=_("run on an existing Dask cluster, e.g. tcp://host:8786"))
    run.add_argument(
        "--force", action="store_true", help=_("re-run notebooks whose inputs are unchanged")
    )
    run.add_argument("--no-site", action="store_true", help=_("skip building the city's edition"))
    run.set_defaults(func=_run)

    lab = sub.add_parser("lab", help=_("open JupyterLab on a city's workshop pack"))
    lab.add_argument("--city", required=True, help=_("city slug"))
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--no-browser", action="store_true", help=_("do not open a browser"))
    lab.add_argument(
        "--token",
        help=_("access token (default: the kit makes one and prints the address with it)"),
    )
    lab.set_defaults(func=_lab)
    _register_notebooks(sub)


def _register_notebooks(sub: argparse._SubParsersAction) -> None:
    nbs = sub.add_parser("notebooks", help=_("notebook hygiene")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    n = nbs.add_parser("normalize", help=_("normalise notebooks (ids, metadata, outputs)"))
    n.add_argument("paths", nargs="*", help=_("notebooks (default: notebooks/ and exercises/)"))
    n.add_argument(
        "--check", action="store_true", help=_("only report; exit 1 if any would change")
    )
    n.add_argument(
        "--execute",
        action="store_true",
        help=_("run each notebook first, to refresh the outputs nbval checks"),
    )
    n.set_defaults(func=_notebooks_normalize)


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from daas.core.city import list_cities, load_city
    from daas.core.errors import DaasError
    from daas.core.formats import number
    from daas.core.i18n import _, language, use_language
    from daas.packs.batch import problem, run_batch, summary_table, what
    from daas.packs.workshop import Result, plan, record, split_skipped

    if args.workers < 1:
        raise DaasError.one(
            "--workers", "", _("must be at least 1"), _("use --workers 2 on 2 cores")
        )
    console = Console(stderr=True)
    slugs = list_cities() if args.all else [s.strip() for s in args.city.split(",") if s.strip()]
    cities = _load_all(slugs, load_city)
    tasks = [t for c in cities for t in plan(c, args.only)]
    if not tasks:
        raise DaasError.one("--only", "", _("no notebook matches '{only}'").format(only=args.only),
                            _("see the names in notebooks/ and exercises/"))  # fmt: skip
    todo, skipped = split_skipped(tasks, args.force)
    started = time.perf_counter()
    stage_results = city_stages(cities, console)  # what the notebooks and pages read

    def after(results: list[Result]) -> None:
        for c in cities:
            record(c.slug, [t for t in tasks if t.city == c.slug],
                   [r for r in results if r.city == c.slug])  # fmt: skip

    results = stage_results + run_batch(todo, skipped, args.workers, args.scheduler, console,
                                        after)  # fmt: skip
    if not args.no_site:
        results += build_editions(cities, args.force, args.workers, console)
    results += write_handouts(cities, args.force, console, args.workers)
    # The summary speaks the cities' language (the city file's `language`) when they share one.
    langs = {c.language for c in cities}
    with use_language(langs.pop() if len(langs) == 1 else language()):
        console.print(summary_table(results))
        for r in results:  # full lines, whatever the terminal width
            if r.status == "failed":
                line = _("FAILED {city} {what}: {problem}")
                console.print(line.format(city=r.city, what=what(r), problem=problem(r)),
                              soft_wrap=True, markup=False, highlight=False)  # fmt: skip
        failed = [r for r in results if r.status == "failed"]
        console.print(_("{done} done, {failed} failed in {seconds} s").format(
            done=len(results) - len(failed), failed=len(failed),
            seconds=number(time.perf_counter() - started, 1)))  # fmt: skip
        for line in where_things_are(cities, tasks, failed):
            console.print(line, soft_wrap=True, markup=False, highlight=False)
    return 1 if failed else 0


def where_things_are(cities: list, tasks: list, failed: list) -> list[str]:
    """The run's last lines: each city's pack folder and results file, and the executed copy of
    each failed notebook (its traceback inside)."""
    from daas.core.i18n import _
    from daas.core.paths import city_build_dir
    from daas.packs.workshop import failed_copy

    lines = []
    for c in cities:
        pack = city_build_dir(c.slug)
        lines.append(_("{city}: pack {folder}, results {file}").format(
            city=c.slug, folder=pack, file=pack / "pack-results.json"))  # fmt: skip
    outputs = {(t.city, f"{Path(t.source).parent.name}/{Path(t.source).name}"): t.output
               for t in tasks}  # fmt: skip
    for r in failed:
        output = outputs.get((r.city, r.notebook))
        copy = failed_copy(Path(output)) if output else None
        if copy is not None and copy.exists():
            lines.append(_("{city}: the failed notebook, with its traceback: {file}").format(
                city=r.city, file=copy))  # fmt: skip
    return lines


def _edition(city, force: bool, told):
    """Build one city's edition; a failure becomes a Result (runs in a worker process). `told`:
    a queue for (city, phase, percent), or a function of (phase, percent)."""
    from daas.core.errors import DaasError
    from daas.packs.workshop import Result
    from daas.site.edition import build_edition

    progress = told if callable(told) else functools.partial(_tell, told, city.slug)
    started = time.perf_counter()
    try:
        index = build_edition(city, force=force, progress=progress)
        return Result(city.slug, "site", "ok", time.perf_counter() - started, error=None,
                      worker=str(index))  # fmt: skip
    except DaasError as exc:
        return Result(city.slug, "site", "failed", time.perf_counter() - started,
                      error=exc.problems[0].message if exc.problems else str(exc))  # fmt: skip


def _tell(queue, slug: str, phase: str, percent: int) -> None:
    queue.put((slug, phase, percent))


def build_editions(cities, force: bool, workers: int, console) -> list:
    """Each city's edition of the site, `workers` at a time, each shown with its phase and share
    of pages done until it is built."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    from daas.core.i18n import _
    from daas.packs.batch import SPAWN

    label = _("{city}: building the edition of the site")
    phases = {"reading": _("reading the pages"), "writing": _("writing the pages")}
    with _city_progress(console) as progress:
        shown = {c.slug: progress.add_task(label.format(city=c.slug), total=1) for c in cities}

        def show(slug: str, phase: str, percent: int) -> None:
            progress.update(shown[slug], description=f"{label.format(city=slug)}: "
                            f"{phases[phase]} {percent}%")  # fmt: skip

        if workers > 1 and len(cities) > 1:
            with SPAWN.Manager() as manager, ProcessPoolExecutor(workers, SPAWN) as pool:
                told = manager.Queue()  # the workers' progress, shown here
                futures = [pool.submit(_edition, c, force, told) for c in cities]
                pending = set(futures)
                while pending:
                    finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                    while not told.empty():
                        show(*told.get())
                    for fut in finished:
                        progress.update(shown[fut.result().city], completed=1, visible=False)
                results = [f.result() for f in futures]
        else:
            results = []
            for c in cities:
                results.append(_edition(c, force, functools.partial(show, c.slug)))
                progress.update(shown[c.slug], completed=1, visible=False)
    for r in results:
        if r.status == "ok":
            console.print(f"{r.city}: {r.worker}", soft_wrap=True, markup=False, highlight=False)
    return results


def _city_progress(console):
    """A display of one line per city (spinner, what it is doing, time taken), gone when done."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()
    return Progress(*columns, console=console, transient=True)


def _handouts(city, force: bool):
    """Print one city's masterclass handouts and its exercises' worksheet, with one browser, and
    copy the participants' copies into its edition; a failure becomes a Result (runs in a worker
    process)."""
    from daas.core.chromium import lazy_pdf_printer
    from daas.core.errors import DaasError
    from daas.exercises import worksheets
    from daas.masterclasses import handouts
    from daas.packs.workshop import Result

    started = time.perf_counter()
    try:
        with lazy_pdf_printer(handouts.printer_files()) as printer:
            printed = {handouts.write_handouts(city, force, printer),
                       worksheets.write_worksheet(city, force, printer)}  # fmt: skip
        handouts.copy_into_edition(city)
        worksheets.copy_into_edition(city)
        status = "ok" if "ok" in printed else "skipped"
        return Result(city.slug, "handouts", status, time.perf_counter() - started)
    except DaasError as exc:
        error = exc.problems[0].message if exc.problems else str(exc)
        return Result(city.slug, "handouts", "failed", time.perf_counter() - started, error=error)


def write_handouts(cities, force: bool, console, workers: int = 1) -> list:
    """Each city's printable masterclass handouts (skipped while their inputs are unchanged),
    copied into its edition of the site, whose masterclass pages link them; `workers` cities at
    a time, each shown until printed."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from daas.core.i18n import _
    from daas.packs.batch import SPAWN

    label = _("{city}: printing the masterclass handouts")
    with _city_progress(console) as progress:
        shown = {c.slug: progress.add_task(label.format(city=c.slug), total=1) for c in cities}
        if workers > 1 and len(cities) > 1:
            with ProcessPoolExecutor(max_workers=workers, mp_context=SPAWN) as pool:
                futures = [pool.submit(_handouts, c, force) for c in cities]
                for fut in as_completed(futures):
                    progress.update(shown[fut.result().city], completed=1, visible=False)
                return [f.result() for f in futures]
        results = []
        for c in cities:
            results.append(_handouts(c, force))
            progress.update(shown[c.slug], completed=1, visible=False)
        return results


def city_stages(cities, console) -> list:
    """Each city's outputs (`daas.stages`: Beacon, ethics, Standard, programme), computed before
    anything reads them, with the city file's warnings: gaps to fill, never failures."""
    from daas.core.i18n import _, use_language
    from daas.packs.workshop import Result
    from daas.programme.checks import warnings
    from daas.stages import Stage, compute

    results, doing = [], _("{city}: computing {stage}")
    for c in cities:
        with use_language(c.language):
            for p in warnings(c):
                console.print(_("warning: {problem}").format(problem=p), soft_wrap=True,
                              markup=False, highlight=False)  # fmt: skip
        with console.status("") as status:

            def starting(stage: Stage, c=c, status=status) -> None:
                status.update(doing.format(city=c.slug, stage=_(stage.title)))

            outcomes = compute(c, on_stage=starting)
        # each outcome with the time its stage took (they ran one after the other)
        results += [Result(c.slug, o.stage, o.status, o.seconds, error=o.error or None)
                    for o in outcomes]  # fmt: skip
    return results


def _load_all(slugs, load_city):
    from daas.core.errors import DaasError

    cities, problems = [], []
    for s in slugs:
        try:
            cities.append(load_city(s))
        except DaasError as exc:
            problems += exc.problems
    if problems:
        raise DaasError(problems)
    return cities


def _lab(args: argparse.Namespace) -> int:
    from daas.packs.lab import open_lab

    return open_lab(args.city, port=args.port, open_browser=not args.no_browser, token=args.token)


def _notebooks_normalize(args: argparse.Namespace) -> int:
    from daas.core import notebooks as nbs

    paths = nbs.expand([Path(p) for p in args.paths]) if args.paths else nbs.committed_notebooks()
    if args.check:
        bad = [p for p in paths if not nbs.is_normal(p)]
        for p in bad:
            print(
                _("not normalised: {path}  (fix: {command})").format(
                    path=nbs.shown(p), command="make normalize"
                )
            )
        return 1 if bad else 0
    for p in paths:
        changed = nbs.normalize_file(p, execute=args.execute)
        line = _("normalised: {path}") if changed else _("unchanged : {path}")
        print(line.format(path=nbs.shown(p)))
    return 0
