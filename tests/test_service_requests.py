"""The service-requests (311) recipe's core: each published aggregate against a plain pandas
computation on generated requests, the percentile definition, small-cell suppression, the
privacy rules (no free text, sensitive types coarsened, the gate passes), and a real NYC 311
export (skipped when `../shared/data/real` is absent)."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pytest
from frictionless import Checklist, Resource, Schema

from daas.beacon.cells import iso_datetimes
from daas.beacon.recipes.service_requests import aggregates as agg
from daas.beacon.recipes.service_requests import generate as gen
from daas.beacon.recipes.service_requests import privacy
from daas.core.errors import DaasError
from daas.core.paths import shared_real_data
from daas.core.vocabulary import vocabulary
from daas.privacy import gate
from daas.privacy.identifiers import FREE_TEXT, scan_column

REAL = shared_real_data()
SCHEMAS = Path(agg.__file__).parent / "schemas"
N = 20_000
AS_OF = pd.Timestamp("2025-09-15 12:00").tz_localize(gen.ZONE)  # mid-year: some close later
SENSITIVE_CODES = {"NOISE_RES", "HOMELESS", "ELDER", "DRUGS", "OCCUPIED"}


@pytest.fixture(scope="module")
def requests() -> pd.DataFrame:
    return gen.generate(N, seed=7)


@pytest.fixture(scope="module")
def loaded(requests: pd.DataFrame) -> agg.Requests:
    return agg.load(requests, gen.ZONE)


@pytest.fixture(scope="module")
def settings() -> agg.Settings:
    return agg.Settings(as_of=AS_OF.to_pydatetime(), min_cell=10)


def seconds(values: pd.Series) -> pd.Series:
    """Seconds since 1970 of aware date-times (NaN for missing)."""
    return (values - pd.Timestamp(0, tz="UTC")).dt.total_seconds()


def plain(df: pd.DataFrame, settings: agg.Settings) -> pd.DataFrame:
    """The requests with the columns the reference computations need, in plain pandas."""
    as_of = pd.Timestamp(settings.as_of).timestamp()
    out = df.assign(
        req=seconds(df["requested_datetime"]),
        cls=seconds(df["closed_datetime"]),
        area=df["area"].fillna(agg.NO_AREA),
        month=df["requested_datetime"].dt.tz_convert(gen.ZONE).dt.strftime("%Y-%m"),
    )
    out["open"] = (out["req"] <= as_of) & np.where(
        out["cls"].isna(), out["status"] != "closed", out["cls"] > as_of
    )
    out["done"] = out["cls"].notna() & (out["cls"] <= as_of) & (out["cls"] >= out["req"])
    out["took"] = (out["cls"] - out["req"]) / 86400
    out["age"] = (as_of - out["req"]) / 86400
    out["window"] = (out["req"] >= as_of - settings.days * 86400) & (out["req"] <= as_of)
    return out


def stats(frame: pd.DataFrame, keys: list[str], value: str, count: str) -> pd.DataFrame:
    """Count, median and p90 (pandas' default linear interpolation) of `value` by `keys`."""
    grouped = frame.groupby(keys)[value]
    return pd.DataFrame(
        {count: grouped.size(), "q50": grouped.median(), "q90": grouped.quantile(0.9)}
    ).reset_index()


def check_against(published: pd.DataFrame, expected: pd.DataFrame, keys: list[str],
                  count: str, figures: dict[str, str], min_cell: int) -> None:  # fmt: skip
    """Every cell with requests is listed, and only hidden zeros besides; counts and figures
    equal where published; primary suppression hides exactly the counts from 1 to
    min_cell - 1."""
    merged = published.merge(expected, on=keys, how="outer", suffixes=("", "_ref"),
                             indicator=True)  # fmt: skip
    assert not (merged["_merge"] == "right_only").any()
    assert merged.loc[merged["_merge"] == "left_only", "suppressed"].all()
    small = merged[f"{count}_ref"].between(1, min_cell - 1)
    assert ((merged["suppression"] == "primary") == small).all()
    shown = merged[~merged["suppressed"]]
    assert (shown[count].astype("int64") == shown[f"{count}_ref"]).all()
    for column, ref in figures.items():
        np.testing.assert_allclose(shown[column].astype(float), shown[ref].astype(float),
                                   atol=0.0051)  # fmt: skip
    hidden = merged[merged["suppressed"]]
    assert hidden[count].isna().all()
    assert all(hidden[c].isna().all() for c in figures)
    assert not ((shown[count] > 0) & (shown[count] < min_cell)).any()


def test_backlog_matches_pandas(requests, loaded, settings):
    df = plain(requests, settings)
    expected = stats(df[df["open"]], ["service_code", "area"], "age", "open_requests")
    table = agg.backlog(loaded, settings)
    check_against(table, expected, ["service_code", "area"], "open_requests",
                  {"median_age_days": "q50", "p90_age_days": "q90"}, settings.min_cell)  # fmt: skip


def test_time_to_close_matches_pandas(requests, loaded, settings):
    df = plain(requests, settings)
    keys = ["month", "service_code", "area"]
    expected = stats(df[df["done"] & df["window"]], keys, "took", "closed_requests")
    table = agg.time_to_close(loaded, settings)
    assert table["month"].max() == "2025-09"  # nothing requested after as_of
    check_against(table, expected, keys, "closed_requests",
                  {"median_days_to_close": "q50", "p90_days_to_close": "q90"}, 10)  # fmt: skip


def test_typical_time_matches_pandas(requests, loaded, settings):
    df = plain(requests, settings)
    keys = ["service_code", "area"]
    expected = stats(df[df["done"] & df["window"]], keys, "took", "closed_requests")
    check_against(agg.typical_time(loaded, settings), expected, keys, "closed_requests",
                  {"median_days_to_close": "q50", "p90_days_to_close": "q90"}, 10)  # fmt: skip


def test_requests_per_1000_residents(requests, loaded, settings):
    df = plain(requests, settings)
    population = gen.sample_population()
    table = agg.requests_by_area(loaded, settings, population)
    counts = df[df["window"]].groupby("area").size()
    for row in table.itertuples():
        assert row.requests == counts[row.area]
        people = population.set_index("area")["population"].get(row.area)
        if people is None:
            assert row.area == agg.NO_AREA and pd.isna(row.requests_per_1000)
        else:
            assert row.requests_per_1000 == pytest.approx(
                1000 * counts[row.area] / people, abs=0.006
            )


def test_response_fairness_feeds_the_fairness_check(requests, loaded, settings):
    df = plain(requests, settings)
    closed = df[df["done"] & df["window"]].copy()
    closed["timely"] = closed["took"] <= closed.groupby("service_code")["took"].transform("median")
    by_area = closed[closed["area"] != agg.NO_AREA].groupby("area")["timely"].agg(["sum", "size"])
    by_area = by_area[by_area["size"] >= settings.min_cell]
    index = (by_area["sum"] / by_area["size"]) / (by_area["sum"].sum() / by_area["size"].sum())
    served, reference = agg.fairness_input(loaded, settings)
    assert list(served.columns) == ["area", "timely_requests"]
    assert list(reference.columns) == ["area", "closed_requests"]
    table = agg.response_fairness(loaded, settings).set_index("area")
    np.testing.assert_allclose(table["coverage_index"], index.reindex(table.index), atol=0.0006)
    assert (table["closed_requests"] == by_area["size"].reindex(table.index)).all()
    slow = gen.DEFAULT_AREAS[-1]  # the generator's slower area
    assert table.loc[slow, "under_served"]
    assert table.loc[slow, "coverage_index"] == table["coverage_index"].min()


def spot(frame: pd.DataFrame) -> pd.Series:
    located = frame["lat"].notna() & frame["long"].notna()
    coords = [f"{a:.3f},{b:.3f}" for a, b in zip(frame["lat"], frame["long"], strict=True)]
    named = frame["address"].str.strip().str.replace(r"\s+", " ", regex=True).str.upper()
    return pd.Series(np.where(located, coords, named), index=frame.index).where(
        located | named.notna()
    )


def test_repeat_locations_match_pandas(requests, loaded, settings):
    df = plain(requests, settings)
    as_of = AS_OF.timestamp()
    recent = df[(df["req"] >= as_of - 90 * 86400) & (df["req"] <= as_of)]
    recent = recent[~recent["service_code"].isin(SENSITIVE_CODES)].assign(spot=spot)
    spots = recent.dropna(subset=["spot"]).groupby(["service_code", "spot"])
    places = spots.agg(area=("area", "min"), n=("area", "size")).reset_index()
    places = places[places["n"] >= 3]
    found = places.groupby(["service_code", "area"]).agg(
        repeat_locations_count=("n", "size"), repeat_requests=("n", "sum")
    )
    cells = recent[["service_code", "area"]].drop_duplicates().set_index(["service_code", "area"])
    expected = cells.join(found).fillna(0).astype("int64").reset_index()
    few = agg.Settings(as_of=settings.as_of, min_cell=2)  # repeat spots are few at this size
    table = agg.repeat_locations(loaded, few, privacy.sensitive_categories())
    assert not set(table["service_code"]) & SENSITIVE_CODES
    assert (~table["suppressed"] & (table["repeat_locations_count"] >= 2)).any()
    shown = table[~table["suppressed"]].merge(expected, on=["service_code", "area"])
    assert len(shown) == (~table["suppressed"]).sum() and len(table) == len(expected)
    assert (shown["repeat_locations_count_x"] == shown["repeat_locations_count_y"]).all()
    assert (shown["repeat_requests_x"] == shown["repeat_requests_y"]).all()
    assert table.loc[table["suppressed"], "repeat_requests"].isna().all()


def test_on_time_share_against_service_levels(requests, loaded, settings):
    df = plain(requests, settings)
    levels = {"POTHOLE": 10, "luminaria apagada": 7, "NO SUCH SERVICE": 3}  # code, name
    table = agg.on_time(loaded, settings, levels)
    assert table.attrs["unmatched"] == ["NO SUCH SERVICE"]
    assert set(table["service_code"]) == {"POTHOLE", "STLIGHT"}
    target = df["service_code"].map({"POTHOLE": 10, "STLIGHT": 7}) * 86400
    rows = df[df["window"] & target.notna()].assign(target=target)
    due = rows["done"] | (rows["open"] & (AS_OF.timestamp() - rows["req"] > rows["target"]))
    rows = rows[due].assign(in_time=rows["done"] & (rows["cls"] - rows["req"] <= rows["target"]))
    expected = rows.groupby(["service_code", "area"])["in_time"].agg(["size", "mean"])
    for row in table[~table["suppressed"]].itertuples():
        size, share = expected.loc[(row.service_code, row.area)]
        assert row.due_requests == size
        assert row.on_time_share == pytest.approx(share, abs=0.0006)


def tiny(took_days: list[float], zone: str = "UTC", naive: bool = False,
         start: str = "2025-03-01 08:00") -> pd.DataFrame:  # fmt: skip
    requested = pd.Series([pd.Timestamp(start)] * len(took_days))
    closed = requested + pd.to_timedelta(took_days, unit="D")
    if not naive:
        requested, closed = requested.dt.tz_localize(zone), closed.dt.tz_localize(zone)
    return pd.DataFrame(
        {
            "service_request_id": [str(i) for i in range(len(took_days))],
            "service_code": "POTHOLE",
            "status": "closed",
            "requested_datetime": requested,
            "closed_datetime": closed,
            "area": "Centro",
        }
    )


def test_percentiles_are_linear_interpolation_as_in_pandas():
    took = [1.0, 2.0, 3.0, 4.0, 10.0]
    reqs = agg.load(tiny(took), "UTC")
    settings = agg.Settings(as_of=pd.Timestamp("2025-06-01", tz="UTC"), min_cell=1)
    row = agg.time_to_close(reqs, settings).iloc[0]
    # p90: rank 0.9 * (5 - 1) = 3.6, between 4 and 10: 4 + 0.6 * 6 = 7.6
    assert (row["median_days_to_close"], row["p90_days_to_close"]) == (3.0, 7.6)
    assert pd.Series(took).quantile(0.9) == pytest.approx(7.6)
    assert np.percentile(took, 90, method="linear") == pytest.approx(7.6)
    assert reqs.frame("SELECT quantile_cont(x, 0.9) AS q FROM (SELECT unnest($v) AS x)",
                      {"v": took})["q"][0] == pytest.approx(7.6)  # fmt: skip


def test_naive_times_are_local_in_the_city_zone():
    """A request made the day before the spring change and closed at the same clock time the
    next day took 23 hours in New York."""
    requests = tiny([1.0], naive=True, start="2025-03-08 08:00").assign(area="Queens")
    reqs = agg.load(requests, "America/New_York")
    settings = agg.Settings(as_of=pd.Timestamp("2025-06-01"), min_cell=1)
    row = agg.time_to_close(reqs, settings).iloc[0]
    assert row["median_days_to_close"] == pytest.approx(23 / 24, abs=0.005)
    assert row["month"] == "2025-03"


def test_nothing_before_as_of_gives_empty_tables(loaded):
    early = agg.Settings(as_of=pd.Timestamp("2024-06-01", tz=gen.ZONE))
    tables = agg.aggregates(loaded, early, population=gen.sample_population(),
                            sensitive=privacy.sensitive_categories(),
                            levels=gen.SERVICE_LEVELS)  # fmt: skip
    for name, table in tables.items():
        assert list(table.columns) == list(agg.FIELDS[name])
        assert table.empty or name == "requests_by_area"
    assert (tables["requests_by_area"]["requests"] == 0).all()


def test_missing_required_column_names_it():
    with pytest.raises(DaasError) as err:
        agg.load(tiny([1.0]).drop(columns="status"), "UTC")
    assert err.value.problems[0].field == "status"
    with pytest.raises(ZoneInfoNotFoundError):  # never reaches SQL
        agg.load(tiny([1.0]), "UTC'; DROP TABLE x; --")


def test_small_cells_are_suppressed_and_the_gate_passes(requests, loaded):
    strict = agg.Settings(as_of=AS_OF.to_pydatetime(), min_cell=40)
    tables = agg.aggregates(loaded, strict, population=gen.sample_population(),
                            sensitive=privacy.sensitive_categories(),
                            levels=gen.SERVICE_LEVELS)  # fmt: skip
    assert set(tables) == set(agg.FIELDS)
    for name, table in tables.items():
        for column in table.columns:
            if column.endswith(("_requests", "_count")) or column == "requests":
                values = table[column].dropna()
                assert not ((values > 0) & (values < 40)).any(), (name, column)
    kinds = set(pd.concat([t["suppression"] for t in tables.values() if "suppression" in t]))
    assert {"primary", "secondary"} <= kinds
    result = gate(tables, min_cell_size=40, addresses=True, locations=True)
    assert result.passed, result.reasons
    raw = agg.backlog(loaded, agg.Settings(as_of=AS_OF.to_pydatetime(), min_cell=1))
    assert not gate({"requests_backlog": raw}, min_cell_size=40).passed  # the gate would see


def test_published_tables_match_their_schemas(requests, loaded, settings):
    tables = agg.aggregates(loaded, settings, population=gen.sample_population(),
                            sensitive=privacy.sensitive_categories(),
                            levels=gen.SERVICE_LEVELS)  # fmt: skip
    tables[privacy.PUBLIC_TABLE] = privacy.public_requests(
        requests, privacy.sensitive_categories(), zone=gen.ZONE
    )
    for name, table in tables.items():
        schema = json.loads((SCHEMAS / f"{name}.json").read_text())
        assert schema["name"] == name and schema["access"] == "public"
        assert list(table.columns) == [f["name"] for f in schema["fields"]], name
        assert not set(table.columns) & set(privacy.FREE_TEXT)
        for column in table.columns:
            assert FREE_TEXT not in scan_column(table[column], column).pii, (name, column)
    canonical = json.loads((SCHEMAS / "requests.json").read_text())
    assert [f["name"] for f in canonical["fields"]] == list(gen.COLUMNS) == list(requests.columns)
    assert canonical["access"] == "restricted"


def test_tables_pass_frictionless_validation(requests, loaded, settings, tmp_path):
    tables = agg.aggregates(loaded, settings, population=gen.sample_population(),
                            sensitive=privacy.sensitive_categories(),
                            levels=gen.SERVICE_LEVELS)  # fmt: skip
    tables[privacy.PUBLIC_TABLE] = privacy.public_requests(
        requests, privacy.sensitive_categories(), zone=gen.ZONE
    )
    tables["requests"] = requests
    for name, table in tables.items():
        table.head(3000).to_csv(tmp_path / f"{name}.csv", index=False)
        schema = Schema.from_descriptor(json.loads((SCHEMAS / f"{name}.json").read_text()))
        resource = Resource(path=f"{name}.csv", basepath=str(tmp_path), schema=schema)
        report = resource.validate(checklist=Checklist())
        errors = [e.message for task in report.tasks for e in task.errors] + [
            e.message for e in report.errors
        ]
        assert errors == [], (name, errors[:3])


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_sensitive_categories_in_every_language(lang):
    sensitive = privacy.sensitive_categories()
    names = vocabulary(gen.WORDS)[lang]["services"]
    flagged = {code for code, (name, _agency) in names.items() if sensitive.matches(name)}
    assert flagged == SENSITIVE_CODES


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("Noise - Residential", True),
        ("Homeless Encampment", True),
        ("Homeless Person Assistance", True),
        ("Elder Abuse", True),
        ("RUIDOS MOLESTOS Y VIBRACIONES", True),
        ("CASA / TERRENO OCUPADO ILEGÍTIMAMENTE", True),
        ("OCUPACIÓN INDEBIDA POR MANTERO O VENDEDOR AMBULANTE", True),
        ("Perturbação do sossego", True),
        ("VIOLACIÓN DE CUARENTENA POR CORONAVIRUS", True),
        ("LIMPIEZA/HIGIENIZACIÓN DE ESPACIOS PÚBLICOS POR ASENTAMIENTOS PRECARIOS", True),
        ("ASENTAMIENTO DE RECUPERADORES URBANOS EN ESPACIO PÚBLICO", True),
        ("Noise - Commercial", False),
        ("Street Condition", False),
        ("Bulky Items", False),
        ("OCUPACIÓN INDEBIDA DE LA VEREDA/CALZADA POR LOCAL COMERCIAL", False),
        ("MAYOR PRESENCIA POLICIAL", False),
        ("Graffiti", False),
    ],
)
def test_sensitive_categories_on_real_names(name, flagged):
    assert privacy.sensitive_categories().matches(name) is flagged


