"""City-specific notebooks: `{{ key }}` placeholders filled from the city file (values escaped
for Markdown by `daas.core.markdown.substitutions`), and cells kept only for one city, language or
Beacon recipe.
"""

from __future__ import annotations

import re

from daas.core.city import DEFAULT_RECIPE, City

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
CITY_TAG = "only-city-"
LANG_TAG = "only-lang-"
RECIPE_TAG = "only-recipe-"


def fill(text: str, subs: dict[str, str]) -> str:
    """Replace known `{{ key }}` placeholders; unknown ones are left for the reader to see."""
    return PLACEHOLDER.sub(lambda m: subs.get(m.group(1), m.group(0)), text)


def keep_cell(tags: list[str], city: City) -> bool:
    """A cell tagged `only-city-<slug>`, `only-lang-<xx>` or `only-recipe-<name>` is kept only for
    that city, language or Beacon recipe (`beacon.recipe`, housing when the city names none)."""
    recipe = city.beacon.recipe if city.beacon else DEFAULT_RECIPE
    for prefix, value in ((CITY_TAG, city.slug), (LANG_TAG, city.language), (RECIPE_TAG, recipe)):
        named = [t[len(prefix) :] for t in tags if t.startswith(prefix)]
        if named and value not in named:
            return False
    return True
