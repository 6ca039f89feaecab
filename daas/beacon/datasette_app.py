"""Datasette as the Beacon serves it: read-only at the door, quiet in the log.

The database is already opened immutable; this adds what Datasette leaves open:
- any method other than GET, HEAD or OPTIONS answers 405, and a write route (`/-/insert`,
  `/-/upsert`, `/-/update`, `/-/delete`, `/-/drop`, `/-/create`) answers 403 whatever the
  method, before Datasette sees the request (Datasette 0.65 answers some of them with a 500);
- Datasette prints a rich traceback, with local variables, for every error page it renders
  (and fails doing so outside an `except` block, turning a 404 into a 500): that printing is
  switched off, so a rejected request leaves one short line in the log at most.

Self-contained (Datasette and the standard library only): `daas beacon bundle` copies it into a
bundle as a plugin. `run` starts Datasette with it and the other plugins given;
`python -m daas.beacon.datasette_main serve ...` is how `daas beacon serve` runs it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable
from types import ModuleType

from datasette import hookimpl

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_ROUTE = re.compile(r"/-/(insert|upsert|update|delete|drop|create|create-token)/?$")

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


def refusal(method: str, path: str) -> tuple[int, str] | None:
    """(status, reason) for a request the read-only Beacon refuses, else None."""
    if WRITE_ROUTE.search(path):
        return 403, "the Beacon is read-only: its data cannot be changed through this server"
    if method.upper() not in READ_METHODS:
        return 405, "the Beacon is read-only: use GET"
    return None


async def _answer(send: Send, status: int, reason: str) -> None:
    body = json.dumps({"ok": False, "error": reason, "status": status}).encode()
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"allow", b"GET, HEAD, OPTIONS"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def read_only(app: Callable) -> Callable:
    """An ASGI wrapper that refuses writes before the application sees them."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") == "http":
            refused = refusal(scope.get("method", "GET"), scope.get("path", ""))
            if refused:
                await _answer(send, *refused)
                return
        await app(scope, receive, send)

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    return read_only


def run(plugins: Iterable[ModuleType] = (), argv: list[str] | None = None) -> None:
    """Silence the rich tracebacks, register this guard and `plugins` (named by their `PLUGIN`),
    then run Datasette's own command line with `argv` (default: this process's arguments)."""
    import sys

    from datasette.cli import cli
    from datasette.plugins import pm  # registers the default plugins, the error handler included

    # imported here directly, the handler module would be registered half-initialised
    default_handler = sys.modules["datasette.handle_exception"]
    # it then prints a plain traceback only for a real 500 (rich: an attribute of that module)
    default_handler.rich = None  # type: ignore[attr-defined]
    pm.register(sys.modules[__name__], name="daas-beacon-read-only")
    for plugin in plugins:
        pm.register(plugin, name=getattr(plugin, "PLUGIN", None))
    cli(args=argv, prog_name="datasette")