def test_a_city_adds_its_own_sensitive_types():
    assert privacy.sensitive_categories(extra=[r"\bscrie\b"]).matches("SCRIE")
    assert not privacy.sensitive_categories().matches("SCRIE")


def test_public_requests(requests):
    sensitive = privacy.sensitive_categories()
    raw = requests.assign(caller_name="Ana Pérez", caller_phone="11 5555-0123")
    public = privacy.public_requests(raw, sensitive, zone=gen.ZONE)
    assert not {"description", "status_notes", "caller_name", "caller_phone"} & set(public)
    coarse = public["service_code"].isin(SENSITIVE_CODES)
    assert (public[privacy.COARSENED] == coarse).all() and coarse.any()
    assert public.loc[coarse, list(privacy.LOCATION_FIELDS)].isna().all().all()
    assert public.loc[coarse, "area"].notna().mean() > 0.9
    counts = requests.groupby(["service_code", "area"])["service_code"].transform("size")
    small = coarse & (counts < 10)
    assert small.any() and public.loc[small, "area"].isna().all()  # small areas suppressed
    areas = public.loc[~coarse, "area"].fillna("")
    assert (areas == requests.loc[~coarse, "area"].fillna("")).all()
    everywhere = privacy.public_requests(requests, sensitive, zone=gen.ZONE, min_cell=len(requests))
    assert everywhere.loc[coarse, "area"].isna().all()
    kept = ~coarse & requests["lat"].notna()
    assert (public.loc[kept, "lat"] == requests.loc[kept, "lat"]).all()
    # a call about a person is dated to its local day; other requests keep their times
    when = requests["requested_datetime"].dt.tz_convert(gen.ZONE)
    shown = public["requested_datetime"].dt.tz_convert(gen.ZONE)
    assert (shown[coarse] == when[coarse].dt.floor("D")).all()
    assert (shown[~coarse] == when[~coarse]).all() and (when[coarse].dt.hour > 0).any()
    text = privacy.public_requests(
        requests.assign(requested_datetime=iso_datetimes(requests["requested_datetime"])),
        sensitive,
        zone=gen.ZONE,
    )["requested_datetime"]
    assert text[coarse].str.endswith("T00:00:00-03:00").all()
    assert (text[~coarse] == iso_datetimes(requests["requested_datetime"])[~coarse]).all()
    naive = privacy.start_of_day(pd.Series(pd.to_datetime(["2025-03-09 22:30"])), gen.ZONE)
    assert naive.tolist() == [pd.Timestamp("2025-03-09")]
    tables = {privacy.PUBLIC_TABLE: public}
    checked = gate(tables, addresses=True, locations=True, public_columns=privacy.GATE_DECLARATIONS)
    assert checked.passed, checked.reasons
    before = gate({privacy.PUBLIC_TABLE: raw}, public_columns=privacy.GATE_DECLARATIONS)
    assert any("'description'" in reason for reason in before.reasons)  # phones in free text


