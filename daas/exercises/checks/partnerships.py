"""Masterclass 2, community engagement and partnerships: Tactical Data Engagement, and a
data-sharing agreement for the Beacon's partner data."""

from __future__ import annotations

from numbers import Real

import pandas as pd

from daas.core.city import BeaconSource, City
from daas.core.display import Table, show
from daas.core.errors import DaasError
from daas.core.i18n import N_, _
from daas.core.paths import repo_root
from daas.core.tables import column_key, read_table
from daas.exercises.feedback import Feedback, kindly, not_yet, right

TDE_STEPS = ("find", "refine", "design", "implement")
AGREEMENT_KEYS = (
    "purpose",
    "data",
    "publish",
    "update_frequency",
    "period_months",
    "min_cell_size",
    "transfer",
)
# The partner's fields that point at one record, per Beacon recipe: a listing the partner sells,
# or a request and the place it was made from (free text can name the resident)
IDENTIFYING = {
    "housing": ("listing_id", "address", "latitude", "longitude"),
    "service-requests": ("service_request_id", "address", "zipcode", "lat", "long",
                         "description", "status_notes"),
}  # fmt: skip
# What the overview calls those columns, and what the check says when one is published
WORDS = {
    "housing": (
        N_("identify a listing"),
        N_("publishing '{column}' would reveal single listings the partner sells."),
        N_("publish counts or medians by neighbourhood instead of listing-level fields."),
    ),
    "service-requests": (
        N_("identify a request or its place"),
        N_("publishing '{column}' would reveal single requests and where they were made."),
        N_("publish counts or typical times by neighbourhood instead of request-level fields."),
    ),
}


@kindly
def tde_order(answer: object, city: City) -> Feedback:
    """The four steps in order. Example: steps = ["find", "refine", "design", "implement"]"""
    if not isinstance(answer, list | tuple):
        return not_yet(
            _("give the steps as a list, not a {kind}.").format(kind=type(answer).__name__),
            _("write {example}").format(example='`["...", "...", "...", "..."]`'),
        )
    steps = [str(s).strip().casefold() for s in answer]
    unknown = [s for s in steps if s not in TDE_STEPS]
    if unknown:
        return not_yet(
            _("'{step}' is not one of the steps.").format(step=unknown[0]),
            _("the steps are {steps}; put them in order.").format(
                steps=", ".join(sorted(TDE_STEPS))
            ),
        )
    if sorted(set(steps)) != sorted(TDE_STEPS) or len(steps) != 4:
        return not_yet(
            _("each of the four steps should appear once."),
            _("use all of: {steps}.").format(steps=", ".join(sorted(TDE_STEPS))),
        )
    if steps == list(TDE_STEPS):
        return right(
            _(
                "find a focus, refine use cases with stakeholders, design with the users, "
                "implement with real users."
            )
        )
    if steps.index("design") < steps.index("refine"):
        return not_yet(
            _("you design before refining the use cases."),
            _("talk to stakeholders about what they would use the data for first."),
        )
    return not_yet(
        _("the steps are not in order yet."),
        _("start by watching what information the community needs."),
    )


def partner_source(city: City) -> tuple[str, BeaconSource]:
    """The Beacon's first partner source, or a DaasError naming the city file field."""
    sources = city.beacon.sources if city.beacon else {}
    for key, src in sources.items():
        if src.role == "partner":
            return key, src
    raise DaasError.one(
        f"cities/{city.slug}.yml",
        "beacon.sources",
        _("no source has `role: partner`"),
        _("add the partner's export to {field} with {setting}").format(
            field="beacon.sources", setting="role: partner"
        ),
    )


def partner_columns(city: City) -> list[str]:
    """The header of the partner's export, as the file spells it."""
    _key, src = partner_source(city)
    df, _problems = read_table(repo_root() / src.path, [])
    return [c for c in df.columns if c != "row"]


