"""Benchmark: the privacy scan of a 1,000,000-row, 20-column table, every value checked for
emails, phone numbers, national ids and card numbers: at most 20 s and 1.5 GB peak memory.

Run: .venv/bin/python benchmarks/privacy_scan.py [--rows N]
Prints wall time, CPU time and peak memory (the process's peak resident set, table included)
with their ratios to the targets (below 1.0 passes), and checks that the identifiers planted in
single rows were found in those rows.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from daas.privacy.scan import scan_table

TARGET_S = 20.0
TARGET_MB = 1536.0
# one of each high-specificity identifier, planted in a single row of a free-text column
PLANTED = {
    "email": "Wrote to ana.souza@example.org about the repair",
    "id:br_cpf": "Tenant gave CPF 529.982.247-25 by phone",
    "card_number": "Paid the deposit with 4111 1111 1111 1111 last week",
}


def make_table(rows: int, seed: int = 0) -> pd.DataFrame:
    """A synthetic person-level table: quasi-identifiers, identifiers, codes and numbers."""
    rng = np.random.default_rng(seed)
    first = np.array(["John", "Maria", "Ana", "David", "Lucía", "Peter", "Sarah", "Jorge"])
    last = np.array(["Smith", "Garcia", "Souza", "Okafor", "Chen", "Patel", "Lopez", "Brown"])
    streets = np.array(["Harbour Street", "Mill Road", "Quay Lane", "Hill Avenue"])
    n = rows
    idx = np.arange(n)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    notes = pd.Series(
        rng.choice(
            [
                "Needs a ground floor flat near the bus route.",
                "Asked to be contacted by letter rather than phone.",
                "No comments recorded at the time of application.",
            ],
            n,
        ),
        dtype=object,
    )
    for i, text in enumerate(PLANTED.values()):
        notes[planted_row(n, i)] = text
    return pd.DataFrame(
        {
            "record_id": idx,
            "full_name": pd.Series(first[rng.integers(0, 8, n)])
            + " "
            + pd.Series(last[rng.integers(0, 8, n)]),
            "email": pd.Series(idx).astype(str).radd("person") + "@example.org",
            "phone": "(555) "
            + pd.Series(rng.integers(200, 999, n)).astype(str)
            + "-"
            + pd.Series(rng.integers(1000, 9999, n)).astype(str),
            "address": pd.Series(rng.integers(1, 999, n)).astype(str)
            + " "
            + pd.Series(streets[rng.integers(0, 4, n)]),
            "age": rng.integers(18, 95, n),
            "sex": rng.choice(["F", "M", "X"], n),
            "postcode": rng.choice([f"PM{i}" for i in range(1, 30)], n),
            "neighbourhood": rng.choice([f"Area {i}" for i in range(12)], n),
            "application_date": dates.strftime("%Y-%m-%d"),
            "household_size": rng.integers(1, 8, n),
            "income": rng.normal(40_000, 12_000, n).round(2),
            "tenure": rng.choice(["rent", "own", "other"], n),
            "status": rng.choice(["open", "closed", "waiting"], n),
            "channel": rng.choice(["web", "phone", "in person"], n),
            "score": rng.random(n),
            "bedrooms": rng.integers(0, 5, n),
            "priority": rng.choice(["A", "B", "C", "D"], n),
            "notes": notes,
            "latitude": (41.3 + rng.random(n) / 10).round(6),
        }
    )


def planted_row(rows: int, i: int) -> int:
    """Where the i-th planted identifier goes (0-based): spread over the whole column."""
    return (rows - 1) * (i + 1) // (len(PLANTED) + 1)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    df = make_table(args.rows)
    assert df.shape[1] == 20
    before = peak_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    result = scan_table(df)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = peak_mb()
    flagged = {c.name: c.pii for c in result.columns if c.pii}
    notes = next(c for c in result.columns if c.name == "notes")
    for i, kind in enumerate(PLANTED):
        assert notes.rows.get(kind) == [planted_row(args.rows, i) + 1], (kind, notes.rows)
    print(f"rows={len(df):,} columns={df.shape[1]} values={df.size:,} flagged={flagged}")
    print(f"planted in notes, found in rows: {notes.rows}")
    print(f"wall_s={wall:.2f} target={TARGET_S:.0f} ratio={wall / TARGET_S:.3f}")
    print(f"cpu_s={cpu:.2f}")
    print(
        f"peak_mb={peak:.0f} (table built: {before:.0f}) target={TARGET_MB:.0f} "
        f"ratio={peak / TARGET_MB:.3f}"
    )


if __name__ == "__main__":
    main()
