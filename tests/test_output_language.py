"""What pages and notebooks show (tables, charts, feedback) comes out in the reader's language,
while the English stays as it was."""

from __future__ import annotations

import pytest
import yaml

from daas.community import tracker
from daas.core import i18n
from daas.core.city import City
from daas.exercises.checks import check
from daas.masterclasses import agendas
from daas.standard import points
from tests.kit import add_translations

SPANISH = {
    "starts at": "empieza a las",
    "activity": "actividad",
    "teaching (min)": "exposición (min)",
    "exercise (min)": "ejercicio (min)",
    "Total": "Total",
    "Prioritising with MoSCoW and RICE": "Priorizar con MoSCoW y RICE",
    "Who came to each session": "Quién vino a cada sesión",
    "Session": "Sesión",
    "Not yet.": "Todavía no.",
    "you have not answered yet.": "todavía no ha respondido.",
}


@pytest.fixture
def spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Spanish package catalogue with the strings above, whatever daas/messages/es.po holds."""
    add_translations(monkeypatch, "es", SPANISH)


def test_agenda_table_speaks_the_reader_language(spanish: None) -> None:
    english = agendas.agenda_table("user-needs")
    assert english.index.name == "starts at"
    assert list(english.columns) == ["activity", "teaching (min)", "exercise (min)"]
    with i18n.use_language("es"):
        table = agendas.agenda_table("user-needs")
    assert table.index.name == "empieza a las"
    assert list(table.columns) == ["actividad", "exposición (min)", "ejercicio (min)"]
    assert "Priorizar con MoSCoW y RICE" in set(table["actividad"])
    assert table["ejercicio (min)"].tolist() == english["exercise (min)"].tolist()


def test_chart_title_and_axis_speak_the_reader_language(spanish: None, example_city: City) -> None:
    att, _fb = tracker.load(example_city)
    assert tracker.participation_chart(att).to_dict()["title"]["text"] == (
        "Who came to each session"
    )
    with i18n.use_language("es"):
        spec = tracker.participation_chart(att).to_dict()
    assert spec["title"]["text"] == "Quién vino a cada sesión"
    assert spec["encoding"]["x"]["title"] == "Sesión"


def test_exercise_feedback_speaks_the_reader_language(spanish: None, example_city: City) -> None:
    with i18n.use_language("es"):
        feedback = check("most-renters", None, example_city)._repr_markdown_()
    assert feedback.startswith("💡 **Todavía no.** todavía no ha respondido.")


def test_every_point_title_and_trait_is_marked_for_translators() -> None:
    """`points.TITLES` and `points.TRAITS` mirror points.yml, so no title shows untranslated."""
    data = yaml.safe_load(points.POINTS_FILE.read_text(encoding="utf-8"))["points"]
    assert [p["title"] for p in data] == list(points.TITLES)
    traits = {t for p in data for t in p["crosswalk"].get("traits", [])}
    assert traits == set(points.TRAITS)
