"""A scratch copy of the kit (without .venv and _build), for tests that build packs or editions."""

from __future__ import annotations

import shutil
from pathlib import Path

from daas.paths import repo_root

IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", "*.egg-info",
                                ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache")  # fmt: skip


def copy_kit(dest: Path) -> Path:
    shutil.copytree(repo_root(), dest, ignore=IGNORE)
    return dest
