"""A scratch copy of the kit (without .venv and _build), for tests that build packs or editions."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from daas.core.paths import repo_root

IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", "*.egg-info",
                                ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache")  # fmt: skip


def copy_kit(dest: Path) -> Path:
    shutil.copytree(repo_root(), dest, ignore=IGNORE)
    return dest


def add_translations(monkeypatch, lang: str, extra: dict[str, str]) -> None:
    """Make `daas.core.i18n._` find `extra` in `lang`'s package catalogue, whatever the .po
    holds."""
    from daas.core import i18n

    real = i18n._package_catalogue

    def catalogue(wanted: str) -> dict[str, str]:
        return {**real(wanted), **extra} if wanted == lang else real(wanted)

    monkeypatch.setattr(i18n, "_package_catalogue", catalogue)


def free_port() -> int:
    """A loopback port free at this moment (another process may take it: see `serve`)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


@dataclass
class Server:
    """A server the tests started: its port, process and log."""

    port: int
    proc: subprocess.Popen
    _log: IO[str]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        stop([self.proc])

    def log(self) -> str:
        self._log.flush()
        self._log.seek(0)
        return self._log.read()


@contextlib.contextmanager
def serve(
    command: Callable[[int], list[str]],
    ready: Callable[[int], bool],
    env: dict[str, str] | None = None,
    seconds: float = 120,
    attempts: int = 3,
) -> Iterator[Server]:
    """Start the server `command(port)` on a free port and wait until `ready(port)`.

    A free port can be taken by another process before the server binds it; when the server
    exits before it is ready, it is started again on another port. Stopped on leaving."""
    errors = []
    for _ in range(attempts):
        port = free_port()
        with tempfile.TemporaryFile("w+") as log:  # a file, not a pipe: a full pipe blocks
            proc = subprocess.Popen(command(port), env=env, stdout=log, stderr=log, text=True)
            server = Server(port, proc, log)
            deadline = time.monotonic() + seconds
            while proc.poll() is None and time.monotonic() < deadline and not ready(port):
                time.sleep(0.2)  # polling for readiness, bounded by the deadline
            if proc.poll() is None and ready(port):
                try:
                    yield server
                finally:
                    server.stop()
                return
            server.stop()
            errors.append(f"port {port}: {server.log()[-2000:]}")
    raise RuntimeError("the server did not start:\n" + "\n".join(errors))


def stop(procs: list[subprocess.Popen]) -> None:
    """Terminate, then kill what has not ended after 20 s."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def write_beacon_city(root: Path, slug: str, source: dict, name: str | None = None) -> Path:
    """A city file whose Beacon has one inventory source (`source`: path, mapping, ...)."""
    import yaml

    city = {
        "slug": slug,
        "name": name or slug.title(),
        "country": "US",
        "priority_problem": "Housing.",
        "beacon": {
            "publisher": "Housing department",
            "contact_point": {"name": "Data team", "email": "data@example.org"},
            "sources": {"inventory": source},
        },
    }
    path = root / "cities" / f"{slug}.yml"
    path.write_text(yaml.safe_dump(city, allow_unicode=True))
    return path
