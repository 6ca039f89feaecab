"""Affinity mapping: a first, automatic grouping of observations into themes, for the team to edit.

The grouping is deterministic: each observation becomes a TF-IDF vector of its meaningful words
(see `daas.core.text.words`), and groups are merged by average-linkage clustering on cosine
similarity until no two groups are more alike than `threshold`. Observations that share nothing
with any other stay "Ungrouped". The result is an ordinary table (note → theme) that the team
changes by hand, saves, and re-reads: the computer makes the first pass, people decide.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from daas.core.display import Table, headers, show
from daas.core.errors import DaasError
from daas.core.i18n import N_, _
from daas.core.io import atomic_write_text
from daas.core.tables import read_table, shown
from daas.core.text import words

UNGROUPED = N_("Ungrouped")  # the theme of notes in no group; shown as `_(UNGROUPED)`
THRESHOLD = 0.1


def tfidf(texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """Row-normalised TF-IDF matrix of `texts` and its vocabulary (sorted)."""
    tokens = [words(t) for t in texts]
    vocab = sorted({w for ws in tokens for w in ws})
    index = {w: i for i, w in enumerate(vocab)}
    m = np.zeros((len(texts), len(vocab)))
    for r, ws in enumerate(tokens):
        for w, c in Counter(ws).items():
            m[r, index[w]] = c
    df = (m > 0).sum(axis=0)
    m *= np.log((1 + len(texts)) / (1 + df)) + 1
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0), vocab


def cluster(sim: np.ndarray, threshold: float = THRESHOLD) -> list[list[int]]:
    """Average-linkage clusters of a similarity matrix; ties go to the lowest indices.

    Group similarities are updated in place (Lance-Williams), so each merge costs one pass over
    the matrix: a few hundred notes group in well under a second."""
    n = len(sim)
    s = np.array(sim, dtype=float)
    np.fill_diagonal(s, -np.inf)
    members = {i: [i] for i in range(n)}
    active = np.ones(n, dtype=bool)
    while len(members) > 1:
        masked = np.where(active[:, None] & active[None, :], s, -np.inf)
        a, b = divmod(int(np.argmax(masked)), n)  # first maximum: lowest indices win ties
        if masked[a, b] <= threshold + 1e-12:
            break
        a, b = min(a, b), max(a, b)
        na, nb = len(members[a]), len(members[b])
        merged = (na * s[a] + nb * s[b]) / (na + nb)
        s[a, :], s[:, a] = merged, merged
        s[a, a] = -np.inf
        active[b] = False
        members[a] = sorted(members[a] + members.pop(b))
    return sorted(members.values(), key=lambda g: g[0])


def _name(matrix: np.ndarray, vocab: list[str], members: list[int]) -> str:
    weights = matrix[members].sum(axis=0)
    order = sorted(range(len(vocab)), key=lambda i: (-round(weights[i], 9), vocab[i]))
    return " / ".join(vocab[i] for i in order[:2] if weights[i] > 0)


def auto_group(notes: pd.DataFrame, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Return `notes` with a `theme` column: a first grouping, named by each group's two most
    distinctive words. Sorted by theme, then note id."""
    table = notes.reset_index(drop=True).copy()
    if table.empty:
        return table.assign(theme=pd.Series(dtype="str"))
    matrix, vocab = tfidf(table["observation"].tolist())
    sim = matrix @ matrix.T
    theme = [UNGROUPED] * len(table)
    names: Counter[str] = Counter()
    for members in cluster(sim, threshold):
        if len(members) < 2:
            continue
        name = _name(matrix, vocab, members) or UNGROUPED
        names[name] += 1
        if names[name] > 1:
            name = f"{name} ({names[name]})"
        for i in members:
            theme[i] = name
    table["theme"] = theme
    return table.sort_values(["theme", "note_id"]).reset_index(drop=True)


def edit(
    groups: pd.DataFrame, moves: dict[str, str] | None = None, renames: dict[str, str] | None = None
) -> pd.DataFrame:
    """Apply the team's decisions: `moves` puts notes (by note id) in another theme; `renames`
    gives themes their real names. Unknown note ids or themes raise DaasError."""
    out = groups.copy()
    moves, renames = moves or {}, renames or {}
    unknown = sorted(set(moves) - set(out["note_id"]))
    if unknown:
        raise DaasError.one(
            "moves",
            ", ".join(unknown),
            _("no such note id"),
            _("use the ids in the {column} column").format(column="note_id"),
        )
    missing = sorted(set(renames) - set(out["theme"]))
    if missing:
        raise DaasError.one(
            "renames",
            ", ".join(missing),
            _("no such theme"),
            _("copy the theme name exactly from the {column} column").format(column="theme"),
        )
    for note, theme in moves.items():
        out.loc[out["note_id"] == note, "theme"] = theme.strip() or UNGROUPED
    out["theme"] = out["theme"].replace(renames)
    return out.sort_values(["theme", "note_id"]).reset_index(drop=True)


