"""Every Markdown file the kit writes shows city values literally: a city name, story, evidence
or case-study text holding `<script>` or an `onerror` attribute renders as text, never as markup."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import yaml
from markdown_it import MarkdownIt

from daas.cli import main
from daas.needs import prioritise

HOSTILE = "Port <script>alert('x')</script> <img src=x onerror=alert(1)> | [a](javascript:x) *"
SAFE_TAGS = {"h1", "h2", "h3", "p", "strong", "em", "ul", "ol", "li", "table", "thead", "tbody",
             "tr", "th", "td", "code", "br"}  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += attrs


def assert_inert(markdown: str) -> None:
    """Rendered as CommonMark with raw HTML allowed, the text makes only harmless tags."""
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    found = _Tags()
    found.feed(html)
    assert found.tags <= SAFE_TAGS, (found.tags - SAFE_TAGS, html)
    assert not [a for a in found.attrs if a[0].startswith("on") or a[0] == "href"], html
    assert "<script" not in html and "&lt;script&gt;" in html


def test_the_check_itself_catches_raw_markup() -> None:
    try:
        assert_inert(f"# {HOSTILE}\n")
    except AssertionError:
        return
    raise AssertionError("assert_inert let a raw <script> through")


def test_backlog_md_escapes_the_city_name_and_story_text(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "rank": [1],
            "id": ["US<b>1</b>"],
            "moscow": ["Must"],
            "rice": [12.0],
            "story": [f"As a renter in {HOSTILE} I want homes\nso that I can move"],
            "done_when": ["<img src=x onerror=alert(2)>"],
        }
    )
    files = prioritise.export_backlog(table, tmp_path / "backlog", f"Backlog, {HOSTILE}")
    md = files["markdown"].read_text(encoding="utf-8")
    assert_inert(md)
    assert md.count("\n| ") == 2  # the header and one row: a `|` in a value adds no column


def _hostile_city(tree: Path) -> None:
    """The example city renamed to HOSTILE, with hostile evidence and a hostile team action."""
    city = tree / "cities" / "port-mallory.yml"
    quoted = "'" + HOSTILE.replace("'", "''") + "'"
    text = city.read_text(encoding="utf-8").replace("name: Port Mallory", f"name: {quoted}", 1)
    city.write_text(text, encoding="utf-8")
    path = tree / "cities" / "evidence" / "port-mallory.yml"
    evidence = yaml.safe_load(path.read_text(encoding="utf-8"))
    evidence["points"]["purpose"].update(status="partly-met", evidence=HOSTILE, actions=[HOSTILE])
    path.write_text(yaml.safe_dump(evidence, allow_unicode=True), encoding="utf-8")


def test_assessment_and_showcase_md_escape_city_values(city_tree: Path) -> None:
    _hostile_city(city_tree)
    evidence = (city_tree / "cities" / "evidence" / "port-mallory.yml").read_text()
    assert "onerror" in evidence
    assert main(["standard", "assess", "--city", "port-mallory"]) == 0
    page = (city_tree / "_build/cities/port-mallory/standard/assessment.md").read_text()
    assert "onerror" in page  # the hostile values are in the page, as text
    assert_inert(page)
    assert main(["programme", "showcase", "--city", "port-mallory"]) == 0
    case = (city_tree / "_build/cities/port-mallory/programme/showcase.md").read_text()
    assert "onerror" in case
    assert_inert(case)


def test_ethics_summary_shows_the_service_name_as_text() -> None:
    from daas.ethics import review

    record = {"service": HOSTILE, "assessed_on": "2025-07-01", "review_overdue": False,
              "review_date": "2026-07-01", "flagged": []}  # fmt: skip
    md = review.summary_markdown(record, done=True)
    assert "onerror" in md
    assert_inert(md)
