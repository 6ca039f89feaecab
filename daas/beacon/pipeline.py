"""The whole Beacon build: load -> quality -> privacy gate -> aggregate -> gate -> publish.

Everything about the city's problem comes from its recipe (`daas.beacon.recipes`): the tables a
source may feed, their rules, the published tables, their description and the page data.
`build(slug)` writes `_build/cities/<slug>/beacon/` atomically (a failed run leaves the previous
output untouched), records every run in `beacon-runs.jsonl`, and shows a `rich` progress display.
"""

from __future__ import annotations

import gc
import json
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

import pandas as pd

from daas.beacon import publish, quality, recipes, records, schema
from daas.beacon.load import load_source
from daas.beacon.recipe import QUALITY_TABLE, Recipe
from daas.core.big import BigTable, Engine
from daas.core.city import Beacon, City, load_city
from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.io import atomic_dir
from daas.core.paths import data_dir, repo_root

STAGES = ("load", "quality", "privacy", "aggregate", "publish")
SAMPLE_SEED = 20250630  # the seed of the kit's sample Beacon data (`daas beacon generate`)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def city_file(city: City) -> str:
    return f"cities/{city.slug}.yml"


def beacon_of(city: City) -> Beacon:
    """The city's `beacon:` section; a DaasError naming the city file if it has none."""
    if city.beacon is None:
        raise DaasError.one(
            city_file(city),
            "beacon",
            _("the city has no beacon section"),
            _("add one: see cities/port-mallory.yml and cities/README.md"),
        )
    return city.beacon


Table = pd.DataFrame | BigTable  # a big table (`daas.core.tables.is_big`) is held in DuckDB


def load_tables(
    city: City, memo: dict | None = None, engine: Engine | None = None
) -> dict[str, Table]:
    """Read every source of the city through its mapping; sources of one table are stacked.
    `memo`: the run's privacy-gate scans (`daas.privacy.gate.Memo`), kept for its later gates;
    `engine`: the run's DuckDB database, where a big export is read (`daas.core.big`)."""
    from daas.beacon.mapping_checks import table_problems

    recipe = recipes.of(city)
    if problems := recipe.city_problems(city):
        raise DaasError(problems)
    frames: dict[str, list[Table]] = {}
    for name, src in beacon_of(city).sources.items():
        if problems := table_problems(city, name, src):
            raise DaasError(problems)
        where = f"{city_file(city)}: beacon.sources.{name}"
        # partner data is never published raw; the city's own data may feed any table (a
        # restricted one too: its rows are only published through the recipe's aggregates)
        if src.role == "partner" and not schema.is_restricted(src.table):
            raise DaasError.one(
                city_file(city),
                f"beacon.sources.{name}.role",
                _("a partner source cannot feed the {table} table, which is published").format(
                    table=src.table
                ),
                _("partner data may only feed {tables}").format(
                    tables=_listed(recipe.restricted_tables())
                ),
            )
        raw, mapped = load_source(repo_root() / src.path, src, src.path, where, engine)
        _gate_export(city, name, src, raw, memo)
        frames.setdefault(src.table, []).append(mapped)
    for table in recipe.required_tables:
        if table not in frames:
            raise DaasError.one(
                city_file(city),
                "beacon.sources",
                _("no source feeds the {table} table").format(table=table),
                _("add a source with `table: {table}`").format(table=table),
            )
    return {t: _stacked(f, engine) for t, f in frames.items()}


def _stacked(parts: list[Table], engine: Engine | None) -> Table:
    """The sources of one table, one after another (a big one makes the whole table big)."""
    if len(parts) == 1:
        return parts[0]
    if engine is None or not any(isinstance(p, BigTable) for p in parts):
        return pd.concat([as_frame(p) for p in parts], ignore_index=True)
    tables = [p if isinstance(p, BigTable) else engine.from_frame("part", p) for p in parts]
    return engine.table(
        "stacked", " UNION ALL BY NAME ".join(f"SELECT * FROM {t.sql}" for t in tables)
    )


