"""Re-identification risk in person-level tables: k-anonymity, unique records, l-diversity.

Only tables about people are judged this way: a table whose rows are places (buildings,
projects, cameras, service points; `rows_are_places`) has no one to re-identify, unless the
user names quasi-identifiers.

Quasi-identifiers are fields that are harmless alone but can be matched to other sources
together (age, sex, postcode, a small area, an exact date). A table is k-anonymous when every
combination of their values is shared by at least k records; l-diversity asks, in addition, that
each such group holds at least l different values of a sensitive field, so that being in a group
does not give the sensitive value away. Every measure is a full vectorised pass (`groupby`),
never a sample.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from daas.core.display import Table, show
from daas.core.i18n import N_, _
from daas.core.tables import require_columns
from daas.privacy.identifiers import ColumnFinding, name_tokens, sample_values

_QI_WORDS = {
    "age": {
        "age",
        "edad",
        "idade",
        "age_band",
        "birth",
        "dob",
        "birthdate",
        "nacimiento",
        "nascimento",
        "birth_year",
        "year_of_birth",
    },
    "sex or gender": {"sex", "gender", "genero", "género", "sexo"},
    "postcode": {
        "postcode",
        "zip",
        "zipcode",
        "postal",
        "postal_code",
        "cp",
        "codigo_postal",
        "cep",
        "incident_zip",
    },
    "small area": {
        "tract",
        "block",
        "census",
        "neighbourhood",
        "neighborhood",
        "barrio",
        "comuna",
        "ward",
        "lsoa",
        "msoa",
        "oa",
        "colonia",
        "bairro",
        "localidad",
        "precinct",
        "community_board",
        "district",
        "nta",
    },
    "ethnicity": {"ethnicity", "race", "etnia", "raza", "nationality", "nacionalidad"},
    "household": {"household_size", "persons", "occupants", "children", "dependants"},
}
_DATE_WORDS = {
    "date",
    "fecha",
    "data",
    "dia",
    "created",
    "closed",
    "time",
    "hora",
    "timestamp",
    "datetime",
    "dob",
    "day",
    "ingreso",
    "cierre",
}
_DATE_VALUE = re.compile(
    r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|^\d{1,2}:\d{2}(?::\d{2})?$"
)


@dataclass(frozen=True)
class Suggestion:
    column: str
    kind: str


def suggest_quasi_identifiers(df: pd.DataFrame) -> list[Suggestion]:
    """Columns that look like quasi-identifiers, by name (and by value, for exact dates)."""
    out: list[Suggestion] = []
    for col in df.columns:
        toks = name_tokens(str(col))
        words = set(toks) | {"_".join(toks)}
        kind = next((k for k, ws in _QI_WORDS.items() if words & ws), None)
        if kind is None:
            vals = sample_values(df[col], 200)
            if pd.api.types.is_datetime64_any_dtype(df[col]) or (
                vals and sum(bool(_DATE_VALUE.match(v)) for v in vals) / len(vals) >= 0.8
            ):
                kind = "exact date or time"
        if kind:
            out.append(Suggestion(str(col), kind))
    return out


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A column naming a place: a place word with an identity word ("Property Name", "Building ID")
_PLACE_ENTITY = _words(
    "building bldg project property development site facility camera station asset school park "
    "library venue complex estate proyecto projeto edificio edifício predio prédio inmueble "
    "imovel imóvel propiedad propriedade empreendimento conjunto desarrollo condominio "
    "condomínio camara cámara câmera estacion estación estação equipamiento equipamento sede "
    "instalacion instalación punto ponto"
)
_IDENTITY = _words("id name number key code nombre nome numero número codigo código no nr ref")
_PLACE_KEYS = frozenset({"bbl", "bin", "bldg_id", "building_id", "project_id", "property_id"})
# Words that say the rows are about people, or about what people asked or reported
_PERSON_WORDS = _words(
    "applicant applicants application applications tenant tenants resident residents patient "
    "patients student students client clients person persons people persona personas pessoa "
    "pessoas household households hogar hogares caller complainant reporter requester "
    "solicitante contacto contactos contact contacts complaint complaints request requests case "
    "cases incident incidents ticket tickets enquiry inquiry reclamo reclamos queja quejas "
    "denuncia denuncias solicitud solicitudes solicitacao solicitação reclamacao reclamação "
    "chamado chamados beneficiary beneficiario beneficiário member members employee employees "
    "victim victims offender arrest arrests user users respondent respondents"
)
_PERSON_QI = {"age", "sex or gender", "ethnicity", "household"}
_PERSON_FINDINGS = {"email", "person_name", "card_number"}


def rows_are_places(
    df: pd.DataFrame,
    findings: Sequence[ColumnFinding],
    suggested: Sequence[Suggestion] | None = None,
) -> bool:
    """True when the table's rows are places: a column names a place (`Property Name`,
    `Building ID`, `BIN`) and nothing says the rows are about people (an age, sex, ethnicity or
    household column; a person's name, email, card or national id; a word such as `applicant`,
    `complaint`, `request`, `case` or `contact` in a column name)."""
    suggested = suggest_quasi_identifiers(df) if suggested is None else suggested
    if any(s.kind in _PERSON_QI for s in suggested):
        return False
    if any(k in _PERSON_FINDINGS or k.startswith("id:") for f in findings for k in f.pii):
        return False
    place = False
    for col in df.columns:
        toks = set(name_tokens(str(col)))
        if toks & _PERSON_WORDS:
            return False
        joined = "_".join(name_tokens(str(col)))
        place = place or joined in _PLACE_KEYS or bool(toks & _PLACE_ENTITY and toks & _IDENTITY)
    return place


def _check_columns(df: pd.DataFrame, cols: Sequence[str], flag: str) -> None:
    require_columns(df.columns, cols, flag, message=_("not a column of the table"))


def group_sizes(df: pd.DataFrame, quasi: Sequence[str]) -> pd.Series:
    """Size of each group of records sharing the same quasi-identifier values (blanks count)."""
    _check_columns(df, quasi, "--quasi-identifiers")
    if not quasi:
        return pd.Series([len(df)], dtype="int64")
    return df.groupby(list(quasi), dropna=False, observed=True, sort=False).size()


def record_group_sizes(df: pd.DataFrame, quasi: Sequence[str]) -> pd.Series:
    """For each record, the size of its group (aligned with `df`)."""
    _check_columns(df, quasi, "--quasi-identifiers")
    if not quasi:
        return pd.Series(len(df), index=df.index)
    return df.groupby(list(quasi), dropna=False, observed=True, sort=False)[quasi[0]].transform(
        "size"
    )


def k_anonymity(df: pd.DataFrame, quasi: Sequence[str]) -> int:
    """The size of the smallest group (0 for an empty table)."""
    return int(group_sizes(df, quasi).min()) if len(df) else 0


def unique_records(df: pd.DataFrame, quasi: Sequence[str]) -> int:
    """How many records are alone in their group, so could be singled out."""
    return int((group_sizes(df, quasi) == 1).sum()) if len(df) else 0


def l_diversity(df: pd.DataFrame, quasi: Sequence[str], sensitive: str) -> int:
    """The smallest number of distinct sensitive values in any group (distinct l-diversity)."""
    _check_columns(df, [sensitive], "--sensitive")
    if not len(df):
        return 0
    if not quasi:
        return int(df[sensitive].nunique(dropna=False))
    _check_columns(df, quasi, "--quasi-identifiers")
    per_group = df.groupby(list(quasi), dropna=False, observed=True, sort=False)[sensitive]
    return int(per_group.nunique(dropna=False).min())


def uniques_by_combination(
    df: pd.DataFrame, quasi: Sequence[str], max_size: int = 3
) -> pd.DataFrame:
    """Unique records and k for every combination of up to `max_size` quasi-identifiers,
    most revealing first: shows which fields together single people out."""
    rows = []
    for size in range(1, min(max_size, len(quasi)) + 1):
        for combo in itertools.combinations(quasi, size):
            sizes = group_sizes(df, combo)
            rows.append(
                {
                    "fields": " + ".join(combo),
                    "n_fields": size,
                    "unique_records": int((sizes == 1).sum()),
                    "k": int(sizes.min()) if len(df) else 0,
                }
            )
    out = pd.DataFrame(rows, columns=["fields", "n_fields", "unique_records", "k"])
    return out.sort_values(
        ["unique_records", "n_fields"], ascending=[False, True], ignore_index=True
    )


def uniques_table(uniques: pd.DataFrame) -> Table:
    """`uniques_by_combination`'s rows as a page shows them: labelled, the fields as code."""
    labels = {"fields": N_("Fields combined"), "n_fields": N_("Number of fields"),
              "unique_records": N_("Unique records"), "k": N_("Smallest group (k)")}  # fmt: skip
    return show(uniques, labels, literal=("fields",))


def band_ages(ages: pd.Series, width: int = 10, top: int = 80) -> pd.Series:
    """Replace exact ages with bands ('30-39', ..., '80+'): a standard fix that raises k."""
    a = pd.to_numeric(ages, errors="coerce")
    lower = (a // width * width).clip(upper=top)
    labels = (
        lower.astype("Int64").astype("string")
        + "-"
        + (lower + width - 1).astype("Int64").astype("string")
    )
    labels = labels.mask(lower >= top, f"{top}+")
    return labels.astype("string")


def coarsen(series: pd.Series, mapping: dict[str, str], other: str | None = None) -> pd.Series:
    """Replace fine categories (e.g. postcodes) with coarser ones (e.g. districts)."""
    out = series.map(mapping)
    return out if other is None else out.fillna(other)
