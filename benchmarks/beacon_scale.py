"""The Beacon at scale: a 1,000,000-row inventory through the real pipeline, next to DuckDB.

Generates a 1M-row inventory export (the same quirks as the sample data) in a scratch repository,
runs `daas.beacon.pipeline.build` on it, and prints per stage the wall time and peak memory
(resident set size, sampled every 10 ms); a stage's time excludes the stages it calls (the
privacy gate on each export runs inside loading). Then DuckDB does the comparable work on the
same CSV in the same run: load with types (mixed-format dates too; the fields the mapping
keeps, the address joined from its two columns), the same validity checks, the same
neighbourhood aggregates.

Wall times depend on what else the machine runs, so the script prints the load average before
and after, and the CPU time of each stage next to its wall time (CPU time varies less under load).

Targets: load + validate + aggregate within 2x DuckDB's time; the whole build within 60 s;
peak memory at most 1.5 GB.

    .venv/bin/python benchmarks/beacon_scale.py [--rows 1000000]

With `--recipe service-requests`, a year of 311 requests (`--rows`, e.g. 3,200,000: a very large
city's year) from the recipe's generator goes through the whole build of a scratch city; per
pipeline stage (load, quality, privacy, aggregate, publish, as `pipeline.build` reports them to
`on_stage`; the privacy gate's runs inside loading and aggregating are counted under privacy,
with the gate on the checked input) it prints wall time, CPU time and peak memory, then DuckDB
does the same load, checks and aggregates on the same CSV (the recipe's six published figures
as plain group-bys, without suppression, under a 1 GB memory cap). The build runs in a fresh
process, so DuckDB's memory does not count against it, and is stopped past `--cap-mb`.
Targets: the whole build within 60 s, peak memory at most 1.5 GB, load + checks + aggregates
within 2x DuckDB.

DuckDB runs twice. "DuckDB, the same work" does what the build must: it keeps every column of
the export (the privacy gate reads them all), trimmed, with all four date-times and both
coordinates typed; it counts every rule the build checks (the recipe's and the shared ones:
required fields, status values, unreadable date-times, dates out of order, areas, coordinates,
repeated identifiers); and beside the six aggregates it writes the published requests table
(sensitive types' locations blanked and times cut to the day). "DuckDB, minimal" is the
comparison first written: eleven columns, two date-times, seven checks, no published table.
The ratio against each is printed; the target is against the same work.

    .venv/bin/python benchmarks/beacon_scale.py --recipe service-requests --rows 3200000

A table of more than `daas.core.tables.BIG_ROWS` rows takes the big tables' path (the build
prints which); `--path plain` or `--path big` forces one (through `DAAS_BIG_ROWS`), to compare
the two on the same rows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent


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


def scratch_repo(rows: int) -> tuple[Path, int]:
    root = Path(tempfile.mkdtemp(prefix="beacon-scale-"))
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    (root / "data" / "bench" / "beacon").mkdir(parents=True)
    from daas.beacon.recipes.housing.generate import neighbourhood_grid, write_large_inventory

    names = [f"District {c}" for c in "ABCDEFGH"]
    lines = [
        "neighbourhood_id,neighbourhood,population,households,median_household_income,renter_share"
    ]
    lines += [f"D{i},{n},20000,8000,52000,0.6" for i, n in enumerate(names)]
    (root / "data" / "bench" / "neighbourhoods.csv").write_text("\n".join(lines) + "\n")
    n = write_large_inventory(root / "data" / "bench" / "beacon" / "inventory.csv", rows)

    from daas.beacon.recipes.housing.generate import SEED, geojson

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


Stats = dict[str, tuple[float, float, int]]  # stage -> (wall s, CPU s, peak RSS bytes)


def run_pipeline() -> Stats:
    """Time and peak memory of each pipeline stage (wrapping the stage functions)."""
    from daas.beacon import pipeline, publish, quality
    from daas.beacon.recipes.housing import aggregate

    stats: dict[str, list] = {}
    # a stage's time excludes the stages it calls (the load stage runs the privacy gate on each
    # export as received): `nested` holds, per running stage, the time its callees took
    nested: list[list[float]] = []

    def wrap(mod, name, stage):
        fn = getattr(mod, name, None)
        if fn is None:  # an older kit (comparing before and after a change)
            return

        def inner(*a, **k):
            nested.append([0.0, 0.0])
            with Peak() as p:
                t = time.perf_counter()
                try:
                    out = fn(*a, **k)
                finally:
                    dt = time.perf_counter() - t
            inner_wall, inner_cpu = nested.pop()
            if nested:
                nested[-1][0] += dt
                nested[-1][1] += p.cpu
            s = stats.setdefault(stage, [0.0, 0.0, 0])
            s[0] += dt - inner_wall
            s[1] += p.cpu - inner_cpu
            s[2] = max(s[2], p.peak)
            return out

        setattr(mod, name, inner)

    wrap(pipeline, "load_tables", "load")
    wrap(quality, "check", "validate")
    wrap(aggregate, "aggregate", "aggregate")
    wrap(pipeline, "_gate", "privacy gate")
    wrap(publish, "write_csv", "publish: csv")
    wrap(publish, "write_database", "publish: sqlite")
    wrap(publish, "validate_package", "publish: frictionless validate")
    with Peak() as whole:
        t = time.perf_counter()
        pipeline.build("bench", progress=False)
    stats["whole build"] = [time.perf_counter() - t, whole.cpu, whole.peak]
    return {k: tuple(v) for k, v in stats.items()}


DUCK_SQL = """
create table inv as select * from read_csv('{csv}', all_varchar=true, header=true);
create table typed as select
  "Bldg ID" as building_id, trim("Development Name") as project_name,
  trim(trim("Street Number") || ' ' || trim("Street Name")) as address,
  trim("Neighborhood") as neighbourhood,
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
    "select count(*) from typed where units = 0",
    "select count(*) from typed where income_band is null",
    "select count(*) from typed where building_id is null or building_id = ''",
]
DUCK_AGG = """
select neighbourhood, coalesce(income_band, 'unknown') as income_band, sum(units) as units,
  sum(case when end_date <= date '2030-06-30' then units else 0 end) as expiring_5y,
  count(distinct building_id) as buildings
from typed where units is not null group by 1, 2 order by 1, 2
"""


