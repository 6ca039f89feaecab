"""What workshop 04 shows of a Beacon build: tables and sentences written for a reader."""

from __future__ import annotations

import pandas as pd

from daas.beacon import pages
from daas.beacon.quality import DIMENSIONS, TableQuality


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


def test_first_rows_round_coordinates_and_keep_codes() -> None:
    export = pd.DataFrame(
        {"_row": [2, 3], "building_id": ["000123", "000124"], "latitude": ["41.320879", ""]}
    )
    table = pages.first_rows(export)
    assert list(table.columns) == ["Building id", "Latitude"]
    assert table.values.tolist() == [["000123", "41.321"], ["000124", "–"]]