def save_groups(groups: pd.DataFrame, path: Path) -> Path:
    """Write the grouping as CSV (atomically) for the team to edit in a spreadsheet."""
    atomic_write_text(Path(path), groups.to_csv(index=False, lineterminator="\n"))
    return Path(path)


def load_groups(path: Path) -> pd.DataFrame:
    """Read a grouping the team edited. Every note needs an id and an observation; a blank
    theme means "Ungrouped"."""
    df, _problems = read_table(Path(path), ["note_id", "observation", "theme"])
    if df["note_id"].eq("").any() or df["note_id"].duplicated().any():
        rows = df.loc[df["note_id"].eq("") | df["note_id"].duplicated(keep=False), "row"]
        raise DaasError.one(
            shown(path),
            _("rows {rows}, {column}").format(rows=", ".join(map(str, rows)), column="note_id"),
            _("missing or repeated note id"),
            _("keep the {column} column as it was exported").format(column="note_id"),
        )
    df["theme"] = df["theme"].replace("", UNGROUPED)
    return df.drop(columns="row").sort_values(["theme", "note_id"]).reset_index(drop=True)


THEME_COLUMNS = (N_("theme"), N_("notes"), N_("participants"), N_("user_groups"), N_("example"))


def themes(groups: pd.DataFrame) -> pd.DataFrame:
    """One row per theme: how many notes and participants, which user groups, an example."""
    out = _themes(groups)
    out["theme"] = out["theme"].replace(UNGROUPED, _(UNGROUPED))
    return headers(out, THEME_COLUMNS)


def themes_table(groups: pd.DataFrame, top: int | None = 6) -> Table:
    """The `top` themes (all when None) as a page shows them: labelled, the example quote never
    cut."""
    out = _themes(groups)
    out = out if top is None else out.head(top)
    out["theme"] = out["theme"].replace(UNGROUPED, _(UNGROUPED))
    labels = {"theme": N_("Theme"), "notes": N_("Notes"), "participants": N_("Participants"),
              "user_groups": N_("User groups"), "example": N_("Example")}  # fmt: skip
    return show(out, labels)


GROUP_LABELS = {
    "note_id": N_("Note"),
    "participant": N_("Participant"),
    "user_group": N_("User group"),
    "theme": N_("Theme"),
    "observation": N_("Observation"),
}


def groups_table(groups: pd.DataFrame) -> Table:
    """The grouping as a reader sees it: each note with its theme, the note ids as code (the
    team writes them in `theme_moves`), theme names exactly as `theme_names` needs them."""
    return show(groups, GROUP_LABELS, codes={UNGROUPED: UNGROUPED}, literal=("note_id",))


def _themes(groups: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for theme, g in groups.groupby("theme", sort=True):
        rows.append(
            {
                "theme": theme,
                "notes": len(g),
                "participants": g["participant"].nunique(),
                "user_groups": ", ".join(sorted(g["user_group"].unique())),
                "example": g.sort_values("note_id")["observation"].iloc[0],
            }
        )
    out = pd.DataFrame(rows, columns=["theme", "notes", "participants", "user_groups", "example"])
    out["_u"] = out["theme"].eq(UNGROUPED)
    out = out.sort_values(
        ["_u", "participants", "notes", "theme"], ascending=[True, False, False, True]
    )
    return out.drop(columns="_u").reset_index(drop=True)


def findings(groups: pd.DataFrame, statements: dict[str, str] | None = None) -> pd.DataFrame:
    """Findings: the team's short statement for each named theme, with its evidence. Themes the
    team has not written a statement for are listed with "(to write)"."""
    return headers(_findings(groups, statements), (N_("theme"), N_("finding"), N_("evidence")))


FINDING_LABELS = {"theme": N_("Theme"), "finding": N_("Finding"), "evidence": N_("Evidence")}


def findings_table(groups: pd.DataFrame, statements: dict[str, str] | None = None) -> Table:
    """`findings` as a reader sees it: labelled, never cut."""
    return show(_findings(groups, statements), FINDING_LABELS)


def _findings(groups: pd.DataFrame, statements: dict[str, str] | None) -> pd.DataFrame:
    total = groups["participant"].nunique()
    statements = statements or {}
    t = _themes(groups)
    t = t[t["theme"] != UNGROUPED]
    evidence = _("{participants} of {total} participants ({groups}), {notes} notes")
    return pd.DataFrame(
        {
            "theme": t["theme"],
            "finding": [statements.get(x, _("(to write)")) for x in t["theme"]],
            "evidence": [
                evidence.format(participants=p, total=total, groups=u, notes=n)
                for p, u, n in zip(t["participants"], t["user_groups"], t["notes"], strict=True)
            ],
        }
    ).reset_index(drop=True)
