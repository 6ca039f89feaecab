"""What housing's resident and staff pages show: their first sentences, the supply and
expiring-affordability charts, the map, and the eligibility calculator. Everything reads the
published output (`daas.beacon.pages`), so pages show exactly what was published."""

from __future__ import annotations

import json

import altair as alt

# Imported with the module, not in the call that makes the widgets: a cold kernel that imports
# ipywidgets in the same cell that opens widgets could leave that cell's reply unanswered under
# load (notebook 04 stalled for the whole cell timeout under papermill).
import ipywidgets as widgets
import pandas as pd

from daas.beacon import records
from daas.beacon.pages import d3_winding, for_page, read_table
from daas.core.charts import describe, use_theme
from daas.core.display import tooltips
from daas.core.i18n import _


def resident_summary(city_name: str, resident: dict) -> str:
    """The resident page's first sentence: how many affordable homes, and the data date."""
    return _("{city} has {homes:,} affordable homes (data as of {date}).").format(
        city=city_name, homes=resident["homes"], date=resident["as_of"]
    )


def staff_summary(staff: dict) -> str:
    """The staff page's first sentence: homes whose affordability ends within five years."""
    return _("{homes:,} homes stop being affordable within five years of {date}.").format(
        homes=staff["expiring_5y"], date=staff["as_of"]
    )


def eligible_homes(
    inventory: pd.DataFrame, limits: pd.DataFrame, household_size: int, income: float, bedrooms: int
) -> pd.DataFrame:
    """Rental homes with `bedrooms` bedrooms in bands whose limit for `household_size` is at
    least `income`, by neighbourhood and band (most homes first)."""
    ok = limits[(limits["household_size"] == household_size) & (limits["max_income"] >= income)]
    inv = inventory[
        (inventory["bedrooms"] == bedrooms)
        & (inventory["tenure"] == "rental")
        & inventory["income_band"].isin(ok["income_band"])
    ]
    out = (
        inv.groupby(["neighbourhood", "income_band"])
        .agg(homes=("units", "sum"), buildings=("building_id", "nunique"))
        .reset_index()
        .sort_values(["homes", "neighbourhood"], ascending=[False, True], ignore_index=True)
    )
    return out.astype({"homes": "int64", "buildings": "int64"})


def eligibility_calculator(slug: str):
    """An ipywidgets calculator: household size, income, bedrooms -> eligible homes."""
    from IPython.display import display

    inv, limits = read_table(slug, "inventory"), read_table(slug, "income_limits")
    size = widgets.IntSlider(value=3, min=1, max=8, description=_("People"))
    income = widgets.IntSlider(
        value=40_000,
        min=10_000,
        max=150_000,
        step=1_000,
        description=_("Income a year"),
        style={"description_width": "initial"},
    )
    beds = widgets.IntSlider(value=2, min=0, max=4, description=_("Bedrooms"))

    def show(household_size: int, income: int, bedrooms: int) -> None:
        table = eligible_homes(inv, limits, household_size, income, bedrooms)
        display(for_page(table) if len(table) else _("No listed homes match: try fewer bedrooms."))

    return widgets.interactive(show, household_size=size, income=income, bedrooms=beds)


def supply_chart(slug: str) -> alt.Chart:
    use_theme()
    s = read_table(slug, "neighbourhood_supply")
    chart = (
        alt.Chart(s)
        .mark_bar()
        .encode(
            x=alt.X("sum(units):Q", title=_("Affordable homes")),
            y=alt.Y("neighbourhood:N", sort="-x", title=None),
            color=alt.Color("income_band:N", title=_("Income band")),
            tooltip=tooltips("neighbourhood", "income_band", "units", "expiring_5y"),
        )
    )
    total = int(s["units"].sum())
    top = s.groupby("neighbourhood")["units"].sum().idxmax()
    return describe(
        chart,
        _("Affordable homes by neighbourhood"),
        _(
            "Bar chart of {total:,} affordable homes by neighbourhood and income band. "
            "{top} has the most."
        ).format(total=total, top=top),
    )


def expiring_chart(slug: str) -> alt.Chart:
    use_theme()
    s = (
        read_table(slug, "neighbourhood_supply")
        .groupby("neighbourhood")[["units", "expiring_5y"]]
        .sum()
        .reset_index()
    )
    chart = (
        alt.Chart(s)
        .mark_bar(color="#D55E00")
        .encode(
            x=alt.X("expiring_5y:Q", title=_("Homes whose affordability ends within 5 years")),
            y=alt.Y("neighbourhood:N", sort="-x", title=None),
            tooltip=tooltips("neighbourhood", "units", "expiring_5y"),
        )
    )
    return describe(
        chart,
        _("Affordability ending within five years"),
        _(
            "Bar chart: {n:,} homes across neighbourhoods stop being affordable within five "
            "years of the data date."
        ).format(n=int(s["expiring_5y"].sum())),
    )


def map_chart(slug: str) -> alt.Chart | None:
    """Homes per neighbourhood on the shipped GeoJSON map (None when the city has no map)."""
    path = records.output_dir(slug) / "neighbourhoods.geojson"
    if not path.exists():
        return None
    use_theme()
    gj = json.loads(path.read_text(encoding="utf-8"))
    s = read_table(slug, "neighbourhood_supply").groupby("neighbourhood")["units"].sum()
    for f in gj["features"]:
        f["properties"]["homes"] = int(s.get(f["properties"]["neighbourhood"], 0))
        f["geometry"] = d3_winding(f["geometry"])
    chart = (
        alt.Chart(alt.Data(values=gj["features"]))
        .mark_geoshape(stroke="#ffffff", strokeWidth=1.5)
        .encode(
            color=alt.Color("properties.homes:Q", title=_("Affordable homes")),
            tooltip=[
                alt.Tooltip("properties.neighbourhood:N", title=_("Neighbourhood")),
                alt.Tooltip("properties.homes:Q", title=_("Affordable homes")),
            ],
        )
        .project("mercator")
        .properties(width=480, height=360)
    )
    return describe(
        chart,
        _("Where the affordable homes are"),
        _(
            "Map of neighbourhoods shaded by the number of affordable homes; darker means "
            "more. {top} has the most."
        ).format(top=s.idxmax()),
    )
