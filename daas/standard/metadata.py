"""The kit's metadata profile (DCAT-US style fields on a Frictionless data package) and checks.

The profile's field names are the keys of a `datapackage.json` descriptor, so one file serves a
catalogue (DCAT) and a validator (Frictionless). `completeness` is the share of profile fields
filled in: the Beacon's `metadata_complete` figure uses the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from daas.core.city import City
from daas.core.display import headers
from daas.core.i18n import N_, _

# field in datapackage.json -> (DCAT-US term, what to write, in plain words; shown translated)
PROFILE: dict[str, tuple[str, str]] = {
    "title": ("title", N_("a name a resident would search for")),
    "description": ("description", N_("what the data is, who it is for, what it leaves out")),
    "keywords": ("keyword", N_("search words, including everyday ones")),
    "modified": ("modified", N_("the date the data last changed")),
    "publisher": ("publisher", N_("the city department that publishes it")),
    "contactPoint": ("contactPoint", N_("a shared mailbox that answers questions")),
    "identifier": ("identifier", N_("a stable id or address that never changes")),
    "accessLevel": ("accessLevel", N_("public, restricted public or non-public")),
    "licenses": ("license", N_("the open licence, for example CC-BY-4.0")),
    "spatial": ("spatial", N_("the area covered")),
    "temporal": ("temporal", N_("the period covered")),
    "resources": ("distribution", N_("the files or links, with their formats")),
    "accrualPeriodicity": ("accrualPeriodicity", N_("how often it is updated")),
    "describedBy": ("describedBy", N_("a link to the data dictionary")),
}


@dataclass(frozen=True)
class Completeness:
    score: float  # 0 to 1
    filled: list[str]
    missing: list[str]

    def table(self) -> pd.DataFrame:
        """One row per profile field: filled or missing, and what to write."""
        return pd.DataFrame(
            [
                {
                    "field": f,
                    "DCAT-US term": term,
                    "filled in": f in self.filled,
                    "what to write": _(hint),
                }
                for f, (term, hint) in PROFILE.items()
            ]
        )

    def summary(self) -> str:
        """One sentence: how much of the profile is filled in, and which fields are missing."""
        if not self.missing:
            return _("{score:.0%} of the profile is filled in.").format(score=self.score)
        return _("{score:.0%} of the profile is filled in; missing: {fields}").format(
            score=self.score, fields=", ".join(self.missing)
        )

    def _repr_markdown_(self) -> str:
        """The summary on a page or in a notebook, the missing fields' names as code (they are
        DCAT-US field names, the same in every language)."""
        if not self.missing:
            return self.summary()
        return _("{score:.0%} of the profile is filled in; missing: {fields}").format(
            score=self.score, fields=", ".join(f"`{f}`" for f in self.missing)
        )


PROFILE_COLUMNS = (N_("field"), N_("DCAT-US term"), N_("what to write"))


def profile_table() -> pd.DataFrame:
    """The profile for a page: each field, its DCAT-US term and what to write."""
    return headers(completeness({}).table()[list(PROFILE_COLUMNS)], PROFILE_COLUMNS)


def completeness(descriptor: dict) -> Completeness:
    """How much of the metadata profile a data package descriptor fills in."""
    filled = [f for f in PROFILE if _filled(descriptor.get(f))]
    missing = [f for f in PROFILE if f not in filled]
    return Completeness(round(len(filled) / len(PROFILE), 4), filled, missing)


def _filled(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return bool(value)


def draft_package(city: City, dataset: str) -> dict:
    """A first data package descriptor for one of the city's datasets: what the city file
    already knows, plus the table schema Frictionless infers from the file."""
    from frictionless import Resource

    path = city.dataset_path(dataset)
    resource = Resource(path=path.name, basepath=str(path.parent))
    resource.infer()
    res = resource.to_descriptor()
    res.pop("basepath", None)
    return {
        "name": f"{city.slug}-{dataset}",
        "title": f"{city.name}: {dataset}",
        "description": city.datasets[dataset].description,
        "spatial": city.name,
        "resources": [res],
    }


def validate_table(path: Path, schema: dict) -> pd.DataFrame:
    """Check a CSV against a Frictionless table schema; one row per problem found."""
    from frictionless import Resource, Schema

    resource = Resource(
        path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema)
    )
    report = resource.validate()
    rows = [
        {
            "row": err.get("rowNumber"),
            "field": err.get("fieldName"),
            "problem": err.get("type"),
            "message": err.get("note") or err.get("message"),
        }
        for task in report.tasks
        for err in (e.to_descriptor() for e in task.errors)
    ]
    table = pd.DataFrame(rows, columns=["row", "field", "problem", "message"])
    return headers(table, (N_("row"), N_("field"), N_("problem"), N_("message")))