def partner_intro(city: City) -> str:
    """The line above the partner overview."""
    return _("Partner data for {city}'s Beacon:").format(city=city.name)


def partner_overview(city: City) -> Table | str:
    """The partner export's columns, each saying whether it points at one record, or a note
    saying what is missing (for notebooks: a city without partner data still gets a readable
    first cell)."""
    try:
        columns, identifying = partner_columns(city), set(identifying_columns(city))
    except DaasError as exc:
        return _("This exercise needs the Beacon's partner data. {problem}").format(problem=exc)
    table = pd.DataFrame({"column": columns, "identifies": [c in identifying for c in columns]})
    names = {"column": N_("column"), "identifies": WORDS[city.beacon_recipe()][0]}
    return show(table, names, literal=["column"])


def identifying_columns(city: City) -> list[str]:
    _key, src = partner_source(city)
    out = []
    for field in IDENTIFYING[city.beacon_recipe()]:
        cols = src.columns.get(field, [])
        out += [cols] if isinstance(cols, str) else list(cols)
    return [column_key(c) for c in out]


@kindly
def sharing_agreement(answer: object, city: City) -> Feedback:
    """A data-sharing agreement. Example: agreement = {"purpose": "...", "data": [...], ...}"""
    if not isinstance(answer, dict):
        return not_yet(
            _("the agreement should be a dictionary, not a {kind}.").format(
                kind=type(answer).__name__
            ),
            _("start from the template in the cell above."),
        )
    missing = [k for k in AGREEMENT_KEYS if not answer.get(k)]
    if missing:
        return not_yet(
            _("the agreement does not say: {keys}.").format(keys=", ".join(missing)),
            _(
                "every agreement states purpose, data, publication, frequency, period, "
                "minimum cell size and transfer method."
            ),
        )
    if len(str(answer["purpose"]).split()) < 6:
        return not_yet(
            _("the purpose is too short for the partner to know what the data is for."),
            _("say who will use the data and what decision it supports."),
        )
    known = partner_columns(city)
    for key in ("data", "publish"):
        if not isinstance(answer[key], list | tuple):
            return not_yet(
                _("`{key}` should be a list of column names.").format(key=key),
                _("for example: {example}").format(example=known[:2]),
            )
    cols = [str(c).strip().lower() for c in answer["data"]]
    unknown = [c for c in cols if c not in known]
    if unknown:
        return not_yet(
            _("the partner's file has no column '{column}'.").format(column=unknown[0]),
            _("its columns are: {columns}.").format(columns=", ".join(known)),
        )
    published = [str(c).strip().lower() for c in answer["publish"]]
    if extra := [c for c in published if c not in cols]:
        return not_yet(
            _("you publish '{column}' but do not receive it under `data`.").format(column=extra[0]),
            _("publish only what the agreement lets you receive."),
        )
    if risky := [c for c in published if c in identifying_columns(city)]:
        _label, reveals, instead = WORDS[city.beacon_recipe()]
        return not_yet(_(reveals).format(column=risky[0]), _(instead))
    minimum = city.privacy.min_cell_size
    size = answer["min_cell_size"]
    if isinstance(size, bool) or not isinstance(size, Real) or size < minimum:
        return not_yet(
            _("the minimum cell size must be at least {city}'s {minimum}.").format(
                city=city.name, minimum=minimum
            ),
            _("use the value from the city's privacy settings."),
        )
    months = answer["period_months"]
    if isinstance(months, bool) or not isinstance(months, Real) or not 1 <= float(months) <= 36:
        return not_yet(
            _("the agreement should run for 1 to 36 months, then be reviewed."),
            _("a year (12) is common for a first agreement."),
        )
    return right(
        _(
            "{received} columns received, {published} published in aggregate, cells under "
            "{size:g} suppressed, reviewed after {months:g} months."
        ).format(received=len(cols), published=len(published), size=size, months=months)
    )
