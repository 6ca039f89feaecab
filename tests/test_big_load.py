"""A big export read and mapped in DuckDB (`daas.beacon.big.load`) gives the plain path's frames:
the export as read (`read_export`) and mapped (`apply_mapping`), values, columns, attrs and row
numbers, on the seeded samples, the real exports and the quirks of tests/test_beacon_load.py and
tests/test_beacon_bad_input.py; an export it cannot read exactly goes the plain path, and every
bad export stops with the plain path's message (#16)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from daas.beacon import load
from daas.beacon.big import read as big_read
from daas.beacon.big.load import WHITE, load_big
from daas.beacon.big.read import read_big
from daas.core import tables
from daas.core.big import BigTable, Engine
from daas.core.city import BeaconMapping, load_city
from daas.core.errors import DaasError
from daas.core.paths import repo_root, shared_real_data

REAL = shared_real_data()
MAPPINGS = Path(__file__).parent.parent / "cities" / "mappings"
WHERE = "cities/x.yml: beacon.sources.s"


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(tables.BIG_ROWS_VARIABLE, "1")  # every export of 2 rows or more is big
    with Engine() as eng:
        yield eng


def same(path: Path, mapping: BeaconMapping, engine: Engine, big: bool = True) -> None:
    """`load_source` with the engine gives the plain path's frames (as BigTables when `big`),
    or stops with its message."""
    try:
        plain = load.read_export(path, "x.csv", mapping.encoding, mapping.delimiter)[0]
        plain_mapped = load.apply_mapping(plain, mapping, "x.csv", WHERE)
    except DaasError as exc:
        with pytest.raises(DaasError) as got:
            load.load_source(path, mapping, "x.csv", WHERE, engine)
        assert str(got.value) == str(exc)
        read = read_big(path, "x.csv", engine, mapping.encoding, mapping.delimiter)
        assert (read is None) == (not big)
        return
    raw, mapped = load.load_source(path, mapping, "x.csv", WHERE, engine)
    assert isinstance(raw, BigTable) == isinstance(mapped, BigTable) == big
    if not big:
        return
    got = raw.df()
    pd.testing.assert_frame_equal(got, plain)  # text columns both ways: exact
    assert got.attrs == plain.attrs
    assert raw.types() == engine.from_frame("plain", plain).types()
    got = mapped.df()
    # a value `values` read is an object column in the plain frame, `str` as any text from
    # DuckDB (and as `Engine.from_frame` gives it back): the same values
    pd.testing.assert_frame_equal(got, plain_mapped, check_dtype=False)
    pd.testing.assert_frame_equal(got, engine.from_frame("plain", plain_mapped).df())
    assert mapped.types() == engine.from_frame("plain", plain_mapped).types()


def mapping(name: str, **extra) -> BeaconMapping:
    data = yaml.safe_load((MAPPINGS / name).read_text(encoding="utf-8"))
    return BeaconMapping.model_validate({**data, **extra})


@pytest.mark.parametrize("slug", ["vale-do-sereno", "port-mallory", "villa-ondina"])
def test_seeded_samples(slug: str, engine: Engine) -> None:
    """Requests (date-times, recoding), housing (unpivot, Latin-1 listings, decimal marks)."""
    for src in load_city(slug).beacon.sources.values():
        same(repo_root() / src.path, src, engine)


REAL_EXPORTS = [
    ("nyc_311_sample_2011.csv", "nyc-311.yml"),
    ("buenos_aires_147_contactos_2021-03.csv", "buenos-aires-147.yml"),
    ("la_myla311_2017_subset.csv", "los-angeles-311.yml"),
    ("nyc_affordable_housing_by_building.csv", "nyc-affordable-housing.yml"),
    ("chicago_affordable_rental_housing.csv", "chicago-affordable-rental.yml"),
]


@pytest.mark.skipif(not REAL.exists(), reason="the shared folder of real exports is absent")
@pytest.mark.parametrize(("file", "name"), REAL_EXPORTS)
def test_real_exports(file: str, name: str, engine: Engine) -> None:
    same(REAL / file, mapping(name), engine)


@pytest.mark.skipif(not REAL.exists(), reason="the shared folder of real exports is absent")
def test_a_header_duckdb_cannot_name_takes_the_plain_path(engine: Engine) -> None:
    """Boston's export starts with an unnamed column: DuckDB names no column ''."""
    same(REAL / "boston311_2025_subset.csv", mapping("boston-311.yml"), engine, big=False)


