"""The read-only Open311 GeoReport v2 API over a published service-requests table, in Datasette.

Routes (JSON only; GET and HEAD, anything else answers 405):
- `/open311/v2/services.json`: from a `services` table when the database has one, else the
  distinct (service_code, service_name) of the requests; `metadata` is false and `type` "batch".
- `/open311/v2/requests.json`: `start_date`/`end_date` (on requested_datetime; a date alone
  covers its whole day), `status` and `service_code` (comma-separated), `service_request_id`
  (comma-separated; overrides those filters), `page` (from 1) and `page_size` (default 50,
  larger values are capped at 500). Newest first. No 90-day limit on unbounded queries:
  pages keep every answer small.
- `/open311/v2/requests/{service_request_id}.json`: a one-element list, or 404.

Only the Open311 fields the table has are output: nothing is invented. Date-times carry a
time zone: naive stored values are local times in the configured IANA zone; every date-time
is written in that zone (`2024-05-01T08:15:30-04:00`). Errors are Open311 lists
`[{"code": 400, "description": "..."}]` with the same HTTP status; the descriptions are
protocol messages in English.

Configuration (Datasette metadata): `plugins: {"daas-open311": {"database": ..., "table":
"service_requests", "services_table": "services", "timezone": "UTC"}}`; without `database`,
the first database holding the table is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from datasette import hookimpl
from datasette.utils.asgi import Response

PLUGIN = "daas-open311"
PREFIX = "/open311/v2"
DEFAULTS = {
    "table": "service_requests",
    "services_table": "services",
    "timezone": "UTC",
}
REQUEST_FIELDS = (
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
)  # fmt: skip
DATE_FIELDS = frozenset({"requested_datetime", "updated_datetime", "expected_datetime"})
NUMBER_FIELDS = frozenset({"lat", "long"})
STATUSES = ("open", "closed")
PAGE_SIZE, MAX_PAGE_SIZE = 50, 500
READ_METHODS = frozenset({"GET", "HEAD"})
W3C_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss±hh:mm (or Z)"
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
# An unencoded "+" in a query string arrives as a space: "…T08:00:00 02:00" means "+02:00".
SPACED_OFFSET = re.compile(r"^(.+T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


class Open311Error(Exception):
    """An answer in the Open311 error form: HTTP status and a description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass(frozen=True)
class Source:
    """Where the service requests are: database, table, its Open311 columns, the city's zone."""

    db: Any
    table: str
    columns: tuple[str, ...]
    zone: ZoneInfo
    services_table: str | None


def quote(name: str) -> str:
    """An SQLite identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


@lru_cache(maxsize=32)
def zone_named(name: str) -> ZoneInfo:
    """The IANA time zone `name`; a bad name is a server misconfiguration (500)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise Open311Error(
            500,
            f"the {PLUGIN} plugin setting 'timezone' is '{name}', not an IANA time zone: "
            "use a name such as America/New_York",
        ) from err


def stored_datetime(value: object, zone: ZoneInfo) -> datetime | None:
    """A stored date-time as an aware datetime (naive: local time in `zone`), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def epoch(value: object, zone_name: str) -> float | None:
    """SQL function `open311_epoch(value, zone)`: seconds since 1970 (sorting, date filters)."""
    try:
        moment = stored_datetime(value, zone_named(zone_name))
    except Open311Error:
        return None
    return moment.timestamp() if moment else None


def query_bound(name: str, value: str, zone: ZoneInfo, end: bool) -> tuple[float, str]:
    """(seconds, SQL operator) for a `start_date`/`end_date` value; a partial date at the end
    bound covers its whole year, month or day."""
    text = SPACED_OFFSET.sub(r"\1+\2", value.strip())
    partial = PARTIAL_DATE.match(text)
    try:
        if partial:
            year, month, day = (int(part) if part else None for part in partial.groups())
            first = datetime(year or 1, month or 1, day or 1, tzinfo=zone)
            if not end:
                return first.timestamp(), ">="
            after = _next(first, month, day)
            return after.timestamp(), "<"
        moment = stored_datetime(text, zone) if "T" in text else None
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400,
            f"{name} '{value}' is not a W3C date-time: use {W3C_FORMS}, "
            "e.g. 2024-05-01T00:00:00-04:00 (encode '+' as %2B)",
        )
    return moment.timestamp(), "<=" if end else ">="


def _next(first: datetime, month: int | None, day: int | None) -> datetime:
    """The start of the period after the one `first` begins (a year, a month or a day)."""
    if day is not None:
        return (first.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=first.tzinfo)
    if month is not None:
        return first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
    return first.replace(year=first.year + 1)


def split_list(value: str | None) -> list[str]:
    """The items of a comma-separated parameter, without blanks."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def positive(name: str, value: str | None, default: int) -> int:
    """A positive whole number parameter, or `default` when absent."""
    if value is None or value == "":
        return default
    if not value.isdigit() or int(value) < 1:
        raise Open311Error(400, f"{name} '{value}' is not a whole number from 1: use e.g. {name}=2")
    return int(value)


