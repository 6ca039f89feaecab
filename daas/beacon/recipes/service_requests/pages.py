"""What the service-requests resident and staff pages read. Residents: what usually happens to
a request like mine, by type and area (median and 90th percentile of days to close, the share
closed on time). Staff: the open backlog, the oldest open requests, repeat locations, the
on-time share by service and the city's service levels that match no service. Everything
comes from the published tables."""

from __future__ import annotations

import json

import pandas as pd

from daas.beacon.recipes.service_requests.checks import instants

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


def oldest_open(requests: pd.DataFrame, as_of: str, zone: str) -> pd.DataFrame:
    """The `OLDEST` open requests, oldest first, with their age in days at `as_of`."""
    open_ = requests[requests["status"].eq("open")]
    moments = instants(open_["requested_datetime"], zone)
    end = pd.Timestamp(as_of).tz_localize(zone) + pd.Timedelta(days=1)
    age = ((end - moments).dt.total_seconds() / 86400).round(1)
    table = open_.assign(age_days=age).sort_values("age_days", ascending=False).head(OLDEST)
    return table[["service_request_id", "service_name", "area", "requested_datetime", "age_days"]]


def page_data(public: dict[str, pd.DataFrame], meta: dict) -> dict[str, dict]:
    """The resident and staff pages' data (`Recipe.page_data`); `meta["timezone"]` is the
    city's zone."""
    zone = meta["timezone"]
    requests = public["service_requests"]
    backlog = public["requests_backlog"]
    by_service = requests[requests["status"].eq("open")].groupby("service_name").size()
    repeats = public["repeat_locations"]
    on_time = public["requests_on_time"]
    resident = {
        "as_of": meta["as_of"],
        "requests": len(requests),
        "like_mine": records(like_mine(public)),
    }
    staff = {
        "as_of": meta["as_of"],
        "open_requests": int(requests["status"].eq("open").sum()),
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
