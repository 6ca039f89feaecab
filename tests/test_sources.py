"""The sources registry (`book/_data/sources.yml`) and the `{source}` role (`daas.site.sources`):
the registry is well formed and every source in it is cited; a citation is the same everywhere,
its title linked and marked with its language, an unpublished document's title unlinked; an
unknown key stops the build naming the page and the key; no page cites a source by hand; and a
paragraph that names a body of the registry (its `names`) cites a source about it there."""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from daas.core.errors import DaasError
from daas.core.i18n import _
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
        assert (source.url or "").startswith("https://") or source.unpublished, key
        assert re.fullmatch(r"[a-z]{2}", source.lang), key
        assert (source.year is None and source.unpublished) or 1900 < source.year < 2100, key
        assert source.licence is None or source.licence in sources, key
        assert all(name == name.strip() and name for name in source.names), key
    assert [k for k, s in sources.items() if s.unpublished] == ["daas-track-description"]


def test_a_bad_registry_names_every_problem_and_its_entry() -> None:
    data = {
        "ok": {"title": "T", "lang": "en", "publisher": "P", "year": 2020, "url": "https://x.org/"},
        "plain-http": {"title": "T", "lang": "en", "publisher": "P", "year": 2020,
                       "url": "http://x.org/", "licence": "no-such-licence"},
        "Bad Key": {"title": "T"},
        "missing": {"title": "T", "lang": "English", "colour": "red"},
        "unpublished-ok": {"title": "T", "lang": "en", "publisher": "P", "unpublished": "A copy.",
                           "names": ["P"]},
        "both": {"title": "T", "lang": "en", "publisher": "P", "year": 2020,
                 "url": "https://x.org/", "unpublished": "A copy."},
        "empty-note": {"title": "T", "lang": "en", "publisher": "P", "unpublished": " ",
                       "names": "P"},
    }  # fmt: skip
    with pytest.raises(DaasError) as caught:
        parse(data, "sources.yml")
    fields = {p.field for p in caught.value.problems}
    assert {"plain-http.url", "plain-http.licence", "Bad Key", "missing.year", "missing.url",
            "missing.publisher", "missing.colour", "missing.lang", "both.url",
            "empty-note.unpublished", "empty-note.names"} <= fields  # fmt: skip
    assert {"ok", "unpublished-ok"}.isdisjoint({f.split(".")[0] for f in fields})


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


FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
# fences whose content is code, not prose: code cells, included files, plain code blocks
CODE = re.compile(r"^\s*(\{(code-cell|code-block|code|literalinclude|raw|math)\}|[\w+-]*\s*$)")
ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
SKIP = re.compile(r"^(#{1,6}\s|\(.+\)=$)")  # a heading, a target


def units(text: str) -> list[tuple[int, str]]:
    """The paragraphs and list items of a page's prose, each with its first line: directives'
    content (`only`, `admonition`) included; front matter, code, headings, tables, targets and
    comments left out (a heading or a table's cell names, and a table cites under it)."""
    lines = text.splitlines()
    start = lines.index("---", 1) + 1 if lines and lines[0] == "---" else 0
    found: list[tuple[int, str]] = []
    unit: list[str] = []
    first = 0
    fences: list[tuple[str, int, bool]] = []  # open fences: character, length, holds code

    def close() -> None:
        if unit:
            found.append((first, " ".join(unit)))
            unit.clear()

    skip_options = False
    for number, line in enumerate(lines[start:], start + 1):
        if skip_options and re.match(r"^\s*:[\w-]+:", line):
            continue
        skip_options = False
        fence = FENCE.match(line)
        if fence:
            mark, info = fence.group(1), fence.group(2)
            top = fences[-1] if fences else None
            if top and top[0] == mark[0] and len(mark) >= top[1] and not info.strip():
                fences.pop()
                close()
                continue
            if not (top and top[2]):
                close()
                fences.append((mark[0], len(mark), bool(CODE.match(info))))
                skip_options = True
                continue
        if fences and fences[-1][2]:
            continue
        stripped = line.strip()
        if stripped.startswith("|"):
            close()
            continue
        if not stripped or stripped.startswith(("<!--", "%")) or SKIP.match(stripped):
            close()
            continue
        if ITEM.match(line):
            close()
        if not unit:
            first = number
        unit.append(stripped)
    close()
    return found


def uncited_names(text: str, sources: dict[str, Source]) -> list[str]:
    """`line: name` for each paragraph or list item that names a body of the registry without
    citing a source that lists the name."""
    by_name: dict[str, set[str]] = {}
    for key, source in sources.items():
        for name in source.names:
            by_name.setdefault(name, set()).add(key)
    found = []
    for line, unit in units(text):
        cited = set(ROLE.findall(unit))
        words = re.sub(r"(?<!\})`[^`]*`", "", ROLE.sub("", unit))
        for name, keys in sorted(by_name.items()):
            if not cited & keys and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", words):
                found.append(f"{line}: {name} (cite one of {', '.join(sorted(keys))})")
    return found