def config(datasette: Any) -> dict[str, Any]:
    """The plugin's settings, defaults filled in."""
    given = datasette.plugin_config(PLUGIN) or {}
    return {**DEFAULTS, "database": None, **given}


async def source(datasette: Any) -> Source:
    """The database and table of service requests; 404 when this Beacon publishes none."""
    settings = config(datasette)
    table, wanted = str(settings["table"]), settings["database"]
    zone = zone_named(str(settings["timezone"]))
    names = [wanted] if wanted else [name for name in datasette.databases if name != "_internal"]
    for name in names:
        db = datasette.databases.get(name)
        if db is not None and await db.table_exists(table):
            columns = set(await db.table_columns(table))
            services = str(settings["services_table"])
            return Source(
                db=db,
                table=table,
                columns=tuple(field for field in REQUEST_FIELDS if field in columns),
                zone=zone,
                services_table=services if await db.table_exists(services) else None,
            )
    where = f"database '{wanted}'" if wanted else "its database"
    raise Open311Error(
        404,
        f"this city's Beacon does not publish service requests: {where} has no table '{table}'",
    )


def service_entry(row: dict[str, Any]) -> dict[str, Any]:
    """One service in the Open311 form."""
    code = row.get("service_code")
    return {
        "service_code": "" if code is None else str(code),
        "service_name": row.get("service_name") or ("" if code is None else str(code)),
        "description": row.get("description") or "",
        "metadata": False,
        "type": "batch",
        "keywords": row.get("keywords") or "",
        "group": row.get("group") or "",
    }


async def services(src: Source) -> list[dict[str, Any]]:
    """The services: the services table, else the distinct services of the requests."""
    wanted = ("service_code", "service_name", "description", "keywords", "group")
    if src.services_table:
        table = src.services_table
        columns = [c for c in wanted if c in await src.db.table_columns(table)]
        distinct = ""
    else:
        table, columns, distinct = (
            src.table,
            [c for c in wanted[:2] if c in src.columns],
            "DISTINCT",
        )
    if "service_code" not in columns:
        return []
    sql = (
        f"SELECT {distinct} {', '.join(map(quote, columns))} FROM {quote(table)} "
        "WHERE service_code IS NOT NULL ORDER BY service_code"
    )
    rows = (await src.db.execute(sql)).rows
    return [service_entry(dict(zip(columns, row, strict=True))) for row in rows]


def _require(src: Source, column: str, parameter: str) -> None:
    if column not in src.columns:
        raise Open311Error(
            400, f"this Beacon's service requests have no {column}: leave out {parameter}"
        )


def request_filters(src: Source, args: Any) -> tuple[list[str], dict[str, Any]]:
    """SQL conditions and parameters for the query parameters of GET requests."""
    ids = split_list(args.get("service_request_id"))
    if ids:
        _require(src, "service_request_id", "service_request_id")
        marks = ", ".join(f":id{i}" for i in range(len(ids)))
        return [f"CAST(service_request_id AS TEXT) IN ({marks})"], {
            f"id{i}": value for i, value in enumerate(ids)
        }
    where: list[str] = []
    params: dict[str, Any] = {"zone": src.zone.key}
    for name, end in (("start_date", False), ("end_date", True)):
        if args.get(name):
            _require(src, "requested_datetime", name)
            params[name], operator = query_bound(name, args.get(name), src.zone, end)
            where.append(f"open311_epoch(requested_datetime, :zone) {operator} :{name}")
    statuses = [status.lower() for status in split_list(args.get("status"))]
    if statuses:
        _require(src, "status", "status")
        bad = [status for status in statuses if status not in STATUSES]
        if bad:
            raise Open311Error(400, f"status '{bad[0]}' is unknown: use open, closed or both")
        where.append(f"lower(status) IN ({', '.join(f':s{i}' for i in range(len(statuses)))})")
        params.update({f"s{i}": status for i, status in enumerate(statuses)})
    codes = split_list(args.get("service_code"))
    if codes:
        _require(src, "service_code", "service_code")
        where.append(f"service_code IN ({', '.join(f':c{i}' for i in range(len(codes)))})")
        params.update({f"c{i}": code for i, code in enumerate(codes)})
    return where, params


