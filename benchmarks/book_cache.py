"""How much the execution cache saves: a cold `daas book build` against a second, no-change one.

Copies the repository (without .venv and _build) to a scratch folder, builds twice, and prints
both wall times and their ratio. Target: the second build under 25% of the first.

    .venv/bin/python benchmarks/book_cache.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", "*.egg-info")


def timed_build(src: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "daas", "book", "build"],
        cwd=src,
        check=True,
        capture_output=True,
        env={**__import__("os").environ, "DAAS_ROOT": str(src)},
    )
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "kit"
        shutil.copytree(ROOT, src, ignore=IGNORE)
        cold = timed_build(src)
        warm = timed_build(src)
    print(f"cold build: {cold:.1f} s")
    print(f"second build, nothing changed: {warm:.1f} s")
    print(f"ratio: {warm / cold:.2f} (target < 0.25)")


if __name__ == "__main__":
    main()