HEADER = "Bldg,Development,Address,Area,Lat,Lon,Units,Start,End"
GOOD = [
    "B1,Uno Lofts,1 Main St,North,40.712776,-74.005974,10,01/02/2010,31/12/2035",
    "B2,Dos Lofts,2 Main St,South,40.713001,-74.006001,5,15/03/2012,01/06/2040",
]
COLUMNS = {
    "building_id": "Bldg", "project_name": "Development", "address": "Address",
    "neighbourhood": "Area", "latitude": "Lat", "longitude": "Lon", "units": "Units",
    "affordability_start": "Start", "affordability_end": "End",
}  # fmt: skip


def inventory(**extra) -> BeaconMapping:
    return BeaconMapping.model_validate(
        {"table": "inventory", "columns": COLUMNS, "constants": {"tenure": "rental"}, **extra}
    )


def export(tmp_path: Path, lines: list[str] | bytes, newline: str = "\n") -> Path:
    path = tmp_path / "export.csv"
    if isinstance(lines, bytes):
        path.write_bytes(lines)
    else:
        text = newline.join(lines if lines[0].startswith("Bldg") else [HEADER, *lines])
        path.write_bytes((text + newline).encode("utf-8"))
    return path


QUIRKS = {
    "good": (GOOD, {}),
    "placeholders": (
        [*GOOD, "B3,Tres,3 Main St,North,40.7,-74.0,7,01/02/2010,12/30/3799",
         "B4,Cuatro,4 Main St,North,40.7,-74.0,8,01/02/2010,30/12/1939",
         "B5,Cinco,5 Main St,North,40.7,-74.0,9,01/02/2010,30/12/1904",
         "B6,Seis,6 Main St,North,40.7,-74.0,4,01/02/2010,9999-12-31",
         "B7,Siete,7 Main St,North,40.7,-74.0,3,01/02/2010,TBD"],
        {"placeholders": {"affordability_end": ["TBD"], "address": ["3 Main St"]}},
    ),
    "ambiguous": (
        [r.replace("31/12/2035", "02/12/2035").replace("15/03", "11/03") for r in GOOD], {}
    ),
    "mixed": ([*GOOD, "B3,Tres,3 Main St,North,40.7,-74.0,7,01/02/2010,12/31/2035"], {}),
    "declared": (["B1,Uno,1 Main St,North,40.7,-74.0,10,01/03/2019,02/04/2040",
                  "B2,Dos,2 Main St,North,40.7,-74.0,10,05/03/2019,02/05/2040"],
                 {"date_format": "%d/%m/%Y"}),
    "decimal commas": (
        ["Bldg;Development;Address;Area;Lat;Lon;Units;Start;End",
         "B1;Uno;1 Main St;North;-33,478965;-70,648271;1.234;2019-03-01;2040-04-02",
         "B2;Dos;2 Main St;North;-33,5;-70,6;1,250;2019-03-01;2040-04-02"],
        {},
    ),
    "decimal declared": (
        ["Bldg;Development;Address;Area;Lat;Lon;Units;Start;End",
         "B1;Uno;1 Main St;North;-33,478965;-70,648271;1.234;2019-03-01;2040-04-02",
         "B2;Dos;2 Main St;North;-33,5;-70,6;12;2019-03-01;2040-04-02"],
        {"decimal": ","},
    ),
    "repeated mapped header": ([HEADER + ",Units", *(r + ",99" for r in GOOD)], {}),
    "repeated unmapped header": ([HEADER + ",Notes,Notes", *(r + ",a,b" for r in GOOD)], {}),
    "quotes and semicolons": (
        [*GOOD, 'B3,Tres,3 Main St,"Colonia ""El Centro""; Sector 2",40.7,-74.0,7,2019-03-01,'
         "2040-04-02"],
        {},
    ),
    "quoted line break and a blank line": (
        ['B1,"Uno Lofts', 'second line",1 Main St,North,40.7,-74.0,10,2010-02-01,2035-12-31', "",
         "B2,Dos Lofts,2 Main St,North,40.7,-74.0,not a number,2010-02-01,2035-12-31"],
        {},
    ),
    "short rows and blanks": (
        [*GOOD, "B3,Tres,,North", 'B4,"",4 Main St,North,,,3,,'], {}
    ),
    "spaces kept": (
        [*(r.replace(",North,", ",  North ,") for r in GOOD), "B3 , Tres\u00a0,3 Main St,\tSouth,"
         "40.7,-74.0, 7 ,2019-03-01,2040-04-02"],
        {},
    ),
    "recoded and joined": (
        GOOD,
        {"columns": {**COLUMNS, "address": ["Address", "Area"]},
         "values": {"neighbourhood": {"North": "Norte"}, "units": {"10": "1.000"}}},
    ),
    "missing column": ([HEADER.replace("Units", "Homes"), *GOOD], {}),
    "unmapped required field": (
        GOOD, {"columns": {k: v for k, v in COLUMNS.items() if k != "neighbourhood"}}
    ),
    "not a schema field": (GOOD, {"constants": {"tenure": "rental", "colour": "red"}}),
}  # fmt: skip


