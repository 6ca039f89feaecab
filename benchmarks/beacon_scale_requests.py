"""The service-requests recipe at scale: a year of a very large city's 311 requests, next to DuckDB.

Generates `--rows` canonical requests (default 3,200,000, about a year of New York City's) to
a CSV with `daas.beacon.recipes.service_requests.generate`, then measures, each in a fresh
process so one run's memory does not count against the other:
- the recipe: `aggregates.load` (CSV into DuckDB) and `aggregates.aggregates` (every published
  figure, with the kit's suppression and fairness check);
- DuckDB alone: the same load and the same six group-bys in plain SQL (no suppression).
Per stage it prints wall time, CPU time and peak memory (resident set size, sampled every
10 ms), the load average before and after, and the ratios.

Targets: load + aggregates within 2x DuckDB's time; peak memory at most 1.5 GB.

    .venv/bin/python benchmarks/beacon_scale_requests.py [--rows 3200000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
MEMORY_LIMIT = "1GB"  # DuckDB's own cap, in both runs: it spills to disk rather than grow


class Peak:
    """Peak RSS and CPU time of this process while a stage runs."""

    def __init__(self) -> None:
        self.proc, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self.cpu = 0.0
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.01)

    def __enter__(self) -> Peak:
        self.peak = self.proc.memory_info().rss
        self._cpu0 = time.process_time()
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu = time.process_time() - self._cpu0
        self._stop.set()
        self._t.join()


def timed(stats: dict, stage: str, work):
    with Peak() as p:
        t = time.perf_counter()
        out = work()
        wall = time.perf_counter() - t
    stats[stage] = (wall, p.cpu, p.peak)
    return out


def measure_recipe(csv: Path) -> dict:
    from daas.beacon.recipes.service_requests import aggregates as agg
    from daas.beacon.recipes.service_requests import generate as gen
    from daas.beacon.recipes.service_requests.privacy import sensitive_categories

    stats: dict = {}
    reqs = timed(stats, "load", lambda: agg.load(csv, gen.ZONE, memory_limit=MEMORY_LIMIT))
    settings = agg.Settings(as_of=gen.as_of())
    tables = timed(
        stats,
        "aggregates",
        lambda: agg.aggregates(
            reqs,
            settings,
            population=gen.sample_population(),
            sensitive=sensitive_categories(),
            levels=gen.SERVICE_LEVELS,
        ),
    )
    stats["rows published"] = sum(len(t) for t in tables.values())
    return stats


LOAD_SQL = """SET TimeZone = '{zone}'; SET memory_limit = '{limit}';
CREATE TABLE r AS SELECT service_code, service_name, lower(trim(status)) AS status,
  coalesce(nullif(trim(area), ''), 'unknown') AS area,
  epoch(requested_datetime::TIMESTAMPTZ) AS req, epoch(closed_datetime::TIMESTAMPTZ) AS cls,
  strftime(requested_datetime::TIMESTAMPTZ, '%Y-%m') AS month, address, lat::DOUBLE AS lat,
  long::DOUBLE AS long
