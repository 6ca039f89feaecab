"""Capability discovery (Appreciative Inquiry): from a staff survey to strengths, gaps and a short
list of areas to invest in.

The survey is a CSV with one row per respondent: `respondent_id`, `role`, `department`, one
column per rated capability, and `best_experience` (a free-text story). A rating column is named
`<area>__<theme>` (for example `open_data__skills`) or just `<area>`; it holds a maturity level
from 1 (beginning) to 5 (mastering). Areas are named after the What Works Cities Certification
practices; themes are the lenses of the UK government Data Maturity Assessment. The descriptions
are the kit's own words.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import altair as alt
import numpy as np
import pandas as pd

from daas.core.charts import describe, use_theme
from daas.core.city import DEFAULT_RECIPE, City
from daas.core.display import Table, headers, readable, show
from daas.core.errors import Problem
from daas.core.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, _
from daas.core.io import atomic_write_text
from daas.core.tables import problems_table, read_table, shown
from daas.core.text import words
from daas.core.vocabulary import vocabulary

WWC_LINK = "https://whatworkscities.bloomberg.org/assessment/"
MATURITY_LINK = (
    "https://www.gov.uk/government/publications/data-maturity-assessment-for-government-framework"
)
REQUIRED = ["respondent_id", "role", "department"]
STORY = "best_experience"
LEVELS = {
    1: N_("Beginning"),
    2: N_("Emerging"),
    3: N_("Learning"),
    4: N_("Developing"),
    5: N_("Mastering"),
}
OVERALL = N_("overall")
MIN_GROUP = 3  # never show a group average for fewer respondents than this


@dataclass(frozen=True)
class Area:
    key: str
    name: str  # the What Works Cities practice name
    description: str  # our own words
    maturity_topics: tuple[str, ...]  # related Data Maturity Assessment topics


AREAS: tuple[Area, ...] = (
    Area(
        "data_management",
        N_("Data Management"),
        N_(
            "Knowing which data the city holds, looking after its quality, sharing it safely and "
            "protecting residents' privacy."
        ),
        (N_("knowing the data you have"), N_("managing your data"), N_("protecting your data")),
    ),
    Area(
        "leadership_capacity",
        N_("Leadership & Capacity"),
        N_(
            "Leaders who ask for evidence, name who is responsible for data, and give staff time "
            "and training to use it."
        ),
        (
            N_("setting your data direction"),
            N_("taking responsibility for data"),
            N_("having the right data skills and knowledge"),
        ),
    ),
    Area(
        "open_data",
        N_("Open Data"),
        N_(
            "Publishing data people can find and use, with guidance, and learning from the people "
            "who use it."
        ),
        (N_("engaging with others"),),
    ),
    Area(
        "performance_analytics",
        N_("Performance & Analytics"),
        N_(
            "Setting measurable goals, reviewing progress regularly and using analysis when "
            "decisions are made."
        ),
        (N_("making decisions with data"),),
    ),
    Area(
        "budget_finance",
        N_("Data-Driven Budget & Finance"),
        N_("Letting evidence about results shape what the city funds and how much."),
        (N_("making decisions with data"),),
    ),
    Area(
        "contracting",
        N_("Results-Driven Contracting"),
        N_(
            "Buying services by the results they should achieve and tracking suppliers against "
            "them."
        ),
        (N_("managing and using data ethically"),),
    ),
    Area(
        "community_impact",
        N_("Community Impact"),
        N_(
            "Working with residents and partners on data, and running data services that answer "
            "their questions."
        ),
        (N_("engaging with others"),),
    ),
    Area(
        "evaluations",
        N_("Evaluations"),
        N_("Testing whether programmes work, and changing them when the evidence says so."),
        (N_("making decisions with data"),),
    ),
)
AREA_BY_KEY = {a.key: a for a in AREAS}

# theme key (shown translated: `_(key)`) -> what it covers
THEMES: dict[str, str] = {
    N_("uses"): "how the data is put to work",
    N_("data"): "the data itself: coverage, quality, documentation",
    N_("leadership"): "who leads, decides and is accountable",
    N_("culture"): "habits and attitudes across the team",
    N_("tools"): "systems and software",
    N_("skills"): "people's knowledge and confidence",
    OVERALL: "the area as a whole",
}


@dataclass
class Survey:
    """A staff survey after cleaning: `ratings` in long form, `people`, and what was wrong."""

    file: str
    people: pd.DataFrame  # respondent_id, role, department, best_experience, row
    ratings: pd.DataFrame  # respondent_id, role, department, area, theme, level
    problems: list[Problem] = field(default_factory=list)

    def problems_table(self) -> pd.DataFrame:
        return problems_table(self.problems)

    @property
    def respondents(self) -> int:
        return len(self.people)


def rating_column(name: str) -> tuple[str, str] | None:
    """(area, theme) of a normalised rating column name ("open_data_skills", "open_data"), or
    None when it is not one."""
    for area in sorted(AREA_BY_KEY, key=len, reverse=True):
        if name == area:
            return area, OVERALL
        if name.startswith(area + "_"):
            theme = name[len(area) :].strip("_")
            return (area, theme) if theme in THEMES else None
    return None


def read_survey(path: Path) -> Survey:
    """Read and clean a staff survey, reporting (not failing on) missing answers, duplicate
    respondents and levels outside 1 to 5."""
    name = shown(path)
    df, problems = read_table(path, REQUIRED)
    columns = {c: rating_column(c) for c in df.columns if c not in {"row", STORY, *REQUIRED}}
    ratings_cols = {c: at for c, at in columns.items() if at}
    for c in (c for c, at in columns.items() if not at):
        problems.append(
            Problem(
                name,
                c,
                _("not a known capability column; ignored"),
                _("name rating columns {pattern}, e.g. {example}").format(
                    pattern="<area>__<theme>", example="open_data__skills"
                ),
            )
        )
    if not ratings_cols:
        problems.append(
            Problem(
                name,
                "",
                _("no rating columns found"),
                _("see {file}").format(file="data/README.md"),
            )
        )
    if STORY not in df.columns:
        problems.append(
            Problem(
                name,
                STORY,
                _("no stories column"),
                _("add {column} to collect stories").format(column=STORY),
            )
        )
        df[STORY] = ""

    df = _drop_duplicates(df, name, problems)
    for col in ("role", "department"):
        for row in df.loc[df[col] == "", "row"]:
            problems.append(
                Problem(
                    name,
                    _("row {row}, {column}").format(row=row, column=col),
                    _("no answer; counted as 'Not given'"),
                    _("ask the respondent, or leave it: averages still use their ratings"),
                )
            )
        df.loc[df[col] == "", col] = _("Not given")

    long = []
    for col, (area, theme) in ratings_cols.items():
        for row, rid, role, dept, raw in df[
            ["row", "respondent_id", "role", "department", col]
        ].itertuples(index=False):
            level = _level(raw)
            if level is None:
                what = (
                    _("no answer; left out of the averages")
                    if raw == ""
                    else _("'{value}' is not a level from 1 to 5; left out of the averages")
                )
                problems.append(
                    Problem(
                        name,
                        _("row {row}, {column}").format(row=row, column=col),
                        what.format(value=raw),
                        _("leave it blank if unknown; levels are whole numbers 1 to 5"),
                    )
                )
                continue
            long.append((rid, role, dept, area, theme, level))
    ratings = pd.DataFrame(
        long, columns=["respondent_id", "role", "department", "area", "theme", "level"]
    ).astype({"level": "int64"})
    people = df[["row", "respondent_id", "role", "department", STORY]].reset_index(drop=True)
    return Survey(name, people, ratings, problems)


def _level(raw: str) -> int | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return int(value) if value.is_integer() and 1 <= value <= 5 else None


def _drop_duplicates(df: pd.DataFrame, name: str, problems: list[Problem]) -> pd.DataFrame:
    """Keep the last answer of each respondent; respondents without an id are numbered."""
    for row in df.loc[df["respondent_id"] == "", "row"]:
        df.loc[df["row"] == row, "respondent_id"] = f"row-{row}"
        problems.append(
            Problem(
                name,
                _("row {row}, {column}").format(row=row, column="respondent_id"),
                _("no respondent id; kept as 'row-{row}'").format(row=row),
                _("give every respondent an id so duplicates can be found"),
            )
        )
    dup = df["respondent_id"].duplicated(keep="last")
    for rid, group in df[df["respondent_id"].duplicated(keep=False)].groupby(
        "respondent_id", sort=True
    ):
        rows = group["row"].tolist()
        problems.append(
            Problem(
                name,
                _("rows {rows}, {column}").format(
                    rows=", ".join(map(str, rows)), column="respondent_id"
                ),
                _("respondent '{id}' answered {n} times; kept row {row}").format(
                    id=rid, n=len(rows), row=rows[-1]
                ),
                _("remove the older answers from the export"),
            )
        )
    return df[~dup].reset_index(drop=True)


def survey_for(city: City, path: str | Path | None = None) -> Survey:
    """The file at `path`, else the city's declared `staff_survey` dataset (a DaasError naming
    the city file and `datasets.staff_survey` when the city has not declared one)."""
    return read_survey(Path(path) if path else city.dataset_path("staff_survey"))


def survey_summary(survey: Survey, city: City) -> str:
    """Which file was read and how many people answered, in a sentence."""
    return _("{city}: {n} respondents in {file}").format(
        city=city.name, n=survey.respondents, file=survey.file
    )


# --- results -------------------------------------------------------------------------------


def _area_name(key: str) -> str:
    """The area's What Works Cities practice name, in the reader's language."""
    return _(AREA_BY_KEY[key].name)


def _area_order(ratings: pd.DataFrame) -> list[str]:
    present = set(ratings["area"])
    return [_area_name(a.key) for a in AREAS if a.key in present]


def _heatmap(survey: Survey) -> pd.DataFrame:
    r = survey.ratings
    if r.empty:
        return pd.DataFrame()
    table = r.pivot_table(index="area", columns="theme", values="level", aggfunc="mean")
    table.index = [_area_name(k) for k in table.index]
    themes = [t for t in THEMES if t in table.columns]
    table = table.reindex(index=_area_order(r), columns=themes).round(1)
    table.columns = [_(t) for t in themes]
    table.index.name, table.columns.name = "area", "theme"
    return table


def heatmap_data(survey: Survey) -> pd.DataFrame:
    """Average level per area (rows, named) and theme (columns), rounded to 0.1."""
    return headers(_heatmap(survey), (N_("area"), N_("theme")))


def heatmap_shown(survey: Survey) -> Table:
    """`heatmap_data` as a reader sees it: a row per area, a column per theme, one decimal."""
    heat = heatmap_data(survey)
    return readable(heat, digits=dict.fromkeys(heat.columns, 1))


def heatmap_chart(survey: Survey, city: City) -> alt.Chart:
    """Heatmap of average maturity level, areas × themes, with the value in each cell."""
    use_theme()
    data = _cells_named(survey, "level")
    base = alt.Chart(data).encode(
        x=alt.X("theme:N", sort=[_(t) for t in THEMES], title=_("Theme")),
        y=alt.Y("area:N", sort=_area_order(survey.ratings), title=None),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("level:Q", scale=alt.Scale(domain=[1, 5]), title=_("Average level")),
        tooltip=[
            alt.Tooltip("area", title=_("area")),
            alt.Tooltip("theme", title=_("theme")),
            alt.Tooltip("level:Q", format=".1f", title=_("Average level")),
        ],
    )
    labels = base.mark_text(fontSize=12).encode(
        text=alt.Text("level:Q", format=".1f"),
        color=alt.condition("datum.level >= 3.5", alt.value("#ffffff"), alt.value("#1a1a1a")),
    )
    strongest = data.sort_values(["level", "area"], ascending=[False, True]).iloc[0]
    return describe(
        cells + labels,
        title=_("Data capability by area and theme, {city}").format(city=city.name),
        description=_(
            "Heatmap of the average maturity level (1 beginning to 5 mastering) given by "
            "{respondents} staff for {areas} capability areas and {themes} themes. Highest: "
            "{area}, {theme}, {level:.1f}."
        ).format(
            respondents=survey.respondents,
            areas=data["area"].nunique(),
            themes=data["theme"].nunique(),
            area=strongest["area"],
            theme=strongest["theme"],
            level=strongest["level"],
        ),
    )


CELL_COLUMNS = (N_("area"), N_("theme"), N_("average"))


def _cells(survey: Survey) -> pd.DataFrame:
    return _cells_named(survey, "average")


def _cells_named(survey: Survey, name: str) -> pd.DataFrame:
    """One row per area and theme with its average `name`d (one column level: stack a Series)."""
    return cast(pd.Series, _heatmap(survey).stack()).rename(name).reset_index()


def _top_cells(survey: Survey) -> pd.DataFrame:
    return _cells(survey).sort_values(["average", "area", "theme"], ascending=[False, True, True])


def _low_cells(survey: Survey) -> pd.DataFrame:
    return _cells(survey).sort_values(["average", "area", "theme"])


# what a reader sees as the headers of the results below
CELL_LABELS = {"area": N_("Area"), "theme": N_("Theme"), "average": N_("Average level")}


def _themes_as_labels() -> dict[str, str]:
    """Each theme as the tables hold it (translated) → its English name, for `show`'s codes."""
    return {_(t): t for t in THEMES}


