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

from daas.beacon.cells import iso_datetimes
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
    df: pd.DataFrame, sensitive: Sensitive, *, zone: str, min_cell: int = 10
) -> pd.DataFrame:
    """The request-level table that may be published: only `PUBLIC_FIELDS` (free text, caller
    details and any other column left out), and for sensitive request types no address,
    postcode or coordinates, only the area, and times to the day (local midnight in `zone`,
    the city's time zone); `location_coarsened` says which rows. Where a sensitive type has
    fewer than `min_cell` requests in an area, the area is blanked too (small areas
    suppressed: "an elder welfare check somewhere in the city")."""
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
