"""City parameter files (`cities/<slug>.yml`): the schema, loading, and validation.

A city file is data, never code: it is read with `yaml.safe_load`, every value is checked against
the schema below, and every problem is reported at once with the field and the fix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from daas.core.city_programme import Programme, Readiness, Showcase
from daas.core.errors import DaasError, Problem
from daas.core.i18n import N_, _
from daas.core.paths import cities_dir, repo_root

DEFAULT_CITY = "port-mallory"
# each language's example city: the site in that language shows it (`daas book build`)
EXAMPLE_CITIES = {"en": "port-mallory", "es": "villa-ondina", "pt": "vale-do-sereno"}
DEFAULT_RECIPE = "housing"  # the Beacon recipe of a city file that names none
# dataset keys a city file may still use, and the key the workshops read them under
DATASET_ALIASES = {"housing_applications": "person_records"}
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


class AddedPoint(_Strict):
    """A point a city adds to its fork of the Data Service Standard."""

    id: str = Field(pattern=SLUG_RE, max_length=60)
    title: PlainText
    toolkit: list[str] = Field(min_length=1, max_length=10)


class StandardFork(_Strict):
    """How a city adapts the Data Service Standard: rename, drop or add points (by point id)."""

    rename: dict[str, PlainText] = Field(default_factory=dict)
    drop: list[str] = Field(default_factory=list)
    add: list[AddedPoint] = Field(default_factory=list)


class BeaconUnpivot(_Strict):
    """Turn wide count columns (one per income band, say) into one row per column."""

    columns: dict[str, str] = Field(min_length=1)  # export column -> value of `into`
    into: str = Field(min_length=1, max_length=60)  # schema field that receives the value
    value: str = Field(default="units", min_length=1, max_length=60)  # schema field for counts


class PublicColumn(_Strict):
    """A schema field declared to hold the addresses, names or coordinates of places public by
    design, named for what they are: a housing inventory's buildings (`building-address`,
    `building-name`, `building-location`), the street places where service requests were
    reported (`street-address`, `street-location`). The privacy gate accepts addresses or exact
    coordinates there, never people's names, emails, phones or ids, and the declaration and its
    reason go into run.json and the staff page. `KINDS` are every kind the privacy gate knows;
    each Beacon recipe accepts its own (`Recipe.public_kinds`, and the former names it still
    reads, `Recipe.former_kinds`). A kind the city's recipe does not accept or an empty reason is
    reported by `daas city validate` (in the city's language, `daas.beacon.mapping_checks`) and
    stops a Beacon build."""

    KINDS: ClassVar[tuple[str, ...]] = (
        "building-address", "building-name", "building-location", "street-address",
        "street-location",
    )  # fmt: skip

    kind: str = Field(max_length=60)
    reason: str = Field(default="", max_length=500)


class BeaconMapping(_Strict):
    """How one export's columns map onto a Beacon table schema, declared without code."""

    # one of the input tables of the city's recipe (checked by `daas.beacon.mapping_checks`)
    table: str = Field(min_length=1, max_length=60)
    columns: dict[str, str | list[str]] = Field(default_factory=dict)  # field -> column(s)
    constants: dict[str, str] = Field(default_factory=dict)  # field -> fixed value
    values: dict[str, dict[str, str]] = Field(default_factory=dict)  # field -> {export: schema}
    unpivot: BeaconUnpivot | None = None
    encoding: str | None = Field(default=None, max_length=40)  # detected when omitted
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)  # detected too
    # export columns that hold contact details public by design (a housing office's phone)
    allowed_columns: list[str] = Field(default_factory=list)
    # schema fields declared to hold public places' addresses, names or coordinates (PublicColumn)
    public: dict[str, PublicColumn] = Field(default_factory=dict)
    # how the export writes dates (`%d/%m/%Y`), for every date field or per field; day/month
    # order is inferred from unambiguous values when omitted
    date_format: str | dict[str, str] | None = None
    # field -> export values that mean "unknown" or "never" (`12/31/2099`, `TBD`), published blank
    placeholders: dict[str, list[str]] = Field(default_factory=dict)
    decimal: Literal[".", ","] | None = None  # the decimal mark of numbers; inferred when omitted

    @field_validator("date_format")
    @classmethod
    def _date_format(cls, v: str | dict[str, str] | None) -> str | dict[str, str] | None:
        for fmt in [v] if isinstance(v, str) else (v or {}).values():
            if not all(code in fmt for code in ("%d", "%m", "%Y")):
                raise ValueError("a date format needs %d, %m and %Y, e.g. %d/%m/%Y")
        return v