def _cells_shown(cells: pd.DataFrame) -> Table:
    return show(cells, CELL_LABELS, codes=_themes_as_labels(), digits={"average": 1})


def strengths(survey: Survey, n: int = 5) -> pd.DataFrame:
    """The positive core: the highest-rated area and theme pairs."""
    return headers(_top_cells(survey).head(n).reset_index(drop=True), CELL_COLUMNS)


def strengths_shown(survey: Survey, n: int = 5) -> Table:
    """`strengths` as a reader sees it: labelled, averages to one decimal."""
    return _cells_shown(_top_cells(survey).head(n))


def strongest_areas(survey: Survey, n: int = 2) -> list[str]:
    """The names of the `n` areas that appear first in the positive core (for summaries)."""
    return list(dict.fromkeys(_top_cells(survey)["area"]))[:n]


def gaps(survey: Survey, n: int = 5) -> pd.DataFrame:
    """The lowest-rated area and theme pairs."""
    return headers(_low_cells(survey).head(n).reset_index(drop=True), CELL_COLUMNS)


def gaps_shown(survey: Survey, n: int = 5) -> Table:
    """`gaps` as a reader sees it: labelled, averages to one decimal."""
    return _cells_shown(_low_cells(survey).head(n))


def _story_words(survey: Survey, n: int) -> pd.DataFrame:
    counts: Counter[str] = Counter()
    for story in survey.people[STORY]:
        counts.update(set(words(story)))
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return pd.DataFrame(top, columns=["word", "stories"])