def as_frame(table: Table) -> pd.DataFrame:
    """A table as the plain path's pandas frame (a stage with no big version reads it so)."""
    return table.df() if isinstance(table, BigTable) else table


def _listed(tables: tuple[str, ...]) -> str:
    return ", ".join(f"`{t}`" for t in tables) or _("no table")


def today(city: City) -> date:
    """The day data freshness counts to: today, or a fictional city's `reference_date`."""
    return city.today()


def context(city: City) -> quality.Context:
    as_ofs = [s.as_of for s in beacon_of(city).sources.values() if s.as_of]
    names, bbox = None, None
    if "neighbourhoods" in city.datasets:
        from daas.profile.city_profile import read_neighbourhoods

        names = list(read_neighbourhoods(city)["neighbourhood"])
    gj = geojson_path(city)
    if gj.exists():
        coords = [
            pt
            for f in json.loads(gj.read_text(encoding="utf-8"))["features"]
            for ring in f["geometry"]["coordinates"]
            for pt in ring
        ]
        xs, ys = [c[0] for c in coords], [c[1] for c in coords]
        bbox = (min(xs), min(ys), max(xs), max(ys))
    return quality.Context(
        as_of=min(as_ofs) if as_ofs else today(city),
        neighbourhoods=names,
        bbox=bbox,
        timezone=(city.beacon.timezone if city.beacon else None) or "UTC",
    )


def geojson_path(city: City) -> Path:
    return data_dir() / city.slug / "neighbourhoods.geojson"


def _export_columns(src, fld: str) -> list[str]:
    cols = src.columns.get(fld, [])
    return [cols] if isinstance(cols, str) else list(cols)


def declarations(city: City) -> list[dict]:
    """The columns the city file declares public (`beacon.sources.<name>.public`), for run.json
    and the staff page (none without a beacon section); a declaration of a field not mapped,
    of an unknown kind or without a reason is an error naming the fix (`daas city validate`
    reports the same)."""
    from daas.beacon.mapping_checks import public_problems

    sources = city.beacon.sources.items() if city.beacon else []
    if problems := [p for name, src in sources for p in public_problems(city, name, src)]:
        raise DaasError(problems)
    former, out = recipes.of(city).former_kinds, []
    for name, src in sources:
        for fld, decl in src.public.items():
            cols = _export_columns(src, fld)
            kind = former.get(decl.kind, decl.kind)  # a former name is read as the kind it is
            out.append(dict(source=name, table=src.table, field=fld, columns=cols,
                            kind=kind, reason=decl.reason))  # fmt: skip
    return out


def public_columns(city: City) -> dict[str, dict[str, str | list[str]]]:
    """Declared kinds by table and field; the quality report's `value` column echoes cells of
    the declared fields of public tables, so it accepts the address kinds declared there (it
    holds other text too, so it is not a location column). The recipe's own declarations of
    its published tables (`Recipe.gate_declarations`) come first."""
    from daas.privacy.gate import LOCATION_KINDS

    out: dict[str, dict[str, str | list[str]]] = {
        table: dict(columns) for table, columns in recipes.of(city).gate_declarations.items()
    }
    echo: list[str] = []
    for d in declarations(city):
        out.setdefault(d["table"], {})[d["field"]] = d["kind"]
        if not schema.is_restricted(d["table"]) and d["kind"] not in LOCATION_KINDS:
            out.setdefault(QUALITY_TABLE, {}).setdefault("value", echo)
            echo += [d["kind"]] * (d["kind"] not in echo)
    return out


