"""Housing's published tables: supply by neighbourhood and income band, rental listings
summarised with small cells suppressed, and the fairness check against where renting
households live."""

from __future__ import annotations

from datetime import date

import pandas as pd

from daas.beacon import schema
from daas.beacon.quality import Context
from daas.core.city import City


def aggregate(clean: dict[str, pd.DataFrame], ctx: Context, city: City) -> dict[str, pd.DataFrame]:
    """The inventory as checked, supply by neighbourhood, the income limits, and the listings
    summary (the last two when a source feeds them)."""
    public = {
        "inventory": clean["inventory"],
        "neighbourhood_supply": neighbourhood_supply(clean["inventory"], ctx.as_of),
    }
    if "income_limits" in clean:
        public["income_limits"] = clean["income_limits"]
    if "listings" in clean:
        public["listings_summary"] = listings_summary(clean["listings"], city.privacy.min_cell_size)
    return public


def neighbourhood_supply(inv: pd.DataFrame, as_of: date) -> pd.DataFrame:
    soon = pd.Timestamp(as_of) + pd.DateOffset(years=5)
    end = inv["affordability_end"]
    d = inv.assign(
        income_band=inv["income_band"].fillna("unknown"),
        units=inv["units"].fillna(0),
        expiring_5y=inv["units"].fillna(0).where((end <= soon).fillna(False), 0),
    )
    g = d.groupby(["neighbourhood", "income_band"], observed=True, sort=True)
    out = g.agg(
        units=("units", "sum"),
        expiring_5y=("expiring_5y", "sum"),
        buildings=("building_id", "nunique"),
    ).reset_index()
    return out.astype({"units": "int64", "expiring_5y": "int64", "buildings": "int64"})


def listings_summary(lst: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Listings count and median asking rent by neighbourhood x bedrooms, small cells hidden."""
    from daas.privacy import suppress_counts

    d = lst.dropna(subset=["bedrooms"])
    g = d.groupby(["neighbourhood", "bedrooms"], sort=True)
    agg = g.agg(listings=("asking_rent", "size"), median_asking_rent=("asking_rent", "median"))
    agg = agg.reset_index()
    out = suppress_counts(
        agg, "listings", "neighbourhood", "bedrooms", threshold=min_cell, where="listings_summary"
    )
    out["median_asking_rent"] = out["median_asking_rent"].where(~out["suppressed"]).round(0)
    return out[list(schema.fields("listings_summary"))]


def renting_households(city: City) -> dict[str, pd.DataFrame]:
    """The city's neighbourhoods with their renting households (none without the dataset)."""
    if "neighbourhoods" not in city.datasets:
        return {}
    from daas.profile.city_profile import read_neighbourhoods

    n = read_neighbourhoods(city)
    renting = (n["households"] * n["renter_share"]).round().astype("int64")
    return {"neighbourhoods": n.assign(renting_households=renting)}


def fairness_table(public: dict[str, pd.DataFrame], extra: dict[str, pd.DataFrame]):
    """Affordable units per neighbourhood against where renting households live (or None)."""
    if "neighbourhoods" not in extra:
        return None
    from daas.privacy.fairness import coverage

    ref = extra["neighbourhoods"][["neighbourhood", "renting_households"]]
    return coverage(public["neighbourhood_supply"], ref, "neighbourhood",
                    population="renting_households", weight="units")  # fmt: skip
