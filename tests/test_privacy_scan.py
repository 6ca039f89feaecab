"""The privacy scan, its verdict, the CLI, and the real exports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from daas.cli import main
from daas.core.errors import DaasError
from daas.core.paths import shared_real_data
from daas.privacy import anonymity
from daas.privacy.scan import read_table, scan_table

REAL = shared_real_data()


def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": [23, 25, 31, 31, 67, 88, 31, 25],
            "sex": list("FMFFMMFM"),
            "postcode": ["PM1", "PM1", "PM2", "PM2", "PM2", "PM3", "PM2", "PM1"],
            "outcome": list("aabbcdbb"),
        }
    )


def test_anonymity_measures() -> None:
    df = people()
    assert anonymity.k_anonymity(df, ["sex", "postcode"]) == 1
    assert anonymity.unique_records(df, ["sex", "postcode"]) == 3  # F-PM1, M-PM2, M-PM3
    assert anonymity.k_anonymity(df, ["postcode"]) == 1
    assert anonymity.l_diversity(df, ["sex"], "outcome") == 2
    assert anonymity.l_diversity(df, ["age"], "outcome") == 1
    sizes = anonymity.record_group_sizes(df, ["postcode"])
    assert sizes.tolist() == [3, 3, 4, 4, 4, 1, 4, 3]
    assert anonymity.band_ages(df["age"]).tolist()[:6] == [
        "20-29",
        "20-29",
        "30-39",
        "30-39",
        "60-69",
        "80+",
    ]


def test_suggested_quasi_identifiers() -> None:
    df = people().assign(applied=["2024-03-01"] * 8, notes=["x"] * 8)
    kinds = {s.column: s.kind for s in anonymity.suggest_quasi_identifiers(df)}
    assert kinds == {
        "age": "age",
        "sex": "sex or gender",
        "postcode": "postcode",
        "applied": "exact date or time",
    }


def test_verdict_and_json_shape() -> None:
    r = scan_table(people(), quasi_identifiers=["sex"], sensitive="outcome", min_group=3)
    d = json.loads(r.to_json())
    assert list(d) == [
        "rows",
        "columns",
        "quasi_identifiers",
        "k_anonymity",
        "unique_records",
        "l_diversity",
        "publishable",
        "reasons",
        "about",
    ]
    assert d["rows"] == 8 and d["k_anonymity"] == 4 and d["unique_records"] == 0
    assert d["l_diversity"] == 2 and d["publishable"] is True
    assert d["columns"][0] == {"name": "age", "pii": [], "examples_redacted": [], "rows": {}}
    assert d["about"] == "people"
    bad = scan_table(people(), min_group=3)
    assert not bad.publishable
    assert bad.quasi_identifiers == ["age", "sex", "postcode"]
    assert "k-anonymity is 1" in bad.reasons[0]


def test_email_makes_a_table_unpublishable() -> None:
    df = people().assign(email=[f"p{i}@example.org" for i in range(8)])
    r = scan_table(df, quasi_identifiers=["sex"], min_group=3)
    assert not r.publishable
    assert r.reasons == [
        "column `email` holds email addresses: remove it or replace it before publishing"
    ]
    assert r.columns[-1].examples_redacted == ["p9@*******.***"]
    # on a page: a list, fields and examples as code, kinds in words, numbers as the reader's
    shown = r._repr_markdown_()
    assert shown.startswith("8 rows, 5 columns\n\n- `email`: email addresses  e.g. `p9@")
    assert "\n- quasi-identifiers: `sex`\n" in shown
    assert shown.endswith("\n    - column `email` holds email addresses: remove it or replace it "
                          "before publishing")  # fmt: skip


def test_aggregate_tables_check_small_cells() -> None:
    t = pd.DataFrame({"area": ["A", "B", "C"], "households": [120, 4, 0]})
    r = scan_table(t)
    assert not r.publishable and r.k_anonymity == 4
    assert "1 count(s) between 1 and 9" in r.reasons[0]
    assert scan_table(t.assign(households=pd.array([120, None, 0], dtype="Int64"))).publishable


def write(tmp_path: Path, df: pd.DataFrame, name: str = "t.csv", sep: str = ",") -> Path:
    p = tmp_path / name
    df.to_csv(p, index=False, sep=sep)
    return p


def test_cli_exit_codes_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, people(), sep=";")
    assert (
        main(
            ["privacy", "scan", str(p), "--quasi-identifiers", "sex", "--min-group", "3", "--json"]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["publishable"] and out["quasi_identifiers"] == ["sex"]
    assert main(["privacy", "scan", str(p)]) == 1
    assert "NOT publishable" in capsys.readouterr().out
    assert main(["privacy", "scan", str(p), "--quasi-identifiers", "nope"]) == 2
    assert "nope: not a column" in capsys.readouterr().err
    assert main(["privacy", "scan", str(tmp_path / "missing.csv")]) == 2
    assert main(["privacy", "scan", str(p), "--min-group", "1"]) == 2
    with pytest.raises(SystemExit) as e:
        main(["privacy", "scan"])
    assert e.value.code == 2


def test_latin1_files_are_read(tmp_path: Path) -> None:
    p = tmp_path / "l.csv"
    p.write_bytes("barrio;género\nNúñez;Femenino\n".encode("latin-1"))
    df = read_table(p)
    assert list(df.columns) == ["barrio", "género"] and df.iloc[0, 0] == "Núñez"


needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real exports absent ({REAL})")


@needs_real
def test_buenos_aires_147_contacts() -> None:
    df = read_table(REAL / "buenos_aires_147_contactos_2021-03.csv")
    assert df.shape == (3800, 20) and df["contacto"].iloc[0] == "00103827/21"
    r = scan_table(df)
    pii = {c.name: c.pii for c in r.columns}
    assert "street_address" in pii["domiclio_calle"]
    assert "street_address" in pii["domicilio_altura"]
    assert pii["lat"] == ["precise_location"] and pii["lon"] == ["precise_location"]
    assert pii["contacto"] == [] and pii["categoria"] == [] and pii["domicilio_calle"] == []
    assert {"genero", "fecha_ingreso", "domicilio_barrio"} <= set(r.quasi_identifiers)
    assert r.k_anonymity == 1 and r.unique_records > 3000 and not r.publishable


@needs_real
def test_nyc_311_sample() -> None:
    r = scan_table(read_table(REAL / "nyc_311_sample_2011.csv"))
    pii = {c.name: c.pii for c in r.columns}
    assert "street_address" in pii["Incident Address"]
    for col in ["Latitude", "Longitude", "Location", "X Coordinate (State Plane)"]:
        assert "precise_location" in pii[col], col
    for col in ["Unique Key", "Agency Name", "Complaint Type", "Borough", "Created Date"]:
        assert pii[col] == [], col
    assert {"Created Date", "Incident Zip"} <= set(r.quasi_identifiers)
    assert not r.publishable


def test_fairness_flags_under_served_groups() -> None:
    from daas.privacy.fairness import coverage, under_served

    served = pd.DataFrame({"area": ["A"] * 60 + ["B"] * 35 + ["C"] * 5 + ["Z"] * 2})
    ref = pd.DataFrame({"area": ["A", "B", "C", "D"], "households": [400, 300, 200, 100]})
    t = coverage(served, ref, "area", population="households")
    by = t.set_index("area")
    assert by.loc["D", "served"] == 0 and by.loc["D", "coverage_index"] == 0
    assert by.loc["A", "coverage_index"] == 1.5  # 60 of the 100 matched records, 40% of homes
    assert sorted(t.loc[t["under_served"], "area"]) == ["C", "D"]
    assert t.attrs["not_in_reference"] == ["Z"]
    assert under_served(t, "area")[0].startswith("D: 0% of the service for 10%")


def test_sample_and_fixes_raise_k(example_city) -> None:
    from daas.privacy import report
    from daas.privacy.sample import housing_applications

    df = housing_applications(example_city)
    committed = pd.read_csv(example_city.dataset_path("person_records"))
    pd.testing.assert_frame_equal(df.reset_index(drop=True), committed, check_dtype=False)
    quasi = ["age", "sex", "postcode", "applied_on"]
    steps, kept = report.fixes(
        df, quasi, age="age", fine_area="postcode", coarse_area="neighbourhood", date="applied_on"
    )
    assert steps["k"].iloc[0] == 1 and steps["k"].iloc[-1] >= 10
    assert list(steps["unique records"])[-1] == 0
    assert steps["unique records"].is_monotonic_decreasing
    assert anonymity.k_anonymity(kept, steps.attrs["quasi"]) >= 10
    chart = report.group_size_distribution(df, quasi).to_dict()
    assert chart["description"].startswith("Bar chart of 2,000 records")
    assert "sharing the same age, sex, postcode, date of application." in chart["description"]
    uniques = report.uniques_chart(df, quasi).to_dict()
    fields = {r["fields"] for rows in uniques["datasets"].values() for r in rows}
    assert "age + postcode + date of application" in fields  # in words: a chart has no code


def test_each_city_gets_its_own_applications_never_another_citys() -> None:
    from daas.core.city import load_city
    from daas.privacy.sample import person_records_for

    df = person_records_for(load_city("villa-ondina"))
    assert len(df) == 2000 and df["postcode"].str.startswith("VO").all()
    assert set(df["outcome"]) == {"en espera", "con oferta", "con vivienda", "retirada"}
    bare = load_city("villa-ondina").model_copy(update={"slug": "new-town", "datasets": {}})
    with pytest.raises(DaasError) as exc:
        person_records_for(bare)
    p = exc.value.problems[0]
    assert (p.file, p.field) == ("cities/new-town.yml", "datasets.person_records")
