"""The Data Service Standard: the book's structure, a city's fork, and the assessment tool."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from daas.cli import main
from daas.core.city import load_city
from daas.core.errors import DaasError
from daas.standard import assess
from daas.standard.points import STAGES, base_points, city_points

ROOT = Path(__file__).resolve().parent.parent
POINT_PAGES = ROOT / "book" / "standard" / "points"
DOC_LINK = re.compile(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`")


def _toc_files() -> set[str]:
    def walk(node: object) -> set[str]:
        found: set[str] = set()
        if isinstance(node, dict):
            if "file" in node:
                found.add(str(node["file"]))
            for v in node.values():
                found |= walk(v)
        elif isinstance(node, list):
            for v in node:
                found |= walk(v)
        return found

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return walk(toc) | {toc["root"]}


def _resolve(page: Path, target: str) -> str:
    """A {doc} target as a path from the repository root, without suffix."""
    if target.startswith("/"):
        return target.lstrip("/")
    return str((page.parent / target).resolve().relative_to(ROOT))


# --- the book's structure ---------------------------------------------------------------------


def test_standard_has_12_to_15_points_with_unique_ids() -> None:
    ids = [p.id for p in base_points()]
    assert 12 <= len(ids) <= 15
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("point", base_points(), ids=lambda p: p.id)
def test_every_point_page_has_four_evidence_stages_and_toolkit_links(point) -> None:
    page = POINT_PAGES / f"{point.id}.md"
    text = page.read_text(encoding="utf-8")
    assert re.search(rf"^# \d+\. {re.escape(point.title)}$", text, re.M), "title differs"
    for heading in ("Why it matters", "What it means in practice", "Evidence to show"):
        assert re.search(rf"^## {heading}$", text, re.M), f"no '{heading}' section"
    evidence = text.split("## Evidence to show", 1)[1].split("\n## ", 1)[0]
    for stage in STAGES:
        body = re.search(rf"^### {stage.title()}\n(.+?)(?=^###|\Z)", evidence, re.M | re.S)
        assert body and body.group(1).strip(), f"no evidence for {stage}"
    toolkit_part = text.split("## Toolkit chapters that help", 1)[1].split("\n## ", 1)[0]
    linked = {_resolve(page, t) for t in DOC_LINK.findall(toolkit_part)}
    toc = _toc_files()
    assert linked, "no link into the Toolkit"
    assert set(point.toolkit) <= linked, "points.yml and the page list different Toolkit chapters"
    for target in linked:
        assert target.startswith("book/toolkit/"), f"{target} is not a Toolkit chapter"
        assert target in toc, f"{target} is not in _toc.yml"
    assert f"book/standard/points/{point.id}" in toc
    assert re.search(r"^## Sources$", text, re.M)


def test_book_has_the_standard_and_toolkit_parts() -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    captions = [p.get("caption") for p in toc["parts"]]
    assert "The Data Service Standard" in captions
    assert "The Data Service Toolkit" in captions
    files = _toc_files()
    for stage in ("discovery", "alpha", "beta", "live", "retirement"):
        assert f"book/toolkit/{stage}" in files
    for page in files:
        assert (ROOT / f"{page}.md").exists() or (ROOT / f"{page}.ipynb").exists(), page


def test_no_what_works_cities_criterion_text_is_reproduced() -> None:
    # Distinctive wording of WWC criteria descriptions (content-facts.md §4): must not appear.
    phrases = [
        "public-facing, documented standard for building and running",
        "track users and feed their needs into data services",
        "internal and resident-facing analytics services built on the inventory",
        "performance management routines",
        "disparate impact of automated decisions",
    ]
    text = "\n".join(p.read_text(encoding="utf-8").lower() for p in (ROOT / "book").rglob("*.md"))
    for phrase in phrases:
        assert phrase.lower() not in text, phrase


SOURCES = yaml.safe_load((ROOT / "book" / "_data" / "sources.yml").read_text(encoding="utf-8"))


def test_pages_that_name_public_sources_cite_them() -> None:
    """A page that names a public source cites it; one that uses GOV.UK material cites a source
    the registry gives under the Open Government Licence (the role prints the attribution)."""
    for page in [
        *(ROOT / "book" / "standard").rglob("*.md"),
        *(ROOT / "book/toolkit").glob("*.md"),
    ]:
        text = page.read_text(encoding="utf-8")
        if re.search(r"GOV\.UK|Arlington|Pittsburgh|FAIR|DCAT|Frictionless|What Works", text):
            assert "## Sources" in text, f"{page.name} names a public source but cites none"
        if "GOV.UK" in text:
            under_ogl = [k for k in re.findall(r"\{source\}`(?:[^`<]*<)?([^`<>]+)>?`", text)
                         if SOURCES.get(k, {}).get("licence") == "ogl-3"]  # fmt: skip
            assert under_ogl or "Open Government Licence" in text, (
                f"{page.name} uses GOV.UK without the OGL"
            )


# --- forking -----------------------------------------------------------------------------------


def _set_fork(tree: Path, fork: dict) -> None:
    path = tree / "cities" / "port-mallory.yml"
    data = yaml.safe_load(path.read_text())
    data["standard"] = fork
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_a_city_can_rename_drop_and_add_points(city_tree: Path) -> None:
    _set_fork(
        city_tree,
        {
            "rename": {"purpose": "Start from a housing problem"},
            "drop": ["service-modes"],
            "add": [
                {
                    "id": "languages",
                    "title": "Publish in residents' languages",
                    "toolkit": ["book/toolkit/beta"],
                }
            ],
        },
    )
    points = city_points(load_city("port-mallory"))
    ids = [p.id for p in points]
    assert "service-modes" not in ids and ids[-1] == "languages"
    assert points[0].title == "Start from a housing problem"
    assert len(points) == len(base_points())


def test_a_fork_naming_unknown_points_reports_each(city_tree: Path) -> None:
    _set_fork(city_tree, {"rename": {"nope": "X"}, "drop": ["also-nope"]})
    with pytest.raises(DaasError) as err:
        city_points(load_city("port-mallory"))
    fields = [p.field for p in err.value.problems]
    assert fields == ["standard.rename.nope", "standard.drop[0]"]


# --- the assessment tool -----------------------------------------------------------------------

GOOD_RUN = {
    "city": "port-mallory",
    "started": "2026-03-01T09:00:00Z",
    "finished": "2026-03-01T09:02:00Z",
    "status": "published",
    "package_valid": True,
    "quality": dict.fromkeys(assess.QUALITY_DIMENSIONS, 0.99),
    "privacy_gate": {"passed": True, "reasons": []},
    "metadata_complete": 1.0,
    "freshness_days": 3,
    "rows_published": 412,
    "rows_suppressed": 6,
}


def _write_run(tree: Path, **changes: object) -> None:
    """A run record and the data of the three pages it published."""
    path = tree / "_build" / "cities" / "port-mallory" / "beacon" / "run.json"
    (path.parent / "pages").mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**GOOD_RUN, **changes}))
    for page in ("resident", "staff", "performance"):
        (path.parent / "pages" / f"{page}.json").write_text("{}")


def _report(tree: Path) -> dict:
    out = tree / "_build" / "cities" / "port-mallory" / "standard"
    return json.loads((out / "assessment.json").read_text())


def _rating(report: dict, pid: str) -> str:
    return next(p["rating"] for p in report["points"] if p["id"] == pid)


def test_assess_cli_writes_json_page_and_chart(city_tree: Path, capsys) -> None:
    _write_run(city_tree)
    assert main(["standard", "assess", "--city", "port-mallory"]) == 0
    out = city_tree / "_build" / "cities" / "port-mallory" / "standard"
    report = _report(city_tree)
    assert [p["id"] for p in report["points"]] == [p.id for p in base_points()]
    assert report["beacon_run"]["found"] is True
    assert _rating(report, "privacy") == "green"
    assert _rating(report, "whole-problem") == "amber"  # the team says partly met
    assert report["overall"] == "amber"
    page = (out / "assessment.md").read_text()
    assert "Overall rating: **amber**" in page and "## Actions" in page
    assert "housing authority" in page  # the team's own action is carried into the report
    spec = json.loads((out / "assessment-chart.vl.json").read_text())
    assert spec["description"].startswith("13 points for Port Mallory")
    assert "overall amber" in capsys.readouterr().out


def test_a_failed_privacy_gate_turns_the_privacy_point_red(city_tree: Path) -> None:
    _write_run(city_tree)
    main(["standard", "assess"])
    before = _report(city_tree)
    _write_run(city_tree, privacy_gate={"passed": False, "reasons": ["3 cells below 10"]})
    main(["standard", "assess"])
    after = _report(city_tree)
    assert _rating(before, "privacy") == "green"
    assert _rating(after, "privacy") == "red"
    assert after["overall"] == "red"
    privacy = next(p for p in after["points"] if p["id"] == "privacy")
    assert any("3 cells below 10" in a for a in privacy["actions"])
    # the other points are unchanged
    for p in before["points"]:
        if p["id"] != "privacy":
            assert _rating(after, p["id"]) == p["rating"]


@pytest.mark.parametrize(
    ("changes", "point", "rating"),
    [
        ({"package_valid": False}, "quality", "red"),
        ({"quality": dict.fromkeys(assess.QUALITY_DIMENSIONS, 0.9)}, "quality", "amber"),
        ({"metadata_complete": 0.5}, "open-standards", "red"),
        ({"freshness_days": 60}, "reliable", "amber"),
        ({"status": "failed"}, "reliable", "red"),
    ],
)
def test_each_beacon_check_feeds_its_point(city_tree: Path, changes, point, rating) -> None:
    _write_run(city_tree, **changes)
    report = assess.assess(load_city("port-mallory"))
    assert next(p.rating for p in report.points if p.id == point) == rating


def _page_rating(point: str) -> str:
    report = assess.assess(load_city("port-mallory"))
    return next(p.rating for p in report.points if p.id == point)


@pytest.mark.parametrize(("page", "point"), [("performance", "performance"),
                                             ("resident", "easy-to-use")])  # fmt: skip
def test_published_pages_are_read_from_what_was_built(city_tree: Path, page, point) -> None:
    """A page counts as published when the site lists it, its data was published and, once the
    city's edition is built, the page is on it; never from a constant."""
    _write_run(city_tree)
    assert _page_rating(point) != "red"
    beacon = city_tree / "_build" / "cities" / "port-mallory" / "beacon"
    (beacon / "pages" / f"{page}.json").unlink()  # the run did not publish its data
    assert _page_rating(point) == "red"
    _write_run(city_tree)
    site = city_tree / "_build" / "cities" / "port-mallory" / "site" / "book" / "beacon"
    site.mkdir(parents=True)
    others = {"resident", "staff", "performance"} - {page}
    for other in others:  # the city's edition was built without the page
        (site / f"{other}.html").write_text("<html></html>")
    assert _page_rating(point) == "red"
    (site / f"{page}.html").write_text("<html></html>")
    assert _page_rating(point) != "red"
    toc = city_tree / "_toc.yml"
    toc.write_text(toc.read_text(encoding="utf-8").replace(f"book/beacon/{page}", "book/x"))
    assert _page_rating(point) == "red"  # the site no longer lists it


