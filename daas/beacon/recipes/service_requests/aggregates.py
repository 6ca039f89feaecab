"""The published figures of the service-requests recipe, computed with DuckDB.

`load(source, zone)` reads the canonical table (`schemas/requests.json`) from a pandas frame,
a big table held in DuckDB (`daas.core.big.BigTable`: read where it is, never as a frame), a CSV
or a Parquet file into a DuckDB table holding only what the figures need
(instants as seconds since 1970, the local month of each request in the city's IANA `zone`; a
date-time without an offset is local time there, as in the Open311 plugin; `local_text`: the
date-times are written in that zone, as the recipe's checks write them, and the month is read
from the text). Each figure is then
a function of that table and `Settings` (the `as_of` instant, windows, the minimum cell size):

- `backlog`: requests open at `as_of` by service and area, their number and age (median, p90);
- `time_to_close`: requests closed by `as_of`, by month of request, service and area: number,
  median and 90th percentile of days to close (requests still open are not in it, so the
  latest months look faster until they close);
- `typical_time`: the same by service and area over the whole window (the resident page's
  "what usually happens to a request like mine"; both groupings come from one pass);
- `requests_by_area`: requests per 1,000 residents by area, from a population table;
- `response_fairness`: whether response times differ between areas, through the kit's
  fairness check (`fairness_input` gives its two tables; each service's median comes from
  time to close's pass);
- `repeat_locations`: places (coordinates to 3 decimals, about 100 m, or else the address)
  with `min_repeats` or more requests of one service within `repeat_days`, counted by service
  and area; sensitive request types are left out (a repeated spot there is a household);
- `on_time`: the share of due requests closed within the city's service level.

Definitions: a request is open at `as_of` when it was made by then and not closed by then (its
`closed_datetime` is later, or it has none and its status is open). Days are exact elapsed
time / 86,400 s. Percentiles are DuckDB's `quantile_cont`: linear interpolation between the
two nearest ranks, the same as pandas' default `Series.quantile` (numpy's "linear", Hyndman &
Fan type 7); the median is the 0.5 percentile.

Every count by service and area goes through `daas.privacy.suppress_counts` with the city's
minimum cell size (primary and secondary suppression), and the figures of a hidden cell are
hidden with it; time to close is suppressed month by month. A service and area with no
requests counts as a zero cell there, so the suppression can hide a zero instead of a whole
sparse table; such a zero is listed only when hidden (a cell not listed had none). Requests
without an area are grouped under `NO_AREA`. Days are rounded to 2 decimals, shares and
coverage indexes to 3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from daas.beacon.recipes.service_requests.privacy import Sensitive
from daas.core.big import BigTable, literal
from daas.core.tables import require_columns
from daas.core.text import fold
from daas.privacy import suppress_counts
from daas.privacy.fairness import coverage

NO_AREA = "unknown"
DAY = 86400.0
PERCENTILES = (0.5, 0.9)
REQUIRED = ("service_code", "status", "requested_datetime")
FIELDS = {
    "requests_backlog": ("service_code", "service_name", "area", "open_requests",
                         "median_age_days", "p90_age_days", "suppressed", "suppression"),
    "requests_time_to_close": ("month", "service_code", "service_name", "area",
                               "closed_requests", "median_days_to_close", "p90_days_to_close",
                               "suppressed", "suppression"),
    "requests_typical_time": ("service_code", "service_name", "area", "closed_requests",
                              "median_days_to_close", "p90_days_to_close", "suppressed",
                              "suppression"),
    "requests_by_area": ("area", "requests", "population", "requests_per_1000", "suppressed",
                         "suppression"),
    "requests_response_fairness": ("area", "closed_requests", "timely_share",
                                   "coverage_index", "under_served"),
    "repeat_locations": ("service_code", "service_name", "area", "repeat_locations_count",
                         "repeat_requests", "suppressed", "suppression"),
    "requests_on_time": ("service_code", "service_name", "area", "target_days",
                         "due_requests", "on_time_share", "suppressed", "suppression"),
}  # fmt: skip
SourceLike = pd.DataFrame | BigTable | str | Path


@dataclass(frozen=True)
class Settings:
    """What the figures depend on besides the requests. `as_of` without a time zone is local
    time in the city's zone; windows count back from it."""

    as_of: datetime
    min_cell: int = 10
    days: int = 365  # requests made in this window feed time to close, rates, on time
    repeat_days: int = 90
    min_repeats: int = 3
    coverage_threshold: float = 0.8


