"""Service requests (311): what residents ask the city to fix and how fast it does, for staff
decisions and residents' trust. The canonical `requests` table (Open311 GeoReport v2 fields)
is restricted; published are the requests without free text or caller details (people-related
types only by area), and the aggregates of `aggregates.py`, small cells suppressed.

The city file's `beacon:` section gives the city's `timezone` (required), its
`service_levels` (target days by service code or name), its own `sensitive_categories` and
`repeat_min_requests`; areas and their population come from the city's `neighbourhoods`
dataset when it has one.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pandas as pd

from daas.beacon.recipe import QUALITY_TABLE, Recipe
from daas.beacon.recipes.service_requests import checks, metadata, pages, privacy
from daas.core.big import BigTable
from daas.core.i18n import N_

if TYPE_CHECKING:
    import numpy as np

    from daas.beacon.big.checks import Checks
    from daas.beacon.quality import Context, Issues, TableQuality
    from daas.core.city import City
    from daas.core.errors import Problem

AGGREGATES = (
    "requests_backlog",
    "requests_time_to_close",
    "requests_typical_time",
    "requests_by_area",
    "requests_response_fairness",
    "repeat_locations",
    "requests_on_time",
)
POPULATION = "area_population"  # the reference table: residents per area
SAMPLE_ROWS = 20_000


# the kinds city files declared before street places had their own (read as the street kinds)
FORMER_KINDS = {"building-address": "street-address", "building-location": "street-location"}


class ServiceRequests(Recipe):
    """The service-requests (311) recipe."""

    name = "service-requests"
    description = N_(
        "service requests (311): backlog, time to close, on-time share and fairness by area"
    )
    title = "Service requests"
    schema_dir = Path(__file__).parent / "schemas"
    input_tables = ("requests",)
    required_tables = ("requests",)
    public_tables = (privacy.PUBLIC_TABLE, *AGGREGATES, QUALITY_TABLE)
    keys = checks.KEYS
    reasons = checks.REASONS
    # where a problem in the street was reported: street places, not buildings
    public_kinds = ("street-address", "street-location")
    former_kinds = FORMER_KINDS
    partner_source = "The city's service requests (restricted; published without free text)"
    fairness_group = "area"
    free_text = privacy.FREE_TEXT
    gate_declarations = privacy.GATE_DECLARATIONS
    open311_table = privacy.PUBLIC_TABLE
    # a big `requests` table stays in DuckDB: the aggregates read it there, and the published
    # requests are a big table too (`privacy.public_requests`)
    reads_big_tables = True
    checks_big_tables = True  # and is checked there (`table_checks_big`)

    def city_problems(self, city: City) -> list[Problem]:
        from daas.core.city import city_file
        from daas.core.errors import Problem
        from daas.core.i18n import _

        if city.beacon is None or city.beacon.timezone:
            return []
        return [
            Problem(
                city_file(city),
                "beacon.timezone",
                _("the {recipe} recipe needs the city's time zone").format(recipe=self.name),
                _("add `timezone:` with its IANA name, e.g. {example}").format(
                    example="America/Argentina/Buenos_Aires"
                ),
            )
        ]

    def table_checks(
        self, table: str, typed: pd.DataFrame, issues: Issues, ctx: Context, unplaced: np.ndarray
    ) -> None:
        checks.table_checks(table, typed, issues, ctx, unplaced)

    def table_checks_big(self, table: str, sql: Checks, ctx: Context) -> None:
        checks.table_checks_big(table, sql, ctx)

    def aggregate(
        self, clean: dict[str, pd.DataFrame], ctx: Context, city: City
    ) -> dict[str, pd.DataFrame]:
        from daas.beacon.recipes.service_requests import aggregates

        beacon = city.beacon
        assert beacon is not None  # the pipeline reads no city without a beacon section
        requests = clean["requests"]
        sensitive = privacy.sensitive_categories(beacon.sensitive_categories)
        min_cell = city.privacy.min_cell_size
        settings = aggregates.Settings(
            as_of=datetime.combine(ctx.as_of + timedelta(days=1), time()),  # the day's end
            min_cell=min_cell,
            min_repeats=beacon.repeat_min_requests,
        )
        population = self.reference_tables(city).get(POPULATION)
        if population is None:
            population = pd.DataFrame({"area": pd.Series(dtype=str),
                                       "population": pd.Series(dtype="int64")})  # fmt: skip
        # the checked date-times are written in the city's zone (`checks.local_text`)
        loaded = aggregates.load(requests, ctx.timezone, local_text=True)
        levels = beacon.service_levels
        tables = aggregates.aggregates(
            loaded, settings, population=population, sensitive=sensitive, levels=levels
        )
        loaded.close()
        # the published requests stay a BigTable when the clean table is one (the pipeline
        # publishes either), though the hook's signature says frames
        published = privacy.public_requests(requests, sensitive, zone=ctx.timezone,
                                            min_cell=min_cell)  # fmt: skip
        return {privacy.PUBLIC_TABLE: cast(pd.DataFrame, published), **tables}

    def reference_tables(self, city: City) -> dict[str, pd.DataFrame]:
        if "neighbourhoods" not in city.datasets:
            return {}
        from daas.profile.city_profile import read_neighbourhoods

        areas = read_neighbourhoods(city)
        table = pd.DataFrame({"area": areas["neighbourhood"], "population": areas["population"]})
        return {POPULATION: table.astype({"population": "int64"})}

    def fairness(
        self, public: dict[str, pd.DataFrame], reference: dict[str, pd.DataFrame]
    ) -> pd.DataFrame | None:
        """Response times by area (`requests_response_fairness`) as the kit's fairness table:
        an area's share of the requests closed within their service's typical time against
        its share of closed requests."""
        table = public.get("requests_response_fairness")
        if table is None or table.empty:
            return None
        closed = table["closed_requests"].astype(float)
        timely = (table["timely_share"] * closed).round()
        return pd.DataFrame({
            "area": table["area"], "served": timely, "population": closed,
            "served_share": (timely / timely.sum()).round(4),
            "population_share": (closed / closed.sum()).round(4),
            "coverage_index": table["coverage_index"],
            "under_served": table["under_served"].astype(bool),
        })  # fmt: skip

    def first_date(self, public: dict[str, pd.DataFrame]) -> pd.Timestamp | None:
        requests = public[privacy.PUBLIC_TABLE]
        if isinstance(requests, BigTable):
            return _first_date_big(requests)
        text = requests["requested_datetime"].dropna()
        if text.empty:
            return None
        first = checks.instants(text, "UTC").to_numpy().argmin()
        return pd.Timestamp(str(text.iloc[first])[:10])  # the local day, as published

    def package_text(self, city: City) -> tuple[str, list[str]]:
        return metadata.package_text(city)

    def queries(self, meta: dict) -> dict[str, dict]:
        return metadata.queries(meta)

    def page_data(
        self, public: dict[str, pd.DataFrame], results: list[TableQuality], meta: dict
    ) -> dict[str, dict]:
        return pages.page_data(public, meta)

    def generate(self, city: City, seed: int) -> dict[str, Path]:
        """A year of seeded, fictional requests over the city's neighbourhoods, in its
        language and time zone (`data/<slug>/beacon/requests.csv`)."""
        from daas.beacon.recipes.service_requests import generate
        from daas.core.paths import data_dir

        areas = generate.DEFAULT_AREAS
        if "neighbourhoods" in city.datasets:
            from daas.profile.city_profile import read_neighbourhoods

            areas = tuple(read_neighbourhoods(city)["neighbourhood"])
        zone = (city.beacon.timezone if city.beacon else None) or generate.ZONE
        path = data_dir() / city.slug / "beacon" / "requests.csv"
        generate.write_csv(path, SAMPLE_ROWS, seed=seed, lang=city.language, areas=areas,
                           zone=zone)  # fmt: skip
        return {"requests": path}


def _first_date_big(requests: BigTable) -> pd.Timestamp | None:
    """`ServiceRequests.first_date` of a big table: the local day of its earliest request (the
    first row of that instant: a table's `rowid` follows its rows' order, gaps or not), a time
    without an offset read as UTC, as `checks.instants` reads it there. One aggregate, no
    sort and no row numbers."""
    text = "requested_datetime"
    moment = f"""CASE WHEN regexp_matches({text}, '{checks.OFFSET}')
        THEN TRY_CAST({text} AS TIMESTAMPTZ) ELSE timezone('UTC', TRY_CAST({text} AS TIMESTAMP))
        END"""
    first = requests.engine.execute(
        f"""SELECT arg_min({text}, {{'moment': moment, 'row': rowid}})
            FILTER (WHERE moment IS NOT NULL)
            FROM (SELECT rowid, {text}, {moment} AS moment FROM {requests.sql})"""
    ).fetchall()[0][0]
    return None if first is None else pd.Timestamp(str(first)[:10])
