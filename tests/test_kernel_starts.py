"""Kernel starts never collide: local kernels use IPC sockets, a failed start is retried once,
and many kernels start at once beside CPU burners (the stress run in `benchmarks/`)."""

from __future__ import annotations

import importlib
import os
import stat
import sys
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from daas.core.paths import repo_root
from daas.packs import kernel_forks, workshop
from daas.packs.kernel_ipc import PROVISIONER, is_start_failure


def _benchmark():
    """benchmarks/kernel_starts.py, imported by name so that its worker processes (spawned)
    can import it too."""
    folder = str(repo_root() / "benchmarks")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("kernel_starts")


def test_the_suite_and_its_children_start_kernels_with_the_ipc_provisioner() -> None:
    assert os.environ["JUPYTER_DEFAULT_PROVISIONER_NAME"] == PROVISIONER


def test_a_local_kernel_listens_on_private_ipc_sockets_of_its_own() -> None:
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        info = km.get_connection_info()
        assert info["transport"] == "ipc"
        folder = Path(info["ip"]).parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        sockets = sorted(folder.glob(Path(info["ip"]).name + "-*"))
        assert len(sockets) == 5 and all(stat.S_ISSOCK(s.stat().st_mode) for s in sockets)
        assert kc.execute_interactive("1 + 1", timeout=60)["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert not list(folder.glob(Path(info["ip"]).name + "-*"))  # cleaned up


@pytest.mark.parametrize("forked", ["1", "0"])
def test_kernels_keep_their_history_in_memory(monkeypatch: pytest.MonkeyPatch, forked: str) -> None:
    """Kernels starting at once never share ~/.ipython's history file (one found it locked and
    moved it aside as corrupt during `daas workshop run --all`)."""
    monkeypatch.setenv(kernel_forks.SWITCH, forked)
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        reply = kc.execute_interactive(
            "print(get_ipython().history_manager.hist_file)", timeout=60, output_hook=_keep
        )
        assert reply["content"]["status"] == "ok"
        assert _SEEN.pop().strip() == ":memory:"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


_SEEN: list[str] = []


def _keep(msg: dict) -> None:
    if msg["msg_type"] == "stream":
        _SEEN.append(msg["content"]["text"])


def test_start_failures_are_told_apart_from_cell_failures() -> None:
    assert is_start_failure(RuntimeError("Kernel died before replying to kernel_info"))
    assert is_start_failure(TimeoutError("Kernel didn't respond in 60 seconds"))
    assert not is_start_failure(RuntimeError("division by zero"))

    class PapermillExecutionError(Exception):
        pass

    assert not is_start_failure(PapermillExecutionError("Kernel died before replying"))


def _task(tmp_path: Path) -> workshop.Task:
    src = repo_root() / "notebooks" / "00-city-profile.ipynb"
    return workshop.Task("port-mallory", str(src), str(tmp_path / "out.ipynb"), "", 600)


def test_a_kernel_that_did_not_start_is_retried_once(tmp_path, monkeypatch) -> None:
    calls: list[object] = []

    def flaky(tmp_in, tmp_out, city, source, task, km) -> None:
        calls.append(km)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        Path(tmp_out).write_text(Path(tmp_in).read_text())

    monkeypatch.setattr(workshop, "_execute", flaky)
    result = workshop.run_task(_task(tmp_path), warm=False)
    assert result.status == "ok" and len(calls) == 2
    assert (tmp_path / "out.ipynb").exists()


def test_a_second_failed_start_is_a_result_naming_the_notebook_and_cause(
    tmp_path, monkeypatch
) -> None:
    def dead(*args) -> None:
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(workshop, "_execute", dead)
    result = workshop.run_task(_task(tmp_path), warm=False)
    assert result.status == "failed"
    assert result.notebook.startswith("notebooks/") and "twice" in result.error
    assert "Kernel died before replying to kernel_info" in result.error
    assert not (tmp_path / "out.ipynb").exists()


def test_a_cell_failure_is_not_retried(tmp_path, monkeypatch) -> None:
    calls: list[int] = []

    def broken(*args) -> None:
        calls.append(1)
        raise ValueError("a cell raised")

    monkeypatch.setattr(workshop, "_execute", broken)
    assert workshop.run_task(_task(tmp_path), warm=False).status == "failed"
    assert calls == [1]


@pytest.mark.slow
def test_sixteen_kernels_at_once_across_four_processes_beside_cpu_burners() -> None:
    outcome = _benchmark().stress(processes=4, per_process=4, rounds=2, burners=2)
    assert outcome.starts == 32
    assert outcome.failures == []
    assert outcome.transports == {"ipc"}
