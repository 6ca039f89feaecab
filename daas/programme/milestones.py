"""The track's milestones for one city: planned against done, each with a status.

A city records them in its file (`programme: {start, milestones: {id: {planned, done}}}`). A
milestone without a planned date gets the suggested one from the 12-month plan (`track.PLAN`,
counted from `start`) and a warning, never a failure.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Literal

import pandas as pd

from daas.core.city import City
from daas.core.errors import Problem
from daas.core.formats import date as long_date
from daas.core.i18n import N_, _
from daas.programme.track import PLAN

DUE_DAYS = 30  # a milestone planned within this many days is "due soon"
NO_DATES = N_("No milestone has a date yet: add `programme: {start: YYYY-MM-DD}` to the city file.")


@dataclass(frozen=True)
class Milestone:
    id: str
    label: str
    activity: str  # the activity of track.PLAN it opens or closes
    at: Literal["start", "end"]

    @property
    def month(self) -> int:
        """The month of the track (1-12) the milestone falls in."""
        row = next(p for p in PLAN if p[1] == self.activity)
        return row[2] if self.at == "start" else row[3]


MILESTONES: tuple[Milestone, ...] = (
    Milestone("discovery-done", N_("Discovery done"), "Discovery", "end"),
    Milestone("needs-prioritised", N_("User needs prioritised"), "Discovery", "end"),
    Milestone("beacon-alpha", N_("Beacon in alpha"), "Alpha", "start"),
    Milestone("standard-drafted", N_("Standard drafted"), "Draft the city's standard", "end"),
    Milestone("ethics-passed", N_("Ethics review passed"), "Data governance and ethics", "end"),
    Milestone("beacon-beta", N_("Beacon in beta"), "Private beta", "start"),
    Milestone("beacon-live", N_("Beacon live"), "Public beta and live assessment", "end"),
    Milestone("standard-adopted", N_("Standard adopted"), "Adopt the standard and toolkit", "end"),
    Milestone("community-session-1", N_("Community session 1 held"), "Session 1", "end"),
    Milestone("community-session-2", N_("Community session 2 held"), "Session 2", "end"),
    Milestone("community-session-3", N_("Community session 3 held"), "Session 3", "end"),
    Milestone("community-session-4", N_("Community session 4 held"), "Session 4", "end"),
)
BY_ID = {m.id: m for m in MILESTONES}
STATUSES = {  # id -> label, best first
    "done": N_("done"),
    "done-late": N_("done late"),
    "due": N_("due soon"),
    "upcoming": N_("upcoming"),
    "late": N_("late"),
    "no-date": N_("no date"),
}
STATUS_COLOURS = {
    "done": "#117733",
    "done-late": "#0072B2",
    "due": "#8C6D00",
    "upcoming": "#767676",
    "late": "#D55E00",
    "no-date": "#444444",
}


@dataclass(frozen=True)
class MilestoneStatus:
    id: str
    label: str  # in the current language
    planned: date | None
    suggested: bool  # the planned date comes from the kit's plan, not the city file
    done: date | None
    status: str  # a key of STATUSES
    days_late: int  # past the planned date: done late, or late and still open

    def to_dict(self) -> dict:
        d = asdict(self)
        d.update(
            planned=self.planned and self.planned.isoformat(),
            done=self.done and self.done.isoformat(),
            status_label=_(STATUSES[self.status]),
        )
        return d


def add_months(d: date, months: int) -> date:
    """`d` moved by whole calendar months (the day is kept, or the month's last day)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def suggested_date(start: date, m: Milestone) -> date:
    """The plan's date for a milestone: the first day of its month, or the last."""
    if m.at == "start":
        return add_months(start, m.month - 1)
    return add_months(start, m.month) - timedelta(days=1)


def _status(planned: date | None, done: date | None, today: date) -> tuple[str, int]:
    if done is not None:
        late = (done - planned).days if planned else 0
        return ("done-late", late) if late > 0 else ("done", 0)
    if planned is None:
        return "no-date", 0
    if planned < today:
        return "late", (today - planned).days
    return ("due" if (planned - today).days <= DUE_DAYS else "upcoming"), 0


def progress(city: City, today: date | None = None) -> list[MilestoneStatus]:
    """Every milestone for `city`, in date order (undated ones last)."""
    today = today or city.today()
    prog = city.programme
    start = prog.start if prog else None
    recorded = prog.milestones if prog else {}
    rows = []
    for m in MILESTONES:
        dates = recorded.get(m.id)
        planned = dates.planned if dates else None
        done = dates.done if dates else None
        suggested = False
        if planned is None and start is not None:
            planned, suggested = suggested_date(start, m), True
        status, late = _status(planned, done, today)
        rows.append(MilestoneStatus(m.id, _(m.label), planned, suggested, done, status, late))
    order = {m.id: i for i, m in enumerate(MILESTONES)}
    return sorted(rows, key=lambda r: (r.planned is None, r.planned or today, order[r.id]))


def counts(rows: list[MilestoneStatus]) -> dict[str, int]:
    return {s: sum(1 for r in rows if r.status == s) for s in STATUSES}


def done_count(rows: list[MilestoneStatus]) -> int:
    return sum(1 for r in rows if r.done is not None)


def late(rows: list[MilestoneStatus]) -> list[MilestoneStatus]:
    """Open milestones past their planned date, the latest first."""
    return sorted((r for r in rows if r.status == "late"), key=lambda r: -r.days_late)


def next_milestone(rows: list[MilestoneStatus]) -> MilestoneStatus | None:
    """The earliest open milestone that is not late yet."""
    return next((r for r in rows if r.status in {"due", "upcoming"}), None)


def month_of_track(city: City, today: date | None = None) -> int | None:
    """Which month of the track `today` falls in (1 for the first), or None without a start."""
    start = city.programme.start if city.programme else None
    if start is None:
        return None
    today = today or city.today()
    months = (today.year - start.year) * 12 + today.month - start.month
    return months + (1 if today.day >= start.day else 0)


def summary(city: City, rows: list[MilestoneStatus], today: date | None = None) -> str:
    """One line: the month of the track, milestones done, late and due soon."""
    month = month_of_track(city, today)
    n = counts(rows)
    text = _("{done} of {total} milestones done, {late} late, {due} due in the next {days} days.")
    line = text.format(
        done=done_count(rows), total=len(rows), late=n["late"], due=n["due"], days=DUE_DAYS
    )
    if month is not None and 1 <= month <= 12:
        line = _("Month {month} of 12.").format(month=month) + " " + line
    return line


def table(rows: list[MilestoneStatus]) -> pd.DataFrame:
    """The milestones as a table for a page: planned, done and status."""
    return pd.DataFrame(
        [
            {
                _("milestone"): r.label,
                _("planned"): (r.planned.isoformat() if r.planned else "")
                + (" " + _("(suggested)") if r.suggested else ""),
                _("done"): r.done.isoformat() if r.done else "",
                _("status"): _(STATUSES[r.status])
                + (" " + _("({days} days)").format(days=r.days_late) if r.days_late else ""),
            }
            for r in rows
        ]
    ).set_index(_("milestone"))


def timeline_chart(city: City, rows: list[MilestoneStatus], today: date | None = None):
    """Planned against done: one row per dated milestone, a line from the planned date to the
    done date (or to today while it is late), or None when no milestone has a date."""
    import altair as alt

    from daas.core.charts import describe, use_theme

    today = today or city.today()
    dated = [r for r in rows if r.planned or r.done]
    if not dated:
        return None
    use_theme()
    status_names = [_(s) for s in STATUSES.values()]
    planned_word, done_word = _("planned"), _("done")
    records = []
    for r in dated:
        end = r.done or (today if r.status == "late" else r.planned)
        row = {"milestone": r.label, "status": _(STATUSES[r.status]), "from": r.planned or end}
        row.update({"to": end, "kind": planned_word, "date": r.planned})
        if r.planned:
            records.append(row)
        if r.done:
            records.append({**row, "kind": done_word, "date": r.done})
    df = pd.DataFrame(records)
    for col in ("from", "to", "date"):
        df[col] = pd.to_datetime(df[col])
    colour = alt.Color(
        "status:N",
        title=_("status"),
        scale=alt.Scale(domain=status_names, range=list(STATUS_COLOURS.values())),
        legend=alt.Legend(orient="bottom", columns=3),
    )
    y = alt.Y(
        "milestone:N", sort=[r.label for r in dated], title=None, axis=alt.Axis(labelLimit=240)
    )
    base = alt.Chart(df).encode(y=y)
    lines = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("from:T", title=None), x2="to:T", color=colour
    )
    points = base.mark_point(size=90, filled=True, opacity=1).encode(
        x="date:T",
        color=colour,
        shape=alt.Shape(
            "kind:N",
            title=None,
            sort=[planned_word, done_word],
            scale=alt.Scale(range=["circle", "diamond"]),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("milestone:N", title=_("milestone")),
            alt.Tooltip("kind:N", title=_("planned or done")),
            alt.Tooltip("date:T", title=_("date"), format="%Y-%m-%d"),
            alt.Tooltip("status:N", title=_("status")),
        ],
    )
    now = (
        alt.Chart(pd.DataFrame({"date": [pd.Timestamp(today)]}))
        .mark_rule(strokeDash=[4, 3], color="#444444")
        .encode(x="date:T")
    )
    chart = (lines + points + now).properties(width=340, height=alt.Step(24))
    n = counts(rows)
    return describe(
        chart,
        _("Milestones: planned and done"),
        _(
            "{total} milestones of the twelve-month track for {city}: {done} done, {late} late, "
            "{due} due in the next {days} days. Each row shows the planned date (circle) and the "
            "day it was done (diamond); a line runs to today while a milestone is late; the "
            "dashed line is today, {today}."
        ).format(
            total=len(rows),
            city=city.name,
            done=done_count(rows),
            late=n["late"],
            due=n["due"],
            days=DUE_DAYS,
            today=long_date(today),
        ),
    )


