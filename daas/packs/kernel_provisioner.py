"""The `daas-ipc` kernel provisioner (see `daas.packs.kernel_ipc`): jupyter_client loads it by its
entry point when `JUPYTER_DEFAULT_PROVISIONER_NAME` names it. Its kernels talk over IPC sockets
and, when they can, are forked from a warm parent (`daas.packs.kernel_forks`)."""

from __future__ import annotations

import os
import pathlib
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner

from daas.packs import kernel_forks
from daas.packs.kernel_ipc import socket_base

HISTORY_IN_MEMORY = "--HistoryManager.hist_file=:memory:"


class IPCProvisioner(LocalProvisioner):
    """The local provisioner, with the kernel's five channels on IPC sockets of its own."""

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        km = self.parent
        if km is not None and km.transport == "tcp" and not _ports_fixed(km):
            km.transport = "ipc"
            km.cache_ports = False
            km.ip = socket_base(getattr(km, "kernel_id", None))
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        env = kwargs.get("env") or os.environ
        cmd = with_private_history(cmd)
        if not kernel_forks.can_fork(cmd, env):
            return await super().launch_kernel(cmd, **kwargs)
        cwd = kwargs.get("cwd")
        try:
            child = kernel_forks.server().launch(cmd, env, str(cwd) if cwd else None)
        except (OSError, RuntimeError, ValueError) as exc:  # no fork server: start it as usual
            self.log.warning("kernel fork server unavailable (%s); starting a new Python", exc)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = child  # type: ignore[assignment]  # Popen's interface, not its class
        self.pid = self.pgid = child.pid  # the child starts a session of its own
        self.cwd = cwd or pathlib.Path.cwd()
        return self.connection_info


def with_private_history(cmd: list[str]) -> list[str]:
    """An IPython kernel's command with its input history kept in memory: kernels starting at once
    otherwise share one SQLite file in ~/.ipython, and one that finds it locked moves it aside as
    corrupt ("database is locked")."""
    if HISTORY_IN_MEMORY in cmd or "ipykernel_launcher" not in " ".join(cmd[:3]):
        return cmd
    return [*cmd, HISTORY_IN_MEMORY]


def _ports_fixed(km: Any) -> bool:
    """True when the caller chose TCP ports itself (then it keeps them)."""
    ports = (km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port)
    return any(p > 0 for p in ports)
