"""Translation catalogues: extracting the English, keeping every language's catalogues up to date,
and measuring how much is translated.

- The book: `sphinx-build -b gettext` (a variant of the book, nothing executed) extracts every
  page's strings into `.pot` templates; `locales/<lang>/LC_MESSAGES/book/<page>.po` hold the
  translations (Sphinx reads them at build time).
- The workshop notebooks: each markdown cell is one string in
  `locales/<lang>/LC_MESSAGES/notebooks/<name>.po` (`translate_notebook`, used by the workshop
  runner).
- The package: every literal `_()` or `N_()` in `daas/` (`package_msgids`), translated in
  `daas/messages/<lang>.po` (read at run time by `daas.core.i18n`).

A changed English string keeps its old translation marked *fuzzy* (stale) until a translator
checks it.
"""

from __future__ import annotations

import ast
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from daas.core.i18n import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    _package_catalogue,
    locales_dir,
    messages_dir,
)
from daas.core.paths import package_dir, repo_root

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog


def package_msgids(package: Path | None = None) -> dict[str, list[str]]:
    """Every literal `_("...")` or `N_("...")` in the package, with where it is (`daas/x.py:12`)."""
    package = package or package_dir()
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "N_"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                where = f"{package.name}/{path.relative_to(package)}:{node.lineno}"
                found.setdefault(node.args[0].value, []).append(where)
    return found


# ---------------------------------------------------------------- catalogues and status


@dataclass
class Coverage:
    """One language's state: counts, and the strings that need a translator."""

    language: str
    total: int = 0
    translated: int = 0
    stale: list[tuple[str, str]] = field(default_factory=list)  # (catalogue, msgid)
    untranslated: list[tuple[str, str]] = field(default_factory=list)
    obsolete: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.translated == self.total


def _pot_catalogue(path: Path) -> Catalog:
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        return read_po(f)


def _repo_relative(cat, source: Path) -> None:
    """Locations as `book/page.md:12`, the same on every machine."""
    for m in cat:
        locs = []
        for file, line in m.locations:
            text = str(file).replace("\\", "/")
            marker = text.find("book/")
            locs.append((text[marker:] if marker >= 0 else Path(text).name, line))
        m.locations = locs


def extract(source: Path | None = None, dest: Path | None = None) -> Path:
    """Extract the book's strings into `.pot` templates (no execution); return their folder.
    The coach edition, so coach notes and solutions are extracted too."""
    from daas.site.variants import Variant, build

    source = source or repo_root()
    dest = dest or Path(tempfile.mkdtemp(prefix="daas-gettext-"))
    variant = Variant("", dest, source=source, language="en", edition="coach",
                      builder="gettext", execute=False)  # fmt: skip
    pots = build(variant)
    for pot in pots.rglob("*.pot"):
        cat = _pot_catalogue(pot)
        _repo_relative(cat, source)
        _write_po(pot, cat)
    _add_theme_strings(pots / "sphinx.pot")
    return pots


# Sphinx's HTML writer titles the links beside headings, tables, images, code and definitions;
# its catalogues have no Spanish for them.
SPHINX_WRITER = ("Link to this heading", "Link to this table", "Link to this image",
                 "Link to this code", "Link to this definition")  # fmt: skip


def _add_theme_strings(pot: Path) -> None:
    """The strings the themes show around every page, in the templates' catalogue (`sphinx`),
    beside those of the kit's own templates: pydata-sphinx-theme's whole template (it has no
    Portuguese catalogue) and Sphinx's link titles. A theme upgrade's new strings then show as
    untranslated in `daas i18n status`."""
    import pydata_sphinx_theme  # type: ignore[import-untyped]
    from babel.messages.catalog import Catalog

    cat = _pot_catalogue(pot) if pot.exists() else Catalog(project="Data Service Toolkit")
    theme = Path(pydata_sphinx_theme.__file__).parent / "locale" / "sphinx.pot"
    for m in _pot_catalogue(theme):
        if m.id and m.id not in cat:
            cat.add(m.id, locations=[("pydata_sphinx_theme", 0)], flags=m.flags)
    for msgid in SPHINX_WRITER:
        if msgid not in cat:
            cat.add(msgid, locations=[("sphinx/writers/html5.py", 0)])
    _write_po(pot, cat)


def _write_po(path: Path, cat) -> None:
    from babel.messages.pofile import write_po

    from daas.core.io import atomic_write_bytes

    for m in cat:
        # Babel reads back the old English of a stale entry (`#| msgid`) as a plain comment;
        # once the entry is translated again, that comment is noise.
        if not m.fuzzy and any(c.startswith("|") for c in m.user_comments):
            m.user_comments = []
            m.previous_id = ()
    buf = io.BytesIO()
    write_po(buf, cat, width=100, include_previous=True, sort_output=False)
    atomic_write_bytes(path, buf.getvalue())


def _merged(template, po_path: Path, lang: str):
    """The catalogue at `po_path` brought up to date with `template` (in memory)."""
    from babel.messages.catalog import Catalog

    if po_path.exists():
        cat = _pot_catalogue(po_path)
    else:
        cat = Catalog(locale=lang, project=template.project, fuzzy=False)
    cat.locale = lang
    cat.update(template, update_creation_date=False)
    return cat


def _templates(pots: Path) -> dict[str, Catalog]:
    return {
        p.relative_to(pots).with_suffix("").as_posix(): _pot_catalogue(p)
        for p in sorted(pots.rglob("*.pot"))
    }


def _count(cov: Coverage, name: str, cat) -> None:
    for m in cat:
        if not m.id:
            continue
        cov.total += 1
        msgid = m.id if isinstance(m.id, str) else m.id[0]
        if m.fuzzy:
            cov.stale.append((name, msgid))
        elif not m.string:
            cov.untranslated.append((name, msgid))
        else:
            cov.translated += 1
    cov.obsolete += len(cat.obsolete)


