"""User stories: "As a … I need … so that …", in English, Spanish and Portuguese, with a checker
that says what is missing, and acceptance criteria ("done when").

The checker is tolerant: "As an", "I want", "we need", "quiero", "quero", missing accents, any
capitalisation and punctuation are all fine. What it insists on are the three parts every story
needs: who the user is (role), what they need (need) and why (goal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from daas.core.display import Table, headers, readable, show
from daas.core.errors import DaasError, Problem
from daas.core.i18n import N_, PerLanguage, _
from daas.core.tables import read_table, shown
from daas.core.text import fold
from daas.core.vocabulary import vocabulary

PARTS = ("role", "need", "goal")
LANGUAGES = ("en", "es", "pt")

ROLE_RE = re.compile(r"^\W*(?:as|como)\b\s*(?:(?:an?|the|un|una|o|a|um|uma)\b\s*)?")
# the words that mark the need and the goal, per language (`daas/needs/data/story_markers.yml`)
MARKERS_FILE = "needs/data/story_markers.yml"
NEED_RE = {lang: m["need"] for lang, m in vocabulary(MARKERS_FILE).items()}
GOAL_RE = {lang: m["goal"] for lang, m in vocabulary(MARKERS_FILE).items()}
EXPLAIN = {
    "role": N_("who the user is (start with 'As a …')"),
    "need": N_("what they need (add 'I need …')"),
    "goal": N_("why they need it (add 'so that …')"),
}
CRITERIA_RE = re.compile(
    r"^\W*(?:it'?s\s+)?(?:done\s+when|hecho\s+cuando|listo\s+cuando|pronto\s+quando"
    r"|concluido\s+quando|feito\s+quando)\s*[:\-–]?\s*",
    re.IGNORECASE,
)
# the story pattern in each language: TEMPLATES["es"]
TEMPLATES = PerLanguage(N_("As a [user], I need [something] so that [goal]."))


@dataclass(frozen=True)
class StoryCheck:
    """What the checker found in one story."""

    text: str
    language: str
    role: str
    need: str
    goal: str

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(p for p in PARTS if not getattr(self, p))

    @property
    def ok(self) -> bool:
        return not self.missing

    def explain(self) -> str:
        """What is missing, in the story's language."""
        lang = self.language
        if self.ok:
            return _("OK", lang)
        parts = "; ".join(_(EXPLAIN[p], lang) for p in self.missing)
        return _("Missing: {parts}", lang).format(parts=parts)


def _folded(text: str) -> str:
    """Lower-case, accent-free copy of `text` with the same length (so indexes match)."""
    out = []
    for ch in text:
        f = fold(ch)
        out.append(f if len(f) == 1 else ch.lower()[:1] or ch)
    return "".join(out)


def detect_language(text: str, default: str = "en") -> str:
    """Which of the three story forms `text` uses, from its key words; else `default`."""
    f = _folded(text)
    scores = {lang: bool(re.search(NEED_RE[lang], f)) * 2 for lang in LANGUAGES}
    scores["en"] += bool(re.search(r"^\W*as\b", f)) + bool(re.search(GOAL_RE["en"], f))
    if re.search(r"^\W*como\b", f):
        scores["es"] += 1
        scores["pt"] += 1
    scores["es"] += bool(re.search(r"\b(?:el|los|las|una|del|mi|puedo|pueda)\b", f))
    scores["pt"] += bool(re.search(r"\b(?:um|uma|do|da|dos|meu|minha|posso|possa|nao)\b", f))
    best = max(scores.values())
    if best == 0:
        return default
    tied = [lang for lang in LANGUAGES if scores[lang] == best]
    return default if default in tied else tied[0]


def _clean(part: str) -> str:
    part = part.strip(" \t\n,;:.!-–—")
    return part if re.search(r"\w{2,}", part) else ""


def check_story(text: str, language: str | None = None) -> StoryCheck:
    """Split a story into role, need and goal; a part that cannot be found is left empty.

    `language` fixes the form to look for; None detects it (English when unclear)."""
    text = " ".join(str(text).split())
    lang = language if language in LANGUAGES else detect_language(text)
    f = _folded(text)
    role_m = ROLE_RE.match(f)
    need_m = re.search(NEED_RE[lang], f)
    start = need_m.end() if need_m else (role_m.end() if role_m else 0)
    goal_m = re.compile(GOAL_RE[lang]).search(f, start)
    role_end = min(m.start() for m in (need_m, goal_m, None) if m) if (need_m or goal_m) else len(f)
    if need_m and need_m.start() < (role_m.end() if role_m else 0):
        need_m = None  # the "need" words sat inside the role marker
    role = _clean(text[role_m.end() : role_end]) if role_m else ""
    need = _clean(text[need_m.end() : goal_m.start() if goal_m else len(text)]) if need_m else ""
    goal = _clean(text[goal_m.end() :]) if goal_m else ""
    return StoryCheck(text, lang, role, need, goal)


EXAMPLE_COLUMNS = (N_("story"), N_("checker"))


