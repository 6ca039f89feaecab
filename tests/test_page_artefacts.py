"""No built page shows raw data artefacts (issue 17). Every page of every built language is read
as a reader sees it (tables, paragraphs, notebook output, charts' titles, text alternatives,
tooltip titles and the labels of their nominal fields; never code), and each artefact is
reported with its page and the string:

- missing values written by pandas (`NaN`, `<NA>`, `None`, `NaT`) and booleans (`True`/`False`);
- a pandas index column (a table's first column numbered 0, 1, 2…);
- snake_case names (`served_share`) and codes in table cells (`low`, `very_low`, `primary`);
- unrounded numbers (`0.083411`) and text cut off mid-sentence (`…with a...`);
- numbers and dates not in the page's language (`7,553` or `June 30, 2025` on a Portuguese page).

Run on another build with $DAAS_TEST_SITE (see `tests/site_pages.py`);
`python -m tests.test_page_artefacts` prints the counts per artefact kind.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from tests.site_pages import ensure_built_site, language_pages, site_languages, site_root

SKIPPED = ["code", "script", "style", "svg", "math", "kbd", "samp", "nav"]
NOT_READ = ".highlight, .cell_input, .headerlink, .bd-sidebar-primary, .bd-sidebar-secondary, "
NOT_READ += ".bd-header, .bd-footer, .prev-next-area, .bd-header-article, .footer-article-items"
BLOCKS = ["p", "li", "dt", "dd", "th", "td", "caption", "figcaption", "pre", "div", "span"]
BLOCKS += ["h1", "h2", "h3", "h4", "h5", "h6"]
CELLS = ("th", "td")

ANYWHERE: dict[str, re.Pattern[str]] = {
    # `None` as pandas writes it, not a sentence opening with the word ("None: all answered")
    "missing value": re.compile(r"\bNaN\b|<NA>|\bNaT\b|(?<=\w[ ,(=])None\b|^None$"),
    "boolean": re.compile(r"\b(?:True|False)\b"),
    "snake_case name": re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./@-])"),
    "unrounded number": re.compile(r"(?<![\w.,])\d+[.,]\d{4,}(?![\w])"),
    # pandas cuts long text with three dots; writers use an ellipsis (…) on purpose
    "cut-off text": re.compile(r"[^\W\d_]\.\.\.$"),
}
# a whole cell that is a lower-case identifier, as codes are (`low`, `primary`, `very_low`)
CODE = re.compile(r"^[a-z]+(?:_[a-z]+)*$")
NUMBER_IN: dict[str, re.Pattern[str]] = {  # grouped numbers written as another language does
    "en": re.compile(r"(?<![\w.,])[1-9]\d{0,2}(?:\.\d{3})+(?![\w.,]?\d)"),
    "es": re.compile(r"(?<![\w.,])[1-9]\d{0,2}(?:,\d{3})+(?![\w.,]?\d)"),
    "pt": re.compile(r"(?<![\w.,])[1-9]\d{0,2}(?:,\d{3})+(?![\w.,]?\d)"),
}
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE_IN: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b(?:" + MONTHS + r") \d{1,2}, \d{4}\b"),
    "es": re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b(?:" + MONTHS + r")\b \d"),
    "pt": re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b(?:" + MONTHS + r")\b \d"),
}
URL = re.compile(r"\b(?:https?://|www\.|doi:)\S+")
Finding = tuple[str, str]  # (artefact kind, the string)


def _fragments(soup: BeautifulSoup) -> Iterator[tuple[str, str]]:
    """(element name, text) for each innermost block of visible text."""
    for el in soup.find_all(BLOCKS):
        if not isinstance(el, Tag) or el.find(BLOCKS) is not None:
            continue
        text = " ".join(el.get_text(" ").split())
        if text:
            yield el.name, text


def _index_columns(soup: BeautifulSoup) -> Iterator[str]:
    """Tables whose rows are headed 0, 1, 2… (a pandas index shown as it is)."""
    for table in soup.find_all("table"):
        heads = []
        for row in table.select("tbody tr"):
            first = row.find(CELLS)
            heads.append(first.get_text(strip=True) if isinstance(first, Tag) else "")
        if len(heads) > 1 and heads == [str(i) for i in range(len(heads))]:
            yield " | ".join(heads[:4]) + " …"


def _chart_texts(html: str) -> Iterator[str]:
    """The strings a chart shows: title, subtitle, description, axis, legend and tooltip titles."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\}\)\((?=\{)", html):
        spec, _end = decoder.raw_decode(html, match.end())
        yield from _spec_texts(spec)