def book_status(
    source: Path | None = None, languages: tuple[str, ...] | None = None, pots: Path | None = None
) -> dict[str, Coverage]:
    """Each language's coverage of the book as it is *now* (fresh extraction; nothing written)."""
    source = source or repo_root()
    languages = languages or tuple(x for x in LANGUAGES if x != SOURCE_LANGUAGE)
    owned = pots is None
    pots = pots or extract(source)
    try:
        templates = _templates(pots)
        result = {}
        for lang in languages:
            cov = Coverage(lang)
            for name, template in templates.items():
                po = locales_dir(source) / lang / "LC_MESSAGES" / f"{name}.po"
                _count(cov, name, _merged(template, po, lang))
            result[lang] = cov
        return result
    finally:
        if owned:
            shutil.rmtree(pots.parent.parent, ignore_errors=True)


def update_book(source: Path | None = None, languages: tuple[str, ...] | None = None) -> list[Path]:
    """Bring every language's book catalogues up to date with the English pages; return the
    catalogues written. Changed strings are kept as fuzzy (stale); removed ones become obsolete."""
    source = source or repo_root()
    languages = languages or tuple(x for x in LANGUAGES if x != SOURCE_LANGUAGE)
    pots = extract(source)
    written = []
    try:
        for name, template in _templates(pots).items():
            for lang in languages:
                po = locales_dir(source) / lang / "LC_MESSAGES" / f"{name}.po"
                _write_po(po, _merged(template, po, lang))
                written.append(po)
    finally:
        shutil.rmtree(pots.parent.parent, ignore_errors=True)
    return written


def _package_template():
    from babel.messages.catalog import Catalog

    cat = Catalog(project="daas", fuzzy=False)
    for msgid, where in package_msgids().items():
        cat.add(msgid, locations=[(w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])) for w in where])
    return cat


def package_status(languages: tuple[str, ...] | None = None) -> dict[str, Coverage]:
    languages = languages or tuple(x for x in LANGUAGES if x != SOURCE_LANGUAGE)
    template = _package_template()
    result = {}
    for lang in languages:
        cov = Coverage(lang)
        _count(
            cov, f"daas/messages/{lang}.po", _merged(template, messages_dir() / f"{lang}.po", lang)
        )
        result[lang] = cov
    return result


def update_package(languages: tuple[str, ...] | None = None) -> list[Path]:
    languages = languages or tuple(x for x in LANGUAGES if x != SOURCE_LANGUAGE)
    template = _package_template()
    written = []
    for lang in languages:
        po = messages_dir() / f"{lang}.po"
        _write_po(po, _merged(template, po, lang))
        written.append(po)
    _package_catalogue.cache_clear()
    return written


# ---------------------------------------------------------------- workshop notebooks

NOTEBOOK_FOLDERS = ("notebooks", "exercises")


def notebook_templates(root: Path | None = None) -> dict[str, Catalog]:
    """One template per workshop notebook (`notebooks/00-city-profile`): each markdown cell is one
    string. Cells tagged `only-lang-<xx>` are already in one language and are left out."""
    import nbformat
    from babel.messages.catalog import Catalog

    root = root or repo_root()
    templates = {}
    for folder in NOTEBOOK_FOLDERS:
        for path in sorted((root / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            cat = Catalog(project="Data Service Toolkit", fuzzy=False)
            for i, cell in enumerate(nb.cells, start=1):
                tags = cell.metadata.get("tags", [])
                if (
                    cell.cell_type == "markdown"
                    and cell.source.strip()
                    and not any(t.startswith("only-lang-") for t in tags)
                ):
                    cat.add(cell.source, locations=[(f"{folder}/{path.name}", i)])
            templates[f"{folder}/{path.stem}"] = cat
    return templates


def _notebook_po(root: Path, name: str, lang: str) -> Path:
    return locales_dir(root) / lang / "LC_MESSAGES" / f"{name}.po"


def notebook_status(
    root: Path | None = None, languages: tuple[str, ...] | None = None
) -> dict[str, Coverage]:
    """Each language's coverage of the workshop notebooks' markdown cells."""
    root = root or repo_root()
    languages = languages or tuple(x for x in LANGUAGES if x != SOURCE_LANGUAGE)
    templates = notebook_templates(root)
    result = {}
    for lang in languages:
        cov = Coverage(lang)
        for name, template in templates.items():
            _count(cov, name, _merged(template, _notebook_po(root, name, lang), lang))
        result[lang] = cov
    return result


def update_notebooks(
    root: Path | None = None, languages: tuple[str, ...] | None = None
) -> list[Path]:
    root = root or repo_root()
    languages = languages or tuple(x for x in LANGUAGES if x != SOURCE_LANGUAGE)
    written = []
    for name, template in notebook_templates(root).items():
        for lang in languages:
            po = _notebook_po(root, name, lang)
            _write_po(po, _merged(template, po, lang))
            written.append(po)
    return written


def translate_notebook(nb, name: str, lang: str, root: Path | None = None) -> int:
    """Put each markdown cell of `nb` (`notebooks/00-city-profile`) in `lang` where a current
    translation exists (stale or missing ones stay in English); return how many changed."""
    if lang == SOURCE_LANGUAGE:
        return 0
    po = _notebook_po(root or repo_root(), name, lang)
    if not po.exists():
        return 0
    table = {m.id: m.string for m in _pot_catalogue(po) if m.id and m.string and not m.fuzzy}
    changed = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source in table:
            cell.source = table[cell.source]
            changed += 1
    return changed
