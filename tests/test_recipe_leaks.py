"""No housing in a service-requests city's pack, as no city leaks into another's
(`test_workshop.test_pack_never_names_another_city`): Vale do Sereno runs the service-requests
recipe, and what its pack computes for it (the Beacon's pages, workshop 04, the Standard
assessment, the ethics record, the programme outputs) says nothing about housing in any of the
kit's languages. The pack is built once in a scratch copy of the kit: the city's outputs and
notebook 04 (`daas workshop run --only 04 --no-site`), then the pages that show them."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from daas.cli import main
from daas.core.city import load_city
from daas.site import variants
from daas.site.variants import Variant
from tests.kit import copy_kit

SLUG = "vale-do-sereno"
HOUSING = re.compile(
    r"housing|affordab|\brent(al|als|s)?\b|\bincome\b|inventory|\blistings?\b|"
    r"moradia|habitaç|habitac|aluguel|alugu[ée]is|inquilin|"
    r"vivienda|alquiler|asequible|inquilino",
    re.I,
)
# the pages of a city's edition that show what was computed for the city
CITY_PAGES = (
    "book/beacon/index", "book/beacon/resident", "book/beacon/staff", "book/beacon/performance",
    "book/standard/city-assessment", "book/ethics/assessment", "book/programme/readiness",
    "book/programme/progress", "book/programme/briefing", "book/programme/showcase",
)  # fmt: skip
TEXT_SUFFIXES = {".ipynb", ".html", ".md", ".json", ".csv", ".txt"}


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Vale do Sereno's outputs, notebook 04 and the pages showing them, in a scratch kit."""
    root = copy_kit(tmp_path_factory.mktemp("kit") / "kit")
    old = os.environ.get("DAAS_ROOT")
    os.environ["DAAS_ROOT"] = str(root)
    try:
        assert load_city(SLUG).beacon is not None
        assert main(["workshop", "run", "--city", SLUG, "--only", "04", "--no-site"]) == 0
        yield root / "_build" / "cities" / SLUG
    finally:
        if old is None:
            del os.environ["DAAS_ROOT"]
        else:
            os.environ["DAAS_ROOT"] = old


def leaks(folder: Path, files: list[Path] | None = None) -> list[str]:
    """Each housing word in the text files under `folder` (or in `files`), with where it is."""
    found = []
    for f in files or sorted(folder.rglob("*")):
        if f.is_file() and f.suffix in TEXT_SUFFIXES and "vendor" not in f.parts:
            text = re.sub(r"<[^>]+>", " ", f.read_text(encoding="utf-8", errors="replace"))
            found += [f"{f.relative_to(folder)}: {m.group(0)}" for m in HOUSING.finditer(text)]
    return found


def test_the_city_runs_the_service_requests_recipe(pack: Path) -> None:
    assert load_city(SLUG).beacon.recipe == "service-requests"  # type: ignore[union-attr]
    assert (pack / "beacon" / "data" / "service_requests.csv").exists()
    assert (pack / "notebooks" / "04-build-your-beacon.ipynb").exists()


def test_outputs_and_workshop_04_say_nothing_about_housing(pack: Path) -> None:
    assert leaks(pack) == []


def test_pages_showing_the_city_say_nothing_about_housing(pack: Path, tmp_path: Path) -> None:
    root = pack.parents[2]
    src = tmp_path / "src"
    shutil.copytree(root / "book", src / "book")
    shutil.copy2(root / "_config.yml", src / "_config.yml")
    toc = "format: jb-book\nroot: book/beacon/index\nchapters:\n"
    toc += "".join(f"- file: {page}\n" for page in CITY_PAGES[1:])
    (src / "_toc.yml").write_text(toc)
    city = load_city(SLUG)
    site = variants.build(
        Variant(SLUG, src, source=src, language=city.language, config=_links_elsewhere), quiet=True
    )
    pages = [site.parent / f"{page}.html" for page in CITY_PAGES]
    assert all(p.exists() for p in pages)
    assert leaks(site.parent, pages) == []


def _links_elsewhere(config: dict) -> None:
    """The pages link to the rest of the book, which this build leaves out."""
    config["sphinx"]["config"]["suppress_warnings"] = ["ref.doc"]
