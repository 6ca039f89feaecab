"""The coaches' overview: one row per city file in `cities/`, and one chart of every city's
milestones. A city file that does not validate still gets its row, saying so."""

from __future__ import annotations

from datetime import date

import pandas as pd

from daas.core.city import list_cities, load_city
from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.programme import milestones, readiness, state
from daas.programme.checks import warnings
from daas.programme.team import unfilled_roles


def _beacon_status(bc: state.Beacon) -> str:
    if bc.gate_failed:
        return _("stopped by the privacy gate")
    if bc.last_failed:
        return _("last run failed")
    return _("published") if bc.built else _("not built")


def city_row(slug: str, today: date | None = None) -> dict:
    """One city's line: fit, month, milestones, roles, Beacon, Standard, warnings (as of `today`,
    by default the city's own today)."""
    try:
        city = load_city(slug)
    except DaasError as exc:
        return {
            "slug": slug,
            "city": slug,
            "problem": _("does not validate ({n}): run `daas city validate`").format(
                n=len(exc.problems)
            ),
        }
    today = today or city.today()
    rows = milestones.progress(city, today)
    nxt = milestones.next_milestone(rows)
    std = state.standard(city)
    bc = state.beacon(city)
    return {
        "slug": slug,
        "city": city.name,
        "language": city.language,
        "readiness": readiness.check(city).verdict_label,
        "month": milestones.month_of_track(city, today),
        "done": milestones.done_count(rows),
        "late": milestones.counts(rows)["late"],
        "next": f"{nxt.label} ({nxt.planned})" if nxt else "",
        "open_roles": len(unfilled_roles(city)),
        "beacon": _beacon_status(bc),
        "data_age": bc.data_age(today),
        "standard": _(state.RATING_NAMES[std.overall]) if std else "",
        "warnings": len(warnings(city, today)),
        "problem": "",
        "statuses": milestones.counts(rows),
    }


def rows(today: date | None = None) -> list[dict]:
    """A row for every city file, in slug order."""
    return [city_row(slug, today) for slug in list_cities()]


def _shown(r: dict) -> dict:
    """One row as the table shows it (a city file that does not validate says so)."""
    if r.get("problem"):
        return {_("city"): r["city"], _("readiness"): r["problem"]}
    beacon = r["beacon"]
    if r["data_age"] is not None:
        beacon = _("{status}, data {days} days old").format(status=beacon, days=r["data_age"])
    return {
        _("city"): r["city"],
        _("readiness"): r["readiness"],
        _("month"): "" if r["month"] is None else r["month"],
        _("milestones"): _("{done} done, {late} late").format(done=r["done"], late=r["late"]),
        _("next milestone"): r["next"],
        _("roles open"): r["open_roles"],
        _("Beacon"): beacon,
        _("Standard"): r["standard"],
        _("warnings"): r["warnings"],
    }


def table(data: list[dict]) -> pd.DataFrame:
    """One row per city file."""
    columns = [
        _("city"),
        _("readiness"),
        _("month"),
        _("milestones"),
        _("next milestone"),
        _("roles open"),
        _("Beacon"),
        _("Standard"),
        _("warnings"),
    ]
    shown = [_shown(r) for r in data]
    return pd.DataFrame(shown, columns=columns, dtype=object).fillna("").set_index(_("city"))


def chart(data: list[dict]):
    """One bar per city: its milestones by status."""
    import altair as alt

    from daas.core.charts import describe, use_theme

    use_theme()
    names = {k: _(v) for k, v in milestones.STATUSES.items()}
    long = pd.DataFrame(
        [
            {"city": r["city"], "status": names[s], "milestones": n, "order": i}
            for r in data
            if "statuses" in r
            for i, (s, n) in enumerate(r["statuses"].items())
            if n
        ]
    )
    if long.empty:
        return None
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("milestones:Q", title=_("milestones"), scale=alt.Scale(domain=[0, 12])),
            y=alt.Y("city:N", title=None, axis=alt.Axis(labelLimit=240)),
            color=alt.Color(
                "status:N",
                title=_("status"),
                scale=alt.Scale(
                    domain=list(names.values()), range=list(milestones.STATUS_COLOURS.values())
                ),
            ),
            order=alt.Order("order:Q"),
            tooltip=["city:N", "status:N", "milestones:Q"],
        )
        .properties(width=480, height=alt.Step(28))
    )
    late = [f"{r['city']} ({r['late']})" for r in data if r.get("late")]
    return describe(
        bars,
        _("Milestones of every city"),
        _(
            "{n} cities, twelve milestones each, split by status: done, done late, due soon, "
            "upcoming, late and without a date. Cities with late milestones: {late}."
        ).format(n=sum(1 for r in data if "statuses" in r), late=", ".join(late) or _("none")),
    )
