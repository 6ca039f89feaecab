"""Reading exports: encoding and delimiter detection, mappings, and bad input failing cleanly."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from daas.beacon import load, values
from daas.beacon.recipes.housing.generate import generate
from daas.cli import main
from daas.core.city import BeaconMapping, load_city
from daas.core.errors import DaasError
from daas.core.paths import city_build_dir, shared_real_data
from tests.kit import write_beacon_city

CITY = "port-mallory"
REAL = shared_real_data()  # resolved before city_tree moves the repository root


def test_latin1_semicolon_partner_file_is_detected(city_tree: Path) -> None:
    path = city_tree / "data" / CITY / "beacon" / "listings.csv"
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    df, enc, sep = load.read_export(path, "listings.csv")
    assert enc in {"cp1252", "latin-1"} and sep == ";"
    streets = set(df["street"].str.split(" ", n=1).str[1])
    assert {"Rue Château", "Calle Nuñez"} <= streets
    assert df["rent_usd"].str.startswith("$").any()


def test_generator_is_seeded_and_uses_the_city_names(city_tree: Path, tmp_path: Path) -> None:
    city = load_city(CITY)
    a = generate(city, out=tmp_path / "a")
    b = generate(city, out=tmp_path / "b")
    for key in a:
        assert a[key].read_bytes() == b[key].read_bytes()
    committed = city_tree / "data" / CITY / "beacon" / "inventory.csv"
    assert committed.read_bytes() == a["inventory"].read_bytes()
    text = a["inventory"].read_text()
    assert "12-30-3799" in text and "Peña" in text and "Harbourside" in text


def test_placeholder_dates_are_not_dates() -> None:
    import pandas as pd

    s = pd.Series(
        ["12-30-3799", "9999-12-31", "1939-12-30", "1904-12-30", "1899-12-30", "03/31/2022", "",
         "31/31/2019", "TBD", "2041-12-30"]
    )  # fmt: skip
    text, note = values.read_dates(s, placeholders=frozenset({"TBD"}))
    p, period = values.NOTE_PLACEHOLDER, values.NOTE_PERIOD
    assert note.tolist() == [p, p, period, period, p, "", "", "", p, ""]
    assert text[5] == "2022-03-31" and text[9] == "2041-12-30"  # a real 30 December stays
    assert text[7] == "31/31/2019"  # not a date: left for the quality checks to report
    assert text[0] == "12-30-3799"  # a placeholder keeps its text for the report


def test_day_month_order_comes_from_unambiguous_values_or_the_mapping() -> None:
    import pandas as pd

    text, _ = values.read_dates(pd.Series(["01/03/2019", "31/12/2035", "05.04.2020"]))
    assert text.tolist() == ["2019-03-01", "2035-12-31", "2020-04-05"]
    text, _ = values.read_dates(pd.Series(["01/03/2019", "12/31/2035", "12-30-3799"]))
    assert text.tolist()[:2] == ["2019-01-03", "2035-12-31"]  # the sentinel is no evidence
    with pytest.raises(values.AmbiguousDates) as exc:
        values.read_dates(pd.Series(["01/03/2019", "02/04/2019", "2019-05-06"]))
    assert not exc.value.conflict and "01/03/2019" in exc.value.examples
    with pytest.raises(values.AmbiguousDates) as exc:
        values.read_dates(pd.Series(["31/12/2035", "12/31/2035"]))
    assert exc.value.conflict
    text, _ = values.read_dates(pd.Series(["01/03/2019", "2019-05-06", "5/6/2019"]), "%d/%m/%Y")
    assert text.tolist() == ["2019-03-01", "2019-05-06", "2019-06-05"]


@pytest.mark.parametrize(
    ("field", "integer", "raw", "read"),
    [
        ("latitude", False, ["-33,478965", "40.5", "-33,478"], ["-33.478965", "40.5", "-33.478"]),
        (
            "asking_rent",
            False,
            ["1.234,56", "$1.250", "R$ 1.250,00"],
            ["1234.56", "1250", "1250.00"],
        ),
        ("asking_rent", False, ["1,234.56", "12,5"], ["1234.56", "12.5"]),
        ("units", True, ["1,250", "1.250", "12"], ["1250", "1250", "12"]),
        ("units", True, ["1,2,3", "abc"], ["1,2,3", "abc"]),  # left for the checks to report
    ],
)
def test_decimal_commas_are_read_as_such(
    field: str, integer: bool, raw: list[str], read: list[str]
) -> None:
    import pandas as pd

    text, note = values.read_numbers(pd.Series(raw), field, integer=integer)
    assert text.tolist() == read and not note.ne("").any()


def test_a_number_that_reads_two_ways_is_noted_not_guessed() -> None:
    import pandas as pd

    col = pd.Series(["1250,50", "1,250", "1.250"])  # the column writes decimals with a comma
    text, note = values.read_numbers(col, "asking_rent")
    assert note.tolist() == ["", values.NOTE_AMBIGUOUS, ""]
    assert text.tolist() == ["1250.50", "1,250", "1250"]
    text, note = values.read_numbers(col, "asking_rent", decimal=",")
    assert text.tolist() == ["1250.50", "1.250", "1250"] and not note.ne("").any()


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p).encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def published(city_tree: Path) -> Path:
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 0
    return city_build_dir(CITY) / "beacon"


def _break(city_tree: Path, content: bytes) -> None:
    (city_tree / "data" / CITY / "beacon" / "inventory.csv").write_bytes(content)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"Bldg ID,Neighborhood\n", "header but no rows"),
        (b"PK\x03\x04\x00\x00\x00binary\xff\xfe", "not a text"),
    ],
)
def test_bad_file_exits_2_and_keeps_the_output(
    published: Path, city_tree: Path, capsys, content: bytes, message: str
) -> None:
    before = _tree_digest(published)
    _break(city_tree, content)
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "data/port-mallory/beacon/inventory.csv" in err and message in err
    assert _tree_digest(published) == before


def test_missing_mapped_column_names_file_and_column(
    published: Path, city_tree: Path, capsys
) -> None:
    before = _tree_digest(published)
    path = city_tree / "data" / CITY / "beacon" / "inventory.csv"
    text = path.read_text().replace("Affordable Units", "Affordable Homes", 1)
    path.write_text(text)
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "data/port-mallory/beacon/inventory.csv" in err
    assert "'Affordable Units'" in err and "Affordable Homes" in err  # suggests the near match
    assert _tree_digest(published) == before


def test_unreadable_file(published: Path, city_tree: Path, capsys) -> None:
    path = city_tree / "data" / CITY / "beacon" / "inventory.csv"
    path.unlink()
    path.mkdir()
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 2
    assert "cannot read the file" in capsys.readouterr().err


def _mapping(name: str) -> BeaconMapping:
    path = Path(__file__).parent.parent / "cities" / "mappings" / name
    return BeaconMapping.model_validate(yaml.safe_load(path.read_text()))


def _real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real export {name} not present in {REAL}")
    return path


def _real_city(city_tree: Path, export: Path, mapping: str, slug: str) -> None:
    dest = city_tree / "data" / slug / export.name
    dest.parent.mkdir(parents=True)
    shutil.copy(export, dest)
    src = _mapping(mapping).model_dump(exclude_none=True)
    src.update(path=f"data/{slug}/{export.name}", role="public", as_of="2022-10-01")
    write_beacon_city(city_tree, slug, src)


def test_nyc_export_builds_through_its_mapping(city_tree: Path) -> None:
    from daas.beacon import records

    _real_city(
        city_tree,
        _real("nyc_affordable_housing_by_building.csv"),
        "nyc-affordable-housing.yml",
        "nyc",
    )
    assert main(["beacon", "build", "--city", "nyc", "--quiet"]) == 0
    rec = records.latest_run("nyc")
    assert rec["rows_read"]["inventory"] > 5798  # one row per income band with homes
    assert rec["rows_excluded"]["inventory"] > 1000  # CONFIDENTIAL rows have no Building ID
    supply = city_build_dir("nyc") / "beacon" / "data" / "neighbourhood_supply.csv"
    boroughs = {line.split(",")[0] for line in supply.read_text().splitlines()[1:]}
    assert {"Bronx", "Brooklyn", "Manhattan", "Queens", "Staten Island"} <= boroughs


def test_chicago_export_builds_through_its_mapping(city_tree: Path) -> None:
    from daas.beacon import records

    _real_city(
        city_tree,
        _real("chicago_affordable_rental_housing.csv"),
        "chicago-affordable-rental.yml",
        "chicago",
    )
    assert main(["beacon", "build", "--city", "chicago", "--quiet"]) == 0
    rec = records.latest_run("chicago")
    assert rec["rows_read"]["inventory"] == 488
    inv = (city_build_dir("chicago") / "beacon" / "data" / "inventory.csv").read_text()
    assert "El Zócalo" in inv
    assert "312-" not in inv  # the phone column is not mapped, so it is never published


def test_unmapped_required_field_is_reported() -> None:
    import pandas as pd

    raw = pd.DataFrame({"Address": ["1 Main St"], "Units": ["4"]})
    m = BeaconMapping(table="inventory", columns={"building_id": "Address", "units": "Units"})
    with pytest.raises(DaasError) as exc:
        load.apply_mapping(raw, m, "export.csv", "cities/x.yml: beacon.sources.inventory")
    assert "neighbourhood" in str(exc.value)
