"""The Beacon's book pages show the city's recipe: each page's `% beacon-recipe: <part>` lines
become the recipe's part (`book/beacon/recipes/<recipe>/`, the Sphinx extension), housing's
parts are what the pages showed before, and a service-requests city's pages run on its
published output and say nothing about housing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell
from sphinx.util.tags import Tags

from daas.beacon import recipes, records
from daas.cli import main
from daas.core.city import City, load_city
from daas.core.paths import repo_root
from daas.packs.templating import keep_cell
from daas.packs.workshop import run_notebook
from daas.site import variants
from daas.site.sphinx_ext import RECIPE_PAGES, RECIPE_PART, sphinx_tags
from daas.site.variants import Variant
from tests.test_beacon_service_requests import SLUG, city_data, write_city, write_inputs

ROOT = repo_root()  # read before a test points $DAAS_ROOT at a scratch tree
BEACON = ROOT / "book" / "beacon"
PAGES = ("index", "resident", "staff")
HOUSING_WORDS = re.compile(
    r"housing|affordab|\bhomes?\b|income|\brent(al|s)?\b|listing|inventory|moradia|habita|aluguel|"
    r"vivienda|alquiler|asequible",
    re.I,
)


def expanded(page: str, recipe: str) -> str:
    """The page as the book reads it for a city of `recipe`."""
    folder = ROOT / RECIPE_PAGES / recipe
    text = (BEACON / f"{page}.md").read_text(encoding="utf-8")
    return RECIPE_PART.sub(lambda m: (folder / f"{m.group(1)}.md").read_text("utf-8"), text)


def code_cells(text: str) -> list[str]:
    cells = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, re.S)
    return ["\n".join(ln for ln in c.splitlines() if not ln.startswith(":")) for c in cells]


@pytest.mark.parametrize("recipe", ["housing", "service-requests"])
def test_every_part_a_page_names_exists(recipe: str) -> None:
    for page in PAGES:
        text = (BEACON / f"{page}.md").read_text(encoding="utf-8")
        for part in RECIPE_PART.findall(text):
            assert (ROOT / RECIPE_PAGES / recipe / f"{part}.md").exists(), (page, part)


def test_housing_pages_keep_their_titles_and_content() -> None:
    resident, staff = expanded("resident", "housing"), expanded("staff", "housing")
    assert re.findall(r"^# .*", resident, re.M) == ["# Find an affordable home"]
    assert "charts.eligibility_chart(city.slug, city.currency)" in resident
    assert re.findall(r"^# .*", staff, re.M) == ["# Affordable supply at a glance"]
    assert "pages.public_columns" in staff
    assert "sample_note(city)" in resident and "sample_note(city)" in staff


def test_service_requests_pages_say_nothing_about_housing() -> None:
    for page in PAGES:
        text = expanded(page, "service-requests")
        assert not HOUSING_WORDS.findall(text), (page, HOUSING_WORDS.findall(text))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A scratch tree with a service-requests city, built once; $DAAS_CITY names it."""
    import shutil

    root = tmp_path_factory.mktemp("tree")
    for name in ("cities", "data", "book/_assets"):  # the assets: a book build checks them
        shutil.copytree(repo_root() / name, root / name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAAS_ROOT", str(root))
        mp.setenv("DAAS_CITY", SLUG)
        mp.setenv("DAAS_LANG", "en")
        write_inputs(root)
        write_city(root, city_data())
        assert main(["beacon", "build", "--city", SLUG, "--quiet"]) == 0
        yield records.output_dir(SLUG)


@pytest.mark.parametrize("page", ["resident", "staff"])
def test_service_requests_pages_run_on_the_published_output(built: Path, page: str) -> None:
    shell = InteractiveShell.instance()
    try:
        results = [shell.run_cell(cell) for cell in code_cells(expanded(page, "service-requests"))]
    finally:
        InteractiveShell.clear_instance()
    assert all(r.success for r in results), [r.error_in_exec for r in results]
    shown = [r.result for r in results if isinstance(r.result, pd.DataFrame)]
    assert shown and all(len(t) for t in shown[:2])


def test_what_usually_happens_in_plain_words(built: Path) -> None:
    from daas.beacon.recipes.service_requests import charts

    lines = charts.like_mine_words(SLUG).splitlines()
    assert len(lines) == 5 and all("usually closed within" in ln for ln in lines)
    assert any("closed within the city's target of" in ln for ln in lines)
    assert "Grid of median days" in charts.typical_chart(SLUG).to_dict()["description"]


def test_a_service_requests_city_s_beacon_pages_build(built: Path, tmp_path: Path) -> None:
    """The pages through Jupyter Book (strict, executed): the recipe's parts in place, its
    headings real sections, no housing words in the HTML."""
    import shutil

    src = tmp_path / "src"
    shutil.copytree(BEACON, src / "book" / "beacon")
    shutil.copytree(ROOT / "book" / "_assets", src / "book" / "_assets")
    shutil.copytree(ROOT / "book" / "_data", src / "book" / "_data")  # the sources cited
    shutil.copy2(ROOT / "_config.yml", src / "_config.yml")
    toc = "format: jb-book\nroot: book/beacon/index\nchapters:\n"
    toc += "".join(f"- file: book/beacon/{p}\n" for p in ("resident", "staff", "performance"))
    (src / "_toc.yml").write_text(toc)
    index = variants.build(Variant(SLUG, src, source=src), quiet=True)
    html = {p: (index.parent / "book" / "beacon" / f"{p}.html").read_text("utf-8")
            for p in PAGES}  # fmt: skip
    assert "<h1>What happens to a request like mine" in html["resident"]
    assert 'id="the-oldest-open-requests"' in html["staff"]
    text = {p: re.sub(r"<[^>]+>", " ", h) for p, h in html.items()}
    assert {p: HOUSING_WORDS.findall(t) for p, t in text.items()} == {p: [] for p in PAGES}


# Pages that discuss every recipe by design, or that only a housing city's edition shows
BOTH_RECIPES = ("book/beacon/choosing.md", "book/beacon/new-recipe.md")
# an `{only}` block, at the margin or indented inside a list item (its fence closes at the same
# indentation), its condition the `expr` group: `recipe_housing and not city_villa_ondina`
ONLY_BLOCK = re.compile(
    r"^(?P<fence>[ \t]*`{3,})\{only\} (?P<expr>[^\n]+)\n(?P<body>.*?)^(?P=fence)$", re.M | re.S
)
HOUSING_PROSE = re.compile(
    r"housing|affordab|\brent(?:al|als|s)?\b|\bincome\b|(?<!data )inventory|\blistings?\b", re.I
)


def generic_pages() -> dict[str, str]:
    """Every book page but the recipes' own parts and the pages about choosing a recipe."""
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((ROOT / "book").rglob("*.md"))
            if RECIPE_PAGES.as_posix() not in p.as_posix()
            and p.relative_to(ROOT).as_posix() not in BOTH_RECIPES}  # fmt: skip


