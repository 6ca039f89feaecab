"""Seeded, realistic service requests in the canonical table (`schemas/requests.json`).

Request types follow the skew real 311 services show (bulky items, containers and potholes
dominate; people-related types are a few percent), each with its own log-normal time to close
and a service level (`SERVICES`); areas differ in how many requests they make and, a little, in
how fast they are served (the last area is slower, so the fairness check has something to
find). Requests fall over `days` days with more by day than by night, in an IANA time zone;
one in fifty is never closed; about 6% come from a few repeat locations (the same spot
reported again and again). Coordinates, addresses and areas are sometimes missing, and the
free text holds made-up phone numbers, as real descriptions do. The words (service names,
agencies, streets, descriptions) are `data/sample_requests.yml` in the city's language.

The same seed, size and settings give the same rows; `write_csv` writes any number of rows in
chunks, so a 3,200,000-row year never sits in memory at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from daas.beacon.cells import iso_datetimes
from daas.core.vocabulary import vocabulary

SEED = 20250311
WORDS = "beacon/recipes/service_requests/data/sample_requests.yml"
ZONE = "America/Argentina/Buenos_Aires"
START = date(2025, 1, 1)
DAYS = 365
CENTRE = (-20.0, -45.0)  # a made-up place: the sample city is fictional
COLUMNS = (
    "service_request_id", "service_code", "service_name", "status", "status_notes",
    "description", "agency_responsible", "requested_datetime", "updated_datetime",
    "expected_datetime", "closed_datetime", "address", "zipcode", "lat", "long", "area",
)  # fmt: skip
DATE_COLUMNS = ("requested_datetime", "updated_datetime", "expected_datetime", "closed_datetime")
NEVER_CLOSED = 0.02
REPEAT_SHARE = 0.06
MISSING = {"coordinates": 0.07, "address": 0.03, "area": 0.003}
# Requests per hour of the day (local time): few at night, most in working hours.
HOURLY = np.array([1, 1, 1, 1, 1, 2, 3, 5, 8, 9, 9, 8, 7, 7, 8, 8, 7, 6, 5, 4, 3, 3, 2, 1], float)


@dataclass(frozen=True)
class Service:
    """A request type: share of requests, median and spread of its time to close (days), and
    the service level (target days to close; None when the city declares none)."""

    code: str
    weight: float
    median_days: float
    sigma: float
    target_days: float | None


SERVICES = (
    Service("BULKY", 18, 2, 0.6, 3),
    Service("POTHOLE", 12, 6, 1.0, 10),
    Service("STLIGHT", 10, 4, 0.9, 7),
    Service("CONTAINER", 9, 1, 0.7, 2),
    Service("GRAFFITI", 8, 5, 1.0, 10),
    Service("DUMPING", 7, 3, 0.9, 5),
    Service("PARKING", 6, 0.2, 1.2, 1),
    Service("NOISE_RES", 6, 0.3, 1.2, 1),
    Service("TREE", 5, 30, 1.0, 45),
    Service("ABANDVEH", 5, 12, 1.0, 15),
    Service("SIDEWALK", 4, 40, 1.1, 60),
    Service("SIGNAL", 3, 1, 0.8, 2),
    Service("DRAIN", 3, 7, 1.0, 10),
    Service("HOMELESS", 2, 2, 1.0, 3),
    Service("INFO", 1.7, 8, 1.2, None),
    Service("ELDER", 0.5, 5, 1.0, 7),
    Service("DRUGS", 0.5, 10, 1.2, 14),
    Service("OCCUPIED", 0.3, 30, 1.0, 30),
)
SERVICE_LEVELS = {s.code: s.target_days for s in SERVICES if s.target_days is not None}
DEFAULT_AREAS = tuple(f"A{i:02d}" for i in range(1, 13))


def as_of(zone: str = ZONE, start: date = START, days: int = DAYS) -> pd.Timestamp:
    """The export's instant: local midnight after the last day of requests."""
    return pd.Timestamp(start).tz_localize(zone) + pd.Timedelta(days=days)


def sample_population(areas: tuple[str, ...] = DEFAULT_AREAS, seed: int = SEED) -> pd.DataFrame:
    """Residents per area (`area`, `population`), seeded: what requests per 1,000 divide by."""
    rng = np.random.default_rng([seed, 1])
    return pd.DataFrame(
        {"area": list(areas), "population": rng.integers(8_000, 90_000, len(areas))}
    )


@dataclass(frozen=True)
class _Fixed:
    """What every chunk shares: area weights and speeds, centres, repeat locations."""

    area_weights: np.ndarray
    area_speed: np.ndarray
    centres: np.ndarray
    spots: pd.DataFrame


