"""Where things live in the repository and in the build folder."""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """The repository root: $DAAS_ROOT, else the folder above the package holding `_config.yml`."""
    if env := os.environ.get("DAAS_ROOT"):
        return Path(env).resolve()
    here = Path(__file__).resolve().parent.parent
    if (here / "_config.yml").exists():
        return here
    for parent in [Path.cwd(), *Path.cwd().parents]:
        if (parent / "_config.yml").exists() and (parent / "daas").is_dir():
            return parent
    return here


def cities_dir() -> Path:
    return repo_root() / "cities"


def data_dir() -> Path:
    return repo_root() / "data"


def build_dir() -> Path:
    return repo_root() / "_build"


def assets_dir() -> Path:
    """Vendored JavaScript and styles served with every page (not `_static`: JB1 globs that)."""
    return repo_root() / "book" / "_assets"


def notebook_dirs() -> list[Path]:
    root = repo_root()
    return [root / "notebooks", root / "exercises"]
