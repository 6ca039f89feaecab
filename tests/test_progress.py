"""`daas workshop run` never goes silent: the book build reports its phase and share of pages,
each city's edition shows them, and the city stages and handouts name the city and stage."""

from __future__ import annotations

import io
import queue
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from daas.core.city import load_city
from daas.packs import cli
from daas.site import book

# what jupyter-book prints while it builds (Sphinx colours its phase names)
SPHINX_LINES = [
    "Running Jupyter-Book v1.0.4",
    "\x1b[01mreading sources... \x1b[39;49;00m[  7%] \x1b[35mbook/index\x1b[39;49;00m",
    "\x1b[01mreading sources... \x1b[39;49;00m[100%] \x1b[35mbook/toolkit/track\x1b[39;49;00m",
    "\x1b[01mwriting output... \x1b[39;49;00m[ 42%] \x1b[32mbook/sources\x1b[39;49;00m",
]


def test_a_quiet_build_reports_its_phases_and_keeps_its_whole_log(tmp_path: Path) -> None:
    script = "import sys\n" + "".join(f"print({line!r})\n" for line in SPHINX_LINES)
    script += "print('WARNING: a warning', file=sys.stderr)\nsys.exit(3)\n"
    told: list[tuple[str, int]] = []
    code, log = book._quiet_build(
        [sys.executable, "-c", script], {}, tmp_path, lambda *a: told.append(a)
    )
    assert code == 3
    assert told == [("reading", 7), ("reading", 100), ("writing", 42)]
    assert log.splitlines() == [*SPHINX_LINES, "WARNING: a warning"]


def _fake_edition(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def build_edition(city, force=False, progress=None):
        progress("reading", 50)
        time.sleep(0.4)  # the display refreshes ten times a second
        progress("writing", 100)
        return tmp_path / city.slug / "index.html"

    monkeypatch.setattr("daas.site.edition.build_edition", build_edition)


def test_an_edition_shows_its_city_phase_and_share(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fake_edition(monkeypatch, tmp_path)
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=200)
    results = cli.build_editions([load_city("port-mallory")], False, 1, console)
    assert [r.status for r in results] == ["ok"]
    shown = out.getvalue()
    assert "port-mallory: building the edition of the site: reading the pages 50%" in shown
    assert f"port-mallory: {tmp_path / 'port-mallory' / 'index.html'}" in shown


def test_an_edition_in_a_worker_tells_the_display_through_a_queue(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fake_edition(monkeypatch, tmp_path)
    told: queue.Queue = queue.Queue()
    result = cli._edition(load_city("villa-ondina"), False, told)
    assert result.status == "ok"
    assert [told.get_nowait(), told.get_nowait()] == [
        ("villa-ondina", "reading", 50),
        ("villa-ondina", "writing", 100),
    ]


def test_city_stages_are_shown_by_city_and_stage_and_timed_each(city_tree: Path) -> None:
    from daas import stages

    seen: list[str] = []
    outcomes = stages.compute(load_city("port-mallory"), on_stage=lambda s: seen.append(s.name))
    assert seen == [s.name for s in stages.STAGES] == [o.stage for o in outcomes]
    assert all(o.seconds >= 0 for o in outcomes)
    assert max(o.seconds for o in outcomes) > 0  # the Beacon was built: it took some time
