"""The Beacon's Frictionless Table Schemas: a recipe's tables in its `schemas/*.json`
(`daas.beacon.recipes`), the table every recipe publishes (`quality_issues`) in `schemas/`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent / "schemas"  # the tables every recipe shares


def schema_path(table: str) -> Path:
    """Where the Table Schema of `table` is: shared, or in the recipe that has the table."""
    shared = SCHEMA_DIR / f"{table}.json"
    if shared.exists():
        return shared
    from daas.beacon.recipes import for_table

    return for_table(table).schema_dir / f"{table}.json"


@cache
def schema_dict(table: str) -> dict:
    """The Table Schema of `table` as a plain dict (a fresh parse, cached)."""
    return json.loads(schema_path(table).read_text(encoding="utf-8"))


def schema(table: str):
    """The Table Schema of `table` as a `frictionless.Schema`."""
    from frictionless import Schema

    d = {k: v for k, v in schema_dict(table).items() if k in {"fields", "primaryKey"}}
    return Schema.from_descriptor(d)


def fields(table: str) -> dict[str, dict]:
    """Field name -> field descriptor, in schema order."""
    return {f["name"]: f for f in schema_dict(table)["fields"]}


def required(table: str) -> list[str]:
    return [n for n, f in fields(table).items() if f.get("constraints", {}).get("required")]


def is_restricted(table: str) -> bool:
    return schema_dict(table).get("access") == "restricted"
