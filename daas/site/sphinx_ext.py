"""Sphinx extension for the book: keep every page offline and fail fast on stale assets.

- Stops the build when the vendored vega bundle and the installed altair disagree.
- Fills the city's `{{ placeholders }}` and sets `{only}` tags for the city, its language and its
  Beacon recipe.
- Puts the city's Beacon recipe's part of a page where the page has a `% beacon-recipe: <part>`
  line: `book/beacon/recipes/<recipe>/<part>.md` (headings and code cells included); the gettext
  builder takes every recipe's part, so each is translated.
- Adds a language switcher to every page (`daas-languages.html` in the article header), linking
  to the same page in the other languages of the site (`daas_site_languages`).
- Loads the vendored vega bundle only on pages that draw a chart.
- Adds launch buttons to a city edition's workshop notebooks (`launch.py`): the city's hub, Binder.
- Computes docutils' default settings once per parser, not once per translated paragraph.
- Removes sphinx-thebe's page scripts at their source. JB1 always loads sphinx-thebe, which
  registers `const THEBE_JS_URL = ...` (declared twice per page, a console error) and points at a
  CDN; the kit does not use thebe (it needs a live Binder), so its listeners are disconnected.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

from daas.core.errors import DaasError
from daas.site import assets, launch

if TYPE_CHECKING:
    from daas.core.city import City


def _check_assets(app: Sphinx) -> None:
    try:
        assets.check()
    except DaasError as exc:
        raise ExtensionError(f"offline assets: {exc}") from None


def _disconnect_thebe(app: Sphinx) -> None:
    for event, listeners in app.events.listeners.items():
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", "").startswith("sphinx_thebe") and (
                event in {"env-before-read-docs", "doctree-resolved"}
            ):
                app.disconnect(listener.id)


def _city_context(app: Sphinx, config: Config) -> None:
    """Fill `{{ city_name }}`-style substitutions (escaped) and set `city_<slug>`/`lang_<xx>`/
    `recipe_<name>` tags for `{only}` blocks, from the city this build is for ($DAAS_CITY), and
    `city_edition` in a city's edition (`daas_city_edition`)."""
    from daas.core.city import current_city
    from daas.core.markdown import substitutions

    try:
        city = current_city()
    except DaasError as exc:
        raise ExtensionError(f"city file: {exc}") from None
    config.myst_substitutions = {**config.myst_substitutions, **substitutions(city)}
    for tag in sphinx_tags(city):
        app.tags.add(tag)
    if config.daas_city_edition:  # a city's edition: its masterclass pages link the handouts
        app.tags.add("city_edition")


RECIPE_PART = re.compile(r"^% beacon-recipe: ([a-z0-9-]+)[ \t]*$", re.M)
RECIPE_PAGES = Path("book", "beacon", "recipes")  # <recipe>/<part>.md, in the book's source


def _recipe_parts(app: Sphinx, docname: str, source: list[str]) -> None:
    """Replace each `% beacon-recipe: <part>` line with the city's recipe's part (every
    recipe's, one after another, for the gettext builder)."""
    if "% beacon-recipe:" not in source[0]:
        return
    from daas.core.city import DEFAULT_RECIPE, current_city

    folder = Path(app.srcdir) / RECIPE_PAGES
    beacon = current_city().beacon
    names = (
        sorted(p.name for p in folder.iterdir() if p.is_dir())
        if app.builder.name == "gettext"
        else [beacon.recipe if beacon else DEFAULT_RECIPE]
    )

    def part(match: re.Match) -> str:
        files = [folder / name / f"{match.group(1)}.md" for name in names]
        for file in files:
            app.env.note_dependency(str(file))
        return "\n".join(f.read_text(encoding="utf-8") for f in files if f.exists())

    source[0] = RECIPE_PART.sub(part, source[0])


def sphinx_tags(city: City) -> list[str]:
    """Sphinx tags for `{only}` blocks in book pages: `city_<slug>`, `lang_<xx>` and
    `recipe_<name>` (the city's Beacon recipe, housing for a city without a Beacon section)."""
    from daas.core.city import DEFAULT_RECIPE

    recipe = city.beacon.recipe if city.beacon else DEFAULT_RECIPE
    return [f"city_{city.slug.replace('-', '_')}", f"lang_{city.language}",
            f"recipe_{recipe.replace('-', '_')}"]  # fmt: skip