def test_generator_is_seeded_and_chunked(tmp_path):
    a, b = gen.generate(500, seed=3), gen.generate(500, seed=3)
    pd.testing.assert_frame_equal(a, b)
    path = tmp_path / "requests.csv"
    assert gen.write_csv(path, 1_000, chunk_rows=300, seed=3) == 1_000
    reqs = agg.load(path, gen.ZONE)
    assert reqs.frame("SELECT count(*) AS n FROM requests")["n"][0] == 1_000
    ids = pd.read_csv(path, dtype=str)["service_request_id"]
    assert ids.is_unique and ids.iloc[0] == "000000001"
    shares = gen.generate(20_000).groupby("service_code").size() / 20_000
    assert shares["BULKY"] > 0.15 and shares["OCCUPIED"] < 0.01  # skewed, like real services


def nyc_canonical(raw: pd.DataFrame) -> pd.DataFrame:
    """The NYC 311 export mapped to the canonical columns (as a city file would)."""
    when = "%m/%d/%Y %I:%M:%S %p"
    return pd.DataFrame(
        {
            "service_request_id": raw["Unique Key"],
            "service_code": raw["Complaint Type"],
            "service_name": raw["Complaint Type"],
            "status": np.where(raw["Status"].str.lower() == "closed", "closed", "open"),
            "description": raw["Descriptor"],
            "status_notes": raw["Resolution Description"],
            "agency_responsible": raw["Agency Name"],
            "requested_datetime": pd.to_datetime(raw["Created Date"], format=when),
            "closed_datetime": pd.to_datetime(raw["Closed Date"], format=when),
            "address": raw["Incident Address"],
            "zipcode": raw["Incident Zip"],
            "lat": pd.to_numeric(raw["Latitude"]),
            "long": pd.to_numeric(raw["Longitude"]),
            "area": raw["Borough"].replace("Unspecified", None),
        }
    )


