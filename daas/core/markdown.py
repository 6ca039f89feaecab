"""City values in Markdown: escaped so they display literally. Values are data, never markup, so a
city name such as `<script>` shows as text everywhere (book pages, notebooks, exports).
"""

from __future__ import annotations

import html
import re

from daas.core.city import City

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def escape_markdown(value: str) -> str:
    """Make `value` display literally in Markdown/MyST: `&`, `<` and `>` as HTML entities, then
    backslash escapes. Quotes stay as they are: Markdown text needs no escape for them, and an
    entity such as `&#x27;` would show literally once its `#` is escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(value, quote=False))


def substitutions(city: City) -> dict[str, str]:
    """The `{{ placeholder }}` values for a city, already escaped for Markdown (book pages and
    workshop notebooks fill the same ones)."""
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