def request_entry(row: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """One service request in the Open311 form: id as text, coordinates as numbers, date-times
    with the city's offset (a value that is no date-time is passed on as stored)."""
    entry: dict[str, Any] = {}
    for field, value in row.items():
        if value is None:
            entry[field] = None
        elif field == "service_request_id":
            entry[field] = str(value)
        elif field in NUMBER_FIELDS:
            entry[field] = float(value)
        elif field in DATE_FIELDS:
            moment = stored_datetime(value, zone)
            entry[field] = (
                moment.astimezone(zone).isoformat(timespec="seconds") if moment else value
            )
        else:
            entry[field] = value
    return entry


async def requests(src: Source, args: Any) -> list[dict[str, Any]]:
    """The requests matching the query parameters, newest first, one page."""
    where, params = request_filters(src, args)
    size = min(positive("page_size", args.get("page_size"), PAGE_SIZE), MAX_PAGE_SIZE)
    page = positive("page", args.get("page"), 1)
    return await select(src, where, {**params, "limit": size, "offset": (page - 1) * size})


async def select(src: Source, where: list[str], params: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the requests table as Open311 entries, newest first."""
    order = [
        "open311_epoch(requested_datetime, :zone) DESC"
        if column == "requested_datetime"
        else f"{column} DESC"
        for column in ("requested_datetime", "service_request_id")
        if column in src.columns
    ]
    sql = (
        f"SELECT {', '.join(map(quote, src.columns))} FROM {quote(src.table)}"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + (f" ORDER BY {', '.join(order)}" if order else "")
        + " LIMIT :limit OFFSET :offset"
    )
    rows = (await src.db.execute(sql, {"zone": src.zone.key, **params})).rows
    return [request_entry(dict(zip(src.columns, row, strict=True)), src.zone) for row in rows]


def error(status: int, description: str) -> Response:
    """An Open311 error answer."""
    headers = {"Allow": "GET, HEAD"} if status == 405 else None
    return Response.json([{"code": status, "description": description}], status, headers)


async def answer(request: Any, produce: Any) -> Response:
    """Refuse writes, then the produced JSON or the Open311 error it raised."""
    if request.method.upper() not in READ_METHODS:
        return error(405, "the Open311 API of this Beacon is read-only: use GET")
    try:
        return Response.json(await produce())
    except Open311Error as err:
        return error(err.status, err.description)


async def services_view(datasette: Any, request: Any) -> Response:
    async def produce() -> list[dict[str, Any]]:
        return await services(await source(datasette))

    return await answer(request, produce)


async def requests_view(datasette: Any, request: Any) -> Response:
    async def produce() -> list[dict[str, Any]]:
        return await requests(await source(datasette), request.args)

    return await answer(request, produce)


async def request_view(datasette: Any, request: Any) -> Response:
    async def produce() -> list[dict[str, Any]]:
        src = await source(datasette)
        wanted = request.url_vars["service_request_id"]
        _require(src, "service_request_id", "the request id")
        found = await select(
            src, ["CAST(service_request_id AS TEXT) = :id"], {"id": wanted, "limit": 1, "offset": 0}
        )
        if not found:
            raise Open311Error(
                404, f"no service request '{wanted}': list them at {PREFIX}/requests.json"
            )
        return found

    return await answer(request, produce)


@hookimpl
def prepare_connection(conn: Any) -> None:
    conn.create_function("open311_epoch", 2, epoch, deterministic=True)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (rf"^{PREFIX}/services\.json$", services_view),
        (rf"^{PREFIX}/requests\.json$", requests_view),
        (rf"^{PREFIX}/requests/(?P<service_request_id>[^/]+)\.json$", request_view),
    ]
