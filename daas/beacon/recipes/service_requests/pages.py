"""What the service-requests resident and staff pages read. Residents: what usually happens to
a request like mine, by type and area (median and 90th percentile of days to close, the share
closed on time). Staff: the open backlog, the oldest open requests, repeat locations, the
on-time share by service and the city's service levels that match no service. Everything
comes from the published tables; the published requests may be a big table
(`daas.core.big.BigTable`), read in SQL (its open requests' times are the only column read
whole)."""

from __future__ import annotations

import json

import pandas as pd

from daas.beacon.big.publish import POSITION, among
from daas.beacon.recipes.service_requests.checks import instants
from daas.core.big import BigTable, quoted

OLDEST = 20  # open requests the staff page lists


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts (missing values as null)."""
    return json.loads(df.to_json(orient="records", date_format="iso"))


def like_mine(public: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Typical time to close by service and area, with the on-time share where the city has a
    service level for the service."""
    keys = ["service_code", "area"]
    on_time = public["requests_on_time"][[*keys, "target_days", "on_time_share"]]
    typical = public["requests_typical_time"].drop(columns=["suppression"])
    return typical.merge(on_time, on=keys, how="left")


OLDEST_COLUMNS = ["service_request_id", "service_name", "area", "requested_datetime"]


def ages(requested: pd.Series, as_of: str, zone: str) -> pd.Series:
    """Days from each request (ISO 8601 text) to the end of the day `as_of`, to 0.1."""
    end = pd.Timestamp(as_of).tz_localize(zone) + pd.Timedelta(days=1)
    return ((end - instants(requested, zone)).dt.total_seconds() / 86400).round(1)


def oldest_open(requests: pd.DataFrame | BigTable, as_of: str, zone: str) -> pd.DataFrame:
    """The `OLDEST` open requests, oldest first, with their age in days at `as_of`."""
    if isinstance(requests, BigTable):
        return _oldest_open_big(requests, as_of, zone)
    open_ = requests[requests["status"].eq("open")]
    age = ages(open_["requested_datetime"], as_of, zone)
    table = open_.assign(age_days=age).sort_values("age_days", ascending=False).head(OLDEST)
    return table[[*OLDEST_COLUMNS, "age_days"]]


def _positioned(requests: BigTable, columns: str) -> str:
    """SQL for `columns` of the requests with each row's position (`position`), in order."""
    return f"(SELECT {POSITION} AS position, {columns} FROM {requests.sql})"


def _open_rows(requests: BigTable) -> pd.DataFrame:
    """The open requests' positions and request times, in order."""
    rows = _positioned(requests, "status, requested_datetime")
    return requests.engine.frame(
        f"SELECT position, requested_datetime FROM {rows} WHERE status = 'open'"
    )


def _oldest_open_big(requests: BigTable, as_of: str, zone: str) -> pd.DataFrame:
    """`oldest_open` of a big table: the open requests' ages sorted as the frame's are (the same
    sort of the same ages in the same order, ties included), then those rows read."""
    open_ = _open_rows(requests)
    open_["age_days"] = ages(open_["requested_datetime"], as_of, zone)
    top = open_.sort_values("age_days", ascending=False).head(OLDEST)
    cols = ", ".join(quoted(c) for c in OLDEST_COLUMNS)
    rows = ", ".join(map(str, top["position"]))
    found = requests.engine.frame(
        f"SELECT position, {cols} FROM {_positioned(requests, cols)} "
        f"WHERE {among(f'[{rows}]::BIGINT[]', 'position')}"
    ).set_index("position")
    table = found.loc[top["position"].to_numpy()].assign(age_days=top["age_days"].to_numpy())
    return table.reset_index(drop=True)[[*OLDEST_COLUMNS, "age_days"]]


def _open_counts(requests: pd.DataFrame | BigTable) -> tuple[int, pd.Series]:
    """How many requests are open, and how many of each service (named ones, by name)."""
    if isinstance(requests, BigTable):
        counts = requests.engine.frame(
            f"SELECT service_name, count(*) AS n FROM {requests.sql} WHERE status = 'open' "
            "GROUP BY 1"
        )
        named = counts.dropna(subset=["service_name"])
        return int(counts["n"].sum()), named.groupby("service_name")["n"].sum()
    is_open = requests["status"].eq("open")
    return int(is_open.sum()), requests[is_open].groupby("service_name").size()


def page_data(public: dict[str, pd.DataFrame], meta: dict) -> dict[str, dict]:
    """The resident and staff pages' data (`Recipe.page_data`); `meta["timezone"]` is the
    city's zone."""
    zone = meta["timezone"]
    requests = public["service_requests"]
    backlog = public["requests_backlog"]
    open_requests, by_service = _open_counts(requests)
    repeats = public["repeat_locations"]
    on_time = public["requests_on_time"]
    resident = {
        "as_of": meta["as_of"],
        "requests": len(requests),
        "like_mine": records(like_mine(public)),
    }
    staff = {
        "as_of": meta["as_of"],
        "open_requests": open_requests,
        "open_by_service": {
            str(k): int(v) for k, v in by_service.sort_values(ascending=False).items()
        },
        "backlog": records(backlog.drop(columns=["suppression"])),
        "oldest_open": records(oldest_open(requests, meta["as_of"], zone)),
        "repeat_locations": records(repeats[repeats["repeat_locations_count"].gt(0)]),
        "on_time": records(on_time.drop(columns=["suppression"])),
        # service levels in the city file that name no service of the export (a typo?)
        "service_levels_unmatched": list(on_time.attrs.get("unmatched", [])),
    }
    return {"resident": resident, "staff": staff}
