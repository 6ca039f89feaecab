"""A seeded generator of realistic, fictional housing Beacon sample data for any city.

It reads the city's `neighbourhoods` dataset and writes, under `data/<slug>/beacon/`:
- `inventory.csv`: the city's affordable-housing export, in the export's own column names, with
  the quirks real exports have (duplicate rows, the sentinel date 12-30-3799 for "never expires",
  blanks next to real zeros, mixed date formats, accented names, typos, missing coordinates);
- `listings.csv`: a private partner's rental listings, Latin-1 and semicolon-separated, with
  asking rents written as `$1,250`;
- `income_limits.csv`: income limits by household size and band;
and `data/<slug>/neighbourhoods.geojson`: fictional neighbourhood polygons for the map.
The same seed gives byte-identical files.
"""

from __future__ import annotations

import json
import math
import zlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from daas.beacon.recipes.housing.bands import income_limits
from daas.core.city import City
from daas.core.io import atomic_write_bytes, atomic_write_text
from daas.core.paths import data_dir
from daas.profile.city_profile import read_neighbourhoods

SEED = 20250630
AS_OF = date(2025, 6, 30)
SENTINEL = "12-30-3799"
BANDS = {"ELI": "extremely-low", "VLI": "very-low", "LI": "low", "MOD": "moderate", "MID": "middle"}
BEDROOMS = {"Studio": "0", "1BR": "1", "2BR": "2", "3BR": "3", "4BR": "4"}
# The export's own column names, and how they map onto the Beacon schema (see cities/*.yml).
EXPORT_COLUMNS = [
    "Bldg ID",
    "Development Name",
    "Street Number",
    "Street Name",
    "Neighborhood",
    "Lat",
    "Long",
    "Tenure",
    "Income Tier",
    "Bedrooms",
    "Affordable Units",
    "Regulatory Start",
    "Regulatory Expiration",
]
NAME_FIRST = ["Harbour", "Casa", "Maple", "Vila", "Résidence", "Union", "Cedar", "Lighthouse"]
NAME_SECOND = ["Peña", "Commons", "São Bento", "Belvédère", "Gardens", "Court", "Muñoz", "Lofts"]
STREETS = [
    "Water Street",
    "Calle Nuñez",
    "Rue Château",
    "Mill Road",
    "Avenida Conceição",
    "Pier Lane",
    "Elm Street",
    "Côte Avenue",
    "Bayview Terrace",
    "Ferreira Way",
]
DATE_FORMATS = ["%m/%d/%Y", "%Y-%m-%d", "%m-%d-%Y"]


def city_seed(city: City, seed: int = SEED) -> int:
    return seed ^ zlib.crc32(city.slug.encode())


def neighbourhood_grid(names: list[str], seed: int) -> dict[str, tuple[float, float, float, float]]:
    """Fictional rectangles (west, south, east, north) for each neighbourhood, in a grid."""
    rng = np.random.default_rng(seed)
    lat0, lon0 = 40.0 + rng.uniform(0, 5), -75.0 + rng.uniform(0, 5)
    cols = math.ceil(math.sqrt(len(names)))
    w, h = 0.024, 0.018
    boxes = {}
    for i, name in enumerate(names):
        r, c = divmod(i, cols)
        west, south = round(lon0 + c * w, 6), round(lat0 - (r + 1) * h, 6)
        boxes[name] = (west, south, round(west + w, 6), round(south + h, 6))
    return boxes