class BeaconSource(BeaconMapping):
    """One export the Beacon reads: public data, or partner data that is never published raw."""

    path: str = Field(min_length=1, max_length=300)
    role: Literal["public", "partner"] = "public"
    as_of: date | None = None  # the day the export was taken
    description: PlainText | None = None

    @field_validator("path")
    @classmethod
    def _inside_repo(cls, v: str) -> str:
        return Dataset._inside_repo(v)


class ContactPoint(_Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)


class Beacon(_Strict):
    """The Beacon Data Service: its recipe (the problem it serves, `daas beacon recipes`), its
    sources, their mappings and the publishing metadata."""

    recipe: str = Field(default=DEFAULT_RECIPE, min_length=1, max_length=60)
    # the service's title; the recipe's (`daas.beacon.recipes.title`) when omitted
    title: str | None = Field(default=None, min_length=1, max_length=200)
    sources: dict[str, BeaconSource] = Field(min_length=1)
    publisher: str = Field(min_length=1, max_length=200)
    contact_point: ContactPoint
    licence: Literal["CC-BY-4.0", "CC0-1.0", "ODC-BY-1.0", "ODC-PDDL-1.0", "OGL-UK-3.0"] = (
        "CC-BY-4.0"
    )
    update_frequency: Literal["daily", "weekly", "monthly", "quarterly", "annually"] = "monthly"
    area_median_income: float | None = Field(default=None, gt=0)  # for sample income limits
    # the city's IANA time zone: date-times without an offset are local there, and the Open311
    # API answers in it (the service-requests recipe needs it)
    timezone: str | None = Field(default=None, min_length=1, max_length=60)
    # service-requests recipe: target days to close, by service code or name
    service_levels: dict[str, Annotated[float, Field(gt=0, le=3650)]] = Field(default_factory=dict)
    # service-requests recipe: the city's own request types that concern people (regular
    # expressions over lower-case text without accents), beside the recipe's list
    sensitive_categories: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list
    )
    # service-requests recipe: requests of one service at one place that make it a repeat location
    repeat_min_requests: int = Field(default=3, ge=2, le=100)

    @field_validator("timezone")
    @classmethod
    def _iana_zone(cls, v: str | None) -> str | None:
        if v is not None and v not in _zones():
            from daas.core.errors import did_you_mean

            raise ValueError(
                f"'{v}' is not an IANA time zone: {did_you_mean(v, sorted(_zones()))}"
                "use a name such as America/Argentina/Buenos_Aires or Europe/Lisbon"
            )
        return v

    @field_validator("sensitive_categories")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        for pattern in v:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(
                    f"'{pattern}' is not a regular expression ({exc}): write the words to "
                    r"match, e.g. 'violencia familiar' or '\bscrie\b'"
                ) from None
        return v


@cache
def _zones() -> frozenset[str]:
    """Every IANA time zone name this system knows (read once)."""
    from zoneinfo import available_timezones

    return frozenset(available_timezones())


class Launch(_Strict):
    """Where participants open the city's notebooks online: launch buttons on the notebook pages
    of the city's edition. `jupyterhub_url` is the city's masterclass hub (`daas hub config`),
    which already holds each participant's copy of the pack; Binder builds the image from the
    kit's repository (`binder/`)."""

    repository_url: str | None = Field(default=None, pattern=r"^https://[^\s<>\"']+$",
                                       max_length=300)  # fmt: skip
    branch: str = Field(default="main", pattern=r"^[\w./-]+$", max_length=100)
    binderhub_url: str | None = Field(default=None, pattern=r"^https://[^\s<>\"']+$",
                                      max_length=300)  # fmt: skip
    jupyterhub_url: str | None = Field(default=None, pattern=r"^https://[^\s<>\"']+$",
                                       max_length=300)  # fmt: skip

    @model_validator(mode="after")
    def _complete(self) -> Launch:
        if not (self.binderhub_url or self.jupyterhub_url):
            raise ValueError(N_("no jupyterhub_url (the city's hub) or binderhub_url to open"))
        if self.binderhub_url and not self.repository_url:
            raise ValueError(N_("a binderhub_url without the repository_url Binder builds from"))
        return self


