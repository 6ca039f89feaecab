"""Publishing: the Frictionless data package with DCAT-style metadata, the SQLite database with
Datasette metadata and canned queries, and the small JSON files the book pages read.

Everything here writes into a staging folder given by the pipeline (`daas.core.io.atomic_dir`), and
writes nothing that changes between runs on the same inputs: the run record holds the times.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import sqlite3
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd

from daas.beacon import cells, schema
from daas.beacon.recipe import Recipe
from daas.beacon.recipes import title as service_title
from daas.core.big import BigTable
from daas.core.tables import is_big

LICENCES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC0-1.0": (
        "CC0 1.0 Public Domain Dedication",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "ODC-BY-1.0": (
        "Open Data Commons Attribution 1.0",
        "https://opendatacommons.org/licenses/by/1-0/",
    ),
    "ODC-PDDL-1.0": (
        "Open Data Commons PDDL 1.0",
        "https://opendatacommons.org/licenses/pddl/1-0/",
    ),
    "OGL-UK-3.0": (
        "Open Government Licence v3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
}
# DCAT-US (Project Open Data v1.1) fields a catalogue expects; metadata_complete is their share.
DCAT_FIELDS = (
    "title",
    "description",
    "keywords",
    "modified",
    "publisher",
    "contactPoint",
    "identifier",
    "accessLevel",
    "licenses",
    "spatial",
    "temporal",
    "resources",
    "accrualPeriodicity",
    "describedBy",
)
SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}
ROW_LIMIT = 1000
TIME_LIMIT_MS = 1000
SQL_VARIABLES = 999  # SQLite's smallest limit on `?` per statement (older builds)
# how every published CSV is written (`cells.csv_lines`), declared so no reader has to guess
DIALECT = {
    "delimiter": ",",
    "quoteChar": '"',
    "doubleQuote": True,
    "lineTerminator": "\n",
    "header": True,
}


def csv_text(df: pd.DataFrame, table: str) -> str:
    """CSV in schema order: ISO dates, `true`/`false`, empty for missing, stable number text."""
    return "\n".join(cells.csv_lines(df, table)) + "\n"


def write_csv(path: Path, df: pd.DataFrame | BigTable, table: str, chunk: int = 100_000) -> None:
    """`csv_text` written to `path` (in a staging folder) a chunk of rows at a time: only one
    chunk's lines are ever in memory. A big table's are written by DuckDB, the same bytes
    (`daas.beacon.big.publish.write_csv`)."""
    if isinstance(df, BigTable):
        from daas.beacon.big import publish as big_publish

        big_publish.write_csv(path, df, table)
        return
    step, big = _step(df, table, chunk), is_big(len(df))
    with path.open("w", encoding="utf-8", newline="") as f:
        for start in range(0, max(len(df), 1), step):
            lines = cells.csv_lines(df.iloc[start : start + step], table, big)
            f.write("\n".join(lines[1:] if start else lines) + "\n")


def write_data(
    stage: Path, tables: dict[str, pd.DataFrame | BigTable], extra: dict[str, pd.DataFrame]
) -> None:
    """Each table's `data/<table>.csv` (`write_csv`) and the SQLite database `beacon.db`
    (`write_database`); a big table's CSV is written by DuckDB in a thread of its own while
    SQLite is filled (`daas.beacon.big.publish.write_csv_beside`), DuckDB keeping to that one
    thread meanwhile (`daas.beacon.big.publish.one_thread`): the other core is SQLite's."""
    from daas.beacon.big import publish as big_publish

    (stage / "data").mkdir(exist_ok=True)
    big = {t: df for t, df in tables.items() if isinstance(df, BigTable)}
    for t, b in big.items():  # a pass over the whole table: before DuckDB keeps to one thread
        big_publish.profile(b, t)
    with contextlib.ExitStack() as threads:
        beside = [b for b in big.values() if isinstance(b, big_publish.PublicTable)]
        for engine in {id(b.engine): b.engine for b in beside}.values():
            threads.enter_context(big_publish.one_thread(engine))
        waits = []
        for t, df in tables.items():
            path = stage / "data" / f"{t}.csv"
            if isinstance(df, BigTable):
                waits.append(big_publish.write_csv_beside(path, df, t))
            else:
                write_csv(path, df, t)
        try:
            write_database(stage / "beacon.db", tables, extra)
        finally:
            for wait in waits:
                wait()


def _step(df: pd.DataFrame, table: str, rows: int) -> int:
    """How many rows of `df` to turn into cells at a time: `rows`, or all of them when a date
    column holds text (whose format pandas infers from a column's first value, so a chunk's
    could differ). Every other cell is formatted on its own value, wherever it sits."""
    dates = [n for n, f in schema.fields(table).items() if f["type"] == "date"]
    whole = any(not pd.api.types.is_datetime64_any_dtype(df[n]) for n in dates)
    return max(len(df), 1) if whole else rows


