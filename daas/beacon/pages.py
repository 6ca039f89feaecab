"""What the Beacon's book pages and workshop show: page data, published tables, the quality
and run history, and which pages are published. Everything reads the published output, so pages
show exactly what was published; a recipe's own charts are in its package (housing's in
`daas.beacon.recipes.housing.charts`)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd

from daas.beacon import publish, quality, records
from daas.beacon import statement as said
from daas.beacon.recipe import Recipe
from daas.core.city import City
from daas.core.display import Table, code, headers, labels, page_table, show
from daas.core.errors import DaasError
from daas.core.formats import number
from daas.core.i18n import N_, _


def write_page_data(
    stage: Path, recipe: Recipe, public: dict, results: list, statement: str, meta: dict
) -> list[str]:
    """Small JSON files the pages read (the recipe's, and the shared performance page's); their
    names."""
    counts = pd.concat([r.issues.assign(table=r.table) for r in results], ignore_index=True)
    performance = {
        "as_of": meta["as_of"],
        "statement": statement,
        "quality_facts": said.facts(results),  # the statement, said in each page's language
        "quality_by_table": {r.table: r.scores for r in results},
        "rows_read": {r.table: r.rows for r in results},
        "rows_left_out": {r.table: r.excluded for r in results},
        "issues": counts.groupby(["table", "dimension"])
        .size()
        .rename("rows")
        .reset_index()
        .to_dict("records")
        if len(counts)
        else [],
    }
    pages = {**recipe.page_data(public, results, meta), "performance": performance}
    for name, obj in pages.items():
        publish.write_json(stage / "pages" / f"{name}.json", obj)
    return sorted(p.stem for p in (stage / "pages").glob("*.json"))


def published_pages(city: City) -> dict[str, bool]:
    """Whether each Beacon page is published, from what was built: the page is in the site's
    table of contents (a city's edition keeps it only when the city has a Beacon), its data
    was published with the Beacon, and, once the city's edition has been built, the page is on
    it. Read by the Standard assessment's automatic checks."""
    from daas.beacon import recipes
    from daas.core.paths import city_build_dir, repo_root

    toc = set(_toc_files(repo_root() / "_toc.yml"))
    data = records.output_dir(city.slug) / "pages"
    edition = city_build_dir(city.slug) / "site"
    return {
        page: city.has_beacon()
        and doc in toc
        and (data / f"{page}.json").exists()
        and (not edition.exists() or (edition / f"{doc}.html").exists())
        for page, doc in recipes.of(city).page_files.items()
    }


def _toc_files(path: Path) -> list[str]:
    """Every page a Jupyter Book `_toc.yml` lists (its root included)."""
    import yaml

    def walk(node: object) -> list[str]:
        if isinstance(node, dict):
            own = [str(node["file"])] if "file" in node else []
            return own + [f for v in node.values() for f in walk(v)]
        if isinstance(node, list):
            return [f for item in node for f in walk(item)]
        return []

    if not path.exists():
        return []
    toc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(toc["root"])] * ("root" in toc) + walk(toc)


def published_run(city: City) -> dict:
    """The run record of the published Beacon (computed by `daas city build`, never here)."""
    run = records.latest_run(city.slug)
    if run is None:
        raise DaasError.missing_output(
            city.slug, N_("the Beacon Data Service"), records.output_dir(city.slug) / "run.json"
        )
    return run


def read_table(slug: str, table: str) -> pd.DataFrame:
    """A published table, typed by the schema."""
    from daas.beacon import schema

    path = records.output_dir(slug) / "data" / f"{table}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for name, spec in schema.fields(table).items():
        s = df[name].replace("", pd.NA)
        if spec["type"] == "integer":
            df[name] = pd.to_numeric(s).astype("Int64")
        elif spec["type"] == "number":
            df[name] = pd.to_numeric(s)
        elif spec["type"] == "date":
            df[name] = pd.to_datetime(s)
        elif spec["type"] == "boolean":
            df[name] = s.eq("true")
    return df