def _chart_labels(html: str) -> Iterator[str]:
    """The values a chart writes on its axes and legends: its nominal and ordinal fields'."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\}\)\((?=\{)", html):
        spec, _end = decoder.raw_decode(html, match.end())
        fields = set(_nominal_fields(spec))
        for rows in spec.get("datasets", {}).values():
            for row in rows:
                yield from (str(row[f]) for f in fields if isinstance(row.get(f), str))


def _nominal_fields(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") in ("nominal", "ordinal") and isinstance(node.get("field"), str):
            yield node["field"]
        for key, value in node.items():
            if key not in ("datasets", "data", "config"):
                yield from _nominal_fields(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nominal_fields(value)


def _spec_texts(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("title", "subtitle", "description") and isinstance(value, str):
                yield value
            elif key in ("title", "subtitle", "text") and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            elif key not in ("datasets", "data", "config", "$schema"):
                yield from _spec_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _spec_texts(value)


def artefacts(html: str, lang: str) -> list[Finding]:
    """Every artefact a reader of this page (in `lang`) would see."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup
    found: list[Finding] = [("index column", s) for s in _index_columns(main)]
    # an ipywidget runs its Python in a kernel: on a static page it moves and changes nothing
    found += [("a control that needs a kernel", "ipywidgets")] * (WIDGET_VIEW in html)
    for tag in main(SKIPPED):
        tag.decompose()
    for tag in main.select(NOT_READ):
        tag.decompose()
    texts = [(name, text) for name, text in _fragments(main)]
    texts += [("chart", text) for text in _chart_texts(html)]
    texts += [("chart", text) for text in set(_chart_labels(html))]  # axis and legend labels
    for name, raw in texts:
        text = URL.sub(" ", raw)
        for kind, pattern in ANYWHERE.items():
            found += [(kind, _around(text, m)) for m in pattern.finditer(text)]
        found += [("number format", _around(text, m)) for m in NUMBER_IN[lang].finditer(text)]
        found += [("date format", _around(text, m)) for m in DATE_IN[lang].finditer(text)]
        if name == "td" and CODE.match(text):
            found.append(("code in a cell", text))
    return found


WIDGET_VIEW = 'type="application/vnd.jupyter.widget-view+json"'


def _around(text: str, match: re.Match[str]) -> str:
    """The match with a little of its context, so a report finds it on the page."""
    start, end = max(0, match.start() - 30), min(len(text), match.end() + 30)
    return text[start:end]


def built_pages() -> list[tuple[str, str]]:
    """(language, page) for every HTML page built, and every page `_toc.yml` expects."""
    pages = set(language_pages())
    for lang in site_languages():
        base = site_root() / lang
        for path in base.rglob("*.html"):
            rel = path.relative_to(base)
            if not rel.parts[0].startswith("_"):
                pages.add((lang, rel.as_posix()))
    return sorted(pages)


@pytest.mark.parametrize(("lang", "page"), built_pages())
def test_page_shows_no_raw_data(lang: str, page: str) -> None:
    root = ensure_built_site()
    html = (root / lang / page).read_text(encoding="utf-8")
    found = artefacts(html, lang)
    assert not found, f"{lang}/{page} shows raw data:\n" + "\n".join(
        f"  {kind}: {text!r}" for kind, text in found
    )


PAGE = """<html><body><main>
<div class="cell_input"><pre>df = None  # code is not read</pre></div>
<p>None: every question is answered. Read https://doi.org/10.1038/sdata.2016.18 too.</p>
<table><thead><tr><th></th><th>served_share</th><th>band</th><th>note</th></tr></thead><tbody>
<tr><th>0</th><td>0.083411</td><td>low</td><td>The export arrived with a...</td></tr>
<tr><th>1</th><td>NaN</td><td>True</td><td>Shipped on June 30, 2025: 7,553 rows</td></tr>
<tr><th>2</th><td>0.5</td><td>“housing”</td><td>«vivienda»</td></tr>
</tbody></table></main></body></html>"""


def test_the_walker_finds_each_artefact_and_nothing_else() -> None:
    kinds = {kind for kind, _text in artefacts(PAGE, "en")}
    assert kinds == {
        "index column", "snake_case name", "unrounded number", "code in a cell",
        "cut-off text", "missing value", "boolean", "date format",
    }  # fmt: skip
    assert ("number format", "Shipped on June 30, 2025: 7,553 rows") in artefacts(PAGE, "pt")
    # a word quoted from a text (`show(..., quoted=...)`) reads as a word, not a code
    codes = [text for kind, text in artefacts(PAGE, "en") if kind == "code in a cell"]
    assert codes == ["low"]


def main(argv: list[str]) -> int:
    """Print every artefact of the built site and the counts per kind."""
    counts: Counter[str] = Counter()
    for lang, page in built_pages():
        path: Path = site_root() / lang / page
        if not path.exists():
            print(f"{lang}/{page}\tmissing page\t", file=sys.stderr)
            continue
        for kind, text in artefacts(path.read_text(encoding="utf-8"), lang):
            counts[kind] += 1
            print(f"{lang}/{page}\t{kind}\t{text}")
    for kind, n in counts.most_common():
        print(f"{n}\t{kind}", file=sys.stderr)
    return 1 if counts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def test_a_widget_on_a_static_page_is_found() -> None:
    widget = '<script type="application/vnd.jupyter.widget-view+json">{"model_id": "m"}</script>'
    page = PAGE.replace("<main>", "<main>" + widget)
    assert ("a control that needs a kernel", "ipywidgets") in artefacts(page, "en")
    assert ("a control that needs a kernel", "ipywidgets") not in artefacts(PAGE, "en")