def examples_table(texts: list[str]) -> Table:
    """Each story next to what the checker says about it, in the story's language (and marked
    with it, so an English example on a Spanish page is read as English)."""
    checks = [check_story(s) for s in texts]
    table = pd.DataFrame([(s, c.explain()) for s, c in zip(texts, checks, strict=True)],
                         columns=list(EXAMPLE_COLUMNS))  # fmt: skip
    return readable(headers(table, EXAMPLE_COLUMNS), languages=[c.language for c in checks])


CHECKED_LABELS = {
    "id": N_("Story"),
    "ok": N_("Complete"),
    "explanation": N_("What the checker says"),
    "criteria": N_("Acceptance criteria"),
}


def checked_table(checked: pd.DataFrame) -> Table:
    """A `check_table` result as a reader sees it: each story's id, whether it is complete (yes
    or no), the checker's word on it and how many acceptance criteria it has."""
    return show(checked, CHECKED_LABELS)


def complete_summary(checked: pd.DataFrame) -> str:
    """How many stories of a `check_table` result have a role, a need and a goal."""
    return _("{ok} of {n} stories are complete").format(ok=int(checked["ok"].sum()), n=len(checked))


def criteria(text: str) -> list[str]:
    """Acceptance criteria from a `done_when` cell: one per line or separated by ';'. A leading
    "Done when:" (or "Hecho cuando:", "Pronto quando:") is dropped."""
    out = []
    for item in re.split(r"[;\n]", str(text or "")):
        m = CRITERIA_RE.match(_folded(item))
        item = item[m.end() :] if m else item
        if item := item.strip(" -*•\t"):
            out.append(item)
    return out


# --- files ---------------------------------------------------------------------------------

STORY_COLUMNS = ["id", "row", "story", "done_when"]


def read_stories(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a stories file: CSV (a `story` column; optional `id`, `done_when` and the
    prioritisation columns) or markdown (`.md`). Raises DaasError if there are no stories."""
    path = Path(path)
    if path.suffix.lower() in {".md", ".markdown", ".txt"}:
        table, problems = _read_markdown(path), list[Problem]()
    else:
        table, problems = read_table(path, ["story"])
        table = table[table["story"] != ""].copy()
        if "id" not in table.columns:
            table.insert(0, "id", "")
        table["id"] = [i or f"row {r}" for i, r in zip(table["id"], table["row"], strict=True)]
        if "done_when" not in table.columns:
            table["done_when"] = ""
    if table.empty:
        raise DaasError.one(
            shown(path),
            "story",
            _("no stories found"),
            _("write one story per row (CSV) or per list item (markdown)"),
        )
    rest = [c for c in table.columns if c not in STORY_COLUMNS]
    return table[STORY_COLUMNS + rest].reset_index(drop=True), problems


def stories_for(city, path: str | Path | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """The file at `path`, else the city's declared `stories` dataset (a DaasError naming the
    city file and `datasets.stories` when the city has not declared one)."""
    return read_stories(Path(path) if path else city.dataset_path("stories"))


def _read_markdown(path: Path) -> pd.DataFrame:
    """Stories are list items or lines starting with As/Como; indented or following lines that
    start with "Done when" (or the Spanish or Portuguese form) are their acceptance criteria."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DaasError.one(
            shown(path), "", _("file not found"), _("check the file name")
        ) from None
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252", errors="replace")
    rows: list[dict] = []
    in_code = False
    for line_no, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith("```"):
            in_code = not in_code
            continue
        body = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip()
        if in_code or not body or body.startswith(("#", "|", ">")):
            continue
        if CRITERIA_RE.match(_folded(body)) and rows:
            rows[-1]["done_when"] += ("; " if rows[-1]["done_when"] else "") + "; ".join(
                criteria(body)
            )
            continue
        is_item = bool(re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", line)) and not line.startswith("  ")
        if is_item or re.match(r"^\W*(?:as|como)\b", _folded(body)):
            m = re.match(r"^\*{0,2}\[?([A-Za-z]{1,4}-?\d{1,4})\]?\*{0,2}[:.]?\s+(.*)$", body)
            ident, story = (m.group(1), m.group(2)) if m else (f"line {line_no}", body)
            rows.append({"id": ident, "row": line_no, "story": story.strip("* "), "done_when": ""})
    return pd.DataFrame(rows, columns=STORY_COLUMNS)


def check_table(stories: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """Check every story: one row each with its parts, what is missing and the explanation."""
    rows = []
    for ident, row, story, done_when in stories[STORY_COLUMNS].itertuples(index=False):
        c = check_story(story, language)
        rows.append(
            {
                "id": ident,
                "row": row,
                "language": c.language,
                "ok": c.ok,
                "role": c.role,
                "need": c.need,
                "goal": c.goal,
                "missing": ", ".join(c.missing),
                "explanation": c.explain(),
                "criteria": len(criteria(done_when)),
            }
        )
    return pd.DataFrame(rows)