def test_the_city_s_recipe_is_a_tag_for_only_blocks(example_city: City) -> None:
    assert "recipe_housing" in sphinx_tags(example_city)
    assert "recipe_service_requests" in sphinx_tags(load_city("vale-do-sereno"))


def visible(text: str, tags: set[str]) -> str:
    """What Sphinx shows of `text` when only `tags` are set: each `{only}` block whose condition
    holds, its own blocks judged the same way; the rest of the page as it is."""

    def judged(match: re.Match) -> str:
        shown = Tags(sorted(tags)).eval_condition(match["expr"])
        return visible(match["body"], tags) if shown else ""

    return ONLY_BLOCK.sub(judged, text)


def test_a_page_s_recipe_blocks_come_for_every_recipe() -> None:
    """A page with text only one recipe's cities see has text for every other recipe too."""
    tags = [f"recipe_{name.replace('-', '_')}" for name in recipes.names()]
    for page, text in generic_pages().items():
        common = len(visible(text, set()))
        own = {tag: len(visible(text, {tag})) > common for tag in tags}
        assert len(set(own.values())) == 1, (page, own)


def test_a_service_requests_city_s_pages_say_nothing_about_housing() -> None:
    for page, text in generic_pages().items():
        words = HOUSING_PROSE.findall(visible(text, {"recipe_service_requests"}))
        assert not words, (page, words)


def test_visible_judges_conditions_and_nested_blocks() -> None:
    text = ("a\n````{only} recipe_housing\nb\n```{only} not city_x\nc\n```\n````\n"
            "```{only} recipe_housing and not city_x\nd\n```\n")  # fmt: skip
    assert visible(text, {"recipe_housing"}).split() == ["a", "b", "c", "d"]
    assert visible(text, {"recipe_housing", "city_x"}).split() == ["a", "b"]
    assert visible(text, {"recipe_service_requests"}).split() == ["a"]


NOTEBOOK = ROOT / "notebooks" / "04-build-your-beacon.ipynb"


def test_a_cell_for_one_recipe_is_kept_only_for_its_cities(example_city: City) -> None:
    assert example_city.beacon is not None
    beacon = example_city.beacon.model_copy(update={"recipe": "service-requests"})
    service_requests = example_city.model_copy(update={"beacon": beacon})
    for city, kept in ((example_city, "housing"), (service_requests, "service-requests")):
        for recipe in ("housing", "service-requests"):
            assert keep_cell([f"only-recipe-{recipe}"], city) is (recipe == kept)
        assert keep_cell(["nbval-skip"], city)


def test_workshop_04_runs_for_a_service_requests_city(built: Path, tmp_path: Path) -> None:
    out = run_notebook(NOTEBOOK, load_city(SLUG), tmp_path / NOTEBOOK.name)
    nb = nbformat.read(out, as_version=4)
    outputs = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert "suele cerrarse en" in outputs  # the city's language: what usually happens, in words
    text = "\n".join(c.source for c in nb.cells) + outputs
    assert not HOUSING_WORDS.findall(text), HOUSING_WORDS.findall(text)
