"""Research notes: one observation per row, labelled with the participant and their user group."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from daas.core.city import City
from daas.core.display import Table, headers, show
from daas.core.errors import Problem
from daas.core.i18n import N_, _
from daas.core.tables import problems_table, read_table, shown
from daas.core.text import fold

REQUIRED = ["participant", "user_group", "observation"]
COLUMNS = ["note_id", "participant", "user_group", "observation"]


@dataclass
class Notes:
    """Cleaned research notes and the problems found while reading them."""

    file: str
    table: pd.DataFrame  # note_id, participant, user_group, observation
    problems: list[Problem] = field(default_factory=list)

    def problems_table(self) -> pd.DataFrame:
        return problems_table(self.problems)


def read_notes(path: Path) -> Notes:
    """Read research notes. Empty observations and exact repeats are left out and reported;
    a missing participant or user group is kept as "Not given" and reported."""
    name = shown(path)
    df, problems = read_table(Path(path), REQUIRED)
    keep = []
    seen: dict[tuple[str, str], int] = {}
    for row, participant, group, observation in df[["row", *REQUIRED]].itertuples(index=False):
        if not observation:
            problems.append(
                Problem(
                    name,
                    _("row {row}, {column}").format(row=row, column="observation"),
                    _("empty observation; left out"),
                    _("write what was seen or heard, or delete the row"),
                )
            )
            continue
        key = (fold(participant), " ".join(fold(observation).split()))
        if key in seen:
            problems.append(
                Problem(
                    name,
                    _("row {row}, {column}").format(row=row, column="observation"),
                    _("same observation as row {first} for the same participant; left out").format(
                        first=seen[key]
                    ),
                    _("delete the repeated row"),
                )
            )
            continue
        seen[key] = row
        for col, value in (("participant", participant), ("user_group", group)):
            if not value:
                problems.append(
                    Problem(
                        name,
                        _("row {row}, {column}").format(row=row, column=col),
                        _("no answer; kept as 'Not given'"),
                        _("label every note so findings can say who raised them"),
                    )
                )
        missing = _("Not given")
        keep.append((f"n{row:03d}", participant or missing, group or missing, observation))
    return Notes(name, pd.DataFrame(keep, columns=COLUMNS), problems)


def notes_for(city: City, path: str | Path | None = None) -> Notes:
    """The file at `path`, else the city's declared `research_notes` dataset (a DaasError naming
    the city file and `datasets.research_notes` when the city has not declared one)."""
    return read_notes(Path(path) if path else city.dataset_path("research_notes"))


def notes_summary(notes: Notes, city: City) -> str:
    """How many observations from how many participants, and the file they came from."""
    return _("{city}: {n} observations from {people} participants in {file}").format(
        city=city.name,
        n=len(notes.table),
        people=notes.table["participant"].nunique(),
        file=notes.file,
    )


def participants_by_group(notes: Notes) -> pd.DataFrame:
    """How many participants and notes each user group has (discovery guidance suggests about
    6 to 8 people per group)."""
    t = notes.table
    out = t.groupby("user_group").agg(
        participants=("participant", "nunique"), notes=("note_id", "count")
    )
    return headers(out.sort_index(), (N_("user_group"), N_("participants"), N_("notes")))


def participants_table(notes: Notes) -> Table:
    """`participants_by_group` as a page shows it: labelled, no index."""
    t = notes.table.groupby("user_group", as_index=False).agg(
        participants=("participant", "nunique"), notes=("note_id", "count")
    )
    labels = {"user_group": N_("User group"), "participants": N_("Participants"),
              "notes": N_("Notes")}  # fmt: skip
    return show(t.sort_values("user_group"), labels)