def run_duckdb(csv: Path) -> Stats:
    import duckdb

    con = duckdb.connect()
    out = {}
    steps = {
        "load": [DUCK_SQL.format(csv=csv)],
        "validate": DUCK_CHECKS,
        "aggregate": [DUCK_AGG],
    }
    for stage, queries in steps.items():
        with Peak() as p:
            t = time.perf_counter()
            for q in queries:
                con.execute(q).fetchall()
            dt = time.perf_counter() - t
        out[stage] = (dt, p.cpu, p.peak)
    con.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--recipe", choices=["housing", "service-requests"], default="housing")
    ap.add_argument("--cap-mb", type=int, default=2048, help="stop a build past this memory")
    ap.add_argument("--pipeline", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--path", choices=["auto", "plain", "big"], default="auto",
                    help="the path the build takes (auto: by its number of rows)")  # fmt: skip
    args = ap.parse_args()
    from daas.core.tables import BIG_ROWS_VARIABLE

    if args.path != "auto":  # the build's child process inherits it
        os.environ[BIG_ROWS_VARIABLE] = "0" if args.path == "big" else str(1 << 62)
    if args.pipeline:  # the child process of `pipeline_child`
        os.environ["DAAS_ROOT"] = str(args.pipeline)
        print(json.dumps(run_requests_pipeline()), flush=True)
        return
    if args.recipe == "service-requests":
        requests_main(args.rows, args.cap_mb)
        return
    load_before = os.getloadavg()
    t = time.perf_counter()
    root, n = scratch_repo(args.rows)
    print(f"generated {n:,} inventory rows in {time.perf_counter() - t:.1f} s ({root})")
    os.environ["DAAS_ROOT"] = str(root)
    try:
        ours = run_pipeline()
        duck = run_duckdb(root / "data" / "bench" / "beacon" / "inventory.csv")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    report(ours, duck, load_before, os.getloadavg())