class Requests:
    """The canonical requests in a DuckDB table `requests` (one connection, the city's zone);
    `shared`: the connection is a big table's engine's (`close` then drops the table only)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, zone: str, shared: bool = False) -> None:
        self.con, self.zone, self.shared = con, zone, shared
        self.closing: dict[Settings, pd.DataFrame] = {}  # `_closing_sets`, by settings
        self.names = self.frame(
            "SELECT service_code, min(service_name) AS service_name FROM requests GROUP BY 1"
        )

    def close(self) -> None:
        """Let the requests go: the connection, or on a shared one the table."""
        if self.shared:
            self.con.execute("DROP TABLE IF EXISTS temp.requests")
        else:
            self.con.close()

    def frame(self, sql: str, params: Mapping[str, object] | None = None) -> pd.DataFrame:
        """The result of a query as a pandas frame (`params` the query does not use are left
        out: DuckDB refuses them)."""
        used = {k: v for k, v in (params or {}).items() if f"${k}" in sql}
        return self.con.execute(sql, used).df()

    def instant(self, moment: datetime) -> float:
        """Seconds since 1970 of `moment` (naive: local time in the city's zone)."""
        stamp = pd.Timestamp(moment)
        return (stamp if stamp.tzinfo else stamp.tz_localize(self.zone)).timestamp()

    def named(self, table: pd.DataFrame) -> pd.DataFrame:
        """`table` with each service code's name (the alphabetically first, when a code has
        several)."""
        return table.merge(self.names, on="service_code", how="left")


def _source_sql(con: duckdb.DuckDBPyConnection, source: SourceLike) -> tuple[str, str]:
    """(SQL naming the source relation, its name for messages)."""
    if isinstance(source, BigTable):
        return source.sql, "requests"
    if isinstance(source, pd.DataFrame):
        con.register("source_frame", source)
        return "source_frame", "requests"
    path = Path(source)
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({literal(str(path))})", path.name
    return f"read_csv({literal(str(path))}, header = true, all_varchar = true)", path.name


def _column(present: set[str], name: str, sql_type: str) -> str:
    return f'CAST("{name}" AS {sql_type})' if name in present else f"CAST(NULL AS {sql_type})"


def load(
    source: SourceLike,
    zone: str,
    *,
    memory_limit: str | None = None,
    threads: int | None = None,
    local_text: bool = False,
) -> Requests:
    """The canonical requests of `source` (frame, big table, CSV or Parquet) in DuckDB, with
    only the columns the figures need; a DaasError names a missing required column. A big
    table's are read where it is, on its engine's connection (which sees its temporary
    tables), into a temporary `requests` table; the connection's time zone is the city's
    while they are read, then what it was (the engine's settings stay its own). `local_text`:
    the date-times are text written in `zone` with its offset, as the recipe's checks write
    them (`checks.local_text`), so a request's local month is its first seven characters (no
    time zone conversion per row)."""
    ZoneInfo(zone)  # a name that is no IANA zone raises here, before it reaches SQL
    if isinstance(source, BigTable):
        con = source.engine.con
        before = con.execute("SELECT current_setting('TimeZone')").fetchone()
        con.execute(f"SET TimeZone = '{zone}'")
        try:
            _requests_table(con, source, "CREATE OR REPLACE TEMPORARY TABLE requests", local_text)
        finally:
            con.execute(f"SET TimeZone = '{before[0] if before else 'UTC'}'")
        return Requests(con, zone, shared=True)
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{zone}'")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    _requests_table(con, source, "CREATE TABLE requests", local_text)
    return Requests(con, zone)


def _requests_table(
    con: duckdb.DuckDBPyConnection, source: SourceLike, create: str, local_text: bool = False
) -> None:
    """`create` (`CREATE ... TABLE requests`) the table `load` reads, in `con`'s time zone. The
    status is kept as whether it is `closed` (case and spaces aside: a boolean, not a text),
    an address only where the coordinates are missing (the one place `_spot_sql` reads it)."""
    relation, where = _source_sql(con, source)
    described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    types = {row[0]: row[1] for row in described}
    present = set(types)
    require_columns(present, REQUIRED, where)
    requested = _column(present, "requested_datetime", "TIMESTAMPTZ")
    month = f"strftime({requested}, '%Y-%m')"
    if local_text and types["requested_datetime"] == "VARCHAR":
        month = 'left("requested_datetime", 7)'  # local time in the zone, as written
    lat, long = _column(present, "lat", "DOUBLE"), _column(present, "long", "DOUBLE")
    con.execute(
        f"""{create} AS SELECT
            {_column(present, "service_code", "VARCHAR")} AS service_code,
            {_column(present, "service_name", "VARCHAR")} AS service_name,
            lower(trim({_column(present, "status", "VARCHAR")})) = 'closed' AS closed_status,
            coalesce(nullif(trim({_column(present, "area", "VARCHAR")}), ''), '{NO_AREA}')
                AS area,
            epoch({requested}) AS requested_s,
            epoch({_column(present, "closed_datetime", "TIMESTAMPTZ")}) AS closed_s,
            {month} AS month,
            CASE WHEN {lat} IS NULL OR {long} IS NULL
                THEN {_column(present, "address", "VARCHAR")} END AS address,
            {lat} AS lat,
            {long} AS long
        FROM {relation}"""
    )
    if isinstance(source, pd.DataFrame):
        con.unregister("source_frame")


OPEN_AT = """requested_s <= $as_of AND CASE WHEN closed_s IS NULL THEN NOT closed_status
    ELSE closed_s > $as_of END"""
CLOSED_BY = "closed_s IS NOT NULL AND closed_s <= $as_of AND closed_s >= requested_s"
IN_WINDOW = "requested_s >= $since AND requested_s <= $as_of"


def _params(reqs: Requests, settings: Settings, days: int | None = None) -> dict[str, object]:
    as_of = reqs.instant(settings.as_of)
    return {"as_of": as_of, "since": as_of - (days or settings.days) * DAY}


def _percentiles(value: str) -> str:
    """SQL for the rounded median and 90th percentile of `value`, as `q50`, `q90`."""
    q = f"quantile_cont({value}, {list(PERCENTILES)})"
    return f"round({q}[1], 2) AS q50, round({q}[2], 2) AS q90"


def suppressed(
    table: pd.DataFrame, count: str, hide: tuple[str, ...], settings: Settings, where: str,
    row: str = "service_code", col: str = "area",
) -> pd.DataFrame:  # fmt: skip
    """`table` with small counts in `count` suppressed as a `row` x `col` table, and the
    figures in `hide` blanked wherever the count is. Combinations the table lacks count as
    zero for the suppression, so that it can hide a zero rather than the whole of a sparse
    table (the kit never hides an absent cell); a zero it leaves visible is left out again,
    one it hides is listed (suppressed). Sorted by `row` and `col`."""
    if table.empty:
        return table.assign(suppressed=pd.Series(dtype=bool), suppression=pd.Series(dtype=object))
    keys = pd.MultiIndex.from_frame(table[[row, col]])
    grid = pd.MultiIndex.from_product([keys.levels[0], keys.levels[1]], names=[row, col])
    zeros = grid.difference(keys).to_frame(index=False).assign(**{count: 0})
    full = pd.concat([table, zeros], ignore_index=True)
    out = suppress_counts(full, count, row, col, threshold=settings.min_cell, where=where)
    out = out[(out.index < len(table)) | out["suppressed"]]
    for column in hide:
        out[column] = out[column].astype("Float64").where(~out["suppressed"])
    return out.sort_values([row, col], ignore_index=True)


def backlog(reqs: Requests, settings: Settings) -> pd.DataFrame:
    """Requests open at `as_of` by service and area: number, median and p90 age in days."""
    table = reqs.frame(
        f"""SELECT service_code, area, count(*) AS open_requests, {_percentiles("age")}
        FROM (SELECT *, ($as_of - requested_s) / {DAY} AS age FROM requests WHERE {OPEN_AT})
        GROUP BY ALL ORDER BY ALL""",
        _params(reqs, settings),
    ).rename(columns={"q50": "median_age_days", "q90": "p90_age_days"})
    out = reqs.named(suppressed(table, "open_requests", ("median_age_days", "p90_age_days"),
                                settings, "requests_backlog"))  # fmt: skip
    return out[list(FIELDS["requests_backlog"])]


CLOSING = ("median_days_to_close", "p90_days_to_close")


def _closing_sets(reqs: Requests, settings: Settings) -> pd.DataFrame:
    """Requests made in the window and closed by `as_of`, by month, service and area (`_set`
    0), by service and area (2) and by service (3), from one pass (grouping sets), kept for
    `settings`: number, median and p90 days to close (rounded), and the median unrounded
    (`_median`), sorted by the groups."""
    found = reqs.closing.get(settings)
    if found is None:
        found = reqs.frame(
            f"""SELECT month, service_code, area, GROUPING(month, area) AS _set,
                count(*) AS closed_requests, {_percentiles("took")},
                quantile_cont(took, {list(PERCENTILES)})[1] AS _median
            FROM (SELECT *, (closed_s - requested_s) / {DAY} AS took FROM requests
                  WHERE {CLOSED_BY} AND {IN_WINDOW})
            GROUP BY GROUPING SETS ((month, service_code, area), (service_code, area),
                                    (service_code))
            ORDER BY _set, month, service_code, area""",
            _params(reqs, settings),
        ).rename(columns={"q50": CLOSING[0], "q90": CLOSING[1]})
        reqs.closing[settings] = found
    return found


def _closing(reqs: Requests, settings: Settings, by_month: bool) -> pd.DataFrame:
    """Requests made in the window and closed by `as_of`, grouped by month, service and area
    (`by_month`), or by service and area: number, median and p90 days to close, sorted by the
    groups (`_closing_sets`)."""
    found = _closing_sets(reqs, settings)
    part = found[found["_set"].to_numpy() == (0 if by_month else 2)]
    part = part.drop(columns=["_set", "_median"] + ([] if by_month else ["month"]))
    return part.reset_index(drop=True)


def time_to_close(reqs: Requests, settings: Settings) -> pd.DataFrame:
    """Requests made in the window and closed by `as_of`, by month of request, service and
    area: number, median and p90 days to close; suppressed month by month."""
    table = _closing(reqs, settings, by_month=True)
    months = [
        suppressed(part.drop(columns="month"), "closed_requests", CLOSING, settings,
                   f"requests_time_to_close {month}").assign(month=month)
        for month, part in table.groupby("month", sort=True)
    ]  # fmt: skip
    if not months:  # nothing closed in the window
        months = [suppressed(table, "closed_requests", CLOSING, settings, "")]
    out = reqs.named(pd.concat(months, ignore_index=True))
    return out[list(FIELDS["requests_time_to_close"])]


def typical_time(reqs: Requests, settings: Settings) -> pd.DataFrame:
    """What usually happens to a request like mine (the resident page): time to close by
    service and area over the whole window, as `time_to_close` without the month."""
    table = _closing(reqs, settings, by_month=False)
    out = reqs.named(suppressed(table, "closed_requests", CLOSING, settings,
                                "requests_typical_time"))  # fmt: skip
    return out[list(FIELDS["requests_typical_time"])]


def requests_by_area(reqs: Requests, settings: Settings, population: pd.DataFrame) -> pd.DataFrame:
    """Requests made in the window per 1,000 residents, by area. `population` has `area` and
    `population`; an area missing from it (or `NO_AREA`) has no rate."""
    counts = reqs.frame(
        f"SELECT area, count(*) AS requests FROM requests WHERE {IN_WINDOW} GROUP BY 1",
        _params(reqs, settings),
    )
    people = population[["area", "population"]].astype({"area": str})
    table = people.merge(counts, on="area", how="outer").fillna({"requests": 0})
    table = table.astype({"requests": "int64"}).sort_values("area", ignore_index=True)
    table["requests_per_1000"] = (1000 * table["requests"] / table["population"]).round(2)
    out = suppressed(table.assign(table="all"), "requests", ("requests_per_1000",), settings,
                     "requests_by_area", row="area", col="table")  # fmt: skip
    out["population"] = out["population"].astype("Int64")
    return out[list(FIELDS["requests_by_area"])]


def fairness_input(reqs: Requests, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables `daas.privacy.fairness.coverage` compares, for requests closed in the
    window: `served` (area, `timely_requests`: closed within their service's median time to
    close over the whole city, so a different mix of services changes nothing) and `reference`
    (area, `closed_requests`). An area's coverage index is then its timely share over the
    city's. Areas with fewer closed requests than the minimum cell, and `NO_AREA`, are left out
    (`reference.attrs["left_out"]`)."""
    # each service's median, from the pass time to close makes (`_closing_sets`: DuckDB's
    # median is the first of the two percentiles asked together, the same number)
    found = _closing_sets(reqs, settings)
    typical = found.loc[found["_set"].to_numpy() == 3, ["service_code", "_median"]]
    reqs.con.register("typical", typical.rename(columns={"_median": "median"}))
    try:
        table = reqs.frame(
            f"""SELECT area, count(*) AS closed_requests,
                   count(*) FILTER (WHERE took <= median) AS timely_requests
            FROM (SELECT service_code, area, (closed_s - requested_s) / {DAY} AS took
                  FROM requests WHERE {CLOSED_BY} AND {IN_WINDOW})
            JOIN typical USING (service_code) GROUP BY 1 ORDER BY 1""",
            _params(reqs, settings),
        )
    finally:
        reqs.con.unregister("typical")
    keep = (table["closed_requests"] >= settings.min_cell) & (table["area"] != NO_AREA)
    reference = table.loc[keep, ["area", "closed_requests"]].reset_index(drop=True)
    reference.attrs["left_out"] = sorted(table.loc[~keep, "area"])
    return table.loc[keep, ["area", "timely_requests"]].reset_index(drop=True), reference


def response_fairness(reqs: Requests, settings: Settings) -> pd.DataFrame:
    """Per area: closed requests, the share closed within their service's typical time, and
    the fairness check's coverage index (below `coverage_threshold`: `under_served`)."""
    served, reference = fairness_input(reqs, settings)
    columns = list(FIELDS["requests_response_fairness"])
    if reference.empty:
        return pd.DataFrame(columns=columns)
    table = coverage(served, reference, "area", population="closed_requests",
                     weight="timely_requests", threshold=settings.coverage_threshold)  # fmt: skip
    table["closed_requests"] = table["population"].astype("int64")
    table["timely_share"] = (table["served"] / table["population"]).round(3)
    return table[columns].sort_values("area", ignore_index=True)


def _spot_sql(min_repeats: int) -> str:
    return f"""WITH w AS (
            SELECT service_code, area,
                CASE WHEN lat IS NOT NULL AND long IS NOT NULL
                     THEN printf('%.3f,%.3f', lat, long)
                     WHEN nullif(trim(address), '') IS NOT NULL
                     THEN upper(regexp_replace(trim(address), '\\s+', ' ', 'g')) END AS spot
            FROM requests
            WHERE {IN_WINDOW} AND service_code NOT IN (SELECT service_code FROM sensitive)),
        spots AS (SELECT service_code, spot, min(area) AS area, count(*) AS n FROM w
                  WHERE spot IS NOT NULL GROUP BY 1, 2 HAVING count(*) >= {int(min_repeats)}),
        found AS (SELECT service_code, area, count(*) AS repeat_locations_count,
                         sum(n) AS repeat_requests FROM spots GROUP BY 1, 2)
        SELECT service_code, area, coalesce(repeat_locations_count, 0) AS repeat_locations_count,
               coalesce(repeat_requests, 0) AS repeat_requests
        FROM (SELECT DISTINCT service_code, area FROM w) LEFT JOIN found USING (service_code, area)
        ORDER BY 1, 2"""


def repeat_locations(reqs: Requests, settings: Settings, sensitive: Sensitive) -> pd.DataFrame:
    """Places with `min_repeats` or more requests of one service in the last `repeat_days`,
    counted by service and area (zero where a service had none); sensitive types left out."""
    codes = sensitive.codes(reqs.names["service_code"], reqs.names["service_name"])
    listed = pd.DataFrame({"service_code": pd.Series(sorted(codes), dtype="string")})
    reqs.con.register("sensitive", listed)
    try:
        table = reqs.frame(_spot_sql(settings.min_repeats),
                           _params(reqs, settings, settings.repeat_days))  # fmt: skip
    finally:
        reqs.con.unregister("sensitive")
    table = table.astype({"repeat_locations_count": "int64", "repeat_requests": "int64"})
    out = reqs.named(suppressed(table, "repeat_locations_count", ("repeat_requests",),
                                settings, "repeat_locations"))  # fmt: skip
    out["repeat_requests"] = out["repeat_requests"].astype("Int64")
    return out[list(FIELDS["repeat_locations"])]


def service_targets(names: pd.DataFrame, levels: Mapping[str, float]) -> pd.DataFrame:
    """(service_code, target_days) for each service the city's `levels` name, by code or by
    name (case and accents ignored; a code wins). `attrs["unmatched"]`: keys matching none."""
    wanted = {fold(str(k)).strip(): float(v) for k, v in levels.items()}
    rows, used = [], set()
    for code, name in names[["service_code", "service_name"]].itertuples(index=False):
        for key in (fold(str(code)).strip(), fold(str(name)).strip() if pd.notna(name) else ""):
            if key in wanted:
                rows.append((code, wanted[key]))
                used.add(key)
                break
    out = pd.DataFrame(rows, columns=["service_code", "target_days"])
    out.attrs["unmatched"] = sorted(k for k in levels if fold(str(k)).strip() not in used)
    return out


def on_time(reqs: Requests, settings: Settings, levels: Mapping[str, float]) -> pd.DataFrame:
    """For services with a level (target days), by service and area, among requests made in
    the window: the number due (closed by `as_of`, or still open past the target) and the
    share of them closed within the target."""
    targets = service_targets(reqs.names, levels)
    reqs.con.register("targets", targets)
    try:
        table = reqs.frame(
            f"""SELECT service_code, area, count(*) AS due_requests,
                count(*) FILTER (WHERE in_time) AS on_time_count
            FROM (SELECT r.*, t.target_days,
                    ({CLOSED_BY}) AND closed_s - requested_s <= t.target_days * {DAY}
                        AS in_time,
                    ({CLOSED_BY}) OR (({OPEN_AT})
                        AND $as_of - requested_s > t.target_days * {DAY}) AS due
                  FROM requests r JOIN targets t USING (service_code) WHERE {IN_WINDOW})
            WHERE due GROUP BY 1, 2 ORDER BY 1, 2""",
            _params(reqs, settings),
        )
    finally:
        reqs.con.unregister("targets")
    table["on_time_share"] = (table.pop("on_time_count") / table["due_requests"]).round(3)
    out = reqs.named(suppressed(table, "due_requests", ("on_time_share",), settings,
                                "requests_on_time")).merge(targets, on="service_code")  # fmt: skip
    out.attrs["unmatched"] = targets.attrs["unmatched"]
    return out[list(FIELDS["requests_on_time"])]


def aggregates(
    reqs: Requests,
    settings: Settings,
    *,
    population: pd.DataFrame,
    sensitive: Sensitive,
    levels: Mapping[str, float],
) -> dict[str, pd.DataFrame]:
    """Every published aggregate, by table name (`FIELDS`)."""
    return {
        "requests_backlog": backlog(reqs, settings),
        "requests_time_to_close": time_to_close(reqs, settings),
        "requests_typical_time": typical_time(reqs, settings),
        "requests_by_area": requests_by_area(reqs, settings, population),
        "requests_response_fairness": response_fairness(reqs, settings),
        "repeat_locations": repeat_locations(reqs, settings, sensitive),
        "requests_on_time": on_time(reqs, settings, levels),
    }
