"""Is a city file ready to run? The checks `daas city validate` makes after the schema: every
dataset key is one the workshops read, every declared file exists, every Beacon mapping names
fields of its table's schema and maps the required ones, its `public:` declarations name mapped
fields, known kinds and reasons, and the file is more than the untouched `daas city new`
template. Problems come back in the city's language, each with its fix.
"""

from __future__ import annotations

import difflib
from functools import cache

import yaml

from daas.beacon import schema
from daas.core.city import NEW_CITY_TEMPLATE, BeaconSource, City, PublicColumn
from daas.core.errors import Problem
from daas.core.i18n import N_, _, use_language
from daas.core.paths import repo_root

# The dataset keys the workshops and pages read (`city.dataset_path(key)`), and what each holds.
WORKSHOP_DATASETS: dict[str, str] = {
    "neighbourhoods": N_("population, households and median income by neighbourhood"),
    "staff_survey": N_("the staff capability survey (discovery workshop)"),
    "research_notes": N_("user research observations (user needs workshop)"),
    "stories": N_("user stories with MoSCoW and RICE inputs (user needs workshop)"),
    "housing_applications": N_("person-level records for the privacy workshop"),
    "incidents": N_("the Beacon's incident log (live service masterclass)"),
    "community_attendance": N_("attendance at community of practice sessions"),
    "community_feedback": N_("feedback forms from community of practice sessions"),
}


def city_file(city: City) -> str:
    return f"cities/{city.slug}.yml"


@cache
def template_priority_problem() -> str:
    """The placeholder `priority_problem` that `daas city new` writes."""
    text = NEW_CITY_TEMPLATE.format(slug="x", name="x", name_yaml="x", country="US",
                                    language="en", currency="USD")  # fmt: skip
    return " ".join(yaml.safe_load(text)["priority_problem"].split())


def readiness_problems(city: City) -> list[Problem]:
    """Everything that would stop the workshops or the Beacon, in the city's language."""
    with use_language(city.language):
        return [
            *_template_problems(city),
            *_dataset_problems(city),
            *(p for name, src in _sources(city) for p in source_problems(city, name, src)),
        ]


def readiness_notes(city: City) -> list[str]:
    """Gaps that are not failures (the city can start the workshops without them)."""
    with use_language(city.language):
        if city.beacon is None and not city.fictional:
            return [
                _(
                    "no Beacon sources yet: the Beacon workshop and pages need the city's own "
                    "exports under `beacon.sources` (a real city never gets made-up data)"
                )
            ]
        return []


def _sources(city: City) -> list[tuple[str, BeaconSource]]:
    return list(city.beacon.sources.items()) if city.beacon else []


def _template_problems(city: City) -> list[Problem]:
    file, out = city_file(city), []
    if " ".join(city.priority_problem.split()) == template_priority_problem():
        out.append(
            Problem(
                file,
                "priority_problem",
                _("still the template's placeholder text"),
                _("describe, in one or two sentences, the problem your Beacon will tackle"),
            )
        )
    if not city.datasets:
        out.append(
            Problem(
                file,
                "datasets",
                _("no datasets declared"),
                _(
                    "declare the files the workshops read, each with a path and a description: "
                    "{keys}"
                ).format(keys=", ".join(WORKSHOP_DATASETS)),
            )
        )
    return out


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return _("did you mean '{key}'? ").format(key=close[0]) if close else ""


def _dataset_problems(city: City) -> list[Problem]:
    file, out, known = city_file(city), [], list(WORKSHOP_DATASETS)
    for key, ds in city.datasets.items():
        if key not in WORKSHOP_DATASETS:
            out.append(
                Problem(
                    file,
                    f"datasets.{key}",
                    _("'{key}' is not a dataset the workshops read").format(key=key),
                    _did_you_mean(key, known)
                    + _("use one of: {keys}").format(keys=", ".join(known)),
                )
            )
        if not (repo_root() / ds.path).is_file():
            out.append(_missing_file(file, f"datasets.{key}.path", ds.path))
    return out


def _missing_file(file: str, field: str, path: str) -> Problem:
    return Problem(
        file,
        field,
        _("{path} does not exist").format(path=path),
        _("put the file there, or correct the path (relative to the repository root)"),
    )


def source_problems(city: City, name: str, src: BeaconSource) -> list[Problem]:
    """A Beacon source: its file exists, its mapping names only fields of the table's schema,
    and every required field is mapped (a column, a constant or the unpivot)."""
    file, where = city_file(city), f"beacon.sources.{name}"
    out = (
        []
        if (repo_root() / src.path).is_file()
        else [_missing_file(file, f"{where}.path", src.path)]
    )
    known = list(schema.fields(src.table))
    mapped = [*src.columns, *src.constants, *src.values]
    if src.unpivot:
        mapped += [src.unpivot.into, src.unpivot.value]
    for section in ("columns", "constants", "values"):
        for fld in getattr(src, section):
            if fld not in known:
                out.append(_unknown_field(file, f"{where}.{section}.{fld}", fld, src.table, known))
    if src.unpivot:
        for part in ("into", "value"):
            fld = getattr(src.unpivot, part)
            if fld not in known:
                out.append(_unknown_field(file, f"{where}.unpivot.{part}", fld, src.table, known))
    out += public_problems(city, name, src)
    missing = [f for f in schema.required(src.table) if f not in mapped]
    if missing:
        out.append(
            Problem(
                file,
                f"{where}.columns",
                _("required field(s) of the {table} schema not mapped: {fields}").format(
                    table=src.table, fields=", ".join(missing)
                ),
                _("map each under `columns:` (an export column) or `constants:` (a fixed value)"),
            )
        )
    return out


def public_problems(city: City, name: str, src: BeaconSource) -> list[Problem]:
    """A source's `public:` declarations: each names a field mapped under `columns:`, one of
    the kinds (`PublicColumn.KINDS`) and a reason (the Beacon build refuses them too)."""
    file, out, kinds = city_file(city), [], list(PublicColumn.KINDS)
    for fld, decl in src.public.items():
        where = f"beacon.sources.{name}.public.{fld}"
        if fld not in src.columns:
            message = _("'{field}' is declared public but not mapped under columns")
            fix = _("declare one of the mapped fields: {fields}")
            out.append(Problem(file, where, message.format(field=fld),
                               fix.format(fields=", ".join(src.columns))))  # fmt: skip
        if decl.kind not in kinds:
            out.append(
                Problem(
                    file,
                    f"{where}.kind",
                    _("'{kind}' is not a kind of public column").format(kind=decl.kind),
                    _did_you_mean(decl.kind, kinds)
                    + _("use one of: {keys}").format(keys=", ".join(kinds)),
                )
            )
        if not decl.reason:
            out.append(
                Problem(
                    file,
                    f"{where}.reason",
                    _("no reason given for declaring '{field}' public").format(field=fld),
                    _(
                        "say in one line why this column is public by design (for example "
                        "'in the public planning register'), as agreed with your data "
                        "protection lead"
                    ),
                )
            )
    return out


def _unknown_field(file: str, field: str, name: str, table: str, known: list[str]) -> Problem:
    return Problem(
        file,
        field,
        _("'{field}' is not a field of the {table} schema").format(field=name, table=table),
        _did_you_mean(name, known) + _("use one of: {keys}").format(keys=", ".join(known)),
    )
