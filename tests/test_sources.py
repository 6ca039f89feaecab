"""The sources registry (`book/_data/sources.yml`) and the `{source}` role (`daas.site.sources`):
the registry is well formed and every source in it is cited; a citation is the same everywhere,
its title linked and marked with its language; an unknown key stops the build naming the page and
the key; and no page outside the masterclasses cites a source by hand."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from daas.core.errors import DaasError
from daas.core.paths import repo_root
from daas.site.sources import REGISTRY, Source, load, parse

ROOT = repo_root()
BOOK = ROOT / "book"
# Pages not yet citing through the role (none: every page does).
NOT_YET: tuple[str, ...] = ()
# Sources listed on the sources page only (a licence is cited through the sources that use it).
LISTED_ONLY: set[str] = set()
ROLE = re.compile(r"\{source\}`(?:[^`<]*<)?([^`<>]+)>?`")


def registry() -> dict[str, Source]:
    path = ROOT / REGISTRY
    return load(path, path.stat().st_mtime)


def pages() -> list[Path]:
    return [p for p in sorted(BOOK.rglob("*.md")) if not set(NOT_YET) & set(p.parts)]


def prose(text: str) -> str:
    """A page without its code: fenced blocks and inline code."""
    text = re.sub(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", "", text, flags=re.S | re.M)
    return re.sub(r"(?<!\})`[^`\n]*`", "", text)


def test_the_registry_is_well_formed() -> None:
    sources = registry()
    assert len(sources) >= 40
    for key, source in sources.items():
        assert source.url.startswith("https://"), key
        assert re.fullmatch(r"[a-z]{2}", source.lang), key
        assert 1900 < source.year < 2100, key
        assert source.licence is None or source.licence in sources, key


def test_a_bad_registry_names_every_problem_and_its_entry() -> None:
    data = {
        "ok": {"title": "T", "lang": "en", "publisher": "P", "year": 2020, "url": "https://x.org/"},
        "plain-http": {"title": "T", "lang": "en", "publisher": "P", "year": 2020,
                       "url": "http://x.org/", "licence": "no-such-licence"},
        "Bad Key": {"title": "T"},
        "missing": {"title": "T", "lang": "English", "colour": "red"},
    }  # fmt: skip
    with pytest.raises(DaasError) as caught:
        parse(data, "sources.yml")
    fields = {p.field for p in caught.value.problems}
    assert {"plain-http.url", "plain-http.licence", "Bad Key", "missing.year", "missing.url",
            "missing.publisher", "missing.colour", "missing.lang"} <= fields  # fmt: skip
    assert "ok" not in {f.split(".")[0] for f in fields}


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sources.yml"
    entry = "  title: T\n  lang: en\n  publisher: P\n  year: 2020\n  url: https://x.org/\n"
    path.write_text(f"twice:\n{entry}twice:\n{entry}", encoding="utf-8")
    with pytest.raises(DaasError, match="twice: this key is given twice"):
        load(path, 0.0)


def test_every_source_is_cited_and_every_citation_is_in_the_registry() -> None:
    sources = registry()
    cited = {key for p in BOOK.rglob("*.md") for key in ROLE.findall(p.read_text("utf-8"))}
    licences = {s.licence for s in sources.values() if s.licence}
    assert cited <= set(sources), sorted(cited - set(sources))
    assert set(sources) - cited - licences - LISTED_ONLY == set()


BY_HAND = re.compile(
    r"https?://|\]\(https?:|\b(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov|org|com|co|net|io|edu|uk|au)"
    r"(?:\.[a-z]{2})?(?:/[^\s)]*)?(?=[\s).,;:]|$)"
)


def test_no_page_cites_a_source_by_hand() -> None:
    """Outside code, an address on a page is a `{source}` citation, never typed in."""
    found = []
    for page in pages():
        text = ROLE.sub("", prose(page.read_text("utf-8")))
        for line in text.splitlines():
            found += [f"{page.relative_to(ROOT)}: {m}" for m in BY_HAND.findall(line)]
    assert found == [], "\n".join(found)


def _sphinx(src: Path, page: str, recipe: str = "housing") -> subprocess.CompletedProcess:
    """`page` built with the registry, as a city of `recipe` builds it."""
    (src / "book" / "_data").mkdir(parents=True)
    (src / REGISTRY).write_bytes((ROOT / REGISTRY).read_bytes())
    tag = "recipe_" + recipe.replace("-", "_")
    (src / "conf.py").write_text(
        f'extensions = ["myst_parser", "daas.site.sources"]\ntags.add("{tag}")\n'
    )
    (src / "index.md").write_text(page, encoding="utf-8")
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(src), str(src / "_out")]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> str:
    src = tmp_path_factory.mktemp("cite")
    page = "# Page\n\n- {source}`gds-service-standard`\n\nRead {source}`the FAIR paper <fair-principles>`.\n\n```{sources}\n```\n"  # noqa: E501
    proc = _sphinx(src, page)
    assert proc.returncode == 0, proc.stderr
    return (src / "_out" / "index.html").read_text(encoding="utf-8")


def test_a_citation_is_the_linked_title_marked_with_its_language(built: str) -> None:
    source = registry()["gds-service-standard"]
    licence = registry()["ogl-3"]
    first = built.index('<span class="daas-source" lang="en">')
    cited = built[first : built.index("</li>", first)]
    assert f'href="{source.url}">{source.title}</a>' in cited
    assert f", {source.publisher}, {source.year}. {source.rights}, " in cited
    assert f'href="{licence.url}">{licence.title}</a>' in cited


def test_a_citation_in_prose_links_the_pages_own_words(built: str) -> None:
    assert f'href="{registry()["fair-principles"].url}">the FAIR paper</a>' in built


def test_the_sources_page_lists_every_source_with_its_secondary_note(built: str) -> None:
    sources = registry()
    for key in sources:
        assert f'id="source-{key}"' in built
    note = " ".join(str(sources["uk-data-ethics-framework"].secondary).split())
    assert note.replace("'", "&#8217;")[:40] in built or note[:40] in built


def test_a_recipe_s_own_sources_are_listed_only_for_its_cities(tmp_path: Path) -> None:
    proc = _sphinx(tmp_path, "# Page\n\n```{sources}\n```\n", recipe="service-requests")
    assert proc.returncode == 0, proc.stderr
    built = (tmp_path / "_out" / "index.html").read_text(encoding="utf-8")
    own = {k for k, s in registry().items() if s.recipe == "housing"}
    assert own and not any(f'id="source-{k}"' in built for k in own)
    assert 'id="source-gds-service-standard"' in built


def test_an_unknown_key_stops_the_build_naming_the_page_and_the_key(tmp_path: Path) -> None:
    proc = _sphinx(tmp_path, "# Page\n\nText.\n\nSee {source}`gds-service-standrd`.\n")
    assert proc.returncode != 0
    assert "index.md:5: unknown source 'gds-service-standrd'" in proc.stderr
    assert "did you mean 'gds-service-standard'" in proc.stderr
