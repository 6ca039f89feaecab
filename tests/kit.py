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


def add_translations(monkeypatch, lang: str, extra: dict[str, str]) -> None:
    """Make `daas.i18n._` find `extra` in `lang`'s package catalogue, whatever the .po holds."""
    from daas import i18n

    real = i18n._package_catalogue

    def catalogue(wanted: str) -> dict[str, str]:
        return {**real(wanted), **extra} if wanted == lang else real(wanted)

    monkeypatch.setattr(i18n, "_package_catalogue", catalogue)
