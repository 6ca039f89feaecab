"""Vale do Sereno's sample export of residents' requests (fictional; the city is made up).

The rows are the service-requests recipe's seeded requests (`generate.generate`, Portuguese
words, the city's neighbourhoods and time zone) written the way a Brazilian city's request
system exports them, so the city file's mapping has real work to do: Portuguese headers, `;`
between fields, UTF-8 with a byte-order mark, local dates as dd/mm/aaaa hh:mm without an
offset, decimal commas in the coordinates, status words (Aberta, Em andamento, Concluída) and
`00/00/0000 00:00` where the system had no expected date. Coordinates are moved onto the city's
map. The same seed gives the same file:

    .venv/bin/python tools/vale_do_sereno_requests.py
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd

from daas.beacon.recipes.service_requests import generate
from daas.core.city import load_city
from daas.core.io import atomic_write_bytes
from daas.core.paths import repo_root
from daas.profile.city_profile import read_neighbourhoods

SLUG = "vale-do-sereno"
ROWS = 4_000
SEED = 20250714
START, DAYS = date(2024, 7, 1), 365  # a year up to the export's date, 2025-06-30
HEADERS = {
    "service_request_id": "Protocolo",
    "service_code": "Código do Assunto",
    "service_name": "Assunto",
    "status": "Situação",
    "status_notes": "Observação",
    "description": "Descrição",
    "agency_responsible": "Órgão Responsável",
    "requested_datetime": "Data de Abertura",
    "updated_datetime": "Última Atualização",
    "expected_datetime": "Previsão de Atendimento",
    "closed_datetime": "Data de Conclusão",
    "address": "Logradouro",
    "zipcode": "CEP",
    "lat": "Latitude",
    "long": "Longitude",
    "area": "Bairro",
}
NO_DATE = "00/00/0000 00:00"  # what the system writes when it has no expected date
NO_DATE_SHARE = 0.03


def on_the_map(rows: pd.DataFrame, geojson: dict) -> pd.DataFrame:
    """Coordinates moved and scaled from the generator's made-up place onto the city's map."""
    points = [p for f in geojson["features"] for p in _points(f["geometry"]["coordinates"])]
    xs, ys = zip(*points, strict=True)
    centre = ((min(ys) + max(ys)) / 2, (min(xs) + max(xs)) / 2)
    dlat, dlon = rows["lat"] - generate.CENTRE[0], rows["long"] - generate.CENTRE[1]
    scale = 0.9 * min((max(ys) - min(ys)) / 2 / dlat.abs().max(),
                      (max(xs) - min(xs)) / 2 / dlon.abs().max())  # fmt: skip
    return rows.assign(lat=(centre[0] + dlat * scale).round(6),
                       long=(centre[1] + dlon * scale).round(6))  # fmt: skip


def _points(coords: list) -> list:
    return (
        [coords] if isinstance(coords[0], int | float) else [p for c in coords for p in _points(c)]
    )


def export(rows: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The canonical rows as the city's system exports them."""
    rng = np.random.default_rng(seed)
    out = rows.copy()
    year = rows["requested_datetime"].dt.strftime("%y")  # protocol number / year: 000123/25
    out["service_request_id"] = [
        f"{int(i):06d}/{y}" for i, y in zip(rows["service_request_id"], year, strict=True)
    ]
    opened = rows["status"].eq("open")
    out["status"] = np.where(
        opened, np.where(rng.random(len(rows)) < 0.4, "Aberta", "Em andamento"), "Concluída"
    )
    for column in generate.DATE_COLUMNS:
        out[column] = rows[column].dt.strftime("%d/%m/%Y %H:%M")
    out.loc[rng.random(len(rows)) < NO_DATE_SHARE, "expected_datetime"] = NO_DATE
    for column in ("lat", "long"):
        out[column] = rows[column].map(lambda v: "" if pd.isna(v) else f"{v:.6f}".replace(".", ","))
    out["zipcode"] = rows["zipcode"].map(lambda z: f"3{int(z):04d}-000" if z else "")
    return out.rename(columns=HEADERS)[list(HEADERS.values())]


def main() -> None:
    city = load_city(SLUG)
    areas = tuple(read_neighbourhoods(city)["neighbourhood"])
    rows = generate.generate(ROWS, seed=SEED, lang=city.language, areas=areas,
                             zone="America/Sao_Paulo", start=START, days=DAYS)  # fmt: skip
    folder = repo_root() / "data" / SLUG
    geojson = json.loads((folder / "neighbourhoods.geojson").read_text(encoding="utf-8"))
    table = export(on_the_map(rows, geojson), SEED)
    text = table.to_csv(sep=";", index=False, lineterminator="\r\n")
    atomic_write_bytes(folder / "beacon" / "solicitacoes_156.csv", text.encode("utf-8-sig"))


if __name__ == "__main__":
    main()
