"""The Beacon at scale: a 1,000,000-row inventory through the real pipeline, next to DuckDB.

Generates a 1M-row inventory export (the same quirks as the sample data) in a scratch repository,
runs `daas.beacon.pipeline.build` on it, and prints per stage the wall time and peak memory
(resident set size, sampled every 10 ms). Then DuckDB does the comparable work on the same CSV in
the same run: load with types (mixed-format dates too), the same validity checks, the same
neighbourhood aggregates.

Targets: load + validate + aggregate within 3x DuckDB's time; the whole build within 60 s;
peak memory at most 1.5 GB.

    .venv/bin/python benchmarks/beacon_scale.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent


class Peak:
    """Peak RSS of this process while a stage runs."""

    def __init__(self) -> None:
        self.proc, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.01)

    def __enter__(self) -> Peak:
        self.peak = self.proc.memory_info().rss
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()


def scratch_repo(rows: int) -> tuple[Path, int]:
    root = Path(tempfile.mkdtemp(prefix="beacon-scale-"))
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    (root / "data" / "bench" / "beacon").mkdir(parents=True)
    from daas.beacon.generate import neighbourhood_grid, write_large_inventory

    names = [f"District {c}" for c in "ABCDEFGH"]
    lines = [
        "neighbourhood_id,neighbourhood,population,households,median_household_income,renter_share"
    ]
    lines += [f"D{i},{n},20000,8000,52000,0.6" for i, n in enumerate(names)]
    (root / "data" / "bench" / "neighbourhoods.csv").write_text("\n".join(lines) + "\n")
    n = write_large_inventory(root / "data" / "bench" / "beacon" / "inventory.csv", rows)
    import json

    from daas.beacon.generate import SEED, geojson

    (root / "data" / "bench" / "neighbourhoods.geojson").write_text(
        json.dumps(geojson(neighbourhood_grid(names, SEED)))
    )
    pm = yaml.safe_load((ROOT / "cities" / "port-mallory.yml").read_text())
    inv = pm["beacon"]["sources"]["inventory"]
    inv["path"] = "data/bench/beacon/inventory.csv"
    city = {
        "slug": "bench",
        "name": "Bench City",
        "fictional": True,
        "country": "US",
        "priority_problem": "Benchmark.",
        "datasets": {
            "neighbourhoods": {
                "path": "data/bench/neighbourhoods.csv",
                "description": "Made-up districts.",
            }
        },
        "beacon": {**pm["beacon"], "sources": {"inventory": inv}},
    }
    (root / "cities").mkdir()
    (root / "cities" / "bench.yml").write_text(yaml.safe_dump(city, allow_unicode=True))
    return root, n


def run_pipeline() -> dict[str, tuple[float, int]]:
    """Time and peak memory of each pipeline stage (wrapping the stage functions)."""
    from daas.beacon import pipeline, publish, quality

    stats: dict[str, list] = {}

    def wrap(mod, name, stage):
        fn = getattr(mod, name)

        def inner(*a, **k):
            with Peak() as p:
                t = time.perf_counter()
                out = fn(*a, **k)
                dt = time.perf_counter() - t
            s = stats.setdefault(stage, [0.0, 0])
            s[0] += dt
            s[1] = max(s[1], p.peak)
            return out

        setattr(mod, name, inner)

    wrap(pipeline, "load_tables", "load")
    wrap(quality, "check", "validate")
    wrap(pipeline, "neighbourhood_supply", "aggregate")
    wrap(pipeline, "_gate", "privacy gate")
    wrap(publish, "write_database", "publish: sqlite")
    wrap(publish, "validate_package", "publish: frictionless validate")
    with Peak() as whole:
        t = time.perf_counter()
        pipeline.build("bench", progress=False)
        stats["whole build"] = [time.perf_counter() - t, whole.peak]
    return {k: (v[0], v[1]) for k, v in stats.items()}


DUCK_SQL = """
create table inv as select * from read_csv('{csv}', all_varchar=true, header=true);
create table typed as select
  "Bldg ID" as building_id, trim("Neighborhood") as neighbourhood,
  try_cast(Lat as double) as latitude, try_cast(Long as double) as longitude,
  case "Income Tier" when 'ELI' then 'extremely-low' when 'VLI' then 'very-low'
    when 'LI' then 'low' when 'MOD' then 'moderate' when 'MID' then 'middle' end as income_band,
  case Bedrooms when 'Studio' then 0 when '1BR' then 1 when '2BR' then 2 when '3BR' then 3
    when '4BR' then 4 end as bedrooms,
  try_cast("Affordable Units" as integer) as units,
  coalesce(try_strptime("Regulatory Start", '%Y-%m-%d'), try_strptime("Regulatory Start",
    '%m/%d/%Y'), try_strptime("Regulatory Start", '%m-%d-%Y'))::date as start,
  coalesce(try_strptime("Regulatory Expiration", '%Y-%m-%d'),
    try_strptime("Regulatory Expiration", '%m/%d/%Y'),
    try_strptime("Regulatory Expiration", '%m-%d-%Y'))::date as end_date,
  Tenure as tenure
