"""City-specific notebooks: `{{ key }}` placeholders filled from the city file (values escaped
for Markdown by `daas.core.markdown.substitutions`), and cells kept only for one city or language.
"""

from __future__ import annotations

import re

from daas.core.city import City

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
CITY_TAG = "only-city-"
LANG_TAG = "only-lang-"


def fill(text: str, subs: dict[str, str]) -> str:
    """Replace known `{{ key }}` placeholders; unknown ones are left for the reader to see."""
    return PLACEHOLDER.sub(lambda m: subs.get(m.group(1), m.group(0)), text)


def keep_cell(tags: list[str], city: City) -> bool:
    """A cell tagged `only-city-<slug>` or `only-lang-<xx>` is kept only for that city/language."""
    cities = [t[len(CITY_TAG) :] for t in tags if t.startswith(CITY_TAG)]
    langs = [t[len(LANG_TAG) :] for t in tags if t.startswith(LANG_TAG)]
    return (not cities or city.slug in cities) and (not langs or city.language in langs)
