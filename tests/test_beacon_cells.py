"""Public-table cells: aware date-times as ISO 8601 text with each value's own offset."""

from __future__ import annotations

import warnings

import pandas as pd

from daas.beacon.cells import iso_datetimes


def test_iso_datetimes_writes_each_offset_and_keeps_missing() -> None:
    """Offsets on both sides of a clock change, half hours west and east of UTC, and a missing
    value stay what `datetime.isoformat` writes, without a pandas warning."""
    cases = {
        "Europe/Lisbon": ["2025-03-30 00:30", "2025-03-30 03:30", None],
        "America/St_Johns": ["2025-01-15 08:00", "2025-07-15 08:00", None],
        "Asia/Kolkata": ["2025-01-15 08:05:09", None, "2025-12-31 23:59:59"],
    }
    for zone, texts in cases.items():
        values = pd.Series(pd.to_datetime(texts)).dt.tz_localize(zone)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = iso_datetimes(values)
        want = [v.isoformat() if pd.notna(v) else None for v in values]
        assert [None if pd.isna(g) else g for g in got] == want, zone
    empty = pd.Series(pd.to_datetime([None, None])).dt.tz_localize("UTC")
    assert iso_datetimes(empty).isna().all()
