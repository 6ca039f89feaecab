"""The Standard's assessment content: every point page's panel questions, evidence example and
amber/red reasons; the assessment kit's sections; the policy template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from daas.standard.points import STAGES, base_points

ROOT = Path(__file__).resolve().parent.parent
STANDARD = ROOT / "book" / "standard"
QUESTIONS = "Questions the panel asks"
EXAMPLE = "What good evidence looks like"
SHORTFALLS = "Common reasons for amber or red"
BULLET = re.compile(r"^\s*[-*] \S", re.M)
FENCE = re.compile(r"^```.*$", re.M)


def _sections(text: str, level: int) -> dict[str, str]:
    """Each heading of `level` (2 for `##`) in `text` and the text under it, up to the next."""
    parts = re.split(rf"^{'#' * level} (.+)$", text, flags=re.M)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def _h2(text: str) -> dict[str, str]:
    return _sections(text, 2)


def _toc_order() -> list[str]:
    """The files of `_toc.yml` in reading order."""

    def walk(node: object) -> list[str]:
        if isinstance(node, dict):
            own = [str(node["file"])] if "file" in node else []
            return own + [f for v in node.values() for f in walk(v)]
        if isinstance(node, list):
            return [f for v in node for f in walk(v)]
        return []

    return walk(yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8")))


@pytest.mark.parametrize("point", base_points(), ids=lambda p: p.id)
def test_point_page_has_panel_questions_evidence_example_and_shortfalls(point) -> None:
    page = STANDARD / "points" / f"{point.id}.md"
    text = page.read_text(encoding="utf-8")
    titles = re.findall(r"^## (.+)$", text, re.M)
    for heading in (QUESTIONS, EXAMPLE, SHORTFALLS):
        assert heading in titles, f"{page.name}: no '## {heading}' section"
    order = [titles.index(h) for h in ("Evidence to show", QUESTIONS, EXAMPLE, SHORTFALLS)]
    assert order == sorted(order), f"{page.name}: the sections go after 'Evidence to show'"
    assert titles.index(SHORTFALLS) < titles.index("Toolkit chapters that help"), page.name
    sections = _h2(text)
    phases = _sections(sections[QUESTIONS], 3)
    for stage in STAGES:
        bullets = BULLET.findall(phases.get(stage.title(), ""))
        assert len(bullets) >= 2, f"{page.name}: '### {stage.title()}' needs at least two questions"
    example = FENCE.sub("", sections[EXAMPLE])
    assert len(example.split()) >= 20, f"{page.name}: the evidence example is empty or too short"
    shortfalls = re.split(r"^\s*[-*] (?=\S)", sections[SHORTFALLS], flags=re.M)[1:]
    assert len(shortfalls) >= 3, f"{page.name}: needs at least three reasons for amber or red"
    for item in shortfalls:
        rated = re.search(r"\b(amber|red)\b", item, re.I)
        assert rated, f"{page.name}: '{item[:40]}' names no rating"


def test_assessment_kit_has_its_six_sections_after_the_assessments_page() -> None:
    text = (STANDARD / "assessment-kit.md").read_text(encoding="utf-8")
    sections = _h2(text)
    for heading in (
        "Terms of reference for the panel",
        "Booking an assessment",
        "Running the day",
        "Report template",
        "Appeals",
        "Exemptions",
    ):
        assert sections.get(heading, "").strip(), f"assessment-kit.md: no '## {heading}' section"
    terms = sections["Terms of reference for the panel"].lower()
    for part in ("purpose", "membership", "quorum", "conflicts of interest", "may decide"):
        assert part in terms, f"the terms of reference say nothing about {part}"
    assert re.search(r"^\|.*\b\d{1,2}:\d{2}\b", sections["Running the day"], re.M), "no timings"
    report = sections["Report template"].lower()
    for column in ("point", "rating", "evidence seen", "owner", "date"):
        assert column in report, f"the report template has no '{column}'"
    toc = _toc_order()
    after = toc[toc.index("book/standard/assessments") + 1]
    assert after == "book/standard/assessment-kit", "_toc.yml: the kit follows the assessments"


def test_policy_page_has_the_template_and_cites_arlington_and_pittsburgh() -> None:
    text = (STANDARD / "policy.md").read_text(encoding="utf-8")
    template = _h2(text).get("The template", "")
    parts = set(_sections(template, 3))
    wanted = {"Purpose", "Scope", "Owner", "Requirements", "Exemptions", "Review cycle",
              "Effective date"}  # fmt: skip
    assert wanted <= parts, f"policy.md: the template lacks {sorted(wanted - parts)}"
    for key in ("pd-arlington", "pittsburgh-dss"):
        assert f"{{source}}`{key}`" in text, f"policy.md does not cite {key}"
    toc = _toc_order()
    assert toc[toc.index("book/standard/adopting") + 1] == "book/standard/policy"
    adopting = (STANDARD / "adopting.md").read_text(encoding="utf-8")
    assert re.search(r"\{doc\}`(?:[^`]*<)?policy>?`", adopting), "adopting.md: no link to policy"
