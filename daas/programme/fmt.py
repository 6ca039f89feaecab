"""Numbers as a reader in the city's language writes them (1,234 / 1.234; 95% / 95 %)."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from daas.core.i18n import language

LOCALES = {"en": "en_US", "es": "es_MX", "pt": "pt_BR"}


def number(value: float) -> str:
    return format_decimal(value, locale=LOCALES.get(language(), "en_US"))


def percent(share: float) -> str:
    return format_percent(share, format="#,##0%", locale=LOCALES.get(language(), "en_US"))
