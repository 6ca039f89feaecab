"""High-specificity identifiers are found in every value (with their rows), not a sample;
building names, intersections and tables of places are not taken for people."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from daas.core.paths import shared_real_data
from daas.privacy import gate, specific
from daas.privacy import national_ids as nid
from daas.privacy.identifiers import scan_column
from daas.privacy.scan import read_table, scan_table

REAL = shared_real_data()
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real exports absent ({REAL})")


def free_text(n: int, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    words = np.array(
        ["the", "tenant", "asked", "about", "repairs", "to", "roof", "and", "boiler", "in"]
    )
    idx = rng.integers(0, len(words), (n, 9))
    text = pd.Series(words[idx[:, 0]], dtype=object)
    for j in range(1, 9):
        text = text + " " + words[idx[:, j]]
    return text + " ref " + pd.Series(np.arange(n)).astype(str)


def test_one_email_and_one_cpf_in_200000_rows_are_found_with_their_rows() -> None:
    notes = free_text(200_000)
    notes[123_456] = "Please write to maria.souza@example.org about the boiler repair soon"
    notes[77_000] = "Tenant gave CPF 529.982.247-25 when she called about the roof"
    f = scan_column(notes, "notes")
    assert {"email", "id:br_cpf", "free_text"} <= set(f.pii)
    assert f.rows == {"email": [123_457], "id:br_cpf": [77_001]}
    assert f.row_counts == {"email": 1, "id:br_cpf": 1}
    assert all("maria" not in e and "982" not in e for e in f.examples_redacted)
    result = gate({"notes": notes.to_frame("notes")})
    assert not result.passed
    assert "row 123,457" in result.reasons[0] and "row 77,001" in result.reasons[0]


def test_every_kind_with_a_check_digit_is_found_anywhere_in_a_long_column() -> None:
    planted = {
        "id:br_cpf": "529.982.247-25",
        "id:br_cnpj": "11.222.333/0001-81",
        "id:mx_curp": "BOXW310820HNERXN09",
        "id:mx_rfc": "GODE561231GR8",
        "id:ar_cuit": "20-26756539-3",
        "id:cl_rut": "12.345.678-5",
        "id:us_ssn": "123-45-6789",
        "card_number": "4111 1111 1111 1111",
        "phone": "(555) 201-3344",
    }
    for i, (kind, value) in enumerate(planted.items()):
        s = free_text(30_000, seed=i)
        row = 5_000 + 2_000 * i
        s[row] = f"Noted {value} on the form"
        f = scan_column(s, "comments")
        assert kind in f.pii and f.rows[kind] == [row + 1], (kind, f.pii, f.rows)
    look_alike = free_text(30_000)
    look_alike[10] = "Noted 529.982.247-26 and 4111 1111 1111 1112 on the form"
    assert scan_column(look_alike, "comments").pii == []


def test_bare_ids_count_when_they_fill_the_column_not_by_chance() -> None:
    rng = np.random.default_rng(1)
    cpfs = ["52998224725", "11144477735"] * 50
    assert scan_column(pd.Series(cpfs), "building_id").pii == ["id:br_cpf"]
    assert scan_column(pd.Series([int(c) for c in cpfs]), "building_id").pii == ["id:br_cpf"]
    # random 11-digit numbers: about 1 in 100 passes the CPF check, so the column is not ids
    randoms = pd.Series([str(v) for v in rng.integers(10**10, 10**11 - 1, 5_000)])
    assert scan_column(randoms, "reference").pii == []


@pytest.mark.parametrize("length", [11, 14, 9, 16])
def test_vectorised_check_digits_agree_with_the_validators(length: int) -> None:
    rng = np.random.default_rng(length)
    values = ["".join(map(str, rng.integers(0, 10, length))) for _ in range(20_000)]
    values += ["52998224725", "11222333000181", "123456785", "4111111111111111", "20267565393"]
    values = [v for v in values if len(v) == length]
    masks = specific.bare_ids(values)
    scalar = {
        "id:br_cpf": nid.is_br_cpf,
        "id:ar_cuit": nid.is_ar_cuit,
        "id:br_cnpj": nid.is_br_cnpj,
        "id:cl_rut": nid.is_cl_rut,
        specific.CARD: specific.is_card_number,
    }
    for kind, check in scalar.items():
        allowed = specific.BARE_CHECKS[kind][0]
        expected = [check(v) and len(v) in allowed for v in values]
        assert masks[kind].tolist() == expected, kind
    assert any(masks[k].any() for k in masks)


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("nombre_proyecto", ["Residencial Las Palmas", "Conjunto Habitacional Maria Helena"]),
        ("nome_empreendimento", ["Edifício Aurora", "Residencial Vila Nova", "Condomínio Bela"]),
        ("Property Name", ["Rebecca Walker Complex", "Victoria Jennings Residences"]),
        ("Project Name", ["Keith Plaza", "Kelly Towers", "Christopher Court"]),
        ("location", ["INTERSECTION of N James Shea Cir &amp; Morton St  Jamaica Plain  MA"]),
        ("location", ["70 William Cardinal O'Connell Way  Boston  MA  02114"]),
        ("location", ["40 East Pier Dr  East Boston  MA  02128", "57 Thomas Park  Boston  MA"]),
        ("camera_site", ["Avenida Rivadavia y Nazca", "Corrientes & Callao"]),
        ("MobileOS", ["Android", "iOS", "Android"]),
        ("AddressVerified", ["Y", "N", "Y"]),
    ],
)
def test_places_are_not_people(column: str, values: list[str]) -> None:
    found = scan_column(pd.Series(values * 20, name=column)).pii
    assert "person_name" not in found and "phone" not in found, found
    if column == "AddressVerified":
        assert found == []


def test_tables_of_places_are_not_judged_by_k_anonymity() -> None:
    places = pd.DataFrame(
        {
            "camera_id": [f"C{i}" for i in range(30)],
            "neighbourhood": ["Old Town", "Riverside", "Harbourside"] * 10,
            "installed": [f"2023-0{1 + i % 9}-1{i % 10}" for i in range(30)],
        }
    )
    r = scan_table(places)
    assert r.about == "places" and r.k_anonymity is None and r.publishable
    assert "rows are places" in r.summary()
    named = scan_table(places, quasi_identifiers=["neighbourhood", "installed"])
    assert named.about == "people" and named.k_anonymity == 1 and not named.publishable
    people = places.assign(sex=["F", "M"] * 15)
    assert scan_table(people).about == "people" and not scan_table(people).publishable


def test_count_tables_speak_of_cells_with_a_count_of_1() -> None:
    t = pd.DataFrame({"area": ["A", "B", "C"], "households": [120, 1, 1]})
    text = scan_table(t).summary()
    assert "cells with a count of 1: 2" in text and "unique records" not in text


def _csv_rows(path, column: str, predicate) -> list[int]:
    with path.open(encoding="utf-8", newline="") as f:
        return [i for i, row in enumerate(csv.DictReader(f), 1) if predicate(row[column])]


@needs_real
@pytest.mark.parametrize(
    ("file", "name_column"),
    [
        ("chicago_affordable_rental_housing.csv", "Property Name"),
        ("nyc_affordable_housing_by_building.csv", "Project Name"),
    ],
)
def test_real_housing_inventories_are_places_without_person_names(
    file: str, name_column: str
) -> None:
    r = scan_table(read_table(REAL / file))
    pii = {c.name: c.pii for c in r.columns}
    assert "person_name" not in pii[name_column]
    assert not [c for c, kinds in pii.items() if "person_name" in kinds]
    assert r.about == "places" and r.k_anonymity is None and r.quasi_identifiers == []


@needs_real
def test_real_chicago_phone_rows_match_the_raw_file() -> None:
    path = REAL / "chicago_affordable_rental_housing.csv"
    finding = next(c for c in scan_table(read_table(path)).columns if c.name == "Phone Number")
    expected = _csv_rows(path, "Phone Number", lambda v: sum(ch.isdigit() for ch in v) >= 10)
    assert finding.row_counts["phone"] == len(expected)
    assert finding.rows["phone"] == expected[:10]


@needs_real
def test_real_311_phones_in_free_text_are_still_flagged() -> None:
    path = REAL / "nyc_311_sample_2011.csv"
    r = scan_table(read_table(path))
    notes = next(c for c in r.columns if c.name == "Resolution Description")
    assert {"free_text", "phone"} <= set(notes.pii)
    expected = _csv_rows(
        path, "Resolution Description", lambda v: bool(specific.PHONE_RE.search(v))
    )
    assert notes.row_counts["phone"] == len(expected) and notes.rows["phone"] == expected[:10]
    assert r.about == "people" and not r.publishable
    boston = scan_table(read_table(REAL / "boston311_2025_subset.csv"))
    assert boston.about == "people" and boston.k_anonymity == 1
    location = next(c for c in boston.columns if c.name == "location")
    assert "person_name" not in location.pii and "street_address" in location.pii


TRICKY = [
    "Call 555-201-3344 or write to ana@example.org",
    "Card 4111 1111 1111 1111, phone (555) 201-3344",
    "52998224725",
    "  11222333000181 ",
    "Seen 2024-03-05, file 48213, unit 12",
    "CPF 529.982.247-25\x00and 123-45-6789",  # a NUL inside a value
    "٥٥٥-٢٠١-٣٣٤٤",  # digits of another script
    "GODE561231G٣8",  # an RFC shape whose check character cannot be computed
    "BOXW310820HNERXN09",
    "no identifiers here",
    "",
]


def _rows(found: dict[str, specific.Hits]) -> dict[str, list[int]]:
    return {kind: hits.rows.tolist() for kind, hits in found.items()}


def test_blocks_and_joined_values_do_not_change_what_is_found(monkeypatch) -> None:
    series = pd.Series(TRICKY * 3 + [None], dtype=object)
    whole = _rows(specific.find(series, {"br_cpf"}, phone_named=True))
    monkeypatch.setattr(specific, "BLOCK", 2)
    monkeypatch.setattr(specific, "BLOCK_CHARS", 10)
    assert _rows(specific.find(series, {"br_cpf"}, phone_named=True)) == whole
    one_by_one: dict[str, list[int]] = {}
    for row, value in enumerate(series):
        for kind in specific.find(pd.Series([value]), {"br_cpf"}, phone_named=True):
            one_by_one.setdefault(kind, []).append(row)
    # a bare CNPJ the name does not hint at counts alone, not in 3 of 34 values (BARE_SHARE)
    assert one_by_one.pop("id:br_cnpj") == [3, 14, 25] and "id:br_cnpj" not in whole
    assert whole == one_by_one
    assert {"email", "phone", "card_number", "id:br_cpf", "id:us_ssn"} <= set(whole)
    assert whole["id:us_ssn"] == [5, 16, 27] and 7 not in whole.get("id:mx_rfc", [])


def test_every_written_id_has_a_byte_shape_that_lets_it_through() -> None:
    assert set(nid.VALIDATORS) <= set(specific._WRITTEN_SHAPES)
    written = ["123-45-6789", "529.982.247-25", "11.222.333/0001-81", "BOXW310820HNERXN09"]
    written += ["GODE561231GR8", "20-26756539-3", "12.345.678-5", "4111 1111 1111 1111"]
    written += ["3782 822463 10005", "x 1.234.567.890 y"]
    joined = specific._Joined([*written, "Seen 2024-03-05", "(555) 201-3344"], np.arange(12))
    flags = joined.prefilter(True, ["written", "candidate"])
    assert flags["written"].tolist() == [True] * 10 + [False, False]
    assert flags["candidate"].all()


def test_a_digit_from_another_script_in_an_id_shape_does_not_stop_the_scan() -> None:
    assert scan_column(pd.Series(["GODE561231G٣8"] * 3), "rfc").pii == []


def _fuzz(n: int, seed: int = 3) -> list[str]:
    """Values made of the parts identifiers are made of (runs of digits, separators, letters,
    `@`, characters beyond ASCII), so that many come close to a detector's shapes."""
    rng = np.random.default_rng(seed)
    parts = [" ", "\t", "\n", "-", ".", "/", "(", ")", "@", "+", ":", ",", "T", "&", "a", "x@y.org"]
    parts += ["ABC", "GODE", "Ñ", "٣", "é", "12.345.678-", "123-45-", "(11) ", "4111 1111 "]
    values = []
    for _ in range(n):
        out = []
        for _ in range(int(rng.integers(1, 6))):
            if rng.random() < 0.5:
                out.append("".join(rng.choice(list("0123456789"), int(rng.integers(1, 20)))))
            else:
                out.append(str(rng.choice(parts)))
        values.append("".join(out))
    return [*values, *[v for v in TRICKY if "\x00" not in v], "000000001", " 52998224725\t"]


