"""The built site: every expected page exists and nothing it loads comes from outside the site."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.site_pages import expected_pages


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.refs.append(a["src"] or "")
        if tag == "link" and a.get("href") and "stylesheet" in (a.get("rel") or ""):
            self.refs.append(a["href"] or "")
        if tag in {"img", "iframe", "source"} and a.get("src"):
            self.refs.append(a["src"] or "")


def _external(ref: str) -> bool:
    u = urlparse(ref)
    return bool(u.scheme or u.netloc) and u.scheme not in {"data", "file"}


def test_built_pages_match_the_toc(site: Path) -> None:
    built = sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if not p.relative_to(site).parts[0].startswith("_")
    )
    assert built == sorted(expected_pages())


@pytest.mark.parametrize("page", expected_pages())
def test_no_script_or_stylesheet_outside_the_site(site: Path, page: str) -> None:
    parser = _Refs()
    parser.feed((site / page).read_text(encoding="utf-8"))
    assert parser.refs or page == "index.html"
    assert [r for r in parser.refs if _external(r)] == []


def test_thebe_is_removed_at_its_source(site: Path) -> None:
    for page in expected_pages():
        html = (site / page).read_text(encoding="utf-8")
        assert "THEBE_JS_URL" not in html
        assert "unpkg.com" not in html
