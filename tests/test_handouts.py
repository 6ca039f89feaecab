"""The printable masterclass handouts: for an example city per language (Port Mallory, English,
and Villa Ondina, Spanish: housing; Vale do Sereno, Portuguese: service requests), the eight A4
PDFs are printed by Chromium, open as PDFs with the expected pages, and carry the city's name in
their title; the participant handout leaves out every coach note and solution, the facilitator
sheet has them; Villa Ondina's are in Spanish. pypdf is not in the kit's environment: the PDFs
are read by their structure (header, trailer, page objects, A4 media box, the document title),
the text by the HTML Chromium prints.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from daas.core.city import City, load_city
from daas.masterclasses import handouts
from daas.masterclasses.agendas import MASTERCLASSES

CITIES = ("port-mallory", "villa-ondina", "vale-do-sereno")
PAGE = re.compile(rb"/Type\s*/Page(?!s)")
A4 = re.compile(rb"/MediaBox\s*\[0 0 59[45]\.\d+ 84[12]\.\d+\]")
TITLE = re.compile(rb"/Title\s*<FEFF([0-9A-F]+)>")
MIN_PAGES = {"participant": 2, "facilitator": 1}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each city's handouts, written into a build folder of the test's own."""
    build = tmp_path_factory.mktemp("cities")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(handouts, "city_build_dir", lambda slug: build / slug)
        for slug in CITIES:
            assert handouts.write_handouts(load_city(slug)) == "ok"
            assert handouts.write_handouts(load_city(slug)) == "skipped"  # inputs unchanged
    return {slug: build / slug / "handouts" for slug in CITIES}


def _hidden_texts(key: str, city: City) -> list[str]:
    """The coach notes' and solutions' paragraphs of page `key` as the city reads them."""
    from sphinx.util.tags import Tags

    from daas.site.sphinx_ext import sphinx_tags

    lines = handouts.page_source(key).read_text(encoding="utf-8").split("\n")
    page = handouts.Page(key, city)
    found = handouts.parse(lines, Tags(sphinx_tags(city)))
    texts = [page.html(e.text) for e in found if e.role in handouts.HIDDEN and e.kind == "p"]
    assert texts, f"{key}: no coach note or solution for {city.slug}"
    return texts


@pytest.mark.parametrize("slug", CITIES)
def test_eight_pdfs_open_with_their_pages(printed: dict[str, Path], slug: str) -> None:
    city = load_city(slug)
    for key in MASTERCLASSES:
        for kind in handouts.KINDS:
            data = (printed[slug] / f"{key}-{kind}.pdf").read_bytes()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
            pages = len(PAGE.findall(data))
            assert pages >= MIN_PAGES[kind], f"{key}-{kind}: {pages} pages"
            assert len(A4.findall(data)) == pages, f"{key}-{kind}: a page is not A4"
            title = TITLE.search(data)
            assert title, f"{key}-{kind}: no document title"
            text = bytes.fromhex(title.group(1).decode()).decode("utf-16-be")
            assert city.name in text
    assert sorted(p.name for p in printed[slug].glob("*.pdf")) == sorted(
        f"{key}-{kind}.pdf" for key in MASTERCLASSES for kind in handouts.KINDS
    )


@pytest.mark.parametrize("slug", CITIES)
@pytest.mark.parametrize("key", MASTERCLASSES)
def test_coach_material_only_on_the_facilitator_sheet(slug: str, key: str) -> None:
    city = load_city(slug)
    participant = handouts.handout_html(key, city, "participant")
    facilitator = handouts.handout_html(key, city, "facilitator")
    for html in (participant, facilitator):
        assert city.name in html
    hidden = _hidden_texts(key, city)
    assert [t for t in hidden if t in participant] == []
    assert [t for t in hidden if t not in facilitator] == []
    assert participant.count("class='line'") >= handouts.RULED_LINES  # space to write


def test_handouts_speak_the_city_language() -> None:
    city = load_city("villa-ondina")
    html = handouts.handout_html("governance", city, "participant")
    assert "Clase magistral 3: gobernanza y ética de los datos" in html
    assert "Puntos clave" in html and "Key points" not in html
    assert "Ejercicio 03" in html  # the agenda in Spanish


def test_figures_from_the_edition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The participant handout shows the tables and charts the city's edition computed, where
    the page's code cells are; no other script."""
    city = load_city("port-mallory")
    cells = [
        "<div class='cell tag_remove-input docutils container'><div class='cell_output docutils "
        "container'><table><tr><td>agenda</td></tr></table></div></div>",
        "<div class='cell docutils container'><div class='cell_input docutils container'>"
        "<pre>research</pre></div><div class='cell_output docutils container'><div><table>"
        "<tr><td>FIGURE-ONE</td></tr></table></div><script>alert(1)</script></div></div>",
        "<div class='cell docutils container'><div class='cell_output docutils container'>"
        "<div id='vega'></div><script>vegaEmbed()</script></div></div>",
        "<div class='cell docutils container'><div class='cell_output docutils container'>"
        + _chart_page().split("<body>")[1].split("</body>")[0]
        + "<script>alert(2)</script></div></div>",
    ]
    page = tmp_path / "user-needs.html"
    page.write_text("<html><body>\n" + "\n".join(cells) + "\n</body></html>", encoding="utf-8")
    monkeypatch.setattr(handouts, "edition_page", lambda key, city: page)
    figures = handouts.edition_figures("user-needs", city)
    assert len(figures) == 4 and "agenda" in figures[0] and figures[2] == ""
    assert "FIGURE-ONE" in figures[1] and "research" not in figures[1]
    # the kit's chart is kept with its script, to be drawn when printed; no other script is
    assert "daas-chart" in figures[3] and "vegaEmbed(el, spec, opt)" in figures[3]
    assert "alert(2)" not in figures[3]
    html = handouts.handout_html("user-needs", city, "participant")
    assert "FIGURE-ONE" in html and "alert(1)" not in html and "agenda</td>" not in html


def _chart_page() -> str:
    """A handout-like document with one of the kit's charts (its offline template)."""
    import altair as alt
    import pandas as pd

    from daas.core.charts import offline_html_renderer

    chart = alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})).mark_bar().encode(x="x", y="y")
    html = offline_html_renderer(chart.to_dict())["text/html"]
    return (
        f"<html><head><script src='{handouts.VEGA_URL}'></script></head><body>{html}</body></html>"
    )


def test_a_chart_is_drawn_from_the_vendored_bundle_or_the_print_fails(tmp_path: Path) -> None:
    """Charts are drawn offline by the vega the site vendors; a chart that cannot be drawn (no
    bundle: every request refused) stops the print instead of printing an error on paper."""
    from daas.core.chromium import pdf_printer
    from daas.core.errors import DaasError

    with pdf_printer(handouts.printer_files()) as print_pdf:
        print_pdf(_chart_page(), tmp_path / "chart.pdf")
    assert (tmp_path / "chart.pdf").read_bytes().startswith(b"%PDF-")
    with pytest.raises(DaasError, match="a chart could not be drawn"), pdf_printer() as print_pdf:
        print_pdf(_chart_page(), tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()
