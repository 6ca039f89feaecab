"""`daas data check`: what a team should know about a CSV before writing a mapping, proved on
hand-made files and on the six real exports (counts recomputed here from the raw file)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from daas.cli import main
from daas.core.paths import shared_real_data
from daas.data.check import check

REAL = shared_real_data()
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real exports absent ({REAL})")


def _raw(name: str, delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    """The export read independently with the csv module: (header, rows)."""
    with (REAL / name).open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    return rows[0], rows[1:]


def _found(report, kind: str, column: str = ""):
    hits = [f for f in report.findings if f.check == kind and (not column or f.column == column)]
    assert hits, (kind, column, [(f.check, f.column) for f in report.findings])
    return hits[0]


def _json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["data", "check", *argv, "--json"])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, json.loads(out.out)


# ---------------------------------------------------------------- hand-made files


def _csv(tmp: Path, text: str, name: str = "x.csv", encoding: str = "utf-8") -> Path:
    path = tmp / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_clean_file_exits_0(tmp_path: Path, capsys) -> None:
    path = _csv(tmp_path, "id,name,opened\n1,Ana,2024-01-02\n2,Bea,2024-03-04\n")
    assert main(["data", "check", str(path)]) == 0
    assert "clean" in capsys.readouterr().out


def test_each_quirk_is_found_with_its_line(tmp_path: Path) -> None:
    text = (
        "id;name;opened;phone;empty;note\n"
        "1;São Paulo;31/12/2035;555-123-4567;;N/A\n"
        "2;SÃ©o;01/03/2019;555-123-4568;;ok\n"  # mojibake, and a month-first-looking date
        "3;S?o Paulo;12/31/2035;555.123.4569;; \n"  # `?` for a letter; month first; blank-as-space
        # a quoted newline: the next row starts on line 7
        '4;"Multi\nline";02/03/2019;555-123-4560;;----\n'
        "4;x;2019-03-04;555-123-4561;;ok;extra\n"  # one field too many, a repeated key
        "5;y;05/03/2019;555-123-4562;;ok\n"
        "5;y;05/03/2019;555-123-4562;;ok\n"  # an exact repeat
    )
    report = check(_csv(tmp_path, text))
    assert report.delimiter == ";" and report.rows == 7
    assert _found(report, "encoding-damage", "name").rows == [3, 4]
    assert _found(report, "blank-as-space", "note").rows == [4]
    assert _found(report, "sentinel-values", "note").count == 2  # N/A and ----
    assert _found(report, "shifted-columns").rows == [7]
    assert _found(report, "duplicate-rows").rows == [9]
    assert _found(report, "duplicate-keys", "id").rows == [7, 9]
    assert _found(report, "empty-column", "empty").count == 6
    assert _found(report, "mixed-day-month", "opened").count == 1  # 12/31/2035 against 31/12
    assert not [f for f in report.findings if f.check == "mixed-formats"]  # too few rows to say


def test_a_few_rows_in_another_format(tmp_path: Path) -> None:
    rows = [f"{i},312-600-{4500 + i}" for i in range(40)]
    rows[7], rows[30] = "7,312.600.4507", "30,312=600-4530"
    report = check(_csv(tmp_path, "n,phone\n" + "\n".join(rows) + "\n"))
    assert _found(report, "mixed-formats", "phone").rows == [9, 32]


def test_mixed_date_formats_and_a_named_key(tmp_path: Path) -> None:
    rows = "".join(f"A{i % 3},2024-01-{i + 1:02d}\n" for i in range(9)) + "A9,03/02/2024\n"
    path = _csv(tmp_path, "code,day\n" + rows)
    report = check(path, key="code")
    assert _found(report, "mixed-date-formats", "day").rows == [11]
    assert _found(report, "duplicate-keys", "code").count == 6


def test_latin1_export_is_read_as_such(tmp_path: Path) -> None:
    report = check(_csv(tmp_path, "id,bairro\n1,Jardim América\n", encoding="cp1252"))
    assert report.encoding == "cp1252" and report.clean


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.csv", b""), ("blank.csv", b"  \n\n"), ("binary.csv", b"PK\x03\x04\x00\x00\x00")],
)
def test_unreadable_input_exits_2(tmp_path: Path, capsys, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["data", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert name in err and "fix:" in err and "Traceback" not in err


def test_missing_file_and_unknown_key_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["data", "check", str(tmp_path / "nope.csv")]) == 2
    path = _csv(tmp_path, "id,x\n1,2\n")
    assert main(["data", "check", str(path), "--key", "ID "]) == 2
    err = capsys.readouterr().err
    assert "nope.csv" in err and "--key" in err and "Traceback" not in err


# ---------------------------------------------------------------- the six real exports


@needs_real
def test_nyc_311_mojibake_and_placeholders(capsys) -> None:
    header, rows = _raw("nyc_311_sample_2011.csv")
    code, report = _json(capsys, str(REAL / "nyc_311_sample_2011.csv"))
    assert code == 1 and report["rows"] == len(rows) == 2000
    col = header.index("Resolution Description")
    damaged = [i + 2 for i, r in enumerate(rows) if "Â\u00a0" in r[col]]
    found = [f for f in report["findings"] if f["check"] == "encoding-damage"]
    assert [(f["column"], f["count"]) for f in found] == [("Resolution Description", 96)]
    assert len(damaged) == 96 and found[0]["rows"] == damaged[:5]
    board = header.index("Community Board")
    unspecified = sum(r[board] == "0 Unspecified" for r in rows)
    sentinel = {
        f["column"]: f["count"] for f in report["findings"] if f["check"] == "sentinel-values"
    }
    assert sentinel["Community Board"] == unspecified == 76
    zip_col = header.index("Incident Zip")
    assert sentinel["Incident Zip"] == sum(r[zip_col] == "N/A" for r in rows) == 1


@needs_real
def test_buenos_aires_semicolons_and_the_empty_second_street_column(capsys) -> None:
    header, rows = _raw("buenos_aires_147_contactos_2021-03.csv", delimiter=";")
    code, report = _json(capsys, str(REAL / "buenos_aires_147_contactos_2021-03.csv"))
    assert code == 1 and report["delimiter"] == ";" and report["encoding"] == "utf-8"
    assert report["rows"] == len(rows) == 3800 and report["columns"] == header
    empty = [f["column"] for f in report["findings"] if f["check"] == "empty-column"]
    assert empty == ["domicilio_calle"] and header[-1] == "domicilio_calle"
    assert all(not r[-1].strip() for r in rows)


@needs_real
def test_boston_blank_as_space_and_the_unnamed_index(capsys) -> None:
    header, rows = _raw("boston311_2025_subset.csv")
    code, report = _json(capsys, str(REAL / "boston311_2025_subset.csv"))
    assert code == 1 and report["rows"] == len(rows) == 2424
    col = header.index("closure_reason")
    spaces = sum(r[col] != "" and not r[col].strip() for r in rows)
    got = {f["column"]: f for f in report["findings"] if f["check"] == "blank-as-space"}
    assert got["closure_reason"]["count"] == spaces == 2423
    unnamed = [f for f in report["findings"] if f["check"] == "unnamed-column"]
    assert [f["column"] for f in unnamed] == ["1"] and header[0] == ""
    closed = header.index("closed_dt")
    empty = {f["column"] for f in report["findings"] if f["check"] == "empty-column"}
    assert "closed_dt" in empty and all(not r[closed] for r in rows)


@needs_real
def test_chicago_phone_numbers_in_other_formats(capsys) -> None:
    header, rows = _raw("chicago_affordable_rental_housing.csv")
    code, report = _json(capsys, str(REAL / "chicago_affordable_rental_housing.csv"))
    assert code == 1 and report["rows"] == len(rows) == 488
    col = header.index("Phone Number")
    odd = [i + 2 for i, r in enumerate(rows) if not re.fullmatch(r"\d{3}-\d{3}-\d{4}", r[col])]
    phone = [f for f in report["findings"] if f["column"] == "Phone Number"]
    assert [(f["check"], f["count"], f["rows"]) for f in phone] == [("mixed-formats", 4, odd)]


@needs_real
def test_nyc_housing_suppressed_rows_and_repeated_project_ids(capsys) -> None:
    header, rows = _raw("nyc_affordable_housing_by_building.csv")
    code, report = _json(capsys, str(REAL / "nyc_affordable_housing_by_building.csv"))
    assert code == 1 and report["rows"] == len(rows) == 5798
    name, street, pid = (header.index(c) for c in ("Project Name", "Street", "Project ID"))
    sentinel = {
        f["column"]: f["count"] for f in report["findings"] if f["check"] == "sentinel-values"
    }
    assert sentinel["Project Name"] == sum(r[name] == "CONFIDENTIAL" for r in rows) == 1089
    assert sentinel["Street"] == sum(r[street] == "----" for r in rows) == 1089
    ids = [r[pid] for r in rows if r[pid].strip()]
    keys = [f for f in report["findings"] if f["check"] == "duplicate-keys"]
    assert keys[0]["column"] == "Project ID" and keys[0]["count"] == len(ids) - len(set(ids))


@needs_real
def test_every_real_export_is_read_without_a_traceback(capsys) -> None:
    files = sorted(REAL.glob("*.csv"))
    assert len(files) == 6
    for path in files:
        delimiter = ";" if path.name.startswith("buenos_aires") else ","
        header, rows = _raw(path.name, delimiter)
        code, report = _json(capsys, str(path))
        assert code in (0, 1) and report["rows"] == len(rows), path.name
        assert report["clean"] == (code == 0) and len(report["columns"]) == len(header)
        assert not [f for f in report["findings"] if f["check"] == "shifted-columns"], path.name
