"""Sphinx extension: learner and coach editions of the book from one source.

Coach notes are admonitions with class `coach-note`; worked solutions are admonitions (or
dropdowns) with class `solution`; `{only} coach` blocks hold anything else for coaches. The
edition comes from the Sphinx config value `daas_edition` (`learner` or `coach`), which defaults
to $DAAS_EDITION and then to `learner`: a plain build never shows coaches' material. In the
learner edition those nodes are removed while the page is read, so they reach neither the HTML
nor the search index, and page sources are not copied into the site.
"""

from __future__ import annotations

import os

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.transforms import SphinxTransform

EDITIONS = ("learner", "coach")
HIDDEN_CLASSES = frozenset({"coach-note", "solution"})


def edition_from_env() -> str:
    return os.environ.get("DAAS_EDITION", "learner").strip().lower() or "learner"


def is_hidden(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and bool(HIDDEN_CLASSES & set(node.get("classes", [])))


class RemoveCoachMaterial(SphinxTransform):
    """In the learner edition, drop every node carrying a coach-only class."""

    default_priority = 200

    def apply(self, **kwargs: object) -> None:
        if self.config.daas_edition == "coach":
            return
        for node in list(self.document.findall(is_hidden)):
            if node.parent is not None:
                node.parent.remove(node)


def _check_edition(app: Sphinx, config: Config) -> None:
    if config.daas_edition not in EDITIONS:
        raise ConfigError(
            f"daas_edition is '{config.daas_edition}'; use learner or coach "
            "(set DAAS_EDITION or sphinx.config.daas_edition in _config.yml)"
        )
    if config.daas_edition == "coach":
        app.tags.add("coach")
    else:  # `_sources/*.md` would carry the removed blocks as plain text
        config.html_copy_source = False


def setup(app: Sphinx) -> dict:
    app.add_config_value("daas_edition", edition_from_env(), "env", [str])
    app.connect("config-inited", _check_edition)
    app.add_transform(RemoveCoachMaterial)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
