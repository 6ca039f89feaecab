"""Made-up data is only ever for fictional cities, and says so.

`require_fictional` stops anything that would generate sample data for a real city (its pages
and workshops use its own exports or nothing); `sample_note` is the visible note, in the
reader's language, on every page that shows sample data.
"""

from __future__ import annotations

import html

from daas.core.city import City
from daas.core.errors import DaasError
from daas.core.i18n import N_, _

BEACON_FIX = N_(
    "add `beacon:` with `sources:` pointing to the city's own exports (an affordable-housing "
    "inventory at least; income limits and listings when you have them), mapped as in "
    "cities/README.md, then run it again"
)


def require_fictional(city: City, what: str) -> None:
    """Raise unless `city` is fictional: a real city never gets invented numbers."""
    if city.fictional:
        return
    raise DaasError.one(
        f"cities/{city.slug}.yml",
        "beacon",
        _(
            "{city} is a real city (fictional: false) with no Beacon sources: the kit does not "
            "make up {what} for a real city"
        ).format(city=city.name, what=_(what)),
        _(BEACON_FIX),
    )


def is_sample(city: City) -> bool:
    """Whether the city's data is the kit's made-up sample (every fictional city's is)."""
    return city.fictional


def note_text(city: City) -> str:
    """The note's sentence, in the reader's language."""
    return _(
        "Sample data: {city} is a fictional city and every figure on this page is made up. It "
        "describes no real place or person."
    ).format(city=city.name)


def sample_note(city: City, always: bool = False):
    """A visible note for a page or notebook showing sample data (`always` for figures that are
    a sample for every city, such as a year of example runs); nothing for a real city's data."""
    from IPython.display import HTML

    if not (always or is_sample(city)):
        return None
    text = (
        note_text(city)
        if is_sample(city)
        else _(
            "Sample data: the figures in this section are made up, the same for every city, so "
            "that every group sees the same story."
        )
    )
    return HTML(
        '<div class="admonition note daas-sample-note"><p class="admonition-title">'
        + html.escape(_("Sample data"))
        + "</p><p>"
        + html.escape(text)
        + "</p></div>"
    )