def test_real_nyc_311_median_time_to_close():
    path = REAL / "nyc_311_sample_2011.csv"
    if not path.exists():
        pytest.skip(f"real export {path.name} not present in {REAL}")
    raw = pd.read_csv(path, dtype=str)
    reqs = agg.load(nyc_canonical(raw), "America/New_York")
    # as_of after the sample's last closing (March 2015)
    settings = agg.Settings(as_of=pd.Timestamp("2016-01-01"), days=3650, min_cell=10)
    table = agg.time_to_close(reqs, settings)
    # Independently from the raw columns: clock-time differences (2011's DST changes shift a
    # few requests by an hour, well inside the tolerance for a median of whole days).
    created = pd.to_datetime(raw["Created Date"], format="%m/%d/%Y %I:%M:%S %p")
    closed = pd.to_datetime(raw["Closed Date"], format="%m/%d/%Y %I:%M:%S %p")
    days = (closed - created).dt.total_seconds() / 86400
    ok = days.notna() & (days >= 0)
    frame = pd.DataFrame({"month": created.dt.strftime("%Y-%m"), "type": raw["Complaint Type"],
                          "area": raw["Borough"].replace("Unspecified", agg.NO_AREA),
                          "days": days})[ok]  # fmt: skip
    expected = frame.groupby(["month", "type", "area"])["days"].agg(["size", "median"])
    shown = table[~table["suppressed"]]
    assert len(shown) >= 40  # of 53 cells with 10 or more: sparse, but zeros can be hidden
    for row in shown.itertuples():
        size, median = expected.loc[(row.month, row.service_code, row.area)]
        assert row.closed_requests == size
        assert row.median_days_to_close == pytest.approx(median, abs=0.05)
    noise = shown[(shown["service_code"] == "Noise - Residential")]
    assert not noise.empty
    public = privacy.public_requests(
        nyc_canonical(raw), privacy.sensitive_categories(), zone="America/New_York"
    )
    assert public.loc[public["service_code"] == "Noise - Residential", "address"].isna().all()
    assert public.loc[public["service_code"] == "Street Condition", "address"].notna().any()