def write_schemas(stage: Path, tables: list[str]) -> None:
    (stage / "schemas").mkdir(exist_ok=True)
    for t in tables:
        d = schema.schema_dict(t)
        keep = {k: d[k] for k in ("title", "description", "fields", "primaryKey") if k in d}
        (stage / "schemas" / f"{t}.json").write_text(_json(keep), encoding="utf-8")


def descriptor(city, recipe: Recipe, tables: dict[str, pd.DataFrame], meta: dict) -> dict:
    """The datapackage.json: Frictionless Data Package plus DCAT-style catalogue fields."""
    b = city.beacon
    title, url = LICENCES[b.licence]
    description, keywords = recipe.package_text(city)
    return {
        "name": f"{city.slug}-beacon",
        "identifier": f"{city.slug}-beacon",
        "title": f"{service_title(city)}: {city.name}",
        "description": description,
        "keywords": keywords,
        "modified": meta["as_of"],
        "publisher": {"name": b.publisher},
        "contactPoint": {"fn": b.contact_point.name, "hasEmail": f"mailto:{b.contact_point.email}"},
        "accessLevel": "public",
        "accrualPeriodicity": b.update_frequency,
        "spatial": meta["spatial"],
        "temporal": meta["temporal"],
        "describedBy": "schemas/",
        "licenses": [{"name": b.licence, "title": title, "path": url}],
        "sources": meta["sources"],
        "resources": [
            {
                "name": t,
                "path": f"data/{t}.csv",
                "title": schema.schema_dict(t)["title"],
                "description": schema.schema_dict(t)["description"],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": dict(DIALECT),
                "schema": f"schemas/{t}.json",
            }
            for t in tables
        ],
    }


def metadata_completeness(desc: dict) -> float:
    return round(sum(1 for f in DCAT_FIELDS if desc.get(f)) / len(DCAT_FIELDS), 4)


