"""The Open311 GeoReport v2 API of the Beacon: a Datasette plugin queried in-process."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette.plugins import pm

from daas.beacon import open311
from daas.beacon.datasette_app import read_only

ZONE = "America/New_York"
# (id, status, name, code, requested, updated, ward): naive local times and offset-carrying ones
ROWS = [
    (101, "open", "Pothole", "PH", "2024-05-01 08:15:30", None, "1"),
    (102, "closed", "Pothole", "PH", "2024-05-01T13:00:00Z", "2024-05-03T10:00:00-04:00", "1"),
    (103, "open", "Graffiti", "GR", "2024-05-02 07:00:00", None, "2"),
    (104, "closed", "Graffiti", "GR", "2024-05-02T12:30:00+00:00", "2024-05-02 17:00:00", "2"),
    (105, "open", "Pothole", "PH", "2024-05-03 23:30:00", None, "3"),
    (106, "closed", "Pothole", "PH", "2024-05-04T03:00:00Z", "2024-05-05 09:00:00", "3"),
    (107, "open", "Graffiti", "GR", "2024-05-05 10:00:00", None, "1"),
    (108, "closed", "Graffiti", "GR", "2024-05-06T10:00:00-04:00", "2024-05-07 10:00:00", "2"),
    (109, "Open", "Pothole", "PH", "2024-05-07 10:00:00", None, "3"),
    (110, "closed", "Pothole", "PH", "2024-05-08 10:00:00", "2024-05-08 12:00:00", "1"),
    (111, "open", "Graffiti", "GR", "2024-01-15 09:00:00", None, "2"),
    (112, "closed", "Pothole", "PH", "2024-05-09T16:00:00+02:00", "2024-05-10 08:00:00", "3"),
]
# by instant: 106 (23:00 local on 3 May) is older than 105 (23:30), 111 (January) is oldest
NEWEST_FIRST = ["112", "110", "109", "108", "107", "105", "106", "104", "103", "102", "101", "111"]
TABLE_FIELDS = {
    "service_request_id", "status", "service_name", "service_code", "requested_datetime",
    "updated_datetime", "address", "lat", "long",
}  # fmt: skip


def make_db(path: Path, services: bool = False, requests: bool = True) -> Path:
    """A small published database: service requests (no free text) and perhaps services."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE other (x INTEGER)")
    if requests:
        conn.execute(
            "CREATE TABLE service_requests (service_request_id INTEGER, status TEXT, "
            "service_name TEXT, service_code TEXT, requested_datetime TEXT, "
            "updated_datetime TEXT, ward TEXT, address TEXT, lat TEXT, long REAL)"
        )
        conn.executemany(
            "INSERT INTO service_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, f"{row[0]} Main St", "40.7128", -74.006) for row in ROWS],
        )
    if services:
        conn.execute(
            "CREATE TABLE services "
            '(service_code TEXT, service_name TEXT, description TEXT, "group" TEXT)'
        )
        conn.executemany(
            "INSERT INTO services VALUES (?, ?, ?, ?)",
            [("GR", "Graffiti", "Paint on walls", "Streets"), ("PH", "Pothole", None, "Roads")],
        )
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def plugin() -> Iterator[None]:
    pm.register(open311, name=open311.PLUGIN)
    try:
        yield
    finally:
        pm.unregister(name=open311.PLUGIN)


def datasette(paths: list[Path], guarded: bool = False, **config: Any) -> Datasette:
    metadata = {"plugins": {open311.PLUGIN: {"timezone": ZONE, **config}}}
    ds = Datasette([str(path) for path in paths], metadata=metadata)
    if guarded:
        ds.client.app = read_only(ds.client.app)
    return ds


def call(ds: Datasette, path: str, method: str = "get") -> tuple[int, Any]:
    response = asyncio.run(getattr(ds.client, method)(path))
    return response.status_code, response.json()


def ids(ds: Datasette, query: str) -> list[str]:
    status, body = call(ds, f"/open311/v2/requests.json?{query}")
    assert status == 200, body
    return [entry["service_request_id"] for entry in body]


@pytest.fixture
def ds(plugin: None, tmp_path: Path) -> Datasette:
    return datasette([make_db(tmp_path / "beacon.db")])


def test_services_come_from_the_requests_or_the_services_table(
    plugin: None, tmp_path: Path
) -> None:
    ds = datasette([make_db(tmp_path / "plain.db")])
    status, body = call(ds, "/open311/v2/services.json")
    assert status == 200
    assert body == [
        {"service_code": code, "service_name": name, "description": "", "metadata": False,
         "type": "batch", "keywords": "", "group": ""}
        for code, name in (("GR", "Graffiti"), ("PH", "Pothole"))
    ]  # fmt: skip
    ds = datasette([make_db(tmp_path / "listed.db", services=True)])
    _, body = call(ds, "/open311/v2/services.json")
    assert [(s["service_code"], s["description"], s["group"]) for s in body] == [
        ("GR", "Paint on walls", "Streets"),
        ("PH", "", "Roads"),
    ]


def test_requests_are_newest_first_by_instant_and_paginated(ds: Datasette) -> None:
    assert ids(ds, "") == NEWEST_FIRST
    assert ids(ds, "page_size=5") == NEWEST_FIRST[:5]
    assert ids(ds, "page_size=5&page=3") == NEWEST_FIRST[10:]
    assert ids(ds, "page_size=5&page=4") == []


