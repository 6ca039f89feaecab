"""The service-requests recipe end to end: a small fictional city whose city file chooses it,
fed by a seeded export (`generate.write_csv`) with real-export faults, built with `daas beacon
build`; what is published (no free text, no caller, no exact place of a request about people,
small cells suppressed), the quality rules, the city-file settings, and the Open311 API
answering from the published database in the city's time zone."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from datasette.app import Datasette
from datasette.plugins import pm

from daas.beacon import open311, pipeline, recipes, records
from daas.beacon.recipes.service_requests import SERVICE_REQUESTS, privacy
from daas.beacon.recipes.service_requests import generate as gen
from daas.cli import main
from daas.core.city import load_city, parse_city
from daas.core.errors import DaasError
from daas.core.paths import repo_root

SLUG = "villa-prueba"
ZONE = "America/Argentina/Buenos_Aires"
AREAS = ("Centro", "La Ribera", "Los Álamos", "San Telmo Viejo", "El Mirador", "Barrio Norte")
ROWS = 3_000
MIN_CELL = 10
SENSITIVE = {"NOISE_RES", "HOMELESS", "ELDER", "DRUGS", "OCCUPIED", "GRAFFITI"}  # + the city's
PHONE = re.compile(r"5555-0\d{3}")
SOURCE = f"data/{SLUG}/beacon/requests.csv"
DECLARED = "Where a problem in the street was reported; request types about people keep only "


def city_data(**beacon: Any) -> dict:
    """The test city file as data; `beacon` changes its `beacon:` section."""
    reason = DECLARED + "their area before anything is published."
    return {
        "slug": SLUG, "name": "Villa Prueba", "fictional": True, "country": "AR",
        "language": "es", "currency": "ARS",
        "priority_problem": "Los reclamos de los vecinos tardan en resolverse.",
        "datasets": {"neighbourhoods": {"path": f"data/{SLUG}/neighbourhoods.csv",
                                        "description": "Barrios y población."}},
        "privacy": {"min_cell_size": MIN_CELL},
        "beacon": {
            "recipe": "service-requests", "publisher": "Villa Prueba (datos ficticios)",
            "contact_point": {"name": "Equipo Beacon", "email": "beacon@example.org"},
            "timezone": ZONE,
            "service_levels": {**{k: v for k, v in gen.SERVICE_LEVELS.items() if k != "TREE"},
                               "Poda de árbol": 45, "NOT_A_SERVICE": 5},
            "sensitive_categories": [r"\bgrafiti\b"],
            "repeat_min_requests": 3,
            "sources": {"requests": {
                "path": SOURCE, "table": "requests", "role": "partner", "as_of": "2025-12-31",
                "description": "Reclamos 147 (ficticios).",
                "columns": {c: c for c in gen.COLUMNS},
                "public": {c: {"kind": "street-location" if c in ("lat", "long")
                               else "street-address", "reason": reason}
                           for c in ("address", "lat", "long")},
            }},
            **beacon,
        },
    }  # fmt: skip


def write_city(root: Path, data: dict) -> Path:
    path = root / "cities" / f"{SLUG}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def write_inputs(root: Path) -> pd.DataFrame:
    """The neighbourhoods, their map's extent and a year of requests with faults; the export."""
    folder = root / "data" / SLUG
    (folder / "beacon").mkdir(parents=True, exist_ok=True)
    people = gen.sample_population(AREAS)
    pd.DataFrame({
        "neighbourhood_id": [f"VP{i:02d}" for i in range(len(AREAS))], "neighbourhood": AREAS,
        "population": people["population"], "households": people["population"] // 3,
        "median_household_income": 900_000, "renter_share": 0.3,
    }).to_csv(folder / "neighbourhoods.csv", index=False)  # fmt: skip
    ring = [[-45.1, -20.1], [-44.8, -20.1], [-44.8, -19.8], [-45.1, -19.8], [-45.1, -20.1]]
    feature = {"type": "Feature", "properties": {"neighbourhood": "Villa Prueba"},
               "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip
    geo = {"type": "FeatureCollection", "features": [feature]}
    (folder / "neighbourhoods.geojson").write_text(json.dumps(geo), encoding="utf-8")
    path = root / SOURCE
    gen.write_csv(path, ROWS, seed=11, lang="es", areas=AREAS, zone=ZONE)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    plain = raw.index[raw["service_code"].eq("POTHOLE") & raw["status"].eq("closed")]
    faults = {
        0: {"closed_datetime": "2024-12-01T00:00:00-03:00"},  # closed before requested
        1: {"closed_datetime": ""},  # closed without a closing time
        2: {"requested_datetime": "2026-06-01T10:00:00-03:00"},  # after the export
        3: {"area": "Villa Inexistente"},  # not one of the city's areas
        4: {"lat": "10.5", "long": "10.5"},  # outside the city
        5: {"requested_datetime": "ayer a la tarde"},  # not a date-time
        6: {"requested_datetime": "2025-06-01 10:00:00"},  # local time, no offset
    }
    for i, change in faults.items():
        for column, value in change.items():
            raw.loc[plain[i], column] = value
    raw.attrs["faults"] = {k: raw.loc[plain[k], "service_request_id"] for k in faults}
    raw.to_csv(path, index=False)
    return raw


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, pd.DataFrame]]:
    """A scratch tree (as `city_tree`) with the test city, built once."""
    root = tmp_path_factory.mktemp("tree")
    for name in ("cities", "data"):
        shutil.copytree(repo_root() / name, root / name)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(repo_root() / name, root / name)
    (root / "daas").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAAS_ROOT", str(root))
        raw = write_inputs(root)
        write_city(root, city_data())
        assert main(["beacon", "build", "--city", SLUG, "--quiet"]) == 0
        yield records.output_dir(SLUG), raw


