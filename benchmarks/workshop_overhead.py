"""Workshop runner overhead and batch throughput.

1. Per notebook: the runner (`daas.packs.workshop.run_task` in one process, warm kernels prefetched
   while the previous notebook runs) against the same notebook's code run as a plain Python
   script (`python script.py`, a fresh interpreter). Target: runner / script <= 1.3.
2. Batch: `daas workshop run --all --workers 2 --no-site --force` against a sequential shell
   loop of `papermill` CLI calls over the same notebooks and cities. Target: <= 0.5.

Runs in a scratch copy of the kit, for the example city (part 1) and every city (part 2):
    .venv/bin/python benchmarks/workshop_overhead.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", "*.egg-info")


def as_script(notebook: Path, city: str) -> str:
    """The notebook's code cells as one script, with the city parameter injected."""
    nb = nbformat.read(notebook, as_version=4)
    lines = ["from IPython.display import display"]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines += [ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        if "parameters" in cell.metadata.get("tags", []):
            lines.append(f"city = {city!r}")  # what papermill injects
    return "\n".join(lines) + "\n"


def time_scripts(notebooks: list[Path], city: str, work: Path) -> dict[str, float]:
    times = {}
    for nb in notebooks:
        script = work / f"{nb.stem}.py"
        script.write_text(as_script(nb, city))
        started = time.perf_counter()
        subprocess.run([sys.executable, str(script)], cwd=nb.parent, check=True,
                       capture_output=True)  # fmt: skip
        times[nb.name] = time.perf_counter() - started
    return times


def time_runner(kit: Path, city: str) -> tuple[float, dict[str, float]]:
    from daas.core.city import load_city
    from daas.packs.batch import execute
    from daas.packs.workshop import plan

    tasks = plan(load_city(city))
    started = time.perf_counter()
    results = execute(tasks, workers=1)
    total = time.perf_counter() - started
    bad = [r for r in results if r.status != "ok"]
    if bad:
        raise SystemExit(f"runner failed: {bad}")
    return total, {Path(r.notebook).name: r.seconds for r in results}


def papermill_loop(kit: Path, cities: list[str], notebooks: list[Path], out: Path) -> float:
    started = time.perf_counter()
    for city in cities:
        for nb in notebooks:
            subprocess.run([str(BIN / "papermill"), str(nb), str(out / f"{city}-{nb.name}"),
                            "-p", "city", city, "--cwd", str(nb.parent), "--no-progress-bar"],
                           check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        kit = Path(tmp) / "kit"
        shutil.copytree(ROOT, kit, ignore=IGNORE)
        os.environ["DAAS_ROOT"] = str(kit)
        from daas.core.city import list_cities
        from daas.packs.workshop import workshop_notebooks

        notebooks = workshop_notebooks()
        city = "port-mallory"
        scripts = time_scripts(notebooks, city, Path(tmp))
        runner_total, runner = time_runner(kit, city)
        print(f"1. per notebook, {city} ({len(notebooks)} notebooks)")
        print(f"   {'notebook':40} {'runner s':>9} {'script s':>9} {'ratio':>6}")
        for name, s in scripts.items():
            print(f"   {name:40} {runner[name]:9.2f} {s:9.2f} {runner[name] / s:6.2f}")
        script_total = sum(scripts.values())
        print(
            f"   batch of {len(notebooks)}: runner {runner_total:.1f} s, scripts "
            f"{script_total:.1f} s, ratio {runner_total / script_total:.2f} (target <= 1.3)"
        )

        cities = list_cities()
        out = Path(tmp) / "pm"
        out.mkdir()
        loop = papermill_loop(kit, cities, notebooks, out)
        started = time.perf_counter()
        subprocess.run([str(BIN / "daas"), "workshop", "run", "--all", "--workers", "2",
                        "--no-site", "--force"], check=True, capture_output=True,
                       env={**os.environ, "DAAS_ROOT": str(kit)})  # fmt: skip
        batch = time.perf_counter() - started
        print(f"2. batch, {len(cities)} cities x {len(notebooks)} notebooks")
        print(
            f"   --all --workers 2: {batch:.1f} s; papermill CLI loop: {loop:.1f} s; "
            f"ratio {batch / loop:.2f} (target <= 0.5)"
        )


if __name__ == "__main__":
    main()