@pytest.mark.parametrize("quirk", list(QUIRKS))
def test_quirks_read_and_map_as_the_plain_path(quirk: str, tmp_path: Path, engine: Engine) -> None:
    lines, extra = QUIRKS[quirk]
    same(export(tmp_path, lines), inventory(**extra), engine)


def test_line_ends_and_quoted_line_breaks(tmp_path: Path, engine: Engine) -> None:
    quoted = GOOD[0].replace("Uno Lofts", '"Uno\r\nLofts"')
    same(export(tmp_path, [HEADER, quoted, GOOD[1]], "\r\n"), inventory(), engine)
    short = [HEADER, GOOD[0].replace("Uno Lofts", '"Uno\nLofts"'), "B2,Dos"]
    mapping = inventory(date_format="%d/%m/%Y")
    same(export(tmp_path, short), mapping, engine)  # DuckDB pads it, not in parallel


@pytest.mark.parametrize(
    ("content", "big"),
    [
        (b"", False),  # the file is empty
        (b"Bldg,Development\n", False),  # a header but no rows
        (b"PK\x03\x04\x00\x00\x00binary\xff\xfe", False),  # not a text file
        (f"{HEADER}\r\n{GOOD[0]}\r{GOOD[1]}\r\n".encode(), False),  # a stray CR
        (f"{HEADER}\r{GOOD[0]}\r{GOOD[1]}\r".encode(), False),  # old Mac line ends
        (f"{HEADER}\n{GOOD[0]},extra\n{GOOD[1]}\n".encode(), False),  # more fields
        (f'{HEADER}\n{GOOD[0]}\nB2,"Dos\n'.encode(), False),  # an unterminated quote
        (f"{HEADER}\n{GOOD[0]}\n   \n{GOOD[1]}\n".encode(), False),  # a line of spaces
        (f'{HEADER}\n{GOOD[0]}\nB2,"Dos" ,x\n'.encode(), False),  # a space after a quote
        (f'{HEADER}\n{GOOD[0]}\nB2, "Dos",x\n'.encode(), False),  # a space before one
        (f'{HEADER}\n{GOOD[0]}\nB2,"Dos"x,y\n'.encode(), False),
        (f"{HEADER},RowID\n{GOOD[0]},1\n{GOOD[1]},2\n".encode(), False),  # DuckDB's row number
        (("\ufeff" + "\n".join([HEADER, *GOOD]) + "\n").encode(), True),  # byte-order mark
        (
            "\n".join([HEADER, *GOOD, "B3,Château,x,Peña,1,2,3,2019-03-01,2040-04-02"]).encode(
                "cp1252"
            ),
            True,
        ),
        (
            ("\n".join([HEADER, *GOOD, "B3,\x81,x,y,1,2,3,2019-03-01,2040-04-02"]) + "\n").encode(
                "latin-1"
            ),
            True,
        ),  # not Windows-1252: Latin-1
    ],
)
def test_bad_or_odd_files(content: bytes, big: bool, tmp_path: Path, engine: Engine) -> None:
    same(export(tmp_path, content), inventory(), engine, big=big)


def test_a_declared_encoding_and_delimiter(tmp_path: Path, engine: Engine) -> None:
    text = "\n".join([HEADER.replace(",", "|"), *(r.replace(",", "|") for r in GOOD)]) + "\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.replace("Uno", "Ünø").encode("utf-16"))
    same(path, inventory(encoding="utf-16", delimiter="|"), engine)
    same(path, inventory(encoding="ascii"), engine, big=False)  # cannot decode


