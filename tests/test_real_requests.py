"""Real 311 exports (NYC, Buenos Aires 147, Los Angeles, Boston) through a city file, the
worked mappings in `cities/mappings/` and `load_source`: the rows, statuses, types, dates and the
service-requests recipe's backlog and time to close equal figures computed independently from
the raw file with plain pandas, every value the loader could not read is counted, and each
export builds end to end. Skipped when the shared folder of real exports is absent."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

from daas.beacon import load, records, schema, values
from daas.beacon.mapping_checks import source_problems
from daas.beacon.recipes.service_requests import aggregates as agg
from daas.cli import main
from daas.core.city import City, load_city
from daas.core.paths import city_build_dir, shared_real_data

REAL = shared_real_data()  # resolved before city_tree moves the repository root
MAPPINGS = Path(__file__).parent.parent / "cities" / "mappings"
RECIPE = "service-requests"
AS_OF = datetime(2030, 1, 1)  # after every export's last closing
BUILT_AS_OF = "2025-06-01"  # the day the exports were taken, for a city file
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{6})?([+-]\d{2}:\d{2})?)?$")
UNSPECIFIED = {f"Unspecified {b}" for b in ("BRONX", "BROOKLYN", "MANHATTAN", "QUEENS",
                                            "STATEN ISLAND")}  # fmt: skip
DATETIMES = ("requested_datetime", "updated_datetime", "expected_datetime", "closed_datetime")


@dataclass(frozen=True)
class Export:
    """One real export, the raw columns the checks read, and the figures it holds."""

    file: str
    mapping: str
    zone: str  # the time zone of its naive local times (the city file's beacon.timezone)
    sep: str
    id: str
    type: str
    status: str
    closed_statuses: frozenset[str]
    requested: tuple[str, ...]  # joined with a space
    closed: str
    fmt: str
    area: str
    rows: int
    open: int
    top: tuple[tuple[str, int], ...]  # the three most requested types
    first: str  # earliest and latest request, local time
    last: str
    notes: dict[str, int] = field(default_factory=dict)  # values read as placeholders
    declared: dict[str, tuple[str, set[str]]] = field(default_factory=dict)  # column, values
    closed_before_made: int = 0


EXPORTS = {
    "nyc": Export(
        "nyc_311_sample_2011.csv", "nyc-311.yml", "America/New_York", ",", "Unique Key",
        "Complaint Type", "Status", frozenset({"Closed"}), ("Created Date",), "Closed Date",
        "%m/%d/%Y %I:%M:%S %p", "Community Board", rows=2000, open=44,
        top=(("Street Condition", 274), ("Noise - Residential", 228), ("Blocked Driveway", 113)),
        first="2011-02-06 14:02:42", last="2011-11-03 16:25:00",
        notes={"closed_datetime": 1, "area": 91, "zipcode": 1},
        declared={"area": ("Community Board", {"0 Unspecified", *UNSPECIFIED}),
                  "zipcode": ("Incident Zip", {"N/A"})},
    ),
    "buenos-aires": Export(
        "buenos_aires_147_contactos_2021-03.csv", "buenos-aires-147.yml",
        "America/Argentina/Buenos_Aires", ";", "contacto", "prestacion", "estado_del_contacto",
        frozenset({"Cerrado"}), ("fecha_ingreso", "hora_ingreso"), "fecha_cierre_contacto",
        "%d/%m/%Y %H:%M:%S", "domicilio_comuna", rows=3800, open=589,
        top=(("VEHÍCULO MAL ESTACIONADO", 830), ("RETIRO DE ESCOMBROS / RESTOS DE OBRA", 711),
             ("DESOBSTRUCCIÓN (VACTOR)", 234)),
        first="2021-03-01 05:10:21", last="2021-03-17 17:17:40",
    ),
    "los-angeles": Export(
        "la_myla311_2017_subset.csv", "los-angeles-311.yml", "America/Los_Angeles", ",",
        "SRNumber", "RequestType", "Status", frozenset({"Closed", "Cancelled", "Referred Out"}),
        ("CreatedDate",), "ClosedDate", "%m/%d/%Y %I:%M:%S %p", "CD", rows=9999, open=5,
        top=(("Bulky Items", 4432), ("Graffiti Removal", 2863), ("Illegal Dumping Pickup", 800)),
        first="2017-12-27 13:36:22", last="2017-12-31 23:59:58", closed_before_made=12,
    ),
    "boston": Export(
        "boston311_2025_subset.csv", "boston-311.yml", "America/New_York", ",",
        "case_enquiry_id", "type", "case_status", frozenset({"Closed"}), ("open_dt",),
        "closed_dt", "%Y-%m-%d %H:%M:%S", "city_council_district", rows=2424, open=2424,
        top=(("Sidewalk Repair (Make Safe)", 1737), ("Street Light Outages", 661),
             ("Street Light Knock Downs", 14)),
        first="2025-01-01 04:07:00", last="2025-05-19 18:27:31", notes={"area": 2},
        declared={"area": ("city_council_district", {"0"})},
    ),
}  # fmt: skip


def test_date_times_are_read_with_certainty() -> None:
    """What `load_source` does to a `datetime` field (the exports' forms): ISO 8601, a 12-hour
    clock by its AM/PM, offsets kept, placeholders noted, the day/month order never guessed."""
    col = pd.Series(["03/01/2011 02:27:57 PM", "03/14/2011 12:05:00 AM", "01/01/1900 12:00:00 AM",
                     "", "2025-01-24 03:24:56", "2021-03-04T17:47:56-03:00",
                     "2025-03-20 10:18:26.073", "03/14/2011 13:00:00 PM"])  # fmt: skip
    text, note = values.read_datetimes(col)
    assert text.tolist() == ["2011-03-01T14:27:57", "2011-03-14T00:05:00",
                             "01/01/1900 12:00:00 AM", "", "2025-01-24T03:24:56",
                             "2021-03-04T17:47:56-03:00", "2025-03-20T10:18:26.073000",
                             "03/14/2011 13:00:00 PM"]  # fmt: skip
    assert note.tolist() == ["", "", values.NOTE_PLACEHOLDER, "", "", "", "", ""]
    day_first = pd.Series(["04/03/2021 17:47:56", "2021-03-04 10:00"])
    assert values.read_datetimes(day_first, "%d/%m/%Y %H:%M:%S")[0].tolist() == [
        "2021-03-04T17:47:56", "2021-03-04T10:00:00"]  # fmt: skip
    with pytest.raises(values.AmbiguousDates):
        values.read_datetimes(pd.Series(["04/03/2021 17:47:56"]))
    assert values.read_numbers(pd.Series(["-34.623"]), "lat")[1].tolist() == [""]  # not 34,623


def raw_area(slug: str, raw: pd.DataFrame) -> pd.Series:
    """Each request's area as the mapping should give it, from the raw column; unknown ones
    are `agg.NO_AREA`."""
    ex = EXPORTS[slug]
    col = raw[ex.area].str.strip()
    if slug == "buenos-aires":  # the comuna written ten times over (`120` = Comuna 12)
        col = col.map(lambda v: f"Comuna {int(v) // 10}" if v else "")
    unknown = {"", *(ex.declared["area"][1] if "area" in ex.declared else ())}
    return col.where(~col.isin(unknown), agg.NO_AREA)


@dataclass
class Raw:
    """What the raw file says, read with pandas alone."""

    frame: pd.DataFrame
    requested: pd.Series  # naive local time
    closed: pd.Series  # naive local time; NaT when empty or a placeholder (year 1900)
    placeholder_closed: int
    area: pd.Series
    is_closed_status: pd.Series

    def days_to_close(self, zone: str) -> pd.Series:
        made = self.requested.dt.tz_localize(zone, ambiguous="raise", nonexistent="raise")
        done = self.closed.dt.tz_localize(zone, ambiguous="raise", nonexistent="raise")
        return (done - made).dt.total_seconds() / agg.DAY


def read_raw(slug: str) -> Raw:
    ex = EXPORTS[slug]
    path = REAL / ex.file
    if not path.exists():
        pytest.skip(f"real export {ex.file} not present in {REAL}")
    raw = pd.read_csv(path, sep=ex.sep, dtype=str, keep_default_na=False)
    raw = raw.apply(lambda col: col.str.strip())  # `FELICITACIÓN / AGRADECIMIENTO `, `" "`
    requested = pd.to_datetime(raw[list(ex.requested)].agg(" ".join, axis=1), format=ex.fmt)
    closed = pd.to_datetime(raw[ex.closed].where(raw[ex.closed] != ""), format=ex.fmt)
    placeholder = closed.dt.year <= 1900
    return Raw(raw, requested, closed.where(~placeholder), int(placeholder.sum()),
               raw_area(slug, raw), raw[ex.status].isin(ex.closed_statuses))  # fmt: skip


def city_file(slug: str, city_tree: Path) -> City:
    """A city file whose Beacon runs the service-requests recipe on the export through its
    mapping (copied into the city's data folder), in the export's time zone; its source passes
    the recipe's mapping checks."""
    ex = EXPORTS[slug]
    src = yaml.safe_load((MAPPINGS / ex.mapping).read_text(encoding="utf-8"))
    src.update(path=f"data/{slug}/{ex.file}", role="partner", as_of=BUILT_AS_OF)
    (city_tree / "data" / slug).mkdir(parents=True)
    shutil.copy(REAL / ex.file, city_tree / "data" / slug / ex.file)
    data = {
        "slug": slug,
        "name": slug.title(),
        "country": "US",
        "priority_problem": "Slow answers to residents' requests.",
        "privacy": {"min_cell_size": 3},
        "beacon": {
            "recipe": RECIPE,
            "publisher": "311 team",
            "contact_point": {"name": "Data team", "email": "data@example.org"},
            "timezone": ex.zone,
            "sources": {"requests": src},
        },
    }
    (city_tree / "cities" / f"{slug}.yml").write_text(yaml.safe_dump(data, allow_unicode=True))
    city = load_city(slug)
    assert city.beacon is not None
    assert source_problems(city, "requests", city.beacon.sources["requests"]) == []
    return city


def readable(mapped: pd.DataFrame) -> pd.DataFrame:
    """The mapped table as the quality step hands it on: values the loader noted (placeholders)
    blank, and blanks missing."""
    out = mapped[list(schema.fields("requests"))].copy()
    for col in mapped.columns[mapped.columns.str.startswith(load.NOTE)]:
        out.loc[mapped[col] != "", col.removeprefix(load.NOTE)] = ""
    return out.replace("", None)


def close(kit: pd.Series, raw: pd.Series) -> bool:
    """Days the kit rounds to 2 decimals against the raw figure (within the rounding)."""
    return bool(((kit.astype(float) - raw).abs() <= 0.005 + 1e-9).all())


@pytest.mark.parametrize("slug", list(EXPORTS))
def test_export_figures_match_the_raw_file(slug: str, city_tree: Path) -> None:
    """Rows, statuses, types, placeholders, first and last request, and the aggregates with no
    cell suppressed (backlog, time to close by service and area and by month), from the city
    file's source read by `load_source`, against the raw file."""
    ex, raw = EXPORTS[slug], read_raw(slug)
    beacon = city_file(slug, city_tree).beacon
    assert beacon is not None and beacon.timezone == ex.zone
    _, mapped = load.load_source(REAL / ex.file, beacon.sources["requests"], ex.file, ex.mapping)
    frame = raw.frame
    # rows, statuses, types
    assert len(mapped) == len(frame) == ex.rows
    assert (mapped["service_request_id"] == frame[ex.id]).all()  # text: `00103827/21`
    status = mapped["status"].value_counts().to_dict()
    assert status.get("open", 0) == (~raw.is_closed_status).sum() == ex.open
    assert status.get("closed", 0) == raw.is_closed_status.sum() == ex.rows - ex.open
    types = frame[ex.type].value_counts()
    assert mapped["service_code"].value_counts().to_dict() == types.to_dict()
    assert tuple(types.head(3).items()) == ex.top
    # every date-time read, none guessed: what is left unread is a counted placeholder
    notes = {
        c.removeprefix(load.NOTE): int((mapped[c] != "").sum())
        for c in mapped.columns
        if c.startswith(load.NOTE)
    }
    assert notes == ex.notes
    assert notes.get("closed_datetime", 0) == raw.placeholder_closed
    for name, (column, declared) in ex.declared.items():
        assert notes[name] == frame[column].isin(declared).sum()
    table = readable(mapped)
    for col in DATETIMES:
        assert table[col].dropna().str.match(ISO).all(), col
    # the kit's aggregates against the raw file
    reqs = agg.load(table, beacon.timezone)
    settings = agg.Settings(as_of=AS_OF, min_cell=1, days=365 * 40)
    when = reqs.frame("SELECT min(requested_s) AS first, max(requested_s) AS last FROM requests")
    local = raw.requested.dt.tz_localize(ex.zone)
    assert when["first"][0] == local.min().timestamp() and str(raw.requested.min()) == ex.first
    assert when["last"][0] == local.max().timestamp() and str(raw.requested.max()) == ex.last
    backlog, typical = agg.backlog(reqs, settings), agg.typical_time(reqs, settings)
    check_backlog(ex, raw, backlog)
    days = raw.days_to_close(ex.zone)
    assert (days < 0).sum() == ex.closed_before_made
    check_time_to_close(ex, raw, days, typical, agg.time_to_close(reqs, settings))
    # every request is in the backlog, in the time to close, or closed before it was made
    counted = (
        pd.concat(
            [
                backlog.groupby("service_code")["open_requests"].sum(),
                typical.groupby("service_code")["closed_requests"].sum(),
                frame[ex.type][days < 0].value_counts(),
            ],
            axis=1,
        )
        .fillna(0)
        .sum(axis=1)
    )
    assert counted.astype(int).to_dict() == types.to_dict()
    assert backlog["open_requests"].sum() + typical["closed_requests"].sum() == (
        ex.rows - ex.closed_before_made
    )


def check_backlog(ex: Export, raw: Raw, table: pd.DataFrame) -> None:
    """Open at `AS_OF`: no readable closing time and an open status; number and age."""
    assert not table["suppressed"].any()
    is_open = raw.closed.isna() & ~raw.is_closed_status
    made = raw.requested.dt.tz_localize(ex.zone)
    age = (pd.Timestamp(AS_OF).tz_localize(ex.zone) - made).dt.total_seconds() / agg.DAY
    frame = raw.frame
    expected = (
        age[is_open]
        .groupby([frame[ex.type][is_open], raw.area[is_open]])
        .agg(["size", "median", lambda s: s.quantile(0.9)])
    )
    expected.columns = ["size", "median", "p90"]
    got = table.set_index(["service_code", "area"]).sort_index()
    assert list(got.index) == list(expected.index)
    assert (got["open_requests"] == expected["size"]).all()
    assert got["open_requests"].sum() == is_open.sum()
    assert close(got["median_age_days"], expected["median"])
    assert close(got["p90_age_days"], expected["p90"])


def check_time_to_close(
    ex: Export, raw: Raw, days: pd.Series, typical: pd.DataFrame, monthly: pd.DataFrame
) -> None:
    """Closed by `AS_OF`, not before it was made: number, median and p90 days to close, by
    service and area (`typical`) and by month of request, service and area (`monthly`)."""
    assert not typical["suppressed"].any() and not monthly["suppressed"].any()
    done = days.notna() & (days >= 0)
    month = raw.requested.dt.strftime("%Y-%m")
    kinds = raw.frame[ex.type]
    for table, keys in ((typical, [kinds, raw.area]), (monthly, [month, kinds, raw.area])):
        expected = (
            days[done]
            .groupby([k[done] for k in keys])
            .agg(["size", "median", lambda s: s.quantile(0.9)])
        )
        expected.columns = ["size", "median", "p90"]
        index = ["service_code", "area"] if table is typical else ["month", "service_code", "area"]
        got = table.set_index(index).sort_index()
        assert list(got.index) == list(expected.index)
        assert (got["closed_requests"] == expected["size"]).all()
        assert close(got["median_days_to_close"], expected["median"])
        assert close(got["p90_days_to_close"], expected["p90"])


@pytest.mark.parametrize("slug", list(EXPORTS))
def test_export_builds_through_a_city_file(slug: str, city_tree: Path) -> None:
    """`daas beacon build` of a city file with the export: every row read and kept, and each
    backlog cell the minimum cell lets through equals the raw file's count."""
    ex, raw = EXPORTS[slug], read_raw(slug)
    city_file(slug, city_tree)
    assert main(["beacon", "build", "--city", slug, "--quiet"]) == 0
    run = records.latest_run(slug)
    assert run["rows_read"] == {"requests": ex.rows} and run["rows_excluded"] == {"requests": 0}
    is_open = raw.closed.isna() & ~raw.is_closed_status  # every closing is before BUILT_AS_OF
    expected = raw.frame[ex.type][is_open].groupby(raw.area[is_open]).value_counts()
    path = city_build_dir(slug) / "beacon" / "data" / "requests_backlog.csv"
    backlog = pd.read_csv(path, dtype={"area": str, "service_code": str}, keep_default_na=False)
    hidden = backlog["suppressed"].astype(str) == "True"
    for row in backlog[~hidden].itertuples():
        assert int(row.open_requests) == expected[(row.area, row.service_code)]
    keys = list(zip(backlog["area"], backlog["service_code"], strict=True))
    assert set(keys) >= set(expected.index)
    assert all(h or k in expected.index for h, k in zip(hidden, keys, strict=True))  # or a zero
