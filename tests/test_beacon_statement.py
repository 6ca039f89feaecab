"""The quality statement: the build's facts said in the reader's language."""

from __future__ import annotations

from daas.beacon import statement
from daas.core import i18n

FACTS = {
    "rows": 1516,
    "sources": 1,
    "left_out": 148,
    "unknown_dates": 0,
    "weakest": "timeliness",
    "weakest_share": 0.931,
    "restricted_tables": [],
    "restricted_failed": 0,
}


def test_the_statement_follows_the_reader_language_and_its_numbers() -> None:
    english = statement.render(FACTS, "Villa Ondina")
    assert english.startswith("We checked 1,516 rows from one source for Villa Ondina")
    assert "The weakest dimension is timeliness: 93.1% of rows" in english
    assert "placeholders" not in english and "restricted" not in english
    with i18n.use_language("es"):
        spanish = statement.render(FACTS, "Villa Ondina")
    assert spanish.startswith("Revisamos 1.516 filas de una fuente de Villa Ondina")
    assert "oportunidad" in spanish and "93,1" in spanish and "checked" not in spanish