def test_without_a_beacon_run_automatic_points_cannot_be_green(city_tree: Path) -> None:
    report = assess.assess(load_city("port-mallory"))
    assert report.beacon_run["found"] is False
    for p in report.points:
        if p.automatic:
            assert p.rating != "green", p.id
            assert any(c.detail == assess.NO_RUN for c in p.automatic)


def test_missing_evidence_file_names_the_point_and_exits_2(city_tree: Path, capsys) -> None:
    (city_tree / "cities" / "evidence" / "port-mallory.yml").unlink()
    assert main(["standard", "assess", "--city", "port-mallory"]) == 2
    err = capsys.readouterr().err
    assert "cities/evidence/port-mallory.yml: points.purpose" in err
    assert "Publish data with a purpose" in err and "fix:" in err
    assert not (city_tree / "_build" / "cities" / "port-mallory" / "standard").exists()


def test_malformed_evidence_reports_every_problem_naming_the_point(city_tree: Path, capsys) -> None:
    _write_run(city_tree)
    main(["standard", "assess"])
    written = _report(city_tree)
    path = city_tree / "cities" / "evidence" / "port-mallory.yml"
    data = yaml.safe_load(path.read_text())
    del data["points"]["users"]
    data["points"]["privacy"]["status"] = "done"
    data["points"]["quality"]["evidence"] = "  "
    data["points"]["team"]["colour"] = "blue"
    data["points"]["made-up"] = {"status": "met", "evidence": "x"}
    path.write_text(yaml.safe_dump(data))
    assert main(["standard", "assess", "--city", "port-mallory"]) == 2
    err = capsys.readouterr().err
    assert "5 problems found" in err
    for field in (
        "points.users",
        "points.privacy.status",
        "points.quality.evidence",
        "points.team.colour",
        "points.made-up",
    ):
        assert f"port-mallory.yml: {field}:" in err, field
    assert "'Understand the people who use the data and what they need'" in err
    assert _report(city_tree) == written  # the earlier report is left whole


