"""Variants of the book: one way to say which book to build, and to build it.

A `Variant` names the source tree, the changes to its `_config.yml` and `_toc.yml`, the files it
adds, the language, the city, the edition (learner or coach) and the builder. Every build of the
book is one: each language of the main site (`daas.site.book.build_site`), a city's edition
(`daas.site.edition`), the learner and coach editions (`daas.masterclasses.editions`) and the
translators' templates (`daas.site.catalogues.extract`, the gettext builder, no execution).

A variant that changes the table of contents or adds files is staged: its pages are mirrored into
`<work>/source/` (only changed files are copied, so Sphinx's timestamps stay meaningful). Others
build straight from the source tree. Either way the configuration is written to `<work>/_build/`
and the build goes to `<work>/_build/` (`daas.site.book.run`: strict, cached, skipped when
unchanged).
"""

from __future__ import annotations

import filecmp
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.io import atomic_write_text
from daas.core.paths import repo_root

if TYPE_CHECKING:
    from daas.site.book import Progress

EDITIONS = ("learner", "coach")
BUILDERS = ("html", "gettext")


@dataclass(frozen=True)
class Variant:
    """One build of the book (see the module docstring)."""

    city: str
    work: Path
    source: Path | None = None  # the tree to build from; default: the repository
    language: str | None = None  # default: the source config's language
    site_languages: tuple[str, ...] = ()  # languages the switcher links to
    edition: str | None = None  # learner or coach; default: as configured
    builder: str = "html"
    execute: bool = True
    config: Callable[[dict], None] | None = None  # changes `_config.yml` in place
    toc: Callable[[dict], dict] | None = None  # returns the changed `_toc.yml`
    files: Mapping[str, Path] = field(default_factory=dict)  # staged path -> file to add

    @property
    def root(self) -> Path:
        return self.source or repo_root()

    @property
    def staged(self) -> bool:
        return self.toc is not None or bool(self.files)


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def configure(variant: Variant) -> dict:
    """The variant's `_config.yml`: the source's, with the variant's language (its catalogues,
    theme strings and the switcher's languages), edition, execution and own changes."""
    from daas.core.i18n import LANGUAGES, locales_dir

    config = read_yaml(variant.root / "_config.yml")
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    if variant.config is not None:
        variant.config(config)
    lang = variant.language or sphinx.get("language") or "en"
    if lang not in LANGUAGES:
        raise DaasError.one(
            variant.root / "_config.yml",
            "sphinx.config.language",
            _("'{lang}' is not a kit language").format(lang=lang),
            _("use one of {languages}").format(languages=", ".join(LANGUAGES)),
        )
    if config.get("title") == "Data Service Toolkit":
        config["title"] = _("Data Service Toolkit", lang)
    if config.get("author") == "Data Service Toolkit contributors":
        config["author"] = _("Data Service Toolkit contributors", lang)
    sphinx.update(language=lang, locale_dirs=[str(locales_dir())], gettext_compact=False,
                  daas_site_languages=list(variant.site_languages or (lang,)))  # fmt: skip
    sphinx.setdefault("html_theme_options", {})["search_bar_text"] = _(
        "Search the toolkit...", lang
    )
    if variant.edition is not None:
        _check_edition(variant.edition)
        extensions = config["sphinx"].setdefault("extra_extensions", [])
        if "daas.site.coach" not in extensions:
            extensions.append("daas.site.coach")
        sphinx["daas_edition"] = variant.edition
    if not variant.execute:
        config.setdefault("execute", {})["execute_notebooks"] = "off"
    return config


def _check_edition(kind: str) -> None:
    if kind not in EDITIONS:
        raise DaasError.one(
            "--edition", "", _("'{kind}' is not an edition").format(kind=kind),
            _("use learner or coach"),
        )  # fmt: skip


def stage(variant: Variant) -> Path:
    """The folder to build from: the source itself, or its staged copy with the variant's table
    of contents and files."""
    if not variant.staged:
        return variant.root
    source = variant.work / "source"
    sync_tree(variant.root / "book", source / "book")
    extra = variant.work / ".files.new"
    shutil.rmtree(extra, ignore_errors=True)
    for rel, path in variant.files.items():
        (extra / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, extra / rel)
    for top in {Path(rel).parts[0] for rel in variant.files} | _old_extra(source):
        if (extra / top).exists():
            sync_tree(extra / top, source / top)
        else:
            shutil.rmtree(source / top, ignore_errors=True)
    shutil.rmtree(extra, ignore_errors=True)
    toc = read_yaml(variant.root / "_toc.yml")
    if variant.toc is not None:
        toc = variant.toc(toc)
    atomic_write_text(source / "_toc.yml", yaml.safe_dump(toc, sort_keys=False, allow_unicode=True))
    return source


def _old_extra(source: Path) -> set[str]:
    """Top-level folders a previous staging added (anything but the book and its configs)."""
    if not source.exists():
        return set()
    return {p.name for p in source.iterdir() if p.is_dir() and p.name not in ("book", "_build")}


def sync_tree(src: Path, dst: Path) -> None:
    """Mirror `src` into `dst`, copying only changed files (keeps Sphinx's mtimes meaningful)."""
    dst.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for f in src.rglob("*"):
        rel = f.relative_to(src)
        wanted.add(rel)
        target = dst / rel
        if f.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif not target.exists() or not filecmp.cmp(f, target, shallow=False):
            shutil.copy2(f, target)
    for f in sorted(dst.rglob("*"), reverse=True):
        if f.relative_to(dst) not in wanted:
            shutil.rmtree(f) if f.is_dir() else f.unlink()


def build(
    variant: Variant, force: bool = False, quiet: bool = False, progress: Progress | None = None
) -> Path:
    """Stage, configure and build the variant; return its index page (html) or its folder of
    `.pot` templates (gettext). `progress`: told a quiet build's phase (`book.run`)."""
    from daas.site import book

    if variant.builder not in BUILDERS:
        raise ValueError(f"unknown builder {variant.builder!r}")
    source = stage(variant)
    config = configure(variant)
    return book.run(variant.city, source, variant.work / "_build", config,
                    builder=variant.builder, force_all=force, quiet=quiet,
                    progress=progress)  # fmt: skip
