"""City-specific text: `{{ key }}` placeholders filled from the city file, and cells or blocks
kept only for one city or language. Values are data, never markup: they are escaped before they
reach Markdown, so a city name such as `<script>` shows as text everywhere.
"""

from __future__ import annotations

import html
import re

from daas.city import City

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")
CITY_TAG = "only-city-"
LANG_TAG = "only-lang-"


def escape_markdown(value: str) -> str:
    """Make `value` display literally in Markdown/MyST: `&`, `<` and `>` as HTML entities, then
    backslash escapes. Quotes stay as they are: Markdown text needs no escape for them, and an
    entity such as `&#x27;` would show literally once its `#` is escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(value, quote=False))


def substitutions(city: City) -> dict[str, str]:
    """The placeholder values for a city, already escaped for Markdown."""
    raw = {
        "city_name": city.name,
        "city_slug": city.slug,
        "city_country": city.country,
        "city_language": city.language,
        "city_currency": city.currency,
        "priority_problem": city.priority_problem,
        "min_cell_size": str(city.privacy.min_cell_size),
    }
    return {k: escape_markdown(v) for k, v in raw.items()}


def fill(text: str, subs: dict[str, str]) -> str:
    """Replace known `{{ key }}` placeholders; unknown ones are left for the reader to see."""
    return PLACEHOLDER.sub(lambda m: subs.get(m.group(1), m.group(0)), text)


def keep_cell(tags: list[str], city: City) -> bool:
    """A cell tagged `only-city-<slug>` or `only-lang-<xx>` is kept only for that city/language."""
    cities = [t[len(CITY_TAG) :] for t in tags if t.startswith(CITY_TAG)]
    langs = [t[len(LANG_TAG) :] for t in tags if t.startswith(LANG_TAG)]
    return (not cities or city.slug in cities) and (not langs or city.language in langs)


def sphinx_tags(city: City) -> list[str]:
    """Sphinx tags for `{only}` blocks in book pages: `city_<slug>` and `lang_<xx>`."""
    return [f"city_{city.slug.replace('-', '_')}", f"lang_{city.language}"]