def db_tables(out: Path) -> dict[str, pd.DataFrame]:
    with sqlite3.connect(out / "beacon.db") as con:
        names = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        return {n: pd.read_sql(f'select * from "{n}"', con) for n in names}


def test_the_city_file_chooses_the_recipe_and_run_json_records_it(built) -> None:
    out, _raw = built
    assert recipes.of(load_city(SLUG)) is SERVICE_REQUESTS
    run = json.loads((out / "run.json").read_text())
    assert run["recipe"] == "service-requests" and run["status"] == "published"
    assert run["package_valid"] and run["privacy_gate"]["passed"]
    assert run["rows_suppressed"] > 0
    slow = AREAS[-1]  # the generator's slower area: its requests close late more often
    assert any(line.startswith(f"{slow}:") for line in run["fairness"]["under_served"])
    published = {p.stem for p in (out / "data").glob("*.csv")}
    assert published == set(SERVICE_REQUESTS.public_tables)
    assert set(SERVICE_REQUESTS.public_tables) <= set(db_tables(out))
    assert "area_population" in db_tables(out)
    assert set(run["pages"]) == {"resident", "staff", "performance"}
    kinds = {d["field"]: d["kind"] for d in run["public_columns"]}
    assert kinds == {
        "address": "street-address",
        "lat": "street-location",
        "long": "street-location",
    }
    package = json.loads((out / "datapackage.json").read_text())
    assert package["temporal"].startswith("2025-01-01/2025-12-31")
    assert package["sources"] == [{"title": SERVICE_REQUESTS.partner_source}]  # partner data


def test_no_free_text_caller_or_exact_place_of_a_request_about_people(built) -> None:
    out, raw = built
    tables = db_tables(out)
    texts = [p.read_text(encoding="utf-8") for p in (out / "data").glob("*.csv")]
    texts.append(json.dumps({n: t.to_dict("list") for n, t in tables.items()}, default=str))
    assert not any(PHONE.search(text) for text in texts)  # the descriptions' phone numbers
    for name, table in tables.items():
        assert not set(table.columns) & {*privacy.FREE_TEXT, "caller", "phone"}, name
    requests = tables[privacy.PUBLIC_TABLE]
    people = requests["service_code"].isin(SENSITIVE)
    assert people.any() and requests.loc[people, "location_coarsened"].eq(1).all()
    assert requests.loc[people, list(privacy.LOCATION_FIELDS)].isna().all().all()
    about_people = raw[raw["service_code"].isin(SENSITIVE) & raw["lat"].ne("")]
    places = {
        (float(a), float(b)) for a, b in zip(about_people["lat"], about_people["long"], strict=True)
    }
    pairs = re.findall(r"(-?\d+\.\d+),(-?\d+\.\d+)", " ".join(texts))
    assert not places & {(float(a), float(b)) for a, b in pairs}
    street = ~people & requests["lat"].notna()
    assert street.mean() > 0.7  # potholes and street lights keep their place


