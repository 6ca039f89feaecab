"""What keeps a large Beacon build lean gives what the plain path gives: an export read from its
bytes, tables published a chunk of rows at a time, and the privacy gate's scans remembered within
a run (#16)."""

from __future__ import annotations

import importlib
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from daas.beacon import load, publish
from daas.privacy import identifiers, specific

gate_module = importlib.import_module("daas.privacy.gate")  # `daas.privacy.gate` is also a function

EXPORTS = {
    "quoted line breaks": ("id,note\n" + "".join(f'{i},"ñ\nb {i}"\n' for i in range(400))),
    "CRLF and accents": ("id,note\r\n" + "".join(f"{i},ação {i}\r\n" for i in range(400))),
    "blank lines": ("id,note\n" + "".join(f"{i},é\n\n" for i in range(400))),
}


@pytest.mark.parametrize("name", list(EXPORTS))
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_an_export_read_from_its_bytes_reads_as_from_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, encoding: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(EXPORTS[name].encode(encoding))
    whole = load.read_export(path, "export.csv")
    monkeypatch.setattr(load, "HEAD", 512)  # the file is "large": parsed from the file
    monkeypatch.setattr(load, "CHUNK", 1000)  # and its encoding checked in chunks
    part = load.read_export(path, "export.csv")
    assert part[1:] == whole[1:] == (encoding, ",")  # each export has a letter beyond ASCII
    pd.testing.assert_frame_equal(part[0], whole[0])
    assert part[0].attrs == whole[0].attrs


def test_an_undecodable_large_export_names_the_place_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"id,note\n" + b"1,x\n" * 2000 + b"2,\xff\n")
    monkeypatch.setattr(load, "HEAD", 512)
    monkeypatch.setattr(load, "CHUNK", 1000)
    with pytest.raises(Exception, match="position 8010"):
        load.read_export(path, "export.csv", encoding="utf-8")


