"""Translations: the package catalogue, the book's coverage per language, and staleness when an
English string changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from daas.cli import main
from daas.core import i18n
from daas.core.errors import DaasError
from daas.core.i18n import LANGUAGES, PUBLISHED, _
from daas.site import catalogues, i18n_files
from daas.site.sphinx_ext import language_links
from tests.kit import copy_kit

TRANSLATED = tuple(x for x in LANGUAGES if x != i18n.SOURCE_LANGUAGE)
PARAGRAPH = "This site loads nothing from the internet."
EDITED = "This site loads nothing at all from the internet."


def test_underscore_translates_and_falls_back_to_english() -> None:
    assert _("Language", "es") == "Idioma"
    assert _("Search the toolkit...", "pt") == "Pesquisar no conjunto de ferramentas..."
    assert _("Language", "en") == "Language"
    assert _("A sentence nobody marked", "es") == "A sentence nobody marked"


def test_language_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAAS_LANG", raising=False)
    monkeypatch.setenv("LANG", "pt_BR.UTF-8")
    assert i18n.language() == "pt"
    with i18n.use_language("es"):
        assert _("Language") == "Idioma"
    assert i18n.language() == "pt"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert i18n.language() == "en"
    with pytest.raises(DaasError, match="fr"), i18n.use_language("fr"):
        pass


def test_package_strings_are_translated_in_every_language() -> None:
    """Every `_()` message of the package, in Spanish and Portuguese, none stale."""
    for lang, cov in catalogues.package_status().items():
        assert cov.untranslated == [] and cov.stale == [], lang
        assert cov.complete and cov.total >= 20, (lang, cov.total)


def test_city_validate_speaks_each_city_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["city", "validate", "--city", "villa-ondina"]) == 0
    assert "válido: cities/villa-ondina.yml" in capsys.readouterr().out
    assert main(["city", "validate", "--city", "port-mallory"]) == 0
    assert "ok: cities/port-mallory.yml" in capsys.readouterr().out


def test_book_coverage_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    """Reports every language's coverage; fails when a published language is below 100%."""
    status = catalogues.book_status()
    with capsys.disabled():
        for lang, cov in status.items():
            print(f"\n{lang}: {cov.translated}/{cov.total} ({cov.percent:.1f}%), "
                  f"{len(cov.stale)} stale, {len(cov.untranslated)} untranslated")  # fmt: skip
    assert set(status) == set(TRANSLATED)
    for lang in PUBLISHED:
        if lang in status:
            cov = status[lang]
            assert cov.complete, (
                f"{lang} is published but {len(cov.untranslated)} strings are "
                f"untranslated and {len(cov.stale)} stale: run `daas i18n status --language {lang}`"
            )
    # the start of the book is translated in every language (no placeholders: real text)
    for lang, cov in status.items():
        missing = [m for name, m in cov.untranslated + cov.stale if name == "book/index"]
        assert missing == [], (lang, missing)


def test_editing_an_english_paragraph_makes_it_stale(tmp_path: Path, monkeypatch) -> None:
    kit = copy_kit(tmp_path / "kit")
    monkeypatch.setenv("DAAS_ROOT", str(kit))
    page = kit / "book" / "index.md"
    before = {lang: (kit / "locales" / lang / "LC_MESSAGES" / "book" / "index.po").read_bytes()
              for lang in TRANSLATED}  # fmt: skip
    text = page.read_text(encoding="utf-8")
    assert PARAGRAPH in text
    page.write_text(text.replace(PARAGRAPH, EDITED), encoding="utf-8")

    status = catalogues.book_status(source=kit)
    for lang in TRANSLATED:
        stale = [m for name, m in status[lang].stale if name == "book/index"]
        assert len(stale) == 1 and stale[0].startswith(EDITED), (lang, stale)
        # status reads, it never writes
        po = kit / "locales" / lang / "LC_MESSAGES" / "book" / "index.po"
        assert po.read_bytes() == before[lang]

    catalogues.update_book(source=kit)  # writes the catalogues: the old translation kept, as fuzzy
    for lang in TRANSLATED:
        po = kit / "locales" / lang / "LC_MESSAGES" / "book" / "index.po"
        with po.open("rb") as f:
            entry = next(m for m in read_po(f) if m.id.startswith(EDITED))
        assert entry.fuzzy and entry.string and entry.string != entry.id, lang
        # the old English is kept next to it (`#| msgid`), so the translator sees what changed
        lines = po.read_text(encoding="utf-8").splitlines()
        assert any(ln.startswith("#|") and PARAGRAPH in ln for ln in lines), lang


def test_status_command_names_stale_strings(tmp_path: Path, monkeypatch, capsys) -> None:
    kit = copy_kit(tmp_path / "kit")
    monkeypatch.setenv("DAAS_ROOT", str(kit))
    page = kit / "book" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace(PARAGRAPH, EDITED), encoding="utf-8")
    monkeypatch.setattr(i18n, "PUBLISHED", ("en", "es"))
    assert main(["i18n", "status", "--language", "es"]) == 1  # es published, now incomplete
    out = capsys.readouterr().out
    assert f"stale: book/index: {EDITED}" in out
    assert "es (published)" in out


