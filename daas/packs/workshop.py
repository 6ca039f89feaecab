"""A city's workshop pack: its notebooks and exercises executed with papermill in real kernels.

`run_pack(city)` prepares each notebook for the city (cells for other cities or languages
removed, `{{ placeholders }}` filled with escaped values), executes it with the city's parameters
and writes it atomically to `_build/cities/<slug>/{notebooks,exercises}/`. A notebook whose
inputs have not changed since its last successful run (a content hash) is skipped unless forced.
A failing notebook is reported with its cell and error while the others still run.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from daas.core import kernel_wakeups
from daas.core.city import City, load_city
from daas.core.i18n import _, locales_dir, use_language
from daas.core.io import atomic_write_text
from daas.core.markdown import substitutions
from daas.core.paths import city_build_dir, repo_root
from daas.packs.templating import fill, keep_cell
from daas.site.catalogues import translate_notebook

KERNEL = "python3"
MANIFEST = "pack-manifest.json"


@dataclass(frozen=True)
class Task:
    """One notebook to run for one city (plain data, so it can cross process boundaries)."""

    city: str
    source: str
    output: str
    key: str
    timeout: int = 600


@dataclass
class Result:
    """What happened to one notebook."""

    city: str
    notebook: str
    status: str  # ok | failed | skipped
    seconds: float = 0.0
    cell: int | None = None
    error: str | None = None
    worker: str = ""  # host:pid of the process that ran it


def parameters_for(city: City) -> dict[str, object]:
    """The papermill parameters every workshop notebook accepts. Values are data, never code."""
    return {"city": city.slug}


def workshop_notebooks() -> list[Path]:
    """Every papermill notebook: workshops first, then exercises."""
    root = repo_root()
    return [*sorted((root / "notebooks").glob("*.ipynb")),
            *sorted((root / "exercises").glob("*.ipynb"))]  # fmt: skip


def _inputs_digest() -> str:
    from daas.site.book import EXECUTION_INPUTS, digest

    return digest(repo_root(), EXECUTION_INPUTS)


def vendor_into_pack(city: City) -> None:
    """Copy the vega bundle into the pack, where charts find it when run in JupyterLab."""
    from daas.core.paths import assets_dir
    from daas.site.assets import VEGA_BUNDLE

    src = assets_dir() / VEGA_BUNDLE
    dst = city_build_dir(city.slug) / "vendor" / src.name
    if not dst.exists() or dst.read_bytes() != src.read_bytes():
        from daas.core.io import atomic_write_bytes

        atomic_write_bytes(dst, src.read_bytes())


def plan(city: City, only: str | None = None) -> list[Task]:
    """The tasks for a city's pack, each keyed on everything its output depends on."""
    shared = _inputs_digest()
    vendor_into_pack(city)
    out_dir = city_build_dir(city.slug)
    tasks = []
    for nb in workshop_notebooks():
        if only and only not in nb.stem:
            continue
        po = locales_dir() / city.language / "LC_MESSAGES" / nb.parent.name / f"{nb.stem}.po"
        words = po.read_bytes() if po.exists() else b""  # the notebook's text in the city language
        digest = hashlib.sha256(nb.read_bytes() + shared.encode() + city.slug.encode() + words)
        key = digest.hexdigest()
        out = out_dir / nb.parent.name / nb.name
        tasks.append(Task(city.slug, str(nb), str(out), key))
    return tasks


def prepare(source: Path, city: City) -> nbformat.NotebookNode:
    """The notebook as the city sees it: other cities' and languages' cells removed, text filled."""
    nb = nbformat.read(source, as_version=4)
    subs = substitutions(city)
    nb.cells = [c for c in nb.cells if keep_cell(c.metadata.get("tags", []), city)]
    translate_notebook(nb, f"{source.parent.name}/{source.stem}", city.language)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = fill(cell.source, subs)
    nb.metadata["daas"] = {"city": city.slug, "language": city.language}
    return nb


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _error_of(exc: Exception) -> tuple[int | None, str]:
    cell = getattr(exc, "cell_index", None)
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    msg = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    return (cell + 1 if isinstance(cell, int) else None), msg


_POOL = None


def _pool(cwd: Path):
    global _POOL
    if _POOL is None:
        from daas.packs.kernels import KernelPool

        _POOL = KernelPool(cwd)
    return _POOL


def _execute(tmp_in: str, tmp_out: Path, city: City, source: Path, task: Task, km) -> None:
    import papermill as pm

    pm.execute_notebook(
        tmp_in, str(tmp_out), parameters=parameters_for(city), kernel_name=KERNEL,
        cwd=str(source.parent), progress_bar=False, log_output=False,
        execution_timeout=task.timeout, km=km,
    )  # fmt: skip


