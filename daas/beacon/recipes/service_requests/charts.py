"""What the service-requests resident and staff pages show: their first sentences, what usually
happens to a request like mine in plain words, and the backlog, oldest open requests, repeat
locations and on-time share. Everything reads the published output (`daas.beacon.pages`), so
pages show exactly what was published."""

from __future__ import annotations

import altair as alt
import pandas as pd

from daas.beacon.pages import page_data, read_table
from daas.core.charts import describe, use_theme
from daas.core.display import Table, page_table, show, tooltips
from daas.core.formats import AXIS_NUMBER, number
from daas.core.formats import date as long_date
from daas.core.i18n import N_, _

# the columns these pages show, as their headers say them
COLUMNS = (
    N_("service_name"),
    N_("area"),
    N_("closed_requests"),
    N_("median_days_to_close"),
    N_("p90_days_to_close"),
    N_("target_days"),
    N_("on_time_share"),
    N_("due_requests"),
    N_("open_requests"),
    N_("median_age_days"),
    N_("p90_age_days"),
    N_("service_request_id"),
    N_("requested_datetime"),
    N_("age_days"),
    N_("repeat_locations_count"),
    N_("repeat_requests"),
)


# what the pages call the published columns (English, translated on display)
LABELS = {
    "service_name": N_("Service"),
    "area": N_("Area"),
    "closed_requests": N_("Closed requests"),
    "median_days_to_close": N_("Usually closed within (days)"),
    "p90_days_to_close": N_("9 in 10 closed within (days)"),
    "target_days": N_("Target (days)"),
    "on_time_share": N_("Closed on time"),
    "due_requests": N_("Requests due"),
    "open_requests": N_("Open requests"),
    "median_age_days": N_("Typical age (days)"),
    "p90_age_days": N_("9 in 10 younger than (days)"),
    "service_request_id": N_("Request"),
    "requested_datetime": N_("Requested on"),
    "age_days": N_("Age (days)"),
    "repeat_locations_count": N_("Repeat locations"),
    "repeat_requests": N_("Requests at them"),
}
DAYS = ("median_days_to_close", "p90_days_to_close", "target_days", "median_age_days",
        "p90_age_days", "age_days")  # fmt: skip
NO_AREA = "unknown"  # aggregates.NO_AREA, not imported: that module loads DuckDB
NUMBERS = {c: AXIS_NUMBER for c in ("open_requests", "closed_requests")}


def for_reader(table: pd.DataFrame, *columns: str) -> Table:
    """`columns` of `table` as a page shows them: labelled, days in whole numbers, shares as
    percentages, dates written out, in the reader's locale."""
    return show(
        table,
        {c: LABELS[c] for c in columns},
        shares=("on_time_share",),
        dates=("requested_datetime",),
        digits=dict.fromkeys(DAYS, 0),
        literal=("service_request_id",),
        codes={NO_AREA: N_("Area not known")},
    )


