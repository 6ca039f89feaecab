"""Running many notebooks for one or many cities: in this process, on a local process pool, or on
an existing Dask cluster. Shows a progress bar and ends with a summary table."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from daas.packs.workshop import Result, Task, run_task

# Worker processes are started fresh, never forked: a fork copies a process whose kernel clients
# and warm kernels run in threads that the copy does not have, and the copy then waits forever.
SPAWN = multiprocessing.get_context("spawn")


def _local(tasks: list[Task], workers: int) -> Iterator[Result]:
    if workers <= 1:
        for i, t in enumerate(tasks):
            yield run_task(t, prefetch=i < len(tasks) - 1)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=SPAWN) as pool:
        futures = [pool.submit(run_task, t) for t in tasks]
        for fut in as_completed(futures):
            yield fut.result()


def _dask(tasks: list[Task], scheduler: str) -> Iterator[Result]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler, timeout="30s") as client:
        futures = [client.submit(run_task, t, pure=False) for t in tasks]
        for fut in dask_completed(futures):
            yield fut.result()


def execute(tasks: list[Task], workers: int = 1, scheduler: str | None = None,
            console: Console | None = None) -> list[Result]:  # fmt: skip
    """Run `tasks`, showing progress; return one Result per task."""
    console = console or Console(stderr=True)
    runner: Iterable[Result] = _dask(tasks, scheduler) if scheduler else _local(tasks, workers)
    results: list[Result] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("notebooks", total=len(tasks))
        for r in runner:
            results.append(r)
            progress.update(bar, advance=1, description=f"{r.city}: {r.notebook}")
    return results


def run_batch(tasks: list[Task], skipped: list[Result], workers: int, scheduler: str | None,
              console: Console, after: Callable[[list[Result]], None] | None = None,
              ) -> list[Result]:  # fmt: skip
    """Execute the tasks, then call `after` with every result (skipped ones included)."""
    results = execute(tasks, workers, scheduler, console) if tasks else []
    everything = sorted(skipped + results, key=lambda r: (r.city, r.notebook))
    if after:
        after(everything)
    return everything


def what(result: Result) -> str:
    """What a row ran, in the reader's language: a notebook's path, or one of the city's outputs
    (a stage of `daas.stages`) or its edition of the site."""
    from daas.core.i18n import N_, _

    outputs = {"beacon": N_("Beacon outputs"), "ethics": N_("ethics record"),
               "standard": N_("Standard assessment"), "programme": N_("programme outputs"),
               "site": N_("edition of the site"),
               "handouts": N_("printable handouts")}  # fmt: skip
    return _(outputs[result.notebook]) if result.notebook in outputs else result.notebook


def problem(result: Result) -> str:
    """A failed row's problem, with the cell that failed when one did."""
    from daas.core.i18n import _

    if result.cell:
        return _("cell {n}: {error}").format(n=result.cell, error=result.error)
    return result.error or ""


def summary_table(results: list[Result]) -> Table:
    from daas.core.formats import number
    from daas.core.i18n import N_, _

    table = Table(title=_("Workshop pack"))
    for col in (N_("city"), N_("notebook"), N_("status"), N_("seconds"), N_("problem")):
        table.add_column(_(col), justify="right" if col == "seconds" else "left", overflow="fold")
    N_("ok"), N_("failed"), N_("skipped"), N_("not-applicable")  # translated below
    style = {"ok": "green", "skipped": "dim", "not-applicable": "dim", "failed": "bold red"}
    for r in results:
        seconds = number(r.seconds, 1) if r.status in ("ok", "failed") else ""
        table.add_row(r.city, what(r), f"[{style[r.status]}]{_(r.status)}[/]", seconds, problem(r))
    return table
