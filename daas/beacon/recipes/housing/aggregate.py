"""Housing's published tables: supply by neighbourhood and income band, rental listings
summarised with small cells suppressed, and the fairness check against where renting
households live.

A clean table held in DuckDB (`daas.core.big.BigTable`, a big export's) is aggregated there in
SQL, to the frame pandas gives for its rows, and published as it is (the inventory, the income
limits)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from daas.beacon import schema
from daas.beacon.quality import Context
from daas.core.big import BigTable, literal
from daas.core.city import City

Table = pd.DataFrame | BigTable


def aggregate(clean: dict[str, Table], ctx: Context, city: City) -> dict[str, Table]:
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


def neighbourhood_supply(inv: Table, as_of: date) -> pd.DataFrame:
    soon = pd.Timestamp(as_of) + pd.DateOffset(years=5)
    if isinstance(inv, BigTable):
        return _supply_sql(inv, soon)
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


def _supply_sql(inv: BigTable, soon: pd.Timestamp) -> pd.DataFrame:
    """`neighbourhood_supply`'s groups in SQL (the rows without a neighbourhood dropped, as
    `groupby` drops them; sorted by code point, as pandas sorts text)."""
    out = inv.engine.frame(
        f"SELECT neighbourhood, coalesce(income_band, 'unknown') AS income_band, "
        f"coalesce(sum(coalesce(units, 0)), 0)::BIGINT AS units, "
        f"coalesce(sum(CASE WHEN affordability_end <= {_timestamp(soon)} THEN coalesce(units, 0) "
        f"ELSE 0 END), 0)::BIGINT AS expiring_5y, "
        f"count(DISTINCT building_id)::BIGINT AS buildings "
        f"FROM {inv.sql} WHERE neighbourhood IS NOT NULL GROUP BY ALL ORDER BY 1, 2"
    )
    return out.astype({"neighbourhood": "string", "income_band": "string", "units": "int64",
                       "expiring_5y": "int64", "buildings": "int64"})  # fmt: skip


def _timestamp(moment: pd.Timestamp) -> str:
    return f"TIMESTAMP {literal(moment.isoformat(sep=' '))}"


def listings_summary(lst: Table, min_cell: int) -> pd.DataFrame:
    """Listings count and median asking rent by neighbourhood x bedrooms, small cells hidden."""
    from daas.privacy import suppress_counts

    if isinstance(lst, BigTable):
        agg = _listings_sql(lst)
    else:
        d = lst.dropna(subset=["bedrooms"])
        g = d.groupby(["neighbourhood", "bedrooms"], sort=True)
        agg = g.agg(listings=("asking_rent", "size"), median_asking_rent=("asking_rent", "median"))
        agg = agg.reset_index()
    out = suppress_counts(
        agg, "listings", "neighbourhood", "bedrooms", threshold=min_cell, where="listings_summary"
    )
    out["median_asking_rent"] = out["median_asking_rent"].where(~out["suppressed"]).round(0)
    return out[list(schema.fields("listings_summary"))]


def _listings_sql(lst: BigTable) -> pd.DataFrame:
    """`listings_summary`'s groups before suppression, in SQL: the median as numpy takes it
    (the middle value, or half the sum of the two middle ones)."""
    rent = "asking_rent"
    low, high = f"quantile_disc({rent}, 0.5)", f"-quantile_disc(-{rent}, 0.5)"
    out = lst.engine.frame(
        f"SELECT neighbourhood, bedrooms, count(*)::BIGINT AS listings, "
        f"CASE WHEN {low} = {high} THEN {low} ELSE ({low} + {high}) / 2 END "
        f"AS median_asking_rent FROM {lst.sql} "
        f"WHERE bedrooms IS NOT NULL AND neighbourhood IS NOT NULL GROUP BY ALL ORDER BY 1, 2"
    )
    return out.astype({"neighbourhood": "string", "bedrooms": "Int64", "listings": "int64",
                       "median_asking_rent": "float64"})  # fmt: skip


def first_start(inv: Table) -> pd.Timestamp | None:
    """The earliest start of affordability in the inventory (None when none has one)."""
    if isinstance(inv, BigTable):
        first = inv.engine.execute(f"SELECT min(affordability_start) FROM {inv.sql}").fetchone()
        return None if first is None or first[0] is None else pd.Timestamp(first[0])
    starts = inv["affordability_start"].dropna()
    return starts.min() if len(starts) else None


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
