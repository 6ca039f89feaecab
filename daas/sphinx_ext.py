"""Sphinx extension for the book: keep every page offline and fail fast on stale assets.

- Stops the build when the vendored vega bundle and the installed altair disagree.
- Removes sphinx-thebe's page scripts at their source. JB1 always loads sphinx-thebe, which
  registers `const THEBE_JS_URL = ...` (declared twice per page, a console error) and points at a
  CDN; the kit does not use thebe (it needs a live Binder), so its listeners are disconnected.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from daas import assets
from daas.errors import DaasError


def _check_assets(app: Sphinx) -> None:
    try:
        assets.check()
    except DaasError as exc:
        raise ExtensionError(f"offline assets: {exc}") from None


def _disconnect_thebe(app: Sphinx) -> None:
    for event, listeners in app.events.listeners.items():
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", "").startswith("sphinx_thebe") and (
                event in {"env-before-read-docs", "doctree-resolved"}
            ):
                app.disconnect(listener.id)


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_thebe")
    _disconnect_thebe(app)
    app.connect("builder-inited", _check_assets)
    app.add_css_file("daas.css")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