def _where(city: City) -> str:
    return f"cities/{city.slug}.yml"


def milestone_warnings(city: City, today: date | None = None) -> list[Problem]:
    """No programme section or start date, milestones with no planned date, done dates that
    have not happened yet."""
    today = today or city.today()
    f = _where(city)
    prog = city.programme
    if prog is None:
        return [
            Problem(
                f,
                "programme",
                _("no programme section, so progress through the track is not tracked"),
                _("add `programme: {start: YYYY-MM-DD}` with the day the track started"),
            )
        ]
    out = []
    undated = [
        m
        for m in MILESTONES
        if prog.milestones.get(m.id) is None or prog.milestones[m.id].planned is None
    ]
    if prog.start is None:
        out.append(
            Problem(
                f,
                "programme.start",
                _("no start date: {n} milestones without a planned date cannot be placed").format(
                    n=len(undated)
                ),
                _("add `start: YYYY-MM-DD`, the day the track started"),
            )
        )
    elif len(undated) == len(MILESTONES):
        out.append(
            Problem(
                f,
                "programme.milestones",
                _(
                    "no milestone has a planned date; the suggested dates of the 12-month plan are "
                    "used"
                ),
                _(
                    "add the team's own dates under `milestones:`, e.g. "
                    "`discovery-done: {planned: YYYY-MM-DD}` (ids in cities/README.md)"
                ),
            )
        )
    else:
        for m in undated:
            out.append(
                Problem(
                    f,
                    f"programme.milestones.{m.id}.planned",
                    _("{label}: no planned date; the suggested date {date} is used").format(
                        label=_(m.label), date=suggested_date(prog.start, m).isoformat()
                    ),
                    _("add `planned: YYYY-MM-DD`, the team's own date"),
                )
            )
    for mid, dates in prog.milestones.items():
        if dates.done and dates.done > today:
            out.append(
                Problem(
                    f,
                    f"programme.milestones.{mid}.done",
                    _("{label}: the done date {date} has not come yet").format(
                        label=_(BY_ID[mid].label), date=dates.done.isoformat()
                    ),
                    _("record `done:` once the milestone is reached"),
                )
            )
    return out
