"""The 12-month Data as a Service track as a suggested plan, and its timeline chart.

The months are the kit's suggestion for pacing the programme's activities, not a fixed schedule:
a city sets its own dates in its city file (`programme:`, see `daas.programme.milestones`).
"""

from __future__ import annotations

import pandas as pd

# (strand, activity, first month, last month), months 1-12
PLAN: tuple[tuple[str, str, int, int], ...] = (
    ("Beacon Data Service", "Discovery", 1, 3),
    ("Beacon Data Service", "Alpha", 4, 5),
    ("Beacon Data Service", "Private beta", 6, 8),
    ("Beacon Data Service", "Public beta and live assessment", 9, 12),
    ("Standard and Toolkit", "Appreciative Inquiry: what works already", 1, 2),
    ("Standard and Toolkit", "Draft the city's standard", 3, 5),
    ("Standard and Toolkit", "Assess the Beacon against it", 8, 8),
    ("Standard and Toolkit", "Adopt the standard and toolkit", 10, 12),
    ("Masterclasses", "User needs", 2, 2),
    ("Masterclasses", "Community engagement and partnerships", 4, 4),
    ("Masterclasses", "Data governance and ethics", 6, 6),
    ("Masterclasses", "Running a live data service", 9, 9),
    ("Community of practice", "Session 1", 3, 3),
    ("Community of practice", "Session 2", 6, 6),
    ("Community of practice", "Session 3", 9, 9),
    ("Community of practice", "Session 4", 12, 12),
)


def plan() -> pd.DataFrame:
    return pd.DataFrame(PLAN, columns=["strand", "activity", "start", "end"])


def timeline_chart(df: pd.DataFrame | None = None):
    """A Gantt-style chart of the track: one row per activity, grouped by strand."""
    import altair as alt

    from daas.core.charts import describe, use_theme

    use_theme()
    df = plan() if df is None else df
    df = df.assign(finish=df["end"] + 1)
    order = list(df["activity"])
    chart = (
        alt.Chart(df)
        .mark_bar(cornerRadius=3, height=16)
        .encode(
            x=alt.X(
                "start:Q",
                title="Month",
                scale=alt.Scale(domain=[1, 13]),
                axis=alt.Axis(values=list(range(1, 13)), tickMinStep=1),
            ),
            x2="finish:Q",
            y=alt.Y("activity:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("strand:N", title="Strand", sort=list(dict.fromkeys(df["strand"]))),
            tooltip=[
                "strand:N",
                "activity:N",
                alt.Tooltip("start:Q", title="from month"),
                alt.Tooltip("end:Q", title="to month"),
            ],
        )
        .properties(width=520, height=alt.Step(22))
    )
    n = df["strand"].nunique()
    return describe(
        chart,
        "The 12-month track at a glance",
        f"A timeline of {len(df)} activities in {n} strands over twelve months. The Beacon moves "
        "from discovery (months 1-3) through alpha and beta to a live assessment by month 12; "
        "the standard is drafted in months 3-5 and adopted in months 10-12; four masterclasses "
        "and four community-of-practice sessions are spread across the year.",
    )
