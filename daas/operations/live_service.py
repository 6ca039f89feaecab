"""Running a live service: the Beacon's operations data for the "running a live service"
masterclass. Pipeline-run history (freshness, status, quality), usage from the Datasette request
log, and the incident log, with the service-level maths and charts the exercises use.

Masterclasses need the same figures every time, so the year of monthly runs and the request log
are fictional and seeded per city (`sample_runs`, `sample_requests`); the run history a city
records itself (`daas.beacon.records.run_history`) has the same columns and can replace them.
The incident log is the city's own CSV (`datasets.incidents` in its city file).
"""

from __future__ import annotations

import zlib

import altair as alt
import numpy as np
import pandas as pd

from daas.beacon.pages import SHOWN, STATUSES
from daas.beacon.records import QUALITY_KEYS
from daas.core.charts import describe, use_theme
from daas.core.city import City
from daas.core.display import Table, headers, labels, show
from daas.core.errors import DaasError, Problem
from daas.core.i18n import N_, _
from daas.core.tables import read_table, shown

# The oldest the published data may be, in days, for each promised update frequency.
FRESHNESS_TARGET_DAYS = {"daily": 2, "weekly": 9, "monthly": 35, "quarterly": 100, "annually": 380}
MONTHS = pd.period_range("2024-07", "2025-06", freq="M")
INCIDENT_COLUMNS = ["incident_id", "opened", "resolved", "severity", "effect", "summary", "fix"]
SEVERITIES = ("low", "medium", "high")
EFFECTS = ("run failed", "late", "wrong figures", "site down", "none")
CHANNELS = (N_("resident page"), N_("staff page"), N_("API"), N_("download"))
RUN_STATUSES = (N_("published"), N_("failed"))  # shown translated in the charts


def _seed(city: City, salt: str) -> int:
    return zlib.crc32(f"{city.slug}:{salt}".encode())


def update_frequency(city: City) -> str:
    return city.beacon.update_frequency if city.beacon else "monthly"


def freshness_target(city: City) -> int:
    """The city's freshness service level in days, from its promised update frequency."""
    return FRESHNESS_TARGET_DAYS[update_frequency(city)]


def freshness_promise(city: City) -> str:
    """The city's freshness service level as a sentence."""
    return _("{city} promises data at most {days} days old.").format(
        city=city.name, days=freshness_target(city)
    )


def read_incidents(city: City) -> pd.DataFrame:
    """The city's incident log; an empty log when the city file declares none."""
    if "incidents" not in city.datasets:
        return pd.DataFrame(columns=INCIDENT_COLUMNS)
    path = city.dataset_path("incidents")
    df, problems = read_table(path, INCIDENT_COLUMNS)
    name = shown(path)
    for col in ("opened", "resolved"):
        parsed = pd.to_datetime(df[col], format="%Y-%m-%d", errors="coerce")
        for row in df.loc[
            parsed.isna() & (df[col] != "") | parsed.isna() & (col == "opened"), "row"
        ]:
            problems.append(
                Problem(
                    name,
                    _("line {row}: {column}").format(row=row, column=col),
                    _("not a date like 2025-01-31"),
                    _("write dates as YYYY-MM-DD"),
                )
            )
        df[col] = parsed
    for col, allowed in (("severity", SEVERITIES), ("effect", EFFECTS)):
        for row, value in df.loc[~df[col].isin(allowed), ["row", col]].itertuples(index=False):
            problems.append(
                Problem(
                    name,
                    _("line {row}: {column}").format(row=row, column=col),
                    _("'{value}' is not allowed").format(value=value),
                    _("use one of: {values}").format(values=", ".join(allowed)),
                )
            )
    late = df["resolved"].notna() & (df["resolved"] < df["opened"])
    for row in df.loc[late, "row"]:
        problems.append(
            Problem(
                name,
                _("line {row}: {column}").format(row=row, column="resolved"),
                _("is before `{column}`").format(column="opened"),
                _("check both dates"),
            )
        )
    if problems:
        raise DaasError(problems)
    df["hours_to_resolve"] = (df["resolved"] - df["opened"]).dt.days * 24
    return df.drop(columns="row").reset_index(drop=True)


