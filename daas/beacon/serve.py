"""Serving the published Beacon database with Datasette: localhost only, read-only (immutable),
with a query time limit and a row limit."""

from __future__ import annotations

import ipaddress
import os
import sys

from daas.beacon.publish import ROW_LIMIT, TIME_LIMIT_MS
from daas.beacon.records import output_dir
from daas.core.errors import DaasError
from daas.core.i18n import _


def command(slug: str, port: int, host: str = "127.0.0.1") -> list[str]:
    """The Datasette command line for a city's published database."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise DaasError.one(
            "--host",
            "",
            _("'{host}' is not a loopback address").format(host=host),
            _("use {address}: the Beacon server is for this machine only").format(
                address="127.0.0.1"
            ),
        )
    if not 1024 <= port <= 65535:
        raise DaasError.one(
            "--port",
            "",
            _("{port} is not a usable port").format(port=port),
            _("use 1024 to 65535"),
        )
    out = output_dir(slug)
    db = out / "beacon.db"
    if not db.exists():
        raise DaasError.one(
            str(db),
            "",
            _("the Beacon has not been built for this city"),
            _("run `daas beacon build --city {slug}` first").format(slug=slug),
        )
    return [
        sys.executable,
        "-m",
        "daas.beacon.datasette_main",  # Datasette, refusing writes and without rich tracebacks
        "serve",
        "--immutable",
        str(db),
        "--metadata",
        str(out / "metadata.json"),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        str(TIME_LIMIT_MS),
        "--setting",
        "max_returned_rows",
        str(ROW_LIMIT),
        "--setting",
        "allow_download",
        "off",
        "--setting",
        "default_page_size",
        "100",
    ]


def serve(slug: str, port: int = 8001, host: str = "127.0.0.1") -> int:
    """Run Datasette in the foreground until interrupted."""
    cmd = command(slug, port, host)
    print(_("serving the {slug} Beacon at http://{host}:{port}/ (read-only; Ctrl+C stops it)")
          .format(slug=slug, host=host, port=port), flush=True)  # fmt: skip
    # Replace this process, so a stop signal reaches Datasette itself and leaves no orphan.
    os.execv(cmd[0], cmd)
    return 0  # not reached
