"""Kernel replies are never left waiting for a wake-up that does not come.

A client waits for a kernel's reply with `socket.poll(timeout)` on a `zmq.asyncio` socket, which
sleeps until the socket's file descriptor signals. That signal is edge-triggered, and libzmq may
consume it without a message being read, for example when the same socket sends (nbclient sends
widget and control messages while it waits): the reply is then in the socket, but the wait lasts
its whole timeout (300 s for a book page) before the message is seen. Fresh-clone builds showed
exactly that, a page taking 303 s instead of 3.

`patch()` makes jupyter_client's asyncio channels wait in slices of at most `SLICE` seconds, each
ending with a direct check of the socket, so a lost wake-up costs at most one slice. It is
applied in every process that talks to kernels: the `daas` command, the book's Sphinx build,
papermill runs and the test suite (nbval).
"""

from __future__ import annotations

from queue import Empty
from time import monotonic
from typing import Any

SLICE = 0.5  # seconds: the longest a ready message can wait unseen
_PATCHED = "_daas_sliced"


async def sliced_poll(socket: Any, timeout: float | None) -> bool:
    """Whether a message is ready on `socket` within `timeout` seconds (None: no limit), polling
    in slices of at most `SLICE` seconds."""
    deadline = None if timeout is None else monotonic() + timeout
    while True:
        left = SLICE if deadline is None else min(SLICE, max(0.0, deadline - monotonic()))
        if await socket.poll(int(left * 1000)):
            return True
        if deadline is not None and monotonic() >= deadline:
            return False


def patch() -> None:
    """Make `AsyncZMQSocketChannel.get_msg` wait with `sliced_poll` (idempotent)."""
    from jupyter_client.channels import AsyncZMQSocketChannel

    if getattr(AsyncZMQSocketChannel.get_msg, _PATCHED, False):
        return

    async def get_msg(self: Any, timeout: float | None = None) -> dict[str, Any]:
        """Gets a message if there is one that is ready (waiting in slices)."""
        assert self.socket is not None
        if await sliced_poll(self.socket, timeout):
            return await self._recv()
        raise Empty

    setattr(get_msg, _PATCHED, True)
    AsyncZMQSocketChannel.get_msg = get_msg  # type: ignore[method-assign]
