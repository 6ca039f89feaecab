"""Kernels forked from a warm parent behave as freshly started ones: their own folder, environment,
namespace and session; interrupts, shutdown and the end of their client work as usual."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager, start_new_kernel

from daas.packs import kernel_forks
from daas.packs.kernel_forks import ForkServer, can_fork


def _run(kc, code: str) -> str:
    out: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append(f"{msg['content']['ename']}\n")

    kc.execute_interactive(code, timeout=60, output_hook=hook)
    return "".join(out).strip()


def _wait_until_running(kc, msg_id: str, timeout: float = 60) -> None:
    """Read IOPub until the kernel announces it runs the cell `msg_id`, then a moment more."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["msg_type"] == "execute_input" and msg["parent_header"].get("msg_id") == msg_id:
            time.sleep(0.2)  # from announcing the cell to being inside time.sleep
            return
    raise AssertionError("the kernel never started the cell")


def _reply_to(kc, msg_id: str, timeout: float = 20) -> dict:
    """The shell reply to request `msg_id`. Replies to earlier requests are passed over: on a
    loaded machine `wait_for_ready` may have asked for kernel_info twice and read one answer."""
    deadline = time.monotonic() + timeout
    while True:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DAAS_TEST_MARK", "forked-7c1e")
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def test_the_suite_forks_its_kernels(kernel) -> None:
    km, _ = kernel
    assert isinstance(km.provisioner.process, kernel_forks.ForkedKernel)


def test_a_forked_kernel_has_its_folder_environment_and_a_clean_namespace(
    kernel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    km, kc = kernel
    assert _run(kc, "import os; print(os.getcwd())") == str(tmp_path)
    assert _run(kc, "print(os.environ['DAAS_TEST_MARK'])") == "forked-7c1e"
    # its modules are already imported, and it runs in a session of its own
    assert _run(kc, "import sys; print('pandas' in sys.modules, os.getsid(0) == os.getpid())") == (
        "True True"
    )
    pid = int(_run(kc, "print(os.getpid())"))
    assert pid == km.provisioner.pid and pid != os.getpid()
    # the same names and module path as a kernel started the usual way
    monkeypatch.setenv(kernel_forks.SWITCH, "0")
    plain_km, plain_kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        assert not isinstance(plain_km.provisioner.process, kernel_forks.ForkedKernel)
        for code in (
            "import os, sys",
            "print([k for k in sorted(dir()) if not k.startswith('_')])",
            "print(sys.path)",
            "print(os.environ['JPY_PARENT_PID'] == str(os.getppid()))",
            # modules that look at their kernel when imported: pandas' display, widgets' comms
            "import pandas as pd; print(pd.get_option('display.max_columns'))",
            "print(pd.DataFrame([range(30)] * 3))",
            "import ipywidgets; print(sorted(get_ipython().kernel.comm_manager.targets))",
        ):
            assert _run(kc, code) == _run(plain_kc, code), code
    finally:
        plain_kc.stop_channels()
        plain_km.shutdown_kernel(now=True)


def test_an_interrupt_stops_the_running_cell(kernel) -> None:
    km, kc = kernel
    msg_id = kc.execute("import time; time.sleep(60)")
    _wait_until_running(kc, msg_id)  # a reader interrupts a running cell, not a queued one
    km.interrupt_kernel()
    reply = _reply_to(kc, msg_id)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert _run(kc, "print(1 + 1)") == "2"  # the kernel lives on


def test_shutdown_ends_the_kernel_process() -> None:
    km, kc = start_new_kernel(kernel_name="python3")
    process = km.provisioner.process
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    assert process.poll() is not None
    assert not km.is_alive()


def test_kernels_stop_with_their_fork_server(tmp_path: Path) -> None:
    server = ForkServer()
    km = KernelManager(kernel_name="python3")
    km.provisioner = None
    cmd = [sys.executable, "-m", kernel_forks.LAUNCHER, "-f", str(tmp_path / "k.json")]
    km.write_connection_file()  # a kernel needs its connection file to start
    os.replace(km.connection_file, tmp_path / "k.json")
    child = server.launch(cmd, dict(os.environ), str(tmp_path))
    assert child.poll() is None
    server.close()  # its client is gone: ipykernel notices its parent left, within a second or two
    assert child.wait(timeout=20) is not None


def test_the_fork_server_preloads_nothing_that_needs_a_live_kernel() -> None:
    code = ("import builtins, sys; from daas.packs.kernel_forks import preload; preload(); "
            "print(hasattr(builtins, 'get_ipython'), 'ipywidgets' in sys.modules, "
            "'pandas' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "True"]


def test_only_this_python_running_ipykernel_is_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]
    env = dict(os.environ)
    assert can_fork(cmd, env)
    assert not can_fork(["/usr/bin/python3", *cmd[1:]], env)
    assert not can_fork([sys.executable, "-m", "other_kernel", "-f", "k.json"], env)
    assert not can_fork(cmd, {**env, "PYTHONPATH": "/somewhere/else"})
    assert not can_fork(cmd, {**env, "DAAS_KERNEL_FORKS": "0"})
