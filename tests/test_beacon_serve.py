"""`daas beacon serve`: Datasette on loopback, read-only, answering with the published rows."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from daas.beacon import pages, serve
from daas.cli import main
from daas.errors import DaasError

CITY = "port-mallory"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def test_serve_answers_json_with_the_published_counts(city_tree: Path) -> None:
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 0
    inv = pages.read_table(CITY, "inventory")
    limits = pages.read_table(CITY, "income_limits")
    port = _free_port()
    env = {**os.environ, "DAAS_ROOT": str(city_tree)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "daas", "beacon", "serve", "--city", CITY, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                _get(f"{base}/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stderr.read().decode()
                time.sleep(0.2)
        sql = urllib.parse.quote("select count(*) as n from inventory")
        rows = _get(f"{base}/beacon.json?sql={sql}&_shape=array")
        assert rows == [{"n": len(inv)}]
        q = "household_size=3&income=40000&bedrooms=2&_shape=array"
        got = _get(f"{base}/beacon/homes_i_may_qualify_for.json?{q}")
        expected = pages.eligible_homes(inv, limits, 3, 40_000, 2)
        assert sum(r["homes"] for r in got) == int(expected["homes"].sum()) > 0
        settings = _get(f"{base}/-/settings.json")
        assert settings["max_returned_rows"] == 1000 and settings["sql_time_limit_ms"] == 1000
        dbs = _get(f"{base}/-/databases.json")
        assert dbs[0]["is_mutable"] is False
        tables = {t["name"] for t in _get(f"{base}/beacon.json")["tables"]}
        assert "listings" not in tables and "listings_summary" in tables
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_refuses_other_hosts_and_unbuilt_cities(city_tree: Path) -> None:
    with pytest.raises(DaasError, match="loopback"):
        serve.command(CITY, 8001, host="0.0.0.0")
    with pytest.raises(DaasError, match="beacon build"):
        serve.command(CITY, 8001)
