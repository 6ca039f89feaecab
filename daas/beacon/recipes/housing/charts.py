"""What housing's resident and staff pages show: their first sentences, the supply and
expiring-affordability charts, the map, and the eligibility calculator. Everything reads the
published output (`daas.beacon.pages`), so pages show exactly what was published."""

from __future__ import annotations

import json
from typing import Literal

import altair as alt

# Imported with the module, not in the call that makes the widgets: a cold kernel that imports
# ipywidgets in the same cell that opens widgets could leave that cell's reply unanswered under
# load (notebook 04 stalled for the whole cell timeout under papermill).
import ipywidgets as widgets
import pandas as pd

from daas.beacon import records
from daas.beacon.pages import d3_winding, fairness, read_table
from daas.core.charts import describe, use_theme
from daas.core.display import Table, show, tooltips
from daas.core.formats import AXIS_NUMBER, date, money, number
from daas.core.i18n import N_, _

# what the housing pages call the published columns and codes (English, translated on display)
COLUMNS = {
    "neighbourhood": N_("Neighbourhood"),
    "income_band": N_("Income band"),
    "units": N_("Affordable homes"),
    "homes": N_("Homes"),
    "expiring_5y": N_("Affordability ends within 5 years"),
    "buildings": N_("Buildings"),
    "bedrooms": N_("Bedrooms"),
    "listings": N_("Listings"),
    "median_asking_rent": N_("Median asking rent"),
    "suppression": N_("Hidden because"),
    "served": N_("Affordable homes"),
    "population": N_("Renting households"),
    "served_share": N_("Share of the homes"),
    "population_share": N_("Share of renting households"),
    "coverage_index": N_("Coverage index"),
    "under_served": N_("Under-served"),
}
BANDS = {
    "extremely-low": N_("Extremely low income"),
    "very-low": N_("Very low income"),
    "low": N_("Low income"),
    "moderate": N_("Moderate income"),
    "middle": N_("Middle income"),
}
SUPPRESSION = {
    "primary": N_("fewer listings than the minimum"),
    "secondary": N_("it would reveal a hidden group"),
}
NUMBERS = {c: AXIS_NUMBER for c in ("units", "homes", "expiring_5y", "buildings")}


def _columns(*names: str) -> dict[str, str]:
    return {n: COLUMNS[n] for n in names}


