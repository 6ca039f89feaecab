"""The Toolkit's chapters are guides a city team can follow (#18): every chapter of the Toolkit
part of `_toc.yml`, as each city's edition shows it (its `{only}` blocks resolved with the city's
tags), has numbered steps, a worked example, something to copy, pitfalls and links to the
Standard points it serves, in at least 400 words."""

from __future__ import annotations

import re

import pytest
import yaml
from sphinx.util.tags import Tags

from daas.core.city import list_cities, load_city
from daas.core.paths import repo_root
from daas.site.sphinx_ext import sphinx_tags

ROOT = repo_root()
TOOLKIT_CAPTION = "The Data Service Toolkit"
NOT_CHAPTERS = {"book/toolkit/index", "book/sources"}  # the part's overview and the sources list
# each required section: one heading, or any of several (something to copy)
SECTIONS = (
    ("Steps",),
    ("Worked example",),
    ("Template", "Checklist"),
    ("Pitfalls",),
    ("Standard points this serves",),
)
MIN_STEPS, MIN_PITFALLS, MIN_WORDS, MIN_EXAMPLE_WORDS = 4, 3, 400, 60
ONLY = re.compile(r"^(`{3,})\{only\} ([^\n]+)\n(.*?)^\1[ \t]*$", re.M | re.S)
CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
HEADING = re.compile(r"^## (.+?)[ \t]*$", re.M)
STEP = re.compile(r"^\d+\. \S", re.M)
BULLET = re.compile(r"^- \S", re.M)
POINT_LINK = re.compile(r"\{doc\}`(?:[^`<]*<)?[./]*standard/points/[\w-]+>?`")
WORD = re.compile(r"[^\W\d_][\w'’-]*")


def toolkit_chapters() -> list[str]:
    """The files listed under the Toolkit part of `_toc.yml`, sections included, but its
    overview and the sources page."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p.get("caption") == TOOLKIT_CAPTION)
    files: list[str] = []

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry and entry["file"] not in NOT_CHAPTERS:
                files.append(entry["file"])
            walk(entry.get("sections", []))

    walk(part["chapters"])
    return files


def edition_text(text: str, tags: Tags) -> str:
    """The page as an edition with `tags` shows it: front matter and code cells dropped, each
    `{only}` block kept (its own blocks resolved in turn) or dropped by its expression."""

    def resolve(match: re.Match[str]) -> str:
        return edition_text(match.group(3), tags) if tags.eval_condition(match.group(2)) else ""

    text = CODE_CELL.sub("", FRONT_MATTER.sub("", text))
    return ONLY.sub(resolve, text)


def sections(text: str) -> dict[str, str]:
    """Each `##` heading's text, up to the next one."""
    parts = HEADING.split(text)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def words(text: str) -> int:
    """Words a reader sees: role names (`{doc}`) are not words."""
    return len(WORD.findall(re.sub(r"\{[\w:-]+\}", " ", text)))


CHAPTERS = toolkit_chapters()
CITIES = list_cities()


def test_the_toolkit_part_is_found() -> None:
    assert "book/toolkit/discovery" in CHAPTERS and "book/toolkit/index" not in CHAPTERS


def test_only_blocks_are_resolved_like_sphinx() -> None:
    page = (
        "a\n````{only} recipe_x\nb\n```{only} not city_y\nc\n```\n````\n```{only} city_y\nd\n```\n"
    )
    assert edition_text(page, Tags(["recipe_x"])).split() == ["a", "b", "c"]
    assert edition_text(page, Tags(["recipe_x", "city_y"])).split() == ["a", "b", "d"]


@pytest.mark.parametrize("slug", CITIES)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_is_a_guide_a_team_can_follow(chapter: str, slug: str) -> None:
    text = edition_text(
        (ROOT / f"{chapter}.md").read_text(encoding="utf-8"), Tags(sphinx_tags(load_city(slug)))
    )
    found = sections(text)
    missing = [" or ".join(f"## {h}" for h in s) for s in SECTIONS if not set(s) & set(found)]
    assert not missing, f"{chapter}.md ({slug}'s edition) has no section {', '.join(missing)}"
    steps = len(STEP.findall(found["Steps"]))
    assert steps >= MIN_STEPS, f"{chapter}.md: {steps} numbered steps under ## Steps"
    example = words(found["Worked example"])
    assert example >= MIN_EXAMPLE_WORDS, f"{chapter}.md ({slug}): worked example of {example} words"
    pitfalls = len(BULLET.findall(found["Pitfalls"]))
    assert pitfalls >= MIN_PITFALLS, f"{chapter}.md: {pitfalls} pitfalls"
    points = POINT_LINK.findall(found["Standard points this serves"])
    assert points, f"{chapter}.md: no {{doc}} link to a Standard point under its section"
    total = words(text)
    assert total >= MIN_WORDS, f"{chapter}.md ({slug}'s edition): {total} words"