def fairness(slug: str) -> pd.DataFrame:
    """The fairness check written by the last build: coverage by neighbourhood, flagged rows."""
    path = records.output_dir(slug) / "fairness.csv"
    if not path.exists():
        return pd.DataFrame(columns=["neighbourhood", "coverage_index", "under_served"])
    cols = ["neighbourhood", "served", "population", "served_share", "population_share",
            "coverage_index", "under_served"]  # fmt: skip
    return pd.read_csv(path)[cols]


def page_data(slug: str, page: str) -> dict:
    path = records.output_dir(slug) / "pages" / f"{page}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def sources_overview(city: City) -> str:
    """Each source export as read: name, role, rows, encoding and delimiter, one line each."""
    from daas.beacon import load
    from daas.beacon.pipeline import beacon_of
    from daas.core.paths import repo_root

    lines = []
    for name, src in beacon_of(city).sources.items():
        raw, encoding, delimiter = load.read_export(repo_root() / src.path, src.path)
        line = _(
            "{name:14} {role:8} {rows:>6} rows  encoding={encoding!r}  delimiter={delimiter!r}"
        )
        lines.append(
            line.format(
                name=name,
                role=src.role,
                rows=number(len(raw)),
                encoding=encoding,
                delimiter=delimiter,
            )
        )
    return "\n".join(lines)


def performance_summary(run: dict, as_of: str) -> str:
    """The performance page's headline figures from the last run record, one per line."""
    gate = (
        _("Metadata complete: {share:.0%}. Privacy gate passed: yes.")
        if run["privacy_gate"]["passed"]
        else _("Metadata complete: {share:.0%}. Privacy gate passed: no.")
    )
    return "\n".join(
        [
            _("Data as of {date}: {days} days old when last built.").format(
                date=as_of, days=run["freshness_days"]
            ),
            _("Rows published: {rows:,}. Cells suppressed: {cells}.").format(
                rows=run["rows_published"], cells=run["rows_suppressed"]
            ),
            gate.format(share=run["metadata_complete"]),
        ]
    )


# column names of the published tables, as chart tooltips show them
COLUMN_LABELS = (N_("neighbourhood"), N_("income_band"), N_("units"), N_("expiring_5y"))


# the other columns pages show: published tables, the fairness check, eligible homes
TABLE_LABELS = (
    N_("bedrooms"),
    N_("buildings"),
    N_("homes"),
    N_("listings"),
    N_("median_asking_rent"),
    N_("suppressed"),
    N_("suppression"),
    N_("served"),
    N_("population"),
    N_("served_share"),
    N_("population_share"),
    N_("coverage_index"),
    N_("under_served"),
)


def for_page(table: pd.DataFrame, *index: str) -> pd.DataFrame:
    """`table` as a page shows it: indexed by the `index` columns, headed in the reader's
    language (the data keeps its English column names)."""
    return page_table(table, (*COLUMN_LABELS, *TABLE_LABELS), index=index)


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def d3_winding(geometry: dict) -> dict:
    """Polygons wound the way vega's d3-geo expects: exterior rings clockwise, holes
    counter-clockwise. GeoJSON files (RFC 7946) use the opposite order, which d3 reads as
    "the whole globe except this shape" and draws as a filled square."""

    def fix(rings: list) -> list:
        return [r if (_signed_area(r) < 0) == (i == 0) else r[::-1] for i, r in enumerate(rings)]

    if geometry["type"] == "Polygon":
        return {**geometry, "coordinates": fix(geometry["coordinates"])}
    if geometry["type"] == "MultiPolygon":
        return {**geometry, "coordinates": [fix(poly) for poly in geometry["coordinates"]]}
    return geometry


def quality_table(slug: str) -> pd.DataFrame:
    data = page_data(slug, "performance")
    df = pd.DataFrame(data["quality_by_table"]).T[list(quality.DIMENSIONS)]
    return headers((df * 100).round(1).rename_axis("table"), (N_("table"), *quality.DIMENSIONS))


