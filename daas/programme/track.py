"""The 12-month Data as a Service track as a suggested plan, and its timeline chart.

The months are the kit's suggestion for pacing the programme's activities, not a fixed schedule:
a city sets its own dates in its city file (`programme:`, see `daas.programme.milestones`).
"""

from __future__ import annotations

import pandas as pd

from daas.core.i18n import N_, _

# (strand, activity, first month, last month), months 1-12; the names stay English in code
# (milestones refer to activities by them) and are translated where the chart shows them
PLAN: tuple[tuple[str, str, int, int], ...] = (
    (N_("Beacon Data Service"), N_("Discovery"), 1, 3),
    (N_("Beacon Data Service"), N_("Alpha"), 4, 5),
    (N_("Beacon Data Service"), N_("Private beta"), 6, 8),
    (N_("Beacon Data Service"), N_("Public beta and live assessment"), 9, 12),
    (N_("Standard and Toolkit"), N_("Appreciative Inquiry: what works already"), 1, 2),
    (N_("Standard and Toolkit"), N_("Draft the city's standard"), 3, 5),
    (N_("Standard and Toolkit"), N_("Assess the Beacon against it"), 8, 8),
    (N_("Standard and Toolkit"), N_("Adopt the standard and toolkit"), 10, 12),
    (N_("Masterclasses"), N_("User needs"), 2, 2),
    (N_("Masterclasses"), N_("Community engagement and partnerships"), 4, 4),
    (N_("Masterclasses"), N_("Data governance and ethics"), 6, 6),
    (N_("Masterclasses"), N_("Running a live data service"), 9, 9),
    (N_("Community of practice"), N_("Session 1"), 3, 3),
    (N_("Community of practice"), N_("Session 2"), 6, 6),
    (N_("Community of practice"), N_("Session 3"), 9, 9),
    (N_("Community of practice"), N_("Session 4"), 12, 12),
)


def plan() -> pd.DataFrame:
    return pd.DataFrame(PLAN, columns=["strand", "activity", "start", "end"])


def timeline_chart(df: pd.DataFrame | None = None):
    """A Gantt-style chart of the track in the reader's language: one row per activity, grouped
    by strand."""
    import altair as alt

    from daas.core.charts import describe, use_theme
    from daas.core.display import labels

    use_theme()
    df = plan() if df is None else df
    df = df.assign(
        finish=df["end"] + 1, strand=labels(df["strand"]), activity=labels(df["activity"])
    )
    order = list(df["activity"])
    chart = (
        alt.Chart(df)
        .mark_bar(cornerRadius=3, height=16)
        .encode(
            x=alt.X(
                "start:Q",
                title=_("Month"),
                scale=alt.Scale(domain=[1, 13]),
                axis=alt.Axis(values=list(range(1, 13)), tickMinStep=1),
            ),
            x2="finish:Q",
            y=alt.Y("activity:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("strand:N", title=_("Strand"), sort=list(dict.fromkeys(df["strand"]))),
            tooltip=[
                alt.Tooltip("strand:N", title=_("Strand")),
                alt.Tooltip("activity:N", title=_("Activity")),
                alt.Tooltip("start:Q", title=_("from month")),
                alt.Tooltip("end:Q", title=_("to month")),
            ],
        )
        .properties(width=520, height=alt.Step(22))
    )
    n = df["strand"].nunique()
    return describe(
        chart,
        _("The 12-month track at a glance"),
        _(
            "A timeline of {activities} activities in {strands} strands over twelve months. The "
            "Beacon moves from discovery (months 1-3) through alpha and beta to a live assessment "
            "by month 12; the standard is drafted in months 3-5 and adopted in months 10-12; four "
            "masterclasses and four community-of-practice sessions are spread across the year."
        ).format(activities=len(df), strands=n),
    )
