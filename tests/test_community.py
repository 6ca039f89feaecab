"""The community of practice tracker."""

from __future__ import annotations

from pathlib import Path

import pytest

from daas.community import tracker
from daas.core.city import City
from daas.core.errors import DaasError


def test_sample_files_are_the_seeded_sample(example_city: City, tmp_path: Path) -> None:
    a, f = tracker.sample(example_city, tmp_path)
    assert a.read_text() == example_city.dataset_path("community_attendance").read_text()
    assert f.read_text() == example_city.dataset_path("community_feedback").read_text()


def test_participation_adds_up(example_city: City) -> None:
    att, _ = tracker.load(example_city)
    p = tracker.participation(att)
    assert len(p) == att["session_date"].nunique() == 8
    assert (p["first_timers"] + p["returning"] == p["attendees"]).all()
    assert p["first_timers"].sum() == att["person_id"].nunique()
    assert p["returning"].iloc[0] == 0


def test_satisfaction_and_departments(example_city: City) -> None:
    att, fb = tracker.load(example_city)
    s = tracker.satisfaction(fb, att)
    assert s["forms"].sum() == len(fb)
    assert s["satisfied"].between(0, 100).all() and s["mean_rating"].between(1, 5).all()
    d = tracker.by_department(att, fb)
    assert d["attendances"].sum() == len(att)
    assert list(d["attendances"]) == sorted(d["attendances"], reverse=True)


def test_workshop_tables_are_written_for_a_reader(example_city: City) -> None:
    att, fb = tracker.load(example_city)
    p = tracker.participation_table(att)
    assert list(p.columns)[:3] == ["Date", "Session", "People attending"]
    assert p["Date"].iloc[0] == "15 January 2025"
    s = tracker.satisfaction_table(fb, att)
    assert s["Average rating (1-5)"].str.fullmatch(r"\d\.\d").all()


def test_charts_have_titles_and_text_alternatives(example_city: City) -> None:
    att, fb = tracker.load(example_city)
    for chart in (
        tracker.participation_chart(att),
        tracker.satisfaction_chart(fb, att),
        tracker.department_chart(att, fb),
    ):
        spec = chart.to_dict()
        assert spec["title"]["text"] and len(spec["description"]) > 40


def test_bad_rows_are_all_reported_with_line_and_fix(tmp_path: Path) -> None:
    fb = tmp_path / "feedback.csv"
    fb.write_text(
        "session_date,department,rating,comment\n2025-01-15,Housing,6,\n"
        "15/01/2025,Housing,4,ok\n2025-01-15,,three,\n"
    )
    with pytest.raises(DaasError) as err:
        tracker.read_feedback(fb)
    text = str(err.value)
    assert "line 2: rating" in text and "'6'" in text
    assert "line 3: session_date" in text and "line 4: department" in text
    assert "line 4: rating" in text and "1 (poor) to 5" in text


def test_duplicate_attendance_and_missing_column(tmp_path: Path) -> None:
    att = tmp_path / "att.csv"
    att.write_text(
        "session_date,session,person_id,department\n2025-01-15,Launch,P1,IT\n"
        "2025-01-15,Launch,P1,IT\n"
    )
    with pytest.raises(DaasError, match="line 3: person_id"):
        tracker.read_attendance(att)
    att.write_text("session_date,person_id\n2025-01-15,P1\n")
    with pytest.raises(DaasError, match="department"):
        tracker.read_attendance(att)


def test_city_without_records_gets_the_seeded_sample(example_city: City) -> None:
    city = example_city.model_copy(update={"datasets": {}, "slug": "no-records-yet"})
    att, fb = tracker.load(city)
    assert len(att) > 50 and len(fb) > 20
    assert "fictional sample" in tracker.source_note(city)
    assert "community_attendance.csv" in tracker.source_note(example_city)
