"""Vale do Sereno's person-level records for the ethics and privacy workshop (fictional; the city
is made up): the residents who made requests to the 156 line.

Each row is one request of the city's Beacon export (`beacon/solicitacoes_156.csv`: its
protocol, subject, neighbourhood, CEP and day) with the made-up resident who made it, as the
call centre's system keeps them: name, phone, e-mail, age (from the year of birth it asks for)
and sex. The quirks of a real contact register are there: phones typed in several ways or left
blank, e-mails mostly missing and sometimes in capitals, sex not always asked, a CPF typed into
the phone field now and then, and residents who called more than once (the same person on
several rows). The same seed gives the same file:

    .venv/bin/python tools/vale_do_sereno_people.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from daas.core.io import atomic_write_text
from daas.core.paths import repo_root
from daas.core.text import fold

SLUG = "vale-do-sereno"
ROWS = 2_000
SEED = 20250715
REPEAT_SHARE = 0.12  # rows that are a second or later request by the same resident
NOT_ASKED = "não informado"
FIRST = {
    "F": ["Ana", "Beatriz", "Camila", "Daniela", "Eliane", "Fernanda", "Gabriela", "Helena",
          "Isabela", "Joana", "Larissa", "Luíza", "Márcia", "Natália", "Patrícia", "Raquel",
          "Sônia", "Tatiane", "Vera", "Yara"],
    "M": ["André", "Bruno", "Carlos", "Diego", "Eduardo", "Fábio", "Gustavo", "Henrique",
          "Igor", "João", "Lucas", "Marcelo", "Nélson", "Otávio", "Paulo", "Rafael", "Sérgio",
          "Tiago", "Vinícius", "Wagner"],
}  # fmt: skip
SURNAMES = ["Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Ferreira", "Costa",
            "Rodrigues", "Almeida", "Nascimento", "Carvalho", "Araújo", "Ribeiro", "Gomes",
            "Martins", "Rocha", "Barbosa", "Moreira", "Teixeira", "Cardoso", "Correia",
            "Dias", "Castro", "Vieira", "Monteiro", "Freitas", "Lopes"]  # fmt: skip
MAIL_HOSTS = ["email.example", "correio.example", "provedor.example"]
COLUMNS = ["request_id", "name", "phone", "email", "age", "sex", "postcode",
           "neighbourhood", "service_name", "requested_on"]  # fmt: skip


def requests() -> pd.DataFrame:
    """The Beacon export's requests that name a neighbourhood, as the workshop's columns."""
    path = repo_root() / "data" / SLUG / "beacon" / "solicitacoes_156.csv"
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df = df[df["Bairro"] != ""]
    return pd.DataFrame(
        {
            "request_id": df["Protocolo"],
            "postcode": df["CEP"],
            "neighbourhood": df["Bairro"],
            "service_name": df["Assunto"],
            "requested_on": pd.to_datetime(
                df["Data de Abertura"], format="%d/%m/%Y %H:%M"
            ).dt.strftime("%Y-%m-%d"),
        }
    )


def cpf(rng: np.random.Generator) -> str:
    """A made-up CPF with valid check digits, written with its dots and dash."""
    digits = [int(d) for d in rng.integers(0, 10, 9)]
    for n in (10, 11):
        check = sum(d * w for d, w in zip(digits, range(n, 1, -1), strict=False)) * 10 % 11
        digits.append(check % 10)
    s = "".join(map(str, digits))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def phone(rng: np.random.Generator) -> str:
    """A mobile number in one of the ways attendants type them, blank, or a CPF by mistake."""
    number = f"9{rng.integers(1000, 10000)}{rng.integers(1000, 10000)}"
    way = rng.choice(7, p=[0.35, 0.2, 0.15, 0.1, 0.08, 0.1, 0.02])
    return [
        f"(31) {number[:5]}-{number[5:]}",
        f"31{number}",
        f"31 {number[:5]}-{number[5:]}",
        f"+55 31 {number[0]} {number[1:5]}-{number[5:]}",
        f"{number[:5]}-{number[5:]}",
        "",
        cpf(rng),
    ][way]


def email(rng: np.random.Generator, first: str, surname: str) -> str:
    """Most residents give none; those who do write it in their own way."""
    if rng.random() < 0.55:
        return ""
    user = fold(f"{first}.{surname}")
    if rng.random() < 0.3:
        user += str(rng.integers(1, 99))
    address = f"{user}@{rng.choice(MAIL_HOSTS)}"
    return address.upper() if rng.random() < 0.08 else address


def resident(rng: np.random.Generator) -> dict[str, str]:
    """One made-up resident as the call centre recorded them."""
    sex = str(rng.choice(["F", "M"], p=[0.56, 0.44]))
    first = str(rng.choice(FIRST[sex]))
    surnames = [str(s) for s in rng.choice(SURNAMES, size=rng.integers(1, 3), replace=False)]
    return {
        "name": " ".join([first, *surnames]),
        "phone": phone(rng),
        "email": email(rng, first, surnames[-1]),
        "age": str(min(int(rng.gamma(6.0, 6.0)) + 18, 94)),
        "sex": NOT_ASKED if rng.random() < 0.04 else sex,
    }


def people(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    """`rows` requests, oldest first, each with the resident who made it."""
    rng = np.random.default_rng(seed)
    picked = requests().sample(rows, random_state=seed).sort_values(["requested_on", "request_id"])
    callers: list[dict[str, str]] = []
    for hood in picked["neighbourhood"]:
        same = [c for c in callers if c["neighbourhood"] == hood]
        if same and rng.random() < REPEAT_SHARE:
            callers.append(same[rng.integers(len(same))])
        else:
            callers.append({**resident(rng), "neighbourhood": hood})
    who = pd.DataFrame(callers).drop(columns="neighbourhood")
    return pd.concat([picked.reset_index(drop=True), who], axis=1)[COLUMNS]


def main() -> None:
    path = repo_root() / "data" / SLUG / "solicitantes_156.csv"
    atomic_write_text(path, people().to_csv(index=False, lineterminator="\n"))


if __name__ == "__main__":
    main()
