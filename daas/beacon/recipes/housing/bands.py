"""The housing vocabulary: income bands and the income limits of each household size."""

from __future__ import annotations

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


def income_limits(area_median_income: float) -> list[dict]:
    """Income limits for every household size and band, rounded down to the nearest 50."""
    rows = []
    for size, factor in SIZE_FACTORS.items():
        for band, share in INCOME_BANDS.items():
            limit = int(area_median_income * share * factor // 50 * 50)
            rows.append({"household_size": size, "income_band": band, "max_income": limit})
    return rows
