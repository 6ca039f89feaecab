"""City parameter files (`cities/<slug>.yml`): the schema, loading, and validation.

A city file is data, never code: it is read with `yaml.safe_load`, every value is checked against
the schema below, and every problem is reported at once with the field and the fix.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from daas.errors import DaasError, Problem
from daas.paths import cities_dir, repo_root

DEFAULT_CITY = "port-mallory"
SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Language = Literal["en", "es", "pt"]
PlainText = Annotated[str, Field(min_length=1, max_length=500)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class TeamMember(_Strict):
    """One of the programme roles and who fills it."""

    role: Literal["programme-lead", "standard-lead", "beacon-lead", "community-co-lead"]
    name: str | None = Field(default=None, max_length=200)
    hours_per_week: float | None = Field(default=None, ge=0, le=60)


class Dataset(_Strict):
    """A data file the city's notebooks read, relative to the repository root."""

    path: str = Field(min_length=1, max_length=300)
    description: PlainText

    @field_validator("path")
    @classmethod
    def _inside_repo(cls, v: str) -> str:
        p = Path(v)
        if p.is_absolute() or ".." in p.parts:
            raise ValueError("must be a relative path inside the repository, without '..'")
        return v


class Privacy(_Strict):
    """Disclosure-control settings for anything the city publishes."""

    min_cell_size: int = Field(default=10, ge=3, le=1000)


class City(_Strict):
    """Everything the kit needs to know about one city."""

    slug: str = Field(pattern=SLUG_RE, max_length=60)
    name: str = Field(min_length=1, max_length=120)
    fictional: bool = False
    country: str = Field(min_length=2, max_length=80)
    language: Language = "en"
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    priority_problem: PlainText
    datasets: dict[str, Dataset] = Field(default_factory=dict)
    privacy: Privacy = Privacy()
    team: list[TeamMember] = Field(default_factory=list)

    def dataset_path(self, key: str) -> Path:
        """Absolute path of a declared dataset; a clear error names the missing key."""
        if key not in self.datasets:
            raise DaasError.one(
                f"cities/{self.slug}.yml",
                f"datasets.{key}",
                "this dataset is not declared",
                f"add `datasets: {{{key}: {{path: ..., description: ...}}}}` to the city file",
            )
        return repo_root() / self.datasets[key].path


_FIXES = {
    "missing": "add this field",
    "extra_forbidden": "remove this field, or check its spelling against cities/README.md",
    "string_pattern_mismatch": "use the form shown in cities/README.md",
    "literal_error": "use one of the allowed values",
}


def _problem(file: str, err: dict) -> Problem:
    loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
    fix = _FIXES.get(err["type"], "correct the value; cities/README.md documents every field")
    if err["type"] == "string_pattern_mismatch" and err["loc"][-1:] == ("slug",):
        fix = "use lower-case letters, digits and hyphens, matching the file name"
    return Problem(file, loc, err["msg"], fix)


def parse_city(data: object, file: str) -> City:
    """Validate already-loaded YAML data; raise DaasError listing every problem."""
    if not isinstance(data, dict):
        raise DaasError.one(
            file,
            "",
            "the file is not a mapping of fields",
            "start from `daas city new` or cities/port-mallory.yml",
        )
    try:
        city = City.model_validate(data)
    except ValidationError as exc:
        raise DaasError([_problem(file, e) for e in exc.errors()]) from None
    stem = Path(file).stem
    if stem != city.slug and Path(file).suffix in {".yml", ".yaml"}:
        raise DaasError.one(
            file,
            "slug",
            f"slug '{city.slug}' differs from the file name",
            f"rename the file to {city.slug}.yml or set slug: {stem}",
        )
    return city


def load_city_file(path: Path) -> City:
    """Load and validate one city file."""
    shown = _shown(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DaasError.one(
            shown, "", "file not found", "check the slug with `daas city list`"
        ) from None
    except UnicodeDecodeError:
        raise DaasError.one(
            shown, "", "the file is not UTF-8 text", "save it as UTF-8 in your editor"
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise DaasError.one(
            shown,
            where,
            f"not valid YAML ({getattr(exc, 'problem', exc)})",
            "fix the indentation or quoting on that line",
        ) from None
    return parse_city(data, shown)


def load_city(slug: str = DEFAULT_CITY) -> City:
    """Load `cities/<slug>.yml`."""
    if not re.match(SLUG_RE, slug or ""):
        raise DaasError.one(
            "--city",
            "",
            f"'{slug}' is not a city slug",
            "use lower-case letters, digits and hyphens; see `daas city list`",
        )
    return load_city_file(cities_dir() / f"{slug}.yml")


def current_city() -> City:
    """The city a book build is for: $DAAS_CITY (set by `daas book build`), else the example."""
    return load_city(os.environ.get("DAAS_CITY") or DEFAULT_CITY)


def list_cities() -> list[str]:
    """Slugs of every city file."""
    return sorted(p.stem for p in cities_dir().glob("*.yml"))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(repo_root()))
    except ValueError:
        return str(path)
