"""The Beacon's run records: `beacon/run.json` for the published output, and an append-only
history `beacon-runs.jsonl` beside it (outside the atomic folder, so failed runs are kept too)."""

from __future__ import annotations

import json
from pathlib import Path

from daas.core.i18n import N_
from daas.core.paths import city_build_dir

# the six quality dimensions; pages show them translated (`_(key)`)
QUALITY_KEYS = (
    N_("accuracy"),
    N_("completeness"),
    N_("uniqueness"),
    N_("consistency"),
    N_("timeliness"),
    N_("validity"),
)


def output_dir(slug: str) -> Path:
    return city_build_dir(slug) / "beacon"


def history_path(slug: str) -> Path:
    return city_build_dir(slug) / "beacon-runs.jsonl"


def run_history(slug: str) -> list[dict]:
    """Every recorded run, oldest first (published and failed). Unreadable lines are skipped."""
    path = history_path(slug)
    if not path.exists():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return runs


def latest_run(slug: str) -> dict | None:
    """The run record of the output now published (`beacon/run.json`), or None if never built."""
    path = output_dir(slug) / "run.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def append_history(slug: str, record: dict) -> None:
    """Append one run record as a line (a single small append: whole lines or nothing)."""
    path = history_path(slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def empty_record(slug: str, started: str) -> dict:
    """A run record with every contract key, for a run that has not got far."""
    return {
        "city": slug,
        "started": started,
        "finished": started,
        "status": "failed",
        "package_valid": False,
        "quality": dict.fromkeys(QUALITY_KEYS, 0.0),
        "privacy_gate": {"passed": False, "reasons": []},
        "metadata_complete": 0.0,
        "freshness_days": 0,
        "rows_published": 0,
        "rows_suppressed": 0,
        "pages": [],  # the page data files the run wrote
        "public_columns": [],  # columns declared to hold public places (buildings, streets)
        "restricted_issues": [],  # restricted tables' failing rows by field and reason, counted
    }
