"""Direct identifiers: what a column's name and its values say about the people in it.

Two kinds of evidence, combined per column:
- the column name (English, Spanish and Portuguese words: `email`, `telefono`, `nombre`,
  `domicilio`, `cpf`...), with qualifiers that rule a person out (`street name`, `agency name`);
- the values: emails, phone numbers, street addresses, person names, national ids (checked with
  `daas.privacy.national_ids`), and free text containing any of these.

Everything works on a sample of the column's distinct non-empty values (`SAMPLE_VALUES`), so a
million-row column costs no more than a small one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from daas.privacy import national_ids as nid

SAMPLE_VALUES = 2000

EMAIL = "email"
PHONE = "phone"
PERSON_NAME = "person_name"
STREET_ADDRESS = "street_address"
PRECISE_LOCATION = "precise_location"
FREE_TEXT = "free_text"
# Types that identify a person on their own (the gate refuses them); national ids are "id:<kind>".
DIRECT_TYPES = (EMAIL, PHONE, PERSON_NAME)

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
PHONE_RE = re.compile(
    r"(?<![\w/.\-])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?|\d{2,4}[\s.\-])"
    r"\d{3,4}[\s.\-]?\d{4}(?![\w/\-]|\.\d)"
)
_STREET_WORDS = (
    r"street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|place|pl|court|ct|way|"
    r"terrace|ter|parkway|pkwy|highway|hwy|square|sq|crescent|close|row|walk|broadway"
)
ADDRESS_RE = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?(?:-\d{{1,5}})?\s+(?:[NSEW]\.?\s+)?(?:[\w.'\-]+\s+){{0,4}}"
    rf"(?:{_STREET_WORDS})\b\.?"
    r"|\b(?:calle|avenida|av\.|avda\.?|rua|pasaje|carrera|cra\.?|diagonal|transversal|jr\.|jir[oó]n)"
    r"\s+[\w.'\- ]{2,40}?\s(?:n[°º.]?\s*)?\d{1,5}\b",
    re.IGNORECASE,
)
_HONORIFIC_RE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sr|Sra|Srta|Sres|Dña|Don|Doña|Dona)\.?\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+"
)
_GIVEN_NAMES_TEXT = """
    james john robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
    ronald jason edward jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin
    scott brandon benjamin samuel gregory alexander patrick frank raymond jack dennis jerry
    tyler aaron jose henry adam douglas nathan peter zachary kyle walter harold jeremy ethan
    carl keith roger mary patricia jennifer linda elizabeth barbara susan jessica sarah
    karen lisa nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda
    dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela
    shirley anna brenda pamela emma nicole helen samantha katherine christine debra rachel
    carolyn janet catherine maria heather diane ruth julie olivia joyce virginia victoria
    kelly lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline martha
    gloria teresa ann sara madison frances kathryn janice jean abigail alice judy sophia
    grace denise amber doris marilyn danielle beverly isabella theresa diana natalie
    brittany charlotte marie kayla alexis lori juan carlos luis jorge pedro miguel javier
    francisco antonio manuel rafael alejandro diego fernando sergio ricardo eduardo andres
    andrés pablo roberto raul raúl mario hector héctor oscar óscar ramon ramón enrique
    alberto gustavo martin martín santiago mateo sebastian sebastián nicolas nicolás gabriel
    joao joão marcos lucas felipe rodrigo bruno thiago tiago guadalupe rosa ana lucia lucía
    carmen sofia sofía valentina camila isabel elena laura paula marta julia gabriela
    daniela fernanda mariana florencia agustina catalina josefina luciana beatriz patricia
    claudia silvia adriana veronica verónica alejandra natalia andrea monica mónica
    francisca juliana leticia aline bruna larissa vanessa priscila renata
