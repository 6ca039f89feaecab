"""No Beacon column is exempt from the privacy gate: only columns declared in the city file as
holding buildings' addresses or names may hold addresses, only columns declared as buildings'
locations may hold exact coordinates (numbers only), and never people's ids, emails, phones or
names. Declarations and their reasons are recorded in run.json; partner listings' coordinates
never reach a published file."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import yaml

from daas.beacon import records
from daas.cli import main
from daas.core.paths import city_build_dir, shared_real_data

CITY = "port-mallory"
FIRST = ["Maria", "John", "Ana", "David", "Lucia", "Peter", "Sarah", "Jorge", "Paula", "Carlos"]
LAST = ["Souza", "Smith", "Garcia", "Okafor", "Chen", "Patel", "Lopez", "Brown", "Silva", "Ruiz"]


def cpf(n: int) -> str:
    """A valid CPF (both mod-11 check digits right) made from a 9-digit body."""
    body = [int(c) for c in f"{100000000 + n * 7919:09d}"]
    for weights in (range(10, 1, -1), range(11, 1, -1)):
        r = sum(d * w for d, w in zip(body, weights, strict=False)) % 11
        body.append(0 if r < 2 else 11 - r)
    return "".join(map(str, body))


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _read(path: Path) -> tuple[list[str], list[list[str]], str]:
    raw = path.read_bytes()
    try:
        text, enc = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, enc = raw.decode("latin-1"), "latin-1"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:], enc


def _write(path: Path, header: list[str], rows: list[list[str]], enc: str) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_bytes(buf.getvalue().encode(enc))


def _edit_export(city_tree: Path, change) -> None:
    path = city_tree / "data" / CITY / "beacon" / "inventory.csv"
    header, rows, enc = _read(path)
    change(header, rows)
    _write(path, header, rows, enc)


def _edit_city(city_tree: Path, change) -> None:
    path = city_tree / "cities" / f"{CITY}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["beacon"]["sources"]["inventory"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _build(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["beacon", "build", "--city", CITY, "--quiet"])
    return code, capsys.readouterr().err


@pytest.fixture
def published(city_tree: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    code, err = _build(capsys)
    assert code == 0, err
    return _digest(city_build_dir(CITY) / "beacon")


def test_declarations_are_recorded_in_run_json(published: dict[str, str]) -> None:
    run = json.loads((city_build_dir(CITY) / "beacon" / "run.json").read_text(encoding="utf-8"))
    declared = {(d["source"], d["field"]): d for d in run["public_columns"]}
    assert set(declared) == {
        *[("inventory", f) for f in ("project_name", "address", "latitude", "longitude")],
        *[("listings", f) for f in ("address", "latitude", "longitude")],
    }
    address = declared[("inventory", "address")]
    assert address["kind"] == "building-address"
    assert address["columns"] == ["Street Number", "Street Name"]
    assert address["reason"].startswith("The inventory lists buildings, not people")
    latitude = declared[("inventory", "latitude")]
    assert latitude["kind"] == "building-location" and latitude["columns"] == ["Lat"]
    assert run["privacy_gate"]["passed"] is True
    from daas.beacon import pages

    shown = pages.public_columns(CITY)  # the staff page's table
    assert list(shown.columns) == ["source", "field", "export columns", "kind", "reason"]
    assert len(shown) == 7 and set(shown["reason"]) == {d["reason"] for d in declared.values()}
    assert "Street Number, Street Name" in set(shown["export columns"])


def test_people_in_undeclared_columns_stop_the_build(
    published: dict[str, str], city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def people(header: list[str], rows: list[list[str]]) -> None:
        bid, name = header.index("Bldg ID"), header.index("Development Name")
        ids = {r[bid] for r in rows}
        cpfs = {b: cpf(i) for i, b in enumerate(sorted(ids))}
        for i, r in enumerate(rows):
            r[bid] = cpfs[r[bid]]
            r[name] = f"{FIRST[i % 10]} {LAST[(i // 10) % 10]}"

    _edit_export(city_tree, people)
    _edit_city(city_tree, lambda src: src.pop("public"))
    code, err = _build(capsys)
    assert code == 1
    assert "privacy gate" in err
    assert "'Bldg ID'" in err and "BR CPF" in err
    assert "'Development Name'" in err and "people's names" in err
    assert "'Street Name'" in err and "street address" in err
    assert _digest(city_build_dir(CITY) / "beacon") == published
    assert records.run_history(CITY)[-1]["failed_check"] == "privacy-gate"


def test_declared_address_column_passes_but_not_with_an_id_or_email(
    published: dict[str, str], city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = city_tree / "data" / CITY / "beacon" / "inventory.csv"
    original = path.read_bytes()
    for planted, what in (("529.982.247-25", "BR CPF"), ("ana.souza@example.org", "email")):

        def plant(header: list[str], rows: list[list[str]], value: str = planted) -> None:
            rows[41][header.index("Street Name")] = value

        path.write_bytes(original)
        _edit_export(city_tree, plant)
        code, err = _build(capsys)
        assert code == 1, what
        assert "'Street Name'" in err and "declared public as building-address" in err
        assert what in err and "row 42" in err, err
        assert _digest(city_build_dir(CITY) / "beacon") == published


def test_person_names_in_a_declared_name_column_still_fail(
    published: dict[str, str], city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def people(header: list[str], rows: list[list[str]]) -> None:
        name = header.index("Development Name")
        for i, r in enumerate(rows):
            r[name] = f"{FIRST[i % 10]} {LAST[(i // 10) % 10]}"

    _edit_export(city_tree, people)
    code, err = _build(capsys)
    assert code == 1
    assert "'Development Name'" in err and "declared public as building-name" in err
    assert "people's names" in err
    assert _digest(city_build_dir(CITY) / "beacon") == published


def test_a_declared_field_must_be_mapped(
    published: dict[str, str], city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def declare(src: dict) -> None:
        src["public"]["bedrooms_text"] = {"kind": "building-name", "reason": "a typo"}

    _edit_city(city_tree, declare)
    code, err = _build(capsys)
    assert code != 0
    assert "beacon.sources.inventory.public.bedrooms_text" in err
    assert "declared public but not mapped" in err


def test_undeclared_coordinates_stop_the_build(
    published: dict[str, str], city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit_city(city_tree, lambda src: [src["public"].pop(f) for f in ("latitude", "longitude")])
    code, err = _build(capsys)
    assert code == 1 and "privacy gate" in err
    for column in ("latitude", "longitude"):
        assert f"table 'inventory', column '{column}': holds precise location" in err
    assert "with its recipe's location kind (building-location, street-location)" in err
    assert "drop it from the mapping and publish a coarser location" in err
    assert _digest(city_build_dir(CITY) / "beacon") == published
    assert records.run_history(CITY)[-1]["failed_check"] == "privacy-gate"


def test_text_in_a_declared_location_column_stops_the_build(
    published: dict[str, str], city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def plant(header: list[str], rows: list[list[str]]) -> None:
        rows[41][header.index("Lat")] = "ana.souza@example.org"
        rows[99][header.index("Long")] = "behind the church"

    _edit_export(city_tree, plant)
    code, err = _build(capsys)
    assert code == 1
    assert "'Lat': declared public as building-location, but holds email" in err
    assert "row 42" in err
    assert "'Long': declared public as building-location, but holds text that is not a number " \
        "(row 100)" in err  # fmt: skip
    assert "coordinates (numbers) only" in err
    assert _digest(city_build_dir(CITY) / "beacon") == published


MARK_LAT, MARK_LON = "41.3123456789", "-73.0123456789"


def test_listing_coordinates_never_reach_the_public(
    city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Partner listings are read with their coordinates, and none reaches any published file."""
    path = city_tree / "data" / CITY / "beacon" / "listings.csv"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("latin-1"), newline=""),
                           delimiter=";"))  # fmt: skip
    rows[1][rows[0].index("lat")], rows[1][rows[0].index("lon")] = MARK_LAT, MARK_LON
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("latin-1"))
    code, err = _build(capsys)
    assert code == 0, err
    from daas.beacon.pipeline import load_tables
    from daas.core.city import load_city

    read = load_tables(load_city(CITY))["listings"]
    assert (read["latitude"].astype(str) == MARK_LAT).sum() == 1  # the marker was read
    out = city_build_dir(CITY) / "beacon"
    files = [p for p in out.rglob("*") if p.is_file()]
    # the search finds a building's published coordinate (the inventory's first latitude)
    header, inv, _ = _read(out / "data" / "inventory.csv")
    building = next(r[header.index("latitude")] for r in inv if r[header.index("latitude")])
    assert ("inventory", "latitude") in _db_hits(out / "beacon.db", (building,))
    for p in files:
        if p.suffix == ".db":
            assert _db_hits(p, (MARK_LAT[:9], MARK_LON[:10])) == [], p.name
        else:
            text = p.read_bytes()
            for mark in (MARK_LAT[:9], MARK_LON[:10], MARK_LAT[:9].replace(".", ",")):
                assert mark.encode() not in text, (p.name, mark)