def test_small_cells_are_suppressed(built) -> None:
    out, _raw = built
    tables = db_tables(out)
    for name in ("requests_backlog", "requests_time_to_close", "requests_typical_time",
                 "requests_by_area", "repeat_locations", "requests_on_time"):  # fmt: skip
        table = tables[name]
        count = next(c for c in table.columns if c.endswith(("_requests", "_count", "requests")))
        values = table[count].dropna()
        assert not ((values > 0) & (values < MIN_CELL)).any(), name
        assert table["suppressed"].any(), name
    by_area = tables["requests_by_area"].set_index("area")
    assert by_area.loc["Centro", "population"] > 0  # from the city's neighbourhoods


def test_quality_rules_and_date_times_in_the_city_zone(built) -> None:
    out, raw = built
    faults = raw.attrs["faults"]
    requests = pd.read_csv(out / "data" / "service_requests.csv", dtype=str,
                           keep_default_na=False).set_index("service_request_id")  # fmt: skip
    assert not {faults[2], faults[3], faults[5]} & set(requests.index)  # left out
    assert requests.loc[faults[0], "closed_datetime"] == ""  # before the request: blanked
    assert requests.loc[faults[4], "lat"] == ""  # outside the city: off the map
    assert requests.loc[faults[6], "requested_datetime"] == "2025-06-01T10:00:00-03:00"
    stamps = requests["requested_datetime"]
    assert stamps.str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-03:00").all()
    run = json.loads((out / "run.json").read_text())
    assert run["rows_excluded"]["requests"] == 3
    issues = json.loads((out / "pages" / "performance.json").read_text())["issues"]
    found = {(i["dimension"]) for i in issues}
    assert {"accuracy", "consistency", "completeness", "validity"} <= found
    quality = pd.read_csv(out / "data" / "quality_issues.csv")
    assert quality.empty  # the requests are restricted: their faults are counted, not shown
    # ... and reported by field and reason in the run record, not on the published pages
    listed = pd.DataFrame(run["restricted_issues"])
    assert set(listed) == {"table", "dimension", "field", "reason", "excluded", "rows"}
    assert set(listed["table"]) == {"requests"}
    by = listed.set_index(["dimension", "field"])
    for where in (("accuracy", "requested_datetime"), ("validity", "requested_datetime"),
                  ("consistency", "area")):  # fmt: skip
        assert by.loc[where, "excluded"].all() and by.loc[where, "rows"].sum() == 1, where
    assert by.loc[("consistency", "closed_datetime"), "rows"].sum() >= 1
    assert by.loc[("accuracy", "lat"), "rows"].sum() == 1  # outside the city
    performance = json.loads((out / "pages" / "performance.json").read_text())
    assert "restricted_issues" not in performance
    assert "rows of restricted tables (requests) failed a check" in performance["statement"]
    assert "ayer a la tarde" not in json.dumps(run)  # the values stay with the city


def test_pages_show_what_usually_happens_to_a_request_like_mine(built) -> None:
    out, _raw = built
    resident = json.loads((out / "pages" / "resident.json").read_text())
    shown = [r for r in resident["like_mine"] if r["median_days_to_close"] is not None]
    potholes = [r for r in shown if r["service_code"] == "POTHOLE"]
    assert potholes and all(r["target_days"] == 10 for r in potholes)
    assert all(r["p90_days_to_close"] >= r["median_days_to_close"] for r in shown)
    assert any(r["on_time_share"] is not None for r in potholes)
    trees = [r for r in shown if r["service_code"] == "TREE"]
    assert trees and all(r["target_days"] == 45 for r in trees)  # a level named by service name
    staff = json.loads((out / "pages" / "staff.json").read_text())
    assert staff["open_requests"] > 0 and len(staff["oldest_open"]) == 20
    ages = [r["age_days"] for r in staff["oldest_open"]]
    assert ages == sorted(ages, reverse=True)
    assert isinstance(staff["repeat_locations"], list)  # 3,000 requests: most are hidden
    assert staff["service_levels_unmatched"] == ["NOT_A_SERVICE"]


def test_every_canned_query_runs_on_the_published_database(built) -> None:
    out, _raw = built
    queries = json.loads((out / "metadata.json").read_text())["databases"]["beacon"]["queries"]
    params = {"service_code": "POTHOLE", "area": "Centro"}
    with sqlite3.connect(out / "beacon.db") as con:
        rows = {name: con.execute(q["sql"], params).fetchall() for name, q in queries.items()}
    assert rows["a_request_like_mine"] and rows["oldest_open_requests"]
    assert rows["open_backlog_by_service"] and rows["requests_per_1000_residents"]


