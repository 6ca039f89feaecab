"""The Beacon's quality statement: the build records its facts (`facts`), and each page or
notebook says them in its reader's language (`render`), so the Spanish page of a build does not
repeat the English of the run that made it."""

from __future__ import annotations

from typing import Any

from daas.beacon import schema
from daas.core.formats import number, percent
from daas.core.i18n import _


def facts(results: list[Any]) -> dict[str, Any]:
    """What the statement says, as numbers: `results` are the build's `quality.TableQuality`."""
    from daas.beacon.quality import overall

    scores = overall(results)
    weakest = min(scores, key=lambda d: scores[d])
    restricted = [r for r in results if schema.is_restricted(r.table) and len(r.issues)]
    return {
        "rows": sum(r.rows for r in results),
        "sources": len(results),
        "left_out": sum(r.excluded for r in results),
        "unknown_dates": sum(r.unknown_dates for r in results),
        "weakest": weakest,
        "weakest_share": scores[weakest],
        "restricted_tables": [r.table for r in restricted],
        "restricted_failed": sum(int(r.issues["row"].nunique()) for r in restricted),
    }


def render(facts: dict[str, Any], city_name: str) -> str:
    """The statement in the reader's language."""
    n = facts["sources"]
    checked = (
        _("We checked {rows} rows from one source for {city} against six quality dimensions.")
        if n == 1
        else _(
            "We checked {rows} rows from {sources} sources for {city} against six quality "
            "dimensions."
        )
    )
    parts = [
        checked.format(rows=number(facts["rows"]), sources=number(n), city=city_name),
        _(
            "{rows} rows were left out of the published data because they were duplicates, "
            "incomplete, unreadable, out of date or named a neighbourhood the city does not have."
        ).format(rows=number(facts["left_out"])),
    ]
    if facts["unknown_dates"]:
        parts.append(
            _(
                '{dates} dates were placeholders (such as 12-30-3799 for "never"), not real '
                "dates: they are published blank, as unknown."
            ).format(dates=number(facts["unknown_dates"]))
        )
    if facts["weakest_share"] < 1:
        parts.append(
            _("The weakest dimension is {dimension}: {share} of rows passed its checks.").format(
                dimension=_(facts["weakest"]),  # marked in records.QUALITY_KEYS
                share=percent(facts["weakest_share"], digits=1),
            )
        )
    else:
        parts.append(_("Every row passed every check."))
    parts.append(
        _(
            "Every public row that failed a check is listed, with the reason, in the "
            "quality_issues table."
        )
    )
    if facts["restricted_tables"]:
        parts.append(
            _(
                "{rows} rows of restricted tables ({tables}) failed a check: they are not "
                "published, and the run record lists their issues by field and reason, without "
                "their values."
            ).format(
                rows=number(facts["restricted_failed"]),
                tables=", ".join(facts["restricted_tables"]),
            )
        )
    return " ".join(parts)