def history(slug: str, last: int = 10) -> pd.DataFrame:
    """The last runs: when, outcome, rows published and suppressed, freshness."""
    cols = ["started", "status", "rows_published", "rows_suppressed", "freshness_days"]
    runs = records.run_history(slug)[-last:]
    table = pd.DataFrame([{c: r.get(c) for c in cols} for r in runs], columns=cols)
    return headers(table.assign(status=labels(table["status"])), HISTORY_COLUMNS)


HISTORY_COLUMNS = (
    N_("started"),
    N_("status"),
    N_("rows_published"),
    N_("rows_suppressed"),
    N_("freshness_days"),
)


PUBLIC_COLUMNS = (N_("source"), N_("field"), N_("export columns"), N_("kind"), N_("reason"))


def public_columns(slug: str) -> pd.DataFrame:
    """The columns the city file declares public (places public by design: buildings' names
    and addresses, where a problem in the street was reported), with their reasons, as recorded
    in the published run's run.json."""
    run = records.latest_run(slug) or {}
    rows = [{**d, "columns": ", ".join(d["columns"])} for d in run.get("public_columns", [])]
    table = pd.DataFrame(rows, columns=["source", "field", "columns", "kind", "reason"])
    return headers(table.rename(columns={"columns": "export columns"}), PUBLIC_COLUMNS)


# what the performance and staff pages call the run record's columns and codes
SHOWN = {
    "table": N_("Table"),
    "started": N_("Run on"),
    "status": N_("Outcome"),
    "rows_published": N_("Rows published"),
    "rows_suppressed": N_("Cells hidden"),
    "freshness_days": N_("Data age (days)"),
    "source": N_("Export"),
    "field": N_("Field"),
    "export columns": N_("Columns in the export"),
    "kind": N_("Kind"),
    "reason": N_("Reason"),
    "accuracy": N_("Accuracy"),
    "completeness": N_("Completeness"),
    "uniqueness": N_("Uniqueness"),
    "consistency": N_("Consistency"),
    "timeliness": N_("Timeliness"),
    "validity": N_("Validity"),
}
STATUSES = {"published": N_("Published"), "failed": N_("Failed")}
KINDS = {
    "building-name": N_("Building name"),
    "building-address": N_("Building address"),
    "building-location": N_("Building location"),
    "street-location": N_("Street location"),
}


def quality_shown(slug: str) -> Table:
    """The performance page's quality by table and dimension, as percentages."""
    data = page_data(slug, "performance")
    table = pd.DataFrame(data["quality_by_table"]).T[list(quality.DIMENSIONS)]
    table = table.rename_axis("table").reset_index()
    dims = quality.DIMENSIONS
    names = {c: SHOWN[c] for c in ("table", *dims)}
    return show(table, names, shares=dims, digits=dict.fromkeys(dims, 1), literal=("table",))


def history_shown(slug: str, last: int = 10) -> Table:
    """The performance page's last runs, dates written out."""
    runs = records.run_history(slug)[-last:]
    cols = ["started", "status", "rows_published", "rows_suppressed", "freshness_days"]
    table = pd.DataFrame([{c: r.get(c) for c in cols} for r in runs], columns=cols)
    return show(table, {c: SHOWN[c] for c in cols}, codes=STATUSES, dates=("started",))


# a loaded table's coordinates: not shown in its first rows, where a coordinate's three decimals
# would read as a thousands separator in a language that groups with a point
COORDINATES = ("latitude", "longitude", "lat", "long", "lon", "lng")
CODE = r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*"  # a value a mapping writes: `rental`, `very-low`


