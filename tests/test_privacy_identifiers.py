"""Direct identifiers: every planted identifier is found; look-alikes are not."""

from __future__ import annotations

import pandas as pd
import pytest

from daas.privacy import national_ids as nid
from daas.privacy.identifiers import redact, scan_column

# Published valid examples; look-alikes differ in the check digit or break a format rule.
VALID = {
    "us_ssn": ["123-45-6789", "536-22-1234"],
    "br_cpf": ["529.982.247-25", "111.444.777-35", "52998224725"],
    "br_cnpj": ["11.222.333/0001-81", "11.444.777/0001-61"],
    "mx_curp": ["BOXW310820HNERXN09"],
    "mx_rfc": ["GODE561231GR8", "MAB9307148T4"],
    "ar_cuit": ["20-26756539-3", "20267565393"],
    "ar_dni": ["12.345.678", "7654321"],
    "co_cedula": ["1.020.304.050", "79456123"],
    "cl_rut": ["12.345.678-5", "76.086.428-5", "10.000.013-K"],
}
INVALID = {
    "us_ssn": ["000-45-6789", "666-45-6789", "912-45-6789", "123-00-6789", "123-45-0000"],
    "br_cpf": ["529.982.247-26", "111.111.111-11", "111.444.777-53"],
    "br_cnpj": ["11.222.333/0001-82", "00.000.000/0000-00"],
    "mx_curp": ["BOXW310820HNERXN08", "BOXW311320HNERXN09"],
    "mx_rfc": ["GODE561231GR9", "MAB9307148T5"],
    "ar_cuit": ["20-26756539-4", "21-26756539-3"],
    "ar_dni": ["123.456", "123456789"],
    "co_cedula": ["12.34", "0123456"],
    "cl_rut": ["12.345.678-4", "10.000.013-0"],
}
FUNCS = {
    "us_ssn": nid.is_us_ssn,
    "br_cpf": nid.is_br_cpf,
    "br_cnpj": nid.is_br_cnpj,
    "mx_curp": nid.is_mx_curp,
    "mx_rfc": nid.is_mx_rfc,
    "ar_cuit": nid.is_ar_cuit,
    "ar_dni": nid.is_ar_dni,
    "co_cedula": nid.is_co_cedula,
    "cl_rut": nid.is_cl_rut,
}
HINTED_COLUMN = {
    "us_ssn": "ssn",
    "br_cpf": "cpf",
    "br_cnpj": "cnpj",
    "mx_curp": "curp",
    "mx_rfc": "rfc",
    "ar_cuit": "cuil",
    "ar_dni": "dni",
    "co_cedula": "cedula",
    "cl_rut": "rut",
}


@pytest.mark.parametrize("kind", sorted(VALID))
def test_validators_accept_valid_and_reject_look_alikes(kind: str) -> None:
    for v in VALID[kind]:
        assert FUNCS[kind](v), v
    for v in INVALID[kind]:
        assert not FUNCS[kind](v), v


@pytest.mark.parametrize("kind", sorted(VALID))
def test_every_valid_id_is_found_in_its_column(kind: str) -> None:
    for v in VALID[kind]:
        found = scan_column(pd.Series([v], name=HINTED_COLUMN[kind])).pii
        assert f"id:{kind}" in found, (kind, v, found)


@pytest.mark.parametrize("kind", sorted(INVALID))
def test_look_alikes_are_not_flagged(kind: str) -> None:
    for v in INVALID[kind]:
        found = scan_column(pd.Series([v], name=HINTED_COLUMN[kind])).pii
        assert f"id:{kind}" not in found, (kind, v, found)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("br_cpf", "529.982.247-25"),
        ("br_cnpj", "11.222.333/0001-81"),
        ("mx_curp", "BOXW310820HNERXN09"),
        ("mx_rfc", "GODE561231GR8"),
        ("ar_cuit", "20-26756539-3"),
        ("cl_rut", "12.345.678-5"),
        ("us_ssn", "123-45-6789"),
    ],
)
def test_ids_with_a_written_form_are_found_in_free_text(kind: str, value: str) -> None:
    text = f"The applicant gave the number {value} when she called about the flat on the hill."
    found = scan_column(
        pd.Series([text, "Nothing else to record on this request today."], name="notes")
    ).pii
    assert f"id:{kind}" in found and "free_text" in found, found


