"""Building the toolkit website with Jupyter Book 1, strictly and with an execution cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from daas import assets
from daas.city import load_city
from daas.errors import DaasError
from daas.paths import repo_root

STRICT_FLAGS = ["-W", "-n", "--keep-going"]


def jupyter_book() -> str:
    """The jupyter-book executable next to this Python (the project's .venv)."""
    exe = Path(sys.executable).parent / "jupyter-book"
    return str(exe) if exe.exists() else "jupyter-book"


def build(city: str, output_root: Path | None = None, force_all: bool = False) -> Path:
    """Build the site for `city` into `<output_root>/_build/html`; return its index page.

    Notebook execution is cached (jupyter-cache, keyed on code cells), so a re-build with
    nothing changed executes nothing. Sphinx warnings are errors; a failing cell stops the
    build with its cell and traceback in the log.
    """
    load_city(city)
    assets.check()
    root = output_root or repo_root()
    cmd = [
        jupyter_book(),
        "build",
        str(repo_root()),
        "--path-output",
        str(root),
        "--builder",
        "html",
        *STRICT_FLAGS,
    ]
    if force_all:
        cmd.append("--all")
    env = {**os.environ, "DAAS_CITY": city}
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=repo_root())
    if proc.returncode != 0:
        # Sphinx pickled the environment of the failed run: without this, the next build would
        # find "no targets out of date" and pass. Executed notebooks stay in the jupyter-cache.
        shutil.rmtree(root / "_build" / ".doctrees", ignore_errors=True)
        raise DaasError.one(
            "book/",
            "",
            f"the book build failed (jupyter-book exit "
            f"{proc.returncode}); the log above names the page, cell and error",
            "fix that page or notebook, then run `make book` again",
            exit_code=1,
        )
    index = root / "_build" / "html" / "index.html"
    print(f"Site built in {time.perf_counter() - started:.1f} s. Open {index}")
    return index
