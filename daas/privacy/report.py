"""Charts and before/after tables for the ethics and privacy workshop."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from daas.core.charts import describe, use_theme
from daas.core.display import Table, headers, readable
from daas.core.formats import number
from daas.core.i18n import N_, _
from daas.privacy import anonymity
from daas.privacy.scan import ScanResult

# what charts call the fields of the workshop's person-level samples (a chart cannot show a
# field's name as code); any other field is named by its name in words
FIELD_LABELS = {
    "age": N_("age"),
    "sex": N_("sex"),
    "postcode": N_("postcode"),
    "neighbourhood": N_("neighbourhood"),
    "household_size": N_("household size"),
    "applied_on": N_("date of application"),
    "requested_on": N_("date of request"),
    "service_name": N_("service"),
    "outcome": N_("outcome"),
}


def field_label(name: str) -> str:
    """A field as a chart names it, in the reader's language: `applied_on` is "date of
    application"; a field the kit does not know, its name in words ("date of birth")."""
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name.replace("_", " ").strip()


def records_summary(df: pd.DataFrame, city_name: str) -> str:
    """How many records and columns a dataset has, in a sentence."""
    return _("{city}: {rows} records, {columns} columns").format(
        city=city_name, rows=number(len(df)), columns=df.shape[1]
    )


def k_before_after(before: ScanResult, after: ScanResult) -> str:
    """k-anonymity before and after the fixes, and whether the result may be published."""
    text = (
        _("k before: {before}, k after: {after}; publishable: yes")
        if after.publishable
        else _("k before: {before}, k after: {after}; publishable: no")
    )
    return text.format(before=before.k_anonymity, after=after.k_anonymity)


def group_size_distribution(df: pd.DataFrame, quasi: Sequence[str], threshold: int = 10):
    """Bar chart: how many records sit in groups of size 1, 2, ... (groups under the threshold
    are the risky ones)."""
    use_theme()
    sizes = anonymity.record_group_sizes(df, quasi)
    bins = sizes.clip(upper=threshold).map(lambda s: f"{threshold}+" if s >= threshold else str(s))
    order = [str(i) for i in range(1, threshold)] + [f"{threshold}+"]
    counts = bins.value_counts().reindex(order, fill_value=0).rename_axis("group size")
    data = counts.reset_index(name="records")
    risky, safe = _("at risk"), _("safe")
    data["risk"] = [risky if s != f"{threshold}+" else safe for s in data["group size"]]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("group size:N", sort=order, title=_("Records sharing the same values")),
            y=alt.Y("records:Q", title=_("Records")),
            color=alt.Color("risk:N", title=None, sort=[risky, safe]),
            tooltip=[
                alt.Tooltip("group size", title=_("group size")),
                alt.Tooltip("records", title=_("records")),
            ],
        )
    )
    at_risk = int((sizes < threshold).sum())
    return describe(
        chart,
        _("How many people share their combination of details"),
        _(
            "Bar chart of {n} records by the size of the group sharing the same {fields}. "
            "{at_risk} records are in groups smaller than {threshold}."
        ).format(
            n=number(len(df)),
            fields=", ".join(field_label(q) for q in quasi),
            at_risk=number(at_risk),
            threshold=threshold,
        ),
    )


def uniques_chart(df: pd.DataFrame, quasi: Sequence[str], max_size: int = 3):
    """Horizontal bars: records unique on each combination of fields (named in words)."""
    use_theme()
    labels = {q: field_label(q) for q in quasi}
    data = anonymity.uniques_by_combination(
        df[list(labels)].rename(columns=labels), list(labels.values()), max_size
    ).head(15)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("fields:N", sort="-x", title=None),
            x=alt.X("unique_records:Q", title=_("Records unique on these fields")),
            tooltip=[
                alt.Tooltip("fields", title=_("fields")),
                alt.Tooltip("unique_records", title=_("Records unique on these fields")),
                alt.Tooltip("k", title="k"),
            ],
        )
    )
    top = data.iloc[0] if len(data) else None
    text = (
        _("Bar chart. The combination {fields} singles out {n} records.").format(
            fields=top["fields"], n=number(int(top["unique_records"]))
        )
        if top is not None
        else _("Bar chart. No combinations.")
    )
    return describe(chart, _("Which fields single people out"), text)


def fixes(
    df: pd.DataFrame,
    quasi: Sequence[str],
    *,
    age: str | None = None,
    fine_area: str | None = None,
    coarse_area: str | None = None,
    date: str | None = None,
    age_width: int = 20,
    threshold: int = 10,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the standard fixes one after another; return (k before/after table, fixed data).

    Steps: band ages (`age_width` years); replace a fine area with a coarser one (dropping the
    fine column); keep only the year of an exact date; finally suppress the records still in groups
    smaller than `threshold`.
    """
    quasi = list(quasi)
    d = df.copy()
    rows = [_step(_("as collected"), d, quasi)]
    if age:
        d[age] = anonymity.band_ages(d[age], width=age_width, top=age_width * 4)
        label = _("{age} in {width}-year bands").format(age=f"`{age}`", width=age_width)
        rows.append(_step(label, d, quasi))
    if fine_area and coarse_area:
        quasi = [coarse_area if q == fine_area else q for q in quasi]
        quasi = list(dict.fromkeys(quasi))
        d = d.drop(columns=[fine_area])
        label = _("{coarse} instead of {fine}").format(
            coarse=f"`{coarse_area}`", fine=f"`{fine_area}`"
        )
        rows.append(_step(label, d, quasi))
    if date:
        d[date] = d[date].astype(str).str[:4]
        rows.append(_step(_("{date} to the year").format(date=f"`{date}`"), d, quasi))
    sizes = anonymity.record_group_sizes(d, quasi)
    kept = d[sizes >= threshold]
    step = _step(_("suppress groups under {threshold}").format(threshold=threshold), kept, quasi)
    step["records suppressed"] = int(len(d) - len(kept))
    rows.append(step)
    table = pd.DataFrame(rows).set_index("step")
    table["records suppressed"] = table["records suppressed"].fillna(0).astype(int)
    table = headers(table, FIX_COLUMNS)
    table.attrs["quasi"] = quasi  # the fields after the fixes
    return table, kept


FIX_COLUMNS = (N_("step"), N_("unique records"), N_("records"), N_("records suppressed"))


def fixes_shown(steps: pd.DataFrame) -> Table:
    """`fixes`' table as a reader sees it: a row per step, fields named as code."""
    return readable(steps)


def counts_shown(table: pd.DataFrame, rows: str, columns: str, values: str) -> Table:
    """Suppressed counts (`suppress_counts`' long table) as a grid: a row per `rows` value (its
    name marked with `N_`), a column per `columns` value, a dash where a count is hidden."""
    grid = table.pivot(index=rows, columns=columns, values=values)
    grid = grid.rename_axis(index=_(rows), columns=None)
    return readable(grid[list(pd.unique(table[columns]))])


def _step(label: str, d: pd.DataFrame, quasi: Sequence[str]) -> dict:
    return {
        "step": label,
        "k": anonymity.k_anonymity(d, quasi),
        "unique records": anonymity.unique_records(d, quasi),
        "records": len(d),
        "records suppressed": None,
    }