def test_real_la_encampments_keep_only_their_area():
    path = REAL / "la_myla311_2017_subset.csv"
    if not path.exists():
        pytest.skip(f"real export {path.name} not present in {REAL}")
    raw = pd.read_csv(path, dtype=str)
    canonical = pd.DataFrame(
        {
            "service_request_id": raw["SRNumber"],
            "service_code": raw["RequestType"],
            "service_name": raw["RequestType"],
            "status": np.where(raw["Status"].isin(["Closed", "Cancelled"]), "closed", "open"),
            "address": raw["Address"],
            "zipcode": raw["ZipCode"],
            "lat": pd.to_numeric(raw["Latitude"]),
            "long": pd.to_numeric(raw["Longitude"]),
            "area": raw["NCName"],
        }
    )
    public = privacy.public_requests(
        canonical, privacy.sensitive_categories(), zone="America/Los_Angeles"
    )
    camps = public["service_code"] == "Homeless Encampment"
    assert camps.sum() > 0 and (public[privacy.COARSENED] == camps).all()
    assert public.loc[camps, ["address", "lat", "long"]].isna().all().all()
    checked = gate({privacy.PUBLIC_TABLE: public}, addresses=True, locations=True,
                   public_columns=privacy.GATE_DECLARATIONS)  # fmt: skip
    assert checked.passed, checked.reasons


