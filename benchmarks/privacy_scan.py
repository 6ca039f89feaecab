"""Benchmark: the privacy scan of a 1,000,000-row, 20-column table, every value checked for
emails, phone numbers, national ids and card numbers: at most 20 s and 1.5 GB peak memory.

Run: .venv/bin/python benchmarks/privacy_scan.py [--rows N]

The table is shaped like a real person-level export read with `daas.privacy.scan.read_table`:
text columns of pandas' `str` type in which a repeated value is one shared string object (as
pandas' CSV reader makes them), a unique email and phone number per row, and a free-text notes
column with hundreds of thousands of distinct values, most holding dates and reference numbers
(so they go through the digit patterns); one email, one CPF and one card number are planted in
single rows of it.

Prints CPU time (the main figure: the machine is shared) and wall time with the load average,
and memory measured by the kernel: the process before the table, the table's own resident
memory, the scan's added peak, and the process peak during the scan, judged against 1.5 GB.
It checks that the planted identifiers were found in their rows.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import os
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from daas.privacy.scan import scan_table

TARGET_S = 20.0
TARGET_MB = 1536.0
# one of each high-specificity identifier, planted in a single row of the free-text column
PLANTED = {
    "email": "Wrote to ana.souza@example.org about the repair",
    "id:br_cpf": "Tenant gave CPF 529.982.247-25 by phone",
    "card_number": "Paid the deposit with 4111 1111 1111 1111 last week",
}
PHRASES = [
    "Needs a ground floor flat near the bus route",
    "Asked to be contacted by letter rather than phone",
    "No comments recorded at the time of application",
    "Visited the office with two children",
    "Waiting for the landlord's reference",
    "Moved from temporary housing",
]


def shared(choices: list[str], codes: np.ndarray) -> pd.Series:
    """A `str` column whose repeated values are one object each (as the CSV reader makes)."""
    return pd.Series(np.array(choices, dtype=object)[codes], dtype="str")


def notes_column(rows: int, rng: np.random.Generator) -> pd.Series:
    """Free text: about a quarter of the rows distinct, most with a date and a reference."""
    distinct = max(rows // 4, 10)
    day = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, distinct), unit="D")
    texts = [
        f"{PHRASES[p]}. Seen {d:%Y-%m-%d}, file {r}, unit {u}" if r % 5 else PHRASES[p]
        for p, d, r, u in zip(
            rng.integers(0, len(PHRASES), distinct).tolist(),
            day,
            rng.integers(10_000, 99_999, distinct).tolist(),
            rng.integers(1, 400, distinct).tolist(),
            strict=True,
        )
    ]
    notes = np.array(texts, dtype=object)[rng.integers(0, distinct, rows)]
    for i, text in enumerate(PLANTED.values()):
        notes[planted_row(rows, i)] = text
    return pd.Series(notes, dtype="str")


def make_table(rows: int, seed: int = 0) -> pd.DataFrame:
    """A synthetic person-level table: quasi-identifiers, identifiers, codes and numbers."""
    rng = np.random.default_rng(seed)
    n = rows

    def pick(choices: list[str]) -> pd.Series:
        return shared(choices, rng.integers(0, len(choices), n))

    first = ["John", "Maria", "Ana", "David", "Lucía", "Peter", "Sarah", "Jorge"]
    last = ["Smith", "Garcia", "Souza", "Okafor", "Chen", "Patel", "Lopez", "Brown"]
    streets = ["Harbour Street", "Mill Road", "Quay Lane", "Hill Avenue"]
    days = pd.date_range("2024-01-01", periods=365).strftime("%Y-%m-%d").tolist()
    return pd.DataFrame(
        {
            "record_id": np.arange(n),
            "full_name": pick([f"{a} {b}" for a in first for b in last]),
            "email": pd.Series([f"person{i}@example.org" for i in range(n)], dtype="str"),
            "phone": pd.Series(
                [
                    f"(555) {a}-{b}"
                    for a, b in zip(
                        rng.integers(200, 999, n).tolist(),
                        rng.integers(1000, 9999, n).tolist(),
                        strict=True,
                    )
                ],
                dtype="str",
            ),
            "address": pick([f"{h} {s}" for h in range(1, 1000) for s in streets]),
            "age": rng.integers(18, 95, n),
            "sex": pick(["F", "M", "X"]),
            "postcode": pick([f"PM{i}" for i in range(1, 30)]),
            "neighbourhood": pick([f"Area {i}" for i in range(12)]),
            "application_date": pick(days),
            "household_size": rng.integers(1, 8, n),
            "income": rng.normal(40_000, 12_000, n).round(2),
            "tenure": pick(["rent", "own", "other"]),
            "status": pick(["open", "closed", "waiting"]),
            "channel": pick(["web", "phone", "in person"]),
            "score": rng.random(n),
            "bedrooms": rng.integers(0, 5, n),
            "priority": pick(["A", "B", "C", "D"]),
            "notes": notes_column(n, rng),
            "latitude": (41.3 + rng.random(n) / 10).round(6),
        }
    )


def planted_row(rows: int, i: int) -> int:
    """Where the i-th planted identifier goes (0-based): spread over the whole column."""
    return (rows - 1) * (i + 1) // (len(PLANTED) + 1)


class Memory:
    """Resident memory from /proc (Linux): now, the peak, and a reset of the peak."""

    status = Path("/proc/self/status")

    def field(self, name: str) -> float:
        for line in self.status.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) / 1024
        raise KeyError(name)

    def now(self) -> float:
        return self.field("VmRSS")

    def peak(self) -> float:
        return self.field("VmHWM")

    def trim(self) -> None:
        """Give memory freed while building back to the system (glibc), so that what stays
        resident is the table itself."""
        gc.collect()
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)

    def reset_peak(self) -> bool:
        """Start the peak again from the current size (Linux 4.0+); False when not allowed."""
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            return False
        return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    mem = Memory()
    start_mb = mem.now()
    df = make_table(args.rows)
    assert df.shape[1] == 20
    mem.trim()
    table_mb, build_peak = mem.now() - start_mb, mem.peak()
    reset = mem.reset_peak()
    before_mb = mem.now()
    load_before = os.getloadavg()
    wall, cpu = time.perf_counter(), time.process_time()
    result = scan_table(df)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    load_after = os.getloadavg()
    scan_peak = mem.peak() if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    flagged = {c.name: c.pii for c in result.columns if c.pii}
    notes = next(c for c in result.columns if c.name == "notes")
    for i, kind in enumerate(PLANTED):
        assert notes.rows.get(kind) == [planted_row(args.rows, i) + 1], (kind, notes.rows)
    distinct = df["notes"].nunique()
    print(f"rows={len(df):,} columns={df.shape[1]} values={df.size:,} notes_distinct={distinct:,}")
    print(f"flagged={flagged}")
    print(f"planted in notes, found in rows: {notes.rows}")
    print(f"cpu_s={cpu:.2f} target={TARGET_S:.0f} ratio={cpu / TARGET_S:.3f}")
    print(f"wall_s={wall:.2f} target={TARGET_S:.0f} ratio={wall / TARGET_S:.3f}")
    print(
        "load_average_1_5_15: before="
        + "/".join(f"{x:.2f}" for x in load_before)
        + " after="
        + "/".join(f"{x:.2f}" for x in load_after)
        + f" cores={os.cpu_count()}"
    )
    print(
        f"memory_mb: process_before_table={start_mb:.0f} table={table_mb:.0f} "
        f"(peak while building={build_peak:.0f})"
    )
    note = "" if reset else " (peak not resettable here: whole-process peak)"
    print(
        f"memory_mb: scan_added={scan_peak - before_mb:.0f} "
        f"process_peak_during_scan={scan_peak:.0f} target={TARGET_MB:.0f} "
        f"ratio={scan_peak / TARGET_MB:.3f}{note}"
    )


if __name__ == "__main__":
    main()
