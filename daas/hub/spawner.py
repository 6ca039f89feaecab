"""The rehearsal hub's spawner: JupyterHub's local-process spawner, with ports that never collide.

JupyterHub picks a participant's server port by binding port 0 and letting it go
(`jupyterhub.utils.random_port`); the server binds it a second or two later. With a room
logging in at once, two servers can be handed the same port: the second cannot bind it and
exits, but the hub, which checks a server by HTTP, finds the first one answering there and
routes the second participant to it, where every request is a 404. This hub hands a port to one
server at a time: a port stays taken until its server stops.
"""

from __future__ import annotations

from collections.abc import Callable

from jupyterhub.spawner import SimpleLocalProcessSpawner
from jupyterhub.utils import random_port

HANDED_OUT: set[int] = set()  # the ports of this hub's running servers


def fresh_port(taken: set[int], pick: Callable[[], int] = random_port) -> int:
    """A free port that no server of this hub holds; kept in `taken` until given back."""
    port = pick()
    while port in taken:
        port = pick()
    taken.add(port)
    return port


class RoomSpawner(SimpleLocalProcessSpawner):
    """Each participant's server, on a port no other server of the room was given."""

    async def start(self):
        self.port = fresh_port(HANDED_OUT)
        try:
            return await super().start()
        except BaseException:
            HANDED_OUT.discard(self.port)
            raise

    async def stop(self, now: bool = False) -> None:
        try:
            await super().stop(now=now)
        finally:
            HANDED_OUT.discard(self.port)
