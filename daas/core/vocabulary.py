"""Three-language vocabularies shipped as package data: stopwords, keywords used for matching,
the words of seeded samples. One YAML file per vocabulary, a key per kit language, read once.

Sentences and labels a reader sees are not vocabularies: they live in the gettext catalogues
(`daas/messages/<lang>.po`, through `daas.core.i18n._`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from daas.core.errors import DaasError
from daas.core.i18n import LANGUAGES, _
from daas.core.paths import package_dir


@cache
def vocabulary(name: str) -> dict[str, Any]:
    """The vocabulary in `daas/<name>` (e.g. "core/data/stopwords.yml"): {language: entry}.
    A DaasError names the file and the missing language."""
    path = package_dir() / name
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for lang in LANGUAGES:
        if lang not in data:
            raise DaasError.one(
                f"daas/{name}",
                lang,
                _("no '{lang}' entry").format(lang=lang),
                _("add the '{lang}' words beside the other languages").format(lang=lang),
            )
    return data