FROM read_csv('{csv}', header = true, all_varchar = true)"""
AGG_SQL = [
    # backlog
    """SELECT service_code, area, count(*), quantile_cont(($as_of - req) / 86400, [0.5, 0.9])
    FROM r WHERE req <= $as_of AND CASE WHEN cls IS NULL THEN status <> 'closed'
      ELSE cls > $as_of END GROUP BY ALL""",
    # time to close
    """SELECT month, service_code, area, count(*), quantile_cont((cls - req) / 86400, [0.5, 0.9])
    FROM r WHERE cls IS NOT NULL AND cls <= $as_of AND cls >= req AND req >= $since
      AND req <= $as_of GROUP BY ALL""",
    # requests per 1,000 residents
    """SELECT r.area, count(*), 1000 * count(*) / any_value(p.population) FROM r
    LEFT JOIN population p USING (area) WHERE req >= $since AND req <= $as_of GROUP BY 1""",
    # response times by area against each service's median
    """WITH c AS (SELECT service_code, area, (cls - req) / 86400 AS took FROM r
      WHERE cls IS NOT NULL AND cls <= $as_of AND cls >= req AND req >= $since AND req <= $as_of),
    m AS (SELECT service_code, quantile_cont(took, 0.5) AS med FROM c GROUP BY 1)
    SELECT area, count(*), count(*) FILTER (WHERE took <= med) FROM c JOIN m USING (service_code)
    GROUP BY 1""",
    # repeat locations
    """WITH w AS (SELECT service_code, area, CASE WHEN lat IS NOT NULL AND long IS NOT NULL
      THEN printf('%.3f,%.3f', lat, long) ELSE upper(trim(address)) END AS spot FROM r
      WHERE req >= $as_of - 90 * 86400 AND req <= $as_of
      AND service_code NOT IN ('NOISE_RES', 'HOMELESS', 'ELDER', 'DRUGS', 'OCCUPIED')),
    s AS (SELECT service_code, spot, min(area) AS area, count(*) AS n FROM w
      WHERE spot IS NOT NULL GROUP BY 1, 2 HAVING count(*) >= 3)
    SELECT service_code, area, count(*), sum(n) FROM s GROUP BY 1, 2""",
    # on time against the service levels
    """SELECT service_code, area, count(*),
      count(*) FILTER (WHERE cls IS NOT NULL AND cls <= $as_of AND cls - req <= t.days * 86400)
    FROM r JOIN targets t USING (service_code) WHERE req >= $since AND req <= $as_of AND (
      (cls IS NOT NULL AND cls <= $as_of AND cls >= req) OR ($as_of - req > t.days * 86400
      AND CASE WHEN cls IS NULL THEN status <> 'closed' ELSE cls > $as_of END))
    GROUP BY 1, 2""",
]


def measure_duckdb(csv: Path) -> dict:
    import duckdb
    import pandas as pd

    from daas.beacon.recipes.service_requests import generate as gen

    stats: dict = {}
    con = duckdb.connect()
    sql = LOAD_SQL.format(zone=gen.ZONE, limit=MEMORY_LIMIT, csv=csv)
    timed(stats, "load", lambda: con.execute(sql))
    con.register("population", gen.sample_population())
    levels = pd.DataFrame(list(gen.SERVICE_LEVELS.items()), columns=["service_code", "days"])
    con.register("targets", levels)
    as_of = gen.as_of().timestamp()
    params = {"as_of": as_of, "since": as_of - 365 * 86400}

    def run() -> int:
        used = [{k: v for k, v in params.items() if f"${k}" in q} for q in AGG_SQL]
        return sum(len(con.execute(q, p).fetchall()) for q, p in zip(AGG_SQL, used, strict=True))

    stats["rows published"] = timed(stats, "aggregates", run)
    return stats


def child(mode: str, csv: Path) -> dict:
    """Run one measurement in a fresh Python process; its stats as a dict."""
    out = subprocess.run(
        [sys.executable, __file__, "--measure", mode, str(csv)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(ours: dict, duck: dict, gen_s: float, rows: int, loads: tuple) -> None:
    print(f"\ngenerated {rows:,} requests in {gen_s:.1f} s")
    print(f"\n{'stage':12} {'recipe s':>9} {'cpu s':>7} {'peak MB':>8} "
          f"{'duckdb s':>9} {'cpu s':>7} {'peak MB':>8} {'ratio':>6}")  # fmt: skip
    for stage in ("load", "aggregates"):
        (s, c, p), (ds, dc, dp) = ours[stage], duck[stage]
        print(f"{stage:12} {s:9.2f} {c:7.2f} {p / MB:8.0f} {ds:9.2f} {dc:7.2f} {dp / MB:8.0f} "
              f"{s / ds:5.1f}x")  # fmt: skip
    total = sum(ours[s][0] for s in ("load", "aggregates"))
    dtotal = sum(duck[s][0] for s in ("load", "aggregates"))
    cpu = sum(ours[s][1] for s in ("load", "aggregates"))
    dcpu = sum(duck[s][1] for s in ("load", "aggregates"))
    peak = max(ours[s][2] for s in ("load", "aggregates"))
    print(f"\nload average (1, 5, 15 min) before: {loads[0]}, after: {loads[1]}; "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    print(f"load + aggregates: {total:.2f} s vs DuckDB {dtotal:.2f} s = {total / dtotal:.2f}x "
          f"(target <= 2x); CPU {cpu:.2f} s vs {dcpu:.2f} s = {cpu / dcpu:.2f}x")  # fmt: skip
    print(f"peak memory: {peak / MB:.0f} MB (target <= 1536 MB); rows published: "
          f"{ours['rows published']:,} (DuckDB alone, unsuppressed: "
          f"{duck['rows published']:,})")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=3_200_000)
    ap.add_argument("--keep", type=Path, help="write the CSV here and keep it")
    ap.add_argument("--measure", choices=["recipe", "duckdb"], help=argparse.SUPPRESS)
    ap.add_argument("csv", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        stats = (measure_recipe if args.measure == "recipe" else measure_duckdb)(args.csv)
        print(json.dumps(stats))
        return
    from daas.beacon.recipes.service_requests.generate import write_csv

    folder = args.keep or Path(tempfile.mkdtemp(prefix="beacon-scale-requests-"))
    csv = folder / "requests.csv"
    before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    try:
        t = time.perf_counter()
        write_csv(csv, args.rows)
        gen_s = time.perf_counter() - t
        print(f"{csv}: {csv.stat().st_size / MB:,.0f} MB")
        ours, duck = child("recipe", csv), child("duckdb", csv)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report(ours, duck, gen_s, args.rows, (before, after))


if __name__ == "__main__":
    main()