def geojson(boxes: dict[str, tuple[float, float, float, float]]) -> dict:
    """A GeoJSON FeatureCollection of the neighbourhood rectangles (counter-clockwise rings)."""
    features = []
    for name, (w, s, e, n) in boxes.items():
        ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
        features.append(
            {
                "type": "Feature",
                "properties": {"neighbourhood": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _fmt_dates(days: np.ndarray, fmt_idx: np.ndarray) -> np.ndarray:
    """Dates (days since 1970) written in a mix of formats, as real exports do."""
    s = pd.Series(pd.to_datetime(days, unit="D"))
    out = np.empty(len(days), dtype=object)
    for i, fmt in enumerate(DATE_FORMATS):
        m = fmt_idx == i
        out[m] = s[m].dt.strftime(fmt).to_numpy(dtype=object)
    return out


def inventory_frame(
    names: list[str], weights: np.ndarray, boxes: dict, n_buildings: int, seed: int
) -> pd.DataFrame:
    """The inventory export as text columns, quirks included (vectorised: fast at 1M rows)."""
    rng = np.random.default_rng(seed)
    b = n_buildings
    hood = rng.choice(len(names), size=b, p=weights / weights.sum())
    box = np.array([boxes[n] for n in names])[hood]
    lon = box[:, 0] + rng.uniform(0.1, 0.9, b) * (box[:, 2] - box[:, 0])
    lat = box[:, 1] + rng.uniform(0.1, 0.9, b) * (box[:, 3] - box[:, 1])
    first, second = rng.integers(0, len(NAME_FIRST), b), rng.integers(0, len(NAME_SECOND), b)
    start = (
        np.datetime64("1992-01-01") + rng.integers(0, 33 * 365, b).astype("timedelta64[D]")
    ).astype("int64")
    term = rng.choice([15, 30, 55], size=b, p=[0.4, 0.4, 0.2]) * 365
    per = rng.integers(1, 6, b)  # groups (income band x bedrooms) per building
    idx = np.repeat(np.arange(b), per)
    j = np.arange(len(idx)) - np.repeat(np.cumsum(per) - per, per)
    band0, bed0 = rng.integers(0, 5, b)[idx], rng.integers(0, 5, b)[idx]
    n = len(idx)
    band_codes, bed_codes = np.array(list(BANDS)), np.array(list(BEDROOMS))
    units = rng.integers(1, 40, n).astype(object)
    units[rng.random(n) < 0.02] = 0
    units = np.where(rng.random(n) < 0.015, "", units.astype(str))
    end = np.where(rng.random(b) < 0.1, -1, start + term)[idx]
    fmt = rng.integers(0, 3, (2, n))
    end_text = _fmt_dates(np.maximum(end, 0), fmt[1])
    end_text[end < 0] = SENTINEL
    df = pd.DataFrame(
        {
            "Bldg ID": np.char.add("B", np.char.zfill((idx + 1).astype(str), 6)),
            "Development Name": np.char.add(
                np.char.add(np.array(NAME_FIRST)[first], " "), np.array(NAME_SECOND)[second]
            )[idx],
            "Street Number": rng.integers(1, 2400, b).astype(str)[idx],
            "Street Name": np.array(STREETS)[rng.integers(0, len(STREETS), b)][idx],
            "Neighborhood": np.array(names, dtype=object)[hood][idx],
            "Lat": np.round(lat, 6).astype(str)[idx],
            "Long": np.round(lon, 6).astype(str)[idx],
            "Tenure": np.where(rng.random(b) < 0.85, "Rental", "Homeownership")[idx],
            "Income Tier": band_codes[(band0 + j) % 5],
            "Bedrooms": bed_codes[(bed0 + 2 * j) % 5],
            "Affordable Units": units,
            "Regulatory Start": _fmt_dates(start[idx], fmt[0]),
            "Regulatory Expiration": end_text,
        }
    )
    return _add_quirks(df, names, rng)


def _add_quirks(df: pd.DataFrame, names: list[str], rng: np.random.Generator) -> pd.DataFrame:
    n = len(df)

    def pick(share: float) -> np.ndarray:
        """About `share` of the rows, and at least one, so small cities show every quirk."""
        m = rng.random(n) < share
        m[rng.integers(0, n)] = True
        return m

    m = pick(0.01)
    df.loc[m, ["Lat", "Long"]] = ""
    m = pick(0.003)
    df.loc[m, ["Lat", "Long"]] = "0"
    m = pick(0.012)  # a typo in the neighbourhood name: its last letter dropped
    df.loc[m, "Neighborhood"] = df.loc[m, "Neighborhood"].str[:-1]
    m = pick(0.004)
    df.loc[m, "Neighborhood"] = df.loc[m, "Neighborhood"] + " "  # trailing space: harmless
    m = pick(0.006)
    df.loc[m, "Bedrooms"] = "7BR"  # not a bedroom count the schema allows
    m = pick(0.006)  # the affordability ends before it starts
    df.loc[m, "Regulatory Expiration"] = "01/01/1990"
    m = pick(0.006)
    df.loc[m, "Regulatory Start"] = "31/31/2019"  # not a date
    dupes = df[pick(0.02)]
    return pd.concat([df, dupes]).sort_index(kind="stable").reset_index(drop=True)


def listings_frame(
    names: list[str], weights: np.ndarray, incomes: np.ndarray, boxes: dict, n: int, seed: int
) -> pd.DataFrame:
    """The partner's rental listings, as text, in the partner's own column names."""
    rng = np.random.default_rng(seed + 1)
    hood = rng.choice(len(names), size=n, p=weights / weights.sum())
    beds = rng.choice(5, size=n, p=[0.12, 0.38, 0.32, 0.14, 0.04])
    rent = incomes[hood] / 12 * 0.32 * (0.75 + 0.25 * beds) * rng.lognormal(0, 0.15, n)
    rent = (np.round(rent / 5) * 5).astype(int)
    rent_text = np.where(rng.random(n) < 0.3, [f"${r:,}" for r in rent], rent.astype(str))
    box = np.array([boxes[x] for x in names])[hood]
    listed = np.datetime64(AS_OF) - rng.integers(0, 90, n).astype("timedelta64[D]")
    df = pd.DataFrame(
        {
            "listing_ref": [f"L-{i:06d}" for i in rng.permutation(n) + 1],
            "street": [
                f"{k} {STREETS[s]}"
                for k, s in zip(rng.integers(1, 2400, n), rng.integers(0, 10, n), strict=True)
            ],
            "district": np.array(names, dtype=object)[hood],
            "beds": beds.astype(str),
            "rent_usd": rent_text,
            "date_listed": pd.Series(listed).dt.strftime("%d.%m.%Y").to_numpy(),
            "lat": np.round(box[:, 1] + rng.uniform(0.1, 0.9, n) * (box[:, 3] - box[:, 1]), 5),
            "lon": np.round(box[:, 0] + rng.uniform(0.1, 0.9, n) * (box[:, 2] - box[:, 0]), 5),
        }
    )
    df.loc[rng.random(n) < 0.01, "rent_usd"] = ""
    reposted = df[rng.random(n) < 0.015]
    return pd.concat([df, reposted]).sort_index(kind="stable").reset_index(drop=True)


def _city_inputs(city: City) -> tuple[list[str], np.ndarray, np.ndarray]:
    hoods = read_neighbourhoods(city)
    renters = (hoods["households"] * hoods["renter_share"]).to_numpy(dtype=float)
    return (
        list(hoods["neighbourhood"]),
        renters,
        hoods["median_household_income"].to_numpy(dtype=float),
    )


def area_median_income(city: City) -> float:
    """The city's AMI: from the city file, else the household-weighted neighbourhood median."""
    if city.beacon and city.beacon.area_median_income:
        return city.beacon.area_median_income
    hoods = read_neighbourhoods(city)
    w = hoods["households"].to_numpy(dtype=float)
    return float(round((hoods["median_household_income"] * w).sum() / w.sum(), -2))


def generate(city: City, seed: int = SEED, out: Path | None = None) -> dict[str, Path]:
    """Write the city's sample Beacon data; return the paths written."""
    names, renters, incomes = _city_inputs(city)
    s = city_seed(city, seed)
    boxes = neighbourhood_grid(names, s)
    folder = out or data_dir() / city.slug / "beacon"
    n_buildings = max(40, int(renters.sum() / 200))
    inv = inventory_frame(names, renters, boxes, n_buildings, s)
    lst = listings_frame(names, renters, incomes, boxes, max(300, int(renters.sum() / 25)), s)
    limits = pd.DataFrame(income_limits(area_median_income(city)))
    paths = {
        "inventory": folder / "inventory.csv",
        "listings": folder / "listings.csv",
        "income_limits": folder / "income_limits.csv",
        "geojson": (out or data_dir() / city.slug) / "neighbourhoods.geojson",
    }
    atomic_write_text(paths["inventory"], inv.to_csv(index=False, lineterminator="\n"))
    text = lst.to_csv(index=False, sep=";", lineterminator="\r\n")
    atomic_write_bytes(paths["listings"], text.encode("latin-1", errors="replace"))
    atomic_write_text(paths["income_limits"], limits.to_csv(index=False, lineterminator="\n"))
    atomic_write_text(paths["geojson"], json.dumps(geojson(boxes), ensure_ascii=False) + "\n")
    return paths


def write_large_inventory(path: Path, rows: int, seed: int = SEED) -> int:
    """A big inventory export (about `rows` rows) over eight made-up neighbourhoods: benchmarks."""
    names = [f"District {c}" for c in "ABCDEFGH"]
    boxes = neighbourhood_grid(names, seed)
    df = inventory_frame(names, np.ones(len(names)), boxes, max(1, int(rows / 3.06)), seed)
    df = df.iloc[:rows]
    atomic_write_text(path, df.to_csv(index=False, lineterminator="\n"))
    return len(df)