def _fixed(areas: tuple[str, ...], seed: int, n_spots: int, streets: list[str]) -> _Fixed:
    rng = np.random.default_rng([seed, 2])
    k = len(areas)
    weights = rng.gamma(4.0, size=k)
    speed = rng.lognormal(0.0, 0.15, size=k)
    speed[-1] *= 1.8  # one slower area
    side = int(np.ceil(np.sqrt(k)))
    grid = np.array([(i // side, i % side) for i in range(k)], float) * 0.03
    centres = grid + np.array(CENTRE)
    ordinary = [i for i, s in enumerate(SERVICES) if s.code in _ORDINARY]
    spot_area = rng.integers(0, k, n_spots)
    spots = pd.DataFrame(
        {
            "service": rng.choice(ordinary, n_spots),
            "area": spot_area,
            "lat": centres[spot_area, 0] + rng.normal(0, 0.004, n_spots),
            "long": centres[spot_area, 1] + rng.normal(0, 0.004, n_spots),
            "street": rng.integers(0, len(streets), n_spots),
            "number": rng.integers(1, 3000, n_spots),
        }
    )
    return _Fixed(weights / weights.sum(), speed, centres, spots)


_ORDINARY = frozenset({"POTHOLE", "STLIGHT", "CONTAINER", "GRAFFITI", "DUMPING", "DRAIN"})


def _fill(template: str, values: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    """`template`'s `{placeholders}` filled row by row from `values`, vectorised."""
    parts = re.split(r"\{(\w+)\}", template)
    out = pd.Series(parts[0], index=index, dtype=object)
    for i, part in enumerate(parts[1:]):
        out = out + (values[part].to_numpy() if i % 2 == 0 else part)
    return out


def _addresses(words: dict, street: np.ndarray, number: np.ndarray, lang: str) -> np.ndarray:
    streets = np.array(words["streets"], dtype=object)[street]
    numbers = number.astype(str).astype(object)
    return numbers + " " + streets if lang == "en" else streets + " " + numbers


def generate(
    n: int,
    *,
    seed: int = SEED,
    lang: str = "es",
    areas: tuple[str, ...] = DEFAULT_AREAS,
    zone: str = ZONE,
    start: date = START,
    days: int = DAYS,
    first_id: int = 1,
    total: int | None = None,
) -> pd.DataFrame:
    """`n` canonical requests (ids from `first_id`). `total` is the size of the whole set
    this chunk belongs to (it sets the number of repeat locations); `n` by default."""
    words = vocabulary(WORDS)[lang]
    fixed = _fixed(areas, seed, max(20, (total or n) // 2000), words["streets"])
    rng = np.random.default_rng([seed, 3, first_id])
    places = _places(rng, n, fixed, words, lang)
    service, area = places.pop("service"), places.pop("area")
    times = _times(rng, service, fixed.area_speed[area], zone, start, days)
    names = [words["services"][s.code] for s in SERVICES]
    service_name = np.array([x[0] for x in names], dtype=object)[service]
    description, notes = _texts(rng, words, service_name, places["address"], times["closed"])
    frame = pd.DataFrame(
        {
            "service_request_id": pd.Series(np.arange(first_id, first_id + n))
            .astype(str)
            .str.zfill(9),
            "service_code": np.array([s.code for s in SERVICES], dtype=object)[service],
            "service_name": service_name,
            "status": np.where(times.pop("closed"), "closed", "open"),
            "status_notes": notes,
            "description": description,
            "agency_responsible": np.array([x[1] for x in names], dtype=object)[service],
            **times,
            "address": places["address"],
            "zipcode": (1000 + 10 * area + rng.integers(0, 5, n)).astype(str),
            "lat": places["lat"].round(6),
            "long": places["long"].round(6),
            "area": np.array(areas, dtype=object)[area],
        }
    )
    return _blank(frame, rng)


def _places(
    rng: np.random.Generator, n: int, fixed: _Fixed, words: dict, lang: str
) -> dict[str, np.ndarray]:
    """Service, area, coordinates and address of each request; a few from repeat locations."""
    weights = np.array([s.weight for s in SERVICES])
    service = rng.choice(len(SERVICES), n, p=weights / weights.sum())
    area = rng.choice(len(fixed.area_weights), n, p=fixed.area_weights)
    lat = fixed.centres[area, 0] + rng.normal(0, 0.006, n)
    long = fixed.centres[area, 1] + rng.normal(0, 0.006, n)
    address = _addresses(words, rng.integers(0, len(words["streets"]), n),
                         rng.integers(1, 3000, n), lang)  # fmt: skip
    repeat = np.flatnonzero(rng.random(n) < REPEAT_SHARE)
    spot = fixed.spots.iloc[rng.integers(0, len(fixed.spots), repeat.size)]
    service[repeat], area[repeat] = spot["service"].to_numpy(), spot["area"].to_numpy()
    lat[repeat], long[repeat] = spot["lat"].to_numpy(), spot["long"].to_numpy()
    address[repeat] = _addresses(words, spot["street"].to_numpy(), spot["number"].to_numpy(), lang)
    return {"service": service, "area": area, "lat": lat, "long": long, "address": address}


def _times(
    rng: np.random.Generator, service: np.ndarray, speed: np.ndarray, zone: str, start: date,
    days: int,
) -> dict:  # fmt: skip
    """`closed` (a mask) and the four date-times: each service's log-normal time to close,
    scaled by the area's speed; requests not closed by the export are open."""
    n = service.size
    requested = _requested(rng, n, zone, start, days)
    median = np.array([s.median_days for s in SERVICES])[service] * speed
    sigma = np.array([s.sigma for s in SERVICES])[service]
    took = pd.to_timedelta(rng.lognormal(np.log(median), sigma) * 86400, unit="s").round("s")
    end = as_of(zone, start, days)
    closed_at = requested + took
    closed = (closed_at <= end) & (rng.random(n) >= NEVER_CLOSED)
    age = (end - requested).dt.total_seconds().to_numpy()
    waited = pd.to_timedelta(np.where(closed, 0.0, age * rng.random(n)), unit="s")
    targets = np.array([np.nan if s.target_days is None else s.target_days for s in SERVICES])
    moments = {
        "requested_datetime": requested,
        "updated_datetime": requested.where(~closed, closed_at) + waited,
        "expected_datetime": requested + pd.to_timedelta(targets[service] * 86400, unit="s"),
        "closed_datetime": closed_at.where(closed),
    }
    return {"closed": closed.to_numpy()} | {
        column: value.dt.floor("s").dt.as_unit("s") for column, value in moments.items()
    }


def _texts(
    rng: np.random.Generator, words: dict, service: np.ndarray, address: np.ndarray,
    closed: np.ndarray,
) -> tuple[pd.Series, np.ndarray]:  # fmt: skip
    """Residents' descriptions (some with a made-up phone number) and, for a tenth of the
    closed requests, staff notes."""
    n = service.size
    index = pd.RangeIndex(n)
    values = {
        "service": pd.Series(service),
        "address": pd.Series(address).fillna(""),
        "phone": pd.Series(rng.integers(100, 200, n).astype(str)).radd("11 5555-0"),
    }
    template = rng.integers(0, len(words["descriptions"]), n)
    description = pd.Series(None, index=index, dtype=object)
    for i, text in enumerate(words["descriptions"]):
        rows = template == i
        description[rows] = _fill(text, values, index)[rows]
    notes = description.where(closed & (rng.random(n) < 0.1), None)
    return description, notes.to_numpy()


def _requested(rng: np.random.Generator, n: int, zone: str, start: date, days: int) -> pd.Series:
    """Request instants over `days` local days, by hour of the day, in `zone`."""
    day = rng.integers(0, days, n)
    hour = rng.choice(24, n, p=HOURLY / HOURLY.sum())
    seconds = day * 86400 + hour * 3600 + rng.integers(0, 3600, n)
    local = pd.Timestamp(start).to_datetime64() + seconds.astype("m8[s]")
    moments = pd.DatetimeIndex(local).tz_localize(
        zone, ambiguous=np.zeros(n, bool), nonexistent="shift_forward"
    )
    return pd.Series(moments)


def _blank(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Blanks as real exports have them: coordinates, addresses and areas sometimes missing."""
    n = len(frame)
    no_place = rng.random(n) < MISSING["coordinates"]
    frame.loc[no_place, ["lat", "long"]] = np.nan
    frame.loc[rng.random(n) < MISSING["address"], "address"] = None
    frame.loc[rng.random(n) < MISSING["area"], "area"] = None
    return frame


def write_csv(
    path: Path,
    n: int,
    *,
    chunk_rows: int = 400_000,
    **settings: object,
) -> int:
    """Write `n` canonical requests to `path` as UTF-8 CSV (date-times with their offset),
    `chunk_rows` at a time; the number of rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        for first in range(0, n, chunk_rows):
            size = min(chunk_rows, n - first)
            chunk = generate(size, first_id=first + 1, total=n, **settings)  # type: ignore[arg-type]
            for column in DATE_COLUMNS:
                chunk[column] = iso_datetimes(chunk[column])
            chunk.to_csv(out, index=False, header=first == 0)
    return n
