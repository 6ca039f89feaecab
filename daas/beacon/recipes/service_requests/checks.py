"""The service-requests recipe's quality rules on the canonical `requests` table.

Date-times are read as ISO 8601 (a time without an offset is local time in the city's zone)
and rewritten in that zone with its offset, so every table and the Open311 API show one form.
A request needs a readable `requested_datetime` that is not after the export was taken; a
closing time before the request is blanked (not counted in time to close); a closed request
without one is reported; areas are the city's, and coordinates inside its map (the shared
rules of `daas.beacon.quality`).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from daas.beacon.cells import iso_datetimes
from daas.beacon.quality import known_places, locations
from daas.core.i18n import N_

if TYPE_CHECKING:
    from daas.beacon.big.checks import Checks
    from daas.beacon.quality import Context, Issues

KEYS = {"requests": ["service_request_id"]}
DATETIMES = ("requested_datetime", "updated_datetime", "expected_datetime", "closed_datetime")
REQUESTED, CLOSED = "requested_datetime", "closed_datetime"
OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"
_OFFSET = re.compile(OFFSET)
# the reasons these rules give (published in English; `Recipe.reasons`)
NOT_A_DATETIME = N_(
    "{field} is not a date-time we can read (ISO 8601, e.g. `2025-03-01T08:15:00-03:00`)"
)
REQUESTED_LATER = N_("requested after the export was taken (its `as_of` day): a wrong date?")
CLOSED_BEFORE = N_("closed before it was requested: published blank, not counted in time to close")
CLOSED_UNDATED = N_("closed without a closing date-time: not counted in time to close")
REASONS = (NOT_A_DATETIME, REQUESTED_LATER, CLOSED_BEFORE, CLOSED_UNDATED)


def instants(text: pd.Series, zone: str) -> pd.Series:
    """ISO 8601 text as UTC instants (NaT when blank or unreadable); a value without an offset
    is local time in `zone` (at a clock change, the earlier reading; a skipped hour moves on)."""
    s = text.astype("string")
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    aware = _with_offset(s)
    if aware.any():
        out[aware] = pd.to_datetime(s[aware], utc=True, format="ISO8601", errors="coerce")
    naive = ~aware & s.notna().to_numpy(dtype=bool)
    if naive.any():
        local = pd.to_datetime(s[naive], format="ISO8601", errors="coerce")
        out[naive] = local.dt.tz_localize(
            zone, ambiguous=np.zeros(int(naive.sum()), dtype=bool), nonexistent="shift_forward"
        ).dt.tz_convert("UTC")
    return out


def _with_offset(text: pd.Series) -> np.ndarray:
    """Which values end with an offset (`OFFSET`), tested once per distinct ending: a match
    ends at most seven characters from the end (six, and a final line break `$` allows)."""
    ends = [v[-7:] for v in text.to_numpy(dtype=object, na_value="")]
    codes, distinct = pd.factorize(np.array(ends, dtype=object))
    search = _OFFSET.search
    return np.array([search(e) is not None for e in distinct], dtype=bool)[codes]


def local_text(moments: pd.Series, zone: str) -> pd.Series:
    """UTC instants as ISO 8601 text in `zone` with its offset (`2025-03-01T08:00:00-03:00`)."""
    return iso_datetimes(moments.dt.tz_convert(zone)).astype("string")


def table_checks(
    table: str, t: pd.DataFrame, issues: Issues, ctx: Context, unplaced: np.ndarray
) -> None:
    """The recipe's rules on the typed `requests` table (`Recipe.table_checks`)."""
    zone = ctx.timezone
    moments = {}
    for field in DATETIMES:
        moments[field] = instants(t[field], zone)
        bad = (moments[field].isna() & t[field].notna()).to_numpy(dtype=bool)
        issues.add(bad, "validity", field, NOT_A_DATETIME.format(field=field),
                   exclude=field == REQUESTED)  # fmt: skip
    requested, closed = moments[REQUESTED], moments[CLOSED]
    end = pd.Timestamp(ctx.as_of + timedelta(days=1)).tz_localize(zone)
    issues.add((requested > end).to_numpy(dtype=bool), "accuracy", REQUESTED, REQUESTED_LATER,
               exclude=True)  # fmt: skip
    before = (closed < requested).to_numpy(dtype=bool)
    issues.add(before, "consistency", CLOSED, CLOSED_BEFORE)
    moments[CLOSED] = closed.where(~before)
    status_closed = t["status"].eq("closed").fillna(False).to_numpy(dtype=bool)
    no_close = status_closed & t[CLOSED].isna().to_numpy(dtype=bool)
    issues.add(no_close, "completeness", CLOSED, CLOSED_UNDATED)
    for field in DATETIMES:
        t[field] = local_text(moments[field], zone)
    known_places(t, issues, ctx, "area")
    locations(t, issues, ctx, unplaced, "lat", "long")


def table_checks_big(table: str, c: Checks, ctx: Context) -> None:
    """`table_checks` on a big `requests` table, in SQL (`Recipe.table_checks_big`): the same
    rules in the same order; date-times SQL does not read with certainty are read by
    `instants` and written by `local_text` (`Checks.instants`)."""
    zone = ctx.timezone
    read = c.instants(DATETIMES, zone, instants, local_text)
    for field in DATETIMES:
        at = c.col(read[field][0])
        c.add(f"({at} IS NULL AND {c.col(field)} IS NOT NULL)", "validity", field,
              NOT_A_DATETIME.format(field=field), exclude=field == REQUESTED)  # fmt: skip
    end = pd.Timestamp(ctx.as_of + timedelta(days=1)).tz_localize(zone)
    requested, closed = c.col(read[REQUESTED][0]), c.col(read[CLOSED][0])
    end_us = end.value // 1000  # the instant in microseconds (`value`: nanoseconds)
    c.add(f"({requested} > {end_us})", "accuracy", REQUESTED, REQUESTED_LATER, exclude=True)
    before = f"({closed} < {requested})"
    c.add(before, "consistency", CLOSED, CLOSED_BEFORE)
    no_close = f"({c.col('status')} = 'closed' AND {c.col(CLOSED)} IS NULL)"
    c.add(no_close, "completeness", CLOSED, CLOSED_UNDATED)
    for field in DATETIMES:
        local = c.col(read[field][1])
        c.put(field, f"CASE WHEN {before} THEN NULL ELSE {local} END" if field == CLOSED else local)
    c.layer()
    c.known_places("area")
    c.locations("lat", "long")
