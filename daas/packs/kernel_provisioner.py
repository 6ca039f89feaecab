"""The `daas-ipc` kernel provisioner (see `daas.packs.kernel_ipc`): jupyter_client loads it by its
entry point when `JUPYTER_DEFAULT_PROVISIONER_NAME` names it."""

from __future__ import annotations

from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from daas.packs.kernel_ipc import socket_base


class IPCProvisioner(LocalProvisioner):
    """The local provisioner, with the kernel's five channels on IPC sockets of its own."""

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        km = self.parent
        if km is not None and km.transport == "tcp" and not _ports_fixed(km):
            km.transport = "ipc"
            km.cache_ports = False
            km.ip = socket_base(getattr(km, "kernel_id", None))
        return await super().pre_launch(**kwargs)


def _ports_fixed(km: Any) -> bool:
    """True when the caller chose TCP ports itself (then it keeps them)."""
    ports = (km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port)
    return any(p > 0 for p in ports)