def test_a_paragraph_that_names_a_body_cites_a_source_about_it() -> None:
    """Every page of the book: a fact about a real body is cited where it is used, in the same
    paragraph or list item, with a source whose `names` in the registry include the body."""
    sources = registry()
    found = [
        f"{page.relative_to(ROOT)}:{problem}"
        for page in sorted(BOOK.rglob("*.md"))
        for problem in uncited_names(page.read_text("utf-8"), sources)
    ]
    assert found == [], "\n".join(found)


def test_the_names_check_reads_paragraphs_and_list_items_only() -> None:
    sources = registry()
    page = """---
title: Sunlight Foundation in front matter
---

# The Sunlight Foundation in a heading

The Sunlight Foundation's method
has four steps.

- A list item about GOV.UK, cited: {source}`gds-service-standard`.
- A list item about GOV.UK that cites another body: {source}`sunlight-tde`.

| Body | Rule |
|---|---|
| Office for National Statistics | 10-5 |

````{admonition} Coach note
```{only} recipe_housing
Appreciative Inquiry inside a directive.
```
```{code-cell} ipython3
# the Sunlight Foundation in code
```
````

```bash
echo "Pittsburgh in a code block"
```

The `Pittsburgh` code word, and {source}`Arlington's standard <pd-arlington>` in a citation.
"""
    assert uncited_names(page, sources) == [
        "7: Sunlight Foundation (cite one of sunlight-tde)",
        "11: GOV.UK (cite one of gds-agile-delivery, gds-alpha-phase, gds-live-phase, "
        "gds-service-assessments, gds-service-standard, gds-user-stories, pd-sample-standard)",
        "19: Appreciative Inquiry (cite one of ai-4d-cycle, ai-5d-activities, "
        "ai-5d-quick-reference, ai-interview-format, ai-principles)",
    ]


def _sphinx(
    src: Path, page: str, recipe: str = "housing", language: str = "en"
) -> subprocess.CompletedProcess:
    """`page` built with the registry, as a city of `recipe` builds it, in `language`."""
    (src / "book" / "_data").mkdir(parents=True)
    (src / REGISTRY).write_bytes((ROOT / REGISTRY).read_bytes())
    tag = "recipe_" + recipe.replace("-", "_")
    (src / "conf.py").write_text(
        f'extensions = ["myst_parser", "daas.site.sources"]\ntags.add("{tag}")\n'
        f'language = "{language}"\n'
    )
    (src / "index.md").write_text(page, encoding="utf-8")
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(src), str(src / "_out")]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> str:
    src = tmp_path_factory.mktemp("cite")
    page = "# Page\n\n- {source}`gds-service-standard`\n\nRead {source}`the FAIR paper <fair-principles>`.\n\n- {source}`daas-track-description`\n\nFrom {source}`its description <daas-track-description>`.\n\n```{sources}\n```\n"  # noqa: E501
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


def _item(html: str, start: int) -> str:
    return html[start : html.index("</li>", start)]


def test_an_unpublished_source_is_cited_by_title_without_a_link(built: str) -> None:
    """The programme description has no public address: its title, unlinked, and "unpublished";
    the sources page adds how the kit came to it. Nothing for the link checker to follow."""
    source = registry()["daas-track-description"]
    cited = _item(built, built.index(f"<em>{source.title}</em>"))
    listed = _item(built, built.index('id="source-daas-track-description"'))
    for item in (cited, listed):
        words = re.sub(r"<[^>]+>", "", item)
        assert f"{source.title}, {source.publisher}, unpublished" in words, words
        assert f"<em>{source.title}</em>" in item and "href" not in item
    note = unescape(re.sub(r"<[^>]+>", "", listed)).replace("\u2019", "'")
    assert " ".join(str(source.unpublished).split()) in note
    start = built.index("From its description")
    prose = built[start : built.index("</p>", start)]
    assert "href" not in prose and f"<em>{source.title}</em>" in prose


def test_an_unpublished_source_says_so_in_the_page_s_language(tmp_path: Path) -> None:
    proc = _sphinx(tmp_path, "# Página\n\n- {source}`daas-track-description`\n", language="es")
    assert proc.returncode == 0, proc.stderr
    built = (tmp_path / "_out" / "index.html").read_text(encoding="utf-8")
    assert f", {_('unpublished', 'es')}" in built and _("unpublished", "es") != "unpublished"


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
