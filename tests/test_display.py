"""The display boundary: tables and chart tooltips keep their English names in code and are
headed in the reader's language, the same way for every recipe's pages."""

from __future__ import annotations

import pandas as pd

from daas.beacon.recipes.housing import charts as housing_charts
from daas.beacon.recipes.service_requests import charts as requests_charts
from daas.core import i18n
from daas.core.display import page_table, tooltips

NAMES = ("service_name", "area", "open_requests")
TABLE = pd.DataFrame(
    {"open_requests": [3, 7], "area": ["Centro", "Norte"], "service_name": ["Baches", "Ruido"]},
    index=[10, 4],
)


def test_page_table_picks_columns_in_order_and_renumbers_rows() -> None:
    with i18n.use_language("es"):
        shown = page_table(TABLE, NAMES, ("service_name", "open_requests"))
    assert list(shown.columns) == ["servicio", "solicitudes abiertas"]
    assert shown.index.tolist() == [0, 1] and shown["servicio"].tolist() == ["Baches", "Ruido"]
    assert list(TABLE.columns) == ["open_requests", "area", "service_name"]


def test_page_table_indexes_by_columns_and_keeps_the_rest() -> None:
    with i18n.use_language("es"):
        shown = page_table(TABLE, NAMES, index=("area",))
    assert shown.index.name == "área" and shown.index.tolist() == ["Centro", "Norte"]
    assert list(shown.columns) == ["solicitudes abiertas", "servicio"]
    assert page_table(TABLE, NAMES).equals(TABLE)  # English, untouched


def test_tooltips_are_titled_in_the_reader_language() -> None:
    with i18n.use_language("es"):
        tips = tooltips("service_name", "open_requests")
    assert [(t["shorthand"], t["title"]) for t in tips] == [
        ("service_name", "servicio"),
        ("open_requests", "solicitudes abiertas"),
    ]


def test_both_recipes_shape_tables_and_tooltips_through_the_display_boundary() -> None:
    assert requests_charts.tooltips is tooltips and housing_charts.tooltips is tooltips
    with i18n.use_language("es"):
        shown = requests_charts.shown(TABLE, "area", "open_requests")
    assert list(shown.columns) == ["área", "solicitudes abiertas"]