def _gate_export(city: City, name: str, src, raw: Table, memo: dict | None) -> None:
    """The privacy gate on an export as received, every column included: a city should not
    receive (or keep) personal data the service does not need, even in a column it drops.
    Only contact columns in `allowed_columns` and the columns mapped to the recipe's free-text
    fields (dropped after the checks, never published) skip it; declared columns accept
    addresses.
    Exact coordinates are looked for in the mapped tables (`_gate`), where they could be
    published: an export's unmapped coordinate columns are dropped, never published."""
    declared = {
        col: decl.kind for fld, decl in src.public.items() for col in _export_columns(src, fld)
    }
    label = f"{name} ({src.path})"
    what = _("the export {path}").format(path=src.path)
    free = [c for fld in recipes.of(city).free_text for c in _export_columns(src, fld)]
    allowed = {label: [*src.allowed_columns, *free]}
    _gate({label: raw}, city, what, allowed, {label: declared}, locations=False, memo=memo)


def _gate(
    tables: Mapping[str, Table],
    city: City,
    what: str,
    allowed: dict[str, list[str]] | None = None,
    public: dict[str, dict[str, str | list[str]]] | None = None,
    locations: bool = True,
    memo: dict | None = None,
):
    """The privacy gate: no column is exempt; street addresses and exact coordinates only in
    declared columns. `memo`: the run's scans so far (a column unchanged since is not scanned
    again). A big table is checked where it is, in DuckDB (`daas.privacy.big`)."""
    from daas.privacy import gate

    result = gate(
        dict(tables),
        min_cell_size=city.privacy.min_cell_size,
        allowed_columns=allowed or {},
        public_columns=public if public is not None else public_columns(city),
        addresses=True,
        locations=locations,
        memo=memo,
    )
    if not result.passed:
        raise PrivacyGateError.one(
            city_file(city),
            "privacy",
            _("the privacy gate stopped {what}: {reasons}").format(
                what=what, reasons="; ".join(result.reasons)
            ),
            _("remove or aggregate the columns named above"),
            exit_code=1,
        )
    return result


class PrivacyGateError(DaasError):
    """The privacy gate stopped a run: its record says so (`failed_check`), in any language."""


def build(
    city: str | City,
    *,
    progress: bool = True,
    on_stage: Callable[[str, float], None] | None = None,
) -> dict:
    """Run the whole pipeline for a city (a slug, or a `City` with workshop overrides); return
    the run record. Failed runs raise DaasError after recording themselves in the history; the
    published output stays as it was."""
    started = _now()
    slug = city if isinstance(city, str) else city.slug
    record = records.empty_record(slug, started)
    try:
        with _collector_paused():
            record = _build(
                load_city(city) if isinstance(city, str) else city, record, progress, on_stage
            )
    except DaasError as exc:
        record.update(finished=_now(), status="failed", error=str(exc))
        if isinstance(exc, PrivacyGateError):
            record["failed_check"] = "privacy-gate"
        records.append_history(slug, record)
        raise
    records.append_history(slug, record)
    return record


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused during a build: a large table makes millions
    of objects, and each full collection walks every one of them (1.8 s of a 1M-row build's
    62 s of CPU time) to find no cycle worth freeing (the peak memory is the same). Tables
    are freed as their last reference goes, as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _progress(enabled: bool):
    if not enabled:
        return nullcontext(None)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TimeElapsedColumn(), transient=False
    )


def _build(city: City, record: dict, show: bool, on_stage) -> dict:
    with _progress(show) as bar:
        task = bar.add_task("Beacon: load", total=len(STAGES)) if bar else None
        clock = [time.perf_counter()]
        record["public_columns"] = declarations(city) if city.beacon else []  # failed runs too

        def done(stage: str, nxt: str | None) -> None:
            now = time.perf_counter()
            if on_stage:
                on_stage(stage, now - clock[0])
            clock[0] = now
            if bar:
                bar.update(task, advance=1, description=f"Beacon: {nxt or 'done'}")

        recipe = recipes.of(city)
        record["recipe"] = recipe.name
        memo: dict = {}  # the privacy gate's scans, shared by the run's gates
        with Engine() as engine:
            record = _stages(city, recipe, record, memo, engine, done)
    return record


