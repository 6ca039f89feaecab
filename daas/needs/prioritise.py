"""Prioritising user stories with MoSCoW and RICE, charting them, and exporting the backlog.

- MoSCoW (from DSDM): Must, Should, Could, Won't (this time). The guide: keep Musts to about 60%
  of the effort, so there is room to drop Coulds when time runs short.
- RICE (from Intercom): reach × impact × confidence ÷ effort. Reach is people per period;
  impact 3 (massive), 2 (high), 1 (medium), 0.5 (low) or 0.25 (minimal); confidence 100%, 80% or
  50% (any percentage is accepted); effort in person-months.
"""

from __future__ import annotations

import math
from pathlib import Path

import altair as alt
import pandas as pd

from daas.core.charts import PALETTE, describe, use_theme
from daas.core.city import City
from daas.core.display import Table, headers, show
from daas.core.errors import Problem
from daas.core.i18n import N_, _
from daas.core.io import atomic_dir
from daas.core.markdown import escape_markdown
from daas.core.text import fold
from daas.needs.stories import check_table

MOSCOW = ("Must", "Should", "Could", "Won't")
UNSET = N_("Not set")
MUST_EFFORT_LIMIT = 0.6
_MOSCOW_WORDS = {
    "Must": {"must", "must have", "m", "debe", "deve", "obligatorio", "obrigatorio"},
    "Should": {"should", "should have", "s", "deberia", "deveria"},
    "Could": {"could", "could have", "c", "podria", "poderia"},
    "Won't": {
        "won't",
        "wont",
        "won't have",
        "will not",
        "w",
        "no esta vez",
        "nao desta vez",
        "won't have this time",
    },
}
IMPACT_WORDS = {"massive": 3, "high": 2, "medium": 1, "low": 0.5, "minimal": 0.25}
IMPACT_VALUES = (3, 2, 1, 0.5, 0.25)
RICE_COLUMNS = ("reach", "impact", "confidence", "effort")
BACKLOG_COLUMNS = [
    "rank",
    "id",
    "moscow",
    "rice",
    "reach",
    "impact",
    "confidence",
    "effort",
    "story",
    "done_when",
    "story_ok",
]


def moscow(value: str) -> str | None:
    """The MoSCoW category of a cell ("must have", "M", "Won’t", "debe"…), or None."""
    v = " ".join(fold(value).replace("’", "'").split())
    for category, spellings in _MOSCOW_WORDS.items():
        if v in spellings:
            return category
    return None


def _number(raw: object) -> float | None:
    text = str(raw).strip().rstrip("%").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def rice_inputs(row: dict, file: str, where: str) -> tuple[dict[str, float], list[Problem]]:
    """Validated reach, impact, confidence (0-1) and effort for one story, and its problems."""
    out: dict[str, float] = {}
    problems: list[Problem] = []

    def bad(col: str, msg: str, fix: str) -> None:
        problems.append(Problem(file, f"{where}, {col}", msg, fix))

    raw = {c: str(row.get(c, "") or "").strip() for c in RICE_COLUMNS}
    reach = _number(raw["reach"])
    if reach is None or reach < 0:
        bad(
            "reach",
            _("'{value}' is not a number of people").format(value=raw["reach"]),
            _("e.g. 1200 (people a month)"),
        )
    else:
        out["reach"] = reach
    impact = IMPACT_WORDS.get(fold(raw["impact"]), _number(raw["impact"]))
    if impact not in IMPACT_VALUES:
        bad(
            "impact",
            _("'{value}' is not an impact score").format(value=raw["impact"]),
            _("use 3, 2, 1, 0.5 or 0.25 (massive to minimal)"),
        )
    else:
        out["impact"] = float(impact)
    conf = _number(raw["confidence"])
    if conf is not None and conf > 1:
        conf /= 100  # written as a percentage
    if conf is None or not 0 < conf <= 1:
        bad(
            "confidence",
            _("'{value}' is not a confidence").format(value=raw["confidence"]),
            _("use a percentage: 100%, 80% or 50%"),
        )
    else:
        out["confidence"] = round(conf, 4)
    effort = _number(raw["effort"])
    if effort is None or effort <= 0:
        bad(
            "effort",
            _("'{value}' is not an effort").format(value=raw["effort"]),
            _("person-months above 0, e.g. 0.5"),
        )
    else:
        out["effort"] = effort
    return out, problems