"""
GIVEN_NAMES = frozenset(_GIVEN_NAMES_TEXT.split())
_NAME_VALUE_RE = re.compile(
    r"^[A-ZÁÉÍÓÚÑ][a-záéíóúñ'\-]+(?:\s+(?:de|del|da|dos|la|van|von)?\s*"
    r"[A-ZÁÉÍÓÚÑ][a-záéíóúñ'\-]+){1,3}$"
    r"|^[A-ZÁÉÍÓÚÑ][A-Za-záéíóúñ'\-]+,\s*[A-ZÁÉÍÓÚÑ][A-Za-záéíóúñ'\-]+$"
)
_TEXT_NAME_RE = re.compile(r"\b([A-ZÁÉÍÓÚÑ][a-záéíóúñ]+)\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{2,}")
_DECIMAL_RE = re.compile(r"^-?\d+\.\d+$")
_COORD_RE = re.compile(r"^\s*-?\d{1,3}\.\d{4,}\s*$")

# Column-name words (matched against the name's lower-case tokens).
_NAME_WORDS = {
    EMAIL: {"email", "e_mail", "mail", "correo", "correo_electronico", "emailaddress"},
    PHONE: {
        "phone",
        "telephone",
        "tel",
        "telefono",
        "teléfono",
        "celular",
        "movil",
        "móvil",
        "mobile",
        "cell",
        "fax",
        "telefone",
        "whatsapp",
    },
    PERSON_NAME: {
        "name",
        "names",
        "nombre",
        "nombres",
        "apellido",
        "apellidos",
        "surname",
        "firstname",
        "lastname",
        "fullname",
        "nome",
        "sobrenome",
        "forename",
        "given",
        "family",
        "applicant",
        "tenant",
        "resident",
        "requester",
        "reporter",
        "complainant",
        "caller",
        "solicitante",
        "titular",
    },
    STREET_ADDRESS: {
        "address",
        "addr",
        "street",
        "calle",
        "domicilio",
        "direccion",
        "dirección",
        "endereco",
        "endereço",
        "logradouro",
        "altura",
        "domiclio",
        "house_number",
        "housenumber",
        "numero_puerta",
    },
    PRECISE_LOCATION: {
        "lat",
        "latitude",
        "lon",
        "lng",
        "long",
        "longitude",
        "latitud",
        "longitud",
        "coordinates",
        "coords",
        "geom",
        "geometry",
        "location",
        "x_coordinate",
        "y_coordinate",
    },
}
# A name word alongside one of these is not a person's name ("Street Name", "Agency Name").
_NOT_PERSON = {
    "street",
    "agency",
    "project",
    "facility",
    "property",
    "company",
    "business",
    "park",
    "building",
    "file",
    "dataset",
    "neighbourhood",
    "neighborhood",
    "city",
    "place",
    "site",
    "school",
    "organisation",
    "organization",
    "program",
    "programme",
    "road",
    "bridge",
    "highway",
    "management",
    "development",
    "complaint",
    "area",
    "community",
    "borough",
    "district",
    "barrio",
    "comuna",
    "category",
    "categoria",
    "type",
    "tipo",
    "landmark",
    "station",
    "route",
    "service",
    "product",
    "brand",
    "team",
    "field",
    "column",
    "layer",
    "provider",
    "landlord_company",
    "calle",
    "display",
    "user",
    "host",
    "server",
    "domain",
}
# Words that make an address word about a place, not a home (the kind of record, not the address).
_NOT_ADDRESS = {
    "type",
    "tipo",
    "status",
    "comuna",
    "barrio",
    "neighbourhood",
    "neighborhood",
    "city",
    "ciudad",
    "borough",
    "ward",
    "district",
    "zip",
    "postcode",
    "cp",
    "provincia",
    "state",
    "country",
    "pais",
    "bairro",
    "cidade",
    "localidad",
    "municipio",
}
# Place words after a name-like pair: "George Washington Bridge" names a place, not a person.
_PLACE_AFTER = re.compile(
    rf"^\s*(?:{_STREET_WORDS}|br|bridge|expressway|expy|park|tunnel|plaza|square|school|center|"
    r"centre|hospital|houses|avenida|calle)\b",
    re.IGNORECASE,
)


def name_tokens(column: str) -> list[str]:
    """Lower-case words of a column name: 'Incident Address' -> ['incident', 'address']."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(column))
    return [t for t in re.split(r"[^0-9a-záéíóúñç]+", spaced.lower()) if t]