@pytest.fixture
def plugin() -> Iterator[None]:
    pm.register(open311, name=open311.PLUGIN)
    try:
        yield
    finally:
        pm.unregister(name=open311.PLUGIN)


def call(ds: Datasette, path: str) -> Any:
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text
    return response.json()


def test_open311_answers_from_the_published_table_in_the_city_zone(built, plugin) -> None:
    out, raw = built
    metadata = json.loads((out / "metadata.json").read_text())
    settings = metadata["plugins"][open311.PLUGIN]
    assert settings == {"table": privacy.PUBLIC_TABLE, "timezone": ZONE}
    ds = Datasette([str(out / "beacon.db")], metadata=metadata, immutables=[])
    services = {s["service_code"] for s in call(ds, "/open311/v2/services.json")}
    assert services == set(raw["service_code"])
    page = call(ds, "/open311/v2/requests.json?status=open&page_size=100")
    assert len(page) == 100 and {r["status"] for r in page} == {"open"}
    assert all(r["requested_datetime"].endswith("-03:00") for r in page)
    assert not {"description", "status_notes"} & {k for r in page for k in r}
    people = raw[raw["service_code"].eq("ELDER")]["service_request_id"].iloc[0]
    (entry,) = call(ds, f"/open311/v2/requests/{people}.json")
    assert entry["lat"] is None and entry["address"] is None
    day = call(ds, "/open311/v2/requests.json?start_date=2025-06-01&end_date=2025-06-01"
               "&page_size=500")  # fmt: skip
    assert day and all(r["requested_datetime"].startswith("2025-06-01T") for r in day)


def test_city_settings_are_checked(city_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(DaasError) as err:
        parse_city(city_data(timezone="America/Buenos_Aire", service_levels={"POTHOLE": 0},
                             sensitive_categories=["(ruido"]), f"cities/{SLUG}.yml")  # fmt: skip
    fields = {p.field: p.message for p in err.value.problems}
    assert set(fields) == {"beacon.timezone", "beacon.service_levels.POTHOLE",
                           "beacon.sensitive_categories"}  # fmt: skip
    assert "did you mean 'America/Buenos_Aires'?" in fields["beacon.timezone"]
    data = city_data()
    del data["beacon"]["timezone"]
    city = parse_city(data, f"cities/{SLUG}.yml")
    write_inputs(city_tree)
    assert main(["city", "validate", str(write_city(city_tree, data))]) == 1
    err = capsys.readouterr().err  # in the city's language
    assert "1 problema" in err and "beacon.timezone: la receta service-requests necesita" in err
    with pytest.raises(DaasError, match="time zone"):
        pipeline.load_tables(city)
    housing = load_city("port-mallory")  # housing cities need none of it
    assert housing.beacon is not None and housing.beacon.timezone is None


def test_street_places_have_their_own_kinds_and_former_building_kinds_still_read() -> None:
    """A request's place is a street place, not a building: `building-*` is housing's, and a
    city file written before the street kinds is read as if it declared them."""
    data = city_data()
    public = data["beacon"]["sources"]["requests"]["public"]
    public["address"]["kind"], public["lat"]["kind"] = "building-address", "building-location"
    city = parse_city(data, f"cities/{SLUG}.yml")
    kinds = {d["field"]: d["kind"] for d in pipeline.declarations(city)}
    assert kinds == {
        "address": "street-address",
        "lat": "street-location",
        "long": "street-location",
    }
    assert pipeline.public_columns(city)["requests"]["lat"] == "street-location"
    public["address"]["kind"] = "building-name"  # a housing kind this recipe never had
    with pytest.raises(DaasError, match="'building-name' is not a kind of public column") as err:
        pipeline.declarations(parse_city(data, f"cities/{SLUG}.yml"))
    assert "street-address, street-location" in err.value.problems[0].fix
    declared = privacy.GATE_DECLARATIONS[privacy.PUBLIC_TABLE]
    assert set(declared.values()) == {"street-address", "street-location"}


def test_a_caller_s_contact_in_the_export_stops_the_build(city_tree: Path) -> None:
    raw = write_inputs(city_tree)
    raw.assign(telefono_vecino="11 5555-0123").to_csv(city_tree / SOURCE, index=False)
    write_city(city_tree, city_data())
    assert main(["beacon", "build", "--city", SLUG, "--quiet"]) == 1
    last = records.run_history(SLUG)[-1]
    assert last["failed_check"] == "privacy-gate" and "telefono_vecino" in last["error"]
    assert not (records.output_dir(SLUG) / "run.json").exists()
