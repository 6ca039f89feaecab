"""Housing's quality rules, beyond the schemas: places and locations of homes and listings,
affordability periods, zero-home rows, stale listings and implausible rents."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from daas.beacon.quality import Context, Issues, known_places, locations
from daas.core.big import literal
from daas.core.i18n import N_

if TYPE_CHECKING:
    from daas.beacon.big.checks import Checks

KEYS = {
    "inventory": ["building_id", "tenure", "income_band", "bedrooms"],
    "income_limits": ["household_size", "income_band"],
    "listings": ["listing_id"],
}
STALE_LISTING_DAYS = 90
# the reasons these rules give (published in English; `Recipe.reasons`)
ENDS_BEFORE_START = N_("affordability ends before it starts")
ENDED = N_("affordability has already ended: no longer an affordable home")
ZERO_HOMES = N_("zero homes recorded: check the export")
STALE_LISTING = N_("listed more than {days} days before the data date")
IMPLAUSIBLE_RENT = N_("asking rent is implausible")
REASONS = (ENDS_BEFORE_START, ENDED, ZERO_HOMES, STALE_LISTING, IMPLAUSIBLE_RENT)


def table_checks(
    table: str, t: pd.DataFrame, issues: Issues, ctx: Context, unplaced: np.ndarray
) -> None:
    """Housing's rules on one typed table (`Recipe.table_checks`)."""
    if table in ("inventory", "listings"):
        known_places(t, issues, ctx, "neighbourhood")
        locations(t, issues, ctx, unplaced, "latitude", "longitude")
    if table == "inventory":
        _affordability(t, issues, ctx)
    if table == "listings":
        _listings(t, issues, ctx)


def _affordability(t: pd.DataFrame, issues: Issues, ctx: Context) -> None:
    start, end = t["affordability_start"], t["affordability_end"]
    backwards = (end < start).fillna(False)
    issues.add(
        backwards,
        "consistency",
        "affordability_end",
        ENDS_BEFORE_START,
        end,
    )
    expired = (end < pd.Timestamp(ctx.as_of)).fillna(False) & ~backwards
    issues.add(
        expired,
        "timeliness",
        "affordability_end",
        ENDED,
        end,
        exclude=True,
    )
    zero = (t["units"] == 0).fillna(False)
    issues.add(zero, "accuracy", "units", ZERO_HOMES, "0")


def _listings(t: pd.DataFrame, issues: Issues, ctx: Context) -> None:
    old = t["listed_date"] < pd.Timestamp(ctx.as_of) - pd.Timedelta(days=STALE_LISTING_DAYS)
    issues.add(
        old.fillna(False),
        "timeliness",
        "listed_date",
        STALE_LISTING.format(days=STALE_LISTING_DAYS),
        exclude=True,
    )
    rent = t["asking_rent"]
    med = rent.median()
    wild = ((rent < med / 5) | (rent > med * 5)).fillna(False)
    issues.add(wild, "accuracy", "asking_rent", IMPLAUSIBLE_RENT, exclude=True)


def table_checks_big(table: str, c: Checks, ctx: Context) -> None:
    """`table_checks` on a big table, in SQL (`Recipe.table_checks_big`): the same rules in
    the same order (dates are TIMESTAMPs; a date's value as `Issues.add` writes it)."""
    if table in ("inventory", "listings"):
        c.known_places("neighbourhood")
        c.locations("latitude", "longitude")
    as_of = _timestamp(pd.Timestamp(ctx.as_of))
    if table == "inventory":
        start, end = c.col("affordability_start"), c.col("affordability_end")
        day = f"strftime({end}, '%Y-%m-%d')"
        backwards = f"({end} < {start})"
        c.add(backwards, "consistency", "affordability_end", ENDS_BEFORE_START, value=day)
        expired = f"({end} < {as_of} AND NOT coalesce({backwards}, FALSE))"
        c.add(expired, "timeliness", "affordability_end", ENDED, value=day, exclude=True)
        c.add(f"({c.col('units')} = 0)", "accuracy", "units", ZERO_HOMES, value="'0'")
    if table == "listings":
        stale = _timestamp(pd.Timestamp(ctx.as_of) - pd.Timedelta(days=STALE_LISTING_DAYS))
        c.add(f"({c.col('listed_date')} < {stale})", "timeliness", "listed_date",
              STALE_LISTING.format(days=STALE_LISTING_DAYS), exclude=True)  # fmt: skip
        c.put("_median_rent", c.median("asking_rent"))
        c.layer()
        rent, med = c.col("asking_rent"), c.col("_median_rent")
        c.add(f"({rent} < {med} / 5 OR {rent} > {med} * 5)", "accuracy", "asking_rent",
              IMPLAUSIBLE_RENT, exclude=True)  # fmt: skip


def _timestamp(moment: pd.Timestamp) -> str:
    return f"TIMESTAMP {literal(moment.isoformat(sep=' '))}"