def story_words(survey: Survey, n: int = 10) -> pd.DataFrame:
    """The words staff use most in their best-experience stories: the raw material of the
    positive core. Counts each word once per story."""
    return headers(_story_words(survey, n), (N_("word"), N_("stories")))


def story_words_shown(survey: Survey, n: int = 10) -> Table:
    """`story_words` as a reader sees it: each word, quoted as staff wrote it, and how many
    stories use it."""
    labels = {"word": N_("Word"), "stories": N_("Stories that use it")}
    return show(_story_words(survey, n), labels, quoted=("word",))


def compare(survey: Survey, by: str = "role", min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Average level per area for each role (or department). Groups with fewer than `min_group`
    respondents are pooled as "Other (small groups)" so no one's answers can be singled out."""
    if by not in {"role", "department"}:
        raise ValueError("by must be 'role' or 'department'")
    r = survey.ratings.copy()
    sizes = survey.people[by].value_counts()
    small = set(sizes[sizes < min_group].index)
    other = _("Other (small groups)")
    r.loc[r[by].isin(small), by] = other
    table = r.pivot_table(index=by, columns="area", values="level", aggfunc="mean").round(1)
    table.columns = [_area_name(k) for k in table.columns]
    table = table[[c for c in _area_order(r) if c in table.columns]]
    people = survey.people.assign(
        **{by: survey.people[by].where(~survey.people[by].isin(small), other)}
    )
    table.insert(0, "respondents", people[by].value_counts())
    pooled = table.loc[table["respondents"] < min_group]
    table = table.drop(index=pooled.index)  # a pool can itself be too small
    table.index.name = by
    return headers(table.sort_index(), (N_("respondents"), N_("role"), N_("department")))


def compare_shown(survey: Survey, by: str = "role", min_group: int = MIN_GROUP) -> Table:
    """`compare` as a reader sees it: a row per group, averages to one decimal."""
    table = compare(survey, by, min_group)
    return readable(table, digits=dict.fromkeys(table.columns[1:], 1))


def priority_areas(survey: Survey, n: int = 3) -> list[str]:
    """The names of the `n` areas to invest in first (for summaries)."""
    return list(_priority_table(survey, n)["area"])


def priorities(survey: Survey, n: int = 3) -> pd.DataFrame:
    """The short list of areas to invest in during the track: lowest average first, ties broken
    by the share of low (1-2) ratings, then by name. Each comes with its weakest theme and its
    strongest theme, the strength to build on."""
    return headers(_priority_table(survey, n), PRIORITY_COLUMNS)


PRIORITY_LABELS = {
    "rank": N_("Rank"),
    "area": N_("Area"),
    "average": N_("Average level"),
    "low_share": N_("Ratings of 1 or 2"),
    "weakest_theme": N_("Weakest theme"),
    "build_on": N_("Build on"),
}


def priorities_shown(survey: Survey, n: int = 3) -> Table:
    """`priorities` as a reader sees it: labelled, themes in words, the low ratings' share as a
    percentage."""
    return show(_priority_table(survey, n), PRIORITY_LABELS, codes=_themes_as_labels(),
                shares=("low_share",), digits={"average": 1})  # fmt: skip


def _priority_table(survey: Survey, n: int) -> pd.DataFrame:
    """`priorities` with the English column names the code reads."""
    r = survey.ratings
    rows = []
    for key, g in r.groupby("area", sort=True):
        by_theme = g.groupby("theme")["level"].mean().round(1)
        rows.append(
            {
                "area": _area_name(str(key)),
                "average": round(float(g["level"].mean()), 1),
                "low_share": round(float((g["level"] <= 2).mean()), 2),
                "weakest_theme": _(by_theme.sort_values(kind="stable").index[0]),
                "build_on": _(by_theme.sort_values(ascending=False, kind="stable").index[0]),
            }
        )
    table = pd.DataFrame(
        rows, columns=["area", "average", "low_share", "weakest_theme", "build_on"]
    )
    table = table.sort_values(["average", "low_share", "area"], ascending=[True, False, True])
    table = table.head(n).reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table


PRIORITY_COLUMNS = (
    N_("rank"),
    N_("area"),
    N_("average"),
    N_("low_share"),
    N_("weakest_theme"),
    N_("build_on"),
)


def level_name(level: float) -> str:
    """The maturity level's name for an average: 2.6 → "Learning" (rounded)."""
    return _(LEVELS[int(min(5, max(1, round(level))))])


# --- sample data ---------------------------------------------------------------------------

SAMPLE_THEMES = ("data", "tools", "skills", "culture")
# Each language's sample words: roles (in the order of _ROLE_SHIFTS), departments and
# best-experience stories (`daas/discovery/data/sample_survey.yml`).
SAMPLE_FILE = "discovery/data/sample_survey.yml"


def sample_text(language: str, recipe: str = DEFAULT_RECIPE) -> dict[str, list[str]]:
    """The sample survey's roles, departments and stories in `language` (en, es or pt), for a
    city whose Beacon runs `recipe` (its own departments and stories, where the file has them)."""
    words = dict(vocabulary(SAMPLE_FILE)[language])
    return {**words, **words.pop("recipes", {}).get(recipe, {})}


# one seed per language, so the three example cities' surveys differ
SAMPLE_SEEDS = {"en": 7, "es": 19, "pt": 23}
_SAMPLE_BASE = {  # a plausible city: strong on performance routines, weak on evaluation
    "data_management": 2.4,
    "leadership_capacity": 3.0,
    "open_data": 3.3,
    "performance_analytics": 3.6,
    "budget_finance": 2.7,
    "contracting": 2.0,
    "community_impact": 2.6,
    "evaluations": 1.8,
}
_THEME_SHIFT = {"data": -0.2, "tools": -0.4, "skills": 0.1, "culture": 0.4}
# analyst, manager, front-line staff, IT and systems, leadership (the order of "roles")
_ROLE_SHIFTS = (0.3, 0.1, -0.4, 0.2, 0.5)


def sample_survey(
    respondents: int = 36,
    seed: int = 7,
    language: str = "en",
    places: list[str] | tuple[str, ...] = (),
    recipe: str = DEFAULT_RECIPE,
) -> pd.DataFrame:
    """A fictional, seeded staff survey in `language` (en, es or pt), from a city whose Beacon
    runs `recipe`. `places` are the city's own neighbourhood names, used in some best-experience
    stories."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    text = sample_text(language, recipe)
    roles, departments = text["roles"], text["departments"]
    names = list(places) * (8 // max(len(places), 1) + 1) if places else ["?"] * 8
    stories = tuple(s.format(*names) for s in text["stories"])
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(1, respondents + 1):
        r = int(rng.integers(len(roles)))
        row: dict[str, str | int] = {
            "respondent_id": f"S{i:03d}",
            "role": roles[r],
            "department": departments[int(rng.integers(len(departments)))],
        }
        for area, base in _SAMPLE_BASE.items():
            for theme in SAMPLE_THEMES:
                mean = base + _THEME_SHIFT[theme] + _ROLE_SHIFTS[r]
                row[f"{area}__{theme}"] = int(np.clip(round(rng.normal(mean, 0.8)), 1, 5))
        row[STORY] = stories[int(rng.integers(len(stories)))]
        rows.append(row)
    return pd.DataFrame(rows)


def sample_survey_for(city: City) -> pd.DataFrame:
    """The seeded sample survey for a city: in its language, with the departments and stories of
    its Beacon's recipe, naming only its neighbourhoods."""
    from daas.profile.city_profile import read_neighbourhoods

    places = read_neighbourhoods(city)["neighbourhood"].tolist()
    return sample_survey(
        seed=SAMPLE_SEEDS[city.language],
        language=city.language,
        places=places,
        recipe=city.beacon_recipe(),
    )


def write_sample_survey(city: City) -> Path:
    """Regenerate the city's committed sample survey (its `datasets.staff_survey` file)."""
    path = city.dataset_path("staff_survey")
    atomic_write_text(path, sample_survey_for(city).to_csv(index=False, lineterminator="\n"))
    return path


def areas_table() -> pd.DataFrame:
    """The capability areas: What Works Cities practice names, our description, and the related
    Data Maturity Assessment topics."""
    table = pd.DataFrame(
        [(_(a.name), _(a.description), "; ".join(map(_, a.maturity_topics))) for a in AREAS],
        columns=["area", "what it covers", "related data maturity topics"],
    ).set_index("area")
    return headers(table, (N_("area"), N_("what it covers"), N_("related data maturity topics")))


def areas_shown() -> Table:
    """`areas_table` as a reader sees it: never cut, each list of topics starting with a capital
    as a cell does."""
    table = areas_table()
    return readable(table, codes={t: t for t in table.iloc[:, -1]})


INTERVIEW = (
    N_(
        "Tell me about a time when data really helped you or your team do something for "
        "residents. What happened, and who was involved?"
    ),
    N_("What do you value most about that experience, and about your own part in it?"),
    N_("What made it possible: people, habits, tools, leadership?"),
    N_("If you had one wish for how this city uses data three years from now, what would it be?"),
)


def interview_questions(language: str = "en") -> list[str]:
    """The four appreciative interview questions (best experience, value, what made it possible,
    one wish), in English, Spanish or Portuguese (English for any other language)."""
    lang = language if language in LANGUAGES else SOURCE_LANGUAGE
    return [_(q, lang) for q in INTERVIEW]
