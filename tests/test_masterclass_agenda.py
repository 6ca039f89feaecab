"""Every agenda block of every masterclass has material on its page: key points, an activity with
its minutes and what participants leave with; each block's heading is its agenda item, in every
language; and each masterclass has an exercise per hour.

The convention (CONTRIBUTING.md, Book pages): each block is a `### H:MM title` heading, H:MM its
start in `daas/masterclasses/agendas.py`, followed by `**Key points.**`, `**Activity (N min).**`
and `**You leave with.**` parts; a paper exercise adds a `**Check.**` part.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pytest
from babel.messages.pofile import read_po

from daas.core.i18n import _
from daas.core.paths import repo_root
from daas.masterclasses import agendas

ROOT = repo_root()
BLOCK = re.compile(r"^### (\d+:\d\d) (.+)$", re.M)
NEXT_HEADING = re.compile(r"^#{2,3} ", re.M)
# a part's bold label at the start of a line: Key points, Activity (N min), Check, You leave with
PART = re.compile(r"^\*\*(Key points|Activity|Check|You leave with)(?: \((\d+) min\))?\.\*\*", re.M)
REQUIRED = ("Key points", "Activity", "You leave with")
NOTEBOOK = re.compile(r"`(exercises/\d\d-[\w-]+\.ipynb)`")


@dataclass(frozen=True)
class Block:
    start: str
    title: str
    text: str


def blocks(page: str) -> list[Block]:
    """The agenda blocks: each `### H:MM title` heading and its text up to the next heading."""
    found = []
    for m in BLOCK.finditer(page):
        rest = page[m.end() :]
        end = NEXT_HEADING.search(rest)
        found.append(Block(m.group(1), m.group(2), rest[: end.start() if end else len(rest)]))
    return found


def parts(text: str) -> dict[str, str]:
    """A block's parts by label, each with its text up to the next label; the activity's minutes
    under "minutes"."""
    found: dict[str, str] = {}
    marks = list(PART.finditer(text))
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        found[m.group(1)] = text[m.end() : nxt.start() if nxt else len(text)].strip()
        if m.group(2):
            found["minutes"] = m.group(2)
    return found


def block_problems(block: Block, item: agendas.Item) -> list[str]:
    """What the block lacks, in words that name the block and the fix."""
    where = f"block {block.start} {block.title!r}"
    found = parts(block.text)
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        return [f"{where}: no {', '.join(missing)} part: add it (CONTRIBUTING.md, Book pages)"]
    problems = [f"{where}: {name} has no text" for name in REQUIRED if not found[name]]
    if [n for n in found if n in REQUIRED] != list(REQUIRED):
        problems.append(f"{where}: parts out of order: use {', '.join(REQUIRED)}")
    if "minutes" not in found:
        return [*problems, f"{where}: write the activity's time as **Activity (N min).**"]
    minutes = int(found["minutes"])
    if item.exercise and minutes != item.exercise:
        problems.append(f"{where}: the activity takes {minutes} min, the agenda {item.exercise}")
    if not item.exercise and not 0 < minutes <= item.teaching:
        problems.append(f"{where}: a {minutes} min activity in {item.teaching} min of teaching")
    return problems


def exercises(page_blocks: list[Block]) -> int:
    """Notebook exercises (distinct notebooks named in activities) plus paper exercises (activities
    with a **Check.** part)."""
    notebooks = {n for b in page_blocks for n in NOTEBOOK.findall(b.text)}
    return len(notebooks) + sum("Check" in parts(b.text) for b in page_blocks)


def page_problems(key: str, page: str) -> list[str]:
    """Everything the masterclass page `key` lacks against its agenda."""
    mc = agendas.MASTERCLASSES[key]
    starts, clock = [], 0
    for item in mc.agenda:
        starts.append(f"{clock // 60}:{clock % 60:02d}")
        clock += item.teaching + item.exercise
    found = blocks(page)
    if [b.start for b in found] != starts:
        return [
            f"{key}: block headings start at {[b.start for b in found]}, the agenda at {starts}: "
            "one `### H:MM title` heading per agenda item"
        ]
    problems = [
        f"{key}: block {b.start} is {b.title!r} on the page, {item.activity!r} in the agenda: "
        "make them the same (daas/masterclasses/agendas.py and the es/pt catalogues too)"
        for b, item in zip(found, mc.agenda, strict=True)
        if b.title != item.activity
    ]
    problems += [
        p for b, item in zip(found, mc.agenda, strict=True) for p in block_problems(b, item)
    ]
    hours = math.ceil(mc.minutes / 60)
    if (n := exercises(found)) < hours:
        problems.append(f"{key}: {n} exercises in {hours} hours: add a notebook or a **Check.**")
    return problems


def _page(key: str) -> str:
    return (ROOT / "book" / "masterclasses" / f"{key}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", agendas.MASTERCLASSES)
def test_every_agenda_block_has_material(key: str) -> None:
    assert page_problems(key, _page(key)) == []


@pytest.mark.parametrize("lang", ["es", "pt"])
@pytest.mark.parametrize("key", agendas.MASTERCLASSES)
def test_each_block_heading_is_translated_as_its_agenda_item(key: str, lang: str) -> None:
    """The translated page's block headings are the translated agenda's items, word for word."""
    path = ROOT / "locales" / lang / "LC_MESSAGES" / "book" / "masterclasses" / f"{key}.po"
    with path.open("rb") as stream:
        catalogue = {m.id: m.string for m in read_po(stream) if not m.fuzzy}
    differ = []
    for block, item in zip(blocks(_page(key)), agendas.MASTERCLASSES[key].agenda, strict=True):
        heading = catalogue.get(f"{block.start} {block.title}")
        if heading != f"{block.start} {_(item.activity, lang)}":
            differ.append(f"{block.start}: page {heading!r}, agenda {_(item.activity, lang)!r}")
    assert differ == []


def test_a_block_titled_otherwise_than_its_agenda_item_fails() -> None:
    page = _page("engagement").replace(
        "### 0:55 Worked example: the partner's data", "### 0:55 Worked example: partner data"
    )
    assert page_problems("engagement", page) == [
        "engagement: block 0:55 is 'Worked example: partner data' on the page, "
        '"Worked example: the partner\'s data" in the agenda: make them the same '
        "(daas/masterclasses/agendas.py and the es/pt catalogues too)"
    ]


@pytest.mark.parametrize("key", agendas.MASTERCLASSES)
def test_every_notebook_named_exists(key: str) -> None:
    named = NOTEBOOK.findall(_page(key))
    assert named and all((ROOT / n).exists() for n in named)


def test_a_block_without_an_activity_fails() -> None:
    page = _page("user-needs")
    first = blocks(page)[0]
    cut = re.sub(
        r"\*\*Activity \(5 min\)\.\*\*.*?(?=\*\*You leave with)", "", first.text, flags=re.S
    )
    problems = page_problems("user-needs", page.replace(first.text, cut))
    assert problems == [
        "block 0:00 'Welcome; why start from users, not data': no Activity part: add it "
        "(CONTRIBUTING.md, Book pages)"
    ]


def test_wrong_minutes_missing_parts_and_too_few_exercises_fail() -> None:
    page = _page("governance")
    assert any(
        "the activity takes 7 min, the agenda 10" in p
        for p in page_problems(
            "governance",
            page.replace(
                "**Activity (10 min).** Worksheet, in five",
                "**Activity (7 min).** Worksheet, in five",
            ),
        )
    )
    no_leave = page.replace("**You leave with.** The idea of governance", "The idea of governance")
    assert "no You leave with part" in page_problems("governance", no_leave)[0]
    notebook_only = page.replace("**Check.**", "Check:")
    assert page_problems("governance", notebook_only) == [
        "governance: 1 exercises in 2 hours: add a notebook or a **Check.**"
    ]
    no_exercises = NOTEBOOK.sub("the notebook", notebook_only)
    assert page_problems("governance", no_exercises) == [
        "governance: 0 exercises in 2 hours: add a notebook or a **Check.**"
    ]
    moved = page.replace("### 0:30 The ethics", "### 0:35 The ethics")
    assert "block headings start at" in page_problems("governance", moved)[0]