def report(ours: Stats, duck: Stats, load_before: tuple, load_after: tuple) -> None:
    mb = 1024 * 1024
    head = f"{'daas s':>8} {'cpu s':>7} {'peak MB':>8} {'duckdb s':>9} {'cpu s':>7} {'peak MB':>8}"
    print(f"\n{'stage':32} {head}")
    for stage, (secs, cpu, peak) in ours.items():
        d = duck.get(stage)
        dd = f"{d[0]:9.2f} {d[1]:7.2f} {d[2] / mb:8.0f}" if d else ""
        print(f"{stage:32} {secs:8.2f} {cpu:7.2f} {peak / mb:8.0f} {dd}")
    core = [sum(ours[s][i] for s in ("load", "validate", "aggregate")) for i in (0, 1)]
    dcore = [sum(duck[s][i] for s in ("load", "validate", "aggregate")) for i in (0, 1)]
    peak = max(p for *_, p in ours.values())
    whole, whole_cpu = ours["whole build"][:2]
    loads = " ".join(f"{x:.2f}" for x in load_before), " ".join(f"{x:.2f}" for x in load_after)
    cpus = os.cpu_count()
    print(f"\nload average (1, 5, 15 min) before: {loads[0]}, after: {loads[1]}; {cpus} CPUs")
    print(
        f"load + validate + aggregate: {core[0]:.2f} s vs DuckDB {dcore[0]:.2f} s = "
        f"{core[0] / dcore[0]:.1f}x (target <= 2x); CPU time {core[1]:.2f} s vs "
        f"{dcore[1]:.2f} s = {core[1] / dcore[1]:.1f}x"
    )
    print(f"whole build: {whole:.1f} s, CPU {whole_cpu:.1f} s (target <= 60 s)")
    print(f"peak memory: {peak / mb:.0f} MB (target <= 1536 MB)")


REQUEST_AREAS = tuple(f"Area {i:02d}" for i in range(1, 13))
STAGES = ("load", "quality", "privacy", "aggregate", "publish")


