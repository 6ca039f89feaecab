"""A reply already in the socket is seen within a slice, even when its wake-up was consumed
(`daas.core.kernel_wakeups`): the stall that made a book page take 303 s instead of 3."""

from __future__ import annotations

import asyncio
import time

import zmq
import zmq.asyncio

from daas.core import kernel_wakeups


async def _wait_for_pending_message(wait) -> tuple[bool, float]:
    """Send one message while `wait(socket)` is already waiting, consume the socket's
    edge-triggered wake-up (as a send on the same socket can), and time the wait."""
    ctx = zmq.asyncio.Context()
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    try:
        b.bind("inproc://wakeups")
        a.connect("inproc://wakeups")
        waiting = asyncio.ensure_future(wait(b))
        await asyncio.sleep(0.1)
        a.send(b"reply")
        zmq.Socket.shadow(b.underlying).get(zmq.EVENTS)  # the wake-up is gone, the message is not
        started = time.perf_counter()
        ready = bool(await waiting)
        return ready, time.perf_counter() - started
    finally:
        a.close(linger=0)
        b.close(linger=0)
        ctx.term()


def test_a_plain_poll_misses_the_message_until_its_timeout() -> None:
    """The failure the module exists for: without slicing, the wait lasts the whole timeout."""
    ready, seconds = asyncio.run(_wait_for_pending_message(lambda s: s.poll(3000)))
    assert ready and seconds > 2.5


def test_a_sliced_poll_sees_the_message_within_a_slice() -> None:
    ready, seconds = asyncio.run(
        _wait_for_pending_message(lambda s: kernel_wakeups.sliced_poll(s, 30))
    )
    assert ready and seconds < kernel_wakeups.SLICE + 1


def test_a_sliced_poll_still_times_out() -> None:
    async def nothing() -> tuple[bool, float]:
        ctx = zmq.asyncio.Context()
        s = ctx.socket(zmq.PAIR)
        s.bind("inproc://nothing")
        started = time.perf_counter()
        try:
            return await kernel_wakeups.sliced_poll(s, 1.2), time.perf_counter() - started
        finally:
            s.close(linger=0)
            ctx.term()

    ready, seconds = asyncio.run(nothing())
    assert not ready and 1.1 < seconds < 3


def test_the_patch_is_applied_to_jupyter_client_channels() -> None:
    from jupyter_client.channels import AsyncZMQSocketChannel

    kernel_wakeups.patch()
    kernel_wakeups.patch()  # idempotent
    assert getattr(AsyncZMQSocketChannel.get_msg, kernel_wakeups._PATCHED)
