"""Kernel start cost: a kernel forked from the warm fork server against a new Python.

Starts `--kernels` kernels one after another in each mode, each running the import cell every
book page and workshop notebook begins with (`import pandas, altair`), and prints the wall and CPU
seconds per kernel (CPU of this process and every process it started, read from /proc) and the
ratio. Target: forked / new Python <= 0.5 in CPU.

    .venv/bin/python benchmarks/kernel_forks.py [--kernels 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by `pid` and every process below it (alive or reaped)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppids = _ancestors(int(stat.parent.name))
        if pid in ppids:
            total += sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
    return total


def _ancestors(pid: int) -> set[int]:
    seen = {pid}
    while pid > 1:
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            break
        seen.add(pid)
    return seen


def run(kernels: int, forks: bool) -> tuple[float, float]:
    """Wall and CPU seconds per kernel start + import cell, in this mode."""
    from jupyter_client.manager import start_new_kernel

    from daas.packs import kernel_forks

    os.environ[kernel_forks.SWITCH] = "1" if forks else "0"
    me = os.getpid()
    cpu0, wall0 = _tree_cpu(me), time.perf_counter()
    for _ in range(kernels):
        km, kc = start_new_kernel(kernel_name="python3")
        kc.execute_interactive("import pandas, altair", timeout=120)
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    if forks and kernel_forks._SERVER is not None:
        kernel_forks._SERVER.close()  # its CPU is counted once it has been reaped
    return (time.perf_counter() - wall0) / kernels, (_tree_cpu(me) - cpu0) / kernels


def main() -> None:
    from daas.packs.kernel_ipc import use_ipc_kernels

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kernels", type=int, default=10)
    args = parser.parse_args()
    use_ipc_kernels()
    plain = run(args.kernels, forks=False)
    forked = run(args.kernels, forks=True)
    print(f"{args.kernels} kernels each, start + `import pandas, altair`, per kernel:")
    print(f"  new Python : {plain[0]:.2f} s wall, {plain[1]:.2f} s CPU")
    print(f"  forked     : {forked[0]:.2f} s wall, {forked[1]:.2f} s CPU "
          f"(the fork server's own start included)")  # fmt: skip
    print(f"  ratio forked / new: {forked[0] / plain[0]:.2f} wall, {forked[1] / plain[1]:.2f} CPU "
          f"(target CPU <= 0.5)")  # fmt: skip


if __name__ == "__main__":
    main()
