"""The city profile: a first look at a city's neighbourhoods, used by the book and workshop 00."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

# Imported with the module, not in the call that makes the widgets: a cold kernel that imports
# ipywidgets in the same cell that opens widgets could leave that cell's reply unanswered under
# load (notebook 04 stalled for the whole cell timeout under papermill).
import ipywidgets as widgets
import pandas as pd
from IPython.display import Markdown

from daas.core.charts import describe, use_theme
from daas.core.city import City
from daas.core.display import Table, show
from daas.core.errors import DaasError
from daas.core.formats import AXIS_NUMBER, money, number, percent
from daas.core.i18n import N_, _
from daas.core.markdown import escape_markdown
from daas.core.tables import require_columns

NEIGHBOURHOOD_COLUMNS = {
    "neighbourhood_id": "string",
    "neighbourhood": "string",
    "population": "int64",
    "households": "int64",
    "median_household_income": "float64",
    "renter_share": "float64",
}
# what the pages call the neighbourhood table's columns and the headline figures
COLUMNS = {
    "neighbourhood": N_("Neighbourhood"),
    "population": N_("Residents"),
    "households": N_("Households"),
    "median_household_income": N_("Median household income"),
    "renter_share": N_("Households renting"),
    "neighbourhoods": N_("Neighbourhoods"),
}


def read_neighbourhoods(city: City) -> pd.DataFrame:
    """Read the city's `neighbourhoods` dataset, checking every expected column is there."""
    path = city.dataset_path("neighbourhoods")
    shown = city.datasets["neighbourhoods"].path
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DaasError.one(
            shown,
            "",
            _("file not found"),
            _("fix {field} in cities/{slug}.yml").format(
                field="datasets.neighbourhoods.path", slug=city.slug
            ),
        ) from None
    fix = _("add the column(s) to the file, spelled as in {file}").format(file="data/README.md")
    require_columns(df.columns, NEIGHBOURHOOD_COLUMNS, shown, fix)
    try:
        return df[list(NEIGHBOURHOOD_COLUMNS)].astype(NEIGHBOURHOOD_COLUMNS)
    except (ValueError, TypeError) as exc:
        raise DaasError.one(
            shown,
            "",
            _("a number column holds text ({error})").format(error=exc),
            _("check {columns} and {last}").format(
                columns="population, households, income", last="renter_share"
            ),
        ) from None


def summary(df: pd.DataFrame, renters: bool = True) -> dict[str, float]:
    """Headline figures for the whole city (the share of renting households if `renters`)."""
    households = int(df["households"].sum())
    figures: dict[str, float] = {
        "neighbourhoods": len(df),
        "population": int(df["population"].sum()),
        "households": households,
    }
    if renters:
        renting = float((df["households"] * df["renter_share"]).sum())
        figures["renter_share"] = round(renting / households, 3) if households else 0.0
    return figures


def headline_figures(df: pd.DataFrame, city: City) -> Table:
    """`summary` as a page shows it: one labelled figure a row, in the reader's locale."""
    figures = summary(df, renters=about_renters(city))
    rows = [
        {
            "figure": _(COLUMNS[k]),
            "value": percent(v) if k == "renter_share" else number(int(v)),
        }
        for k, v in figures.items()
    ]
    return show(pd.DataFrame(rows), {"figure": N_("Figure"), "value": N_("Value")})


def shown_table(df: pd.DataFrame, city: City, columns: Sequence[str] = ()) -> Table:
    """The neighbourhood table as a page shows it (`columns` when given, else the columns
    `table` picks), labelled and in the reader's locale; incomes in the city's currency."""
    names = list(columns) or [
        "neighbourhood",
        *(c for c in table(df, city).columns if c in COLUMNS),  # no ids
    ]
    return show(
        df,
        {n: COLUMNS[n] for n in names},
        shares=("renter_share",),
        money=("median_household_income",),
        currency=city.currency,
    )


def below_income(df: pd.DataFrame, income: float) -> pd.DataFrame:
    """Neighbourhoods whose median household income is under `income`, poorest first."""
    cols = ["neighbourhood", "households", "median_household_income", "renter_share"]
    return (
        df.loc[df["median_household_income"] < income, cols]
        .sort_values("median_household_income")
        .reset_index(drop=True)
    )


