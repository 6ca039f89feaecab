"""What workshop 04 shows of a Beacon build: tables and sentences written for a reader."""

from __future__ import annotations

import pandas as pd

from daas.beacon import pages
from daas.beacon.quality import DIMENSIONS, TableQuality
from daas.core.i18n import use_language


def test_quality_scores_are_percentages_by_table() -> None:
    scores = {d: 0.97634 for d in DIMENSIONS}
    results = {"inventory": TableQuality("inventory", 10, pd.DataFrame(), pd.DataFrame(), scores)}
    table = pages.quality_scores(results)
    assert list(table.columns)[:2] == ["Table", "Accuracy"]
    assert table.iloc[0].tolist()[:2] == ["<code>inventory</code>", "97.6%"]


def test_issue_counts_by_dimension_and_reason_most_first() -> None:
    issues = pd.DataFrame(
        {"dimension": ["validity", "completeness", "completeness"], "reason": ["b", "a", "a"]}
    )
    table = pages.issue_counts(issues)
    assert table.values.tolist() == [["Completeness", "a", "2"], ["Validity", "b", "1"]]


def test_suppression_counts_say_what_is_shown_and_why_hidden() -> None:
    table = pages.suppression_counts(pd.Series([None, "primary", None, "secondary"]))
    assert table.values.tolist() == [
        ["Shown", "2"],
        ["Hidden: fewer than the minimum", "1"],
        ["Hidden: would reveal a hidden group", "1"],
    ]


def test_run_summary_is_a_sentence() -> None:
    run = {"status": "published", "package_valid": True, "rows_published": 5687,
           "rows_suppressed": 12}  # fmt: skip
    assert pages.run_summary(run) == (
        "Published: 5,687 rows, 12 cells hidden; the data package is valid."
    )
    assert pages.run_summary({**run, "status": "failed"}).startswith("Not published")


def test_first_rows_show_fields_and_codes_as_code_without_coordinates() -> None:
    export = pd.DataFrame(
        {"_row": [2, 3], "building_id": ["000123", "000124"], "latitude": ["41.320879", ""],
         "tenure": ["rental", "ownership"], "units": ["12", ""],
         "_note:units": ["", "placeholder"]}
    )  # fmt: skip
    table = pages.first_rows(export)
    # the schema's fields, as a mapping names them; no line numbers, notes or coordinates (a
    # coordinate's decimals read as a thousands separator where a point groups thousands)
    assert list(table.columns) == [
        "<code>building_id</code>", "<code>tenure</code>", "<code>units</code>"
    ]  # fmt: skip
    assert table.values.tolist() == [
        ["000123", "<code>rental</code>", "12"],
        ["000124", "<code>ownership</code>", "–"],
    ]


def test_issue_counts_say_each_reason_in_the_readers_language() -> None:
    from daas.beacon import quality
    from daas.beacon.recipes.housing import checks

    reasons = [
        quality.PLACEHOLDER_DATE.format(field="affordability_end"),
        quality.NOT_ONE_OF.format(field="tenure", values="rental, ownership"),
        checks.ENDED,
        "a reason no check gives",
    ]
    issues = pd.DataFrame({"dimension": ["completeness", "validity", "timeliness", "validity"],
                           "reason": reasons})  # fmt: skip
    shown = set(pages.issue_counts(issues)["Reason"])
    assert shown == {
        "<code>affordability_end</code> is a placeholder for &#x27;never&#x27; or "
        "&#x27;unknown&#x27;, not a real date: published blank",
        "<code>tenure</code> must be one of: <code>rental</code>, <code>ownership</code>",
        "affordability has already ended: no longer an affordable home",
        "a reason no check gives",
    }
    with use_language("es"):
        said = quality.reason_shown(reasons[0])
    assert said.startswith("`affordability_end` es un marcador")


def test_every_reason_a_check_gives_is_a_template_pages_can_translate() -> None:
    """A reason published in English reads back as its template (`quality.reason_shown`)."""
    from daas.beacon import quality
    from daas.beacon.recipes import all as every_recipe

    for template in (*quality.REASONS, *(t for r in every_recipe() for t in r.reasons)):
        fields = {"field": "some_field", "values": "a, b", "limit": "0", "days": "90"}
        reason = template.format(**fields)
        assert quality.reason_shown(reason) == template.format(
            **{**fields, "field": "`some_field`", "values": "`a`, `b`"}
        ), template