@pytest.mark.parametrize(("hinted", "phone_named"), [((), False), (("br_cpf",), False), ((), True)])
def test_duckdb_prefilters_let_through_every_value_the_detectors_find_something_in(
    hinted: tuple[str, ...], phone_named: bool
) -> None:
    """`specific.sql_prefilter` (what a big table's scan sends to Python, `daas.privacy.big`):
    every value `found_in` finds anything in passes the first condition, and the values of the
    second (bare numbers) are judged by `bare_ids_of_numbers` as `found_in` judges them."""
    import duckdb

    values = list(dict.fromkeys(_fuzz(30_000)))
    want: dict[str, set[str]] = {}
    for key, parts in specific.found_in(values, frozenset(hinted), phone_named).items():
        want[key] = {values[i] for i in np.concatenate(parts).tolist()}
    assert {"email", "phone", "bare:id:br_cpf"} <= set(want)
    scanned, bare = specific.sql_prefilter("v", bool(hinted), phone_named)
    con = duckdb.connect()
    con.register("t", pd.DataFrame({"v": values}, dtype=object))
    flags = con.execute(f"SELECT v, {scanned}, {bare or 'false'} FROM t").fetchall()
    passed = {v for v, s, _ in flags if s}
    assert set().union(*want.values()) <= passed
    if bare is None:
        assert hinted or phone_named
        return
    pure = [v for v, _, b in flags if b]
    assert pure and all(v.strip(" \t").isascii() and v.strip(" \t").isdigit() for v in pure)
    rest = [v for v, s, b in flags if s and not b]
    got: dict[str, set[str]] = {}
    for key, parts in specific.found_in(rest, frozenset(hinted), phone_named).items():
        got[key] = {rest[i] for i in np.concatenate(parts).tolist()}
    digits = [v.strip(" \t") for v in pure]
    numbers = np.array([int(d) for d in digits], dtype=np.uint64)
    lengths = np.array([len(d) for d in digits], dtype=np.int64)
    for kind, mask in specific.bare_ids_of_numbers(numbers, lengths).items():
        if mask.any():
            got.setdefault(f"bare:{kind}", set()).update(np.array(pure, dtype=object)[mask])
    assert got == want
