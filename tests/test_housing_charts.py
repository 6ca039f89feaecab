"""Housing's page figures that must work without a kernel and be readable without sight: the
map labels every area with its count and has the same figures as a table; the eligibility
calculator carries exactly the published homes and limits its controls filter."""

from __future__ import annotations

from pathlib import Path

import pytest

from daas.beacon import pages
from daas.beacon.recipes.housing import charts
from daas.cli import main

CITY = "port-mallory"


@pytest.fixture
def built(city_tree: Path) -> str:
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 0
    return CITY


def test_a_label_sits_at_the_centre_of_the_largest_ring() -> None:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 2], [0, 2], [0, 0]]]}
    assert charts._centre(square) == pytest.approx((2, 1))
    two = {"type": "MultiPolygon", "coordinates": [
        [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
        [[[10, 10], [16, 10], [16, 16], [10, 16], [10, 10]]]]}  # fmt: skip
    assert charts._centre(two) == pytest.approx((13, 13))


def test_the_map_names_every_area_and_its_table_has_the_same_figures(built: str) -> None:
    spec = charts.map_chart(built).to_dict()
    label_rows = next(rows for rows in spec["datasets"].values() if rows and "lon" in rows[0])
    supply = pages.read_table(built, "neighbourhood_supply").groupby("neighbourhood")["units"]
    homes = supply.sum()
    assert {r["neighbourhood"] for r in label_rows} == set(homes.index)
    assert {r["neighbourhood"]: r["homes"] for r in label_rows} == {
        n: f"{v:,}" for n, v in homes.items()
    }
    table = charts.map_table(built)
    assert list(table.iloc[:, 0]) == list(homes.sort_values(ascending=False).index)
    assert list(table.iloc[:, 1]) == [f"{v:,}" for v in homes.sort_values(ascending=False)]


def test_the_calculator_filters_the_published_homes_as_the_python_one(built: str) -> None:
    """The chart's rows and filter, applied here, give the notebook calculator's counts."""
    spec = charts.eligibility_chart(built, "USD").to_dict()
    rows = next(iter(spec["datasets"].values()))
    inventory = pages.read_table(built, "inventory")
    limits = pages.read_table(built, "income_limits")
    for people, income, bedrooms in [(3, 40_000, 2), (1, 10_000, 0), (8, 150_000, 4)]:
        shown = sum(r["units"] for r in rows
                    if r["bedrooms"] == bedrooms and r[f"limit_{people}"] >= income)  # fmt: skip
        python = charts.eligible_homes(inventory, limits, people, income, bedrooms)
        assert shown == int(python["homes"].sum())
    assert spec["transform"] == [
        {"filter": "datum.bedrooms == bedrooms && datum['limit_' + people] >= income"}
    ]
    assert [p["name"] for p in spec["params"]] == ["people", "income", "bedrooms"]
