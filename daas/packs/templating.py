"""City-specific notebooks: `{{ key }}` placeholders filled from the city file (values escaped
for Markdown by `daas.core.markdown.substitutions`), and cells kept only for one city, language or
Beacon recipe.
"""

from __future__ import annotations

import re

from daas.core.notebooks import CITY_TAG, LANG_TAG, RECIPE_TAG, keep_cell

__all__ = ["CITY_TAG", "LANG_TAG", "PLACEHOLDER", "RECIPE_TAG", "fill", "keep_cell"]

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def fill(text: str, subs: dict[str, str]) -> str:
    """Replace known `{{ key }}` placeholders; unknown ones are left for the reader to see."""
    return PLACEHOLDER.sub(lambda m: subs.get(m.group(1), m.group(0)), text)
