"""The guide "Writing a new recipe" (`book/beacon/new-recipe.md`) proved: its example recipe,
loaded from the very files the page shows, registered for the test only, builds a small city
through the Beacon pipeline; what is published is checked against figures counted here."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from daas.beacon import pipeline, recipes, records
from daas.beacon.recipe import Recipe
from daas.cli import main
from daas.core.city import DEFAULT_CITY, load_city, parse_city
from daas.core.paths import repo_root
from daas.profile.city_profile import read_neighbourhoods

EXAMPLE = repo_root() / "book" / "beacon" / "examples" / "street_trees"
PAGE = repo_root() / "book" / "beacon" / "new-recipe.md"
EXPORT = f"data/{DEFAULT_CITY}/beacon/street-trees.csv"
CONDITIONS = ("Good", "Fair", "Poor", "Dead", "Good")
SPECIES = ("London plane", "Silver linden", "Red oak")


def load_example(monkeypatch: pytest.MonkeyPatch) -> Recipe:
    """The guide's recipe, imported from its file (no bytecode left in the book's folder)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    spec = importlib.util.spec_from_file_location("guide_street_trees", EXAMPLE / "recipe.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.STREET_TREES


def write_export(root: Path, areas: list[str]) -> pd.DataFrame:
    """A street-tree export in the example mapping's columns, with three faults at the end."""
    rows = [
        {"Tree ID": f"T{i:04d}", "Species": SPECIES[i % 3],
         "District": areas[i % len(areas)], "Condition": CONDITIONS[i % 5]}
        for i in range(40)
    ]  # fmt: skip
    rows.append(dict(rows[0]))  # an exact copy: left out
    rows.append({**rows[1], "Tree ID": "T9001", "District": "Nowhere Park"})  # unknown area
    rows.append({**rows[2], "Tree ID": "T9002", "Condition": "Stump"})  # kept, condition blank
    export = pd.DataFrame(rows)
    (root / EXPORT).parent.mkdir(parents=True, exist_ok=True)
    export.to_csv(root / EXPORT, index=False)
    return export


def expected(export: pd.DataFrame) -> pd.DataFrame:
    """Trees by neighbourhood counted from the export, the faults taken out by hand."""
    kept = pd.concat([export.iloc[:40], export.iloc[[42]]], ignore_index=True)
    kept["poor"] = kept["Condition"].isin(["Poor", "Dead"])
    out = kept.groupby("District").agg(
        trees=("Tree ID", "size"), species=("Species", "nunique"), needs_work=("poor", "sum")
    )
    out["needs_work_share"] = (out["needs_work"] / out["trees"]).round(3)
    return out.rename_axis("neighbourhood").reset_index()


@pytest.fixture
def built(city_tree: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, pd.DataFrame]:
    """The example city with the guide's `beacon:` section, built once with the recipe."""
    recipe = load_example(monkeypatch)
    monkeypatch.setattr(recipes, "RECIPES", (*recipes.RECIPES, recipe))
    city = load_city(DEFAULT_CITY)
    export = write_export(city_tree, list(read_neighbourhoods(city)["neighbourhood"]))
    beacon = yaml.safe_load((EXAMPLE / "city.yml").read_text(encoding="utf-8"))["beacon"]
    beacon["sources"]["trees"]["path"] = EXPORT
    data = {**city.model_dump(mode="json", exclude_none=True), "beacon": beacon}
    parse_city(data, f"cities/{DEFAULT_CITY}.yml")  # the guide's section passes the schema
    (city_tree / "cities" / f"{DEFAULT_CITY}.yml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    assert main(["city", "validate", "--city", DEFAULT_CITY]) == 0
    return pipeline.build(DEFAULT_CITY, progress=False), export


def test_the_page_shows_the_files_the_test_builds() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for name in ("recipe.py", "schemas/trees.json", "schemas/trees_by_area.json", "city.yml"):
        assert f"```{{literalinclude}} examples/street_trees/{name}" in text, name


def test_the_recipe_is_registered_only_for_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    recipe = load_example(monkeypatch)
    assert recipe.name not in recipes.names()
    monkeypatch.setattr(recipes, "RECIPES", (*recipes.RECIPES, recipe))
    assert recipes.get("street-trees", "cities/x.yml") is recipe
    assert recipes.for_table("trees_by_area") is recipe


def test_the_guide_recipe_builds_and_publishes_its_aggregate(built) -> None:
    record, export = built
    out = records.output_dir(DEFAULT_CITY)
    assert record["status"] == "published" and record["recipe"] == "street-trees"
    assert record["package_valid"] is True and record["privacy_gate"]["passed"] is True
    assert record["rows_read"] == {"trees": len(export)}
    assert record["rows_excluded"] == {"trees": 2}  # the copy and the unknown neighbourhood
    assert record["pages"] == ["performance"]  # the recipe has no pages of its own
    assert json.loads((out / "run.json").read_text()) == record
    published = pd.read_csv(out / "data" / "trees_by_area.csv", keep_default_na=False)
    want = expected(export)
    pd.testing.assert_frame_equal(
        published.sort_values("neighbourhood", ignore_index=True),
        want.sort_values("neighbourhood", ignore_index=True),
        check_dtype=False,
    )
    package = json.loads((out / "datapackage.json").read_text())
    assert [r["name"] for r in package["resources"]] == ["trees_by_area", "quality_issues"]
    with sqlite3.connect(out / "beacon.db") as con:
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    assert "trees_by_area" in tables and "trees" not in tables  # the input is not published
    meta = json.loads((out / "metadata.json").read_text())
    assert "where_crews_are_needed" in json.dumps(meta)


def test_the_guide_recipe_reports_the_faulty_rows(built) -> None:
    out = records.output_dir(DEFAULT_CITY)
    issues = pd.read_csv(out / "data" / "quality_issues.csv", keep_default_na=False)
    reasons = set(issues["reason"])
    assert "an exact copy of an earlier row" in reasons
    assert "not one of the city's neighbourhoods (a typo?)" in reasons
    assert "condition must be one of: good, fair, poor, dead" in reasons
