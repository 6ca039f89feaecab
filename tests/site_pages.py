"""The pages the site should contain, from `_toc.yml` (the source of truth), the languages it is
built in, and a local server.

The site is `_build/html/` (`<lang>/` per language plus a root page); set $DAAS_TEST_SITE to test
another build, e.g. one made with `daas book build --languages en,es,pt --output /tmp/x`.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from daas.core.i18n import LANGUAGES, PUBLISHED
from daas.core.paths import repo_root

SPECIAL_PAGES = ["index.html", "genindex.html", "search.html"]


def toc_files() -> list[str]:
    """Every document in `_toc.yml`, in order."""
    toc = yaml.safe_load((repo_root() / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk({k: v for k, v in toc.items() if k != "root"})
    return found


def expected_pages() -> list[str]:
    """The pages of one language's site."""
    return SPECIAL_PAGES + [f"{f}.html" for f in toc_files()]


def site_root() -> Path:
    """The built site under test."""
    env = os.environ.get("DAAS_TEST_SITE")
    return Path(env) if env else repo_root() / "_build" / "html"


def site_languages() -> list[str]:
    """The languages the site under test is built in (the published ones when not built yet)."""
    built = [lang for lang in LANGUAGES if (site_root() / lang / "index.html").exists()]
    return built or list(PUBLISHED)


def language_pages() -> list[tuple[str, str]]:
    """(language, page) for every page of every built language."""
    return [(lang, page) for lang in site_languages() for page in expected_pages()]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` on an ephemeral loopback port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def ensure_built_site() -> Path:
    """The built site: built here (cached) when `make test` has not built it already. Test
    workers that need it at once wait for the one building it (a lock beside the site)."""
    import fcntl

    root = site_root()
    if "DAAS_TEST_SITE" not in os.environ:
        root.parent.mkdir(parents=True, exist_ok=True)
        with open(root.parent / ".site-build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not all((root / lang / "index.html").exists() for lang in PUBLISHED):
                from daas.cli import main

                assert main(["book", "build"]) == 0  # the city's outputs first, then the site
    assert (root / "index.html").exists(), f"no built site in {root}"
    return root
