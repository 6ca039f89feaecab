"""The housing recipe: affordable homes (`recipe.Housing`), the Beacon's first recipe."""

from __future__ import annotations

from daas.beacon.recipes.housing.recipe import Housing

HOUSING = Housing()
