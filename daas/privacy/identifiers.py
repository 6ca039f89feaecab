"""Direct identifiers: what a column's name and its values say about the people in it.

Two kinds of evidence, combined per column:
- the column name (English, Spanish and Portuguese words: `email`, `telefono`, `nombre`,
  `domicilio`, `cpf`...), with qualifiers that rule a person out (`street name`, `agency name`);
- the values: emails, phone numbers, national ids (checked with `daas.privacy.national_ids`) and
  card numbers are looked for in every value (`daas.privacy.specific`), with the rows holding
  them; street addresses, person names and free text are judged on a sample of the column's
  distinct values (`SAMPLE_VALUES`), so a million-row column costs little more than a small one.

Building, project and place names ("Residencial Las Palmas", "Edifício Aurora", "Rosa Parks
Apts.") and street intersections are not people's names: a value holding a building or street
word is never counted as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from daas.privacy import national_ids as nid
from daas.privacy import specific
from daas.privacy.specific import CARD, EMAIL, EMAIL_RE, PHONE, PHONE_RE

SAMPLE_VALUES = 2000
ROWS_SHOWN = 10  # row numbers listed per identifier type (the count is always given)

PERSON_NAME = "person_name"
STREET_ADDRESS = "street_address"
PRECISE_LOCATION = "precise_location"
FREE_TEXT = "free_text"
# Types that identify a person on their own (the gate refuses them); national ids are "id:<kind>".
DIRECT_TYPES = (EMAIL, PHONE, PERSON_NAME, CARD)
# Types looked for in every value (the others on a sample).
SPECIFIC_TYPES = (EMAIL, PHONE, CARD)
_REEXPORTED = (EMAIL_RE, PHONE_RE)  # kept importable from here

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
    # buildings, projects and city assets, in English, Spanish and Portuguese
    "camera",
    "asset",
    "venue",
    "complex",
    "housing",
    "estate",
    "tower",
    "residence",
    "apartment",
    "proyecto",
    "projeto",
    "edificio",
    "edifício",
    "empreendimento",
    "conjunto",
    "desarrollo",
    "desenvolvimento",
    "condominio",
    "condomínio",
    "residencial",
    "predio",
    "prédio",
    "inmueble",
    "imovel",
    "imóvel",
    "propiedad",
    "propriedade",
    "vivienda",
    "moradia",
    "habitacional",
    "obra",
    "sitio",
    "instalacion",
    "instalación",
    "equipamiento",
    "equipamento",
    "escuela",
    "escola",
    "parque",
    "plaza",
    "praça",
    "estacion",
    "estación",
    "estação",
    "camara",
    "cámara",
    "câmera",
    "unidad",
    "unidade",
    "rua",
    "bairro",
    "colonia",
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
_PLACE_WORDS = (
    r"br|bridge|expressway|expy|tunnel|plaza|square|school|center|centre|hospital|houses|"
    r"avenida|calle|cir|circle|hwy|dm|pkwy|apts?|apartments?|apartamentos?|homes|house|tower|"
    r"towers|residences?|residencial|residencia|edif[ií]cio|edificio|condom[ií]nio|condominio|"
    r"conjunto|torres?|villas?|vila|manor|gardens?|lofts?|commons|estates?|village|complex|"
    r"court|courts|senior|seniors|hdfc|lp|llc|inc|ltd|cooperative|coop|co-op|building|"
    r"bldg|library|station|chapel|clinic|market|mall|hotel|inn|heights|"
    r"pointe?|landing|crossing|terraces|mansions?|cottages?|housing|project|development|"
    r"desarrollo|proyecto|projeto|empreendimento|unidad|parque|jardim|jard[ií]n|jardines|"
    r"barrio|bairro|colonia|fraccionamiento|n[uú]cleo|sede|intersection|intersecci[oó]n|esquina"
)
# Place words after a name-like pair: "George Washington Bridge" names a place, not a person.
_PLACE_AFTER = re.compile(
    rf"^\s*(?:[\w'.\-]+\s+){{0,2}}(?:{_STREET_WORDS}|{_PLACE_WORDS}|park)\b", re.IGNORECASE
)
# A value with a place or street word, or joining two streets, names a place, not a person.
_PLACE_VALUE = re.compile(
    rf"\b(?:{_STREET_WORDS}|{_PLACE_WORDS})\b|\s(?:&|&amp;|and|y|e|/)\s|\d", re.IGNORECASE
)


def name_tokens(column: str) -> list[str]:
    """Lower-case words of a column name: 'Incident Address' -> ['incident', 'address']."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(column))
    return [t for t in re.split(r"[^0-9a-záéíóúñçãõâêôàü]+", spaced.lower()) if t]


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
    # for types looked for in every value: how many rows hold it, and the first row numbers
    # (1 is the first row under the header)
    row_counts: dict[str, int] = field(default_factory=dict)
    rows: dict[str, list[int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "pii": self.pii,
            "examples_redacted": self.examples_redacted,
            "rows": {k: {"count": self.row_counts[k], "first": self.rows[k]} for k in self.rows},
        }

    def where(self, kind: str) -> str:
        """'rows 3, 17 and 40' (or 'rows 3, 17, ... (250 rows)'), numbers in the reader's
        language; empty for sampled types."""
        from daas.core.formats import number
        from daas.core.i18n import _

        if kind not in self.rows:
            return ""
        shown = ", ".join(number(r) for r in self.rows[kind])
        n = self.row_counts[kind]
        if n > len(self.rows[kind]):
            return _("rows {rows}, … ({n} rows)").format(rows=shown, n=number(n))
        return _("row {rows}").format(rows=shown) if n == 1 else _("rows {rows}").format(rows=shown)


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
    # plain Python strings, in order of first appearance (iterating a pandas array is slow)
    texts = dict.fromkeys(v.strip() for v in s.astype(str).to_numpy(dtype=object))
    vals = [v for v in texts if v and v.lower() not in {"nan", "none", "n/a", "na", "null"}]
    if len(vals) > n:
        vals = pd.Series(vals, dtype=object).sample(n, random_state=seed).tolist()
    return vals


def is_free_text(values: list[str]) -> bool:
    """Long, wordy values: comments, descriptions, notes."""
    if not values:
        return False
    words = sum(len(v.split()) for v in values) / len(values)
    length = sum(len(v) for v in values) / len(values)
    return words >= 5 and length >= 30


def _looks_like_name(value: str) -> bool:
    if not _NAME_VALUE_RE.match(value) or _PLACE_VALUE.search(value):
        return False
    first = value.split(",")[-1].split()[0] if "," in value else value.split()[0]
    return first.lower() in GIVEN_NAMES


def _name_in_text(value: str) -> bool:
    """A person's name inside longer text: an honorific, or a given name and a capitalised word
    not followed by a street or place word ("William Cardinal O'Connell Way" is a street)."""
    for m in _HONORIFIC_RE.finditer(value):
        before = value[: m.start()].split()[-1:]
        if not before or not before[0][:1].isupper() or before[0][-1] in ".,:;":
            return True  # "Dr Jones", not "East Pier Dr  East Boston"
    return any(
        m.group(1).lower() in GIVEN_NAMES
        and not _PLACE_AFTER.match(value[m.start(1) + len(m.group(1)) :])
        for m in _TEXT_NAME_RE.finditer(value)
    )


def _sampled_hits(values: list[str]) -> dict[str, list[str]]:
    """Addresses and person names in a sample of values (kind -> the values holding it)."""
    hits: dict[str, list[str]] = {}
    for v in values:
        if ADDRESS_RE.search(v):
            hits.setdefault(STREET_ADDRESS, []).append(v)
        if _looks_like_name(v):
            hits.setdefault(PERSON_NAME, []).append(v)
        elif _name_in_text(v):
            hits.setdefault("name_in_text", []).append(v)
    return hits


def _sampled_types(column: str, values: list[str], from_name: set[str]) -> dict[str, str]:
    """Types found on the sample, by value and by column name: kind -> one example value."""
    n = max(len(values), 1)
    free = is_free_text(values)
    found: dict[str, str] = {}
    for kind, vs in _sampled_hits(values).items():
        share = len(vs) / n
        if kind == STREET_ADDRESS:
            ok = free or share >= 0.3 or STREET_ADDRESS in from_name
        elif kind == PERSON_NAME:
            ok = share >= 0.3 or (PERSON_NAME in from_name and share >= 0.05)
        else:  # names inside text: only in free text
            ok = free
        if ok:
            found.setdefault(PERSON_NAME if kind == "name_in_text" else kind, vs[0])
    for kind in from_name if values else ():  # an empty column holds nobody
        if _trust_name(kind, column, values):
            found.setdefault(kind, values[0])
    return found


_FLAGS = {"y", "n", "yes", "no", "true", "false", "0", "1", "t", "f", "si", "sí", "sim", "não"}


def _trust_name(kind: str, column: str, values: list[str]) -> bool:
    """Whether the values bear out what the column's name says."""
    n = max(len(values), 1)
    if kind == PRECISE_LOCATION:
        return (
            sum(bool(_COORD_RE.match(v)) for v in values) / n >= 0.5
            or (
                "coordinate" in name_tokens(column)
                and pd.to_numeric(pd.Series(values), errors="coerce").notna().mean() >= 0.5
            )
            or any("(" in v and "," in v for v in values[:50])  # "(lat, lon)" pairs
        )
    if kind == PERSON_NAME:
        alpha = sum(
            bool(re.search(r"[A-Za-zÁÉÍÓÚÑáéíóúñ]{2}", v)) and not EMAIL_RE.search(v)
            for v in values
        )
        return alpha / n >= 0.5
    if kind == STREET_ADDRESS:  # not a yes/no flag such as "AddressVerified"
        return sum(v.strip().lower() not in _FLAGS for v in values) / n >= 0.5
    return False  # emails, phones and ids: found in the values (every one), never by name alone


def scan_values(column: str, values: list[str]) -> ColumnFinding:
    """Detect identifier types in one column from its name and a list of its values."""
    return scan_column(pd.Series(values, dtype=object), column)


def _hinted(column: str, from_name: set[str]) -> set[str]:
    hinted = {t[3:] for t in from_name if t.startswith("id:")}
    if set(name_tokens(column)) & set(nid.GENERIC_ID_WORDS):
        hinted |= {k for k, (_, distinctive, _) in nid.VALIDATORS.items() if not distinctive}
    return hinted


def find_options(column: str) -> tuple[frozenset[str], bool]:
    """What `specific.find` is told about a column by its name: the national-id kinds hinted,
    and whether it is named for phones."""
    from_name = types_from_name(column)
    return frozenset(_hinted(column, from_name)), PHONE in from_name


def scan_column(series: pd.Series, name: str | None = None) -> ColumnFinding:
    """Detect identifier types in a pandas column: every value for emails, phones, ids and card
    numbers (with their rows), a sample for addresses, names, free text and locations."""
    column = str(series.name if name is None else name)
    values = sample_values(series)
    exact = specific.find(series.reset_index(drop=True), *find_options(column))
    return column_finding(column, values, exact)


def column_finding(
    column: str, values: list[str], exact: dict[str, specific.Hits]
) -> ColumnFinding:
    """A column's finding from its name, its `sample_values` and what `specific.find` found in
    every value (the plain scan's and a big table's, `daas.privacy.big`)."""
    finding = ColumnFinding(column)
    from_name = types_from_name(column)
    found = _sampled_types(column, values, from_name)
    for kind, hits in exact.items():
        found.setdefault(kind, hits.example)
        finding.row_counts[kind] = hits.count
        finding.rows[kind] = (hits.rows[:ROWS_SHOWN] + 1).tolist()
    identifying = {EMAIL, PHONE, CARD, PERSON_NAME, STREET_ADDRESS}
    if is_free_text(values) and {k for k in found if k in identifying or k.startswith("id:")}:
        found.setdefault(FREE_TEXT, found[next(iter(found))])
    finding.pii = sorted(found)
    finding.evidence = {k: found[k] for k in finding.pii}
    finding.examples_redacted = [
        redact(v) for v in dict.fromkeys(found[k] for k in finding.pii if k != FREE_TEXT) if v
    ][:3]
    return finding