def test_language_switcher_links_are_relative() -> None:
    links = language_links("book/standard/points/purpose", "es", ["en", "es", "pt"])
    assert [(x["code"], x["current"]) for x in links] == [("en", False), ("es", True),
                                                           ("pt", False)]  # fmt: skip
    assert links[0]["url"] == "../../../../en/book/standard/points/purpose.html"
    assert language_links("search", "en", ["en", "pt"])[1]["url"] == "../pt/search.html"


@pytest.mark.parametrize(
    ("slug", "heading"),
    [
        ("villa-ondina", "## Dónde viven los inquilinos"),
        ("vale-do-sereno", "## Onde vivem os moradores"),  # its service-requests twin
        ("port-mallory", "## Where renters live"),
    ],
)
def test_workshop_notebook_is_prepared_in_the_city_language(slug: str, heading: str) -> None:
    from daas.core.city import load_city
    from daas.packs.workshop import prepare

    city = load_city(slug)
    nb = prepare(i18n.repo_root() / "notebooks" / "00-city-profile.ipynb", city)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert any(m.startswith(heading) for m in markdown)
    assert city.name in markdown[0]  # placeholders are filled after translation


def test_city_profile_notebook_is_translated_and_edits_make_it_stale(
    tmp_path: Path, monkeypatch
) -> None:
    import nbformat

    status = catalogues.notebook_status()
    for lang in TRANSLATED:
        cov = [m for name, m in status[lang].untranslated + status[lang].stale
               if name == "notebooks/00-city-profile"]  # fmt: skip
        assert cov == [], (lang, cov)
    kit = copy_kit(tmp_path / "kit")
    path = kit / "notebooks" / "00-city-profile.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.source.startswith("## Where renters live"))
    cell.source = cell.source.replace("exact figures", "exact figures and shares")
    nbformat.write(nb, path)
    for lang, cov in catalogues.notebook_status(root=kit).items():
        assert [m[:21] for name, m in cov.stale] == ["## Where renters live"], lang
        prepared = nbformat.read(path, as_version=4)
        catalogues.translate_notebook(prepared, "notebooks/00-city-profile", lang, root=kit)
        assert any(c.source == cell.source for c in prepared.cells)  # stale text stays English


# ---------------------------------------------------------------- translators' workflow


def test_every_translation_keeps_the_english_markup() -> None:
    problems = i18n_files.check()
    assert not problems, "\n".join(str(p) for p in problems[:20])


@pytest.mark.parametrize(
    ("english", "translation", "problem"),
    [
        ("See {doc}`metadata`.", "Vea {doc}`metadatos`.", "lost '{doc} → metadata'"),
        (
            "Run `daas beacon build`.",
            "Ejecute `daas beacon construir`.",
            "lost '`daas beacon build`'",
        ),
        ("Hello {{ city_name }}.", "Hola {{ ciudad }}.", "lost '{{city_name}}'"),
        ("{n} rows", "{m} filas", "lost '{n}'"),
        ("Read [the guide](guide.md).", "Lea [la guía](guia.md).", "lost 'link → guide.md'"),
        (
            "See https://www.gov.uk/x.",
            "Vea https://www.gov.br/x.",
            "lost 'url https://www.gov.uk/x'",
        ),
        ("**Goal:** a page.", "**Meta: una página.", "unbalanced ** (bold)"),
    ],
)
def test_markup_problems_name_what_the_translation_lost(english, translation, problem) -> None:
    assert problem in i18n_files.markup_problems(english, translation)


def test_markup_allows_translated_link_text_and_titles() -> None:
    assert not i18n_files.markup_problems(
        "See {doc}`the guide <guide>`, `daas x` and [the data](data.md) for {{ city_name }}.",
        "Vea {doc}`la guía <guide>`, `daas x` y [los datos](data.md) de {{city_name}}.",
    )


def test_export_then_import_fills_the_catalogue(tmp_path: Path, monkeypatch) -> None:
    kit = copy_kit(tmp_path / "kit")
    monkeypatch.setenv("DAAS_ROOT", str(kit))
    rows = i18n_files.export("es", "book/index", everything=True, root=kit)
    assert rows and all(r["catalogue"] == "book/index" for r in rows)
    target = next(r for r in rows if r["msgid"] == "Works offline")
    target["msgstr"] = "Funciona sin internet"
    out = tmp_path / "es.json"
    i18n_files.write_export([target], out)
    assert i18n_files.import_file("es", out, root=kit) == 1
    po = kit / "locales" / "es" / "LC_MESSAGES" / "book" / "index.po"
    with po.open("rb") as f:
        assert read_po(f).get("Works offline").string == "Funciona sin internet"


def test_import_with_broken_markup_writes_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    kit = copy_kit(tmp_path / "kit")
    monkeypatch.setenv("DAAS_ROOT", str(kit))
    po = kit / "locales" / "pt" / "LC_MESSAGES" / "book" / "index.po"
    before = po.read_bytes()
    rows = i18n_files.export("pt", "book/index", everything=True, root=kit)
    for r in rows:
        r["msgstr"] = "traduzido"  # loses every role, code span and link of the English
    out = tmp_path / "pt.json"
    i18n_files.write_export(rows, out)
    with pytest.raises(DaasError) as err:
        i18n_files.import_file("pt", out, root=kit)
    assert any("{doc} → using-the-kit" in p.message for p in err.value.problems)
    assert po.read_bytes() == before
    out.write_text("{not json", encoding="utf-8")
    assert main(["i18n", "import", "--language", "pt", str(out)]) == 2
    assert "pt.json" in capsys.readouterr().err