def write_database(
    path: Path,
    tables: dict[str, pd.DataFrame | BigTable],
    extra: dict[str, pd.DataFrame],
    chunk: int = 100_000,
):
    """A SQLite database of the public tables (typed from the schemas) plus `extra` tables;
    about `chunk` rows are turned into values at a time."""
    con = sqlite3.connect(path)
    # The file is written inside a staging folder that is discarded on any failure, so SQLite's
    # own crash protection (journal, fsync) only costs time here.
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    try:
        for t, df in tables.items():
            spec = schema.fields(t)
            cols = ", ".join(f'"{n}" {SQL_TYPES.get(f["type"], "TEXT")}' for n, f in spec.items())
            con.execute(f'CREATE TABLE "{t}" ({cols})')
            # a chunk of rows at a time, a whole number of `_insert`'s statements
            per = max(1, _variables(con) // len(spec))
            if isinstance(df, BigTable):
                from daas.beacon.big import publish as big_publish

                for part in big_publish.sql_columns(df, t, max(per, chunk // per * per)):
                    _insert(con, t, part)
            else:
                step = _step(df, t, max(per, chunk // per * per))
                for start in range(0, len(df), step):
                    _insert(con, t, cells.sql_columns(df.iloc[start : start + step], t))
            if "neighbourhood" in spec:
                con.execute(f'CREATE INDEX "{t}_neighbourhood" ON "{t}" (neighbourhood)')
        for t, df in extra.items():
            df.to_sql(t, con, index=False)
        con.commit()
    finally:
        con.close()


def _insert(con: sqlite3.Connection, table: str, cols: list[list]) -> None:
    """Insert the rows of `cols` in order, many rows per INSERT (fewer statements to run)."""
    n, width = len(cols[0]), len(cols)
    one = "(" + ", ".join("?" * width) + ")"
    k = max(1, _variables(con) // width)
    full = n // k * k
    if full:
        many = f'INSERT INTO "{table}" VALUES ' + ", ".join([one] * k)
        chunks = (
            list(chain.from_iterable(zip(*(c[i : i + k] for c in cols), strict=True)))
            for i in range(0, full, k)
        )
        con.executemany(many, chunks)
    rest = zip(*(c[full:] for c in cols), strict=True)
    con.executemany(f'INSERT INTO "{table}" VALUES {one}', rest)


def _variables(con: sqlite3.Connection) -> int:
    """How many `?` one statement of `con` holds: its SQLite's limit (32,766 from 3.32 on; some
    builds allow more, which is no faster), at least `SQL_VARIABLES`. Fewer, longer statements
    are less work per row (1,000,000 requests: 1.83 s of CPU inserting, 1.93 s at 999)."""
    try:
        limit = con.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(SQL_VARIABLES, min(limit, 32_766))
    except (AttributeError, sqlite3.Error):
        return SQL_VARIABLES


def datasette_metadata(city, recipe: Recipe, meta: dict) -> dict:
    """Datasette metadata: titles, licence, source, the recipe's canned queries, and the Open311
    plugin's settings when the recipe publishes service requests."""
    b = city.beacon
    title, url = LICENCES[b.licence]
    plugins = {}
    if recipe.open311_table:  # the Open311 API (`daas.beacon.open311`): its table, the zone
        zone = b.timezone or "UTC"
        plugins["daas-open311"] = {"table": recipe.open311_table, "timezone": zone}
    return {
        "title": f"{service_title(city)}: {city.name}",
        "description": "Read-only. Partner data appears only as suppressed aggregates.",
        "license": title,
        "license_url": url,
        "source": b.publisher,
        "databases": {
            "beacon": {
                "tables": {
                    t: {"description": schema.schema_dict(t)["description"]}
                    for t in recipe.public_tables
                },
                "queries": recipe.queries(meta),
            }
        },
    } | ({"plugins": plugins} if plugins else {})


def _json(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n"


def write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_json(obj), encoding="utf-8")


def validate_package(
    folder: Path,
    tables: dict[str, pd.DataFrame | BigTable] | None = None,
    head: int = 5_000,
    spread: int = 5_000,
) -> tuple[bool, list[str]]:
    """Run Frictionless validation on `folder/datapackage.json`: the descriptor, and each CSV's
    header and first `head` rows, so tables up to that size are validated whole. A longer table
    given in `tables` also has `spread` rows taken evenly from the rest validated (written by the
    same writer to a scratch file) and its primary key checked on every row. Every published
    row has already passed `quality.check`, which enforces the schemas' types and constraints."""
    from frictionless import Checklist, Package

    def run(fast: bool):
        package = Package(str(folder / "datapackage.json"), basepath=str(folder))
        if fast:
            for resource in package.resources:
                _read_iso(resource.schema.fields, folder / str(resource.path), head)
        return package.validate(checklist=Checklist(), limit_rows=head)

    report = _validated(run)
    errors = [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors]
    errors += [f"{e.type}: {e.message}" for e in report.errors]
    for t, df in (tables or {}).items():
        if len(df) > head:
            errors += _validate_spread(folder, t, df, head, spread)
    return not errors, errors[:20]


# A date-time as the kit writes it (`checks.local_text`): where every value of a field with the
# `any` format is one (or blank), Frictionless reads it with its `default` format (dateutil's
# `isoparse`, which reads such a value as `any`'s whole parser does, about three times faster)
_KIT_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)


def _validated(run):
    """`run(fast=True)`'s report when it is valid; else, so that every problem is reported as
    the schema reads it, `run(fast=False)`'s."""
    report = run(True)
    return report if report.valid else run(False)


def _read_iso(fields: list, path: Path, rows: int | None) -> None:
    """Give `any`-format date-time fields the `default` format where the first `rows` values of
    the CSV at `path` are all blank or date-times as the kit writes them (in place)."""
    names = [f.name for f in fields if f.type == "datetime" and f.format == "any"]
    if not names:
        return
    try:
        values = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=names, nrows=rows,
                             encoding="utf-8")  # fmt: skip
    except (OSError, ValueError):
        return
    for f in (f for f in fields if f.name in names and f.missing_values == [""]):
        column = values[f.name]
        if column.str.fullmatch(_KIT_DATETIME).where(column.ne(""), True).all():
            f.format = "default"


def _validate_spread(
    folder: Path, table: str, df: pd.DataFrame | BigTable, head: int, n: int
) -> list[str]:
    """Problems in `n` rows spread over `df` after its first `head`, and in its primary key
    (a big table's rows are picked and written in DuckDB, by `write_csv`'s SQL)."""
    import tempfile

    from frictionless import Checklist, Resource, Schema

    from daas.beacon.big import publish as big_publish

    desc = json.loads((folder / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
    errors = []
    key = desc.get("primaryKey")
    if not key:
        repeated = False
    elif isinstance(df, BigTable):
        repeated = big_publish.duplicated(df, key)
    else:
        repeated = bool(df.duplicated(key).any())
    if repeated:
        errors.append(f"primary-key-error: {table}: rows repeat the key {', '.join(key)}")
    rows = np.unique(np.linspace(head, len(df) - 1, n).round().astype("int64"))
    with tempfile.TemporaryDirectory(prefix="beacon-sample-") as tmp:
        sample = Path(tmp) / "sample.csv"
        if isinstance(df, BigTable):
            big_publish.write_csv(sample, df, table, rows.tolist())
        else:
            sample.write_text(csv_text(df.iloc[rows], table), encoding="utf-8")

        def run(fast: bool):
            fields = Schema.from_descriptor(copy.deepcopy(desc))
            if fast:
                _read_iso(fields.fields, sample, None)
            resource = Resource(path=sample.name, basepath=tmp, schema=fields, encoding="utf-8")
            return resource.validate(checklist=Checklist())

        report = _validated(run)
    where = f"{table} (rows spread over the table)"
    errors += [f"{e.type}: {where}: {e.message}" for task in report.tasks for e in task.errors]
    errors += [f"{e.type}: {where}: {e.message}" for e in report.errors]
    return errors
