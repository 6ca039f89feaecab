"""A real city never gets invented numbers; every page showing sample data says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from daas import stages
from daas.beacon import pages, pipeline
from daas.cli import main
from daas.core.city import City, load_city
from daas.core.errors import DaasError
from daas.core.i18n import _, use_language
from daas.core.samples import note_text, sample_note


def _real_town(tree: Path) -> City:
    assert main(["city", "new", "real-town", "--name", "Real <b>Town</b>"]) == 0
    return load_city("real-town")


def _written(tree: Path, slug: str) -> list[Path]:
    return sorted((tree / "data").rglob("*")) if (tree / "data" / slug).exists() else []


def test_real_city_without_sources_gets_no_sample_beacon(city_tree: Path, capsys) -> None:
    city = _real_town(city_tree)
    with pytest.raises(DaasError) as exc:
        pipeline.with_sample_beacon(city)
    problem = exc.value.problems[0]
    assert problem.file == "cities/real-town.yml" and problem.field == "beacon"
    assert "does not make up sample Beacon data for a real city" in problem.message
    assert "beacon.sources" in problem.fix or "sources:" in problem.fix
    with pytest.raises(DaasError):
        pipeline.with_overrides(city, min_cell_size=10)
    outcomes = {o.stage: o.status for o in stages.compute(city)}
    assert outcomes["beacon"] == "not-applicable"  # nothing built, nothing made up
    with pytest.raises(DaasError, match="daas city build"):
        pages.published_run(city)
    capsys.readouterr()
    assert main(["beacon", "generate", "--city", "real-town"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "fix:" in err
    assert not (city_tree / "data" / "real-town").exists()


def test_fictional_city_without_sources_still_gets_its_sample(city_tree: Path) -> None:
    city = load_city("port-mallory").model_copy(update={"beacon": None})
    assert pipeline.with_sample_beacon(city).beacon.publisher.endswith("(fictional sample data)")


def test_the_note_is_visible_in_the_reader_language_and_escaped(city_tree: Path) -> None:
    fictional = load_city("port-mallory")
    for lang in ("en", "es", "pt"):
        with use_language(lang):
            html = sample_note(fictional).data
            assert _("Sample data") in html and note_text(fictional) in html
    with use_language("es"):
        assert _("Sample data") != "Sample data"
    real = _real_town(city_tree)
    assert sample_note(real) is None  # a real city's own data carries no sample note
    html = sample_note(real, always=True).data
    assert "<b>" not in html and "Real &lt;b&gt;Town" not in html  # the generic note


def test_every_page_showing_sample_data_carries_the_note() -> None:
    root = Path(__file__).parent.parent / "book"
    pages = ["beacon/resident.md", "beacon/staff.md", "beacon/performance.md",
             "masterclasses/live-service.md"]  # fmt: skip
    for page in pages:
        assert "sample_note(" in (root / page).read_text(encoding="utf-8"), page
    # a recipe's part of a Beacon page (`% beacon-recipe: <part>`) shows with the page naming it
    parts = root / "beacon" / "recipes"
    text = {p: p.read_text(encoding="utf-8") for p in root.rglob("*.md")}
    pages_of = {p: [t for q, t in text.items() if f"% beacon-recipe: {p.stem}\n" in t]
                for p in text if p.is_relative_to(parts)}  # fmt: skip
    showing = [p for p, t in text.items() if "published_run(" in t]
    assert showing and all(
        all("sample_note(" in t for t in pages_of.get(p, [text[p]])) and pages_of.get(p) != []
        for p in showing
    )
