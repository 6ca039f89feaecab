"""Operations data for the running-a-live-service masterclass."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from daas.core.city import City, load_city
from daas.core.errors import DaasError
from daas.operations import live_service as ops


def test_incident_log_reads_and_drives_the_run_history(example_city: City) -> None:
    incidents = ops.read_incidents(example_city)
    assert len(incidents) >= 5 and incidents["hours_to_resolve"].ge(0).all()
    runs = ops.sample_runs(example_city)
    assert len(runs) == 12 and runs["month"].is_unique
    failed = set(runs.loc[runs["status"] == "failed", "month"])
    expected = {
        str(pd.Timestamp(o).to_period("M"))
        for o, e in zip(incidents["opened"], incidents["effect"], strict=True)
        if e == "run failed"
    }
    assert failed == expected
    late = incidents.loc[incidents["effect"] == "late", "opened"].dt.to_period("M").astype(str)
    target = ops.freshness_target(example_city)
    assert (runs.set_index("month").loc[list(late), "freshness_days"] > target).all()


def test_run_history_is_the_same_every_time(example_city: City) -> None:
    pd.testing.assert_frame_equal(ops.sample_runs(example_city), ops.sample_runs(example_city))
    pd.testing.assert_frame_equal(
        ops.sample_requests(example_city, 500), ops.sample_requests(example_city, 500)
    )


def test_run_history_is_shown_as_the_performance_page_shows_it(example_city: City) -> None:
    runs = ops.sample_runs(example_city)
    shown = ops.runs_table(runs)
    assert list(shown.columns)[:3] == ["Run on", "Outcome", "Data age (days)"]
    assert shown["Run on"].iloc[0].endswith("July 2024")
    assert set(shown["Outcome"]) == {"Published", "Failed"}
    assert shown["Accuracy"].iloc[0] == f"{runs['accuracy'].iloc[0]:.1f}%"


def test_on_time_counts_failed_and_late_runs_as_missed() -> None:
    runs = pd.DataFrame(
        {
            "status": ["published", "failed", "published", "published"],
            "freshness_days": [10, 10, 40, 35],
        }
    )
    assert ops.on_time_share(runs, 35) == 50.0
    assert ops.on_time_share(runs.iloc[:0], 35) == 0.0


def test_quality_change_ignores_failed_runs(example_city: City) -> None:
    runs = ops.sample_runs(example_city)
    change = ops.quality_change(runs)
    assert change.idxmin() == "timeliness" and change["timeliness"] < -3


def test_service_levels_and_charts(example_city: City) -> None:
    runs, req = ops.sample_runs(example_city), ops.sample_requests(example_city)
    table = ops.service_levels(example_city, runs, req)
    assert table.loc["High-severity incidents", "last 12 months"] == "2"
    assert table.loc["Runs published on time", "last 12 months"].endswith("%")
    usage = ops.monthly_usage(req)
    assert usage["requests"].sum() == (req["status"] == 200).sum()
    for chart in (
        ops.freshness_chart(runs, example_city),
        ops.quality_chart(runs),
        ops.usage_chart(req),
    ):
        spec = chart.to_dict()
        assert spec["description"] and spec["title"]["text"]


def test_bad_incident_log_names_file_line_and_field(city_tree: Path) -> None:
    path = city_tree / "data" / "port-mallory" / "incidents.csv"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace("2024-09-03", "03/09/2024").replace(",high,", ",urgent,")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DaasError) as err:
        ops.read_incidents(load_city("port-mallory"))
    text = str(err.value)
    assert "incidents.csv: line 2: opened" in text and "YYYY-MM-DD" in text
    assert "line 2: severity" in text and "'urgent'" in text


def test_city_without_incident_log_gets_an_empty_one(example_city: City) -> None:
    city = example_city.model_copy(update={"datasets": {}})
    assert ops.read_incidents(city).empty
    assert len(ops.sample_runs(city)) == 12
