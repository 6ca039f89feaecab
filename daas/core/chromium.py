"""Debian's Chromium, as the kit drives it (handouts printed to PDF, page tests): never a
downloaded browser, no background traffic, no name resolved beyond loopback."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
QUIET = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def offline(loopback: bool = False) -> str:
    """The flag that makes every host name unresolvable (but loopback's, when `loopback`), so a
    page that tries to load anything from the internet fails instead of reaching it."""
    rule = "MAP * ~NOTFOUND"
    return f"--host-resolver-rules={rule}" + (
        ", EXCLUDE 127.0.0.1, EXCLUDE localhost" if loopback else ""
    )