class City(_Strict):
    """Everything the kit needs to know about one city."""

    slug: str = Field(pattern=SLUG_RE, max_length=60)
    name: str = Field(min_length=1, max_length=120)
    fictional: bool = False
    # fictional cities only: the day the kit treats as today (data age, milestone status, the
    # briefing's date), so the example pages are the same whenever they are built
    reference_date: date | None = None
    country: str = Field(min_length=2, max_length=80)
    language: Language = "en"
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    priority_problem: PlainText
    datasets: dict[str, Dataset] = Field(default_factory=dict)
    privacy: Privacy = Privacy()
    team: list[TeamMember] = Field(default_factory=list)
    standard: StandardFork = StandardFork()
    beacon: Beacon | None = None
    launch: Launch | None = None
    # the programme companion (daas.programme): fit for the track, milestones, case-study text
    readiness: Readiness | None = None
    programme: Programme | None = None
    showcase: Showcase | None = None
    # the ethics assessment answers (daas.ethics.review), relative to the repository root
    ethics_answers: str | None = Field(
        default=None, max_length=300, pattern=r"^[\w-][\w./-]*\.ya?ml$"
    )

    def today(self) -> date:
        """Today, or the fictional city's `reference_date`."""
        return self.reference_date or date.today()

    def has_beacon(self) -> bool:
        """Whether the city has a Beacon to build and show: its own sources, or the kit's sample
        for a fictional city (a real city never gets made-up numbers)."""
        return self.fictional or bool(self.beacon and self.beacon.sources)

    @field_validator("ethics_answers")
    @classmethod
    def _ethics_inside_repo(cls, v: str | None) -> str | None:
        return None if v is None else Dataset._inside_repo(v)

    def beacon_recipe(self) -> str:
        """The Beacon recipe the city runs: `beacon.recipe`, housing when it names none."""
        return self.beacon.recipe if self.beacon else DEFAULT_RECIPE

    def declared_key(self, key: str) -> str:
        """The key under which the city file declares dataset `key`: the key itself, or a former
        key of it (`DATASET_ALIASES`) when only that one is declared."""
        if key in self.datasets:
            return key
        former = [old for old, new in DATASET_ALIASES.items() if new == key]
        return next((old for old in former if old in self.datasets), key)

    def dataset_path(self, key: str) -> Path:
        """Absolute path of a declared dataset (or of its former key, `DATASET_ALIASES`); a
        clear error names the missing key."""
        key = self.declared_key(key)
        if key not in self.datasets:
            raise DaasError.one(
                f"cities/{self.slug}.yml",
                f"datasets.{key}",
                _("this dataset is not declared"),
                _("add `datasets: {entry}` to the city file").format(
                    entry=f"{{{key}: {{path: ..., description: ...}}}}"
                ),
            )
        return repo_root() / self.datasets[key].path


_FIXES = {  # marked for the catalogue: a Problem is printed in the reader's (the city's) language
    "missing": N_("add this field"),
    "extra_forbidden": N_("remove this field, or check its spelling against cities/README.md"),
    "string_pattern_mismatch": N_("use the form shown in cities/README.md"),
    "literal_error": N_("use one of the allowed values"),
}
# pydantic's most frequent messages, translated when printed
_MESSAGES = (N_("Field required"), N_("Extra inputs are not permitted"))


def _problem(file: str, err: Mapping[str, Any]) -> Problem:
    loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
    fix = _FIXES.get(err["type"], N_("correct the value; cities/README.md documents every field"))
    if err["type"] == "value_error":  # a field's own check: its message says what is wrong
        return Problem(file, loc, str(err.get("ctx", {}).get("error", err["msg"])), fix)
    if err["type"] == "string_pattern_mismatch" and err["loc"][-1:] == ("slug",):
        fix = N_("use lower-case letters, digits and hyphens, matching the file name")
    return Problem(file, loc, err["msg"], fix)


def parse_city(data: object, file: str) -> City:
    """Validate already-loaded YAML data; raise DaasError listing every problem."""
    if not isinstance(data, dict):
        raise DaasError.one(
            file,
            "",
            _("the file is not a mapping of fields"),
            _("start from `daas city new` or cities/port-mallory.yml"),
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
            _("slug '{slug}' differs from the file name").format(slug=city.slug),
            _("rename the file to {slug}.yml or set slug: {stem}").format(
                slug=city.slug, stem=stem
            ),
        )
    if problems := _reference_date_problems(city, file) + _path_problems(city, file):
        raise DaasError(problems)
    return city


def _path_problems(city: City, file: str) -> list[Problem]:
    """Every path in the city file, resolved (symbolic links followed), stays in the repository."""
    paths = {f"datasets.{k}.path": d.path for k, d in city.datasets.items()}
    if city.beacon:
        paths |= {f"beacon.sources.{k}.path": s.path for k, s in city.beacon.sources.items()}
    if city.ethics_answers:
        paths["ethics_answers"] = city.ethics_answers
    root = repo_root().resolve()
    message = _("{path} leads outside the repository (through a symbolic link)")
    fix = _("copy the file into the repository, e.g. under data/{slug}/, and point to it there")
    return [
        Problem(file, field, message.format(path=path), fix.format(slug=city.slug))
        for field, path in paths.items()
        if not (root / path).resolve().is_relative_to(root)
    ]


