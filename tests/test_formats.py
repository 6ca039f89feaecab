"""Numbers, money and dates in the reader's language (`daas.core.formats`)."""

from __future__ import annotations

import datetime as dt

import pytest

from daas.core import formats
from daas.core.i18n import use_language


@pytest.mark.parametrize(
    ("lang", "thousands", "decimal", "day"),
    [
        ("en", "7,553", "0.5", "30 June 2025"),
        ("es", "7.553", "0,5", "30 de junio de 2025"),
        ("pt", "7.553", "0,5", "30 de junho de 2025"),
    ],
)
def test_each_language_writes_numbers_and_dates_its_own_way(
    lang: str, thousands: str, decimal: str, day: str
) -> None:
    with use_language(lang):
        assert formats.number(7553) == thousands
        assert formats.number(0.5) == decimal
        assert formats.date(dt.date(2025, 6, 30)) == day
        assert formats.date("2025-06-30T10:00:00-05:00") == day
    assert formats.number(7553, lang=lang) == thousands


def test_digits_round_and_fix_the_decimals() -> None:
    assert formats.number(1234.567, 1, lang="en") == "1,234.6"
    assert formats.number(1234.567, 1, lang="pt") == "1.234,6"
    assert formats.number(2.0, 0, lang="es") == "2"
    assert formats.percent(0.083411, lang="en") == "8%"
    assert formats.percent(0.083411, 1, lang="es") == "8,3%"


def test_money_is_in_whole_units_with_the_locale_symbol() -> None:
    assert formats.money(1450.4, "USD", lang="en") == "US$1,450"
    assert formats.money(1450, "BRL", lang="pt") == "R$\u00a01.450"


def test_an_unknown_language_falls_back_to_english() -> None:
    assert formats.locale("fr") == formats.LOCALES["en"]


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_charts_get_the_reader_s_separators_and_month_names(lang: str) -> None:
    config = formats.vega_locale("BRL", lang)
    assert config["number"]["decimal"] == "," and config["number"]["thousands"] == "."
    assert config["time"]["months"][5] == {"es": "junio", "pt": "junho"}[lang]
    assert len(config["time"]["days"]) == 7 and len(config["time"]["shortMonths"]) == 12


def test_english_charts_use_a_comma_for_thousands() -> None:
    config = formats.vega_locale("USD", "en")
    assert config["number"]["thousands"] == ","
    assert config["time"]["days"][0] == "Sunday"


def test_show_writes_every_value_for_a_reader() -> None:
    import numpy as np
    import pandas as pd

    from daas.core.display import show

    table = pd.DataFrame(
        {
            "band": ["low", "other"],
            "under_served": [True, False],
            "served_share": [0.083411, np.nan],
            "homes": pd.array([7553, pd.NA], dtype="Int64"),
            "rent": [1450.4, None],
            "as_of": ["2025-06-30", None],
            "field": ["lat", "x<y"],
        },
        index=[4, 9],
    )
    names = {c: c.replace("_", " ").capitalize() for c in table.columns}  # Homes, Field: es/pt
    with use_language("pt"):
        shown = show(
            table, names, codes={"low": "Low income"}, shares=("served_share",),
            dates=("as_of",), money=("rent",), literal=("field",),
        )  # fmt: skip
    assert shown.to_dict("records") == [
        {"Band": "Renda baixa", "Under served": "Sim", "Served share": "8%", "Moradias": "7.553",
         "Rent": "US$\u00a01.450", "As of": "30 de junho de 2025", "Campo": "<code>lat</code>"},
        {"Band": "other", "Under served": "Não", "Served share": "–", "Moradias": "–",
         "Rent": "–", "As of": "–", "Campo": "<code>x&lt;y</code>"},
    ]  # fmt: skip
    html = shown._repr_html_()
    assert "<th" not in html.split("<tbody>")[1]  # no index column
    assert "<code>x&lt;y</code>" in html  # escaped once


def test_readable_puts_a_named_index_first_and_writes_labels_in_sentence_case() -> None:
    import pandas as pd

    from daas.core.display import dates_written, readable

    table = pd.DataFrame(
        {"status": ["done late (7 days)"], "planned": ["2025-06-30 (suggested)"]},
        index=pd.Index(["Discovery done"], name="milestone"),
    )
    with use_language("es"):
        shown = readable(table)
        assert dates_written("Datos al 2025-06-30T10:00:00Z.") == "Datos al 30 de junio de 2025."
    assert list(shown.columns) == ["Milestone", "Status", "Planned"]
    assert shown.iloc[0].tolist() == [
        "Discovery done", "Done late (7 days)", "30 de junio de 2025 (suggested)"
    ]  # fmt: skip


def test_a_fix_in_a_table_cell_shows_its_backquoted_names_as_code() -> None:
    import pandas as pd

    from daas.core.display import show

    table = pd.DataFrame({"fix": ["add `team:` with <b>roles</b>", "a lone ` stays"]})
    html = show(table, {"fix": "Fix"})._repr_html_()
    assert "add <code>team:</code> with &lt;b&gt;roles&lt;/b&gt;" in html
    assert "a lone ` stays" in html


def test_the_incident_log_is_shown_labelled_with_dates_written_and_text_whole() -> None:
    from daas.core.city import load_city
    from daas.operations import live_service

    with use_language("es"):
        table = live_service.incidents_table(load_city("port-mallory"))
    first = table.iloc[0]
    assert list(table.columns)[:3] == ["Incidente", "Abierto el", "Gravedad"]
    assert first["Abierto el"] == "3 de septiembre de 2024" and first["Gravedad"] == "Alto"
    assert first["Qué pasó"].endswith("pipeline stopped.")  # the city's own words, never cut
