"""City values placed in Markdown display literally: markup escaped, apostrophes readable."""

from __future__ import annotations

from markdown_it import MarkdownIt

from daas.core.markdown import escape_markdown


def _rendered(value: str) -> str:
    return MarkdownIt().render(escape_markdown(value))


def test_apostrophes_and_quotes_read_as_typed() -> None:
    assert _rendered('Saint John\'s "Old" Town') == "<p>Saint John's &quot;Old&quot; Town</p>\n"


def test_markup_in_a_value_stays_text() -> None:
    html = _rendered("<script>alert(1)</script> **bold** [link](x) #1")
    assert "<script>" not in html and "<strong>" not in html and "<a " not in html
    assert "&lt;script&gt;" in html and "**bold**" in html and "#1" in html