def failed_copy(output: Path) -> Path:
    """Where a failed run leaves the executed notebook, traceback included."""
    return output.with_suffix(".failed.ipynb")


def run_task(task: Task, warm: bool = True, prefetch: bool = True) -> Result:
    """Execute one task; never raises for a notebook failure (the Result says what failed).

    A kernel that does not start is retried once with a fresh kernel; a second failure is a
    failed Result that says so."""
    kernel_wakeups.patch()  # also in a spawned worker, which never ran the `daas` entry
    city = load_city(task.city)
    source, output = Path(task.source), Path(task.output)
    name = f"{source.parent.name}/{source.name}"
    started = time.perf_counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_in = tempfile.mkstemp(suffix=".ipynb", dir=output.parent, prefix=".in-")
    os.close(fd)
    tmp_out = output.with_name(f".{output.stem}.tmp.ipynb")
    try:
        nbformat.write(prepare(source, city), tmp_in)
        _execute_with_retry(tmp_in, tmp_out, city, source, task, warm, prefetch)
        os.replace(tmp_out, output)
        failed_copy(output).unlink(missing_ok=True)  # an earlier run's failure is fixed now
        return Result(city.slug, name, "ok", time.perf_counter() - started, worker=_worker())
    except Exception as exc:  # a notebook failure is a result, not a crash of the batch
        cell, msg = _error_of(exc)
        if tmp_out.exists():
            os.replace(tmp_out, failed_copy(output))
        return Result(
            city.slug, name, "failed", time.perf_counter() - started, cell, msg, _worker()
        )
    finally:
        for p in (Path(tmp_in), tmp_out):
            p.unlink(missing_ok=True)


def _execute_with_retry(
    tmp_in: str, tmp_out: Path, city: City, source: Path, task: Task, warm: bool, prefetch: bool
) -> None:
    """Run the notebook; when its kernel did not start, once more with a fresh kernel."""
    from daas.packs.kernel_ipc import is_start_failure
    from daas.packs.kernels import shutdown

    env = {"DAAS_LANG": city.language}  # the pack speaks the city's language
    for attempt in (1, 2):
        km = None
        try:
            if warm and attempt == 1:
                km = _pool(repo_root()).take(source.parent, prefetch, env)
            with use_language(city.language):  # a kernel papermill starts inherits it
                _execute(tmp_in, tmp_out, city, source, task, km)
            return
        except Exception as exc:
            if not is_start_failure(exc):
                raise
            if attempt == 2:
                raise RuntimeError(
                    _("the kernel did not start, twice: {cause}").format(cause=_error_of(exc)[1])
                ) from exc
        finally:
            if km is not None:
                shutdown(km)


def run_notebook(notebook: Path, city: City, output: Path, timeout: int = 600) -> Path:
    """Execute one notebook for a city into `output` with a fresh kernel, started the way the
    workshop runner starts them (heavy modules imported first); raise on failure."""
    task = Task(city.slug, str(notebook), str(output), "", timeout)
    result = run_task(task, warm=True, prefetch=False)
    if result.status != "ok":
        from daas.core.errors import DaasError

        raise DaasError.one(
            result.notebook,
            _("cell {n}").format(n=result.cell),
            result.error or _("failed"),
            _("open the {file} next to the output to see the traceback").format(
                file=".failed.ipynb"
            ),
            exit_code=1,
        )
    return output


def read_manifest(slug: str) -> dict[str, str]:
    try:
        return json.loads((city_build_dir(slug) / MANIFEST).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def record(slug: str, tasks: list[Task], results: list[Result]) -> None:
    """Remember the key of every notebook that ran cleanly, so unchanged ones are skipped."""
    manifest = read_manifest(slug)
    by_name = {r.notebook: r for r in results}
    for t in tasks:
        name = f"{Path(t.source).parent.name}/{Path(t.source).name}"
        r = by_name.get(name)
        if r and r.status == "ok":
            manifest[name] = t.key
        elif r and r.status == "failed":
            manifest.pop(name, None)
    atomic_write_text(city_build_dir(slug) / MANIFEST, json.dumps(manifest, indent=1) + "\n")
    atomic_write_text(city_build_dir(slug) / "pack-results.json",
                      json.dumps([asdict(r) for r in results], indent=1) + "\n")  # fmt: skip


def split_skipped(tasks: list[Task], force: bool) -> tuple[list[Task], list[Result]]:
    """Tasks still to run, and Results for the ones whose output is current."""
    todo, skipped = [], []
    manifests: dict[str, dict[str, str]] = {}
    for t in tasks:
        m = manifests.setdefault(t.city, read_manifest(t.city))
        name = f"{Path(t.source).parent.name}/{Path(t.source).name}"
        if not force and m.get(name) == t.key and Path(t.output).exists():
            skipped.append(Result(t.city, name, "skipped"))
        else:
            todo.append(t)
    return todo, skipped
