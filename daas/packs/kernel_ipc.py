"""Local kernels over IPC sockets, so kernel starts never race for TCP ports.

Over TCP, jupyter_client picks free ports, releases them, and the kernel binds them a moment
later: with several kernels starting at once, another process can take a port in between and the
kernel dies ("Address already in use"). Over IPC each kernel's sockets are files named after the
kernel, in a folder private to the user, so no two starts can pick the same address.

`daas.packs.kernel_provisioner.IPCProvisioner` is registered as the `daas-ipc` kernel provisioner
(`pyproject.toml`); `use_ipc_kernels()` makes it jupyter_client's default in this process and in
every process it starts (papermill, warm kernels, nbval, the book's execution, JupyterLab).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from importlib.metadata import entry_points
from pathlib import Path

PROVISIONER = "daas-ipc"
_ENV = "JUPYTER_DEFAULT_PROVISIONER_NAME"
# A Unix socket path holds at most 107 bytes; leave room for the "-<n>" suffix.
_MAX_SOCKET_PATH = 100
# What jupyter_client and nbclient say when a kernel did not come up.
_START_FAILURES = (
    "kernel died before replying to kernel_info",
    "kernel didn't respond in",
    "address already in use",
    "kernel info reqest timed out",
    "kernel_info request timed out",
)


def _socket_dir() -> Path:
    """A folder only this user can enter, for the kernels' socket files."""
    base = Path(os.environ.get("DAAS_KERNEL_SOCKETS") or tempfile.gettempdir())
    path = base / f"daas-kernels-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    if path.stat().st_uid != os.getuid() or path.stat().st_mode & 0o077:
        raise PermissionError(f"{path} is not private to this user; remove it and run again")
    return path


def socket_base(kernel_id: str | None) -> str:
    """The path prefix of one kernel's sockets: unique to the kernel, short enough for Unix."""
    name = f"k-{kernel_id or uuid.uuid4()}"
    base = str(_socket_dir() / name)
    if len(base) > _MAX_SOCKET_PATH:  # a very long temporary folder: fall back to /tmp
        base = str(Path("/tmp") / name)
    return base


def use_ipc_kernels() -> bool:
    """Make `daas-ipc` the default provisioner here and in child processes.

    Returns False (and changes nothing) when the provisioner is not installed, for example in a
    kernel environment without the kit; a variable the user set is respected."""
    from daas.core import kernel_wakeups

    kernel_wakeups.patch()  # the replies of kernels this process talks to are never missed
    if os.environ.get(_ENV):
        return os.environ[_ENV] == PROVISIONER
    found = entry_points(group="jupyter_client.kernel_provisioners", name=PROVISIONER)
    if not found:
        return False
    os.environ[_ENV] = PROVISIONER
    return True


def is_start_failure(exc: BaseException) -> bool:
    """True when `exc` says a kernel did not start (worth one retry), not that a cell failed."""
    if type(exc).__name__ in ("PapermillExecutionError", "CellExecutionError", "CellTimeoutError"):
        return False
    text = f"{type(exc).__name__}: {exc}".lower()
    return type(exc).__name__ == "ZMQError" or any(s in text for s in _START_FAILURES)
