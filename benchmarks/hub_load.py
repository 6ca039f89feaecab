"""A masterclass room under load: `daas hub` on loopback with many participants at once.

Starts the hub for a city whose pack is built, then, concurrently for each participant: logs in
through the hub's form, starts a server, opens workshop 00 and runs all its cells in a kernel of
that server. Prints the time until every server is ready, the time to run the notebook per
participant (median and worst), the hub's memory and each participant's (server and kernel, the
highest seen; resident and proportional), and every failure. Targets on a 2-core machine: all
ready within 90 s, no failure, at most 300 MB per participant (PSS: the shared libraries counted
once, as the server's RAM holds them).

    .venv/bin/python benchmarks/hub_load.py [--city port-mallory --participants 20]

The pack must be built first (`daas workshop run --city <slug> --only 00 --no-site`).
`tests/test_hub.py` runs a room of 3 in `make test`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from daas.core.city import load_city  # noqa: E402
from daas.hub.room import learner_pack  # noqa: E402
from tests.hub_client import Participant  # noqa: E402
from tests.kit import http_ready, serve  # noqa: E402

PASSWORD = "load-test-2026"
TARGET_READY_S, TARGET_MB = 90, 300


class Sampler(threading.Thread):
    """The highest memory seen of the hub's part and of each participant's server tree (the
    server and its kernels), sampled every second: resident (RSS, which counts the libraries
    shared by every participant's Python once per process) and proportional (PSS: each shared
    page divided among the processes that map it, so the participants' PSS add up to the memory
    the server needs for them)."""

    def __init__(self, hub_pid: int, homes: Path) -> None:
        super().__init__(daemon=True)
        self.hub = psutil.Process(hub_pid)
        self.homes = str(homes)
        self.hub_mb = 0.0
        self.user_mb: dict[str, float] = {}
        self.user_pss_mb: dict[str, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            self.sample()

    def sample(self) -> None:
        hub_rss, users = self.hub.memory_info().rss, {}
        for child in self.hub.children():
            try:
                tree = [child, *child.children(recursive=True)]
                memory = [p.memory_full_info() for p in tree]
                home = child.cwd()
            except psutil.Error:
                continue
            rss, pss = sum(m.rss for m in memory), sum(m.pss for m in memory)
            if home.startswith(self.homes):
                users[Path(home).name] = (rss, pss)
            else:  # the proxy and the idle culler
                hub_rss += rss
        self.hub_mb = max(self.hub_mb, hub_rss / 2**20)
        for name, (rss, pss) in users.items():
            self.user_mb[name] = max(self.user_mb.get(name, 0.0), rss / 2**20)
            self.user_pss_mb[name] = max(self.user_pss_mb.get(name, 0.0), pss / 2**20)


def participant(base: str, name: str, notebook: str, started: float) -> dict:
    """One participant's morning: log in, start a server, run the notebook. Times and errors."""
    p = Participant(base, name)
    out: dict = {"name": name, "errors": []}
    try:
        if not p.login(PASSWORD):
            raise RuntimeError("login refused")
        p.get_token()
        p.start_server(seconds=300)
        out["ready_s"] = time.monotonic() - started
        t = time.monotonic()
        out["errors"] = p.run_notebook(notebook, seconds=600)
        out["run_s"] = time.monotonic() - t
    except Exception as exc:  # a benchmark reports every failure and carries on
        out["errors"].append(f"{type(exc).__name__}: {exc}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default="port-mallory")
    parser.add_argument("--participants", type=int, default=20)
    args = parser.parse_args()
    city = load_city(args.city)
    notebook = sorted((learner_pack(city) / "notebooks").glob("00-*.ipynb"))[0]
    names = [f"p{i:02d}" for i in range(1, args.participants + 1)]
    with tempfile.TemporaryDirectory(prefix="hub-load-") as tmp:
        room = Path(tmp) / "room"

        def command(port: int) -> list[str]:
            return [
                sys.executable,
                "-m",
                "daas",
                "hub",
                "--city",
                city.slug,
                "--port",
                str(port),
                "--root",
                str(room),
                "--password",
                PASSWORD,
            ]

        t0 = time.monotonic()
        with serve(command, lambda port: http_ready(f"http://127.0.0.1:{port}/hub/api")) as hub:
            hub_s = time.monotonic() - t0
            sampler = Sampler(hub.proc.pid, room / "homes")
            sampler.start()
            started = time.monotonic()
            path = f"notebooks/{notebook.name}"
            with ThreadPoolExecutor(len(names)) as pool:
                results = list(pool.map(lambda n: participant(hub.base, n, path, started), names))
            sampler.done.set()
            sampler.join()
            sampler.sample()
    report(results, hub_s, sampler, notebook.name)
    return 1 if any(r["errors"] for r in results) else 0


def report(results: list[dict], hub_s: float, sampler: Sampler, notebook: str) -> None:
    ready = [r["ready_s"] for r in results if "ready_s" in r]
    runs = [r["run_s"] for r in results if "run_s" in r and not r["errors"]]
    print(f"participants: {len(results)}; cores: {os.cpu_count()}; notebook: {notebook}")
    print(f"hub started in {hub_s:.1f} s")
    if ready:
        print(
            f"all ready: {max(ready):.1f} s after the first login ({len(ready)} servers; "
            f"target {TARGET_READY_S} s; ratio {max(ready) / TARGET_READY_S:.2f})"
        )
    if runs:
        print(
            f"notebook run per participant: median {statistics.median(runs):.1f} s, "
            f"worst {max(runs):.1f} s ({len(runs)} ran)"
        )
    print(f"hub, proxy and culler: {sampler.hub_mb:.0f} MB at most")
    for label, seen in (
        ("resident, RSS", sampler.user_mb),
        ("proportional, PSS", sampler.user_pss_mb),
    ):
        mb = sorted(seen.values())
        if mb:
            print(
                f"per participant ({label}; server and kernel, highest seen): median "
                f"{statistics.median(mb):.0f} MB, worst {mb[-1]:.0f} MB, total {sum(mb):.0f} MB"
            )
    pss = sorted(sampler.user_pss_mb.values())
    if pss:
        print(
            f"memory ratio, worst PSS / target: {pss[-1] / TARGET_MB:.2f} (target {TARGET_MB} MB)"
        )
    failures = [f"{r['name']}: {e}" for r in results for e in r["errors"]]
    print(f"failures: {len(failures)}")
    for line in failures:
        print(f"  {line}")


if __name__ == "__main__":
    sys.exit(main())
