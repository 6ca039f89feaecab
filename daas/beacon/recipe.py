"""A Beacon recipe: everything about one priority problem that the Beacon's pipeline asks for.

The pipeline (`daas.beacon.pipeline`: load -> quality -> privacy gate -> aggregate -> gate ->
publish -> record) knows no problem's words. The city file chooses a recipe (`beacon.recipe`,
`housing` when omitted), and the pipeline asks it which tables a source may feed, how their rows
are checked, what is published and how it is described, what the pages show and what the
Standard assessment is given.

How a recipe plugs in
---------------------
1. Make a package `daas/beacon/recipes/<name>/` with its Frictionless Table Schemas in
   `schemas/<table>.json`, one per input and published table (`"access": "restricted"` marks a
   table only partner sources feed, never published raw). Table names are unique across recipes
   (`daas.beacon.schema` finds a table's schema through `recipes.for_table`); `quality_issues`,
   which every recipe publishes (list it in `public_tables`), is shared, in `daas/beacon/schemas/`.
2. Subclass `Recipe` (housing's `recipes/housing/recipe.py` is the worked example): set the class
   attributes (name, a one-line description marked with `N_`, the default title, `schema_dir`,
   input, required and public tables, `keys` for every input table, the `public:` kinds it
   accepts) and write `aggregate` (clean input tables -> the published tables). Override the
   other hooks where the defaults (no extra rules, no reference tables, no fairness check, no
   page data, no sample data) do not fit; `daas.beacon.quality` has shared rules to call from
   `table_checks` (`known_places`, `locations`). A recipe whose exports carry free text it
   never publishes names those fields in `free_text`; one that publishes a table of places it
   has made safe declares its columns to the privacy gate in `gate_declarations`; settings it
   needs from the city file are checked in `city_problems` (`daas city validate` reports them).
3. Create one instance in the package's `__init__.py` and add it to `RECIPES` in
   `daas/beacon/recipes/__init__.py`: `daas beacon recipes` then lists it, `daas city validate`
   checks a city's sources against its tables, and a city file with `beacon: {recipe: <name>}`
   builds with it. Add the description's translation to `daas/messages/es.po` and `pt.po`.
4. What the recipe's pages show beyond their data (charts, calculators) lives in its package
   too (housing's `charts.py`), imported by the book pages and notebooks that show it, not by
   the recipe: a city file check should not import a charting library.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pandas as pd

if TYPE_CHECKING:
    import numpy as np

    from daas.beacon.big.checks import Checks
    from daas.beacon.quality import Context, Issues, TableQuality
    from daas.core.city import City
    from daas.core.errors import Problem

# The table every recipe publishes: the public rows that failed a check (`daas.beacon.quality`).
QUALITY_TABLE = "quality_issues"
# The Beacon's pages on the site, by the name of their data file.
PAGE_FILES: Mapping[str, str] = {
    "resident": "book/beacon/resident",
    "staff": "book/beacon/staff",
    "performance": "book/beacon/performance",
}


class Recipe:
    """One priority problem for the Beacon. Class attributes describe it; methods are hooks the
    pipeline calls, with defaults a recipe overrides where they do not fit."""

    name: ClassVar[str]  # what `beacon.recipe` names in a city file
    description: ClassVar[str]  # one line, marked with N_ (`daas beacon recipes` translates it)
    title: ClassVar[str]  # the service's title when the city file sets no `beacon.title`
    schema_dir: ClassVar[Path]  # the recipe's `schemas/<table>.json`
    input_tables: ClassVar[tuple[str, ...]]  # what a source may feed (`beacon.sources.*.table`)
    required_tables: ClassVar[tuple[str, ...]] = ()  # a build without a source for one stops
    public_tables: ClassVar[tuple[str, ...]]  # published, in this order (QUALITY_TABLE included)
    keys: ClassVar[Mapping[str, list[str]]]  # input table -> fields no two rows share
    public_kinds: ClassVar[tuple[str, ...]] = ()  # `public:` kinds accepted (PublicColumn.KINDS)
    # kinds a city file may still use under their former name -> the kind they are read as
    former_kinds: ClassVar[Mapping[str, str]] = {}
    partner_source: ClassVar[str] = ""  # how the package names its partner data
    fairness_group: ClassVar[str] = ""  # the fairness table's group column
    page_files: ClassVar[Mapping[str, str]] = PAGE_FILES  # page data file -> book page
    sample_mapping: ClassVar[str] = ""  # the sample `beacon:` section (`{slug}` in its paths)
    # input fields of free text the recipe never publishes: their export columns skip the gate
    # on the export, and the fields are dropped once the rows are checked
    free_text: ClassVar[tuple[str, ...]] = ()
    # published table -> column -> public kind (PublicColumn.KINDS) the recipe itself declares
    # to the privacy gate: places it has made safe to publish
    gate_declarations: ClassVar[Mapping[str, Mapping[str, str]]] = {}
    open311_table: ClassVar[str] = ""  # the published table the Open311 API serves, if any
    # whether `aggregate` takes a big input table as it is (a `daas.core.big.BigTable`, held in
    # DuckDB); otherwise the pipeline gives it the table as a pandas frame
    reads_big_tables: ClassVar[bool] = False
    # whether `table_checks_big` gives the recipe's rules in SQL for a big input table (held in
    # DuckDB); otherwise a big table is checked by `table_checks` on its rows as a frame
    checks_big_tables: ClassVar[bool] = False
    # the reasons `table_checks` gives, as templates marked with N_ (`{field}` and other values
    # filled in when a check fails): pages say a published reason in the reader's language
    # (`daas.beacon.quality.reason_shown`)
    reasons: ClassVar[tuple[str, ...]] = ()

    def restricted_tables(self) -> tuple[str, ...]:
        """Input tables only partner sources feed (their schema's `access` is `restricted`)."""
        from daas.beacon import schema

        return tuple(t for t in self.input_tables if schema.is_restricted(t))

    def city_problems(self, city: City) -> list[Problem]:
        """Problems with the city file's settings this recipe reads (none by default)."""
        return []

    def table_checks(
        self, table: str, typed: pd.DataFrame, issues: Issues, ctx: Context, unplaced: np.ndarray
    ) -> None:
        """The problem's own quality rules on a typed input table (`issues.add` per rule);
        `unplaced` marks rows whose address names no place."""

    def table_checks_big(self, table: str, checks: Checks, ctx: Context) -> None:
        """`table_checks` on a big table, in SQL: the same rules given to `checks` (a
        `daas.beacon.big.quality.Checks`, with its `add`, `instants`, `known_places` and
        `locations`), when `checks_big_tables` says the recipe has them."""
        raise NotImplementedError

    def aggregate(
        self, clean: dict[str, pd.DataFrame], ctx: Context, city: City
    ) -> dict[str, pd.DataFrame]:
        """The published tables (QUALITY_TABLE aside) from the clean input tables."""
        raise NotImplementedError

    def reference_tables(self, city: City) -> dict[str, pd.DataFrame]:
        """Tables added to the database beside the published ones (the population a fairness
        check compares against); none by default."""
        return {}

    def fairness(
        self, public: dict[str, pd.DataFrame], reference: dict[str, pd.DataFrame]
    ) -> pd.DataFrame | None:
        """Coverage by group against the reference population (`daas.privacy.fairness`), or
        None when the recipe or the city has none."""
        return None

    def first_date(self, public: dict[str, pd.DataFrame]) -> pd.Timestamp | None:
        """The earliest day the published data covers (the package's temporal coverage)."""
        return None

    def rows_suppressed(self, public: dict[str, pd.DataFrame]) -> int:
        """Cells hidden by suppression: rows flagged in every `suppressed` column."""
        return sum(int(df["suppressed"].sum()) for df in public.values() if "suppressed" in df)

    def package_text(self, city: City) -> tuple[str, list[str]]:
        """The data package's description and keywords."""
        return self.title, [city.name]

    def queries(self, meta: dict) -> dict[str, dict]:
        """Datasette canned queries by name (`meta["has_reference"]`: reference tables exist)."""
        return {}

    def page_data(
        self, public: dict[str, pd.DataFrame], results: list[TableQuality], meta: dict
    ) -> dict[str, dict]:
        """The resident and staff pages' data by page name (the performance page is shared)."""
        return {}

    def generate(self, city: City, seed: int) -> dict[str, Path]:
        """Write the city's seeded, fictional sample exports (`daas beacon generate`) for
        `sample_mapping` to read; return the paths written."""
        from daas.core.city import city_file
        from daas.core.errors import DaasError
        from daas.core.i18n import _

        raise DaasError.one(
            city_file(city),
            "beacon.recipe",
            _("the {recipe} recipe has no sample data").format(recipe=self.name),
            _("give the city its own exports under `beacon.sources`"),
        )
