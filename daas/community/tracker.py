"""The data community of practice tracker: attendance and feedback CSVs → participation and
satisfaction over time and by department (workshop notebook 05 and the community kit pages).

Attendance: one row per person per session (`session_date`, `session`, `person_id`,
`department`). Feedback: one row per returned form (`session_date`, `department`, `rating` 1-5,
`comment`). Forms are anonymous, so satisfaction is joined to sessions by date only.
"""

from __future__ import annotations

import tempfile
import zlib
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from daas.core.charts import describe, use_theme
from daas.core.city import City
from daas.core.display import Table, headers, show, tooltips
from daas.core.errors import DaasError, Problem
from daas.core.formats import AXIS_DATE
from daas.core.i18n import N_, _
from daas.core.io import atomic_write_text
from daas.core.tables import LATIN1_NOTE, read_table, shown

ATTENDANCE_COLUMNS = ["session_date", "session", "person_id", "department"]
FEEDBACK_COLUMNS = ["session_date", "department", "rating", "comment"]
# The fictional sample's sessions, departments and comments (written in the reader's language).
SESSIONS = [
    N_("Launch: why a data community?"),
    N_("Show and tell: the Beacon's first month"),
    N_("Clinic: cleaning spreadsheet exports"),
    N_("Show and tell: 311 requests by neighbourhood"),
    N_("Data ethics in practice"),
    N_("Show and tell: charts people can read"),
    N_("Clinic: publishing without identifying people"),
    N_("Retrospective and plan for next year"),
]
DEPARTMENTS = [
    N_("Housing"),
    N_("Planning"),
    N_("Finance"),
    N_("Public Works"),
    N_("Health"),
    N_("IT"),
    N_("Mayor's Office"),
]
COMMENTS = [
    "",
    "",
    N_("Useful"),
    N_("More examples please"),
    N_("Too short"),
    N_("Great show and tell"),
    N_("Would like a clinic on SQL"),
    N_("Hard to follow"),
]


def _dates(df: pd.DataFrame, name: str, problems: list[Problem]) -> pd.Series:
    parsed = pd.to_datetime(df["session_date"], format="%Y-%m-%d", errors="coerce")
    for row in df.loc[parsed.isna(), "row"]:
        problems.append(
            Problem(
                name,
                _("line {row}: {column}").format(row=row, column="session_date"),
                _("not a date like 2025-01-31"),
                _("write dates as YYYY-MM-DD"),
            )
        )
    return parsed


def _blank(df: pd.DataFrame, cols: list[str], name: str, problems: list[Problem]) -> None:
    for col in cols:
        for row in df.loc[df[col].str.strip() == "", "row"]:
            problems.append(
                Problem(
                    name,
                    _("line {row}: {column}").format(row=row, column=col),
                    _("is empty"),
                    _("fill in {column} or delete the row").format(column=col),
                )
            )


def read_attendance(path: Path) -> pd.DataFrame:
    """Read and check an attendance CSV; every problem is reported at once."""
    df, problems = read_table(path, ATTENDANCE_COLUMNS)
    name = shown(path)
    problems = [p for p in problems if p.message != _(LATIN1_NOTE)]
    _blank(df, ATTENDANCE_COLUMNS[1:], name, problems)
    df["session_date"] = _dates(df, name, problems)
    dup = df.duplicated(["session_date", "person_id"], keep="first")
    for row in df.loc[dup, "row"]:
        problems.append(
            Problem(
                name,
                _("line {row}: {column}").format(row=row, column="person_id"),
                _("this person is already listed for this session"),
                _("delete the repeated row"),
            )
        )
    if problems:
        raise DaasError(problems)
    return df.drop(columns="row").reset_index(drop=True)


