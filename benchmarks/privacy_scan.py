"""Benchmark: the privacy scan of a 1,000,000-row, 20-column table must take at most 60 s.

Run: .venv/bin/python benchmarks/privacy_scan.py [--rows N]
Prints the seconds taken and the ratio to the 60 s target (below 1.0 passes).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from daas.privacy.scan import scan_table

TARGET_S = 60.0


def make_table(rows: int, seed: int = 0) -> pd.DataFrame:
    """A synthetic person-level table: quasi-identifiers, identifiers, codes and numbers."""
    rng = np.random.default_rng(seed)
    first = np.array(["John", "Maria", "Ana", "David", "Lucía", "Peter", "Sarah", "Jorge"])
    last = np.array(["Smith", "Garcia", "Souza", "Okafor", "Chen", "Patel", "Lopez", "Brown"])
    streets = np.array(["Harbour Street", "Mill Road", "Quay Lane", "Hill Avenue"])
    n = rows
    idx = np.arange(n)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
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
            "notes": rng.choice(
                [
                    "Needs a ground floor flat near the bus route.",
                    "Asked to be contacted by letter rather than phone.",
                    "No comments recorded at the time of application.",
                ],
                n,
            ),
            "latitude": (41.3 + rng.random(n) / 10).round(6),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    df = make_table(args.rows)
    assert df.shape[1] == 20
    start = time.perf_counter()
    result = scan_table(df)
    seconds = time.perf_counter() - start
    flagged = sum(bool(c.pii) for c in result.columns)
    print(
        f"rows={len(df):,} columns={df.shape[1]} flagged_columns={flagged} "
        f"quasi_identifiers={len(result.quasi_identifiers)} k={result.k_anonymity}"
    )
    print(f"seconds={seconds:.2f} target={TARGET_S:.0f} ratio={seconds / TARGET_S:.3f}")


if __name__ == "__main__":
    main()
