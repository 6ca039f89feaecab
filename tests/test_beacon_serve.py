"""`daas beacon serve`: Datasette on loopback, read-only, answering with the published rows."""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from daas.beacon import pages, serve
from daas.beacon.recipes.housing import charts
from daas.cli import main
from daas.core.errors import DaasError
from tests.kit import http_ready
from tests.kit import serve as start_server

CITY = "port-mallory"


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def _serve(city_tree: Path):
    """`daas beacon serve` on a free loopback port, once it answers."""

    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "daas", "beacon", "serve", "--city", CITY, "--port",
                str(port)]  # fmt: skip

    def ready(port: int) -> bool:
        return http_ready(f"http://127.0.0.1:{port}/-/versions.json")

    return start_server(command, ready, {**os.environ, "DAAS_ROOT": str(city_tree)})


def _status(method: str, url: str, body: bytes | None = None) -> int:
    req = urllib.request.Request(url, data=body, method=method)
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_answers_json_with_the_published_counts(city_tree: Path) -> None:
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 0
    inv = pages.read_table(CITY, "inventory")
    limits = pages.read_table(CITY, "income_limits")
    with _serve(city_tree) as server:
        base = server.base
        sql = urllib.parse.quote("select count(*) as n from inventory")
        rows = _get(f"{base}/beacon.json?sql={sql}&_shape=array")
        assert rows == [{"n": len(inv)}]
        q = "household_size=3&income=40000&bedrooms=2&_shape=array"
        got = _get(f"{base}/beacon/homes_i_may_qualify_for.json?{q}")
        expected = charts.eligible_homes(inv, limits, 3, 40_000, 2)
        assert sum(r["homes"] for r in got) == int(expected["homes"].sum()) > 0
        settings = _get(f"{base}/-/settings.json")
        assert settings["max_returned_rows"] == 1000 and settings["sql_time_limit_ms"] == 1000
        dbs = _get(f"{base}/-/databases.json")
        assert dbs[0]["is_mutable"] is False
        tables = {t["name"] for t in _get(f"{base}/beacon.json")["tables"]}
        assert "listings" not in tables and "listings_summary" in tables


def test_serve_refuses_other_hosts_and_unbuilt_cities(city_tree: Path) -> None:
    with pytest.raises(DaasError, match="loopback"):
        serve.command(CITY, 8001, host="0.0.0.0")
    with pytest.raises(DaasError, match="beacon build"):
        serve.command(CITY, 8001)


WRITES = [
    ("POST", "/beacon/-/create"),
    ("POST", "/beacon/inventory/-/insert"),
    ("POST", "/beacon/inventory/-/upsert"),
    ("POST", "/beacon/inventory/-/drop"),
    ("POST", "/beacon/inventory/1/-/update"),
    ("POST", "/beacon/inventory/1/-/delete"),
    ("GET", "/beacon/inventory/-/insert"),
    ("POST", "/beacon/inventory"),
    ("POST", "/beacon/-/query"),
    ("POST", "/beacon"),
    ("PUT", "/beacon/inventory"),
    ("DELETE", "/beacon/inventory"),
    ("PATCH", "/beacon/inventory/1"),
    ("POST", "/-/messages"),
]
REJECTED_QUERIES = [
    "drop table inventory",
    "delete from inventory",
    "select * from no_such_table",
    "select load_extension('x')",
    "attach database '/tmp/x.db' as x",
]


def test_write_routes_are_refused_and_rejected_queries_leave_no_traceback(
    city_tree: Path,
) -> None:
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 0
    rows = len(pages.read_table(CITY, "inventory"))
    with _serve(city_tree) as server:
        base = server.base
        body = json.dumps({"row": {"building_id": "X"}, "rows": [{"building_id": "X"}]}).encode()
        got = {(m, p): _status(m, base + p, body if m != "GET" else None) for m, p in WRITES}
        assert {k: v for k, v in got.items() if v not in (403, 405)} == {}
        for sql in REJECTED_QUERIES:
            url = f"{base}/beacon.json?sql={urllib.parse.quote(sql)}"
            assert _status("GET", url) == 400, sql
        assert _status("GET", f"{base}/no-such-database") == 404  # a 500 before the guard
        sql = urllib.parse.quote("select count(*) as n from inventory")
        assert _get(f"{base}/beacon.json?sql={sql}&_shape=array") == [{"n": rows}]
        server.stop()
        log = server.log()
    assert "Traceback" not in log and "Exception" not in log, log


def test_refusal_rules() -> None:
    from daas.beacon.datasette_app import refusal

    assert refusal("GET", "/beacon/inventory.json") is None
    assert refusal("HEAD", "/beacon") is None
    assert refusal("POST", "/beacon/inventory") == (405, refusal("PUT", "/x")[1])
    assert refusal("GET", "/beacon/inventory/-/upsert")[0] == 403
    assert refusal("GET", "/beacon/inventory/-/upsert-ish") is None
