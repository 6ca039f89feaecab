"""Where things live in the repository and in the build folder."""

from __future__ import annotations

import os
from pathlib import Path


def package_dir() -> Path:
    """The `daas` package folder (it holds `messages/` beside the code)."""
    return Path(__file__).resolve().parents[1]


def repo_root() -> Path:
    """The repository root: $DAAS_ROOT, else the folder above the package holding `_config.yml`."""
    if env := os.environ.get("DAAS_ROOT"):
        return Path(env).resolve()
    here = package_dir().parent
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


def city_build_dir(slug: str) -> Path:
    """Where a city's outputs go: `_build/cities/<slug>/`."""
    return build_dir() / "cities" / slug


def shared_real_data() -> Path:
    """Real city exports beside the repository (`../shared/data/real/`), used only by tests that
    skip cleanly when the folder is absent. Override with $DAAS_REAL_DATA."""
    if env := os.environ.get("DAAS_REAL_DATA"):
        return Path(env)
    return repo_root().parent / "shared" / "data" / "real"
