"""Masterclass 3, data governance and ethics: how identifiable is a table before publishing?"""

from __future__ import annotations

from numbers import Real

import pandas as pd

from daas.core.city import City
from daas.core.display import Table, show
from daas.core.i18n import N_, _
from daas.exercises.feedback import Feedback, kindly, not_yet, right
from daas.privacy.anonymity import band_ages, k_anonymity, unique_records
from daas.privacy.sample import DATASET

QUASI = ["age_band", "sex", "neighbourhood"]
# Who the records are about, per Beacon recipe: applicants, or residents who made requests
WORDS = {
    "housing": (
        N_(
            "{n} applicants are the only one of their age band, sex and neighbourhood: anyone "
            "who knows those three facts could find them. A table published at {city}'s "
            "minimum cell size of {size} would hide them."
        ),
        N_("{answer} is not the number of applicants alone in their group."),
    ),
    "service-requests": (
        N_(
            "{n} residents are the only one of their age band, sex and neighbourhood: anyone "
            "who knows those three facts could find them, and the requests they made. A table "
            "published at {city}'s minimum cell size of {size} would hide them."
        ),
        N_("{answer} is not the number of residents alone in their group."),
    ),
}


def people(city: City) -> pd.DataFrame:
    """The city's person-level records (`datasets.person_records`), exact ages banded to ten
    years (a file that records only an `age_band` keeps it)."""
    df = pd.read_csv(city.dataset_path(DATASET), dtype=str, keep_default_na=False)
    return df.assign(age_band=band_ages(df["age"])) if "age" in df else df


QUASI_LABELS = {"age_band": N_("Age band"), "sex": N_("Sex"), "neighbourhood": N_("Neighbourhood")}


def records_table(records: pd.DataFrame, rows: int = 5) -> Table:
    """The first `rows` records' age band, sex and neighbourhood, as a reader sees them."""
    return show(records.head(rows), QUASI_LABELS)


@kindly
def singled_out(answer: object, city: City) -> Feedback:
    """How many people are alone in their group? Example: answer = 12"""
    if isinstance(answer, bool) or not isinstance(answer, Real):
        return not_yet(
            _("give a whole number, not a {kind}.").format(kind=type(answer).__name__),
            _("for example: {example}").format(example="answer = 12"),
        )
    df = people(city)
    alone = unique_records(df, QUASI)
    if answer == alone:
        return right(
            _(WORDS[city.beacon_recipe()][0]).format(
                n=alone, city=city.name, size=city.privacy.min_cell_size
            )
        )
    exact = unique_records(df, ["age", "sex", "neighbourhood"]) if "age" in df else None
    if answer == exact:
        return not_yet(
            _("that is the count with exact ages."),
            _("band the ages first with `band_ages`, then group."),
        )
    if answer == k_anonymity(df, QUASI):
        return not_yet(
            _("that is k, the size of the smallest group."),
            _("count the groups of size 1 instead."),
        )
    return not_yet(
        _(WORDS[city.beacon_recipe()][1]).format(answer=answer),
        _("group by age_band, sex and neighbourhood, then count the groups of size 1."),
    )
