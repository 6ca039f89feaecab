"""The privacy gate: direct identifiers and unsuppressed small counts stop publication."""

from __future__ import annotations

import pandas as pd

from daas.privacy import gate, is_count_column, suppress_counts


def listings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "listing_id": ["L1", "L2", "L3"],
            "address": ["12 Harbour Street", "40 Mill Road", "7 Quay Lane"],
            "units": [4, 12, 2],
            "provider_phone": ["(555) 201-3344", "(555) 201-3345", "(555) 201-3346"],
        }
    )


def test_clean_tables_pass() -> None:
    counts = pd.DataFrame({"neighbourhood": ["A", "B"], "households": [120, 45]})
    result = gate({"counts": counts})
    assert result.passed and result.reasons == []
    assert result.to_dict() == {"passed": True, "reasons": [], "tables": ["counts"]}


def test_email_column_fails_naming_table_and_column() -> None:
    t = listings().drop(columns="provider_phone")
    t["contact"] = ["ana.silva@example.org", "bo@example.org", "cy@example.org"]
    result = gate({"listings": t})
    assert not result.passed
    assert len(result.reasons) == 1
    assert "table 'listings', column 'contact'" in result.reasons[0]
    assert "email" in result.reasons[0]


def test_allowed_columns_let_public_contacts_through() -> None:
    assert not gate({"listings": listings()}).passed
    ok = gate({"listings": listings()}, allowed_columns={"listings": ["provider_phone"]})
    assert ok.passed, ok.reasons


def test_names_and_national_ids_fail() -> None:
    t = pd.DataFrame(
        {
            "applicant_name": ["John Smith", "Maria Garcia", "Ana Souza"],
            "notes": ["Nothing to add here today.", "Tax id 529.982.247-25 on file", ""],
        }
    )
    reasons = gate({"applications": t}).reasons
    assert any("'applicant_name'" in r and "names" in r for r in reasons)
    assert any("'notes'" in r and "BR CPF" in r for r in reasons)


def test_small_counts_fail_until_suppressed() -> None:
    long = pd.DataFrame(
        {
            "neighbourhood": ["A", "A", "B", "B", "C", "C"],
            "tenure": ["rent", "own"] * 3,
            "households": [4, 50, 60, 70, 80, 90],
        }
    )
    result = gate({"tenure": long}, min_cell_size=10)
    assert not result.passed
    assert "column 'households': 1 count(s) between 1 and 9" in result.reasons[0]
    safe = suppress_counts(long, "households", "neighbourhood", "tenure")
    assert gate({"tenure": safe}).passed
    assert not gate({"tenure": safe}, min_cell_size=85).passed


def test_count_column_rule() -> None:
    ints = pd.Series([1, 2, 3])
    for name in ["n", "count", "household_count", "n_people", "Households", "listings"]:
        assert is_count_column(name, ints), name
    for name in ["units", "year", "median_income", "neighbourhood_id"]:
        assert not is_count_column(name, ints), name
    assert not is_count_column("count", pd.Series([1.5, 2.0]))
    assert not is_count_column("count", pd.Series(["a", "b"]))