def test_real_buenos_aires_147_backlog_and_time_to_close():
    path = REAL / "buenos_aires_147_contactos_2021-03.csv"
    if not path.exists():
        pytest.skip(f"real export {path.name} not present in {REAL}")
    raw = pd.read_csv(path, sep=";", dtype=str)
    requested = pd.to_datetime(raw["fecha_ingreso"] + " " + raw["hora_ingreso"],
                               format="%d/%m/%Y %H:%M:%S")  # fmt: skip
    closed = pd.to_datetime(raw["fecha_cierre_contacto"], format="%d/%m/%Y %H:%M:%S")
    canonical = pd.DataFrame(
        {
            "service_request_id": raw["contacto"],
            "service_code": raw["prestacion"],
            "service_name": raw["prestacion"],
            "status": np.where(raw["estado_del_contacto"] == "Cerrado", "closed", "open"),
            "requested_datetime": requested,
            "closed_datetime": closed,
            "address": raw["domiclio_calle"],
            "lat": pd.to_numeric(raw["lat"]),
            "long": pd.to_numeric(raw["lon"]),
            "area": raw["domicilio_barrio"],
        }
    )
    reqs = agg.load(canonical, "America/Argentina/Buenos_Aires")  # no summer time in 2021
    # five days of contacts: a minimum cell of 5 leaves a few cells to compare
    settings = agg.Settings(as_of=pd.Timestamp("2030-01-01"), days=3650, min_cell=5)
    # independently from the raw columns
    barrio = raw["domicilio_barrio"].fillna(agg.NO_AREA)
    is_open = (raw["estado_del_contacto"] == "Abierto") & closed.isna()
    backlog = agg.backlog(reqs, settings)
    expected = raw[is_open].groupby(["prestacion", barrio[is_open]]).size()
    shown = backlog[~backlog["suppressed"]]
    assert len(shown) >= 3
    for row in shown.itertuples():
        assert row.open_requests == expected[(row.service_code, row.area)]
    days = (closed - requested).dt.total_seconds() / 86400
    done = days.notna() & (days >= 0)
    table = agg.time_to_close(reqs, settings)
    medians = days[done].groupby([raw["prestacion"][done], barrio[done]]).agg(["size", "median"])
    shown = table[~table["suppressed"]]
    assert len(shown) >= 3 and set(shown["month"]) == {"2021-03"}
    for row in shown.itertuples():
        size, median = medians.loc[(row.service_code, row.area)]
        assert row.closed_requests == size
        assert row.median_days_to_close == pytest.approx(median, abs=0.006)
    public = privacy.public_requests(
        canonical, privacy.sensitive_categories(), zone="America/Argentina/Buenos_Aires"
    )
    noise = public["service_code"] == "RUIDOS MOLESTOS Y VIBRACIONES"
    assert noise.any() and public.loc[noise, ["address", "lat", "long"]].isna().all().all()
    assert public.loc[~public[privacy.COARSENED], "lat"].notna().mean() > 0.9
