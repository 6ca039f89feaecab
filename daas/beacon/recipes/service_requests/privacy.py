"""The service-requests recipe's privacy rules, stricter than housing's.

- Free text (`description`, `status_notes`) and anything about the caller (names, contacts, or
  any column not in `PUBLIC_FIELDS`) never reach a published table.
- Request types that concern people (`data/sensitive_categories.yml`: a neighbour's noise, a
  person sleeping rough, abuse, welfare, drugs, an occupied home...; matched on the service
  name and code, case and accents ignored, in English, Spanish and Portuguese) keep only their
  area: address, postcode and coordinates are blanked (`LOCATION_FIELDS`), and the area too
  where the type has fewer requests there than the city's minimum cell size; their times
  (`TIME_FIELDS`) are given as the start of their local day, so the hour of a call about a
  person cannot single it out.
- Counts are suppressed in the aggregates (`aggregates.py`), by the kit's own rules.

`public_requests(df, sensitive)` is the request-level table that may be published; the
published `service_requests` table's address and coordinate columns then hold only places
where a problem in the street was reported, declared to the privacy gate by `GATE_DECLARATIONS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from daas.beacon.big.publish import among, public_table
from daas.beacon.cells import iso_datetimes
from daas.core.big import BigTable, literal, quoted
from daas.core.text import fold
from daas.core.vocabulary import vocabulary

SENSITIVE_FILE = "beacon/recipes/service_requests/data/sensitive_categories.yml"
PUBLIC_TABLE = "service_requests"
FREE_TEXT = ("description", "status_notes")
LOCATION_FIELDS = ("address", "zipcode", "lat", "long")
PUBLIC_FIELDS = (
    "service_request_id", "service_code", "service_name", "status", "agency_responsible",
    "requested_datetime", "updated_datetime", "expected_datetime", "closed_datetime",
    *LOCATION_FIELDS, "area",
)  # fmt: skip
TIME_FIELDS = ("requested_datetime", "updated_datetime", "expected_datetime", "closed_datetime")
COARSENED = "location_coarsened"
# The published request table's location columns, as the privacy gate's kinds: after
# `public_requests` they hold where a problem in the street was reported, never a person's home.
GATE_DECLARATIONS = {
    PUBLIC_TABLE: {"address": "street-address", "lat": "street-location",
                   "long": "street-location"},
}  # fmt: skip


@dataclass(frozen=True)
class Sensitive:
    """The request types whose exact location is never published: regular expressions over
    folded (lower-case, accent-free) service names and codes."""

    patterns: tuple[str, ...]

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in self.patterns))

    def matches(self, text: object) -> bool:
        """Whether one service name or code is sensitive (blank is not)."""
        if text is None or (isinstance(text, float) and np.isnan(text)):
            return False
        words = re.sub(r"[_\W]+", " ", fold(str(text)))
        return bool(self.regex.search(words))

    def codes(self, codes: pd.Series, names: pd.Series) -> set[str]:
        """The sensitive service codes: a code is sensitive when it, or any name it is given,
        matches (each distinct pair is matched once)."""
        pairs = pd.DataFrame({"code": codes, "name": names}).drop_duplicates()
        return {
            str(code)
            for code, name in pairs.itertuples(index=False)
            if self.matches(code) or self.matches(name)
        }

    def mask(self, df: pd.DataFrame) -> np.ndarray:
        """Per row of a canonical table, whether its service code is sensitive."""
        names = df["service_name"] if "service_name" in df else pd.Series(None, index=df.index)
        found = self.codes(df["service_code"], names)
        return df["service_code"].astype(str).isin(found).to_numpy(dtype=bool)


def sensitive_categories(extra: Iterable[str] = ()) -> Sensitive:
    """The recipe's sensitive request types in every language, plus a city's own `extra`
    patterns (regular expressions over folded text, e.g. a local programme's name)."""
    lists = vocabulary(SENSITIVE_FILE).values()
    return Sensitive(tuple(p for patterns in lists for p in patterns) + tuple(extra))


def public_requests(
    df: pd.DataFrame | BigTable, sensitive: Sensitive, *, zone: str, min_cell: int = 10
) -> pd.DataFrame | BigTable:
    """The request-level table that may be published: only `PUBLIC_FIELDS` (free text, caller
    details and any other column left out), and for sensitive request types no address,
    postcode or coordinates, only the area, and times to the day (local midnight in `zone`,
    the city's time zone); `location_coarsened` says which rows. Where a sensitive type has
    fewer than `min_cell` requests in an area, the area is blanked too (small areas
    suppressed: "an elder welfare check somewhere in the city"). A big table
    (`daas.core.big.BigTable`) gives a new big table of the same rows (`_public_big`)."""
    if isinstance(df, BigTable):
        return _public_big(df, sensitive, zone=zone, min_cell=min_cell)
    out = df[[c for c in PUBLIC_FIELDS if c in df.columns]].copy()
    hidden = sensitive.mask(df)
    for column in LOCATION_FIELDS:
        if column in out:
            out[column] = out[column].where(~hidden)
    for column in TIME_FIELDS:
        if column in out and hidden.any():  # only the hidden rows' times are read
            days = start_of_day(out.loc[hidden, column], zone).reindex(out.index)
            out[column] = out[column].where(~hidden, days)
    if "area" in out and hidden.any():
        size = out.groupby(["service_code", "area"], dropna=False)["service_code"].transform("size")
        out["area"] = out["area"].where(~(hidden & (size < min_cell).to_numpy()))
    out[COARSENED] = hidden
    return out


def start_of_day(values: pd.Series, zone: str) -> pd.Series:
    """Each date-time as the start of its local day in `zone`, in the form it came in: ISO 8601
    text with an offset stays text (with the day's own offset), an aware date-time stays aware,
    a naive one (local time already) stays naive."""
    text = not pd.api.types.is_datetime64_any_dtype(values)
    when = pd.to_datetime(values, utc=True, format="ISO8601") if text else values
    aware = when.dt.tz is not None
    local = when.dt.tz_convert(zone).dt.tz_localize(None) if aware else when
    day = local.dt.floor("D")
    if text:
        midnight = day.dt.tz_localize(zone, ambiguous=True, nonexistent="shift_forward")
        return iso_datetimes(midnight).where(values.notna())
    if not aware:
        return day
    midnight = day.dt.tz_localize(zone, ambiguous=True, nonexistent="shift_forward")
    return midnight.dt.tz_convert(values.dt.tz)


# what stands for a missing value and separates a key's parts in `_public_big`'s look-ups
_NULL, _SEP = "\x1e", "\x1f"
_OFFSET_SQL = r"regexp_extract({c}, '(Z|[+-][0-9]{{2}}:?[0-9]{{2}})$')"


def _public_big(table: BigTable, sensitive: Sensitive, *, zone: str, min_cell: int) -> BigTable:
    """`public_requests` of a big table, in SQL, row for row what the frame's gives (its
    `.df()` is the frame's result). Python decides only on distinct values, with the frame
    path's own code: which service codes are sensitive (`Sensitive.mask` on the distinct
    code and name pairs) and each local day's midnight (`start_of_day` on one value per day:
    a hidden time's date and offset as written, which `checks.local_text` writes in the
    city's zone; a day whose first and last values disagree takes the frame path). Date-times
    held as anything but text take the frame path too (the clean tables hold text). Every
    expression keeps the rows' order (`among`, not `IN`)."""
    engine, src, columns = table.engine, table.sql, table.columns
    types = table.types()
    kept = [c for c in PUBLIC_FIELDS if c in columns]

    def frame_path() -> BigTable:
        public = public_requests(table.df(), sensitive, zone=zone, min_cell=min_cell)
        engine.con.register("_public", public)
        try:
            return public_table(engine, "public", "SELECT * FROM _public")
        finally:
            engine.con.unregister("_public")

    if any(c in kept and types[c] != "VARCHAR" for c in TIME_FIELDS):
        return frame_path()
    hidden = f"({_hidden_sql(table, sensitive)})"
    out = {c: quoted(c) for c in kept}
    for c in LOCATION_FIELDS:
        if c in out:
            out[c] = f"CASE WHEN {hidden} THEN NULL ELSE {quoted(c)} END"
    params: dict[str, object] = {}
    if hidden != "(false)":
        times = [c for c in TIME_FIELDS if c in out]
        midnight = _midnights(table, hidden, times, zone)
        if midnight is None:
            return frame_path()
        # a day's midnight is mostly its date, 00:00:00 and the offset of the time (the days
        # whose midnight has another offset, a clock change, are looked up)
        special = {k: v for k, v in midnight.items() if v != f"{k[:10]}T00:00:00{k[10:]}"}
        params["days"], params["midnights"] = list(special), list(special.values())
        for c in times:
            day, offset = f"left({quoted(c)}, 10)", _OFFSET_SQL.format(c=quoted(c))
            start = f"{day} || 'T00:00:00' || {offset}"
            if special:
                key = f"{day} || {offset}"
                start = (f"CASE WHEN {among('$days', key)} THEN list_extract($midnights, "
                         f"list_position($days, {key})) ELSE {start} END")  # fmt: skip
            out[c] = f"CASE WHEN {hidden} THEN {start} ELSE {quoted(c)} END"
        if "area" in out:
            key = f"coalesce(service_code, '{_NULL}') || '{_SEP}' || coalesce(area, '{_NULL}')"
            small = engine.execute(
                f"SELECT {key} FROM {src} WHERE {hidden} GROUP BY ALL HAVING count(*) < $n",
                {"n": int(min_cell)},
            ).fetchall()
            params["small"] = [k for (k,) in small]
            small_area = f"{hidden} AND {among('$small', key)}"
            out["area"] = f"CASE WHEN {small_area} THEN NULL ELSE area END"
    select = ", ".join(f"{sql} AS {quoted(c)}" for c, sql in out.items())
    return public_table(
        engine, "public", f"SELECT {select}, {hidden} AS {quoted(COARSENED)} FROM {src}", params
    )


def _hidden_sql(table: BigTable, sensitive: Sensitive) -> str:
    """SQL true for the rows `Sensitive.mask` marks (decided on the distinct code and name
    pairs, as the frame's are read: `string` columns); `false` when none."""
    name = "service_name" if "service_name" in table.columns else "NULL::VARCHAR"
    pairs = table.engine.frame(
        f"SELECT DISTINCT service_code, {name} AS service_name FROM {table.sql}"
    ).astype("string")
    codes = pairs["service_code"][sensitive.mask(pairs)].drop_duplicates()
    listed = ", ".join(literal(c) for c in codes.dropna())
    hidden = [among(f"[{listed}]::VARCHAR[]", "service_code")] * bool(listed)
    hidden += ["service_code IS NULL"] * bool(codes.isna().any())
    return " OR ".join(hidden) or "false"


def _midnights(table: BigTable, hidden: str, times: list[str], zone: str) -> dict[str, str] | None:
    """Each hidden time's key (its date and offset as written) -> `start_of_day` of it; None
    when a key's first and last values start different days (not written in `zone`)."""
    if not times:
        return {}
    listed = ", ".join(map(quoted, times))
    values = f"SELECT unnest([{listed}]) AS v FROM {table.sql} WHERE {hidden}"  # one pass
    key = f"left(v, 10) || {_OFFSET_SQL.format(c='v')}"
    days = table.engine.frame(f"""SELECT {key} AS k, min(v) AS first, max(v) AS last
        FROM ({values}) WHERE v IS NOT NULL GROUP BY k""")  # fmt: skip
    first = start_of_day(days["first"].astype("string"), zone)
    last = start_of_day(days["last"].astype("string"), zone)
    if not first.equals(last):
        return None
    return dict(zip(days["k"], first.astype(object), strict=True))
