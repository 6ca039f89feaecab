"""What the Beacon's book pages and workshop show: page data, charts, the eligibility
calculator. Everything reads the published output, so pages show exactly what was published."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import altair as alt
import pandas as pd

from daas.beacon import publish, quality, records
from daas.charts import describe, use_theme
from daas.city import City


def write_page_data(
    stage: Path, city: City, public: dict, results: list, statement: str, meta: dict
) -> dict[str, bool]:
    """Small JSON files the resident, staff and performance pages read."""
    supply = public["neighbourhood_supply"]
    by_hood = supply.groupby("neighbourhood")[["units", "expiring_5y"]].sum().reset_index()
    resident = {
        "as_of": meta["as_of"],
        "homes": int(supply["units"].sum()),
        "by_neighbourhood": by_hood.to_dict("records"),
    }
    staff = {
        "as_of": meta["as_of"],
        "expiring_5y": int(supply["expiring_5y"].sum()),
        "supply": supply.to_dict("records"),
    }
    counts = pd.concat([r.issues.assign(table=r.table) for r in results], ignore_index=True)
    performance = {
        "as_of": meta["as_of"],
        "statement": statement,
        "quality_by_table": {r.table: r.scores for r in results},
        "rows_read": {r.table: r.rows for r in results},
        "rows_left_out": {r.table: r.excluded for r in results},
        "issues": counts.groupby(["table", "dimension"])
        .size()
        .rename("rows")
        .reset_index()
        .to_dict("records")
        if len(counts)
        else [],
    }
    for name, obj in (("resident", resident), ("staff", staff), ("performance", performance)):
        publish.write_json(stage / "pages" / f"{name}.json", obj)
    return {"resident": True, "staff": True, "performance": True}


def read_table(slug: str, table: str) -> pd.DataFrame:
    """A published table, typed by the schema."""
    from daas.beacon import schema

    path = records.output_dir(slug) / "data" / f"{table}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for name, spec in schema.fields(table).items():
        s = df[name].replace("", pd.NA)
        if spec["type"] == "integer":
            df[name] = pd.to_numeric(s).astype("Int64")
        elif spec["type"] == "number":
            df[name] = pd.to_numeric(s)
        elif spec["type"] == "date":
            df[name] = pd.to_datetime(s)
        elif spec["type"] == "boolean":
            df[name] = s.eq("true")
    return df


def fairness(slug: str) -> pd.DataFrame:
    """The fairness check written by the last build: coverage by neighbourhood, flagged rows."""
    path = records.output_dir(slug) / "fairness.csv"
    if not path.exists():
        return pd.DataFrame(columns=["neighbourhood", "coverage_index", "under_served"])
    cols = ["neighbourhood", "served", "population", "served_share", "population_share",
            "coverage_index", "under_served"]  # fmt: skip
    return pd.read_csv(path)[cols]


def page_data(slug: str, page: str) -> dict:
    path = records.output_dir(slug) / "pages" / f"{page}.json"
    return json.loads(path.read_text(encoding="utf-8"))


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
    import ipywidgets as widgets
    from IPython.display import display

    inv, limits = read_table(slug, "inventory"), read_table(slug, "income_limits")
    size = widgets.IntSlider(value=3, min=1, max=8, description="People")
    income = widgets.IntSlider(
        value=40_000,
        min=10_000,
        max=150_000,
        step=1_000,
        description="Income a year",
        style={"description_width": "initial"},
    )
    beds = widgets.IntSlider(value=2, min=0, max=4, description="Bedrooms")

    def show(household_size: int, income: int, bedrooms: int) -> None:
        table = eligible_homes(inv, limits, household_size, income, bedrooms)
        display(table if len(table) else "No listed homes match: try fewer bedrooms.")

    return widgets.interactive(show, household_size=size, income=income, bedrooms=beds)


def supply_chart(slug: str) -> alt.Chart:
    use_theme()
    s = read_table(slug, "neighbourhood_supply")
    chart = (
        alt.Chart(s)
        .mark_bar()
        .encode(
            x=alt.X("sum(units):Q", title="Affordable homes"),
            y=alt.Y("neighbourhood:N", sort="-x", title=None),
            color=alt.Color("income_band:N", title="Income band"),
            tooltip=["neighbourhood", "income_band", "units", "expiring_5y"],
        )
    )
    total = int(s["units"].sum())
    top = s.groupby("neighbourhood")["units"].sum().idxmax()
    return describe(
        chart,
        "Affordable homes by neighbourhood",
        f"Bar chart of {total:,} affordable homes by neighbourhood and income band. "
        f"{top} has the most.",
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
            x=alt.X("expiring_5y:Q", title="Homes whose affordability ends within 5 years"),
            y=alt.Y("neighbourhood:N", sort="-x", title=None),
            tooltip=["neighbourhood", "units", "expiring_5y"],
        )
    )
    return describe(
        chart,
        "Affordability ending within five years",
        f"Bar chart: {int(s['expiring_5y'].sum()):,} homes across neighbourhoods "
        "stop being affordable within five years of the data date.",
    )


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def d3_winding(geometry: dict) -> dict:
    """Polygons wound the way vega's d3-geo expects: exterior rings clockwise, holes
    counter-clockwise. GeoJSON files (RFC 7946) use the opposite order, which d3 reads as
    "the whole globe except this shape" and draws as a filled square."""

    def fix(rings: list) -> list:
        return [r if (_signed_area(r) < 0) == (i == 0) else r[::-1] for i, r in enumerate(rings)]

    if geometry["type"] == "Polygon":
        return {**geometry, "coordinates": fix(geometry["coordinates"])}
    if geometry["type"] == "MultiPolygon":
        return {**geometry, "coordinates": [fix(poly) for poly in geometry["coordinates"]]}
    return geometry


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
            color=alt.Color("properties.homes:Q", title="Affordable homes"),
            tooltip=[
                alt.Tooltip("properties.neighbourhood:N", title="Neighbourhood"),
                alt.Tooltip("properties.homes:Q", title="Affordable homes"),
            ],
        )
        .project("mercator")
        .properties(width=480, height=360)
    )
    return describe(
        chart,
        "Where the affordable homes are",
        "Map of neighbourhoods shaded by the number of affordable homes; darker "
        f"means more. {s.idxmax()} has the most.",
    )


def quality_table(slug: str) -> pd.DataFrame:
    data = page_data(slug, "performance")
    df = pd.DataFrame(data["quality_by_table"]).T[list(quality.DIMENSIONS)]
    return (df * 100).round(1).rename_axis("table")


def history(slug: str, last: int = 10) -> pd.DataFrame:
    """The last runs: when, outcome, rows published and suppressed, freshness."""
    cols = ["started", "status", "rows_published", "rows_suppressed", "freshness_days"]
    runs = records.run_history(slug)[-last:]
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in runs], columns=cols)
