"""The Beacon's recipes by name: what `beacon.recipe` in a city file may choose.

A recipe is added by listing its instance in `RECIPES` (see `daas.beacon.recipe`).
"""

from __future__ import annotations

from daas.beacon.recipe import QUALITY_TABLE, Recipe
from daas.beacon.recipes.housing import HOUSING
from daas.beacon.recipes.service_requests import SERVICE_REQUESTS
from daas.core.city import DEFAULT_RECIPE, City, city_file
from daas.core.errors import DaasError, did_you_mean
from daas.core.i18n import _

RECIPES: tuple[Recipe, ...] = (HOUSING, SERVICE_REQUESTS)


def names() -> list[str]:
    """Every recipe's name, in registry order."""
    return [r.name for r in RECIPES]


def all() -> tuple[Recipe, ...]:
    """Every recipe, in registry order."""
    return RECIPES


def get(name: str, file: str) -> Recipe:
    """The recipe called `name`; a DaasError naming `beacon.recipe` in `file` otherwise."""
    for recipe in RECIPES:
        if recipe.name == name:
            return recipe
    raise DaasError.one(
        file,
        "beacon.recipe",
        _("'{name}' is not a Beacon recipe").format(name=name),
        did_you_mean(name, names()) + _("use one of: {keys}").format(keys=", ".join(names())),
    )


def of(city: City) -> Recipe:
    """The recipe the city file chooses (`housing` without a `beacon:` section)."""
    return get(city.beacon.recipe if city.beacon else DEFAULT_RECIPE, city_file(city))


def title(city: City) -> str:
    """The service's title: the city file's `beacon.title`, else its recipe's."""
    own = city.beacon.title if city.beacon else None
    return own or of(city).title


def for_table(table: str) -> Recipe:
    """The recipe whose input or published tables include `table` (names are unique)."""
    for recipe in RECIPES:
        if table in recipe.input_tables or (
            table in recipe.public_tables and table != QUALITY_TABLE
        ):
            return recipe
    raise KeyError(f"no Beacon recipe has a table called {table!r}")
