"""The programme's outputs for one city, written atomically to `_build/cities/<slug>/programme/`:
`readiness.json`, `progress.json`, `briefing.html` and `showcase.md`."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

from daas.core.city import City
from daas.core.i18n import _, use_language
from daas.core.io import atomic_write_text
from daas.core.paths import build_dir, city_build_dir
from daas.programme import briefing, milestones, readiness, showcase
from daas.programme.checks import warnings
from daas.programme.team import ROLES, open_places


def output_dir(slug: str) -> Path:
    return city_build_dir(slug) / "programme"


def _json(path: Path, data: dict) -> Path:
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def readiness_record(city: City) -> dict:
    with use_language(city.language):
        return {"city": city.slug, **readiness.check(city).to_dict()}


def progress_record(city: City, today: date | None = None) -> dict:
    """Milestones planned against done, the team's open places, and the city file's warnings."""
    today = today or city.today()
    with use_language(city.language):
        rows = milestones.progress(city, today)
        places = open_places(city)
        return {
            "city": city.slug,
            "today": today.isoformat(),
            "start": city.programme.start if city.programme else None,
            "month": milestones.month_of_track(city, today),
            "milestones": [r.to_dict() for r in rows],
            "counts": milestones.counts(rows),
            "team": [
                {"role": r, "label": _(role.label), "wanted": role.people, "open": places[r]}
                for r, role in ROLES.items()
            ],
            "warnings": [asdict(p) for p in warnings(city, today)],
        }


def write_readiness(city: City) -> Path:
    return _json(output_dir(city.slug) / "readiness.json", readiness_record(city))


def write_progress(city: City, today: date | None = None) -> Path:
    return _json(output_dir(city.slug) / "progress.json", progress_record(city, today))


def write_briefing(city: City, today: date | None = None) -> Path:
    path = output_dir(city.slug) / "briefing.html"
    atomic_write_text(path, briefing.render(city, today))
    return path


def write_showcase(city: City, today: date | None = None) -> Path:
    path = output_dir(city.slug) / "showcase.md"
    atomic_write_text(path, showcase.render(city, today))
    return path


def write_all(city: City, today: date | None = None) -> list[Path]:
    """Every output for `city` (the `programme` stage of `daas.stages`, after the Beacon: a
    failed Beacon run is reported in the briefing's risks)."""
    return [
        write_readiness(city),
        write_progress(city, today),
        write_briefing(city, today),
        write_showcase(city, today),
    ]


def write_overview(data: list[dict] | None = None) -> Path:
    """The coaches' overview of every city file (`overview.rows()`), as JSON in
    `_build/programme/overview.json`."""
    from daas.programme import overview

    data = overview.rows() if data is None else data
    return _json(build_dir() / "programme" / "overview.json", {"cities": data})
