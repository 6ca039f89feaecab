"""A city's edition of the toolkit website: the book built for that city, with its executed
workshop notebooks as a part of their own, into `_build/cities/<slug>/site/`.

The edition is a book variant (`daas.site.variants`): the book's pages, the city's title, language
and launch buttons, a table of contents with the executed notebooks as a part of their own. It is
staged and built in `_build/editions/<slug>/` and copied into place atomically.
"""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

from daas.core.city import City
from daas.core.i18n import _
from daas.core.io import atomic_dir
from daas.core.paths import build_dir, city_build_dir
from daas.site import variants
from daas.site.book import Progress
from daas.site.variants import Variant

PACK_FOLDERS = ("notebooks", "exercises")
WORKSHOPS = "workshops"
# Pages of the kit's site that a city's edition leaves out: the coaches' overview names every city.
MAIN_SITE_ONLY = frozenset({"book/coaches/overview"})
# Pages that show a city's published Beacon: left out of the edition of a city that has none yet
# (a real city before its first sources), rather than showing made-up numbers or failing.
BEACON_PAGES = frozenset({"book/beacon/resident", "book/beacon/staff", "book/beacon/performance"})


def executed_notebooks(city: City) -> list[Path]:
    """The city's executed notebooks that ran cleanly, in pack order."""
    pack = city_build_dir(city.slug)
    return [p for folder in PACK_FOLDERS for p in sorted((pack / folder).glob("*.ipynb"))
            if not p.name.endswith(".failed.ipynb")]  # fmt: skip


def edition_config(city: City, config: dict) -> None:
    """The book's `_config.yml`, adapted for the city (title, language, launch buttons)."""
    # Some theme templates print the site title without escaping it: keep markup characters of
    # the city's name out of the title (the pages themselves show the name escaped, in full).
    config["title"] = "Data Service Toolkit: " + re.sub(r"[<>&\"'`]", "", city.name)
    # the `city_edition` tag: the masterclass pages link the handouts in the edition's _static/
    config.setdefault("sphinx", {}).setdefault("config", {})["daas_city_edition"] = True
    # already executed for the city: shown as they are (myst-nb matches from the right)
    config.setdefault("execute", {})["exclude_patterns"] = [f"{WORKSHOPS}/*/*.ipynb"]
    launch = getattr(city, "launch", None)
    if launch is not None:
        # the kit's own buttons (`launch.py`), not the theme's: a pack's notebooks are not in
        # the repository, so the theme's nbgitpuller and Binder paths would open nothing
        config.setdefault("sphinx", {}).setdefault("config", {}).update(
            daas_launch=launch.model_dump(exclude_none=True), daas_launch_city=city.slug
        )


def edition_toc(toc: dict, notebooks: list[Path], lang: str = "en", beacon: bool = True) -> dict:
    """The book's `_toc.yml` plus a part listing the city's executed notebooks (captioned in
    `lang`); without the Beacon's pages when the city has no Beacon yet."""
    toc = _without(toc, MAIN_SITE_ONLY if beacon else MAIN_SITE_ONLY | BEACON_PAGES)
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


def variant(city: City) -> Variant:
    """The city's edition as a book variant."""
    notebooks = executed_notebooks(city)
    toc = functools.partial(
        edition_toc, notebooks=notebooks, lang=city.language, beacon=city.has_beacon()
    )
    return Variant(
        city.slug,
        build_dir() / "editions" / city.slug,  # outside the pack: staging and caches
        language=city.language,
        config=functools.partial(edition_config, city),
        toc=toc,
        files={f"{WORKSHOPS}/{nb.parent.name}/{nb.name}": nb for nb in notebooks},
    )


def build_edition(city: City, force: bool = False, progress: Progress | None = None) -> Path:
    """Build the city's edition; return `_build/cities/<slug>/site/index.html`. `progress`:
    told the build's phase and share of pages done."""
    index = variants.build(variant(city), force=force, quiet=True, progress=progress)
    site = city_build_dir(city.slug) / "site"
    with atomic_dir(site) as tmp:
        shutil.copytree(index.parent, tmp, dirs_exist_ok=True)
    return site / "index.html"