def read_feedback(path: Path) -> pd.DataFrame:
    """Read and check a feedback CSV (ratings are whole numbers from 1 to 5)."""
    df, problems = read_table(path, FEEDBACK_COLUMNS)
    name = shown(path)
    problems = [p for p in problems if p.message != _(LATIN1_NOTE)]
    _blank(df, ["department"], name, problems)
    df["session_date"] = _dates(df, name, problems)
    rating = pd.to_numeric(df["rating"], errors="coerce")
    for row, value in df.loc[~rating.isin([1, 2, 3, 4, 5]), ["row", "rating"]].itertuples(
        index=False
    ):
        problems.append(
            Problem(
                name,
                _("line {row}: {column}").format(row=row, column="rating"),
                _("'{value}' is not 1, 2, 3, 4 or 5").format(value=value),
                _("use the form's 1 (poor) to 5 (excellent) scale"),
            )
        )
    if problems:
        raise DaasError(problems)
    df["rating"] = rating.astype(int)
    return df.drop(columns="row").reset_index(drop=True)


def has_records(city: City) -> bool:
    return {"community_attendance", "community_feedback"} <= set(city.datasets)


def source_note(city: City) -> str:
    """Where the tracker's figures come from, in a sentence."""
    if has_records(city):
        return _("{city}'s records: {attendance} and {feedback}.").format(
            city=city.name,
            attendance=city.datasets["community_attendance"].path,
            feedback=city.datasets["community_feedback"].path,
        )
    return _(
        "{city} has not declared its community records yet (datasets "
        "community_attendance and community_feedback in its city file): these figures are a "
        "fictional sample."
    ).format(city=city.name)


def load(city: City) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The city's attendance and feedback tables (datasets `community_attendance`/`_feedback`).

    A city that has not declared them yet gets the seeded fictional sample, in the reader's
    language, so the tracker can be tried before the first session. It is made in a private
    temporary folder: reading never writes an output.
    """
    if has_records(city):
        att, fb = city.dataset_path("community_attendance"), city.dataset_path("community_feedback")
        return read_attendance(att), read_feedback(fb)
    with tempfile.TemporaryDirectory(prefix="daas-community-") as tmp:
        att, fb = sample(city, Path(tmp))
        return read_attendance(att), read_feedback(fb)


def records_summary(att: pd.DataFrame, fb: pd.DataFrame) -> str:
    """Attendances, people and feedback forms in the tracker's tables, in a sentence."""
    return _("{n} attendances by {people} people; {forms} feedback forms").format(
        n=len(att), people=att["person_id"].nunique(), forms=len(fb)
    )


def participation(att: pd.DataFrame) -> pd.DataFrame:
    """Per session: attendees, departments represented, first-timers and returners."""
    return headers(_participation(att), PARTICIPATION_COLUMNS)


PARTICIPATION_COLUMNS = (
    N_("session_date"),
    N_("session"),
    N_("attendees"),
    N_("departments"),
    N_("first_timers"),
    N_("returning"),
)


def _participation(att: pd.DataFrame) -> pd.DataFrame:
    att = att.sort_values("session_date")
    first = att.groupby("person_id")["session_date"].transform("min")
    att = att.assign(new=att["session_date"] == first)
    out = att.groupby(["session_date", "session"]).agg(
        attendees=("person_id", "nunique"),
        departments=("department", "nunique"),
        first_timers=("new", "sum"),
    )
    out["returning"] = out["attendees"] - out["first_timers"]
    return out.reset_index()


PARTICIPATION_LABELS = {
    "session_date": N_("Date"),
    "session": N_("Session"),
    "attendees": N_("People attending"),
    "departments": N_("Departments"),
    "first_timers": N_("First time"),
    "returning": N_("Came before"),
}


def participation_table(att: pd.DataFrame) -> Table:
    """`participation` as a reader sees it: labelled, dates written out."""
    return show(_participation(att), PARTICIPATION_LABELS, dates=("session_date",))


def satisfaction(fb: pd.DataFrame, att: pd.DataFrame) -> pd.DataFrame:
    """Per session: forms returned, response rate, mean rating and the share rating 4 or 5."""
    return headers(_satisfaction(fb, att), SATISFACTION_COLUMNS)


SATISFACTION_COLUMNS = (
    N_("session_date"),
    N_("forms"),
    N_("mean_rating"),
    N_("satisfied"),
    N_("response_rate"),
)


