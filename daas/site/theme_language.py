"""Sphinx extension: the theme speaks the page's language.

- The sidebar's part captions (`caption:` in `_toc.yml`) are translated with the root page's
  catalogue, where `daas i18n update` puts them: sphinx-external-toc inserts the toctrees after
  Sphinx has translated the page, so Sphinx itself never translates them.
- Strings the themes hard-code in English (the sidebar toggles, the navigation's name, the
  author line) come from the kit's copies of those templates in `sphinx_templates/`, through
  the `sphinx` catalogue.
- Every theme string the pages show has its Spanish and Portuguese in
  `locales/<lang>/LC_MESSAGES/sphinx.po` where the themes' and Sphinx's own catalogues lack it
  (they have no Portuguese at all for the pydata theme).
- Portuguese quotation marks are “ ” and ‘ ’ (Brazilian usage), not docutils' « » for `pt`.
"""

from __future__ import annotations

from pathlib import Path

from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain

QUOTES = {"pt": "“”‘’"}  # double then single quotes, opening and closing


class TranslateCaptions(SphinxTransform):
    """Translate the captions of the toctrees that sphinx-external-toc inserted."""

    default_priority = 101  # sphinx-external-toc's InsertToctrees runs at 100

    def apply(self, **kwargs: object) -> None:
        if (self.config.language or "en") == "en":
            return
        toctrees = [n for n in self.document.findall(addnodes.toctree) if n.get("caption")]
        if not toctrees:
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [str(Path(self.env.srcdir, d)) for d in self.config.locale_dirs]
        catalogue, found = init_locale(dirs, self.config.language, domain)
        if not found:
            return
        for toctree in toctrees:
            toctree["caption"] = toctree["rawcaption"] = catalogue.gettext(toctree["caption"])


def _quotes(app: Sphinx) -> None:
    """The language's quotation marks for docutils' smart quotes."""
    quotes = QUOTES.get(app.config.language or "en")
    if quotes:
        app.env.settings["smartquotes_locales"] = [(app.config.language, quotes)]


def setup(app: Sphinx) -> dict:
    app.add_transform(TranslateCaptions)
    app.connect("builder-inited", _quotes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
