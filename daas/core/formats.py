"""Numbers, money and dates as a reader in the current language writes them (Babel): `7,553` and
`30 June 2025` in English, `7.553` and `30 de junio de 2025` in Spanish, `7.553` and
`30 de junho de 2025` in Portuguese. Tables, sentences and chart axes all format here, and so do
words quoted from a text (“housing”, «vivienda»).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_symbol

from daas.core.i18n import _, language

# Babel locale codes per kit language, not text for a reader. English is British, as the kit
# writes it ("30 June 2025"). Spanish is Latin American: Colombia's conventions group thousands
# with a point and write decimals with a comma ("7.553", "0,5"), as most of Latin America does;
# Babel's es_MX and es_419 group with a comma ("7,553", read as seven and a half elsewhere) and
# plain `es` (Spain) does not group four-digit numbers in CLDR.
LOCALES = {"en": "en_GB", "es": "es_CO", "pt": "pt_BR"}


def locale(lang: str | None = None) -> str:
    """The Babel locale for `lang` (the current language by default)."""
    return LOCALES.get(lang or language(), LOCALES["en"])


def number(value: float, digits: int | None = None, lang: str | None = None) -> str:
    """`value` with the reader's grouping and decimal signs; `digits` fixed decimals when given
    (else up to three, as Babel's default pattern)."""
    if digits is None:
        return format_decimal(value, locale=locale(lang))
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(round(value, digits), format=pattern, locale=locale(lang))


def percent(share: float, digits: int = 0, lang: str | None = None) -> str:
    """`share` (0.25) as a percentage (`25%`), with `digits` decimals."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(share, format=pattern, locale=locale(lang))


def money(value: float, currency: str, lang: str | None = None) -> str:
    """`value` in `currency` (ISO 4217) in whole units, the symbol where the locale puts it."""
    loc = Locale.parse(locale(lang))
    pattern = loc.currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
    return format_currency(
        round(value), currency, format=pattern, locale=loc, currency_digits=False
    )


def date(value: dt.date | str, lang: str | None = None) -> str:
    """A date (or ISO 8601 date text) written out: `30 June 2025`, `30 de junio de 2025`."""
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return format_date(day, format="long", locale=locale(lang))


def quoted(text: str, lang: str | None = None) -> str:
    """`text` in the reader's quotation marks: a word quoted from a story (“housing”), so a
    reader sees a word someone wrote, not a code."""
    # translators: the quotation marks of your language, as the site prints a quotation
    return _("“{text}”", lang).format(text=text)


def vega_locale(currency: str = "USD", lang: str | None = None) -> dict[str, Any]:
    """Vega-Lite's `config.locale` for the reader's language: axes, legends and tooltips then
    format numbers (`format: ",d"`), money (`"$,d"`) and dates (`formatType: "time"`) as the
    reader writes them."""
    loc = Locale.parse(locale(lang))
    symbols = loc.number_symbols["latn"]
    symbol = get_currency_symbol(currency, locale=loc)
    pattern = loc.currency_formats["standard"].pattern
    before = pattern.startswith("¤")
    sign = symbol + ("\u00a0" if before and pattern[1].isspace() else "")
    months = loc.months["format"]["wide"]
    short_months = loc.months["format"]["abbreviated"]
    days = loc.days["format"]["wide"]
    short_days = loc.days["format"]["abbreviated"]
    order = [6, 0, 1, 2, 3, 4, 5]  # d3 starts the week on Sunday, Babel numbers Monday 0
    return {
        "number": {
            "decimal": symbols["decimal"],
            "thousands": symbols["group"],
            "grouping": [3],
            "currency": [sign, ""] if before else ["", "\u00a0" + symbol],
        },
        "time": {
            "dateTime": "%x, %X",
            "date": "%d/%m/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [days[i] for i in order],
            "shortDays": [short_days[i] for i in order],
            "months": [months[i] for i in range(1, 13)],
            "shortMonths": [short_months[i] for i in range(1, 13)],
        },
    }


# Vega-Lite formats (d3-format / d3-time-format) that the locale above then writes natively
AXIS_NUMBER = ",d"
AXIS_SHARE = ".0%"
AXIS_DATE = "%-d %b %Y"
