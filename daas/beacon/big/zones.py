"""A city's time zone as SQL reads it on the big tables' path (`checks.Checks.instants`).

The zone's offsets come from pandas, by day (`zone_runs`): a run of days with one offset is read
in SQL with it; near a change of offset SQL applies pandas' rules (`ambiguous=False`,
`nonexistent="shift_forward"`), which the tests check against pandas; any other day is left to
pandas. `tree` writes the runs as a balanced CASE over an instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

MARGIN_DAYS = 2  # a day is read in SQL when the zone's offset is the same this far around it
US = 1_000_000


@dataclass(frozen=True)
class Leaf:
    """What SQL knows of the zone on a run of UTC days: its one `offset` (seconds), or the one
    change of offset near them (at the instant `change`, epoch µs, from `before` to `after`)."""

    offset: int | None = None
    change: int | None = None
    before: int | None = None
    after: int | None = None


def offsets_at(zone: str, instants: np.ndarray) -> np.ndarray:
    """The zone's offset (seconds) at each UTC instant (datetime64[s]), as pandas has it."""
    utc = pd.DatetimeIndex(instants.astype("datetime64[s]")).tz_localize("UTC")
    local = utc.tz_convert(zone).tz_localize(None)
    return (local - utc.tz_localize(None)).total_seconds().to_numpy().astype(np.int64)


@cache
def zone_runs(zone: str, first: int, last: int) -> tuple[list[int], list[Leaf | None]]:
    """The UTC days from three before `first`-01-01 to three after `last`+1-01-01 as runs of
    days SQL reads alike: the bounds (epoch µs; run i from bounds[i] to bounds[i + 1]) and
    each run's `Leaf` (None: pandas decides). A day has one offset when the offset is the same
    at the start of every day from `MARGIN_DAYS` before to `MARGIN_DAYS` + 1 after it (so for
    every instant of the day, and every reading of a local time on that calendar day); else,
    from 1970 on, the one change in that window when it is on a whole hour (UTC) between
    offsets of whole minutes: a local time it repeats reads with the offset after it, one it
    skips as the change's instant (pandas' `ambiguous=False`, `nonexistent="shift_forward"`)."""
    m = MARGIN_DAYS
    d0 = np.datetime64(f"{first}-01-01") - 3
    d1 = np.datetime64(f"{last + 1}-01-01") + 3
    n = int((d1 - d0).astype(np.int64))
    days = np.arange(d0 - m, d1 + m + 2)
    off = offsets_at(zone, days)
    window = np.stack([off[m + k : m + k + n] for k in range(-m, m + 2)])
    changes = (window[1:] != window[:-1]).sum(axis=0)
    leaves: list[Leaf | None] = []
    for i in range(n):
        leaf = None
        if changes[i] == 0 and window[0, i] % 60 == 0:
            leaf = Leaf(offset=int(window[0, i]))
        elif changes[i] == 1 and d0 + i >= np.datetime64("1970-01-03"):
            k = int(np.flatnonzero(window[1:, i] != window[:-1, i])[0])
            leaf = change(zone, d0 + i - m + k, int(window[0, i]), int(window[-1, i]))
        leaves.append(leaf)
    base = int(d0.astype("datetime64[s]").astype(np.int64)) * US
    bounds, runs = [base], []  # type: tuple[list[int], list[Leaf | None]]
    for i, leaf in enumerate(leaves):
        if runs and runs[-1] == leaf:
            bounds[-1] = base + (i + 1) * 86400 * US
        else:
            runs.append(leaf)
            bounds.append(base + (i + 1) * 86400 * US)
    return bounds, runs


@cache
def change(zone: str, day: np.datetime64, before: int, after: int) -> Leaf | None:
    """The change of offset during the UTC `day` (from `before` to `after`) when SQL may read
    it (`zone_runs`), else None."""
    minutes = day.astype("datetime64[s]") + np.arange(0, 1441) * np.timedelta64(60, "s")
    off = offsets_at(zone, minutes)
    later = np.flatnonzero(off != before)
    if not len(later) or (off[later[0] :] != after).any():
        return None
    at = minutes[later[0]]
    second = offsets_at(zone, np.array([at - np.timedelta64(1, "s")]))[0]
    epoch = int(at.astype(np.int64))
    if second != before or epoch % 3600 or before % 60 or after % 60:
        return None
    return Leaf(change=epoch * US, before=before, after=after)


def tree(x: str, bounds: list[int], leaves: list[str]) -> str:
    """SQL giving `leaves[i]` for `x` in [bounds[i], bounds[i + 1]), else NULL: a balanced
    tree of comparisons."""

    def node(lo: int, hi: int) -> str:
        if hi - lo == 1:
            return leaves[lo]
        mid = (lo + hi) // 2
        return f"CASE WHEN {x} < {bounds[mid]} THEN {node(lo, mid)} ELSE {node(mid, hi)} END"

    return (
        f"CASE WHEN {x} IS NULL OR {x} < {bounds[0]} OR {x} >= {bounds[-1]} THEN NULL "
        f"ELSE {node(0, len(leaves))} END"
    )


def offset_text(seconds: int) -> str:
    """As `daas.beacon.cells.iso_datetimes` writes an offset."""
    sign = "-" if seconds < 0 else "+"
    a = abs(seconds)
    return f"{sign}{a // 3600:02d}:{a % 3600 // 60:02d}"
