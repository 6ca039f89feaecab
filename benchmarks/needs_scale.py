"""How the discovery and user-needs workshops scale: survey reading and affinity grouping.

Prints seconds for a large staff survey (2,000 respondents) and for grouping 100, 300 and 600
research notes, and the ratio of each to the example city's size. Run:
    .venv/bin/python benchmarks/needs_scale.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd

from daas.core.paths import repo_root
from daas.discovery import capability
from daas.needs import affinity, notes


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="needs-bench-") as tmp:
        big = Path(tmp) / "survey.csv"
        capability.sample_survey(respondents=2000, seed=1).to_csv(big, index=False)
        small = repo_root() / "data" / "port-mallory" / "staff_survey.csv"
        t_small = _time(lambda: capability.heatmap_data(capability.read_survey(small)))
        t_big = _time(lambda: capability.priorities(capability.read_survey(big)))
        print(f"survey  36 respondents: {t_small:.2f}s; 2000 respondents: {t_big:.2f}s "
              f"(ratio {t_big / t_small:.1f} for 56x the rows)")  # fmt: skip
    base = notes.read_notes(repo_root() / "data" / "port-mallory" / "research_notes.csv").table
    t_base = _time(lambda: affinity.auto_group(base))
    print(f"affinity {len(base)} notes: {t_base:.3f}s")
    for n in (100, 300, 600):
        reps = -(-n // len(base))
        table = pd.concat(
            [base.assign(note_id=base["note_id"] + f"-{i}",
                         observation=base["observation"] + f" visit{i % 7}") for i in range(reps)],
            ignore_index=True,
        ).head(n)  # fmt: skip
        t = _time(lambda table=table: affinity.auto_group(table))
        print(f"affinity {n} notes: {t:.2f}s (ratio {t / t_base:.0f} to the example)")


if __name__ == "__main__":
    main()