DATETIMES = [
    "2025-03-01T08:15:00-03:00", "2025-03-01 08:15:00", "2024-02-29 10:00:00",
    "2023-02-29 10:00:00", "2100-02-28 10:00:00", "2098-12-31 23:59:60", "2099-01-01 00:00:00",
    "1999-12-31 23:59:59", "2025-03-01T08:15:00-00:00", "2025-03-01T08:15:00+00:00",
    "2025-03-01T08:15:00+24:00", "2025-06-30 23:59:61", "2025-06-30 23:60:00",
    "2025-03-01T08:15:00.123", "2025-03-01T08:15", "03/13/2025 08:15:00 PM", "",
    "2025-03-01T08:15:00Z", "２０２５-03-01 08:15:00", "12-30-3799", "2025-13-01 00:00:00",
    "02/29/2100 10:00:00 AM", "02/29/2096 10:00:00 AM", "12/31/2099 11:00:00 PM",
    "12/30/1999 10:00:00 AM", "3/1/2025 8:15:00 AM", "03/01/2025 12:00:00 am",
    "03/01/2025 12:00:00 AM", "03/01/2025 12:30:00 PM", "03/01/2025 12:00:60 PM",
    "01/01/2200 01:00:00 AM", "13/01/2025 08:15:00", "31/12/2099 23:00:00", "29/02/2024 23:59:59",
    "01/02/1900 00:00:00", "1/2/2025 08:15:00", "31/04/2025 10:00:00", "15/01/2025  08:15:00",
]  # fmt: skip


@pytest.mark.parametrize(
    "fmt", [None, "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %H:%M:%S", "%d.%m.%Y"]
)
def test_date_times_recognised_in_sql_as_in_python(
    fmt: str | None, tmp_path: Path, engine: Engine
) -> None:
    """The ISO 8601 date-times SQL recognises are those `values._iso_already` gives back; those
    in a declared format, those `values._read_datetime` reads with no note."""
    lines = ["id,code,name,status,made,closed"]
    lines += [f"{i},C,Name,open,{t},{DATETIMES[-1 - i]}" for i, t in enumerate(DATETIMES)]
    path = tmp_path / "requests.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    m = BeaconMapping.model_validate({
        "table": "requests", "date_format": fmt,
        "columns": {"service_request_id": "id", "service_code": "code", "service_name": "name",
                    "status": "status", "requested_datetime": "made",
                    "closed_datetime": "closed"},
    })  # fmt: skip
    same(path, m, engine)


# dates showing no order of day and month (ISO, either order, the same number twice, far years)
BLAND = [
    "2035-12-31", "1999-12-30", "1995-12-30", "1900-01-01", "2099-12-31", "2018-02-29",
    "2000-02-29", "1900-02-29", "2100-02-29", "31/31/2019", "00/10/2010", "10/00/2010",
    "2018-00-10", "1899-12-30", "2199-12-31", "2200-01-01", "01/01/2200", "12-30-3799",
    "4/3/2003", "04.03.2003", "04/03-2003", "2003/04/03", "2003.4.3", "", "TBD",
    "04/03/2003 10:00", "٠٤/٠٣/٢٠٠٣", "0999-01-01", "01/02/1999", "02.01.1999", "05/05/2005",
    "12/12/1912", "11-12-1913", "01/01/1900",
]  # fmt: skip
# month first: periods, sentinels, leap days, a day that is not real
MONTH_FIRST = [
    "12/30/1995", "12-30-1995", "12/31/2099", "12.31.2099", "02/29/2000", "02/30/2000",
    "12/30/1899", "12/31/2199", "01/13/2005", "12/30/1999", "02/29/1900",
]  # fmt: skip
DAY_FIRST = [re.sub(r"^(\d+)([-/.])(\d+)\2", r"\3\2\1\2", t) for t in MONTH_FIRST]
SHOWING = {
    "month first": [*BLAND, *MONTH_FIRST],
    "day first": [*BLAND, *DAY_FIRST],
    "day first, only where Python reads": [*BLAND, "13/01/2005 10:00"],
    "either": BLAND,  # the order cannot be told
    "both": [*BLAND, *MONTH_FIRST, "13/01/2005"],
    "many read by Python": [*BLAND, *DAY_FIRST, *(f"2001/01/{d:02d}" for d in range(1, 29))],
    "none": ["2035-12-31", "1995-12-30", "05/05/2005", "12/12/1912", "31.31.2019", "12/30/3799"],
    "padded": [f" {t}\u00a0" for t in [*BLAND, *DAY_FIRST]],
    "placeholders": [*BLAND, *DAY_FIRST, "01/01/2100"],
}