def _reference_date_problems(city: City, file: str) -> list[Problem]:
    """`reference_date` belongs to fictional cities and is not before any source's data."""
    ref = city.reference_date
    if ref is None:
        return []
    if not city.fictional:
        return [
            Problem(
                file,
                "reference_date",
                _("only a fictional city may fix the day the kit treats as today"),
                _("remove it: a real city's data age and milestones count to today"),
            )
        ]
    return [
        Problem(
            file,
            f"beacon.sources.{name}.as_of",
            _("{as_of} is after reference_date ({reference_date})").format(
                as_of=src.as_of, reference_date=ref
            ),
            _("set reference_date on or after every source's as_of"),
        )
        for name, src in (city.beacon.sources.items() if city.beacon else [])
        if src.as_of and src.as_of > ref
    ]


def load_city_file(path: Path) -> City:
    """Load and validate one city file."""
    shown = _shown(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DaasError.one(
            shown, "", _("file not found"), _("check the slug with `daas city list`")
        ) from None
    except UnicodeDecodeError:
        raise DaasError.one(
            shown, "", _("the file is not UTF-8 text"), _("save it as UTF-8 in your editor")
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise DaasError.one(
            shown,
            where,
            _("not valid YAML ({reason})").format(reason=getattr(exc, "problem", exc)),
            _("fix the indentation or quoting on that line"),
        ) from None
    return parse_city(data, shown)


def load_city(slug: str = DEFAULT_CITY) -> City:
    """Load `cities/<slug>.yml`."""
    if not re.match(SLUG_RE, slug or ""):
        raise DaasError.one(
            "--city",
            "",
            _("'{slug}' is not a city slug").format(slug=slug),
            _("use lower-case letters, digits and hyphens; see `daas city list`"),
        )
    return load_city_file(cities_dir() / f"{slug}.yml")


def current_city() -> City:
    """The city a book build is for: $DAAS_CITY (set by `daas book build`), else the example."""
    return load_city(os.environ.get("DAAS_CITY") or DEFAULT_CITY)


NEW_CITY_TEMPLATE = """\
# {name}: parameters for the Data Service Toolkit. Every field is documented in cities/README.md.
slug: {slug}
name: {name_yaml}
fictional: false
country: {country}
language: {language}
currency: {currency}
priority_problem: >-
  Describe, in one or two sentences, the problem the Beacon Data Service will tackle.
datasets: {{}}
privacy:
  min_cell_size: 10
team:
  - role: programme-lead
  - role: standard-lead
  - role: beacon-lead
  - role: community-co-lead
  - role: community-co-lead
"""


def new_city_file(slug: str, name: str, language: str = "en", country: str = "US",
                  currency: str = "USD") -> Path:  # fmt: skip
    """Write `cities/<slug>.yml` from the template, validated first; never overwrite a city."""
    import json

    from daas.core.io import atomic_write_text

    q = json.dumps  # JSON strings are YAML strings: no value can add a field or break the file
    text = NEW_CITY_TEMPLATE.format(
        slug=q(slug),
        name=name.replace("\n", " "),
        name_yaml=q(name),
        country=q(country),
        language=q(language),
        currency=q(currency),
    )
    path = cities_dir() / f"{slug}.yml"
    parse_city(yaml.safe_load(text), f"cities/{slug}.yml")
    if path.exists():
        raise DaasError.one(
            f"cities/{slug}.yml",
            "",
            _("a city file with this slug already exists"),
            _("choose another slug, or edit the existing file"),
        )
    atomic_write_text(path, text)
    return path


def list_cities() -> list[str]:
    """Slugs of every city file."""
    return sorted(p.stem for p in cities_dir().glob("*.yml"))


def city_file(city: City) -> str:
    """The city's file as problems name it: `cities/<slug>.yml`."""
    return f"cities/{city.slug}.yml"


def missing_file(file: str, field: str, path: str) -> Problem:
    """A file the city file names (`field`) is not there."""
    return Problem(
        file,
        field,
        _("{path} does not exist").format(path=path),
        _("put the file there, or correct the path (relative to the repository root)"),
    )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(repo_root()))
    except ValueError:
        return str(path)
