"""The city profile used by the book and workshop 00."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from daas.core.city import City, load_city
from daas.core.errors import DaasError
from daas.profile import city_profile


def test_summary_adds_up(example_city: City) -> None:
    df = city_profile.read_neighbourhoods(example_city)
    s = city_profile.summary(df)
    assert s["neighbourhoods"] == 8
    assert s["population"] == 122_160
    assert s["households"] == 51_630
    assert 0.5 < s["renter_share"] < 0.65


def test_chart_has_title_and_description(example_city: City) -> None:
    chart = city_profile.renters_chart(city_profile.read_neighbourhoods(example_city), example_city)
    spec = chart.to_dict()
    assert spec["title"]["text"].startswith("Renting households")
    assert "Port Mallory" in spec["description"]


def test_missing_column_names_file_and_column(city_tree: Path) -> None:
    csv = city_tree / "data" / "port-mallory" / "neighbourhoods.csv"
    lines = csv.read_text().splitlines()
    csv.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")
    with pytest.raises(DaasError) as exc:
        city_profile.read_neighbourhoods(load_city("port-mallory"))
    p = exc.value.problems[0]
    assert p.file == "data/port-mallory/neighbourhoods.csv"
    assert p.field == "renter_share"


def test_text_in_a_number_column_is_reported(city_tree: Path) -> None:
    csv = city_tree / "data" / "port-mallory" / "neighbourhoods.csv"
    csv.write_text(csv.read_text().replace("18420", "about 18k"))
    with pytest.raises(DaasError, match="holds text"):
        city_profile.read_neighbourhoods(load_city("port-mallory"))


def test_missing_file_names_the_city_field(city_tree: Path) -> None:
    shutil.rmtree(city_tree / "data")
    with pytest.raises(DaasError) as exc:
        city_profile.read_neighbourhoods(load_city("port-mallory"))
    assert "datasets.neighbourhoods.path" in exc.value.problems[0].fix


def test_below_income_filters_and_sorts(example_city: City) -> None:
    df = city_profile.read_neighbourhoods(example_city)
    out = city_profile.below_income(df, 45_000)
    assert list(out["neighbourhood"]) == ["Cannery Row", "Eastgate", "Harbourside"]
    assert city_profile.below_income(df, 0).empty


def test_a_city_whose_beacon_is_not_about_housing_sees_residents() -> None:
    city = load_city("vale-do-sereno")
    assert city.beacon_recipe() == "service-requests"
    df = city_profile.read_neighbourhoods(city)
    assert not city_profile.about_renters(city)
    spec = city_profile.who_lives_where(df, city).to_dict()
    assert spec["encoding"]["x"]["field"] == "population"
    assert "Vale do Sereno" in spec["title"]["text"]
    headline = city_profile.where_headline(df, city).data
    top = df.nlargest(3, "population")
    share = top["population"].sum() / df["population"].sum()
    assert f"{share:.0%}" in headline and top["neighbourhood"].iloc[0] in headline
    assert list(city_profile.table(df, city).columns) == ["population", "households"]
    out = city_profile.with_residents(df, int(df["population"].median()))
    assert list(out["population"]) == sorted(out["population"], reverse=True)
    assert (out["population"] >= df["population"].median()).all() and len(out) < len(df)


def test_a_housing_city_keeps_its_renters_view(example_city: City) -> None:
    df = city_profile.read_neighbourhoods(example_city)
    assert city_profile.about_renters(example_city)
    chart = city_profile.who_lives_where(df, example_city).to_dict()
    assert chart["encoding"]["x"]["field"] == "renting_households"
    assert city_profile.where_headline(df, example_city).data == (
        city_profile.renters_headline(df).data
    )
    assert city_profile.table(df, example_city).equals(df.set_index("neighbourhood"))


def test_the_table_shows_the_columns_asked_for(example_city: City) -> None:
    df = city_profile.read_neighbourhoods(example_city)
    shown = city_profile.shown_table(df, example_city, ["neighbourhood", "renter_share"])
    assert list(shown.columns) == ["Neighbourhood", "Households renting"]
    assert shown["Households renting"].str.fullmatch(r"\d+%").all()