def types_from_name(column: str) -> set[str]:
    """Identifier types a column's name suggests."""
    toks = name_tokens(column)
    joined = "_".join(toks)
    found: set[str] = set()
    words = set(toks) | {joined}
    if words & _NAME_WORDS[EMAIL]:
        found.add(EMAIL)
    if words & _NAME_WORDS[PHONE]:
        found.add(PHONE)
    if words & _NAME_WORDS[PERSON_NAME] and not set(toks) & _NOT_PERSON:
        found.add(PERSON_NAME)
    if words & _NAME_WORDS[STREET_ADDRESS] and not set(toks) & _NOT_ADDRESS:
        found.add(STREET_ADDRESS)
    if (
        words & _NAME_WORDS[PRECISE_LOCATION]
        or {"x", "coordinate"} <= set(toks)
        or {
            "y",
            "coordinate",
        }
        <= set(toks)
    ):
        found.add(PRECISE_LOCATION)
    for kind, hints in nid.NAME_HINTS.items():
        if words & set(hints):
            found.add(f"id:{kind}")
    return found


@dataclass
class ColumnFinding:
    """What the scan found in one column."""

    name: str
    pii: list[str] = field(default_factory=list)
    examples_redacted: list[str] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "pii": self.pii, "examples_redacted": self.examples_redacted}


def redact(value: str) -> str:
    """Keep the shape of a value, hide its content: 'ana@x.org' -> 'a**@*.***'."""
    out = []
    for i, ch in enumerate(value[:40]):
        if ch.isdigit():
            out.append("9")
        elif ch.isalpha():
            out.append(ch if i == 0 else "*")
        else:
            out.append(ch)
    return "".join(out) + ("…" if len(value) > 40 else "")


def sample_values(series: pd.Series, n: int = SAMPLE_VALUES, seed: int = 0) -> list[str]:
    """Up to `n` distinct non-empty values as strings (a seeded sample when there are more)."""
    s = series.dropna()
    if len(s) > 20 * n:
        s = s.sample(20 * n, random_state=seed)
    vals = pd.unique(s.astype(str).str.strip())
    vals = [v for v in vals if v and v.lower() not in {"nan", "none", "n/a", "na", "null"}]
    if len(vals) > n:
        vals = list(pd.Series(vals).sample(n, random_state=seed))
    return vals


def is_free_text(values: list[str]) -> bool:
    """Long, wordy values: comments, descriptions, notes."""
    if not values:
        return False
    words = sum(len(v.split()) for v in values) / len(values)
    length = sum(len(v) for v in values) / len(values)
    return words >= 5 and length >= 30


def _looks_like_name(value: str) -> bool:
    if not _NAME_VALUE_RE.match(value):
        return False
    first = value.split(",")[-1].split()[0] if "," in value else value.split()[0]
    return first.lower() in GIVEN_NAMES


def _ids_in(value: str, hinted: set[str]) -> set[str]:
    """National ids in one value: written forms anywhere; bare digits only with a name hint."""
    found = set()
    upper = value.upper()
    for kind, (check, distinctive, pattern) in nid.VALIDATORS.items():
        if not distinctive and kind not in hinted:
            continue
        for m in re.finditer(pattern, upper):
            if check(m.group()):
                found.add(kind)
                break
        else:
            if kind in hinted and check(value):
                found.add(kind)
    return found


