"""Kernel starts under load: many kernels at once, across processes, beside CPU burners.

Starts `--processes` processes; in each, `--per-process` threads start a kernel at the same
moment, run one cell and shut it down; repeated for `--rounds` rounds while `--burners` processes
keep the cores busy. Prints the starts, the failures with their cause, and the start times.

`--transport tcp` runs the same load with jupyter_client's default TCP transport, to compare:
over TCP a kernel can lose its port to another start ("Address already in use").

    .venv/bin/python benchmarks/kernel_starts.py [--processes 4 --per-process 4 --rounds 3]

`tests/test_kernel_starts.py` runs `stress()` in `make test`.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Outcome:
    """What the starts of one run came to."""

    starts: int = 0
    failures: list[str] = field(default_factory=list)
    transports: set[str] = field(default_factory=set)
    seconds: list[float] = field(default_factory=list)


def _burn(stop_at: float) -> None:
    """Keep one core busy until `stop_at` (a bounded loop: it always ends)."""
    x = 0
    while time.time() < stop_at:
        x = (x * 31 + 7) % 1_000_003


def _one_kernel(barrier: threading.Barrier, out: list[tuple[str, str, float]]) -> None:
    from jupyter_client.manager import start_new_kernel

    barrier.wait()
    started = time.perf_counter()
    km = kc = None
    try:
        km, kc = start_new_kernel(kernel_name="python3", startup_timeout=120)
        reply = kc.execute_interactive("x = 6 * 7", timeout=120)
        status = reply["content"]["status"]
        out.append((km.transport, "" if status == "ok" else status, time.perf_counter() - started))
    except Exception as exc:  # counted and reported, never raised
        out.append(("?", f"{type(exc).__name__}: {exc}", time.perf_counter() - started))
    finally:
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            km.shutdown_kernel(now=True)


def _process(per_process: int, transport: str, queue: mp.Queue) -> None:
    if transport == "ipc":
        from daas.packs.kernel_ipc import use_ipc_kernels

        use_ipc_kernels()
    else:
        os.environ["JUPYTER_DEFAULT_PROVISIONER_NAME"] = "local-provisioner"
    out: list[tuple[str, str, float]] = []
    barrier = threading.Barrier(per_process)
    threads = [
        threading.Thread(target=_one_kernel, args=(barrier, out)) for _ in range(per_process)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(out)


def stress(
    processes: int = 4,
    per_process: int = 4,
    rounds: int = 2,
    burners: int = 2,
    transport: str = "ipc",
) -> Outcome:
    """Start `processes * per_process` kernels at once, `rounds` times, beside `burners`."""
    ctx = mp.get_context("spawn")
    result = Outcome()
    stop_at = time.time() + 600  # burners end by themselves even if this process dies
    burn = [ctx.Process(target=_burn, args=(stop_at,), daemon=True) for _ in range(burners)]
    for b in burn:
        b.start()
    try:
        for _ in range(rounds):
            queue: mp.Queue = ctx.Queue()
            procs = [
                ctx.Process(target=_process, args=(per_process, transport, queue))
                for _ in range(processes)
            ]
            for p in procs:
                p.start()
            for _p in procs:
                for transport_used, error, seconds in queue.get(timeout=600):
                    result.starts += 1
                    result.transports.add(transport_used)
                    result.seconds.append(seconds)
                    if error:
                        result.failures.append(error)
            for p in procs:
                p.join(timeout=60)
    finally:
        for b in burn:
            b.terminate()
            b.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--per-process", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--burners", type=int, default=2)
    parser.add_argument("--transport", choices=("ipc", "tcp"), default="ipc")
    a = parser.parse_args()
    t0 = time.perf_counter()
    r = stress(a.processes, a.per_process, a.rounds, a.burners, a.transport)
    wall = time.perf_counter() - t0
    print(f"transport asked: {a.transport}; used: {', '.join(sorted(r.transports))}")
    print(f"kernel starts: {r.starts}, failed: {len(r.failures)} "
          f"({a.processes} processes x {a.per_process} at once x {a.rounds} rounds, "
          f"{a.burners} CPU burners, load {os.getloadavg()[0]:.1f})")  # fmt: skip
    if r.seconds:
        print(f"start + one cell: median {statistics.median(r.seconds):.1f} s, "
              f"worst {max(r.seconds):.1f} s; whole run {wall:.1f} s")  # fmt: skip
    for cause in sorted(set(r.failures)):
        print(f"  {r.failures.count(cause)} x {cause}")


if __name__ == "__main__":
    main()
