"""Street trees: how many trees each neighbourhood has and how many are in poor condition, for
the parks team deciding where to send pruning crews and where to plant. The smallest complete
Beacon recipe: one input table (`trees`), one published aggregate (`trees_by_area`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from daas.beacon.quality import known_places
from daas.beacon.recipe import QUALITY_TABLE, Recipe
from daas.core.i18n import N_

if TYPE_CHECKING:
    import numpy as np

    from daas.beacon.quality import Context, Issues
    from daas.core.city import City

KEYS = {"trees": ["tree_id"]}  # input table -> fields no two rows share
NEEDS_WORK = ("poor", "dead")  # conditions that send a crew


class StreetTrees(Recipe):
    """The street-trees recipe."""

    name = "street-trees"
    description = N_("street trees by neighbourhood, and how many are in poor condition")
    title = "Street trees"
    schema_dir = Path(__file__).parent / "schemas"
    input_tables = ("trees",)
    required_tables = ("trees",)
    public_tables = ("trees_by_area", QUALITY_TABLE)
    keys = KEYS

    def table_checks(
        self, table: str, typed: pd.DataFrame, issues: Issues, ctx: Context, unplaced: np.ndarray
    ) -> None:
        known_places(typed, issues, ctx, "neighbourhood")  # a typo'd area is left out

    def aggregate(
        self, clean: dict[str, pd.DataFrame], ctx: Context, city: City
    ) -> dict[str, pd.DataFrame]:
        trees = clean["trees"]
        by_area = (
            trees.assign(needs_work=trees["condition"].isin(NEEDS_WORK))
            .groupby("neighbourhood", as_index=False)
            .agg(
                trees=("tree_id", "size"),
                species=("species", "nunique"),
                needs_work=("needs_work", "sum"),
            )
        )
        by_area["needs_work_share"] = (by_area["needs_work"] / by_area["trees"]).round(3)
        return {"trees_by_area": by_area}

    def package_text(self, city: City) -> tuple[str, list[str]]:
        description = (
            f"Street trees in {city.name} by neighbourhood: how many, how many species, and "
            "how many are in poor condition or dead; and the rows that failed quality checks."
        )
        return description, ["street trees", city.name]

    def queries(self, meta: dict) -> dict[str, dict]:
        return {
            "where_crews_are_needed": {
                "title": "Where crews are needed",
                "sql": "select neighbourhood, needs_work, trees from trees_by_area "
                "order by needs_work desc",
            }
        }


STREET_TREES = StreetTrees()
