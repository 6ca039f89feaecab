"""Building the toolkit website with Jupyter Book 1, strictly and with an execution cache.

Two layers of caching keep re-builds fast and correct:
- jupyter-cache re-executes a page only when its code cells change;
- a stamp records a digest of everything else the executed pages depend on (the `daas` package,
  data, city files, pinned requirements, the city being built). When that digest changes, the
  execution cache is dropped, since jupyter-cache alone would serve stale outputs; when neither
  it nor the pages changed, the build is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from daas import assets
from daas.city import load_city
from daas.errors import DaasError
from daas.io import atomic_write_text
from daas.paths import repo_root

STRICT_FLAGS = ["-W", "-n", "--keep-going"]
EXECUTION_INPUTS = ("daas", "data", "cities", "requirements.txt")
PAGE_INPUTS = ("book", "_config.yml", "_toc.yml")
STAMP = ".daas-build.json"


def jupyter_book() -> str:
    """The jupyter-book executable next to this Python (the project's .venv)."""
    exe = Path(sys.executable).parent / "jupyter-book"
    return str(exe) if exe.exists() else "jupyter-book"


def digest(source: Path, names: tuple[str, ...]) -> str:
    """A content hash of the named files and folders (file paths and bytes, sorted)."""
    h = hashlib.sha256()
    for name in names:
        top = source / name
        files = sorted(top.rglob("*")) if top.is_dir() else [top]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
                h.update(str(f.relative_to(source)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _state(source: Path, city: str) -> dict[str, str]:
    return {
        "city": city,
        "execution": digest(source, EXECUTION_INPUTS),
        "pages": digest(source, PAGE_INPUTS),
    }


def _read_stamp(build: Path) -> dict[str, str]:
    try:
        return json.loads((build / STAMP).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def build(
    city: str,
    output_root: Path | None = None,
    force_all: bool = False,
    source_root: Path | None = None,
) -> Path:
    """Build the site for `city` into `<output_root>/_build/html`; return its index page.

    Sphinx warnings are errors; a failing cell stops the build with its cell and traceback in
    the log, and the next build starts from a clean Sphinx environment.
    """
    load_city(city)
    assets.check()
    source = source_root or repo_root()
    out = (output_root or source) / "_build"
    index = out / "html" / "index.html"
    state, stamp = _state(source, city), _read_stamp(out)
    if not force_all and stamp == state and index.exists():
        print(f"Site up to date (nothing changed since the last build): {index}")
        return index
    if stamp.get("execution") != state["execution"] or stamp.get("city") != city:
        shutil.rmtree(out / ".jupyter_cache", ignore_errors=True)
        shutil.rmtree(out / ".doctrees", ignore_errors=True)
    (out / STAMP).unlink(missing_ok=True)

    cmd = [jupyter_book(), "build", str(source), "--path-output", str(out.parent),
           "--builder", "html", *STRICT_FLAGS]  # fmt: skip
    if force_all:
        cmd.append("--all")
    started = time.perf_counter()
    proc = subprocess.run(cmd, env={**os.environ, "DAAS_CITY": city}, cwd=source)
    if proc.returncode != 0:
        # Sphinx pickled the environment of the failed run: without this, the next build would
        # find "no targets are out of date" and pass.
        shutil.rmtree(out / ".doctrees", ignore_errors=True)
        raise DaasError.one(
            "book/", "",
            f"the book build failed (jupyter-book exit {proc.returncode}); "
            "the log above names the page, the cell and the error",
            "fix that page or notebook, then run `make book` again",
            exit_code=1,
        )  # fmt: skip
    atomic_write_text(out / STAMP, json.dumps(state, indent=1) + "\n")
    print(f"Site built in {time.perf_counter() - started:.1f} s. Open {index}")
    return index
