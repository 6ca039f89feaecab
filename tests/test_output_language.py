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
    assert feedback.startswith("💡 **Todavía no.** Todavía no ha respondido.")


def test_every_point_title_and_trait_is_marked_for_translators() -> None:
    """`points.TITLES` and `points.TRAITS` mirror points.yml, so no title shows untranslated."""
    data = yaml.safe_load(points.POINTS_FILE.read_text(encoding="utf-8"))["points"]
    assert [p["title"] for p in data] == list(points.TITLES)
    traits = {t for p in data for t in p["crosswalk"].get("traits", [])}
    assert traits == set(points.TRAITS)


@pytest.mark.parametrize(
    ("lang", "words", "seconds"),
    [("es", ["Paquete del taller", "cuaderno", "sin cambios", "resultados del Servicio Guía",
             "edición del sitio", "FALLÓ villa-ondina edición del sitio: celda 3: boom"], "12,3"),
     ("pt", ["Pacote do workshop", "situação", "sem alterações", "resultados do Beacon",
             "edição do site", "FALHOU villa-ondina edição do site: célula 3: boom"], "12,3")],
)  # fmt: skip
def test_workshop_summary_speaks_the_city_language(
    lang: str, words: list[str], seconds: str
) -> None:
    """`daas workshop run`'s table and failure lines, with the package's own catalogues."""
    from rich.console import Console

    from daas.packs.batch import problem, summary_table, what
    from daas.packs.workshop import Result

    results = [Result("villa-ondina", "beacon", "skipped"),
               Result("villa-ondina", "notebooks/00-city-profile.ipynb", "ok", 12.34),
               Result("villa-ondina", "site", "failed", 1.0, cell=3, error="boom")]  # fmt: skip
    console = Console(record=True, width=200)
    with i18n.use_language(lang):
        console.print(summary_table(results))
        failed = results[2]
        line = i18n._("FAILED {city} {what}: {problem}")
        console.print(line.format(city=failed.city, what=what(failed), problem=problem(failed)))
    text = console.export_text()
    for word in words:
        assert word in text
    assert seconds in text
    for english in ("Workshop pack", "skipped", "beacon", "edition", "FAILED"):
        assert english not in text