def test_page_size_defaults_to_50_and_is_capped_at_500(plugin: None, tmp_path: Path) -> None:
    path = make_db(tmp_path / "big.db")
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO service_requests (service_request_id, status, requested_datetime) "
        "VALUES (?, 'open', '2023-01-01 00:00:00')",
        [(1000 + n,) for n in range(600)],
    )
    conn.commit()
    conn.close()
    ds = datasette([path])
    assert len(ids(ds, "")) == 50
    assert len(ids(ds, "page_size=5000")) == 500
    assert len(ids(ds, "page_size=500&page=2")) == 612 - 500


def test_filters_on_dates_status_and_service_code(ds: Datasette) -> None:
    # a date alone is a local day: 106 (03:00Z on 4 May) is 23:00 on 3 May in New York
    assert ids(ds, "start_date=2024-05-03&end_date=2024-05-03") == ["105", "106"]
    assert ids(ds, "start_date=2024-05-08T10:00:00-04:00") == ["112", "110"]
    # an unencoded "+" arrives as a space and still means a positive offset
    assert ids(ds, "end_date=2024-05-01T13:00:00+00:00") == ["102", "101", "111"]
    assert ids(ds, "end_date=2024-05") == NEWEST_FIRST
    assert ids(ds, "end_date=2024-04") == ["111"]
    assert ids(ds, "status=open&service_code=GR") == ["107", "103", "111"]
    assert ids(ds, "status=OPEN,closed&service_code=GR,PH") == NEWEST_FIRST
    assert set(ids(ds, "status=open")) == {"101", "103", "105", "107", "109", "111"}


def test_service_request_id_overrides_the_other_filters(ds: Datasette) -> None:
    assert ids(ds, "service_request_id=111,101&status=closed&service_code=PH") == ["101", "111"]


def test_date_times_carry_the_city_offset_and_numbers_are_numbers(ds: Datasette) -> None:
    status, body = call(ds, "/open311/v2/requests/102.json")
    assert status == 200 and len(body) == 1
    entry = body[0]
    assert entry["service_request_id"] == "102"
    assert entry["requested_datetime"] == "2024-05-01T09:00:00-04:00"
    assert entry["updated_datetime"] == "2024-05-03T10:00:00-04:00"
    assert entry["lat"] == 40.7128 and entry["long"] == -74.006
    _, (winter,) = call(ds, "/open311/v2/requests/111.json")
    assert winter["requested_datetime"] == "2024-01-15T09:00:00-05:00"
    assert winter["updated_datetime"] is None


def test_only_the_fields_the_table_has_are_output(ds: Datasette) -> None:
    _, body = call(ds, "/open311/v2/requests.json")
    assert {field for entry in body for field in entry} == TABLE_FIELDS
    assert "description" not in body[0] and "status_notes" not in body[0] and "ward" not in body[0]


@pytest.mark.parametrize(
    ("query", "status", "named"),
    [
        ("start_date=yesterday", 400, "start_date 'yesterday'"),
        ("end_date=2024-13-01", 400, "end_date '2024-13-01'"),
        ("status=pending", 400, "status 'pending'"),
        ("page=0", 400, "page '0'"),
        ("page_size=many", 400, "page_size 'many'"),
    ],
)
def test_bad_parameters_answer_400_naming_them(
    ds: Datasette, query: str, status: int, named: str
) -> None:
    code, body = call(ds, f"/open311/v2/requests.json?{query}")
    assert code == status
    assert body[0]["code"] == status and named in body[0]["description"]


def test_unknown_id_answers_404(ds: Datasette) -> None:
    status, body = call(ds, "/open311/v2/requests/999.json")
    assert status == 404
    assert body[0]["code"] == 404 and "'999'" in body[0]["description"]


def test_a_beacon_without_service_requests_answers_404(plugin: None, tmp_path: Path) -> None:
    ds = datasette([make_db(tmp_path / "housing.db", requests=False)])
    for path in ("services.json", "requests.json", "requests/101.json"):
        status, body = call(ds, f"/open311/v2/{path}")
        assert status == 404
        assert "does not publish service requests" in body[0]["description"]


def test_the_table_is_found_among_databases_or_configured(plugin: None, tmp_path: Path) -> None:
    housing = make_db(tmp_path / "housing.db", requests=False)
    requests = make_db(tmp_path / "requests.db")
    assert len(ids(datasette([housing, requests]), "")) == 12
    status, body = call(
        datasette([housing, requests], database="housing"), "/open311/v2/requests.json"
    )
    assert status == 404 and "database 'housing'" in body[0]["description"]


def test_writes_answer_405_with_and_without_the_read_only_wrapper(ds: Datasette) -> None:
    status, body = call(ds, "/open311/v2/requests.json", "post")
    assert status == 405 and "read-only" in body[0]["description"]
    guarded = datasette([make_db(Path(ds.files[0]).with_name("guarded.db"))], guarded=True)
    for path in ("requests.json", "services.json", "requests/101.json"):
        status, body = call(guarded, f"/open311/v2/{path}", "post")
        assert status == 405 and body["error"].startswith("the Beacon is read-only")
    assert call(guarded, "/open311/v2/requests/101.json")[0] == 200