def first_rows(table: pd.DataFrame, rows: int = 5) -> Table:
    """The first `rows` rows of a loaded (mapped) export as a reader sees them: the schema's
    fields as headers and the codes the mapping wrote (`rental`, `closed`) as code, as a mapping
    names them; numbers and dates in the reader's language; no line numbers, notes on how a
    value was read, or coordinates."""
    fields = [str(c) for c in table.columns if not str(c).startswith("_")]
    head = table.head(rows)[[f for f in fields if f not in COORDINATES]]
    head = head.mask(head == "").apply(_numbers)  # a blank cell shows a dash
    codes = [f for f in head.columns if _codes(head[f])]
    return show(head, {f: code(f) for f in head.columns}, literal=codes)


def _codes(column: pd.Series) -> bool:
    """Whether a column holds codes: every value given is one (`rental`, `very-low`)."""
    if pd.api.types.is_numeric_dtype(column):
        return False
    known = column[column.notna()].astype(str)
    known = known[known != ""]
    return not known.empty and bool(known.str.fullmatch(CODE).all())


def _numbers(column: pd.Series) -> pd.Series:
    """A column of decimals read as text (coordinates in an export) as numbers; codes stay."""
    if pd.api.types.is_numeric_dtype(column):
        return column
    text = column.astype(str).str.strip()
    known = text[column.notna() & (text != "")]
    decimals = not known.empty and known.str.fullmatch(r"-?\d+\.\d+").all()
    return pd.to_numeric(column.where(text != "")) if decimals else column


def quality_scores(results: dict[str, quality.TableQuality]) -> Table:
    """Each table's quality by dimension (the checks' results in the workshop), as percentages."""
    dims = quality.DIMENSIONS
    rows = [{"table": t, **r.scores} for t, r in results.items()]
    table = pd.DataFrame(rows, columns=["table", *dims])
    names = {c: SHOWN[c] for c in ("table", *dims)}
    return show(table, names, shares=dims, digits=dict.fromkeys(dims, 1), literal=("table",))


ISSUE_COLUMNS = {"dimension": N_("Dimension"), "reason": N_("Reason"), "rows": N_("Rows")}


def issue_counts(issues: pd.DataFrame) -> Table:
    """How many rows failed each check of a table, by dimension and reason, most first; each
    reason in the reader's language, its field as code (`quality.reason_shown`)."""
    counts = issues.groupby(["dimension", "reason"]).size().rename("rows").reset_index()
    counts = counts.sort_values(["rows", "dimension"], ascending=[False, True])
    counts["reason"] = counts["reason"].map(quality.reason_shown)
    return show(counts, ISSUE_COLUMNS, codes=SHOWN)


SUPPRESSED = {
    "shown": N_("shown"),
    "primary": N_("hidden: fewer than the minimum"),
    "secondary": N_("hidden: would reveal a hidden group"),
}
SUPPRESSION_COLUMNS = {"suppression": N_("Cell"), "cells": N_("Cells")}


def suppression_counts(suppression: pd.Series) -> Table:
    """How many cells of a public table are shown, and how many are hidden and why."""
    kinds = suppression.fillna("shown").rename("suppression")
    order = [k for k in SUPPRESSED if k in set(kinds)]
    counts = kinds.value_counts().reindex(order).rename("cells").reset_index()
    return show(counts, SUPPRESSION_COLUMNS, codes=SUPPRESSED)


def run_summary(run: dict) -> str:
    """A Beacon run's outcome in a sentence: published or not, valid package, rows and cells."""
    text = (
        _("Published: {rows} rows, {cells} cells hidden; the data package is valid.")
        if run["status"] == "published" and run["package_valid"]
        else _("Published: {rows} rows, {cells} cells hidden; the data package is not valid.")
        if run["status"] == "published"
        else _("Not published: the run failed; nothing public changed.")
    )
    return text.format(rows=number(run["rows_published"]), cells=number(run["rows_suppressed"]))


def public_columns_table(slug: str) -> Table:
    """The staff page's public columns: export, field and columns as code, kind as a label."""
    table = public_columns(slug)
    table.columns = ["source", "field", "export columns", "kind", "reason"]
    names = {c: SHOWN[c] for c in table.columns}
    return show(table, names, codes=KINDS, literal=("source", "field", "export columns"))
