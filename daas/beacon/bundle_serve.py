"""Serve this Beacon with Datasette: read-only (immutable database, writes refused), with the
query time and row limits of `settings.json`, the Open311 API and the page data under `/pages/`.

    python serve.py                     # http://127.0.0.1:8001/, this machine only
    python serve.py --host 0.0.0.0      # every network interface (a container, a proxy)

The port is `--port`, else the PORT environment variable (container platforms set it), else
8001. Needs only the packages of `requirements.txt` and the files beside this one.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLUGINS = ("read_only", "open311")  # plugins/<name>.py; read_only starts Datasette


def datasette_args(host: str, port: int) -> list[str]:
    """The `datasette serve` arguments for the files of this folder."""
    args = [
        "serve",
        "--immutable",
        str(HERE / "beacon.db"),
        "--metadata",
        str(HERE / "metadata.json"),
        "--static",
        f"pages:{HERE / 'pages'}",
        "--host",
        host,
        "--port",
        str(port),
    ]
    settings = json.loads((HERE / "settings.json").read_text(encoding="utf-8"))
    for name, value in settings.items():
        args += ["--setting", name, str(value)]
    return args


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve this Beacon with Datasette, read-only.")
    parser.add_argument("--host", default="127.0.0.1", help="address (default: %(default)s)")
    port = int(os.environ.get("PORT") or 8001)
    parser.add_argument("--port", type=int, default=port, help="port (default: %(default)s)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE / "plugins"))
    read_only, *others = (importlib.import_module(name) for name in PLUGINS)
    read_only.run(others, datasette_args(args.host, args.port))


if __name__ == "__main__":
    main()
