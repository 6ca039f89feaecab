"""Warm Jupyter kernels: start the next notebook's kernel (and its heavy imports) while the
current notebook runs, so a batch pays kernel start-up and import time off the critical path.

Each notebook still gets a fresh kernel process of its own; only modules are pre-imported, and
nothing is bound in the notebook's namespace.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from concurrent.futures import Future
from pathlib import Path

from jupyter_client.manager import KernelManager

from daas.packs.kernel_ipc import is_start_failure

KERNEL = "python3"
PRELOAD = (
    "pandas",
    "altair",
    "ipywidgets",
    "daas.core.city",
    "daas.core.charts",
    "daas.profile.city_profile",
)
_PRELOAD_CODE = "\n".join(f"__import__({m!r})" for m in PRELOAD)


def start_kernel(cwd: Path) -> KernelManager:
    """Start a kernel in `cwd` and pre-import the kit's heavy modules (silently); a kernel that
    does not come up is replaced by a fresh one, once."""
    try:
        return _start_kernel(cwd)
    except Exception as exc:
        if not is_start_failure(exc):
            raise
        return _start_kernel(cwd)


def _start_kernel(cwd: Path) -> KernelManager:
    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel(cwd=str(cwd), extra_arguments=["--IPKernelApp.log_level=ERROR"])
    kc = km.blocking_client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        kc.execute_interactive(_PRELOAD_CODE, silent=True, store_history=False, timeout=120)
    except BaseException:
        shutdown(km)
        raise
    finally:
        kc.stop_channels()
    return km


def chdir(km: KernelManager, cwd: Path, env: dict[str, str] | None = None) -> None:
    """Move a warm kernel to the notebook's folder, with `env` added to its environment (the
    reader's language, `DAAS_LANG`), before it runs."""
    code = f"import os as _os; _os.chdir({str(cwd)!r}); _os.environ.update({dict(env or {})!r})"
    kc = km.blocking_client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        kc.execute_interactive(code + "; del _os", silent=True, store_history=False, timeout=60)
    finally:
        kc.stop_channels()


def shutdown(km: KernelManager) -> None:
    with contextlib.suppress(Exception):
        km.shutdown_kernel(now=True)
    with contextlib.suppress(Exception):
        km.cleanup_resources()


class KernelPool:
    """Keeps one warm kernel ready in the background; `take()` hands it over and warms the next."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self._next: Future[KernelManager] | None = None
        self._lock = threading.Lock()
        atexit.register(self.close)

    def _warm(self) -> Future[KernelManager]:
        fut: Future[KernelManager] = Future()

        def run() -> None:
            try:
                fut.set_result(start_kernel(self.cwd))
            except BaseException as exc:  # reported to the caller of take()
                fut.set_exception(exc)

        threading.Thread(target=run, daemon=True).start()
        return fut

    def take(
        self, cwd: Path, prefetch: bool = True, env: dict[str, str] | None = None
    ) -> KernelManager:
        """A warm kernel moved to `cwd` with `env` set; starts warming the next one when
        `prefetch`."""
        with self._lock:
            fut = self._next or self._warm()
            self._next = self._warm() if prefetch else None
        km = fut.result()
        chdir(km, cwd, env)
        return km

    def close(self) -> None:
        with self._lock:
            fut, self._next = self._next, None
        if fut is not None:
            with contextlib.suppress(Exception):
                shutdown(fut.result(timeout=120))