def test_evidence_that_is_not_yaml_names_the_line(city_tree: Path, capsys) -> None:
    path = city_tree / "cities" / "evidence" / "port-mallory.yml"
    path.write_text("points:\n  purpose: [unclosed\n")
    assert main(["standard", "assess"]) == 2
    assert "line " in capsys.readouterr().err


def test_a_dropped_point_needs_no_evidence_and_an_added_one_does(city_tree: Path, capsys) -> None:
    _set_fork(
        city_tree,
        {
            "drop": ["service-modes"],
            "add": [
                {
                    "id": "languages",
                    "title": "Speak residents' languages",
                    "toolkit": ["book/toolkit/beta"],
                }
            ],
        },
    )
    assert main(["standard", "assess"]) == 2
    err = capsys.readouterr().err
    assert "points.languages: no entry for point 'Speak residents' languages'" in err
    assert "points.service-modes: not a point of this city's standard" in err


def test_the_book_page_assessment_works_without_an_evidence_file(city_tree: Path) -> None:
    (city_tree / "cities" / "evidence" / "port-mallory.yml").unlink()
    report = assess.assess(load_city("port-mallory"), allow_missing=True)
    assert report.overall == "red"
    assert assess.chart(report).to_dict()["description"]
    assert len(assess.table(report)) == len(base_points())


def test_a_malformed_run_record_is_a_clear_error(city_tree: Path, capsys) -> None:
    path = city_tree / "_build" / "cities" / "port-mallory" / "beacon" / "run.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert main(["standard", "assess"]) == 2
    assert "beacon/run.json" in capsys.readouterr().err


def test_a_drafts_completeness_names_the_missing_fields_as_code() -> None:
    """The DCAT-US field names are the same in every language: a page shows them as code, so
    its words, not the field names, are what a Spanish or Portuguese reader reads."""
    from daas.core.i18n import use_language
    from daas.standard import metadata

    check = metadata.completeness(
        metadata.draft_package(load_city("villa-ondina"), "neighbourhoods")
    )
    assert check.missing
    with use_language("es"):
        shown = check._repr_markdown_()
    assert all(f"`{field}`" in shown for field in check.missing)
    assert "del perfil está completo; faltan:" in shown, shown
