"""A city's edition of the toolkit website: the book built for that city, with its executed
workshop notebooks as a part of their own, into `_build/cities/<slug>/site/`.

The edition is staged in `_build/editions/<slug>/source/` (the book's pages, a generated
`_config.yml` and `_toc.yml`, the executed notebooks), built with Jupyter Book through
`daas.book.build` (strict, cached), and copied into place atomically.
"""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

import yaml

from daas import book
from daas.city import City
from daas.i18n import _
from daas.io import atomic_dir, atomic_write_text
from daas.paths import build_dir, city_build_dir, repo_root

PACK_FOLDERS = ("notebooks", "exercises")
WORKSHOPS = "workshops"
# Pages of the kit's site that a city's edition leaves out: the coaches' overview names every city.
MAIN_SITE_ONLY = frozenset({"book/coaches/overview"})


def _sync_tree(src: Path, dst: Path) -> None:
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


def executed_notebooks(city: City) -> list[Path]:
    """The city's executed notebooks that ran cleanly, in pack order."""
    pack = city_build_dir(city.slug)
    return [p for folder in PACK_FOLDERS for p in sorted((pack / folder).glob("*.ipynb"))
            if not p.name.endswith(".failed.ipynb")]  # fmt: skip


def edition_config(city: City) -> dict:
    """The book's `_config.yml`, adapted for the city (title, language, launch buttons)."""
    config = yaml.safe_load((repo_root() / "_config.yml").read_text())
    # Some theme templates print the site title without escaping it: keep markup characters of
    # the city's name out of the title (the pages themselves show the name escaped, in full).
    config["title"] = "Data Service Toolkit: " + re.sub(r"[<>&\"'`]", "", city.name)
    config.setdefault("execute", {})["exclude_patterns"] = [f"{WORKSHOPS}/*"]
    config["sphinx"]["config"]["language"] = city.language
    launch = getattr(city, "launch", None)
    if launch is not None:
        config["repository"] = {"url": launch.repository_url, "branch": launch.branch,
                                "path_to_book": "."}  # fmt: skip
        config["launch_buttons"] = {
            "binderhub_url": launch.binderhub_url or "",
            "jupyterhub_url": launch.jupyterhub_url or "",
            "notebook_interface": "jupyterlab",
            "thebe": False,
        }
    return config


def edition_toc(notebooks: list[Path], lang: str = "en") -> dict:
    """The book's `_toc.yml` plus a part listing the city's executed notebooks (captioned in
    `lang`)."""
    toc = _without(yaml.safe_load((repo_root() / "_toc.yml").read_text()), MAIN_SITE_ONLY)
    if notebooks:
        files = [{"file": f"{WORKSHOPS}/{p.parent.name}/{p.stem}"} for p in notebooks]
        toc.setdefault("parts", []).append(
            {"caption": _("Your workshop pack", lang), "chapters": files}
        )
    return toc


def _without(node, files: frozenset[str]):
    """The toc with the entries for `files` (and their sections) removed."""
    if isinstance(node, list):
        return [
            _without(n, files) for n in node if not (isinstance(n, dict) and n.get("file") in files)
        ]
    if isinstance(node, dict):
        return {k: _without(v, files) for k, v in node.items()}
    return node


def stage(city: City, source: Path) -> None:
    """Lay out the edition's source folder."""
    _sync_tree(repo_root() / "book", source / "book")
    notebooks = executed_notebooks(city)
    staged = source / WORKSHOPS
    tmp = source / f".{WORKSHOPS}.new"
    shutil.rmtree(tmp, ignore_errors=True)
    for nb in notebooks:
        (tmp / nb.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy2(nb, tmp / nb.parent.name / nb.name)
    if tmp.exists():
        _sync_tree(tmp, staged)
        shutil.rmtree(tmp)
    else:
        shutil.rmtree(staged, ignore_errors=True)
    dump = {"sort_keys": False, "allow_unicode": True}
    atomic_write_text(source / "_config.yml", yaml.safe_dump(edition_config(city), **dump))
    atomic_write_text(
        source / "_toc.yml", yaml.safe_dump(edition_toc(notebooks, city.language), **dump)
    )


def build_edition(city: City, force: bool = False) -> Path:
    """Build the city's edition; return `_build/cities/<slug>/site/index.html`."""
    work = build_dir() / "editions" / city.slug  # outside the pack: it holds staging and caches
    source = work / "source"
    stage(city, source)
    index = book.build(city.slug, output_root=work, source_root=source, force_all=force,
                       quiet=True)  # fmt: skip
    site = city_build_dir(city.slug) / "site"
    with atomic_dir(site) as tmp:
        shutil.copytree(index.parent, tmp, dirs_exist_ok=True)
    return site / "index.html"
