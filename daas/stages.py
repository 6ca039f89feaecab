"""A city's outputs, computed by one explicit step before anything reads them.

`compute(city)` runs each stage in dependency order and writes its outputs under
`_build/cities/<slug>/`: the Beacon (data package, SQLite, run record), the ethics record, the
Data Service Standard assessment, the community tracker's sample records (when the city has
none) and the programme outputs. A stage is skipped when its inputs are unchanged: its key is a
content hash of its input files, the `daas` package, the day the city counts to and the keys of
the stages it reads. The keys live in `_build/cities/<slug>/stages.json`.

`daas city build`, `daas book build` and `daas workshop run` run this first, once; book pages,
notebooks and state readers only read what it wrote, and say which command to run when an output
is missing (`missing`). One process computes a city at a time (a lock on the city's folder), so
no two processes ever publish the same folder.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from daas.core.city import City, load_city
from daas.core.errors import DaasError
from daas.core.i18n import N_, _
from daas.core.io import atomic_write_text, locked
from daas.core.paths import city_build_dir, repo_root

KEYS = "stages.json"


@dataclass(frozen=True)
class Stage:
    """One output of a city: what it reads, what it needs first, how to compute it."""

    name: str
    title: str  # for people, marked for translation
    inputs: Callable[[City], list[Path]]
    run: Callable[[City], object]
    output: Callable[[City], Path]  # a file the stage writes: no file, no skipping
    applies: Callable[[City], bool] = lambda city: True
    after: tuple[str, ...] = ()  # stages whose outputs it reads (their keys are in its key)


# Outcome statuses, marked for translation.
STATUSES = (N_("ok"), N_("skipped"), N_("not-applicable"), N_("failed"))


@dataclass(frozen=True)
class Outcome:
    stage: str
    status: str  # "ok", "skipped" (unchanged), "not-applicable" or "failed"
    error: str = ""
    seconds: float = 0.0  # how long the stage took


def _city_file(city: City) -> Path:
    return repo_root() / "cities" / f"{city.slug}.yml"


def _city_inputs(city: City) -> list[Path]:
    """The city file and every dataset it declares."""
    return [_city_file(city), *(repo_root() / d.path for d in city.datasets.values())]


def _beacon_inputs(city: City) -> list[Path]:
    from daas.beacon.pipeline import beacon_of, with_sample_beacon

    sources = beacon_of(with_sample_beacon(city)).sources.values()
    mappings = sorted((repo_root() / "cities" / "mappings").glob("*.yml"))
    return [*_city_inputs(city), *mappings, *(repo_root() / s.path for s in sources)]


def _build_beacon(city: City) -> None:
    from daas.beacon.pipeline import build, with_sample_beacon

    build(with_sample_beacon(city), progress=False)


def _ethics_inputs(city: City) -> list[Path]:
    from daas.ethics.review import answers_path

    return [_city_file(city), *([answers_path(city)] if city.ethics_answers else [])]


def _ethics_applies(city: City) -> bool:
    from daas.ethics.review import has_answers

    return has_answers(city)


def _write_ethics(city: City) -> None:
    from daas.ethics.review import write_assessment

    write_assessment(city)


def _standard_inputs(city: City) -> list[Path]:
    from daas.standard.assess import evidence_path, run_record_path

    return [_city_file(city), evidence_path(city.slug), run_record_path(city.slug)]


def _standard_applies(city: City) -> bool:
    from daas.standard.assess import evidence_path

    return evidence_path(city.slug).exists()


def _write_standard(city: City) -> None:
    from daas.standard import assess

    assess.write(assess.assess(city))


def _programme_inputs(city: City) -> list[Path]:
    out = city_build_dir(city.slug)
    return [*_city_inputs(city), out / "beacon-runs.jsonl", *_ethics_inputs(city),
            *_standard_inputs(city)]  # fmt: skip


def _out(*parts: str) -> Callable[[City], Path]:
    return lambda city: city_build_dir(city.slug).joinpath(*parts)


def _write_programme(city: City) -> None:
    from daas.programme.outputs import write_all

    write_all(city)


STAGES: tuple[Stage, ...] = (
    Stage(
        "beacon",
        N_("the Beacon Data Service"),
        _beacon_inputs,
        _build_beacon,
        _out("beacon", "run.json"),
        City.has_beacon,
    ),
    Stage(
        "ethics",
        N_("the data ethics record"),
        _ethics_inputs,
        _write_ethics,
        _out("ethics", "assessment.json"),
        _ethics_applies,
    ),
    Stage(
        "standard",
        N_("the Data Service Standard assessment"),
        _standard_inputs,
        _write_standard,
        _out("standard", "assessment.json"),
        _standard_applies,
        after=("beacon",),
    ),
    Stage(
        "programme",
        N_("the programme outputs"),
        _programme_inputs,
        _write_programme,
        _out("programme", "briefing.html"),
        after=("beacon", "ethics", "standard"),
    ),
)


@cache
def _package_digest() -> str:
    """A content hash of the `daas` package: new code may compute different outputs."""
    h = hashlib.sha256()
    for f in sorted((repo_root() / "daas").rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(f.relative_to(repo_root()).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _key(stage: Stage, city: City, upstream: dict[str, str]) -> str:
    h = hashlib.sha256()
    h.update(f"{stage.name}\0{city.today().isoformat()}\0{_package_digest()}\0".encode())
    for path in stage.inputs(city):
        h.update(str(path).encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"<missing>")
    for name in stage.after:
        h.update(f"\0{name}={upstream.get(name, '')}".encode())
    return h.hexdigest()


def _read_keys(slug: str) -> dict[str, str]:
    try:
        return json.loads((city_build_dir(slug) / KEYS).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def compute(
    city: str | City, force: bool = False, on_stage: Callable[[Stage], None] | None = None
) -> list[Outcome]:
    """Compute the city's outputs, skipping stages whose inputs are unchanged. A failed stage is
    an Outcome; the stages after it still run (they report what they could not read, as the
    briefing reports a failed Beacon run), and run again next time, since its key is not kept.
    `on_stage` is told of each stage as it starts."""
    city = load_city(city) if isinstance(city, str) else city
    outcomes: list[Outcome] = []
    with locked(city_build_dir(city.slug) / ".stages.lock"):
        keys, done = _read_keys(city.slug), dict[str, str]()
        for stage in STAGES:
            if on_stage is not None:
                on_stage(stage)
            started = time.perf_counter()
            outcome, key = _run(stage, city, keys, done, force)
            outcome = replace(outcome, seconds=time.perf_counter() - started)
            outcomes.append(outcome)
            if outcome.status in ("ok", "skipped"):
                done[stage.name] = key
                keys[stage.name] = key
            else:
                keys.pop(stage.name, None)
        atomic_write_text(city_build_dir(city.slug) / KEYS, json.dumps(keys, indent=1) + "\n")
    return outcomes


def _run(
    stage: Stage, city: City, keys: dict[str, str], done: dict[str, str], force: bool
) -> tuple[Outcome, str]:
    if not stage.applies(city):
        return Outcome(stage.name, "not-applicable"), ""
    key = _key(stage, city, done)
    if not force and keys.get(stage.name) == key and stage.output(city).exists():
        return Outcome(stage.name, "skipped"), key
    try:
        stage.run(city)
    except DaasError as exc:
        return Outcome(stage.name, "failed", str(exc)), ""
    return Outcome(stage.name, "ok"), key


def check(outcomes: list[Outcome], city: City) -> None:
    """Raise one DaasError naming every stage that failed (for commands that need them all)."""
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        from daas.core.errors import Problem

        fix = _("fix it, then run `daas city build --city {slug}`").format(slug=city.slug)
        where = f"cities/{city.slug}.yml"
        raise DaasError([Problem(where, o.stage, o.error, fix) for o in failed], exit_code=1)