def income_explorer(df: pd.DataFrame):
    """A slider for an income that shows the neighbourhoods below it (`below_income`)."""
    from IPython.display import display

    income = widgets.IntSlider(
        value=50_000,
        min=30_000,
        max=100_000,
        step=5_000,
        description=_("Income under"),
        style={"description_width": "initial"},
    )
    names = {n: COLUMNS[n] for n in ("neighbourhood", "households", "median_household_income",
                                     "renter_share")}  # fmt: skip

    def shown(income: int) -> None:
        display(show(below_income(df, income), names, shares=("renter_share",),
                     money=("median_household_income",)))  # fmt: skip

    return widgets.interactive(shown, income=income)


def renters_headline(df: pd.DataFrame) -> Markdown:
    """One sentence on where renters concentrate, for the page under the chart."""
    renting = (df["households"] * df["renter_share"]).round()
    top = df.assign(renting=renting).nlargest(3, "renting")
    share = top["renting"].sum() / renting.sum() if renting.sum() else 0.0
    names = [escape_markdown(n) for n in top["neighbourhood"]]
    last = _("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])
    listed = last if len(names) > 1 else "".join(names)
    return Markdown(
        _("The {n} neighbourhoods with the most renting households, {listed}, hold {share} of "
          "them. A housing service that works well there reaches most of its users.").format(
            n=len(names), listed=listed, share=percent(share))
    )  # fmt: skip


def renters_chart(df: pd.DataFrame, city: City) -> alt.Chart:
    """Bar chart of renting households by neighbourhood, the Beacon's first question."""
    use_theme()
    data = df.assign(renting_households=(df["households"] * df["renter_share"]).round())
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "renting_households:Q",
                title=_("Renting households"),
                axis=alt.Axis(format=AXIS_NUMBER),
            ),
            y=alt.Y("neighbourhood:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("neighbourhood", title=_("Neighbourhood")),
                alt.Tooltip("households", title=_("Households"), format=AXIS_NUMBER),
                alt.Tooltip("renter_share", format=".0%", title=_("Renter share")),
            ],
        )
    )
    return describe(
        chart,
        title=_("Renting households by neighbourhood, {city}").format(city=city.name),
        description=_(
            "Horizontal bar chart of the number of renting households in each of "
            "{city}'s {n} neighbourhoods, largest first."
        ).format(city=city.name, n=len(df)),
    )


# The page and workshop 00 show renters to a housing city, and residents to a city whose Beacon
# is about something else (its figures per 1,000 residents weigh each neighbourhood by them).


def about_renters(city: City) -> bool:
    """Whether the city's Beacon is about renting households (the housing recipe)."""
    return city.beacon_recipe() == "housing"


def who_lives_where(df: pd.DataFrame, city: City) -> alt.Chart:
    """Renting households by neighbourhood for a housing city, residents for any other."""
    return renters_chart(df, city) if about_renters(city) else residents_chart(df, city)


def where_headline(df: pd.DataFrame, city: City) -> Markdown:
    """The sentence under `who_lives_where`."""
    return renters_headline(df) if about_renters(city) else residents_headline(df)


def explorer(df: pd.DataFrame, city: City):
    """The income slider for a housing city; a residents slider for any other."""
    return income_explorer(df) if about_renters(city) else residents_explorer(df)


def table(df: pd.DataFrame, city: City) -> pd.DataFrame:
    """The neighbourhood table: every column for a housing city; residents and households for
    any other (rents and incomes are not its subject)."""
    if about_renters(city):
        return df.set_index("neighbourhood")
    return df[["neighbourhood", "population", "households"]].set_index("neighbourhood")


def residents_chart(df: pd.DataFrame, city: City) -> alt.Chart:
    """Bar chart of residents by neighbourhood."""
    use_theme()
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("population:Q", title=_("Residents"), axis=alt.Axis(format=AXIS_NUMBER)),
            y=alt.Y("neighbourhood:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("neighbourhood", title=_("Neighbourhood")),
                alt.Tooltip("population", title=_("Residents"), format=AXIS_NUMBER),
                alt.Tooltip("households", title=_("Households"), format=AXIS_NUMBER),
            ],
        )
    )
    return describe(
        chart,
        title=_("Residents by neighbourhood, {city}").format(city=city.name),
        description=_(
            "Horizontal bar chart of the number of residents in each of {city}'s {n} "
            "neighbourhoods, largest first."
        ).format(city=city.name, n=len(df)),
    )


