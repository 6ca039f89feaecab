"""No Beacon column is exempt from the privacy gate: only columns declared in the city file as
holding buildings' addresses or names may hold addresses, and never people's ids, emails, phones
or names. Declarations and their reasons are recorded in run.json."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
import yaml

from daas.beacon import records
from daas.cli import main
from daas.paths import city_build_dir

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
        ("inventory", "project_name"),
        ("inventory", "address"),
        ("listings", "address"),
    }
    address = declared[("inventory", "address")]
    assert address["kind"] == "building-address"
    assert address["columns"] == ["Street Number", "Street Name"]
    assert address["reason"].startswith("The inventory lists buildings, not people")
    assert run["privacy_gate"]["passed"] is True
    from daas.beacon import pages

    shown = pages.public_columns(CITY)  # the staff page's table
    assert list(shown.columns) == ["source", "field", "export columns", "kind", "reason"]
    assert len(shown) == 3 and set(shown["reason"]) == {d["reason"] for d in declared.values()}
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
