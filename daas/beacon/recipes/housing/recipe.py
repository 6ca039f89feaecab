"""Housing: affordable homes by neighbourhood and income band, the income limits residents
qualify under, and a private partner's rental listings published only as suppressed
aggregates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import pandas as pd

from daas.beacon.recipe import QUALITY_TABLE, Recipe
from daas.beacon.recipes.housing import aggregate, checks, metadata, pages
from daas.core.i18n import N_

if TYPE_CHECKING:
    import numpy as np

    from daas.beacon.big.checks import Checks
    from daas.beacon.quality import Context, Issues, TableQuality
    from daas.core.city import City

INPUT_TABLES = ("inventory", "income_limits", "listings")
PUBLIC_TABLES = (
    "inventory",
    "income_limits",
    "neighbourhood_supply",
    "listings_summary",
    QUALITY_TABLE,
)


class Housing(Recipe):
    """The affordable-housing recipe (the Beacon's first)."""

    name = "housing"
    description = N_("affordable homes by neighbourhood and income band, income limits, listings")
    title = "Affordable homes"
    schema_dir = Path(__file__).parent / "schemas"
    input_tables = INPUT_TABLES
    required_tables = ("inventory",)
    public_tables = PUBLIC_TABLES
    keys = checks.KEYS
    reasons = checks.REASONS
    public_kinds = ("building-address", "building-name", "building-location")
    partner_source = "Rental listings from a private partner (restricted; aggregates only)"
    fairness_group = "neighbourhood"
    sample_mapping = "cities/mappings/sample-beacon.yml"
    checks_big_tables = True
    reads_big_tables = True

    def table_checks(
        self, table: str, typed: pd.DataFrame, issues: Issues, ctx: Context, unplaced: np.ndarray
    ) -> None:
        checks.table_checks(table, typed, issues, ctx, unplaced)

    def table_checks_big(self, table: str, c: Checks, ctx: Context) -> None:
        checks.table_checks_big(table, c, ctx)

    def aggregate(
        self, clean: dict[str, pd.DataFrame], ctx: Context, city: City
    ) -> dict[str, pd.DataFrame]:
        # a clean table may be big (`reads_big_tables`): held in DuckDB, published as it is
        tables = cast("dict[str, aggregate.Table]", clean)
        return cast("dict[str, pd.DataFrame]", aggregate.aggregate(tables, ctx, city))

    def reference_tables(self, city: City) -> dict[str, pd.DataFrame]:
        return aggregate.renting_households(city)

    def fairness(
        self, public: dict[str, pd.DataFrame], reference: dict[str, pd.DataFrame]
    ) -> pd.DataFrame | None:
        return aggregate.fairness_table(public, reference)

    def first_date(self, public: dict[str, pd.DataFrame]) -> pd.Timestamp | None:
        return aggregate.first_start(public["inventory"])

    def package_text(self, city: City) -> tuple[str, list[str]]:
        return metadata.package_text(city)

    def queries(self, meta: dict) -> dict[str, dict]:
        return metadata.queries(meta)

    def page_data(
        self, public: dict[str, pd.DataFrame], results: list[TableQuality], meta: dict
    ) -> dict[str, dict]:
        return pages.page_data(public, meta)

    def generate(self, city: City, seed: int) -> dict[str, Path]:
        from daas.beacon.recipes.housing.generate import generate

        return generate(city, seed=seed)