def residents_headline(df: pd.DataFrame) -> Markdown:
    """One sentence on where residents concentrate."""
    top = df.nlargest(3, "population")
    total = df["population"].sum()
    share = top["population"].sum() / total if total else 0.0
    names = [escape_markdown(n) for n in top["neighbourhood"]]
    last = _("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])
    listed = last if len(names) > 1 else "".join(names)
    return Markdown(
        _("The {n} neighbourhoods with the most residents, {listed}, are home to {share} of "
          "them. The same number of requests or problems weighs more where fewer people "
          "live.").format(n=len(names), listed=listed, share=percent(share))
    )  # fmt: skip


def with_residents(df: pd.DataFrame, residents: int) -> pd.DataFrame:
    """Neighbourhoods with at least `residents` residents, largest first."""
    cols = ["neighbourhood", "population", "households"]
    return (
        df.loc[df["population"] >= residents, cols]
        .sort_values("population", ascending=False)
        .reset_index(drop=True)
    )


RESIDENT_COLUMNS = ("neighbourhood", "population", "households")


def residents_explorer(df: pd.DataFrame):
    """A slider for a number of residents that shows the neighbourhoods with at least that many."""
    from IPython.display import display

    most = int(df["population"].max()) if len(df) else 0
    step = max(1_000, most // 20 // 1_000 * 1_000)
    residents = widgets.IntSlider(
        value=0,
        min=0,
        max=max(most, step),
        step=step,
        description=_("Residents at least"),
        style={"description_width": "initial"},
    )
    return widgets.interactive(
        lambda residents: display(
            show(with_residents(df, residents), {n: COLUMNS[n] for n in RESIDENT_COLUMNS})
        ),
        residents=residents,
    )


def explorer_chart(df: pd.DataFrame, city: City) -> alt.Chart:
    """The explorer a static page can run: a Vega-Lite parameter bound to a list of amounts
    (median household income under it for a housing city, residents at least it for any other)
    highlights the neighbourhoods it picks, in the reader's browser."""
    use_theme()
    if about_renters(city):
        field, title, label, value = (
            "median_household_income", _("Median household income"), _("Income under"), 50_000
        )  # fmt: skip
        choices = list(range(30_000, 100_001, 5_000))
        labels, picked = [money(c, city.currency) for c in choices], f"datum.{field} < pick"
        text = _("Each neighbourhood's median household income; those under the chosen amount "
                 "are dark blue, the others grey.")  # fmt: skip
    else:
        field, title, label, value = "population", _("Residents"), _("Residents at least"), 0
        most = int(df["population"].max()) if len(df) else 0
        step = max(1_000, most // 10 // 1_000 * 1_000)
        choices = list(range(0, max(most, step) + 1, step))
        labels, picked = [number(c) for c in choices], f"datum.{field} >= pick"
        text = _("Residents of each neighbourhood; those with at least the chosen number are "
                 "dark blue, the others grey.")  # fmt: skip
    bind = alt.binding_select(options=choices, labels=labels, name=label)
    tooltip = [
        alt.Tooltip("neighbourhood", title=_("Neighbourhood")),
        alt.Tooltip(field, title=title, format=AXIS_NUMBER),
    ]
    chart = (
        alt.Chart(df[["neighbourhood", field]])
        .mark_bar(stroke="#5f6670", strokeWidth=1)  # outlined: a grey bar still stands out
        .encode(
            x=alt.X(f"{field}:Q", title=title, axis=alt.Axis(format=AXIS_NUMBER)),
            y=alt.Y("neighbourhood:N", sort="-x", title=None),
            color=alt.condition(picked, alt.value("#1f5f99"), alt.value("#c8ccd2")),
            tooltip=tooltip,
        )
        .add_params(alt.param(name="pick", value=value, bind=bind))
    )
    return describe(chart, _("Neighbourhoods you pick"), text)
