"""The Beacon on small real-shaped bad inputs (issue 14, points 5-11): each is read right or
stopped with a message naming the file, the column and the fix; never a traceback, and a failed
build leaves the previous output byte-identical."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest

from daas.beacon import records
from daas.cli import main
from daas.core.paths import city_build_dir
from tests.kit import write_beacon_city

SLUG = "testville"
HEADER = "Bldg,Development,Address,Area,Lat,Lon,Units,Start,End"
COLUMNS = {
    "building_id": "Bldg",
    "project_name": "Development",
    "address": "Address",
    "neighbourhood": "Area",
    "latitude": "Lat",
    "longitude": "Lon",
    "units": "Units",
    "affordability_start": "Start",
    "affordability_end": "End",
}
GOOD = [
    "B1,Uno Lofts,1 Main St,North,40.712776,-74.005974,10,01/02/2010,31/12/2035",
    "B2,Dos Lofts,2 Main St,South,40.713001,-74.006001,5,15/03/2012,01/06/2040",
]


def write_city(root: Path, lines: list[str], **mapping) -> Path:
    """A city whose only source is `lines` (with HEADER unless the first line is a header)."""
    folder = root / "data" / SLUG
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join(lines if lines[0].startswith("Bldg") else [HEADER, *lines]) + "\n"
    (folder / "inventory.csv").write_text(text, encoding="utf-8")
    src = {
        "path": f"data/{SLUG}/inventory.csv",
        "table": "inventory",
        "role": "public",
        "as_of": "2025-06-30",
        "columns": COLUMNS,
        "constants": {"tenure": "rental"},
        "public": {
            "project_name": {"kind": "building-name", "reason": "Buildings' names are public."},
            "address": {"kind": "building-address", "reason": "Buildings' addresses are public."},
            "latitude": {"kind": "building-location", "reason": "Buildings' places are public."},
            "longitude": {"kind": "building-location", "reason": "Buildings' places are public."},
        },
        **mapping,
    }
    write_beacon_city(root, SLUG, src, name="Testville")
    return folder / "inventory.csv"


def build(capsys) -> tuple[int, str]:
    code = main(["beacon", "build", "--city", SLUG, "--quiet"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def out() -> Path:
    return city_build_dir(SLUG) / "beacon"


def digest() -> dict[str, str]:
    return {
        str(p.relative_to(out())): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out().rglob("*"))
        if p.is_file()
    }


def published(table: str = "inventory") -> list[dict[str, str]]:
    text = (out() / "data" / f"{table}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def issues() -> list[dict[str, str]]:
    return published("quality_issues")


def test_good_file_builds(city_tree: Path, capsys) -> None:
    write_city(city_tree, GOOD)
    assert build(capsys)[0] == 0
    rows = published()
    assert [r["affordability_end"] for r in rows] == ["2035-12-31", "2040-06-01"]
    assert [r["affordability_start"] for r in rows] == ["2010-02-01", "2012-03-15"]


# point 5 -----------------------------------------------------------------------------------


def test_placeholder_end_dates_keep_live_homes(city_tree: Path, capsys) -> None:
    write_city(
        city_tree,
        [
            *GOOD,
            "B3,Tres Lofts,3 Main St,North,40.7131,-74.0061,7,01/02/2010,12/30/3799",
            "B4,Cuatro Lofts,4 Main St,North,40.7132,-74.0062,8,01/02/2010,30/12/1939",
            "B5,Cinco Lofts,5 Main St,North,40.7133,-74.0063,9,01/02/2010,30/12/1904",
            "B6,Seis Lofts,6 Main St,North,40.7134,-74.0064,4,01/02/2010,9999-12-31",
            "B7,Siete Lofts,7 Main St,North,40.7135,-74.0065,3,01/02/2010,TBD",
            "B8,Ocho Lofts,8 Main St,North,40.7136,-74.0066,2,01/02/1990,01/01/2001",
        ],
        placeholders={"affordability_end": ["TBD"]},
    )
    assert build(capsys)[0] == 0
    rows = {r["building_id"]: r for r in published()}
    assert set(rows) == {"B1", "B2", "B3", "B4", "B5", "B6", "B7"}  # B8 really ended in 2001
    assert all(rows[b]["affordability_end"] == "" for b in ("B3", "B4", "B5", "B6", "B7"))
    unknown = [
        i
        for i in issues()
        if i["field"] == "affordability_end" and "not a real date" in i["reason"]
    ]
    assert sorted(i["value"] for i in unknown) == sorted(
        ["12/30/3799", "30/12/1939", "30/12/1904", "9999-12-31", "TBD"]
    )
    assert all(i["excluded"] == "false" for i in unknown)
    ended = [i for i in issues() if "already ended" in i["reason"]]
    assert [(i["value"], i["excluded"]) for i in ended] == [("2001-01-01", "true")]
    statement = json.loads((out() / "pages" / "performance.json").read_text())["statement"]
    assert "5 dates were placeholders" in statement


# point 6 -----------------------------------------------------------------------------------


def test_ambiguous_day_month_order_stops_and_keeps_the_output(city_tree: Path, capsys) -> None:
    write_city(city_tree, GOOD)
    assert build(capsys)[0] == 0
    before = digest()
    write_city(
        city_tree, [r.replace("31/12/2035", "02/12/2035").replace("15/03", "11/03") for r in GOOD]
    )
    code, err = build(capsys)
    assert code == 2
    assert f"data/{SLUG}/inventory.csv" in err and "Start" in err and "date_format" in err
    assert digest() == before
    assert records.run_history(SLUG)[-1]["status"] == "failed"


def test_mixed_day_month_order_stops(city_tree: Path, capsys) -> None:
    write_city(
        city_tree, [*GOOD, "B3,Tres Lofts,3 Main St,North,40.7,-74.0,7,01/02/2010,12/31/2035"]
    )
    code, err = build(capsys)
    assert code == 2 and "mixes day-first and month-first" in err and "End" in err


def test_declared_date_format_reads_ambiguous_dates(city_tree: Path, capsys) -> None:
    write_city(
        city_tree,
        ["B1,Uno Lofts,1 Main St,North,40.7,-74.0,10,01/03/2019,02/04/2040"],
        date_format="%d/%m/%Y",
    )
    assert build(capsys)[0] == 0
    row = published()[0]
    assert (row["affordability_start"], row["affordability_end"]) == ("2019-03-01", "2040-04-02")


def test_decimal_comma_coordinates_are_read_not_out_of_range(city_tree: Path, capsys) -> None:
    lines = [
        "Bldg;Development;Address;Area;Lat;Lon;Units;Start;End",
        "B1;Uno Lofts;1 Main St;North;-33,478965;-70,648271;1.234;2019-03-01;2040-04-02",
    ]
    write_city(city_tree, lines)
    assert build(capsys)[0] == 0
    row = published()[0]
    assert (row["latitude"], row["longitude"], row["units"]) == ("-33.478965", "-70.648271", "1234")
    assert not [i for i in issues() if i["field"] in ("latitude", "longitude", "units")]


# point 7 -----------------------------------------------------------------------------------


def test_duplicate_mapped_header_is_an_error(city_tree: Path, capsys) -> None:
    write_city(city_tree, GOOD)
    assert build(capsys)[0] == 0
    before = digest()
    write_city(
        city_tree,
        [HEADER + ",Units", *(r + ",99" for r in GOOD)],
    )
    code, err = build(capsys)
    assert code == 2 and "columns 7 and 10" in err and "'Units'" in err and "rename" in err
    assert digest() == before


def test_duplicate_unmapped_header_is_harmless(city_tree: Path, capsys) -> None:
    write_city(city_tree, [HEADER + ",Notes,Notes", *(r + ",a,b" for r in GOOD)])
    assert build(capsys)[0] == 0
    assert [r["units"] for r in published()] == ["10", "5"]


# point 8 -----------------------------------------------------------------------------------


def test_published_csv_and_sqlite_hold_the_same_values(city_tree: Path, capsys) -> None:
    write_city(city_tree, GOOD)
    assert build(capsys)[0] == 0
    con = sqlite3.connect(out() / "beacon.db")
    db = con.execute("select latitude, longitude, units from inventory").fetchall()
    con.close()
    rows = published()
    assert [(float(r["latitude"]), float(r["longitude"]), int(r["units"])) for r in rows] == db
    assert [r["latitude"] for r in rows] == ["40.712776", "40.713001"]  # as read, not rounded


def test_quotes_and_semicolons_round_trip(city_tree: Path, capsys) -> None:
    from frictionless import Package

    name = 'Colonia "El Centro"; Sector 2'
    quoted = '"Colonia ""El Centro""; Sector 2"'
    write_city(
        city_tree,
        [
            *GOOD,
            f"B3,Tres Lofts,3 Main St,{quoted},40.7,-74.0,7,2019-03-01,2040-04-02",
        ],
    )
    assert build(capsys)[0] == 0
    assert name in [r["neighbourhood"] for r in published()]
    con = sqlite3.connect(out() / "beacon.db")
    assert con.execute(
        "select count(*) from inventory where neighbourhood = ?", (name,)
    ).fetchone() == (1,)
    con.close()
    desc = json.loads((out() / "datapackage.json").read_text())
    assert all(r["dialect"]["delimiter"] == "," for r in desc["resources"])
    package = Package(str(out() / "datapackage.json"), basepath=str(out()))
    assert package.validate().valid
    supply = package.get_resource("neighbourhood_supply").read_rows()
    assert name in {r["neighbourhood"] for r in supply}


# point 9 -----------------------------------------------------------------------------------


def test_row_numbers_are_export_lines_across_quoted_newlines(city_tree: Path, capsys) -> None:
    write_city(
        city_tree,
        [
            'B1,"Uno Lofts',
            'second line of the name",1 Main St,North,40.7,-74.0,10,2010-02-01,2035-12-31',
            "",
            "B2,Dos Lofts,2 Main St,North,40.7,-74.0,not a number,2010-02-01,2035-12-31",
        ],
    )
    assert build(capsys)[0] == 0
    bad = [i for i in issues() if i["field"] == "units"]
    assert [i["row"] for i in bad] == ["5"]  # header 1, B1 on lines 2-3, a blank line 4


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (f"{HEADER}\r\n{GOOD[0]}\r{GOOD[1]}\r\n", 2),  # a stray CR cuts a row in two
        (f"{HEADER}\r{GOOD[0]}\r{GOOD[1]}\r", 1),  # old Mac line ends: CR alone
    ],
)
def test_a_carriage_return_that_ends_no_line_stops_the_build(
    city_tree: Path, capsys, text: str, line: int
) -> None:
    write_city(city_tree, GOOD).write_text(text, encoding="utf-8", newline="")
    code, err = build(capsys)
    assert code != 0 and not out().exists()
    assert f"data/{SLUG}/inventory.csv: line {line}: a carriage return (CR)" in err
    assert "fix: save the export again as CSV with standard line ends" in err


def test_a_line_break_inside_quotes_is_kept(city_tree: Path, capsys) -> None:
    quoted = GOOD[0].replace("Uno Lofts", '"Uno\r\nLofts"')
    write_city(city_tree, GOOD).write_text(f"{HEADER}\r\n{quoted}\r\n{GOOD[1]}\r\n", newline="")
    code, err = build(capsys)
    assert code == 0, err
    assert published()[0]["project_name"].splitlines() == ["Uno", "Lofts"]


# point 10 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["Multiple Addresses", "----", "CONFIDENTIAL", "---- ----"])
def test_placeholder_address_is_flagged_and_not_mapped(
    city_tree: Path, capsys, address: str
) -> None:
    write_city(
        city_tree, [*GOOD, f"B3,Tres Lofts,{address},North,40.7,-74.0,7,2010-02-01,2040-01-01"]
    )
    assert build(capsys)[0] == 0
    row = {r["building_id"]: r for r in published()}["B3"]
    assert (row["address"], row["latitude"], row["longitude"]) == ("", "", "")
    assert row["units"] == "7"  # the home still counts
    flagged = [i for i in issues() if i["field"] == "address"]
    assert [(i["value"], i["excluded"]) for i in flagged] == [(address, "false")]


# point 11 ----------------------------------------------------------------------------------


def test_expiring_query_lists_only_homes_ending_after_the_as_of_date(
    city_tree: Path, capsys
) -> None:
    write_city(
        city_tree,
        [
            *GOOD,
            "B3,Tres Lofts,3 Main St,North,40.7,-74.0,7,2010-02-01,2027-01-01",
            "B4,Cuatro Lofts,4 Main St,North,40.7,-74.0,7,2010-02-01,2026-06-01",
        ],
    )
    assert build(capsys)[0] == 0
    meta = json.loads((out() / "metadata.json").read_text())
    sql = meta["databases"]["beacon"]["queries"]["expiring_affordability"]["sql"]
    con = sqlite3.connect(out() / "beacon.db")
    found = [r[0] for r in con.execute(sql, {"as_of": "2026-07-01", "years": 5})]
    con.close()
    assert found == ["B3"]  # B4 ended before 2026-07-01; B1 and B2 end after 2031
