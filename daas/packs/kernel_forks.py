"""Kernels forked from a warm parent: a kernel start costs a fork, not a Python start-up.

A plain kernel start runs a new Python, imports ipykernel, then the notebook imports pandas and
altair: about two seconds of CPU, paid by every notebook, book page and test that runs code. Here
one helper process per client (the *fork server*, `kernel_forks.main`) imports
ipykernel and the kit's heavy modules once, then forks a child for each kernel. The child takes
the environment, working folder and command line the kernel would have been started with, starts
a session of its own (as `jupyter_client` does) and runs ipykernel. Nothing is bound in the
notebook's namespace: a forked kernel behaves as a fresh one whose modules were already imported,
as the warm kernels of `daas.packs.kernels` always have.

A kernel is forked only when its command is this very Python running `ipykernel_launcher` and its
environment leaves Python's own start-up settings (`PYTHON*`) as the fork server had them;
anything else, or `DAAS_KERNEL_FORKS=0`, starts as usual. The client watches a forked kernel
through a pidfd (it is the fork server's child, not its own).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import warnings
from collections.abc import Mapping, Sequence
from typing import IO

LAUNCHER = "ipykernel_launcher"
SWITCH = "DAAS_KERNEL_FORKS"
# Imported once by the fork server. Not ipywidgets (nor what imports it): it registers its comm
# targets at import only inside a kernel, which the fork server is not.
PRELOAD = ("ipykernel.kernelapp", "pandas", "altair", "daas.core.city", "daas.core.charts")


def enabled(env: Mapping[str, str] | None = None) -> bool:
    return (env if env is not None else os.environ).get(SWITCH, "1") != "0"


def _python_settings(env: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith("PYTHON")}


def can_fork(cmd: Sequence[str], env: Mapping[str, str]) -> bool:
    """True when `cmd` starts ipykernel with this Python and `env` keeps Python's settings."""
    return (
        enabled(env)
        and hasattr(os, "pidfd_open")
        and len(cmd) >= 3
        and os.path.abspath(cmd[0]) == os.path.abspath(sys.executable)
        and list(cmd[1:3]) == ["-m", LAUNCHER]
        and _python_settings(env) == _python_settings(os.environ)
    )


class ForkedKernel:
    """A `subprocess.Popen`-like handle on a kernel the fork server started."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # already gone
            self._fd, self.returncode = None, -1

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None:
            ready, _, _ = select.select([self._fd], [], [], 0)
            if ready:
                self._close(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self._fd is not None:
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            self._close(0)
        return self.returncode if self.returncode is not None else 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None and self._fd is not None:
            signal.pidfd_send_signal(self._fd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _close(self, code: int) -> None:
        self.returncode = code
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class ForkServer:
    """The client's side: starts the fork server once, then asks it for kernels."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def _server(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", _SERVER_MAIN], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, text=True, env={**os.environ, SWITCH: "0"}, cwd="/",
                start_new_session=True,
            )  # fmt: skip
            self._read(self._proc)  # "ready", once the modules are imported
        return self._proc

    @staticmethod
    def _read(proc: subprocess.Popen[str]) -> dict:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the kernel fork server stopped (see the errors above)")
        return json.loads(line)

    def launch(self, cmd: Sequence[str], env: Mapping[str, str], cwd: str | None) -> ForkedKernel:
        with self._lock:
            proc = self._server()
            assert proc.stdin is not None
            request = {
                "argv": list(cmd[3:]),
                "env": dict(env),
                "cwd": os.path.abspath(cwd or os.getcwd()),
            }
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
            return ForkedKernel(int(self._read(proc)["pid"]))

    def close(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.stdin is not None:
                with contextlib.suppress(OSError):
                    self._proc.stdin.close()  # the server exits at the end of its input
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(timeout=5)
            self._proc = None


# Not `-m`: that would put the client's folder first on the path (a copy of the kit there would
# shadow the installed package); a kernel finds its own folder on its path later, as usual.
_SERVER_MAIN = "import sys; del sys.path[0]; from daas.packs.kernel_forks import main; main()"
_SERVER: ForkServer | None = None
_SERVER_LOCK = threading.Lock()


def server() -> ForkServer:
    """This process's fork server (started on the first kernel)."""
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is None:
            import atexit

            _SERVER = ForkServer()
            atexit.register(_SERVER.close)
        return _SERVER


# The fork server's side -------------------------------------------------------------------------


def _reap(signum: int, frame: object) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _child(request: dict, replies: IO[str]) -> None:
    """Become the kernel: never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # the server's stdout carries its replies; the kernel's goes to stderr
        parent = os.getppid()  # the fork server: when it stops, the kernel stops (ipykernel)
        os.environ.clear()
        os.environ.update({**request["env"], "JPY_PARENT_PID": str(parent)})
        os.chdir(request["cwd"])
        sys.argv = [LAUNCHER, *request["argv"], f"--IPKernelApp.parent_handle={parent}"]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


class _InKernel:
    """What `get_ipython()` answers while the fork server imports: a Jupyter kernel (pandas, for
    one, sets its display defaults at import by asking whether it runs in one)."""

    kernel = True


def preload() -> None:
    """Import PRELOAD as a kernel would; modules that need a live kernel must not be among them."""
    import builtins
    import importlib

    builtins.get_ipython = _InKernel  # type: ignore[attr-defined]
    try:
        for name in PRELOAD:
            with contextlib.suppress(Exception):  # a kernel importing it would see the error
                importlib.import_module(name)
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]
    if "ipywidgets" in sys.modules:
        raise RuntimeError("kernel_forks.PRELOAD imports ipywidgets, which needs a live kernel")


def serve(requests: IO[str], replies: IO[str]) -> None:
    """Import the heavy modules, say ready, then fork one kernel per request line."""
    warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks.*")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the client stops us, not the terminal
    preload()
    signal.signal(signal.SIGCHLD, _reap)
    replies.write('{"ready": true}\n')
    replies.flush()
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request, replies)
        replies.write(json.dumps({"pid": pid}) + "\n")
        replies.flush()


def main() -> None:
    serve(sys.stdin, sys.stdout)