from inv;
"""
DUCK_CHECKS = [
    "select count(*) from typed where units is null",
    "select count(*) from typed where bedrooms is null",
    "select count(*) from typed where start is null",
    "select count(*) from typed where neighbourhood not in (select distinct neighbourhood "
    "from typed where neighbourhood like 'District _')",
    "select count(*) from typed where end_date < start",
    "select count(*) from typed where end_date < date '2025-06-30'",
    "select count(*) - count(distinct (building_id, tenure, income_band, bedrooms, units, start,"
    " end_date, latitude, longitude, neighbourhood)) from typed",
    "select count(*) from typed where latitude = 0 and longitude = 0",
]
DUCK_AGG = """
select neighbourhood, coalesce(income_band, 'unknown') as income_band, sum(units) as units,
  sum(case when end_date <= date '2030-06-30' then units else 0 end) as expiring_5y,
  count(distinct building_id) as buildings
from typed where units is not null group by 1, 2 order by 1, 2
"""


def run_duckdb(csv: Path) -> dict[str, tuple[float, int]]:
    import duckdb

    con = duckdb.connect()
    out = {}
    with Peak() as p:
        t = time.perf_counter()
        con.execute(DUCK_SQL.format(csv=csv))
        out["load"] = [time.perf_counter() - t]
    out["load"].append(p.peak)
    with Peak() as p:
        t = time.perf_counter()
        for q in DUCK_CHECKS:
            con.execute(q).fetchall()
        out["validate"] = [time.perf_counter() - t, p.peak]
    with Peak() as p:
        t = time.perf_counter()
        con.execute(DUCK_AGG).fetchall()
        out["aggregate"] = [time.perf_counter() - t, p.peak]
    con.close()
    return {k: tuple(v) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    t = time.perf_counter()
    root, n = scratch_repo(args.rows)
    print(f"generated {n:,} inventory rows in {time.perf_counter() - t:.1f} s ({root})")
    os.environ["DAAS_ROOT"] = str(root)
    try:
        ours = run_pipeline()
        duck = run_duckdb(root / "data" / "bench" / "beacon" / "inventory.csv")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    mb = 1024 * 1024
    print(f"\n{'stage':32} {'daas s':>8} {'peak MB':>8} {'duckdb s':>9} {'peak MB':>8}")
    for stage, (secs, peak) in ours.items():
        d = duck.get(stage)
        dd = f"{d[0]:9.2f} {d[1] / mb:8.0f}" if d else ""
        print(f"{stage:32} {secs:8.2f} {peak / mb:8.0f} {dd}")
    core = sum(ours[s][0] for s in ("load", "validate", "aggregate"))
    dcore = sum(duck[s][0] for s in ("load", "validate", "aggregate"))
    peak = max(p for _, p in ours.values())
    whole = ours["whole build"][0]
    print(
        f"\nload + validate + aggregate: {core:.2f} s vs DuckDB {dcore:.2f} s = "
        f"{core / dcore:.1f}x (target <= 3x)"
    )
    print(f"whole build: {whole:.1f} s (target <= 60 s)")
    print(f"peak memory: {peak / mb:.0f} MB (target <= 1536 MB)")


if __name__ == "__main__":
    main()