TEMPLATES = Path(__file__).resolve().parent / "sphinx_templates"
SWITCHER = "daas-languages.html"


def _add_switcher(app: Sphinx, config: Config) -> None:
    """Put the switcher template in the article header, after the theme's buttons. The kit's
    templates come first, so they override the themes' (`daas.site.theme_language`)."""
    config.templates_path = [str(TEMPLATES), *config.templates_path]
    theme = dict(config.html_theme_options or {})
    end = theme.get("article_header_end", "article-header-buttons.html")
    end = [e.strip() for e in end.split(",")] if isinstance(end, str) else list(end)
    if SWITCHER not in end:
        theme["article_header_end"] = [*end, SWITCHER]
    config.html_theme_options = theme


def language_links(pagename: str, current: str, languages: list[str]) -> list[dict]:
    """Links from `pagename` in `current` to the same page in each of `languages` (relative, so
    the site works from any folder and offline)."""
    from daas.core.i18n import NAMES

    up = "../" * (pagename.count("/") + 1)
    return [{"code": lang, "name": NAMES[lang], "current": lang == current,
             "url": f"{up}{lang}/{pagename}.html"} for lang in languages]  # fmt: skip


def _page_languages(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    from daas.core.i18n import _

    lang = app.config.language or "en"
    context["daas_languages"] = language_links(pagename, lang, list(app.config.daas_site_languages))
    context["daas_languages_label"] = _("Language", lang)


def _escape_pagetitle(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """sphinx-book-theme prints `pagetitle` (plain text, entities decoded) unescaped in its print
    header; a page title can hold a city's name, which is data. Escape it at the source."""
    if isinstance(context.get("pagetitle"), str):
        context["pagetitle"] = html.escape(context["pagetitle"], quote=False)


def _vega_where_charts(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """The vega bundle (800 KB) only on the pages that draw a chart (Sphinx resets per-page
    scripts after each page)."""
    if "vegaEmbed(" in context.get("body", ""):
        app.add_js_file(assets.VEGA_BUNDLE, priority=400)


def _settings_once() -> None:
    """myst-parser 3 builds docutils' option parser for every document it renders, even when it
    is handed one (`options.get("document", make_document())`), and Sphinx renders every
    translated paragraph as a document of its own: a fifth of a Spanish or Portuguese build.
    The parser's default settings are computed once per parser class; each document still gets
    its own copy."""
    import copy

    from docutils.frontend import Values, get_default_settings
    from docutils.utils import new_document
    from myst_parser.mdit_to_docutils import base

    if getattr(base.make_document, "daas_settings_once", False):
        return
    defaults: dict[type, Values] = {}
    (default_parser,) = base.make_document.__defaults__[1:]  # type: ignore[index]

    def make_document(source_path: str = "notset", parser_cls: type = default_parser):
        if parser_cls not in defaults:
            defaults[parser_cls] = get_default_settings(parser_cls)
        return new_document(source_path, settings=copy.deepcopy(defaults[parser_cls]))

    make_document.daas_settings_once = True  # type: ignore[attr-defined]
    base.make_document = make_document


def setup(app: Sphinx) -> dict:
    from daas.core import kernel_wakeups

    _settings_once()
    kernel_wakeups.patch()  # the pages' kernels: a reply is never left waiting for a wake-up
    app.setup_extension("sphinx_thebe")
    _disconnect_thebe(app)
    app.connect("builder-inited", _check_assets)
    app.add_config_value("daas_city_edition", False, "env", types=[bool])
    app.connect("config-inited", _city_context)
    app.connect("source-read", _recipe_parts)
    app.add_config_value("daas_site_languages", [], "html", types=[list])
    app.connect("config-inited", _add_switcher)
    app.connect("html-page-context", _page_languages)
    app.connect("html-page-context", _escape_pagetitle)
    app.connect("html-page-context", _vega_where_charts)
    launch.setup(app)
    app.add_css_file("daas.css")
    app.add_js_file("daas-a11y.js", loading_method="defer")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
