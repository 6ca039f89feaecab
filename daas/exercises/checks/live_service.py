"""Masterclass 4, running a live service: reading the performance page, setting service levels."""

from __future__ import annotations

from numbers import Real

from daas.core.city import City
from daas.core.i18n import N_, _
from daas.exercises.feedback import Feedback, kindly, not_yet, right
from daas.operations import live_service as ops

PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "annually": 366}
# the update frequencies as the feedback says them ("the Beacon is updated monthly")
FREQUENCY_WORDS = {
    "daily": N_("daily"),
    "weekly": N_("weekly"),
    "monthly": N_("monthly"),
    "quarterly": N_("quarterly"),
    "annually": N_("annually"),
}


def _number(answer: object, what: str) -> Feedback | None:
    """`what` is the answer's name as the learner sees it (a key like `freshness_days`, or a
    translated phrase)."""
    if isinstance(answer, bool) or not isinstance(answer, Real):
        return not_yet(
            _("{what} should be a number, not a {kind}.").format(
                what=what, kind=type(answer).__name__
            ),
            _("write the number without quotes or a % sign, for example: answer = 80"),
        )
    return None


@kindly
def on_time_share(answer: object, city: City) -> Feedback:
    """What percentage of last year's runs published on time? Example: answer = 80"""
    if bad := _number(answer, _("the share")):
        return bad
    runs = ops.sample_runs(city)
    target = ops.freshness_target(city)
    good = ops.on_time_share(runs, target)
    value = float(answer)  # type: ignore[arg-type]
    if abs(value - good) <= 0.5:
        return right(
            _("{share}% of runs published data no older than {target} days.").format(
                share=good, target=target
            )
        )
    if 0 < value <= 1 and abs(value * 100 - good) <= 0.5:
        return not_yet(
            _("that is the right share, written as a fraction."),
            _("give it as a percentage: {value} is {percent:g}%.").format(
                value=value, percent=value * 100
            ),
        )
    fresh_only = round(100 * (runs["freshness_days"] <= target).mean(), 1)
    if abs(value - fresh_only) <= 0.5:
        return not_yet(
            _("you counted the failed runs as on time."),
            _(
                "a run that failed published nothing, so it cannot be on time: look at "
                "`status` too."
            ),
        )
    published = round(100 * (runs["status"] == "published").mean(), 1)
    if abs(value - published) <= 0.5:
        return not_yet(
            _("that is the share of runs that published, late or not."),
            _("a run is on time only when its data was at most {target} days old.").format(
                target=target
            ),
        )
    return not_yet(
        _("{value:g}% is not what the run history shows.").format(value=value),
        _(
            "count the runs with status 'published' and freshness_days ≤ {target}, then divide "
            "by the {n} runs."
        ).format(target=target, n=len(runs)),
    )


@kindly
def quality_drop(answer: object, city: City) -> Feedback:
    """Which quality dimension fell the most over the year? Example: dimension = "accuracy" """
    change = ops.quality_change(ops.sample_runs(city))
    names = list(change.index)
    if not isinstance(answer, str):
        return not_yet(
            _("give the dimension's name as text, not a {kind}.").format(
                kind=type(answer).__name__
            ),
            _("one of: {names}").format(names=", ".join(names)),
        )
    clean = answer.strip().casefold()
    clean = {_(n).casefold(): n for n in names}.get(clean, clean)  # the chart's name is fine too
    if clean not in names:
        return not_yet(
            _("'{answer}' is not one of the six quality dimensions.").format(answer=answer),
            _("pick one of: {names}").format(names=", ".join(names)),
        )
    worst = str(change.idxmin())  # the index is the dimension names
    if clean == worst:
        return right(
            _("{dimension} fell by {points:g} percentage points over the year.").format(
                dimension=worst, points=-change[worst]
            )
        )
    runs = ops.sample_runs(city)
    last = runs[runs["status"] == "published"][names].iloc[-1]
    if clean == last.idxmin():
        return not_yet(
            _("{answer} is the lowest score now, but the question is which one fell most.").format(
                answer=answer
            ),
            _("compare each dimension's first and last published score."),
        )
    return not_yet(
        _("{answer} changed by {points:+g} points; another dimension fell further.").format(
            answer=answer, points=change[clean]
        ),
        _("look for the line in the quality chart that slopes down most steeply."),
    )


@kindly
def service_level(answer: object, city: City) -> Feedback:
    """Set the Beacon's freshness service level.

    Example: level = {"freshness_days": 35, "on_time_target": 95}"""
    example = _("write {example}").format(
        example='`{"freshness_days": ..., "on_time_target": ...}`'
    )
    if not isinstance(answer, dict):
        return not_yet(
            _("the answer should be a dictionary, not a {kind}.").format(
                kind=type(answer).__name__
            ),
            example,
        )
    missing = [k for k in ("freshness_days", "on_time_target") if k not in answer]
    if missing:
        return not_yet(
            _("the service level is missing {keys}.").format(
                keys=", ".join(f"`{k}`" for k in missing)
            ),
            example,
        )
    days, target = answer["freshness_days"], answer["on_time_target"]
    if bad := _number(days, "`freshness_days`") or _number(target, "`on_time_target`"):
        return bad
    freq = ops.update_frequency(city)
    period = PERIOD_DAYS[freq]
    if days < period:
        return not_yet(
            _(
                "the Beacon is updated {frequency}, so its data cannot be fresher than {days} days."
            ).format(frequency=_(FREQUENCY_WORDS[freq]), days=period),
            _("promise no less than one update period."),
        )
    if days > 2 * period:
        return not_yet(
            _(
                "{days:g} days lets the data miss a whole update without breaking the promise."
            ).format(days=days),
            _("keep it within one {frequency} update plus a few days' slack.").format(
                frequency=_(FREQUENCY_WORDS[freq])
            ),
        )
    if 0 < target <= 1:
        return not_yet(
            _("{key} looks like a fraction.").format(key="`on_time_target`"),
            _("write it as a percentage: {percent:g}, not {target:g}.").format(
                percent=target * 100, target=target
            ),
        )
    if target >= 100:
        return not_yet(
            _("100% leaves no room for a single late export, so the first one breaks the promise."),
            _("pick a target users can rely on that the team can also keep, such as 90 to 99."),
        )
    if target < 80:
        return not_yet(
            _("{target:g}% means users could expect stale data one month in five.").format(
                target=target
            ),
            _("aim for 80% or more, and plan the fixes that make it reachable."),
        )
    past = ops.on_time_share(ops.sample_runs(city), days)
    gap = (
        ""
        if past >= target
        else " "
        + _(
            "Last year only {share}% of runs met it, so the incident fixes need to land first."
        ).format(share=past)
    )
    return right(
        _("data at most {days:g} days old, on time in {target:g}% of runs.").format(
            days=days, target=target
        )
        + gap
    )