def _tables(con: sqlite3.Connection) -> list[str]:
    return [r[0] for r in con.execute("select name from sqlite_master where type = 'table'")]


def _db_hits(path: Path, marks: tuple[str, ...]) -> list[tuple[str, str]]:
    """(table, column) of every SQLite cell whose text holds one of `marks`; a `listings`
    table counts as a hit too."""
    con = sqlite3.connect(path)
    hits = [("listings", "*")] if "listings" in _tables(con) else []
    for t in _tables(con):
        for col in [r[1] for r in con.execute(f'pragma table_info("{t}")')]:
            for mark in marks:
                sql = f'select count(*) from "{t}" where cast("{col}" as text) like ?'
                if con.execute(sql, (f"%{mark}%",)).fetchone()[0]:
                    hits.append((t, col))
    con.close()
    return hits


def test_only_tables_that_carry_coordinates_need_a_declaration(published: dict[str, str]) -> None:
    """Every published table, read back from SQLite, through the location check with nothing
    declared: only the inventory's latitude and longitude are exact coordinates."""
    from daas.privacy.gate import check_table

    con = sqlite3.connect(city_build_dir(CITY) / "beacon" / "beacon.db")
    found = {}
    for t in _tables(con):
        df = pd.read_sql_query(f'select * from "{t}"', con)
        found[t] = [r for r in check_table(t, df, locations=True) if "precise location" in r]
    con.close()
    assert {"inventory", "neighbourhood_supply", "listings_summary", "quality_issues",
            "income_limits", "neighbourhoods"} <= set(found)  # fmt: skip
    assert {t for t, reasons in found.items() if reasons} == {"inventory"}
    assert len(found["inventory"]) == 2


