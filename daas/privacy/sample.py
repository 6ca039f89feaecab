"""The person-level records of the ethics and privacy workshop (`datasets.person_records`), and
the fictional sample the housing recipe's example cities use (seeded, reproducible).

The sample is housing applications: age, sex, postcode, neighbourhood, household size, the exact
date of application and the outcome. Every person is made up. (Vale do Sereno, which runs the
service-requests recipe, has residents who made requests instead: `tools/vale_do_sereno_people.py`.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from daas.core.city import City
from daas.core.io import atomic_write_text
from daas.core.paths import repo_root
from daas.core.vocabulary import vocabulary
from daas.profile.city_profile import read_neighbourhoods

SEED = 20250701
# an application's outcome per language: waiting, offered, housed, withdrawn
OUTCOMES_FILE = "privacy/data/sample_outcomes.yml"
DATASET = "person_records"  # the city file's key (formerly `housing_applications`)


def housing_applications(city: City, rows: int = 2000, seed: int = SEED) -> pd.DataFrame:
    """Made-up applications for the city's own neighbourhoods, weighted by their renting
    households; outcomes are in the city's language."""
    rng = np.random.default_rng(seed)
    n = read_neighbourhoods(city)
    weights = (n["households"] * n["renter_share"]).to_numpy(dtype=float)
    hood_idx = rng.choice(len(n), size=rows, p=weights / weights.sum())
    # each neighbourhood has 2-4 postcodes, e.g. PM3 1, PM3 2
    prefix = "".join(ch for ch in str(n["neighbourhood_id"].iloc[0]) if ch.isalpha()) or "A"
    postcodes = [f"{prefix}{i + 1} {rng.integers(1, rng.integers(3, 5))}" for i in hood_idx]
    ages = np.clip(rng.gamma(6.0, 6.5, rows).round().astype(int) + 17, 18, 97)
    sex = rng.choice(["F", "M", "X"], size=rows, p=[0.55, 0.44, 0.01])
    days = rng.integers(0, 181, rows)
    applied = (pd.Timestamp("2025-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    outcome = rng.choice(vocabulary(OUTCOMES_FILE)[city.language], rows, p=[0.5, 0.2, 0.2, 0.1])
    return pd.DataFrame(
        {
            "application_id": [f"A-{i:05d}" for i in range(1, rows + 1)],
            "age": ages,
            "sex": sex,
            "postcode": postcodes,
            "neighbourhood": n["neighbourhood"].to_numpy()[hood_idx],
            "household_size": rng.choice(
                [1, 2, 3, 4, 5, 6], rows, p=[0.3, 0.25, 0.2, 0.14, 0.08, 0.03]
            ),
            "applied_on": applied,
            "outcome": outcome,
        }
    )


def write_housing_applications(city: City) -> str:
    """Regenerate a housing city's committed sample (`datasets.person_records`)."""
    path = city.dataset_path(DATASET)
    atomic_write_text(path, housing_applications(city).to_csv(index=False, lineterminator="\n"))
    return str(path.relative_to(repo_root()))


def person_records_for(city: City, dataset: str = DATASET) -> pd.DataFrame:
    """The city's declared person-level dataset; a DaasError names the city file and the
    `datasets.<key>` field when the city has not declared it (a housing city can generate a
    made-up one for its own neighbourhoods with `write_housing_applications`)."""
    from daas.privacy.scan import read_table

    return read_table(city.dataset_path(dataset))