def test_ids_without_check_digit_need_a_column_name() -> None:
    plain = pd.Series(["12.345.678", "7654321"], name="reference")
    assert not [k for k in scan_column(plain).pii if k.startswith("id:")]
    bad_cpf_text = pd.Series(["Ref 529.982.247-26 filed with the housing office last week."] * 2)
    assert not [k for k in scan_column(bad_cpf_text, "notes").pii if k.startswith("id:")]


@pytest.mark.parametrize(
    ("column", "values", "kind"),
    [
        ("contact", ["ana.silva@example.org", "b.ortiz@mail.example.com"], "email"),
        ("x1", ["(555) 201-3344", "+54 11 4123-4567", "312.600.4501"], "phone"),
        ("tel", ["555 201 3344"], "phone"),
        ("x2", ["(11) 98765-4321", "+55 21 99876-5432", "11 91234-5678"], "phone"),  # Brazil
        ("applicant", ["John Smith", "Maria Garcia", "Lucía Fernández"], "person_name"),
        ("col7", ["Smith, John", "Okafor, Dana", "Garcia, Maria"], "person_name"),
        ("where", ["186 25 Street", "12 Harbour St", "4401 N. Ashland Ave."], "street_address"),
        ("dir", ["Calle Corrales 6213", "Avenida Rivadavia 4500"], "street_address"),
        ("Incident Address", ["186 25 STREET"], "street_address"),
        ("lat", ["-34.688362", "-34.60997"], "precise_location"),
    ],
)
def test_direct_identifiers_by_content_and_name(column: str, values: list[str], kind: str) -> None:
    assert kind in scan_column(pd.Series(values, name=column)).pii


def test_free_text_with_identifiers_is_flagged() -> None:
    notes = pd.Series(
        [
            "Please call Maria Lopez at (555) 123-4567 about the flat on Quay Lane soon.",
            "Resident asked about the waiting list for the new building downtown.",
        ],
        name="comments",
    )
    found = scan_column(notes).pii
    assert {"free_text", "phone", "person_name"} <= set(found)
    clean = pd.Series(["The request was closed after the inspection of the site."] * 3)
    assert scan_column(clean, "comments").pii == []


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("Agency Name", ["Department of Transportation", "Department of Sanitation"]),
        ("Unique Key", ["19937896", "19937901"]),
        ("Created Date", ["03/01/2011 02:27:57 PM"]),
        ("median_income", ["41000.50", "52000.25"]),
        ("BBL", ["1019820050"]),
        ("bridge", ["George Washington Br (Exit 24) to the Henry Hudson Pkwy north bound"]),
        ("domicilio_barrio", ["Villa Devoto", "Agronomia"]),
        ("empty_address", []),
    ],
)
def test_ordinary_columns_are_not_flagged(column: str, values: list[str]) -> None:
    assert scan_column(pd.Series(values, name=column, dtype="object")).pii == []


def test_redact_keeps_shape_only() -> None:
    assert redact("ana@x.org") == "a**@*.***"
    assert redact("(555) 201-3344") == "(999) 999-9999"


@pytest.mark.parametrize(
    "value", ["GODE561231G٣8", "GODE561231GR٣", "GODE561231HDFRRN0٣", "GODE５61231GR8"]
)
def test_digits_of_other_scripts_are_not_ids_and_never_crash(value: str) -> None:
    """An Arabic-Indic or full-width digit is a digit to `\\d` in Unicode mode but has no place in
    the Mexican check alphabets: the validators say no instead of raising."""
    assert not nid.is_mx_rfc(value)
    assert not nid.is_mx_curp(value)