def band_labels(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with its income bands as labels in the reader's language (for charts)."""
    return table.assign(income_band=[_(BANDS.get(b, b)) for b in table["income_band"]])


def supply_table(slug: str) -> Table:
    """The staff page's supply by neighbourhood and income band."""
    names = _columns("neighbourhood", "income_band", "units", "expiring_5y", "buildings")
    return show(read_table(slug, "neighbourhood_supply"), names, codes=BANDS)


def fairness_table(slug: str) -> Table:
    """The staff page's fairness check: each neighbourhood's share of homes and of renters."""
    names = _columns(
        "neighbourhood", "served", "population", "served_share", "population_share",
        "coverage_index", "under_served",
    )  # fmt: skip
    shares = ("served_share", "population_share")
    return show(fairness(slug), names, shares=shares, digits={"coverage_index": 2})


def listings_table(slug: str, currency: str) -> Table:
    """The staff page's asking rents, hidden groups saying why."""
    names = _columns("neighbourhood", "bedrooms", "listings", "median_asking_rent", "suppression")
    table = read_table(slug, "listings_summary")
    return show(table, names, codes=SUPPRESSION, money=("median_asking_rent",), currency=currency)


def homes_table(homes: pd.DataFrame) -> Table:
    """Eligible homes as the resident page and the calculator show them."""
    names = _columns("neighbourhood", "income_band", "homes", "buildings")
    return show(homes, names, codes=BANDS)


def resident_summary(city_name: str, resident: dict) -> str:
    """The resident page's first sentence: how many affordable homes, and the data date."""
    return _("{city} has {homes} affordable homes (data as of {date}).").format(
        city=city_name, homes=number(resident["homes"]), date=date(resident["as_of"])
    )


def staff_summary(staff: dict) -> str:
    """The staff page's first sentence: homes whose affordability ends within five years."""
    return _("{homes} homes stop being affordable within five years of {date}.").format(
        homes=number(staff["expiring_5y"]), date=date(staff["as_of"])
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
        display(
            homes_table(table) if len(table) else _("No listed homes match: try fewer bedrooms.")
        )

    return widgets.interactive(show, household_size=size, income=income, bedrooms=beds)


# the calculator's choices of yearly income, each shown in the reader's currency format
INCOMES = tuple(range(10_000, 150_001, 5_000))


def eligibility_chart(slug: str, currency: str) -> alt.Chart:
    """The calculator a static page can run: household size, income and bedrooms are Vega-Lite
    parameters bound to inputs, and the chart filters the published homes in the reader's
    browser (no kernel). Every neighbourhood stays on the axis, so "none" shows as no bar."""
    use_theme()
    inv, limits = read_table(slug, "inventory"), read_table(slug, "income_limits")
    rental = inv[inv["tenure"] == "rental"]
    homes = rental.groupby(["neighbourhood", "income_band", "bedrooms"], as_index=False)["units"]
    # one row per neighbourhood, band and size of home, with the band's limit for each household
    # size in its own column (`limit_3`): the page carries a few kilobytes, not a join
    wide = limits.pivot(index="income_band", columns="household_size", values="max_income")
    rows = homes.sum().merge(wide.add_prefix("limit_").reset_index())
    most = int(limits["household_size"].max())
    people = alt.param(
        name="people", value=3, bind=alt.binding_range(min=1, max=most, step=1, name=_("People"))
    )
    choices = [money(i, currency) for i in INCOMES]
    income = alt.param(
        name="income",
        value=40_000,
        bind=alt.binding_select(options=list(INCOMES), labels=choices, name=_("Income a year")),
    )
    beds = int(rental["bedrooms"].max())
    bedrooms = alt.param(
        name="bedrooms",
        value=2,
        bind=alt.binding_range(min=0, max=beds, step=1, name=_("Bedrooms")),
    )
    eligible = "datum.bedrooms == bedrooms && datum['limit_' + people] >= income"
    x = alt.X(
        "sum(units):Q",
        title=_("Homes you may qualify for"),
        axis=alt.Axis(format=AXIS_NUMBER, tickMinStep=1),
    )
    y = alt.Y(
        "neighbourhood:N", title=None, scale=alt.Scale(domain=sorted(set(inv["neighbourhood"])))
    )
    colour = alt.Color("income_band:N", title=_("Income band"), sort=[_(b) for b in BANDS.values()])
    tooltip = tooltips("neighbourhood", "income_band", "units", labels=COLUMNS, formats=NUMBERS)
    chart = (
        alt.Chart(band_labels(rows))
        .transform_filter(eligible)
        .mark_bar()
        .encode(x=x, y=y, color=colour, tooltip=tooltip)
        .add_params(people, income, bedrooms)
    )
    return describe(
        chart,
        _("Homes you may qualify for, by neighbourhood"),
        _(
            "Rental homes with the chosen number of bedrooms in income bands whose limit for "
            "the chosen household size is at least the chosen income."
        ),
    )


def supply_chart(slug: str) -> alt.Chart:
    use_theme()
    s = read_table(slug, "neighbourhood_supply")
    shown = "neighbourhood", "income_band", "units", "expiring_5y"
    chart = (
        alt.Chart(band_labels(s))
        .mark_bar()
        .encode(
            x=alt.X("sum(units):Q", title=_("Affordable homes"), axis=alt.Axis(format=AXIS_NUMBER)),
            y=alt.Y("neighbourhood:N", sort="-x", title=None),
            color=alt.Color(
                "income_band:N", title=_("Income band"), sort=[_(b) for b in BANDS.values()]
            ),
            tooltip=tooltips(*shown, labels=COLUMNS, formats=NUMBERS),
        )
    )
    total = int(s["units"].sum())
    top = s.groupby("neighbourhood")["units"].sum().idxmax()
    return describe(
        chart,
        _("Affordable homes by neighbourhood"),
        _(
            "Bar chart of {total} affordable homes by neighbourhood and income band. "
            "{top} has the most."
        ).format(total=number(total), top=top),
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
            x=alt.X(
                "expiring_5y:Q",
                title=_("Homes whose affordability ends within 5 years"),
                axis=alt.Axis(format=AXIS_NUMBER),
            ),
            y=alt.Y("neighbourhood:N", sort="-x", title=None),
            tooltip=tooltips(
                "neighbourhood", "units", "expiring_5y", labels=COLUMNS, formats=NUMBERS
            ),
        )
    )
    return describe(
        chart,
        _("Affordability ending within five years"),
        _(
            "Bar chart: {n} homes across neighbourhoods stop being affordable within five "
            "years of the data date."
        ).format(n=number(int(s["expiring_5y"].sum()))),
    )


def _centre(geometry: dict) -> tuple[float, float]:
    """Where a neighbourhood's label goes: the area-weighted centre of its largest ring."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [
        geometry["coordinates"]]  # fmt: skip

    def centre(ring: list) -> tuple[float, float, float]:
        pairs = list(zip(ring, ring[1:] + ring[:1], strict=True))
        cross = [x0 * y1 - x1 * y0 for (x0, y0, *_a), (x1, y1, *_b) in pairs]
        area = sum(cross) / 2
        if not area:  # a degenerate ring: the mean of its points
            return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring), 0.0
        x = sum((a[0] + b[0]) * c for (a, b), c in zip(pairs, cross, strict=True)) / (6 * area)
        y = sum((a[1] + b[1]) * c for (a, b), c in zip(pairs, cross, strict=True)) / (6 * area)
        return x, y, abs(area)

    x, y, _area = max((centre(poly[0]) for poly in polygons), key=lambda c: c[2])
    return x, y


def _label(
    points: alt.Chart, field: str, dy: int, weight: Literal["normal", "bold"]
) -> alt.LayerChart:
    """`field` written at each point, on a white halo so it reads on any shade."""
    halo = points.mark_text(fontSize=11, fontWeight=weight, dy=dy, stroke="#ffffff",
                            strokeWidth=3, strokeOpacity=0.8)  # fmt: skip
    ink = points.mark_text(fontSize=11, fontWeight=weight, dy=dy)
    return halo.encode(text=f"{field}:N") + ink.encode(text=f"{field}:N")


def map_homes(slug: str) -> pd.Series:
    """Affordable homes per neighbourhood, as the map shows them."""
    return read_table(slug, "neighbourhood_supply").groupby("neighbourhood")["units"].sum()


def map_chart(slug: str) -> alt.LayerChart | None:
    """Homes per neighbourhood on the shipped GeoJSON map, each area labelled with its name and
    its count (also on hover, and in `map_table` beside it); None when the city has no map."""
    path = records.output_dir(slug) / "neighbourhoods.geojson"
    if not path.exists():
        return None
    use_theme()
    gj = json.loads(path.read_text(encoding="utf-8"))
    s = map_homes(slug)
    labels = []
    for f in gj["features"]:
        name = f["properties"]["neighbourhood"]
        f["properties"]["homes"] = int(s.get(name, 0))
        lon, lat = _centre(f["geometry"])
        labels.append({"neighbourhood": name, "homes": number(int(s.get(name, 0))),
                       "lon": lon, "lat": lat})  # fmt: skip
        f["geometry"] = d3_winding(f["geometry"])
    areas = (
        alt.Chart(alt.Data(values=gj["features"]))
        .mark_geoshape(stroke="#ffffff", strokeWidth=1.5)
        .encode(
            color=alt.Color(
                "properties.homes:Q",
                title=_("Affordable homes"),
                legend=alt.Legend(format=AXIS_NUMBER),
            ),
            tooltip=[
                alt.Tooltip("properties.neighbourhood:N", title=_("Neighbourhood")),
                alt.Tooltip("properties.homes:Q", title=_("Affordable homes"), format=AXIS_NUMBER),
            ],
        )
    )
    text = alt.Chart(pd.DataFrame(labels)).encode(longitude="lon:Q", latitude="lat:Q")
    name, count = _label(text, "neighbourhood", -7, "bold"), _label(text, "homes", 7, "normal")
    chart = (areas + name + count).project("mercator").properties(width=480, height=360)
    return describe(
        chart,
        _("Where the affordable homes are"),
        _(
            "Map of neighbourhoods shaded by the number of affordable homes; darker means "
            "more. {top} has the most."
        ).format(top=s.idxmax()),
    )


def map_table(slug: str) -> Table:
    """The map's figures as a table beside it, most homes first: what the map shows, for those
    who cannot see it."""
    homes = map_homes(slug).sort_values(ascending=False).rename("units").reset_index()
    return show(homes, _columns("neighbourhood", "units"))
