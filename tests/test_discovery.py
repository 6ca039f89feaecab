"""Capability discovery: reading messy staff surveys, the heatmap, strengths, gaps, comparisons
and the investment priorities, and workshop 01 under papermill."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from daas.core.city import City
from daas.core.errors import DaasError
from daas.core.i18n import use_language
from daas.core.paths import repo_root
from daas.discovery import capability as d
from tests.needs_helpers import DATA, run_with, text_of

SAMPLE = repo_root() / "data" / "port-mallory" / "staff_survey.csv"
MESSY = DATA / "messy_staff_survey.csv"


@pytest.fixture(scope="module")
def sample() -> d.Survey:
    return d.read_survey(SAMPLE)


@pytest.fixture(scope="module")
def messy() -> d.Survey:
    return d.read_survey(MESSY)


def test_committed_sample_is_the_seeded_one() -> None:
    expected = d.sample_survey().to_csv(index=False, lineterminator="\n")
    assert SAMPLE.read_text(encoding="utf-8") == expected


def test_clean_sample_reads_without_problems(sample: d.Survey) -> None:
    assert sample.respondents == 36
    assert sample.problems == []
    assert len(sample.ratings) == 36 * 8 * 4
    assert sample.ratings["level"].between(1, 5).all()


def test_city_declares_the_survey(example_city: City) -> None:
    assert d.survey_for(example_city).respondents == 36


def _where(survey: d.Survey) -> str:
    return "\n".join(str(p) for p in survey.problems)


def test_messy_survey_is_reported_not_fatal(messy: d.Survey) -> None:
    text = _where(messy)
    assert messy.respondents == 12  # 13 data rows, one duplicate respondent
    assert "read as Latin-1" in text
    assert "rows 3, 14, respondent_id: respondent 'S002' answered 2 times; kept row 14" in text
    assert "row 5, evaluations_tools: '7' is not a level from 1 to 5" in text
    assert "row 7, data_management_culture: '0' is not a level" in text
    assert "row 6, contracting_data: 'three' is not a level" in text
    assert "row 4, open_data_skills: no answer" in text
    assert "row 8, role: no answer" in text
    assert "favourite_colour: not a known capability column" in text
    assert len(messy.problems) == 8


def test_messy_values_are_left_out_and_later_answer_kept(messy: d.Survey) -> None:
    r = messy.ratings
    assert r["level"].between(1, 5).all()
    s002 = r[(r["respondent_id"] == "S002") & (r["area"] == "community_impact")]
    assert s002.set_index("theme").loc["tools", "level"] == 4  # from the later row 14
    assert "Administración" in set(messy.people["department"])  # Latin-1 decoded
    assert "Not given" in set(messy.people["role"])
    ev_tools = r[(r["area"] == "evaluations") & (r["theme"] == "tools")]
    assert len(ev_tools) == 11


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    f = tmp_path / "survey.csv"
    f.write_text("respondent_id,department,open_data\nA,Housing,3\n", encoding="utf-8")
    with pytest.raises(DaasError) as exc:
        d.read_survey(f)
    p = exc.value.problems[0]
    assert p.file.endswith("survey.csv") and p.field == "role"
    assert exc.value.exit_code == 2


@pytest.mark.parametrize("content", [b"", b"   \n"])
def test_empty_file_is_bad_input(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "s.csv"
    f.write_bytes(content)
    with pytest.raises(DaasError, match="empty"):
        d.read_survey(f)


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(DaasError, match="file not found"):
        d.read_survey(tmp_path / "nope.csv")


def test_heatmap_is_areas_by_themes_and_stable(sample: d.Survey) -> None:
    heat = d.heatmap_data(sample)
    assert list(heat.index) == [a.name for a in d.AREAS]
    assert list(heat.columns) == ["data", "culture", "tools", "skills"]
    assert heat.loc["Performance & Analytics", "culture"] == 4.1
    assert heat.loc["Evaluations", "tools"] == 1.5
    again = d.heatmap_data(d.read_survey(SAMPLE))
    pd.testing.assert_frame_equal(heat, again)


def test_strengths_and_gaps(sample: d.Survey) -> None:
    top, low = d.strengths(sample, 3), d.gaps(sample, 3)
    assert top.iloc[0].tolist() == ["Performance & Analytics", "culture", 4.1]
    assert low.iloc[0].tolist() == ["Evaluations", "tools", 1.5]
    assert top["average"].is_monotonic_decreasing and low["average"].is_monotonic_increasing


def test_story_words_count_each_story_once() -> None:
    survey = d.Survey("x", pd.DataFrame({d.STORY: ["maps maps maps", "Maps helped", ""]}),
                      pd.DataFrame())  # fmt: skip
    words = d.story_words(survey).set_index("word")["stories"]
    assert words["map"] == 2
    # shown as words quoted from the stories, never as bare lower-case codes
    assert d.story_words_shown(survey).iloc[0].tolist() == ["“map”", "2"]
    with use_language("es"):
        assert d.story_words_shown(survey).iloc[0].tolist()[0] == "«map»"


def test_priorities_lowest_average_first_and_stable(sample: d.Survey) -> None:
    p = d.priorities(sample)
    assert p["area"].tolist() == ["Evaluations", "Results-Driven Contracting", "Data Management"]
    assert p["rank"].tolist() == [1, 2, 3]
    assert p["average"].is_monotonic_increasing
    assert set(p["weakest_theme"]) <= set(d.THEMES)
    pd.testing.assert_frame_equal(p, d.priorities(d.read_survey(SAMPLE)))


def test_compare_pools_small_groups(messy: d.Survey, sample: d.Survey) -> None:
    by_dept = d.compare(messy, "department")
    assert (by_dept["respondents"] >= d.MIN_GROUP).all()
    assert "Other (small groups)" in by_dept.index
    assert "Administración" not in by_dept.index  # one respondent: never shown alone
    by_role = d.compare(sample, "role")
    assert by_role["respondents"].sum() == 36
    assert list(by_role.columns[1:]) == [a.name for a in d.AREAS]
    with pytest.raises(ValueError):
        d.compare(sample, "name")


def test_heatmap_chart_has_title_and_text_alternative(sample: d.Survey, example_city) -> None:
    spec = d.heatmap_chart(sample, example_city).to_dict()
    assert "Port Mallory" in json.dumps(spec["title"])
    assert "36 staff" in spec["description"] and "Performance & Analytics" in spec["description"]


def test_results_are_shown_labelled_and_rounded(sample: d.Survey) -> None:
    top = d.strengths_shown(sample, 3)
    assert top.iloc[0].tolist() == ["Performance &amp; Analytics", "Culture", "4.1"]
    heat = d.heatmap_shown(sample)
    assert list(heat.columns) == ["Area", "Data", "Culture", "Tools", "Skills"]
    assert heat["Tools"].str.fullmatch(r"\d\.\d").all()  # 2.0, never 2
    first = d.priorities_shown(sample).iloc[0]
    assert first[["Rank", "Ratings of 1 or 2", "Weakest theme"]].tolist() == ["1", "79%", "Tools"]
    assert list(d.compare_shown(sample, "role").columns[:2]) == ["Role", "Respondents"]
    topics = d.areas_shown()["Related data maturity topics"]
    assert topics.iloc[0] == "Knowing the data you have; managing your data; protecting your data"
    with use_language("es"):
        gaps = d.gaps_shown(sample)
    assert list(gaps.columns) == ["Área", "Tema", "Nivel promedio"]
    assert gaps.iloc[0].tolist() == ["Evaluaciones", "Herramientas", "1,5"]


def test_problems_are_shown_with_fields_as_written(messy: d.Survey) -> None:
    shown = messy.problems_table().set_index("Where")
    assert list(shown.columns) == ["Problem", "How to fix it"]
    assert shown.loc["favourite_colour", "Problem"] == "Not a known capability column; ignored"


def test_areas_use_wwc_practice_names_and_own_words() -> None:
    names = set(d.areas_table().index)
    assert {"Data Management", "Open Data", "Community Impact", "Evaluations"} <= names
    assert len(names) == 8


@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_interview_questions_in_three_languages(language: str) -> None:
    qs = d.interview_questions(language)
    assert len(qs) == 4 and all(q.strip() for q in qs)
    assert len(set(qs) & set(d.interview_questions("en"))) == (4 if language == "en" else 0)


def test_level_names() -> None:
    assert d.level_name(1.2) == "Beginning" and d.level_name(4.6) == "Mastering"


def _checked_outputs(nb) -> list[str]:
    return [
        "".join(o["data"]["text/plain"])
        for c in nb.cells
        if "nbval-check-output" in c.metadata.get("tags", [])
        for o in c.outputs
        if "data" in o
    ]


@pytest.mark.slow
def test_workshop_runs_for_example_city_and_matches_committed(tmp_path: Path) -> None:
    nb = run_with("01-discovery.ipynb", tmp_path / "out.ipynb")
    text = text_of(nb)
    assert "Port Mallory: 36 respondents" in text and "0 problem(s) found" in text
    committed = json.loads((repo_root() / "notebooks" / "01-discovery.ipynb").read_text())
    committed_out = [
        "".join(o["data"]["text/plain"])
        for c in committed["cells"]
        if "nbval-check-output" in c["metadata"].get("tags", [])
        for o in c["outputs"]
    ]
    assert len(committed_out) == 2  # heatmap data and the priority list
    assert _checked_outputs(nb) == committed_out


@pytest.mark.slow
def test_workshop_reports_problems_in_a_messy_survey(tmp_path: Path) -> None:
    nb = run_with("01-discovery.ipynb", tmp_path / "out.ipynb", survey_file=str(MESSY),
                  language="es")  # fmt: skip
    text = text_of(nb)
    assert "12 respondents" in text and "8 problem(s) found" in text
    assert "answered 2 times" in text
    assert "Cuénteme" in text


def test_city_without_a_survey_is_told_which_field_to_add(example_city: City) -> None:
    bare = example_city.model_copy(update={"slug": "new-town", "datasets": {}})
    with pytest.raises(DaasError) as exc:
        d.survey_for(bare)  # never another city's sample
    first = exc.value.problems[0]
    assert (first.file, first.field) == ("cities/new-town.yml", "datasets.staff_survey")
    assert "not declared" in first.message and "staff_survey: {path: ..." in first.fix
