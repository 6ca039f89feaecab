"""Languages at run time: English is the source, Spanish (Latin American) and Portuguese
(Brazilian) are translations kept in gettext catalogues, one source of truth per text.

`_()` puts a `daas` message (CLI output, reports, chart text) in the current language from
`daas/messages/<lang>.po`; `N_()` marks one for later. A stale (fuzzy) translation is shown in
English. `PUBLISHED` lists the languages the site ships: a language joins it only when every book
string is translated and none is stale. Extracting strings and keeping the catalogues up to date
is `daas.site.catalogues`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from daas.core.errors import DaasError
from daas.core.paths import package_dir, repo_root

LANGUAGES: tuple[str, ...] = ("en", "es", "pt")
SOURCE_LANGUAGE = "en"
# The languages the site publishes. Add one only when `daas i18n status` shows it complete.
PUBLISHED: tuple[str, ...] = ("en", "es", "pt")
NAMES = {"en": "English", "es": "Español", "pt": "Português"}
PACKAGE_DOMAIN = "daas"


def locales_dir(root: Path | None = None) -> Path:
    """The book's catalogues: `locales/<lang>/LC_MESSAGES/<page>.po`."""
    return (root or repo_root()) / "locales"


def messages_dir() -> Path:
    """The package's catalogues: `daas/messages/<lang>.po`."""
    return package_dir() / "messages"


# ---------------------------------------------------------------- package strings


def language() -> str:
    """The language for `daas` messages: $DAAS_LANG, else the locale ($LANGUAGE, $LC_ALL,
    $LANG), else English."""
    for var in ("DAAS_LANG", "LANGUAGE", "LC_ALL", "LANG"):
        code = os.environ.get(var, "")[:2].lower()
        if code in LANGUAGES:
            return code
    return SOURCE_LANGUAGE


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Speak `lang` inside the block (for a city's report or pack summary)."""
    if lang not in LANGUAGES:
        raise DaasError.one(
            "language",
            "",
            _("'{lang}' is not a kit language").format(lang=lang),
            _("use one of {languages}").format(languages=", ".join(LANGUAGES)),
        )
    old = os.environ.get("DAAS_LANG")
    os.environ["DAAS_LANG"] = lang
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("DAAS_LANG", None)
        else:
            os.environ["DAAS_LANG"] = old


@cache
def _package_catalogue(lang: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    path = messages_dir() / f"{lang}.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        cat = read_po(f)
    return {  # the kit has no plural messages: a message's id and string are text
        m.id: m.string
        for m in cat
        if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string and not m.fuzzy
    }


def _(message: str, lang: str | None = None) -> str:
    """`message` in the current language (English when it has no current translation)."""
    lang = lang or language()
    if lang == SOURCE_LANGUAGE:
        return message
    return _package_catalogue(lang).get(message, message)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it now (translate later with `_`)."""
    return message


class PerLanguage(Mapping[str, str]):
    """One marked message read in any kit language, `m["es"]`, for code that picks by a city's
    language rather than the current one (translations stay in the catalogues)."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __getitem__(self, lang: str) -> str:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        return _(self.message, lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)
