"""Shared fixtures: the repository, the example city and the built site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from daas.core.city import DEFAULT_CITY, City, load_city
from daas.core.paths import repo_root
from daas.packs.kernel_ipc import use_ipc_kernels

ROOT = repo_root()


def pytest_configure(config: pytest.Config) -> None:
    """Kernels started by tests, nbval and the commands they run use IPC sockets (no port race)."""
    assert use_ipc_kernels(), "the daas-ipc kernel provisioner is not installed: run `make setup`"


# How `make test` shares the tests between its two workers (`--dist loadfile`, refined here):
# every file runs on one worker, so module fixtures (a city pack, a built edition) are built once
# and nbval keeps a notebook's cells together; the files in SPREAD hold independent tests with
# cheap fixtures, and their tests are shared out one by one, so no worker waits while the other
# renders every page of the site. (xdist's `loadgroup` would say this with marks, but it cannot
# tag test ids under pytest 9.2.)
SPREAD = {"tests/test_browser.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """nbval runs the committed notebooks for the example city: cells kept only for another
    city, language or Beacon recipe (`only-recipe-service-requests`...) are not among its
    tests (papermill runs them for their own cities: tests/test_beacon_recipe_pages.py)."""
    from daas.packs.templating import keep_cell

    city = load_city(DEFAULT_CITY)
    dropped = [
        item
        for item in items
        if (cell := getattr(item, "cell", None)) is not None
        and not keep_cell(cell.get("metadata", {}).get("tags", []), city)
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """`--dist loadfile`, with each test of the SPREAD files a unit of its own."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FilesAndSpreadTests(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if path in SPREAD else path

    return FilesAndSpreadTests(config, log)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def example_city() -> City:
    return load_city(DEFAULT_CITY)


@pytest.fixture
def city_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch copy of the cities/ and data/ folders, with DAAS_ROOT pointing at it."""
    for name in ("cities", "data", "_config.yml", "_toc.yml"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name)
        else:
            shutil.copy2(src, tmp_path / name)
    (tmp_path / "daas").mkdir()
    monkeypatch.setenv("DAAS_ROOT", str(tmp_path))
    return tmp_path