def requests_repo(rows: int) -> tuple[Path, Path]:
    """A scratch repository with a service-requests city (as `tests/test_beacon_service_requests`)
    and `rows` requests from the recipe's generator; the repository and the export."""
    from daas.beacon.recipes.service_requests import generate as gen

    root = Path(tempfile.mkdtemp(prefix="beacon-scale-311-"))
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, root / name)
    folder = root / "data" / "bench"
    people = gen.sample_population(REQUEST_AREAS)
    (folder / "beacon").mkdir(parents=True)
    lines = ["neighbourhood_id,neighbourhood,population,households,median_household_income,"
             "renter_share"]  # fmt: skip
    lines += [f"B{i:02d},{a},{n},{n // 3},52000,0.4" for i, (a, n) in
              enumerate(zip(people["area"], people["population"], strict=True))]  # fmt: skip
    (folder / "neighbourhoods.csv").write_text("\n".join(lines) + "\n")
    lat, lon = gen.CENTRE
    ring = [[lon - 0.5, lat - 0.5], [lon + 0.5, lat - 0.5], [lon + 0.5, lat + 0.5],
            [lon - 0.5, lat + 0.5], [lon - 0.5, lat - 0.5]]  # fmt: skip
    feature = {"type": "Feature", "properties": {"neighbourhood": "Bench City"},
               "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip
    (folder / "neighbourhoods.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]})
    )
    csv = folder / "beacon" / "requests.csv"
    gen.write_csv(csv, rows, areas=REQUEST_AREAS)
    reason = "Where a problem in the street was reported; requests about people by area only."
    city = {
        "slug": "bench", "name": "Bench City", "fictional": True, "country": "AR",
        "priority_problem": "Benchmark.",
        "datasets": {"neighbourhoods": {"path": "data/bench/neighbourhoods.csv",
                                        "description": "Made-up areas."}},
        "beacon": {
            "recipe": "service-requests", "publisher": "Bench City (made-up data)",
            "contact_point": {"name": "Beacon team", "email": "beacon@example.org"},
            "timezone": gen.ZONE, "service_levels": dict(gen.SERVICE_LEVELS),
            "sources": {"requests": {
                "path": "data/bench/beacon/requests.csv", "table": "requests", "role": "partner",
                "as_of": "2025-12-31", "description": "Requests.",
                "columns": {c: c for c in gen.COLUMNS},
                "public": {c: {"kind": "street-location" if c in ("lat", "long")
                               else "street-address", "reason": reason}
                           for c in ("address", "lat", "long")},
            }},
        },
    }  # fmt: skip
    (root / "cities").mkdir()
    (root / "cities" / "bench.yml").write_text(yaml.safe_dump(city, allow_unicode=True))
    return root, csv


class Stages:
    """Wall time, CPU time and peak RSS of each stage `pipeline.build` reports to `on_stage`.
    The privacy gate runs inside two other stages (on each export as it is loaded, on the
    publication after the aggregates): its time there is taken out of those stages and counted
    under "privacy" with the gate on the checked input, so "load" and "aggregate" are the work
    DuckDB does in its columns."""

    def __init__(self) -> None:
        self.proc, self.stats, self._peak = psutil.Process(), {}, 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._gates = [0.0, 0.0]  # wall, CPU of the gates run since the last stage ended
        self.privacy = [0.0, 0.0, 0]  # every gate: wall, CPU, peak RSS

    def _run(self) -> None:
        while not self._stop.is_set():
            self._peak = max(self._peak, self.proc.memory_info().rss)
            time.sleep(0.01)

    def __enter__(self) -> Stages:
        from daas.beacon import pipeline

        self._peak, self._cpu = self.proc.memory_info().rss, time.process_time()
        self._t.start()
        gate, gates = pipeline._gate, self._gates

        def timed(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return gate(*args, **kwargs)
            finally:
                gates[0] += time.perf_counter() - wall
                gates[1] += time.process_time() - cpu

        pipeline._gate = timed
        self._restore = (pipeline, gate)
        return self

    def __call__(self, stage: str, wall: float) -> None:
        cpu = time.process_time() - self._cpu
        gate_wall, gate_cpu = self._gates
        self._gates[:] = [0.0, 0.0]
        if stage == "privacy":
            gate_wall, gate_cpu = wall, cpu  # the stage is a gate
        p = self.privacy
        p[0], p[1], p[2] = p[0] + gate_wall, p[1] + gate_cpu, max(p[2], self._peak)
        if stage != "privacy":
            self.stats[stage] = (wall - gate_wall, cpu - gate_cpu, self._peak)
        print(f"  {stage}: {wall:.1f} s (privacy gate {gate_wall:.1f} s), CPU {cpu:.1f} s, "
              f"peak {self._peak / 1024 / 1024:.0f} MB", file=sys.stderr, flush=True)  # fmt: skip
        self.stats["privacy"] = tuple(p)
        self._cpu, self._peak = time.process_time(), self.proc.memory_info().rss

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()
        module, gate = self._restore
        module._gate = gate


def run_requests_pipeline() -> Stats:
    from daas.beacon import pipeline

    with Stages() as stages, Peak() as whole:
        t = time.perf_counter()
        pipeline.build("bench", progress=False, on_stage=stages)
    return {**stages.stats, "whole build": (time.perf_counter() - t, whole.cpu, whole.peak)}


# the generator's request types about people (both comparisons keep their places out)
SENSITIVE_CODES = "('NOISE_RES', 'HOMELESS', 'ELDER', 'DRUGS', 'OCCUPIED')"
MEMORY_LIMIT = "1GB"  # DuckDB's own cap: it spills to disk rather than grow
# DuckDB alone: the requests loaded with types, then the recipe's published figures as plain
# group-bys (no suppression)
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
    f"""WITH w AS (SELECT service_code, area, CASE WHEN lat IS NOT NULL AND long IS NOT NULL
      THEN printf('%.3f,%.3f', lat, long) ELSE upper(trim(address)) END AS spot FROM r
      WHERE req >= $as_of - 90 * 86400 AND req <= $as_of
      AND service_code NOT IN {SENSITIVE_CODES}),
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


REQUEST_CHECKS = [  # the recipe's rules (`service_requests/checks.py`) and the shared ones
    "select count(*) - count(distinct service_request_id) from r",
    "select count(*) from r where req is null",
    "select count(*) from r where req > $end",
    "select count(*) from r where cls < req",
    "select count(*) from r where status = 'closed' and cls is null",
    "select count(*) from r where area not in (select area from population)",
    "select count(*) from r where lat not between $south and $north "
    "or long not between $west and $east",
]


# the same work as the build (see the module's docstring): every column kept
SAME_LOAD = """SET TimeZone = '{zone}'; SET memory_limit = '{limit}';
CREATE TABLE r AS SELECT trim(service_request_id) AS service_request_id,
  trim(service_code) AS service_code, trim(service_name) AS service_name,
  lower(trim(status)) AS status, trim(status_notes) AS status_notes,
  trim(description) AS description, trim(agency_responsible) AS agency_responsible,
  requested_datetime, updated_datetime, expected_datetime, closed_datetime,
  epoch(TRY_CAST(requested_datetime AS TIMESTAMPTZ)) AS req,
  epoch(TRY_CAST(updated_datetime AS TIMESTAMPTZ)) AS upd,
  epoch(TRY_CAST(expected_datetime AS TIMESTAMPTZ)) AS exp,
  epoch(TRY_CAST(closed_datetime AS TIMESTAMPTZ)) AS cls,
  strftime(TRY_CAST(requested_datetime AS TIMESTAMPTZ), '%Y-%m') AS month,
  trim(address) AS address, trim(zipcode) AS zipcode, TRY_CAST(lat AS DOUBLE) AS lat,
  TRY_CAST(long AS DOUBLE) AS long, coalesce(nullif(trim(area), ''), 'unknown') AS area
FROM read_csv('{csv}', header = true, all_varchar = true)"""
_TIMES = {"req": "requested_datetime", "upd": "updated_datetime", "exp": "expected_datetime",
          "cls": "closed_datetime"}  # fmt: skip
SAME_CHECKS = [
    "select count(*) - count(distinct service_request_id) from r",
    *[f"select count(*) from r where coalesce({c}, '') = ''" for c in ("service_request_id",
                                                                    "service_code", "status")],
    "select count(*) from r where status not in ('open', 'closed')",
    *[f"select count(*) from r where {at} is null and coalesce({text}, '') <> ''"
      for at, text in _TIMES.items()],
    "select count(*) from r where req is null",
    "select count(*) from r where req > $end",
    "select count(*) from r where cls < req",
    "select count(*) from r where status = 'closed' and cls is null",
    "select count(*) from r where area not in (select area from population)",
    "select count(*) from r where lat not between -90 and 90 or long not between -180 and 180",
    "select count(*) from r where (lat = 0 and long = 0) or lat not between $south and $north "
    "or long not between $west and $east",
    "select count(*) from r where lat is null or long is null",
]  # fmt: skip
_DAY = "left({c}, 10) || 'T00:00:00' || regexp_extract({c}, '(Z|[+-][0-9]{{2}}:?[0-9]{{2}})$')"
_HIDDEN_TIMES = ", ".join(f"CASE WHEN s THEN {_DAY.format(c=c)} ELSE {c} END AS {c}"
                          for c in _TIMES.values())  # fmt: skip
_HIDDEN_PLACES = ", ".join(f"CASE WHEN s THEN NULL ELSE {c} END AS {c}"
                           for c in ("address", "zipcode", "lat", "long"))  # fmt: skip
SAME_PUBLISHED = f"""CREATE TABLE published AS SELECT service_request_id, service_code,
  service_name, status, agency_responsible, {_HIDDEN_TIMES}, {_HIDDEN_PLACES}, area,
  s AS location_coarsened FROM (SELECT *, service_code IN {SENSITIVE_CODES} AS s FROM r)"""


def run_requests_duckdb(csv: Path, same: bool = True) -> Stats:
    """DuckDB's load, checks and aggregates on the same CSV: the same work as the build's
    (`same`), or the minimal comparison first written."""
    import duckdb
    import pandas as pd

    from daas.beacon.recipes.service_requests import generate as gen

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.register("population", gen.sample_population(REQUEST_AREAS))
    levels = pd.DataFrame(list(gen.SERVICE_LEVELS.items()), columns=["service_code", "days"])
    con.register("targets", levels)
    as_of = gen.as_of().timestamp()
    lat, lon = gen.CENTRE
    params = {"as_of": as_of, "since": as_of - 365 * 86400, "end": as_of, "south": lat - 0.5,
              "north": lat + 0.5, "west": lon - 0.5, "east": lon + 0.5}  # fmt: skip
    if same:
        load = SAME_LOAD.format(zone=gen.ZONE, limit=MEMORY_LIMIT, csv=csv).split(";")
        steps = {"load": load, "quality": SAME_CHECKS, "aggregate": [*AGG_SQL, SAME_PUBLISHED]}
    else:
        load = LOAD_SQL.format(zone=gen.ZONE, limit=MEMORY_LIMIT, csv=csv).split(";")
        load[-1] = load[-1].replace("AS status,", "AS status, service_request_id,")
        steps = {"load": load, "quality": REQUEST_CHECKS, "aggregate": AGG_SQL}
    out = {}
    for stage, queries in steps.items():
        with Peak() as p:
            t = time.perf_counter()
            for q in queries:
                con.execute(q, {k: v for k, v in params.items() if f"${k}" in q}).fetchall()
            wall = time.perf_counter() - t
        out[stage] = (wall, p.cpu, p.peak)
    con.close()
    return out


def requests_main(rows: int, cap_mb: int) -> None:
    load_before = os.getloadavg()
    t = time.perf_counter()
    root, csv = requests_repo(rows)
    mb = csv.stat().st_size / 1024 / 1024
    print(f"generated {rows:,} requests ({mb:,.0f} MB) in {time.perf_counter() - t:.1f} s ({root})",
          flush=True)  # fmt: skip
    from daas.core.tables import BIG_ROWS, is_big

    path = "big tables'" if is_big(rows) else "plain"
    print(f"the build takes the {path} path (big: more than {BIG_ROWS:,} rows, or "
          "DAAS_BIG_ROWS)", flush=True)  # fmt: skip
    try:
        ours = pipeline_child(root, cap_mb)
        duck = run_requests_duckdb(csv)
        minimal = run_requests_duckdb(csv, same=False)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    report_requests(ours, duck, minimal, load_before, os.getloadavg())


def pipeline_child(root: Path, cap_mb: int) -> Stats:
    """The build in a fresh process (so DuckDB's memory does not count), stopped once its
    resident memory passes `cap_mb`; the stages it finished."""
    import subprocess

    cmd = [sys.executable, __file__, "--recipe", "service-requests", "--pipeline", str(root)]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    proc, peak, started = psutil.Process(child.pid), 0, time.perf_counter()
    while child.poll() is None:
        try:
            peak = max(peak, proc.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        if peak > cap_mb * 1024 * 1024:
            child.kill()
            took = time.perf_counter() - started
            print(f"  stopped: the build passed {cap_mb} MB after {took:.1f} s", flush=True)
            break
        time.sleep(0.05)
    lines = (child.stdout.read() if child.stdout else "").splitlines()
    child.wait()
    stats = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
    return {stage: tuple(v) for stage, v in stats.items()}


def report_requests(
    ours: Stats, duck: Stats, minimal: Stats, load_before: tuple, load_after: tuple
) -> None:
    mb = 1024 * 1024
    head = f"{'daas s':>8} {'cpu s':>7} {'peak MB':>8} {'duckdb s':>9} {'cpu s':>7} {'peak MB':>8}"
    print(f"\n{'stage':12} {head} {'ratio':>6} {'minimal s':>10} {'ratio':>6}")
    for stage in dict.fromkeys([*STAGES, *ours, *duck]):
        o, d, m = ours.get(stage), duck.get(stage), minimal.get(stage)
        oo = f"{o[0]:8.2f} {o[1]:7.2f} {o[2] / mb:8.0f}" if o else f"{'-':>8} {'-':>7} {'-':>8}"
        dd = f"{d[0]:9.2f} {d[1]:7.2f} {d[2] / mb:8.0f}" if d else ""
        ratio = f"{o[0] / d[0]:5.1f}x" if o and d else ""
        mm = f"{m[0]:10.2f} {o[0] / m[0]:5.1f}x" if o and m else ""
        print(f"{stage:12} {oo} {dd} {ratio:>6} {mm}")
    loads = " ".join(f"{x:.2f}" for x in load_before), " ".join(f"{x:.2f}" for x in load_after)
    print(f"\nload average (1, 5, 15 min) before: {loads[0]}, after: {loads[1]}; "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    if "whole build" not in ours:
        print("the build did not finish (stopped at the memory cap): no totals")
        return
    core = ("load", "quality", "aggregate")
    ours_core = [sum(ours[s][i] for s in core) for i in (0, 1)]
    for label, base in (("DuckDB, the same work", duck), ("DuckDB, minimal", minimal)):
        b = [sum(base[s][i] for s in core) for i in (0, 1)]
        target = " (target <= 2x)" if base is duck else ""
        print(f"load + checks + aggregates: {ours_core[0]:.2f} s vs {label} {b[0]:.2f} s = "
              f"{ours_core[0] / b[0]:.1f}x{target}; CPU time {ours_core[1]:.2f} s vs "
              f"{b[1]:.2f} s = {ours_core[1] / b[1]:.1f}x")  # fmt: skip
    whole, whole_cpu, peak = ours["whole build"]
    print(f"whole build: {whole:.1f} s, CPU {whole_cpu:.1f} s (target <= 60 s)")
    print(f"peak memory: {peak / mb:.0f} MB (target <= 1536 MB)")


if __name__ == "__main__":
    main()