@pytest.mark.parametrize("shown", list(SHOWING))
def test_dates_read_in_sql_as_in_python(shown: str, tmp_path: Path, engine: Engine) -> None:
    """Dates without a declared format: those SQL reads (`load._settled`: `31/12/2035` in
    either order, `2035-12-31`, periods, sentinels, days that are not real) are read as
    `values.read_dates` reads them, in the order the column shows (or its error); with
    placeholders declared, and with a value recoded into a date."""
    dates = SHOWING[shown]
    rows = [
        f"B{i},Uno,1 Main St,North,40.7,-74.0,3,{d},{dates[-1 - i]}" for i, d in enumerate(dates)
    ]
    path = export(tmp_path, rows)
    held = {"affordability_end": ["01/01/2100", "TBD"], "affordability_start": ["12/30/1995"]}
    recoded = {"affordability_end": {"TBD": "01/02/2003"}}
    for extra in [{}, {"placeholders": held}, {"values": recoded}]:
        same(path, inventory(**extra), engine)


def test_chunk_boundaries(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file scanned a few bytes at a time: lines, quotes and carriage returns cut by a
    chunk's end are seen whole; a byte past the first chunk that is not UTF-8 makes DuckDB
    refuse the file, then read it as Windows-1252 (as `load.detect_encoding` does)."""
    monkeypatch.setattr(big_read, "SCAN", 7)
    for lines, extra in QUIRKS.values():
        same(export(tmp_path, lines), inventory(**extra), engine)
    quoted = GOOD[0].replace("Uno Lofts", '"Uno\r\nLofts"')
    same(export(tmp_path, [HEADER, quoted, GOOD[1]], "\r\n"), inventory(), engine)
    spaced = f'{HEADER}\n{GOOD[0]}\nB2,"Dos Lofts"    ,x\n'.encode()
    same(export(tmp_path, spaced), inventory(), engine, big=False)
    # a head of 4,000 characters decoded from the first 8,000 bytes (the plain path's too)
    monkeypatch.setattr(load, "HEAD", 4000)
    monkeypatch.setattr(load, "CHUNK", 8000)
    rows = [GOOD[i % 2].replace(f"B{i % 2 + 1},", f"B{i},") for i in range(400)]
    text = "\n".join([HEADER, *rows, "B0,Château,x,Peña,1,2,3,2019-03-01,2040-04-02"]) + "\n"
    same(export(tmp_path, text.encode("cp1252")), inventory(), engine)
    read = read_big(export(tmp_path, text.encode("cp1252")), "x.csv", engine)
    assert read is not None and read.enc == "cp1252"


def test_unpivot_with_record_lines(tmp_path: Path, engine: Engine) -> None:
    """Port Mallory's inventory (income bands unpivoted) with a quoted line break and a
    blank line: each band's row keeps its record's line."""
    src = load_city("port-mallory").beacon.sources["inventory"]
    lines = (repo_root() / src.path).read_text(encoding="utf-8").splitlines()
    name = src.columns["project_name"]
    at = next(i for i, h in enumerate(lines[0].split(",")) if h.strip() == name)
    cells = lines[3].split(",")
    cells[at] = '"' + cells[at] + '\nand more"'
    lines[3] = ",".join(cells)
    lines.insert(6, "")
    path = tmp_path / "inventory.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    same(path, src, engine)


def test_a_small_export_takes_the_plain_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(tables.BIG_ROWS_VARIABLE, "2")
    path = export(tmp_path, GOOD)
    with Engine() as engine:
        assert load_big(path, inventory(), "x.csv", WHERE, engine) is None
        raw, mapped = load.load_source(path, inventory(), "x.csv", WHERE, engine)
        assert isinstance(raw, pd.DataFrame) and isinstance(mapped, pd.DataFrame)
        path = export(tmp_path, [*GOOD, GOOD[0].replace("B1", "B3")])
        assert load_big(path, inventory(), "x.csv", WHERE, engine) is not None


@pytest.mark.slow
def test_the_benchmark_generator(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The requests `benchmarks/beacon_scale.py` builds at scale (ISO date-times with their
    offset, quoted descriptions, blank closing times), 20,000 of them."""
    import shutil

    from benchmarks.beacon_scale import requests_repo

    root, csv = requests_repo(20_000)
    try:
        monkeypatch.setenv("DAAS_ROOT", str(root))
        same(csv, load_city("bench").beacon.sources["requests"], engine)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_white_is_what_str_strip_strips() -> None:
    """`WHITE`, the characters the mapping strips, are every one `str.isspace` says is."""
    assert "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) == WHITE