def rice(reach: float, impact: float, confidence: float, effort: float) -> float:
    """RICE score, rounded to 0.1."""
    return round(reach * impact * confidence / effort, 1)


def backlog(
    stories: pd.DataFrame, file: str = "stories", language: str | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """The prioritised backlog: Musts first, then Shoulds, Coulds, Won'ts and unset; within each,
    highest RICE score first (unscored last), then id. Problems list every unusable cell."""
    problems: list[Problem] = []
    checks = check_table(stories, language).set_index("id")
    rows = []
    for rec in stories.to_dict("records"):
        where = _("row {row} ({id})").format(row=rec["row"], id=rec["id"])
        cat = moscow(str(rec.get("moscow", "") or ""))
        if cat is None:
            problems.append(
                Problem(
                    file,
                    f"{where}, moscow",
                    _("'{value}' is not a MoSCoW category").format(value=rec.get("moscow", "")),
                    _("use Must, Should, Could or Won't"),
                )
            )
        values, bad = rice_inputs(rec, file, where)
        problems += bad
        score = rice(**values) if len(values) == 4 else float("nan")
        rows.append(
            {
                "id": rec["id"],
                "moscow": cat or UNSET,
                "rice": score,
                **{c: values.get(c, float("nan")) for c in RICE_COLUMNS},
                "story": rec["story"],
                "done_when": rec.get("done_when", ""),
                "story_ok": bool(checks.loc[rec["id"], "ok"])
                if rec["id"] in checks.index
                else False,
            }
        )
    table = pd.DataFrame(rows)
    order = {m: i for i, m in enumerate((*MOSCOW, UNSET))}
    table["_m"] = table["moscow"].map(order)
    table["_r"] = -table["rice"].fillna(-1)
    table = table.sort_values(["_m", "_r", "id"], kind="stable").drop(columns=["_m", "_r"])
    table.insert(0, "rank", range(1, len(table) + 1))
    return table[BACKLOG_COLUMNS].reset_index(drop=True), problems


RANKED_COLUMNS = (N_("rank"), N_("id"), N_("moscow"), N_("rice"), N_("story"))


def ranked(table: pd.DataFrame) -> pd.DataFrame:
    """The backlog for a page: rank, id, MoSCoW, RICE and story, headed in the reader's language."""
    return headers(table[list(RANKED_COLUMNS)], RANKED_COLUMNS)


BACKLOG_LABELS = {
    "rank": N_("Rank"),
    "id": N_("Story"),
    "moscow": N_("MoSCoW"),
    "rice": N_("RICE score"),
    "story_ok": N_("Story complete"),
}


def backlog_table(table: pd.DataFrame) -> Table:
    """The backlog's order as a reader sees it: rank, story id, MoSCoW category, RICE score (a
    dash where it could not be worked out) and whether the story is complete."""
    return show(table, BACKLOG_LABELS, codes={UNSET: UNSET})


def moscow_balance(table: pd.DataFrame) -> pd.DataFrame:
    """Stories and effort per MoSCoW category; the share is of the effort planned this time
    (Must, Should, Could), with the 60% Must guide checked."""
    names = (N_("moscow"), N_("stories"), N_("effort"), N_("share_of_effort"), N_("note"))
    return headers(_moscow_balance(table).set_index("moscow"), names)


BALANCE_LABELS = {
    "moscow": N_("MoSCoW"),
    "stories": N_("Stories"),
    "effort": N_("Effort (person-months)"),
    "share_of_effort": N_("Share of the effort"),
    "note": N_("Note"),
}


def moscow_balance_table(table: pd.DataFrame) -> Table:
    """`moscow_balance` as a reader sees it: labelled, the share of effort as a percentage."""
    return show(_moscow_balance(table), BALANCE_LABELS, shares=("share_of_effort",))


def _moscow_balance(table: pd.DataFrame) -> pd.DataFrame:
    effort = table["effort"].fillna(0)
    total = float(effort[table["moscow"].isin(MOSCOW[:3])].sum()) or 1.0  # this timebox only
    out = (
        table.assign(effort=effort)
        .groupby("moscow")
        .agg(stories=("id", "count"), effort=("effort", "sum"))
        .reindex([m for m in (*MOSCOW, UNSET) if m in set(table["moscow"])])
    )
    out["share_of_effort"] = (out["effort"] / total).round(2)
    out["note"] = ""
    if out["share_of_effort"].get("Must", 0.0) > MUST_EFFORT_LIMIT:
        out.loc["Must", "note"] = _("over 60% of effort: move some Musts to Should")
    return out.rename(index={UNSET: _(UNSET)}).rename_axis("moscow").reset_index()


def rice_chart(table: pd.DataFrame, city: City) -> alt.Chart:
    """Bar chart of RICE scores by story, coloured by MoSCoW category."""
    use_theme()
    data = table.dropna(subset=["rice"])
    cats = [m for m in (*MOSCOW, UNSET) if m in set(data["moscow"])]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("rice:Q", title=_("RICE score (reach × impact × confidence ÷ effort)")),
            y=alt.Y("id:N", sort=list(data["id"]), title=None),
            color=alt.Color(
                "moscow:N",
                title="MoSCoW",
                sort=cats,
                scale=alt.Scale(domain=cats, range=PALETTE[: len(cats)]),
            ),
            tooltip=[alt.Tooltip(c, title=_(c)) for c in RICE_TOOLTIP],
        )
    )
    top = data.iloc[0] if len(data) else None
    first = _(" First in the backlog: {id} ({moscow}, RICE {rice:g}).")
    return describe(
        chart,
        title=_("Backlog priorities, {city}").format(city=city.name),
        description=(
            _(
                "Horizontal bar chart of the RICE score of {n} user stories, in backlog order "
                "(Must first), coloured by MoSCoW category."
            ).format(n=len(data))
            + (
                first.format(id=top["id"], moscow=_(top["moscow"]), rice=top["rice"])
                if top is not None
                else ""
            )
        ),
    )