def test_declarations_without_a_beacon_section() -> None:
    from daas.beacon import pipeline
    from daas.core.city import load_city

    city = load_city(CITY).model_copy(update={"beacon": None})
    assert pipeline.declarations(city) == []
    assert pipeline.public_columns(city) == {}


def test_a_declaration_needs_a_known_kind_and_a_reason(
    published: dict[str, str], city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def declare(src: dict) -> None:
        src["public"]["latitude"]["kind"] = "building-locaton"
        src["public"]["longitude"]["reason"] = "  "

    _edit_city(city_tree, declare)
    code, err = _build(capsys)
    assert code == 2
    where = "beacon.sources.inventory.public"
    assert f"{where}.latitude.kind: 'building-locaton' is not a kind of public column" in err
    assert "did you mean 'building-location'?" in err
    assert f"{where}.longitude.reason: no reason given for declaring 'longitude' public" in err
    assert _digest(city_build_dir(CITY) / "beacon") == published


def test_gate_kinds_match_the_city_schema() -> None:
    from daas.core.city import PublicColumn
    from daas.privacy.gate import PUBLIC_KINDS

    assert set(PUBLIC_KINDS) == set(PublicColumn.KINDS)


REAL = shared_real_data()  # resolved before city_tree moves the repository root


def test_real_export_coordinates_need_their_declaration(
    city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """NYC HPD's export through its worked mapping without the coordinate declarations: the
    mapped Latitude and Longitude stop the gate; its unmapped internal coordinates, dropped and
    never published, do not."""
    export = REAL / "nyc_affordable_housing_by_building.csv"
    if not export.exists():
        pytest.skip(f"real export {export.name} not present in {REAL}")
    (city_tree / "data" / "nyc").mkdir()
    shutil.copy(export, city_tree / "data" / "nyc" / export.name)
    src = yaml.safe_load((city_tree / "cities" / "mappings" / "nyc-affordable-housing.yml")
                         .read_text(encoding="utf-8"))  # fmt: skip
    del src["public"]["latitude"], src["public"]["longitude"]
    src.update(path=f"data/nyc/{export.name}", role="public", as_of="2022-10-01")
    beacon = {
        "publisher": "Housing department",
        "contact_point": {"name": "Data team", "email": "data@example.org"},
        "sources": {"inventory": src},
    }
    city = {"slug": "nyc", "name": "Nyc", "country": "US", "priority_problem": "Housing.",
            "beacon": beacon}  # fmt: skip
    (city_tree / "cities" / "nyc.yml").write_text(yaml.safe_dump(city), encoding="utf-8")
    capsys.readouterr()
    assert main(["beacon", "build", "--city", "nyc", "--quiet"]) == 1
    err = capsys.readouterr().err
    for column in ("latitude", "longitude"):
        assert f"table 'inventory', column '{column}': holds precise location" in err
    assert "Internal" not in err and "street address" not in err