def sample_runs(city: City) -> pd.DataFrame:
    """A year of monthly Beacon runs (fictional, seeded per city), shaped like run records.

    Months with an incident whose effect is "run failed" fail; "late" ones publish late.
    Timeliness drifts down over the year (the export arrives later and later), which is what the
    performance-page exercise asks learners to spot.
    """
    rng = np.random.default_rng(_seed(city, "runs"))
    incidents = read_incidents(city)
    effect_by_month = {
        pd.Timestamp(o).to_period("M"): e
        for o, e in zip(incidents["opened"], incidents["effect"], strict=True)
    }
    target = freshness_target(city)
    rows = []
    for i, month in enumerate(MONTHS):
        effect = effect_by_month.get(month)
        if effect is None and not len(incidents) and rng.random() < 0.12:
            effect = "run failed"
        freshness = int(rng.integers(target // 3, target - 3))
        if effect == "late":
            freshness = target + int(rng.integers(5, 20))
        quality = {k: float(rng.uniform(0.975, 0.997)) for k in QUALITY_KEYS}
        quality["timeliness"] = 0.99 - 0.006 * i - float(rng.uniform(0, 0.004))
        quality["completeness"] = float(rng.uniform(0.905, 0.915))  # low but steady
        if effect == "wrong figures":
            quality["accuracy"] -= 0.04
        failed = effect == "run failed"
        rows.append(
            {
                "month": str(month),
                "started": str(
                    month.start_time.date() + pd.Timedelta(days=int(rng.integers(2, 6)))
                ),
                "status": "failed" if failed else "published",
                "freshness_days": freshness,
                "rows_published": 0 if failed else int(600 + i * 4 + rng.integers(-8, 9)),
                **{k: round(v * 100, 1) for k, v in quality.items()},
            }
        )
    return pd.DataFrame(rows)


RUN_COLUMNS = ("started", "status", "freshness_days", "rows_published", *QUALITY_KEYS)


def runs_table(runs: pd.DataFrame) -> Table:
    """`sample_runs` as the performance page shows a run: dates written out, outcomes in words,
    quality scores as percentages (one decimal)."""
    shares = runs.assign(**{k: runs[k] / 100 for k in QUALITY_KEYS})
    return show(
        shares,
        {c: SHOWN[c] for c in RUN_COLUMNS},
        codes=STATUSES,
        dates=("started",),
        shares=QUALITY_KEYS,
        digits=dict.fromkeys(QUALITY_KEYS, 1),
    )


def on_time(runs: pd.DataFrame, target_days: int) -> pd.Series:
    """Whether each run published data no older than the target."""
    return (runs["status"] == "published") & (runs["freshness_days"] <= target_days)


def on_time_share(runs: pd.DataFrame, target_days: int) -> float:
    """Percentage of runs that published on time (0 to 100, one decimal)."""
    return round(100 * on_time(runs, target_days).mean(), 1) if len(runs) else 0.0


def quality_change(runs: pd.DataFrame) -> pd.Series:
    """Change of each quality dimension (percentage points) from the first run to the last."""
    published = runs[runs["status"] == "published"]
    return (published[list(QUALITY_KEYS)].iloc[-1] - published[list(QUALITY_KEYS)].iloc[0]).round(1)


def sample_requests(city: City, n: int = 4000) -> pd.DataFrame:
    """A fictional Datasette request log for the year: time, channel, table, status, milliseconds.

    The kit's `daas beacon serve` keeps no request log (it is for local use), so masterclasses
    read this seeded one; a live service would export its web server's log in the same shape.
    """
    rng = np.random.default_rng(_seed(city, "requests"))
    start = MONTHS[0].start_time
    growth = np.linspace(1.0, 2.2, len(MONTHS))
    month = rng.choice(len(MONTHS), size=n, p=growth / growth.sum())
    day = rng.integers(0, 28, size=n)
    hour = rng.choice(
        24,
        size=n,
        p=np.r_[np.full(8, 0.01), np.full(10, 0.08), np.full(6, 0.02)]
        / np.r_[np.full(8, 0.01), np.full(10, 0.08), np.full(6, 0.02)].sum(),
    )
    when = [
        start + pd.DateOffset(months=int(m)) + pd.Timedelta(days=int(d), hours=int(h))
        for m, d, h in zip(month, day, hour, strict=True)
    ]
    channel = rng.choice(CHANNELS, size=n, p=[0.55, 0.2, 0.15, 0.1])
    table = rng.choice(
        ["inventory", "income_limits", "listings_by_neighbourhood"], size=n, p=[0.6, 0.25, 0.15]
    )
    ms = np.round(rng.lognormal(4.3, 0.6, size=n)).astype(int)
    status = np.where(rng.random(n) < 0.015, 500, np.where(rng.random(n) < 0.03, 404, 200))
    df = pd.DataFrame(
        {"time": when, "channel": channel, "table": table, "status": status, "ms": ms}
    )
    return df.sort_values("time").reset_index(drop=True)


def monthly_usage(requests: pd.DataFrame) -> pd.DataFrame:
    """Successful requests per month and channel."""
    ok = requests[requests["status"] == 200]
    out = ok.groupby([ok["time"].dt.to_period("M").astype(str), "channel"]).size()
    return out.rename("requests").rename_axis(["month", "channel"]).reset_index()


INCIDENT_LABELS = {
    "incident_id": N_("Incident"),
    "opened": N_("Opened"),
    "severity": N_("Severity"),
    "effect": N_("Effect on users"),
    "summary": N_("What happened"),
    "fix": N_("Fix"),
}
INCIDENT_CODES = {
    "low": N_("Low"),
    "medium": N_("Medium"),
    "high": N_("High"),
    "run failed": N_("Run failed"),
    "late": N_("Data late"),
    "wrong figures": N_("Wrong figures"),
    "site down": N_("Site down"),
    "none": N_("None noticed"),
}


def incidents_table(city: City) -> Table:
    """The incident log as a page shows it: labelled, dates written out, never cut."""
    incidents = read_incidents(city)
    return show(incidents, INCIDENT_LABELS, codes=INCIDENT_CODES, dates=("opened",),
                literal=("incident_id",))  # fmt: skip


def service_levels(city: City, runs: pd.DataFrame, requests: pd.DataFrame) -> pd.DataFrame:
    """The performance page's headline table: each measure, the target and last year's figure."""
    target = freshness_target(city)
    incidents = read_incidents(city)
    ok = (requests["status"] < 500).mean() * 100 if len(requests) else 100.0
    rows = [
        (
            _("Runs published on time"),
            _("≥ 90% (data ≤ {target} days old)").format(target=target),
            f"{on_time_share(runs, target)}%",
        ),
        (_("Requests answered without a server error"), "≥ 99%", f"{ok:.1f}%"),
        (_("Median response time"), "≤ 250 ms", f"{requests['ms'].median():.0f} ms"),
        (_("High-severity incidents"), "0", str(int((incidents["severity"] == "high").sum()))),
    ]
    columns = ["measure", "target", "last 12 months"]
    table = pd.DataFrame(rows, columns=columns).set_index("measure")
    return headers(table, (N_("measure"), N_("target"), N_("last 12 months")))


def freshness_chart(runs: pd.DataFrame, city: City) -> alt.LayerChart:
    use_theme()
    target = freshness_target(city)
    shown = runs.assign(status=labels(runs["status"]))
    base = alt.Chart(shown).encode(x=alt.X("month:O", title=_("Month")))
    bars = base.mark_bar().encode(
        y=alt.Y("freshness_days:Q", title=_("Age of data when published (days)")),
        color=alt.Color("status:N", title=_("Run")),
        tooltip=[
            alt.Tooltip("month", title=_("Month")),
            alt.Tooltip("status", title=_("Run")),
            alt.Tooltip("freshness_days", title=_("Age of data when published (days)")),
        ],
    )
    rule = (
        alt.Chart(pd.DataFrame({"target": [target]}))
        .mark_rule(strokeDash=[4, 4])
        .encode(y="target:Q")
    )
    late = int((~on_time(runs, target)).sum())
    return describe(
        bars + rule,
        _("How fresh was the data at each monthly run?"),
        _(
            "Bar chart of the age of the published data at each of {n} monthly runs, with a "
            "dashed line at the {target}-day target. {late} runs failed or were late."
        ).format(n=len(runs), target=target, late=late),
    )


def quality_chart(runs: pd.DataFrame) -> alt.Chart:
    use_theme()
    long = runs[runs["status"] == "published"].melt(
        id_vars="month", value_vars=list(QUALITY_KEYS), var_name="dimension", value_name="score"
    )
    long["dimension"] = labels(long["dimension"])
    change = quality_change(runs)
    worst = str(change.idxmin())  # the index is the dimension names
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title=_("Month")),
            y=alt.Y("score:Q", title=_("Score (%)"), scale=alt.Scale(zero=False)),
            color=alt.Color("dimension:N", title=_("Quality dimension")),
            tooltip=[
                alt.Tooltip("month", title=_("Month")),
                alt.Tooltip("dimension", title=_("Quality dimension")),
                alt.Tooltip("score", title=_("Score (%)")),
            ],
        )
    )
    return describe(
        chart,
        _("Data quality over the year"),
        _(
            "Line chart of six quality scores at each published run. {dimension} changed most, "
            "by {points} percentage points."
        ).format(dimension=_(worst), points=change[worst]),
    )


def usage_chart(requests: pd.DataFrame) -> alt.Chart:
    use_theme()
    usage = monthly_usage(requests)
    usage["channel"] = labels(usage["channel"])
    chart = (
        alt.Chart(usage)
        .mark_bar()
        .encode(
            x=alt.X("month:O", title=_("Month")),
            y=alt.Y("requests:Q", title=_("Successful requests")),
            color=alt.Color("channel:N", title=_("Channel")),
            tooltip=[
                alt.Tooltip("month", title=_("Month")),
                alt.Tooltip("channel", title=_("Channel")),
                alt.Tooltip("requests", title=_("Successful requests")),
            ],
        )
    )
    totals = usage.groupby("month")["requests"].sum()
    return describe(
        chart,
        _("How the Beacon is used, month by month"),
        _(
            "Stacked bar chart of successful requests per month by channel, from {first} in "
            "{first_month} to {last} in {last_month}."
        ).format(
            first=totals.iloc[0],
            first_month=totals.index[0],
            last=totals.iloc[-1],
            last_month=totals.index[-1],
        ),
    )
