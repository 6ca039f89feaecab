"""Fairness check: does the service reach every group in proportion to who lives there?

`coverage(served, reference, group)` compares each group's share of the records a service
holds or publishes (homes listed, requests answered, people helped) with its share of a reference
population (households, residents). The ratio of the two shares is the coverage index: 1.0 is
proportional, below `threshold` (default 0.8, the "four-fifths" rule of thumb used in US
adverse-impact analysis) the group is flagged as under-served.
"""

from __future__ import annotations

import pandas as pd

from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.tables import require_columns


def coverage(
    served: pd.DataFrame,
    reference: pd.DataFrame,
    group: str,
    *,
    population: str,
    weight: str | None = None,
    threshold: float = 0.8,
) -> pd.DataFrame:
    """One row per group: served, population, their shares, the coverage index and a flag.

    `served` holds records (or counts in `weight`); `reference` one row per group with its
    population in `population`. Groups in the reference with no records get coverage 0.
    """
    for df, cols, what in (
        (served, [group, *([weight] if weight else [])], "served"),
        (reference, [group, population], "reference"),
    ):
        require_columns(df.columns, cols, what)
    pop = pd.to_numeric(reference[population], errors="coerce")
    if pop.isna().any() or (pop < 0).any() or pop.sum() <= 0:
        raise DaasError.one(
            "reference",
            population,
            _("populations must be non-negative numbers"),
            _("fix the reference table"),
        )
    counts = (
        served.groupby(group, observed=True)[weight].sum()
        if weight
        else served.groupby(group, observed=True).size()
    )
    ref = reference.assign(**{population: pop}).set_index(group)[population]
    out = pd.DataFrame({"served": counts.reindex(ref.index, fill_value=0), "population": ref})
    unknown = sorted(set(counts.index) - set(ref.index), key=str)
    out["served_share"] = out["served"] / max(out["served"].sum(), 1)
    out["population_share"] = out["population"] / out["population"].sum()
    out["coverage_index"] = (out["served_share"] / out["population_share"]).round(3)
    out["under_served"] = out["coverage_index"] < threshold
    out = out.reset_index().sort_values("coverage_index", ignore_index=True)
    out.attrs["not_in_reference"] = unknown
    return out


def under_served(table: pd.DataFrame, group: str) -> list[str]:
    """Plain sentences for the flagged groups of a `coverage` table."""
    return [
        f"{row[group]}: {row['served_share']:.0%} of the service for "
        f"{row['population_share']:.0%} of the population (coverage {row['coverage_index']:.2f})"
        for _, row in table[table["under_served"]].iterrows()
    ]
