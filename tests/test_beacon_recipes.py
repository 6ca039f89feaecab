"""Beacon recipes: the registry, the city file's `beacon.recipe` (housing by default), sources
checked against the recipe's tables, `daas beacon recipes`, and a pipeline that knows no
problem's words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from daas.beacon import pipeline, recipes, schema
from daas.beacon.recipe import QUALITY_TABLE, Recipe
from daas.beacon.recipes.housing import HOUSING
from daas.cli import main
from daas.core.city import DEFAULT_CITY, City, load_city, parse_city
from daas.core.errors import DaasError
from daas.core.paths import package_dir

HOUSING_WORDS = ("inventory", "listings", "income", "housing", "neighbourhood_supply")


def _city(**beacon: object) -> City:
    """The example city with its `beacon:` section changed."""
    data = load_city(DEFAULT_CITY).model_dump(mode="json", exclude_none=True)
    data["beacon"].update(beacon)
    return parse_city(data, "cities/port-mallory.yml")


def _write_city(folder: Path, city: City) -> Path:
    path = folder / f"{city.slug}.yml"
    path.write_text(yaml.safe_dump(city.model_dump(mode="json", exclude_none=True)))
    return path


def test_registry_names_gets_and_lists_every_recipe() -> None:
    assert "housing" in recipes.names()
    assert recipes.get("housing", "cities/x.yml") is HOUSING
    assert [r.name for r in recipes.all()] == recipes.names()
    assert len(set(recipes.names())) == len(recipes.names())


@pytest.mark.parametrize("recipe", recipes.all(), ids=lambda r: r.name)
def test_every_recipe_has_a_schema_for_each_of_its_tables(recipe: Recipe) -> None:
    assert QUALITY_TABLE in recipe.public_tables
    assert set(recipe.required_tables) <= set(recipe.input_tables)
    assert set(recipe.keys) == set(recipe.input_tables)
    for table in {*recipe.input_tables, *recipe.public_tables} - {QUALITY_TABLE}:
        assert (recipe.schema_dir / f"{table}.json").is_file(), table
        assert recipes.for_table(table) is recipe
        assert schema.schema_dict(table)["name"] == table


def test_housing_restricts_listings_to_partner_sources() -> None:
    assert HOUSING.restricted_tables() == ("listings",)


def test_unknown_recipe_names_the_field_and_the_known_recipes() -> None:
    with pytest.raises(DaasError) as exc:
        recipes.get("housng", "cities/port-mallory.yml")
    (problem,) = exc.value.problems
    assert (problem.file, problem.field) == ("cities/port-mallory.yml", "beacon.recipe")
    assert "'housng' is not a Beacon recipe" in problem.message
    assert "did you mean 'housing'?" in problem.fix
    assert ", ".join(recipes.names()) in problem.fix


def test_unknown_recipe_stops_validate_and_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    city = _city(recipe="housng")
    assert main(["city", "validate", str(_write_city(tmp_path, city))]) == 1  # not ready
    err = capsys.readouterr().err
    assert "cities/port-mallory.yml: beacon.recipe: 'housng' is not a Beacon recipe" in err
    assert err.count("is not a Beacon recipe") == 1  # once, not once per source
    with pytest.raises(DaasError, match=r"beacon\.recipe"):
        pipeline.load_tables(city)


def test_a_city_file_without_recipe_is_housing(example_city: City) -> None:
    assert example_city.beacon is not None and example_city.beacon.recipe == "housing"
    assert recipes.of(example_city) is HOUSING
    no_beacon = example_city.model_copy(update={"beacon": None})
    assert recipes.of(no_beacon) is HOUSING


def test_the_title_defaults_to_the_recipe_s(example_city: City) -> None:
    assert recipes.title(_city(title="Homes for all")) == "Homes for all"
    data = example_city.model_dump(mode="json", exclude_none=True)
    del data["beacon"]["title"]
    untitled = parse_city(data, "cities/port-mallory.yml")
    assert untitled.beacon is not None and untitled.beacon.title is None
    assert recipes.title(untitled) == HOUSING.title == "Affordable homes"


def test_a_source_table_is_checked_against_the_recipe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    city = load_city(DEFAULT_CITY)
    data = city.model_dump(mode="json", exclude_none=True)
    data["beacon"]["sources"]["inventory"]["table"] = "inventroy"
    bad = parse_city(data, "cities/port-mallory.yml")  # any string passes the city schema
    assert main(["city", "validate", str(_write_city(tmp_path, bad))]) == 1  # not ready
    err = capsys.readouterr().err
    field = "cities/port-mallory.yml: beacon.sources.inventory.table"
    assert f"{field}: 'inventroy' is not a table of the housing recipe" in err
    assert "did you mean 'inventory'? use one of: inventory, income_limits, listings" in err
    with pytest.raises(DaasError) as exc:
        pipeline.load_tables(bad)
    assert exc.value.problems[0].field == "beacon.sources.inventory.table"


def test_beacon_recipes_lists_one_line_each(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DAAS_LANG", "en")
    assert main(["beacon", "recipes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(recipes.all())
    for line, recipe in zip(lines, recipes.all(), strict=True):
        assert re.fullmatch(rf"{re.escape(recipe.name)} +{re.escape(recipe.description)}", line)
    monkeypatch.setenv("DAAS_LANG", "es")
    assert main(["beacon", "recipes"]) == 0
    spanish = capsys.readouterr().out
    assert "housing" in spanish and "viviendas asequibles por barrio" in spanish


def test_the_pipeline_knows_no_housing_words() -> None:
    text = (package_dir() / "beacon" / "pipeline.py").read_text(encoding="utf-8").lower()
    assert [w for w in HOUSING_WORDS if w in text] == []