def _requests(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({
        "area": pd.Series(rng.choice(["Norte", "Sur, centro", None], n), dtype="string"),
        "requests": pd.array(rng.integers(10, 99, n), dtype="Int64"),
        "population": pd.array(rng.integers(1000, 9999, n), dtype="Int64"),
        "requests_per_1000": rng.random(n).round(3),
        "suppressed": rng.random(n) < 0.5,
        "suppression": pd.Series(rng.choice(["", "primary"], n), dtype=object),
    })  # fmt: skip


def test_tables_published_a_chunk_at_a_time_are_the_same_files(tmp_path: Path) -> None:
    df = _requests(500)
    publish.write_csv(tmp_path / "whole.csv", df, "requests_by_area")
    publish.write_csv(tmp_path / "chunks.csv", df, "requests_by_area", chunk=7)
    assert (tmp_path / "chunks.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert (tmp_path / "whole.csv").read_text() == publish.csv_text(df, "requests_by_area")
    publish.write_database(tmp_path / "whole.db", {"requests_by_area": df}, {})
    publish.write_database(tmp_path / "chunks.db", {"requests_by_area": df}, {}, chunk=7)
    assert (tmp_path / "chunks.db").read_bytes() == (tmp_path / "whole.db").read_bytes()
    with sqlite3.connect(tmp_path / "chunks.db") as con:
        assert con.execute("SELECT count(*) FROM requests_by_area").fetchone() == (500,)


def test_the_gate_scans_a_column_again_only_when_it_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scanned: list[str] = []
    scan = identifiers.scan_column

    def counting(series: pd.Series, name: str | None = None) -> identifiers.ColumnFinding:
        scanned.append(str(name))
        return scan(series, name)

    monkeypatch.setattr(identifiers, "scan_column", counting)
    notes = [f"request {i}" for i in range(50)]
    raw = pd.DataFrame({"note": pd.Series(notes, dtype="str")})
    memo: dict = {}
    assert gate_module.gate({"export": raw}, memo=memo).passed
    same = pd.DataFrame({"note": pd.Series(notes, dtype="string")})  # another text dtype
    assert gate_module.gate({"public": same}, memo=memo).passed
    assert scanned == ["note"]
    leaked = same.copy()
    leaked.loc[7, "note"] = "call ana@example.org"
    result = gate_module.gate({"public": leaked}, memo=memo)
    assert scanned == ["note", "note"]
    assert result.reasons == gate_module.gate({"public": leaked}).reasons  # scans once more
    assert "row 8" in result.reasons[0]
    blank = same.copy()
    blank.loc[3, "note"] = None  # a missing value is a change too
    gate_module.gate({"public": blank}, memo=memo)
    assert scanned == ["note"] * 4


def test_a_remembered_finding_is_not_changed_by_the_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    lat = pd.DataFrame({"lat": ["-34.6", "n/d", "x1"] * 10})
    declared = {"t": {"lat": "building-location"}}
    memo: dict = {}
    first = gate_module.gate({"t": lat}, public_columns=declared, locations=True, memo=memo)
    again = gate_module.gate({"t": lat}, public_columns=declared, locations=True, memo=memo)
    assert not first.passed and again.reasons == first.reasons
    assert all("not_a_number" not in f.rows for f in memo.values())


def test_the_scan_tests_each_shape_of_value_once_and_flags_each_value_alike() -> None:
    """The gate's first tests run once per shape of value (`specific._SHAPE_OF`: every byte
    that the tests tell apart kept apart); each value gets the flags its own bytes give."""
    values = [
        "ana@example.org",
        "CPF 529.982.247-25",
        "123-45-6789",
        "4111 1111 1111 1111",
        "٥٥٥-٢٠١-٣٣٤٤",
        "GODE561231G٣8",
        "BOXW310820HNERXN09",
        "1.234.567.890",
        "52998224725",
    ]
    values += [*(f"2025-03-{d:02d}T08:{d:02d}:00-03:00" for d in range(1, 29))]
    values += ["", "ñandú 11 5555-0144", "a@b.co", "\t12345678 ", "(555) 201-3344"]
    which = ["at", "wide", "candidate", "bare", "written", "phone"]
    for hinted in (False, True):
        joined = specific._Joined(values, np.arange(len(values)))
        flags = joined.prefilter(hinted, which)
        one = [specific._byte_flags(v.encode("utf-8"), hinted, set(which)) for v in values]
        for name in which:
            assert flags[name].tolist() == [bool(f[name][0]) for f in one], name
    table = np.frombuffer(specific._SHAPE_OF, dtype=np.uint8)
    assert (specific._BITS[table] == specific._BITS).all()
    assert len(set(specific._SHAPE_OF)) < 20  # few shapes: most bytes are alike


def test_every_phone_number_the_pattern_finds_passes_the_first_tests() -> None:
    phones = ["(555) 201-3344", "(11)5555-0144", "+54 11 5555-0144", "11 5555 0144",
              "555.201.3344", "555-2013344", "+1 (555)2013344", "Llamar al 11-5555-0144 hoy",
              "(5)123-4567"]  # fmt: skip
    assert all(specific.PHONE_RE.search(p) for p in phones)
    flags = specific._Joined(phones, np.arange(len(phones))).prefilter(False, ["phone"])
    assert flags["phone"].all()
    assert (
        not specific._Joined(["000000001", "2025-03-01T08:15:00-03:00"], np.arange(2))
        .prefilter(False, ["phone"])["phone"]
        .any()
    )


def test_the_first_tests_never_hide_an_identifier(monkeypatch: pytest.MonkeyPatch) -> None:
    """Random values made of digits, separators, brackets and letters, and real ids: the scan
    finds the same with the first tests as when every value goes through the patterns."""
    rng = np.random.default_rng(16)
    alphabet = list("0123456789" * 4 + " -.()/+@&Ñx\tA")
    values = ["".join(rng.choice(alphabet, size=rng.integers(5, 30))) for _ in range(4000)]
    values += ["CPF 529.982.247-25", "20-26756539-3", "(555) 201-3344", "4111 1111 1111 1111"]
    series = pd.Series(values, dtype=object)
    for hinted, phone_named in (((), False), ({"br_cpf"}, True)):
        fast = {k: h.rows.tolist() for k, h in specific.find(series, hinted, phone_named).items()}
        with monkeypatch.context() as m:
            m.setattr(specific, "_byte_flags", lambda text, hinted, which: {
                name: np.ones(text.count(b"\x00") + 1, dtype=bool) for name in which})  # fmt: skip
            slow = {
                k: h.rows.tolist() for k, h in specific.find(series, hinted, phone_named).items()
            }
        assert fast == slow and "phone" in fast


def test_offsets_found_by_their_endings_are_the_pattern_s() -> None:
    from daas.beacon.recipes.service_requests import checks

    texts = ["2025-03-01T08:15:00-03:00", "2025-03-01T08:15:00", "2025-03-01T08:15:00Z",
             "2025-03-01 08:15:00+0530", "2025-03-01T08:15:00-03:00\n", "2025-03-01", "Z", "",
             "+05:30 x", "2025-03-01T08:15:00.123456+01:00", None,
             "2025-03-01T08:15-0300"]  # fmt: skip
    s = pd.Series(texts, dtype="string")
    expected = s.str.contains(checks.OFFSET, regex=True).fillna(False).to_numpy(dtype=bool)
    assert checks._with_offset(s).tolist() == expected.tolist()


@pytest.mark.parametrize("block", [100_000, 7])
def test_date_times_read_as_a_matrix_read_as_one_by_one(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """ISO date-times read with numpy (`values._iso_already`) as by the pattern and pandas
    (`values._iso_one_by_one`): leap days, seconds 60 and 61, the years 2000 to 2098, offsets,
    digits of another script, NUL characters, placeholders."""
    from daas.beacon import values

    texts = [
        f"{y}-{md}{sep}{hms}{zone}"
        for y in ("1999", "2000", "2024", "2098", "2099")
        for md in ("02-29", "02-30", "12-31", "00-10", "13-01", "04-31", "01-00")
        for hms in ("23:59:59", "23:59:60", "23:59:61", "23:59:62", "24:00:00", "00:60:00")
        for sep in ("T", " ", "/")
        for zone in ("", "+05:30", "-00:00", "+24:00", "Z")
    ]
    texts += [
        "٢٠٢٥-03-01T08:15:00",
        "2025-03-01T08:15:00\x00\x00\x00\x00\x00\x00",
        "",
        "2025-03-01T08:15:0\x00",
        "2025-03-01T08:15:00-03:0٣",
        "2025-3-01T08:15:00+01:00",
    ]
    monkeypatch.setattr(values, "ISO_BLOCK", block)
    for placeholders in (frozenset(), frozenset({"2024-02-29T23:59:59"})):
        expected = values._iso_one_by_one(texts, placeholders)
        assert values._iso_already(texts, None, placeholders) == expected
    assert sum(e is not None for e in expected) > 50