def shown(table: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """`columns` of `table` as a page shows them, headed in the reader's language."""
    return page_table(table, COLUMNS, columns)


def resident_summary(city_name: str, resident: dict) -> str:
    """The resident page's first sentence: how many requests the figures come from."""
    return _("{city} published {requests} requests to the city (data as of {date}).").format(
        city=city_name, requests=number(resident["requests"]), date=long_date(resident["as_of"])
    )


def like_mine(slug: str) -> pd.DataFrame:
    """Typical time to close by service and area, cells hidden for privacy left out; the
    services with the most closed requests first."""
    rows = pd.DataFrame(page_data(slug, "resident")["like_mine"])
    rows = rows[rows["median_days_to_close"].notna()]
    return rows.sort_values(["closed_requests", "service_name", "area"],
                            ascending=[False, True, True], ignore_index=True)  # fmt: skip


def in_words(row: pd.Series) -> str:
    """One service and area in plain words: usual time, nine in ten, and on time."""
    text = _(
        "{service} in {area}: usually closed within {median:.0f} days; 9 in 10 within "
        "{p90:.0f} days."
    ).format(
        service=row["service_name"],
        area=row["area"],
        median=row["median_days_to_close"],
        p90=row["p90_days_to_close"],
    )
    if pd.notna(row.get("on_time_share")):
        text += " " + _("{share:.0%} closed within the city's target of {days:.0f} days.").format(
            share=row["on_time_share"], days=row["target_days"]
        )
    return text


def like_mine_words(slug: str, top: int = 5) -> str:
    """The `top` services and areas with the most closed requests, one line each."""
    return "\n".join(in_words(row) for _i, row in like_mine(slug).head(top).iterrows())


def like_mine_table(slug: str) -> Table:
    columns = ("service_name", "area", "closed_requests", "median_days_to_close",
               "p90_days_to_close", "target_days", "on_time_share")  # fmt: skip
    return for_reader(like_mine(slug), *columns)


def typical_chart(slug: str) -> alt.Chart:
    """Median days to close by service and area, as a grid of shaded cells."""
    use_theme()
    rows = like_mine(slug)
    chart = (
        alt.Chart(rows)
        .mark_rect()
        .encode(
            x=alt.X("area:N", title=_("Area")),
            y=alt.Y("service_name:N", title=None),
            color=alt.Color("median_days_to_close:Q", title=_("Median days to close")),
            tooltip=tooltips(
                "service_name",
                "area",
                "median_days_to_close",
                "p90_days_to_close",
                labels=LABELS,
                formats=dict.fromkeys(DAYS, ".0f"),
            ),
        )
    )
    slowest = rows.sort_values("median_days_to_close", ascending=False).iloc[0]
    return describe(
        chart,
        _("How long requests usually take"),
        _(
            "Grid of median days to close by service and area; darker means slower. {service} "
            "in {area} is the slowest, {days:.0f} days."
        ).format(
            service=slowest["service_name"],
            area=slowest["area"],
            days=slowest["median_days_to_close"],
        ),
    )


def staff_summary(staff: dict) -> str:
    """The staff page's first sentence: open requests and the oldest one's age."""
    oldest = staff["oldest_open"][0]["age_days"] if staff["oldest_open"] else 0
    return _("{open} requests were open on {date}; the oldest had waited {days} days.").format(
        open=number(staff["open_requests"]),
        date=long_date(staff["as_of"]),
        days=number(oldest, 0),
    )


def backlog_chart(slug: str) -> alt.Chart:
    """Open requests by service, most first."""
    use_theme()
    by_service = page_data(slug, "staff")["open_by_service"]
    rows = pd.DataFrame(list(by_service.items()), columns=["service_name", "open_requests"])
    chart = (
        alt.Chart(rows)
        .mark_bar()
        .encode(
            x=alt.X("open_requests:Q", title=_("Open requests"), axis=alt.Axis(format=AXIS_NUMBER)),
            y=alt.Y("service_name:N", sort="-x", title=None),
            tooltip=tooltips("service_name", "open_requests", labels=LABELS, formats=NUMBERS),
        )
    )
    return describe(
        chart,
        _("Open requests by service"),
        _("Bar chart of {total} open requests by service. {top} has the most.").format(
            total=number(int(rows["open_requests"].sum())), top=rows["service_name"].iloc[0]
        ),
    )


def backlog_table(slug: str) -> Table:
    rows = read_table(slug, "requests_backlog")
    rows = rows[rows["open_requests"].fillna(0).gt(0) | rows["suppressed"]]
    return for_reader(rows.sort_values("open_requests", ascending=False), "service_name",
                      "area", "open_requests", "median_age_days", "p90_age_days")  # fmt: skip


def oldest_open(slug: str) -> pd.DataFrame | Table:
    rows = pd.DataFrame(page_data(slug, "staff")["oldest_open"])
    if rows.empty:
        return rows
    return for_reader(rows, "service_request_id", "service_name", "area",
                      "requested_datetime", "age_days")  # fmt: skip


def repeat_locations(slug: str) -> Table:
    rows = pd.DataFrame(page_data(slug, "staff")["repeat_locations"],
                        columns=["service_name", "area", "repeat_locations_count",
                                 "repeat_requests"])  # fmt: skip
    return for_reader(rows, "service_name", "area", "repeat_locations_count", "repeat_requests")


def on_time(slug: str) -> Table:
    rows = pd.DataFrame(page_data(slug, "staff")["on_time"])
    rows = rows[rows["on_time_share"].notna()].sort_values("on_time_share")
    return for_reader(rows, "service_name", "area", "target_days", "due_requests",
                      "on_time_share")  # fmt: skip


def unmatched_levels(staff: dict) -> str:
    """The city's service levels that match no service of the export (empty when none)."""
    names = staff["service_levels_unmatched"]
    if not names:
        return ""
    return _("Service levels in the city file that match no service: {names}.").format(
        names=", ".join(names)
    )
