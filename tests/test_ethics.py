"""The data ethics assessment: answers file, validation, record, form."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from daas.core.city import load_city
from daas.core.errors import DaasError
from daas.ethics import review


def test_structure_matches_the_frameworks() -> None:
    assert list(review.PRINCIPLES) == ["transparency", "accountability", "fairness"]
    assert len(review.ACTIONS) == 5
    assert len(review.CANVAS) == 4 and len(review.CANVAS_SECTIONS) == 15
    assert "Open Government Licence" in review.ATTRIBUTION and "CC BY-SA" in review.ATTRIBUTION


def test_example_city_record(city_tree: Path) -> None:
    city = load_city("port-mallory")
    path = review.write_assessment(city, today=date(2025, 7, 14))
    rec = json.loads(path.read_text())
    assert path == city_tree / "_build/cities/port-mallory/ethics/assessment.json"
    assert rec["scores"] == {"transparency": 4, "accountability": 3, "fairness": 2}
    assert rec["flagged"] == ["fairness"]
    assert rec["review_date"] == "2025-10-17" and rec["review_overdue"] is False
    assert all(a["owner"] for a in rec["actions"]) and len(rec["actions"]) == 5
    assert sum(len(s) for s in rec["canvas"].values()) == 15
    assert review.assessment(city, today=date(2025, 11, 1))["review_overdue"] is True


def test_every_problem_reported_at_once(city_tree: Path) -> None:
    city = load_city("port-mallory")
    f = city_tree / "cities/ethics/port-mallory.yml"
    data = yaml.safe_load(f.read_text())
    data["principles"]["fairness"]["score"] = 7
    del data["actions"]["comply_with_law"]["owner"]
    data["canvas"]["made_up"] = "x"
    f.write_text(yaml.safe_dump(data))
    with pytest.raises(DaasError) as e:
        review.load_answers(city)
    fields = {p.field for p in e.value.problems}
    assert {"principles.fairness.score", "actions.comply_with_law.owner"} <= fields
    data["principles"]["fairness"]["score"] = 2
    data["actions"]["comply_with_law"]["owner"] = "Dana"
    data["review_date"] = data["assessed_on"]
    f.write_text(yaml.safe_dump(data))
    with pytest.raises(DaasError) as e:
        review.load_answers(city)
    assert {p.field for p in e.value.problems} == {"canvas.made_up", "review_date"}


def test_form_saves_valid_answers_and_refuses_bad_ones(city_tree: Path) -> None:
    city = load_city("port-mallory")
    f = city_tree / "cities/ethics/port-mallory.yml"
    box = review.form(city)
    data = box.collect()
    assert data["principles"]["fairness"]["score"] == 2
    data["principles"]["fairness"]["score"] = 4
    review.save_answers(city, data)
    assert review.assessment(city)["flagged"] == []
    before = f.read_text()
    data["actions"]["data_quality"]["owner"] = ""
    with pytest.raises(DaasError):
        review.save_answers(city, data)
    assert f.read_text() == before  # nothing half-written
    box.save_button.click()
    assert "Saved to cities/ethics/port-mallory.yml" in box.status.value


def test_city_without_answers_gets_the_blank_questions() -> None:
    city = load_city("villa-ondina").model_copy(update={"ethics_answers": None})
    assert not review.has_answers(city)
    rec = review.blank_record(city)
    assert rec["scores"] == {"transparency": None, "accountability": None, "fairness": None}
    assert [a["action"] for a in rec["actions"]] == list(review.ACTIONS.values())
    assert len(review.scores_table(rec)) == 3
    with pytest.raises(DaasError, match="ethics_answers"):
        review.load_answers(city)
