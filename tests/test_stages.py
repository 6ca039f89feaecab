"""Stages write, readers read: `daas city build` computes a city's outputs once, skips what is
unchanged, and the book pages that show them only read (two languages built at once leave the
outputs byte-identical)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from daas import stages
from daas.beacon import pages
from daas.cli import main
from daas.core.city import load_city
from daas.core.errors import DaasError
from daas.core.paths import city_build_dir
from daas.site import book

CITY = "port-mallory"

READING_PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# The Beacon, read

```{code-cell} ipython3
from daas.beacon import pages
from daas.core.city import current_city
from daas.programme import briefing

city = current_city()
run = pages.published_run(city)
homes = pages.read_table(city.slug, "inventory")
b = briefing.gather(city)
print(run["status"], len(homes) > 0, bool(b.risks))
```
"""


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with a hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".stages.lock"
    }


def _statuses(outcomes: list[stages.Outcome]) -> dict[str, str]:
    return {o.stage: o.status for o in outcomes}


def test_a_city_build_computes_every_output_then_skips_what_is_unchanged(city_tree: Path) -> None:
    assert main(["city", "build", "--city", CITY]) == 0
    out = city_build_dir(CITY)
    for path in ("beacon/run.json", "ethics/assessment.json", "standard/assessment.json",
                 "programme/briefing.html", "stages.json"):  # fmt: skip
        assert (out / path).exists(), path
    before = _snapshot(out)
    assert set(_statuses(stages.compute(CITY)).values()) == {"skipped"}
    assert _snapshot(out) == before


def test_an_edited_input_recomputes_that_stage_and_the_ones_that_read_it(city_tree: Path) -> None:
    stages.compute(CITY)
    answers = city_tree / "cities" / "ethics" / f"{CITY}.yml"
    answers.write_text(answers.read_text(encoding="utf-8") + "\n# reviewed again\n")
    got = _statuses(stages.compute(CITY))
    assert got == {"beacon": "skipped", "ethics": "ok", "standard": "skipped", "programme": "ok"}


def test_a_deleted_output_is_computed_again(city_tree: Path) -> None:
    stages.compute(CITY)
    shutil.rmtree(city_build_dir(CITY) / "beacon")
    assert _statuses(stages.compute(CITY))["beacon"] == "ok"


def test_readers_name_the_command_when_an_output_is_missing(city_tree: Path) -> None:
    with pytest.raises(DaasError) as exc:
        pages.published_run(load_city(CITY))
    assert "daas city build --city port-mallory" in str(exc.value)
    assert not (city_build_dir(CITY) / "beacon").exists()  # reading built nothing


def test_a_failed_beacon_is_recorded_and_the_programme_still_reports_it(city_tree: Path) -> None:
    stages.compute(CITY)
    listings = city_tree / "data" / CITY / "beacon" / "listings.csv"
    lines = listings.read_bytes().decode("latin-1").split("\r\n")
    body = [line for line in lines[1:] if line]
    lines = [lines[0] + ";agent_email"] + [f"{r};tenant{i}@example.org" for i, r in enumerate(body)]
    listings.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    got = _statuses(stages.compute(CITY))
    assert got["beacon"] == "failed" and got["programme"] == "ok"
    briefing = (city_build_dir(CITY) / "programme" / "briefing.html").read_text(encoding="utf-8")
    assert "The privacy gate stopped the last Beacon run" in briefing
    assert main(["city", "build", "--city", CITY]) == 1
    assert _statuses(stages.compute(CITY))["beacon"] == "failed"  # tried again, not skipped


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_three_languages_built_at_once_leave_the_outputs_byte_identical(city_tree: Path) -> None:
    """The site's first language builds alone, then the others two at a time: their pages read
    the city's outputs and none of them writes one."""
    (city_tree / "book").mkdir()
    shutil.copytree(_kit_root() / "book" / "_assets", city_tree / "book" / "_assets")
    (city_tree / "book" / "beacon.md").write_text(READING_PAGE, encoding="utf-8")
    (city_tree / "_toc.yml").write_text("format: jb-book\nroot: book/beacon\n")
    shutil.copytree(_kit_root() / "locales", city_tree / "locales")
    stages.compute(CITY)
    before = _snapshot(city_build_dir(CITY))
    index, seconds = book.build_site(CITY, ("en", "es", "pt"), quiet=True)
    assert set(seconds) == {"en", "es", "pt"}
    assert _snapshot(city_build_dir(CITY)) == before
    for lang in ("en", "es", "pt"):
        page = (index.parent / lang / "book" / "beacon.html").read_text(encoding="utf-8")
        assert "published True" in page, lang


def _kit_root() -> Path:
    return Path(__file__).resolve().parent.parent


WRITERS = ("ensure_built(", "ensure_beacon(", "write_assessment(", "write_all(", "assess.write(",
           "stages.compute(", "pipeline.build(", ".sample(")  # fmt: skip


def test_no_book_page_calls_a_writer() -> None:
    """Pages read what `daas city build` computed; the one notebook that builds the Beacon is the
    workshop where participants run the pipeline themselves (04)."""
    pages_ = sorted((_kit_root() / "book").rglob("*.md"))
    notebooks = sorted((_kit_root() / "notebooks").glob("*.ipynb"))
    notebooks += sorted((_kit_root() / "exercises").rglob("*.ipynb"))
    found = [
        (p.name, w)
        for p in pages_ + notebooks
        for w in WRITERS
        if w in p.read_text(encoding="utf-8") and p.name != "04-build-your-beacon.ipynb"
    ]
    assert pages_ and notebooks and found == []


def test_an_edition_of_a_city_without_a_beacon_leaves_its_pages_out(city_tree: Path) -> None:
    import yaml

    from daas.site.edition import BEACON_PAGES, edition_toc

    assert main(["city", "new", "real-town", "--name", "Real Town"]) == 0
    city = load_city("real-town")
    toc = yaml.safe_load((_kit_root() / "_toc.yml").read_text(encoding="utf-8"))
    assert all(p in str(toc) for p in BEACON_PAGES)
    assert not any(p in str(edition_toc(toc, [], beacon=False)) for p in BEACON_PAGES)
    assert {o.stage: o.status for o in stages.compute(city)}["beacon"] == "not-applicable"


def test_the_pack_summary_shows_every_stage_status() -> None:
    """`daas workshop run` lists the city's stages with the notebooks, whatever their status."""
    import io

    from rich.console import Console

    from daas.packs.batch import summary_table
    from daas.packs.workshop import Result

    rows = [Result(CITY, o, s, 0.5, error=e) for o, s, e in (
        ("beacon", "ok", None), ("ethics", "not-applicable", None), ("standard", "skipped", None),
        ("programme", "failed", "the briefing could not be written"))]  # fmt: skip
    out = io.StringIO()
    Console(file=out, width=200).print(summary_table(rows))
    text = out.getvalue()
    assert all(s in text for s in ("not-applicable", "skipped", "failed", "ok"))
    assert "the briefing could not be written" in text and "cell None" not in text