def _stages(city: City, recipe: Recipe, record: dict, memo: dict, engine: Engine, done) -> dict:
    """Load, check, gate, aggregate, gate, publish (`done(stage, next)` after each)."""
    raw = load_tables(city, memo, engine)
    ctx = context(city)
    done("load", "quality")
    # each table as read is let go once checked, and its free text once the checks are done
    results = {t: _checked(t, raw.pop(t), ctx) for t in list(raw)}
    done("quality", "privacy")
    for r in results.values():
        r.clean = _without(r.clean, list(recipe.free_text))
    clean = {t: r.clean for t, r in results.items()}
    _gate(clean, city, _("the input data"), memo=memo)
    done("privacy", "aggregate")
    # a recipe that `reads_big_tables` takes a BigTable where its signature says a frame
    given = clean if recipe.reads_big_tables else {t: as_frame(c) for t, c in clean.items()}
    public = recipe.aggregate(cast(dict[str, pd.DataFrame], given), ctx, city)
    issues = [r.issues for t, r in results.items() if not schema.is_restricted(t)]
    # a recipe whose input tables are all restricted publishes an empty table
    public[QUALITY_TABLE] = pd.concat(
        issues or [pd.DataFrame(columns=quality.ISSUE_COLUMNS)], ignore_index=True
    )
    public = {t: public[t] for t in recipe.public_tables if t in public}
    extra = recipe.reference_tables(city)
    gate = _gate({**public, **extra}, city, _("the publication"), memo=memo)
    done("aggregate", "publish")
    # a big published table (the recipe's, `daas.core.big.BigTable`) is published from DuckDB
    record = _publish(city, recipe, ctx, results, public, extra, gate, record)
    done("publish", None)
    return record


def _checked(name: str, table: Table, ctx: quality.Context) -> quality.TableQuality:
    """`quality.check`; a big table as mapped is dropped once checked (nothing reads it again:
    the clean table is a table of its own), freeing DuckDB's memory for the later stages."""
    result = quality.check(name, table, ctx)
    if isinstance(table, BigTable) and getattr(result.clean, "name", None) != table.name:
        table.drop()
    return result


def _without(table: Table, columns: list[str]) -> Table:
    """`table` without those of `columns` it has."""
    if isinstance(table, BigTable):
        return table.drop_columns(columns)
    return table.drop(columns=columns, errors="ignore")


