"""The built site: every language has every page of `_toc.yml`, the language switcher on each
page links to the same page in the other languages, theme strings are in the page's language,
nothing loads from outside the site, and every page stays within its weight budget."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from daas.core.i18n import PUBLISHED, _
from tests.site_pages import (
    ensure_built_site,
    expected_pages,
    language_pages,
    site_languages,
    toc_files,
)

MB = 1024 * 1024
PAGE_BUDGET = 1.5 * MB  # HTML + everything the page loads, beyond the shared vendored bundles
# Vendored libraries every chart or widget page shares (cached after the first such page): vega
# (0.8 MB) and the Jupyter widget manager (1.9 MB raw, 0.46 MB gzipped; only on widget pages).
SHARED_BUNDLES = ("_static/vendor/vega-offline.js", "_static/vendor/widgets/embed.js")


@pytest.fixture(scope="session")
def built_site() -> Path:
    return ensure_built_site()


class _Page(HTMLParser):
    """What a page loads, where its switcher points, and its language."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.switcher: list[tuple[str, str]] = []  # (hreflang, href)
        self.lang = ""
        self.search_placeholders: list[str] = []
        self._in_switcher = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "script" and a.get("src"):
            self.refs.append(a["src"])
        if tag == "link" and a.get("href") and "stylesheet" in a.get("rel", ""):
            self.refs.append(a["href"])
        if tag in {"img", "iframe", "source"} and a.get("src"):
            self.refs.append(a["src"])
        if tag == "input" and a.get("name") == "q":
            self.search_placeholders.append(a.get("placeholder", ""))
        if tag == "nav" and "daas-languages" in a.get("class", ""):
            self._in_switcher += 1
        if tag == "a" and self._in_switcher and a.get("hreflang"):
            self.switcher.append((a["hreflang"], a.get("href", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._in_switcher:
            self._in_switcher -= 1


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _external(ref: str) -> bool:
    u = urlparse(ref)
    return bool(u.scheme or u.netloc) and u.scheme not in {"data", "file"}


def _local_file(site: Path, page: str, ref: str) -> Path:
    rel = urlparse(urljoin(f"http://site/{page}", ref)).path.lstrip("/")
    return site / rel


def _built_pages(site: Path, lang: str) -> list[str]:
    top = site / lang
    return sorted(
        str(p.relative_to(top))
        for p in top.rglob("*.html")
        if not p.relative_to(top).parts[0].startswith("_")
    )


def test_published_languages_are_built(built_site: Path) -> None:
    assert set(PUBLISHED) <= set(site_languages())


@pytest.mark.parametrize("lang", site_languages())
def test_built_pages_match_the_toc(built_site: Path, lang: str) -> None:
    assert _built_pages(built_site, lang) == sorted(expected_pages())


def test_languages_have_identical_page_sets(built_site: Path) -> None:
    sets = {lang: _built_pages(built_site, lang) for lang in site_languages()}
    first = next(iter(sets.values()))
    assert all(pages == first for pages in sets.values()), {k: len(v) for k, v in sets.items()}


def test_root_page_offers_every_language(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    for lang in site_languages():
        assert f'href="{lang}/book/index.html"' in html
        assert (built_site / lang / "book" / "index.html").exists()
    assert "navigator.languages" in html  # picks the browser's language
    assert not [r for r in _parse(built_site / "index.html").refs if _external(r)]


@pytest.mark.parametrize(("lang", "page"), language_pages())
def test_page_language_switcher_and_theme_strings(built_site: Path, lang: str, page: str) -> None:
    if page == "index.html":  # the redirect page Jupyter Book writes for the book's root
        return
    parsed = _parse(built_site / lang / page)
    assert parsed.lang == lang
    others = [x for x in site_languages() if x != lang]
    assert sorted(h for h, _href in parsed.switcher) == sorted(others)
    for other, href in parsed.switcher:
        target = _local_file(built_site, f"{lang}/{page}", href)
        assert target == built_site / other / page, (other, href)
        assert target.exists(), f"switcher link {href} on {lang}/{page} does not resolve"
    placeholders = set(parsed.search_placeholders)
    assert placeholders <= {_("Search the toolkit...", lang)}, placeholders


@pytest.mark.parametrize(("lang", "page"), language_pages())
def test_no_script_or_stylesheet_outside_the_site(built_site: Path, lang: str, page: str) -> None:
    parsed = _parse(built_site / lang / page)
    assert parsed.refs or page == "index.html"
    assert [r for r in parsed.refs if _external(r)] == []


def test_the_vega_bundle_loads_only_where_a_chart_is_drawn(built_site: Path) -> None:
    with_charts = 0
    for lang, page in language_pages():
        html = (built_site / lang / page).read_text(encoding="utf-8")
        draws, loads = "vegaEmbed(" in html, "vendor/vega-offline.js" in html
        assert draws == loads, f"{lang}/{page}: draws a chart {draws}, loads vega {loads}"
        if draws:
            assert html.index("vendor/vega-offline.js") < html.index("vegaEmbed("), page
            with_charts += 1
    assert with_charts >= len(site_languages())  # the city profile, at least, in each language


def test_thebe_is_removed_at_its_source(built_site: Path) -> None:
    for lang, page in language_pages():
        html = (built_site / lang / page).read_text(encoding="utf-8")
        assert "THEBE_JS_URL" not in html
        assert "unpkg.com" not in html


def page_weight(site: Path, lang: str, page: str) -> int:
    """Bytes of the page's HTML plus the local scripts, stylesheets and images it names, except
    the shared vendored bundles. (Fonts load only when used: `test_browser.py` measures the bytes a
    browser really fetches, against the same budget.)"""
    files = {_local_file(site, f"{lang}/{page}", r) for r in _parse(site / lang / page).refs}
    total = (site / lang / page).stat().st_size
    for f in files:
        if f.is_file() and not f.as_posix().endswith(SHARED_BUNDLES):
            total += f.stat().st_size
    return total


def test_page_weight_budget(built_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    weights = {(lang, page): page_weight(built_site, lang, page) for lang, page in language_pages()}
    (lang, page), heaviest = max(weights.items(), key=lambda kv: kv[1])
    with capsys.disabled():
        print(f"\nheaviest page: {lang}/{page} {heaviest / MB:.2f} MB "
              f"(budget {PAGE_BUDGET / MB:.1f} MB beyond the shared bundles)")  # fmt: skip
    over = {f"{k[0]}/{k[1]}": round(v / MB, 2) for k, v in weights.items() if v > PAGE_BUDGET}
    assert over == {}


def _heading(html: str) -> str:
    from bs4 import BeautifulSoup

    h1 = BeautifulSoup(html, "html.parser").select_one("main h1")
    return " ".join(h1.get_text(" ").replace("#", "").split()) if h1 else ""


@pytest.mark.parametrize("lang", [x for x in site_languages() if x != "en"])
def test_translated_page_titles_reach_the_page(built_site: Path, lang: str) -> None:
    """Sphinx silently keeps the English when a translation does not parse as the same kind of
    node (a title "11. Use…" read as a numbered list): every translated title must show."""
    from daas.site.catalogues import _pot_catalogue
    from daas.site.i18n_files import catalogues

    table = {}
    for cat in catalogues(lang):
        if cat.name.startswith("book/") and cat.path.exists():
            for m in _pot_catalogue(cat.path):
                if m.id and m.string and not m.fuzzy:
                    table[m.id] = m.string.replace("\\.", ".")
    # each language shows its own example city (a Portuguese page may be another Beacon recipe's
    # than the English one), so a title is wrong when it is an English title kept as it was
    wrong = []
    for page in [f"{f}.html" for f in toc_files()]:
        shown = _heading((built_site / lang / page).read_text(encoding="utf-8"))
        wanted = table.get(shown)
        if wanted and shown != " ".join(wanted.split()):
            wrong.append(f"{page}: shows {shown!r}, translation is {wanted!r}")
    assert wrong == []
