"""The theme around every page speaks the page's language: the sidebar's part captions, the
buttons, the navigation's names, the footer and the heading links are Spanish or Portuguese on
the Spanish and Portuguese sites, and Portuguese quotes are “ ”, not « »
(`daas.site.theme_language`). The English strings come from the themes' own template and the
kit's `_toc.yml`, so a theme upgrade that adds a string shows here and in `daas i18n status`."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pydata_sphinx_theme
import pytest
import yaml
from babel.messages.pofile import read_po

from daas.core.i18n import locales_dir
from daas.core.paths import repo_root
from daas.site.catalogues import SPHINX_WRITER
from daas.site.sphinx_ext import TEMPLATES
from tests.site_pages import ensure_built_site, site_languages

ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-bs-title"}
SKIPPED = {"script", "style", "pre", "code"}
KIT_NAME = {"Data Service Toolkit", "Data Service Toolkit contributors", "By"}


def english_theme_strings(lang: str | None = None) -> set[str]:
    """The English of every string the theme and the kit's templates put around a page (less
    those that `lang` writes the same way, such as Spanish "Error")."""
    with (Path(pydata_sphinx_theme.__file__).parent / "locale" / "sphinx.pot").open("rb") as f:
        theme = {m.id for m in read_po(f) if m.id and "%(" not in m.id}
    templates = "".join(t.read_text(encoding="utf-8") for t in TEMPLATES.glob("*.html"))
    ours = {text for _, text in re.findall(r"""_\((['"])(.+?)\1\)""", templates)}
    toc = yaml.safe_load((repo_root() / "_toc.yml").read_text(encoding="utf-8"))
    captions = {part["caption"] for part in toc.get("parts", []) if part.get("caption")}
    english = theme | ours | captions | set(SPHINX_WRITER) | KIT_NAME
    if lang is None:
        return english
    same = set()
    for catalogue in ("sphinx", "book/index"):  # the captions are the root page's strings
        with (locales_dir() / lang / "LC_MESSAGES" / f"{catalogue}.po").open("rb") as f:
            same |= {m.id for m in read_po(f) if m.id and m.string == m.id}
    return english - same


class Chrome(HTMLParser):
    """The page's text outside the article and code, and its labelling attributes everywhere."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.depth = {"article": 0, "skip": 0}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth["article"] += 1
        if tag in SKIPPED:
            self.depth["skip"] += 1
        self.found += [v.strip() for k, v in attrs if k in ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth["article"] -= 1
        if tag in SKIPPED:
            self.depth["skip"] -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth["article"] and not self.depth["skip"] and data.strip():
            self.found.append(" ".join(data.split()))


def pages(lang: str) -> list[Path]:
    return sorted((ensure_built_site() / lang).rglob("*.html"))


def test_the_theme_strings_are_known() -> None:
    english = english_theme_strings()
    assert {"Toggle primary sidebar", "Start here", "Skip to main content"} <= english
    assert "Link to this heading" in english


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_no_english_around_the_pages(lang: str) -> None:
    english = english_theme_strings(lang)
    found = []
    for page in pages(lang):
        parser = Chrome()
        parser.feed(page.read_text(encoding="utf-8"))
        shown = set(parser.found) | {s.removeprefix("By ") for s in parser.found}
        found += [f"{page.relative_to(ensure_built_site())}: {s}" for s in shown & english]
    assert found == []


def test_portuguese_quotes_are_brazilian() -> None:
    guillemets = [p.name for p in pages("pt") if re.search("[«»]", p.read_text(encoding="utf-8"))]
    assert guillemets == []


def test_each_language_shows_the_example_city_of_its_language() -> None:
    """The Spanish site's pages show Villa Ondina, the Portuguese site's Vale do Sereno: their
    data is in the reader's language too."""
    from daas.core.city import EXAMPLE_CITIES, load_city

    names = {lang: load_city(slug).name for lang, slug in EXAMPLE_CITIES.items()}
    for lang in site_languages():
        page = (ensure_built_site() / lang / "book" / "city-profile.html").read_text("utf-8")
        assert names[lang] in page, lang
        assert not [n for other, n in names.items() if other != lang and n in page], lang
