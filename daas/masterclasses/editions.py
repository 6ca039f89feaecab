"""The learner and coach editions of the book, for masterclasses.

`build_edition("coach")` builds the whole book with coach notes and solutions shown;
`build_edition("learner")` builds it without them (see `daas.site.coach`). Either can be cut down
to some parts of the book (`parts`).
"""

from __future__ import annotations

import functools
from pathlib import Path

from daas.core.city import DEFAULT_CITY
from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.paths import build_dir
from daas.site import variants
from daas.site.variants import Variant


def _parts(toc: dict, parts: tuple[str, ...]) -> dict:
    """The table of contents with only the named parts."""
    toc["parts"] = [p for p in toc["parts"] if p.get("caption") in parts]
    if not toc["parts"]:
        raise DaasError.one(
            "_toc.yml",
            "parts",
            _("no part is called {parts}").format(parts=", ".join(parts)),
            _("use a caption from {file}").format(file="_toc.yml"),
        )
    return toc


def variant(
    kind: str,
    city: str = DEFAULT_CITY,
    output_root: Path | None = None,
    parts: tuple[str, ...] | None = None,
) -> Variant:
    """The learner or coach edition (optionally only some parts) as a book variant."""
    work = output_root or build_dir() / "masterclass-editions" / kind
    toc = functools.partial(_parts, parts=parts) if parts else None
    return Variant(city, work, edition=kind, toc=toc)


def build_edition(
    kind: str,
    city: str = DEFAULT_CITY,
    output_root: Path | None = None,
    parts: tuple[str, ...] | None = None,
) -> Path:
    """Build the learner or coach edition (optionally only some parts); return its index page."""
    return variants.build(variant(kind, city, output_root, parts), quiet=True)
