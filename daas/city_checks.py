"""Is a city file ready to run? The checks `daas city validate` makes after the schema: every
dataset key is one the workshops read, every declared file exists, the Beacon recipe exists,
every Beacon mapping feeds one of its tables, names fields of the table's schema and maps the
required ones, its `public:` declarations name mapped fields, kinds the recipe accepts and
reasons (`daas.beacon.mapping_checks`, which the Beacon build runs too),
and the file is more than the untouched `daas city new` template. Problems come back in the
city's language, each with its fix.
"""

from __future__ import annotations

from functools import cache

import yaml

from daas.beacon.mapping_checks import beacon_problems
from daas.core.city import DATASET_ALIASES, NEW_CITY_TEMPLATE, City, city_file, missing_file
from daas.core.errors import Problem, did_you_mean
from daas.core.i18n import N_, _, use_language
from daas.core.paths import repo_root

# The dataset keys the workshops and pages read (`city.dataset_path(key)`), and what each holds.
WORKSHOP_DATASETS: dict[str, str] = {
    "neighbourhoods": N_("population, households and median income by neighbourhood"),
    "staff_survey": N_("the staff capability survey (discovery workshop)"),
    "research_notes": N_("user research observations (user needs workshop)"),
    "stories": N_("user stories with MoSCoW and RICE inputs (user needs workshop)"),
    "person_records": N_("person-level records for the privacy workshop"),
    "incidents": N_("the Beacon's incident log (live service masterclass)"),
    "community_attendance": N_("attendance at community of practice sessions"),
    "community_feedback": N_("feedback forms from community of practice sessions"),
}


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
            *beacon_problems(city),
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


def _dataset_problems(city: City) -> list[Problem]:
    file, out, known = city_file(city), [], list(WORKSHOP_DATASETS)
    for key, ds in city.datasets.items():
        if key not in WORKSHOP_DATASETS and key not in DATASET_ALIASES:
            out.append(
                Problem(
                    file,
                    f"datasets.{key}",
                    _("'{key}' is not a dataset the workshops read").format(key=key),
                    did_you_mean(key, known)
                    + _("use one of: {keys}").format(keys=", ".join(known)),
                )
            )
        if not (repo_root() / ds.path).is_file():
            out.append(missing_file(file, f"datasets.{key}.path", ds.path))
    return out