def scan_values(column: str, values: list[str]) -> ColumnFinding:
    """Detect identifier types in one column from its name and a sample of its values."""
    finding = ColumnFinding(str(column))
    from_name = types_from_name(column)
    hinted = {t[3:] for t in from_name if t.startswith("id:")}
    if set(name_tokens(column)) & set(nid.GENERIC_ID_WORDS):
        hinted |= {k for k, (_, distinctive, _) in nid.VALIDATORS.items() if not distinctive}
    hits: dict[str, list[str]] = {}

    def hit(kind: str, value: str) -> None:
        hits.setdefault(kind, []).append(value)

    names = 0
    for v in values:
        if EMAIL_RE.search(v):
            hit(EMAIL, v)
        for m in PHONE_RE.finditer(v):
            text = m.group()
            if (
                7 <= sum(c.isdigit() for c in text) <= 15
                and not _DECIMAL_RE.match(text)
                and not nid.is_us_ssn(text)
            ):
                hit(PHONE, v)
                break
        if ADDRESS_RE.search(v):
            hit(STREET_ADDRESS, v)
        for kind in _ids_in(v, hinted):
            hit(f"id:{kind}", v)
        if _looks_like_name(v):
            names += 1
            hit(PERSON_NAME, v)
        elif _HONORIFIC_RE.search(v) or any(
            m.group(1).lower() in GIVEN_NAMES and not _PLACE_AFTER.match(v[m.end() :])
            for m in _TEXT_NAME_RE.finditer(v)
        ):
            hit("name_in_text", v)
    n = max(len(values), 1)
    free = is_free_text(values)
    found: set[str] = set()
    for kind, vs in hits.items():
        share = len(vs) / n
        if kind in (EMAIL, PHONE) or kind.startswith("id:"):
            ok = True  # specific patterns (ids checked by check digit): one is enough
        elif kind == STREET_ADDRESS:
            ok = free or share >= 0.3 or STREET_ADDRESS in from_name
        elif kind == PERSON_NAME:
            ok = share >= 0.3 or (PERSON_NAME in from_name and share >= 0.05)
        else:  # names inside text: only in free text
            ok = free
        if ok:
            found.add(PERSON_NAME if kind == "name_in_text" else kind)
            finding.evidence.setdefault(PERSON_NAME if kind == "name_in_text" else kind, vs[0])
    # Trust the name for addresses, emails and phones; for person names too unless the values
    # are plainly something else (numbers, codes).
    for kind in from_name if values else ():  # an empty column holds nobody
        if kind == PRECISE_LOCATION:
            if sum(bool(_COORD_RE.match(v)) for v in values) / n >= 0.5 or (
                "coordinate" in name_tokens(column)
                and (pd.to_numeric(pd.Series(values), errors="coerce").notna().mean() >= 0.5)
            ):
                found.add(kind)
            elif any("(" in v and "," in v for v in values[:50]):
                found.add(kind)  # "(lat, lon)" pairs
        elif kind == PERSON_NAME:
            alpha = sum(
                bool(re.search(r"[A-Za-zÁÉÍÓÚÑáéíóúñ]{2}", v)) and not EMAIL_RE.search(v)
                for v in values
            )
            if alpha / n >= 0.5:
                found.add(kind)
        elif kind.startswith("id:"):
            pass  # ids need a value that passes the validator
        else:
            found.add(kind)
        if kind in found and values:
            finding.evidence.setdefault(kind, values[0])
    if free and found & {EMAIL, PHONE, PERSON_NAME, STREET_ADDRESS} | {
        k for k in found if k.startswith("id:")
    }:
        found.add(FREE_TEXT)
    finding.pii = sorted(found)
    finding.examples_redacted = [
        redact(v) for v in dict.fromkeys(finding.evidence.get(k, "") for k in finding.pii) if v
    ][:3]
    return finding


def scan_column(series: pd.Series, name: str | None = None) -> ColumnFinding:
    """Detect identifier types in a pandas column."""
    column = str(series.name if name is None else name)
    return scan_values(column, sample_values(series))