SATISFACTION_LABELS = {
    "forms": N_("Feedback forms"),
    "mean_rating": N_("Average rating (1-5)"),
    "satisfied": N_("Rated it 4 or 5 (%)"),
    "response_rate": N_("Forms returned (%)"),
}
SATISFACTION_FORMATS = {"mean_rating": ".1f", "satisfied": ".0f", "response_rate": ".0f"}


def _satisfaction(fb: pd.DataFrame, att: pd.DataFrame) -> pd.DataFrame:
    per = fb.groupby("session_date").agg(
        forms=("rating", "size"),
        mean_rating=("rating", "mean"),
        satisfied=("rating", lambda r: (r >= 4).mean() * 100),
    )
    people = att.groupby("session_date")["person_id"].nunique()
    per["response_rate"] = (per["forms"] / people.reindex(per.index) * 100).round(0)
    return per.round({"mean_rating": 2, "satisfied": 0}).reset_index()


def satisfaction_table(fb: pd.DataFrame, att: pd.DataFrame) -> Table:
    """`satisfaction` as a reader sees it: labelled, one decimal for ratings, whole percentages."""
    names = {"session_date": N_("Date"), **SATISFACTION_LABELS}
    digits = {"mean_rating": 1, "satisfied": 0, "response_rate": 0}
    return show(_satisfaction(fb, att), names, dates=("session_date",), digits=digits)


def by_department(att: pd.DataFrame, fb: pd.DataFrame) -> pd.DataFrame:
    """Per department: people, attendances, sessions attended per person, mean rating."""
    return headers(_by_department(att, fb), DEPARTMENT_COLUMNS)


def department_table(att: pd.DataFrame, fb: pd.DataFrame) -> Table:
    """`by_department` as a page shows it: labelled, numbers in the reader's locale."""
    table = _by_department(att, fb).reset_index()
    return show(table, DEPARTMENT_LABELS, digits={"per_person": 1, "mean_rating": 1})


DEPARTMENT_LABELS = {
    "department": N_("Department"),
    "people": N_("People"),
    "attendances": N_("Attendances"),
    "per_person": N_("Sessions a person"),
    "mean_rating": N_("Average rating (1-5)"),
}
DEPARTMENT_COLUMNS = (
    N_("department"),
    N_("people"),
    N_("attendances"),
    N_("per_person"),
    N_("mean_rating"),
)


def _by_department(att: pd.DataFrame, fb: pd.DataFrame) -> pd.DataFrame:
    out = att.groupby("department").agg(
        people=("person_id", "nunique"), attendances=("person_id", "size")
    )
    out["per_person"] = (out["attendances"] / out["people"]).round(1)
    out["mean_rating"] = fb.groupby("department")["rating"].mean().round(2)
    return out.sort_values("attendances", ascending=False)


def participation_chart(att: pd.DataFrame) -> alt.Chart:
    use_theme()
    p = _participation(att).melt(
        id_vars=["session_date", "session"],
        value_vars=["first_timers", "returning"],
        var_name="who",
        value_name="people",
    )
    p["who"] = p["who"].map({"first_timers": _("first time"), "returning": _("came before")})
    chart = (
        alt.Chart(p)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(session_date):O", title=_("Session")),
            y=alt.Y("people:Q", title=_("People attending")),
            color=alt.Color("who:N", title=_("Attendee")),
            tooltip=[
                alt.Tooltip("session", title=_("session")),
                alt.Tooltip("who", title=_("who")),
                alt.Tooltip("people", title=_("people")),
            ],
        )
    )
    totals = _participation(att)
    return describe(
        chart,
        _("Who came to each session"),
        _(
            "Stacked bars for {n} sessions, split into first-timers and returning members; "
            "attendance went from {first} to {last}."
        ).format(
            n=len(totals), first=totals["attendees"].iloc[0], last=totals["attendees"].iloc[-1]
        ),
    )


