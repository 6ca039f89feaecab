"""The Beacon's Frictionless Table Schemas (`schemas/*.json`) and the housing vocabulary."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent / "schemas"
INPUT_TABLES = ("inventory", "income_limits", "listings")
PUBLIC_TABLES = (
    "inventory",
    "income_limits",
    "neighbourhood_supply",
    "listings_summary",
    "quality_issues",
)
# Highest income in each band, as a share of area median income (the NYC HPD bands).
INCOME_BANDS = {
    "extremely-low": 0.30,
    "very-low": 0.50,
    "low": 0.80,
    "moderate": 1.20,
    "middle": 1.65,
}
# Income limits scale with household size; a 4-person household is the base (HUD convention).
SIZE_FACTORS = {1: 0.70, 2: 0.80, 3: 0.90, 4: 1.00, 5: 1.08, 6: 1.16, 7: 1.24, 8: 1.32}


@cache
def schema_dict(table: str) -> dict:
    """The Table Schema of `table` as a plain dict (a fresh parse, cached)."""
    return json.loads((SCHEMA_DIR / f"{table}.json").read_text(encoding="utf-8"))


def schema(table: str):
    """The Table Schema of `table` as a `frictionless.Schema`."""
    from frictionless import Schema

    d = {k: v for k, v in schema_dict(table).items() if k in {"fields", "primaryKey"}}
    return Schema.from_descriptor(d)


def fields(table: str) -> dict[str, dict]:
    """Field name -> field descriptor, in schema order."""
    return {f["name"]: f for f in schema_dict(table)["fields"]}


def required(table: str) -> list[str]:
    return [n for n, f in fields(table).items() if f.get("constraints", {}).get("required")]


def is_restricted(table: str) -> bool:
    return schema_dict(table).get("access") == "restricted"


def income_limits(area_median_income: float) -> list[dict]:
    """Income limits for every household size and band, rounded down to the nearest 50."""
    rows = []
    for size, factor in SIZE_FACTORS.items():
        for band, share in INCOME_BANDS.items():
            limit = int(area_median_income * share * factor // 50 * 50)
            rows.append({"household_size": size, "income_band": band, "max_income": limit})
    return rows