def _publish(city: City, recipe: Recipe, ctx, results, public, extra, gate, record) -> dict:
    from daas.beacon import pages

    srcs = beacon_of(city).sources
    first = recipe.first_date(public)
    meta = {
        "as_of": ctx.as_of.isoformat(),
        "spatial": ",".join(f"{v:g}" for v in ctx.bbox) if ctx.bbox else city.name,
        "temporal": f"{first:%Y-%m-%d}/{ctx.as_of.isoformat()}" if first is not None else "",
        "sources": [
            {"title": s.description or n, "path": s.path}
            for n, s in srcs.items()
            if s.role == "public"
        ]
        + [{"title": recipe.partner_source}] * any(s.role == "partner" for s in srcs.values()),
        "has_reference": bool(extra),
        "timezone": ctx.timezone,
    }
    suppressed = recipe.rows_suppressed(public)
    published = sum(len(df) for df in public.values())
    with atomic_dir(records.output_dir(city.slug)) as stage:
        publish.write_data(stage, public, extra)  # data/*.csv and beacon.db
        publish.write_schemas(stage, list(public))
        desc = publish.descriptor(city, recipe, public, meta)
        publish.write_json(stage / "datapackage.json", desc)
        publish.write_json(stage / "metadata.json", publish.datasette_metadata(city, recipe, meta))
        if geojson_path(city).exists():
            shutil.copyfile(geojson_path(city), stage / "neighbourhoods.geojson")
        valid, errors = publish.validate_package(stage, public)
        if not valid:
            raise DaasError.one(
                "datapackage.json",
                "",
                _("the data package is not valid: {errors}").format(errors="; ".join(errors)),
                _("report this: the pipeline wrote a package its schemas reject"),
                exit_code=1,
            )
        all_results = list(results.values())
        statement = quality.statement(all_results, city.name)
        pages_done = pages.write_page_data(stage, recipe, public, all_results, statement, meta)
        record.update(
            finished=_now(),
            status="published",
            package_valid=valid,
            quality=quality.overall(all_results),
            privacy_gate={"passed": gate.passed, "reasons": list(gate.reasons)},
            metadata_complete=publish.metadata_completeness(desc),
            freshness_days=(today(city) - ctx.as_of).days,
            rows_published=published,
            rows_suppressed=suppressed,
            pages=pages_done,
            rows_read={t: r.rows for t, r in results.items()},
            rows_excluded={t: r.excluded for t, r in results.items()},
            restricted_issues=quality.restricted_issues(all_results),
        )
        fair = recipe.fairness(public, extra)
        if fair is not None:
            from daas.privacy.fairness import under_served

            fair.to_csv(stage / "fairness.csv", index=False)
            record["fairness"] = {"under_served": under_served(fair, recipe.fairness_group)}
        publish.write_json(stage / "run.json", record)
    return record


def with_sample_beacon(city: City) -> City:
    """A city without a `beacon:` section gets the kit's fictional sample Beacon: data generated
    from its neighbourhoods (`daas beacon generate`) read through the sample export mapping."""
    if city.beacon is not None:
        return city
    import yaml

    from daas.core.i18n import N_
    from daas.core.samples import require_fictional

    require_fictional(city, N_("sample Beacon data"))  # a real city never gets invented numbers

    recipe = recipes.of(city)
    sample = yaml.safe_load((repo_root() / recipe.sample_mapping).read_text())
    for src in sample["sources"].values():
        src["path"] = src["path"].replace("{slug}", city.slug)
    if not all((repo_root() / src["path"]).exists() for src in sample["sources"].values()):
        recipe.generate(city, SAMPLE_SEED)
    sample["publisher"] = f"{city.name} (fictional sample data)"
    data = city.model_dump(mode="json", exclude_none=True)
    from daas.core.city import parse_city

    return parse_city({**data, "beacon": sample}, city_file(city))


def with_overrides(
    city: City,
    paths: dict[str, str] | None = None,
    mappings: dict[str, str] | None = None,
    min_cell_size: int | None = None,
) -> City:
    """The city with workshop parameters applied (validated like the city file): `paths` and
    `mappings` (a YAML file in cities/mappings/) by source name, and the minimum cell size."""
    import yaml

    city = with_sample_beacon(city)
    data = city.model_dump(mode="json", exclude_none=True)
    sources = data["beacon"]["sources"]
    for name in {**(paths or {}), **(mappings or {})}:
        if name not in sources:
            raise DaasError.one(
                city_file(city),
                f"beacon.sources.{name}",
                _("no such source"),
                _("use one of: {keys}").format(keys=", ".join(sources)),
            )
    for name, path in (paths or {}).items():
        sources[name]["path"] = path
    for name, file in (mappings or {}).items():
        m = yaml.safe_load((repo_root() / file).read_text(encoding="utf-8"))
        for key in ("columns", "constants", "values", "unpivot", "encoding", "delimiter",
                    "date_format", "placeholders", "decimal", "allowed_columns",
                    "public"):  # fmt: skip
            sources[name].pop(key, None)
        sources[name].update(m)
    if min_cell_size is not None:
        data["privacy"]["min_cell_size"] = min_cell_size
    from daas.core.city import parse_city

    return parse_city(data, city_file(city))