def satisfaction_chart(fb: pd.DataFrame, att: pd.DataFrame) -> alt.Chart:
    use_theme()
    s = _satisfaction(fb, att)
    chart = (
        alt.Chart(s)
        .mark_line(point=True)
        .encode(
            x=alt.X("yearmonthdate(session_date):O", title=_("Session")),
            y=alt.Y(
                "satisfied:Q", title=_("Rated it 4 or 5 (%)"), scale=alt.Scale(domain=[0, 100])
            ),
            tooltip=[
                alt.Tooltip("session_date:T", title=_("Session"), format=AXIS_DATE),
                *tooltips(
                    *SATISFACTION_LABELS, labels=SATISFACTION_LABELS, formats=SATISFACTION_FORMATS
                ),
            ],
        )
    )
    return describe(
        chart,
        _("How satisfied members were, session by session"),
        _(
            "Line chart of the share of feedback forms rating each session 4 or 5 out of 5, from "
            "{first:.0f}% at the first session to {last:.0f}% at the latest."
        ).format(first=s["satisfied"].iloc[0], last=s["satisfied"].iloc[-1]),
    )


def department_chart(att: pd.DataFrame, fb: pd.DataFrame) -> alt.Chart:
    use_theme()
    d = _by_department(att, fb).reset_index()
    chart = (
        alt.Chart(d)
        .mark_bar()
        .encode(
            y=alt.Y("department:N", sort="-x", title=None),
            x=alt.X("attendances:Q", title=_("Attendances over all sessions")),
            color=alt.Color("mean_rating:Q", title=_("Mean rating (1-5)")),
            tooltip=tooltips(
                *DEPARTMENT_LABELS, labels=DEPARTMENT_LABELS, formats={"mean_rating": ".1f"}
            ),
        )
    )
    top = d.iloc[0]
    return describe(
        chart,
        _("Participation and satisfaction by department"),
        _(
            "Bar chart of attendances by department, coloured by mean rating. {department} "
            "attended most ({attendances} attendances by {people} people)."
        ).format(
            department=top["department"], attendances=top["attendances"], people=top["people"]
        ),
    )


def sample(city: City, out_dir: Path, seed: int = 7) -> tuple[Path, Path]:
    """Write fictional attendance and feedback CSVs for eight monthly sessions (seeded); a city
    whose Beacon is not about housing has Public Works where a housing city has Housing."""
    rng = np.random.default_rng(seed ^ zlib.crc32(city.slug.encode()))
    housing = city.beacon_recipe() == "housing"
    departments = DEPARTMENTS if housing else [N_("Public Works"), *DEPARTMENTS[1:]]
    people = [
        (
            f"P{i:03d}",
            _(departments[rng.choice(len(departments), p=[0.25, 0.2, 0.1, 0.15, 0.1, 0.15, 0.05])]),
        )
        for i in range(1, 61)
    ]
    keen = rng.uniform(0.15, 0.8, size=len(people))
    att_rows, fb_rows = [], []
    comments = [_(c) if c else c for c in COMMENTS]
    for s, title in enumerate(SESSIONS):
        date = (pd.Timestamp("2025-01-15") + pd.DateOffset(months=s)).date().isoformat()
        grow = 0.6 + 0.06 * s
        for (pid, dept), k in zip(people, keen, strict=True):
            if rng.random() < k * grow:
                att_rows.append((date, _(title), pid, dept))
                if rng.random() < 0.55:
                    base = 3.4 + 0.12 * s + (0.3 if "Show and tell" in title else 0)
                    rating = int(np.clip(round(rng.normal(base, 0.8)), 1, 5))
                    fb_rows.append((date, dept, rating, comments[rng.integers(len(comments))]))
    att = pd.DataFrame(att_rows, columns=ATTENDANCE_COLUMNS)
    fb = pd.DataFrame(fb_rows, columns=FEEDBACK_COLUMNS)
    a_path, f_path = out_dir / "community_attendance.csv", out_dir / "community_feedback.csv"
    atomic_write_text(a_path, att.to_csv(index=False))
    atomic_write_text(f_path, fb.to_csv(index=False))
    return a_path, f_path
