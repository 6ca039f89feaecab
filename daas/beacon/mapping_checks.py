"""A city file's Beacon mappings, checked against its recipe and the Table Schemas: the recipe
exists, each source feeds one of the recipe's input tables, its file exists, its mapping names
only fields of its table's schema and maps every required one, and its `public:` declarations
name mapped fields, kinds the recipe accepts and reasons. `daas city validate` reports
these in the city's language (`daas.city_checks`); the Beacon build refuses a bad declaration.
"""

from __future__ import annotations

from daas.beacon import recipes, schema
from daas.core.city import BeaconSource, City, city_file, missing_file
from daas.core.errors import DaasError, Problem, did_you_mean
from daas.core.i18n import _
from daas.core.paths import repo_root


def beacon_problems(city: City) -> list[Problem]:
    """The city file's `beacon:` section: its recipe is one of `daas beacon recipes`, the
    settings the recipe reads (`Recipe.city_problems`), then each source (`source_problems`)."""
    if city.beacon is None:
        return []
    try:
        recipe = recipes.of(city)
    except DaasError as exc:
        return exc.problems
    return recipe.city_problems(city) + [
        p for name, src in city.beacon.sources.items() for p in source_problems(city, name, src)
    ]


def table_problems(city: City, name: str, src: BeaconSource) -> list[Problem]:
    """A source feeds one of the input tables of the city's recipe (`beacon.sources.*.table`)."""
    recipe = recipes.of(city)
    tables = list(recipe.input_tables)
    if src.table in tables:
        return []
    fix = did_you_mean(src.table, tables) + _("use one of: {keys}").format(keys=", ".join(tables))
    message = _("'{table}' is not a table of the {recipe} recipe")
    return [Problem(city_file(city), f"beacon.sources.{name}.table",
                    message.format(table=src.table, recipe=recipe.name), fix)]  # fmt: skip


def source_problems(city: City, name: str, src: BeaconSource) -> list[Problem]:
    """A Beacon source of a city whose recipe exists: it feeds a table of the recipe, its file
    exists, its mapping names only fields of the table's schema, and every required field is
    mapped (a column, a constant or the unpivot)."""
    file, where = city_file(city), f"beacon.sources.{name}"
    if wrong_table := table_problems(city, name, src):
        return wrong_table
    out = (
        []
        if (repo_root() / src.path).is_file()
        else [missing_file(file, f"{where}.path", src.path)]
    )
    known = list(schema.fields(src.table))
    mapped = [*src.columns, *src.constants, *src.values]
    if src.unpivot:
        mapped += [src.unpivot.into, src.unpivot.value]
    for section in ("columns", "constants", "values"):
        for fld in getattr(src, section):
            if fld not in known:
                out.append(_unknown_field(file, f"{where}.{section}.{fld}", fld, src.table, known))
    if src.unpivot:
        for part in ("into", "value"):
            fld = getattr(src.unpivot, part)
            if fld not in known:
                out.append(_unknown_field(file, f"{where}.unpivot.{part}", fld, src.table, known))
    out += public_problems(city, name, src)
    missing = [f for f in schema.required(src.table) if f not in mapped]
    if missing:
        out.append(
            Problem(
                file,
                f"{where}.columns",
                _("required field(s) of the {table} schema not mapped: {fields}").format(
                    table=src.table, fields=", ".join(missing)
                ),
                _("map each under `columns:` (an export column) or `constants:` (a fixed value)"),
            )
        )
    return out


def public_problems(city: City, name: str, src: BeaconSource) -> list[Problem]:
    """A source's `public:` declarations: each names a field mapped under `columns:`, one of
    the kinds the city's recipe accepts (`Recipe.public_kinds`, or a former name of one,
    `Recipe.former_kinds`) and a reason (the Beacon build refuses them too)."""
    recipe = recipes.of(city)
    file, out, kinds = city_file(city), [], list(recipe.public_kinds)
    for fld, decl in src.public.items():
        where = f"beacon.sources.{name}.public.{fld}"
        if fld not in src.columns:
            message = _("'{field}' is declared public but not mapped under columns")
            fix = _("declare one of the mapped fields: {fields}")
            out.append(Problem(file, where, message.format(field=fld),
                               fix.format(fields=", ".join(src.columns))))  # fmt: skip
        if decl.kind not in kinds and decl.kind not in recipe.former_kinds:
            out.append(
                Problem(
                    file,
                    f"{where}.kind",
                    _("'{kind}' is not a kind of public column").format(kind=decl.kind),
                    did_you_mean(decl.kind, kinds)
                    + _("use one of: {keys}").format(keys=", ".join(kinds)),
                )
            )
        if not decl.reason:
            out.append(
                Problem(
                    file,
                    f"{where}.reason",
                    _("no reason given for declaring '{field}' public").format(field=fld),
                    _(
                        "say in one line why this column is public by design (for example "
                        "'in the public planning register'), as agreed with your data "
                        "protection lead"
                    ),
                )
            )
    return out


def _unknown_field(file: str, field: str, name: str, table: str, known: list[str]) -> Problem:
    return Problem(
        file,
        field,
        _("'{field}' is not a field of the {table} schema").format(field=name, table=table),
        did_you_mean(name, known) + _("use one of: {keys}").format(keys=", ".join(known)),
    )
