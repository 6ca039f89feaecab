"""Masterclass 4, running a live service: reading the performance page, setting service levels."""

from __future__ import annotations

from numbers import Real

from daas import operations as ops
from daas.city import City
from daas.exercises.feedback import Feedback, kindly, not_yet, right

PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "annually": 366}


def _number(answer: object, what: str) -> Feedback | None:
    if isinstance(answer, bool) or not isinstance(answer, Real):
        return not_yet(
            f"{what} should be a number, not a {type(answer).__name__}.",
            "write the number without quotes or a % sign, for example: answer = 80",
        )
    return None


@kindly
def on_time_share(answer: object, city: City) -> Feedback:
    """What percentage of last year's runs published on time? Example: answer = 80"""
    if bad := _number(answer, "the share"):
        return bad
    runs = ops.sample_runs(city)
    target = ops.freshness_target(city)
    good = ops.on_time_share(runs, target)
    value = float(answer)  # type: ignore[arg-type]
    if abs(value - good) <= 0.5:
        return right(f"{good}% of runs published data no older than {target} days.")
    if 0 < value <= 1 and abs(value * 100 - good) <= 0.5:
        return not_yet(
            "that is the right share, written as a fraction.",
            f"give it as a percentage: {value} is {value * 100:g}%.",
        )
    fresh_only = round(100 * (runs["freshness_days"] <= target).mean(), 1)
    if abs(value - fresh_only) <= 0.5:
        return not_yet(
            "you counted the failed runs as on time.",
            "a run that failed published nothing, so it cannot be on time: look at `status` too.",
        )
    published = round(100 * (runs["status"] == "published").mean(), 1)
    if abs(value - published) <= 0.5:
        return not_yet(
            "that is the share of runs that published, late or not.",
            f"a run is on time only when its data was at most {target} days old.",
        )
    return not_yet(
        f"{value:g}% is not what the run history shows.",
        f"count the runs with status 'published' and freshness_days ≤ {target}, "
        f"then divide by the {len(runs)} runs.",
    )


@kindly
def quality_drop(answer: object, city: City) -> Feedback:
    """Which quality dimension fell the most over the year? Example: answer = "accuracy" """
    change = ops.quality_change(ops.sample_runs(city))
    names = list(change.index)
    if not isinstance(answer, str):
        return not_yet(
            f"give the dimension's name as text, not a {type(answer).__name__}.",
            f"one of: {', '.join(names)}",
        )
    clean = answer.strip().casefold()
    if clean not in names:
        return not_yet(
            f"'{answer}' is not one of the six quality dimensions.",
            f"pick one of: {', '.join(names)}",
        )
    worst = change.idxmin()
    if clean == worst:
        return right(f"{worst} fell by {-change[worst]:g} percentage points over the year.")
    runs = ops.sample_runs(city)
    last = runs[runs["status"] == "published"][names].iloc[-1]
    if clean == last.idxmin():
        return not_yet(
            f"{answer} is the lowest score now, but the question is which one fell most.",
            "compare each dimension's first and last published score.",
        )
    return not_yet(
        f"{answer} changed by {change[clean]:+g} points; another dimension fell further.",
        "look for the line in the quality chart that slopes down most steeply.",
    )


@kindly
def service_level(answer: object, city: City) -> Feedback:
    """Set the Beacon's freshness service level.

    Example: answer = {"freshness_days": 35, "on_time_target": 95}"""
    if not isinstance(answer, dict):
        return not_yet(
            f"the answer should be a dictionary, not a {type(answer).__name__}.",
            'write {"freshness_days": ..., "on_time_target": ...}',
        )
    missing = [k for k in ("freshness_days", "on_time_target") if k not in answer]
    if missing:
        return not_yet(
            f"the service level is missing {', '.join(missing)}.",
            'write {"freshness_days": ..., "on_time_target": ...}',
        )
    days, target = answer["freshness_days"], answer["on_time_target"]
    if bad := _number(days, "freshness_days") or _number(target, "on_time_target"):
        return bad
    freq = ops.update_frequency(city)
    period = PERIOD_DAYS[freq]
    if days < period:
        return not_yet(
            f"the Beacon is updated {freq}, so its data cannot be fresher than {period} days.",
            "promise no less than one update period.",
        )
    if days > 2 * period:
        return not_yet(
            f"{days:g} days lets the data miss a whole update without breaking the promise.",
            f"keep it within one {freq} update plus a few days' slack.",
        )
    if 0 < target <= 1:
        return not_yet(
            "on_time_target looks like a fraction.",
            f"write it as a percentage: {target * 100:g}, not {target:g}.",
        )
    if target >= 100:
        return not_yet(
            "100% leaves no room for a single late export, so the first one breaks the promise.",
            "pick a target users can rely on that the team can also keep, such as 90 to 99.",
        )
    if target < 80:
        return not_yet(
            f"{target:g}% means users could expect stale data one month in five.",
            "aim for 80% or more, and plan the fixes that make it reachable.",
        )
    past = ops.on_time_share(ops.sample_runs(city), days)
    gap = (
        ""
        if past >= target
        else (f" Last year only {past}% of runs met it, so the incident fixes need to land first.")
    )
    return right(f"data at most {days:g} days old, on time in {target:g}% of runs.{gap}")