RICE_TOOLTIP = (
    N_("id"),
    N_("moscow"),
    N_("rice"),
    N_("reach"),
    N_("impact"),
    N_("confidence"),
    N_("effort"),
    N_("story"),
)


def _md_cell(value: object) -> str:
    """A table cell: numbers as numbers, text escaped so it shows literally (never as markup)."""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:g}"
    return escape_markdown(" ".join(str(value).split()))


def to_markdown(table: pd.DataFrame, title: str) -> str:
    """The backlog as a markdown table; the title and every text cell are escaped."""
    cols = ["rank", "id", "moscow", "rice", "story", "done_when"]
    head = escape_markdown(" ".join(title.split()))
    lines = [f"# {head}", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for rec in table[cols].itertuples(index=False):
        lines.append("| " + " | ".join(_md_cell(v) for v in rec) + " |")
    return "\n".join(lines) + "\n"


def backlog_title(city: City) -> str:
    """The exported backlog's heading."""
    return _("Backlog, {city}").format(city=city.name)


def export_backlog(table: pd.DataFrame, folder: Path, title: str = "Backlog") -> dict[str, Path]:
    """Write `backlog.csv` and `backlog.md` into `folder`, both or neither (atomic folder)."""
    folder = Path(folder)
    with atomic_dir(folder) as stage:
        table.to_csv(stage / "backlog.csv", index=False, lineterminator="\n")
        (stage / "backlog.md").write_text(to_markdown(table, title), encoding="utf-8")
    return {"csv": folder / "backlog.csv", "markdown": folder / "backlog.md"}
