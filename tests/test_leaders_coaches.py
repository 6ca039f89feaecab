"""Leaders, coaches and peers (#18): the executive session, the coach's guide and the
trailblazers' page have their parts, their timings add up, and they agree with the track."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from daas.programme.track import PLAN

ROOT = Path(__file__).resolve().parents[1]
EXECUTIVE = ROOT / "book" / "programme" / "executive-session.md"
GUIDE = ROOT / "book" / "coaches" / "guide.md"
TRAILBLAZERS = ROOT / "book" / "community" / "trailblazers.md"
STATED = re.compile(r"add up to (\d+) minutes")


def section(path: Path, heading: str) -> str:
    """The text under `heading` (a line starting with it), up to the next heading as high."""
    lines = path.read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    level = len(heading) - len(heading.lstrip("#"))
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(rf"#{{1,{level}}} ", lines[i])),
        len(lines),
    )
    return "\n".join(lines[start + 1 : end])


def table(text: str, n: int = 0) -> list[dict[str, str]]:
    """The `n`th Markdown table in `text` as rows keyed by the header's cells."""
    tables: list[list[list[str]]] = [[]]
    for line in text.splitlines():
        if line.startswith("|"):
            tables[-1].append([c.strip() for c in line.strip().strip("|").split("|")])
        elif tables[-1]:
            tables.append([])
    header, _rule, *rows = [t for t in tables if t][n]
    return [dict(zip(header, row, strict=True)) for row in rows]


def minutes(rows: list[dict[str, str]]) -> int:
    return sum(int(row["minutes"]) for row in rows)


def stated(text: str) -> int:
    (total,) = STATED.findall(text)
    return int(total)


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text("utf-8"))
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                out.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return out


def months(strand: str) -> set[int]:
    return {start for s, _activity, start, _end in PLAN if s == strand}


def test_the_executive_session_runs_60_to_90_minutes_as_its_table_says() -> None:
    text = section(EXECUTIVE, "## Running order")
    rows = table(text)
    assert list(rows[0]) == ["minutes", "block", "what happens", "who leads"]
    assert 60 <= minutes(rows) <= 90
    assert minutes(rows) == stated(text)
    assert all(row["who leads"] and row["what happens"] for row in rows)


def test_the_executive_session_has_its_parts_and_uses_the_briefing() -> None:
    text = EXECUTIVE.read_text("utf-8")
    for heading in ("## Key points to make", "## What leaders will see in twelve months",
                    "## What leaders leave with"):  # fmt: skip
        assert heading in text
    activity = next(line for line in text.splitlines() if line.startswith("## Activity"))
    (total,) = re.findall(r"\((\d+) minutes\)", activity)
    steps = re.findall(r"^\d+\. \*\*[^*]*?(\d+) minutes\.\*\*", text, re.M)
    assert sum(map(int, steps)) == int(total)
    assert "{doc}`briefing`" in text and "{source}`" in text
    files = toc_files()
    assert files.index("book/programme/executive-session") == (
        files.index("book/programme/briefing") + 1
    )


def test_the_coach_s_guide_has_cadence_conversations_and_falling_behind() -> None:
    text = GUIDE.read_text("utf-8")
    for heading in ("## Coaching cadence", "## Check-in conversation guides",
                    "## When a city falls behind"):  # fmt: skip
        assert re.search(rf"^{heading}$", text, re.M), heading
    cadence = {int(r["month"]): r for r in table(section(GUIDE, "## Coaching cadence"))}
    assert sorted(cadence) == list(range(1, 13))
    for month, row in cadence.items():
        said = row["what the coach does"]
        assert ("Masterclass" in said) == (month in months("Masterclasses")), month
        assert ("Community session" in said) == (month in months("Community of practice")), month
    check_in = table(section(GUIDE, "## Coaching cadence"), 1)
    assert minutes(check_in) == 45


def test_the_coach_s_guide_reads_falling_behind_from_the_records() -> None:
    text = section(GUIDE, "## When a city falls behind")
    for record in ("progress page", "briefing", "team table", "daas programme overview"):
        assert record in text, record
    causes = table(section(GUIDE, "### What to do, by cause"))
    assert list(causes[0]) == ["cause", "how it shows in the records", "what to do"]
    assert len(causes) >= 5


def test_the_trailblazers_page_has_showcase_peer_review_and_case_study() -> None:
    text = TRAILBLAZERS.read_text("utf-8")
    for heading in ("## Showcase session", "## Peer review of another city's Beacon",
                    "## Sharing the case study"):  # fmt: skip
        assert re.search(rf"^{heading}$", text, re.M), heading
    assert "{source}`bloomberg-city-data-alliance`" in section(
        TRAILBLAZERS, "## The track and the City Data Alliance"
    )
    showcase = section(TRAILBLAZERS, "## Showcase session")
    assert minutes(table(showcase)) == stated(showcase) == 60
    files = toc_files()
    assert files.index("book/community/trailblazers") > files.index("book/community/index")


def test_the_peer_review_asks_about_every_point_of_the_standard() -> None:
    review = section(TRAILBLAZERS, "## Peer review of another city's Beacon")
    assert minutes(table(review)) == 120 and "(2 hours)" in review
    points = yaml.safe_load((ROOT / "daas" / "standard" / "points.yml").read_text("utf-8"))
    ids = {p["id"] for p in points["points"]}
    cells = " ".join(row["points"] for row in table(review, 1))
    assert set(re.findall(r"\{doc\}`\.\./standard/points/([a-z-]+)`", cells)) == ids
