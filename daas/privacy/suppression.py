"""Small-cell suppression for published count tables.

Primary suppression hides every count from 1 to `threshold - 1` (zero is published: a zero
reveals nobody, unless `suppress_zeros=True`, the stricter UK LLC rule). Secondary suppression
then hides more cells so that no hidden count can be worked out from the row and column totals
of the original table, which are assumed to be published or derivable.

How it is guaranteed: think of the table as a graph whose nodes are the rows and the columns and
whose edges are the hidden cells. A hidden cell can be worked out from the totals exactly when its
edge is a *bridge* (it lies on no cycle): every other hidden cell in its row or column can be
shifted up and down around a cycle without changing any total. So while a hidden cell is a
bridge, we hide the cheapest path of extra cells that closes a cycle through it (cost: the count,
so small cells are hidden first; cells already hidden are free; zero cells are used last, as a
reader may know a cell is structurally zero; absent combinations are never used).
A table with a single row or column has only the grand total: there every row with a hidden cell
keeps at least two hidden.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pandas as pd

from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.tables import require_columns

PRIMARY = "primary"
SECONDARY = "secondary"
_ZERO_COST = 1e6  # zero cells only when nothing else closes a cycle
_ABSENT = math.inf


def _check(df: pd.DataFrame, count_col: str, dims: list[str], where: str) -> pd.Series:
    require_columns(df.columns, [count_col, *dims], where)
    counts = pd.to_numeric(df[count_col], errors="coerce")
    bad = counts.isna() | (counts < 0) | (counts.fillna(0) % 1 != 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DaasError.one(
            where,
            count_col,
            _(
                "{n} value(s) are not whole non-negative counts (first at row {row}: {value!r})"
            ).format(n=int(bad.sum()), row=row, value=df[count_col].iloc[row]),
            _("counts must be 0, 1, 2, ...; fix or drop those rows before suppressing"),
        )
    dup = df.duplicated(dims, keep=False)
    if dup.any():
        first = df.loc[dup, dims].iloc[0].to_dict()
        raise DaasError.one(
            where,
            ", ".join(dims),
            _("{n} rows repeat the same cell, e.g. {first}").format(n=int(dup.sum()), first=first),
            _("aggregate first (one row per combination), e.g. {code}").format(
                code="df.groupby(dims).sum()"
            ),
        )
    return counts.astype("int64")


def _bridges(hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells (row, col) that lie on no cycle of the row-column graph."""
    n_rows, n_cols = hidden.shape
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n_rows + n_cols)]
    edges = list(zip(*np.nonzero(hidden), strict=True))
    for e, (r, c) in enumerate(edges):
        adj[r].append((n_rows + c, e))
        adj[n_rows + c].append((r, e))
    disc = [-1] * (n_rows + n_cols)
    low = [0] * (n_rows + n_cols)
    out: list[tuple[int, int]] = []
    t = 0
    for start in range(n_rows + n_cols):
        if disc[start] != -1 or not adj[start]:
            continue
        disc[start] = low[start] = t
        t += 1
        stack = [(start, -1, iter(adj[start]))]
        while stack:
            v, via, it = stack[-1]
            advanced = False
            for w, e in it:
                if e == via:
                    continue
                if disc[w] == -1:
                    disc[w] = low[w] = t
                    t += 1
                    stack.append((w, e, iter(adj[w])))
                    advanced = True
                    break
                low[v] = min(low[v], disc[w])
            if advanced:
                continue
            stack.pop()
            if stack:
                p = stack[-1][0]
                low[p] = min(low[p], low[v])
                if low[v] > disc[p]:
                    out.append(edges[via])
    return [(int(r), int(c)) for r, c in out]


def _cheapest_cycle(cost: np.ndarray, r0: int, c0: int) -> list[tuple[int, int]]:
    """Cells on the cheapest path from row r0 to column c0 that avoids cell (r0, c0)."""
    n_rows, n_cols = cost.shape
    n = n_rows + n_cols
    dist = [math.inf] * n
    prev: list[int] = [-1] * n
    dist[r0] = 0.0
    heap = [(0.0, r0)]
    while heap:
        d, v = heapq.heappop(heap)
        if d > dist[v]:
            continue
        if v == n_rows + c0:
            break
        if v < n_rows:
            for c in range(n_cols):
                if v == r0 and c == c0:
                    continue
                w, nd = n_rows + c, d + cost[v, c]
                if nd < dist[w]:
                    dist[w], prev[w] = nd, v
                    heapq.heappush(heap, (nd, w))
        else:
            c = v - n_rows
            for r in range(n_rows):
                nd = d + cost[r, c]
                if nd < dist[r]:
                    dist[r], prev[r] = nd, v
                    heapq.heappush(heap, (nd, r))
    if math.isinf(dist[n_rows + c0]):
        return []
    cells, v = [], n_rows + c0
    while v != r0:
        p = prev[v]
        cells.append((p, v - n_rows) if p < n_rows else (v, p - n_rows))
        v = p
    return cells


def secondary_pattern(
    values: np.ndarray, primary: np.ndarray, present: np.ndarray | None = None
) -> np.ndarray:
    """Boolean matrix of cells to hide: `primary` plus the complements that protect it."""
    hidden = primary.copy()
    present = np.ones_like(primary) if present is None else present
    n_rows, n_cols = values.shape
    if not hidden.any():
        return hidden
    if n_rows == 1 or n_cols == 1:
        flat_v, flat_h, flat_p = values.ravel(), hidden.ravel(), present.ravel()
        if flat_h.sum() == 1:
            order = np.argsort(np.where(flat_v > 0, flat_v, _ZERO_COST), kind="stable")
            for i in order:
                if not flat_h[i] and flat_p[i]:
                    flat_h[i] = True
                    break
        return flat_h.reshape(values.shape)
    while True:
        bridges = _bridges(hidden)
        if not bridges:
            return hidden
        cost = np.where(values > 0, values.astype(float), _ZERO_COST)
        cost = np.where(present, cost, _ABSENT)
        cost[hidden] = 0.0
        r, c = min(bridges, key=lambda rc: values[rc])
        path = _cheapest_cycle(cost, r, c)
        if not path:  # absent cells leave no cycle through this cell: hide every cell
            return hidden | present
        for cell in path:
            hidden[cell] = True


def suppress_counts(
    df: pd.DataFrame,
    count_col: str,
    row_dim: str,
    col_dim: str,
    threshold: int = 10,
    *,
    suppress_zeros: bool = False,
    where: str = "table",
) -> pd.DataFrame:
    """Suppress small counts in a long table (one row per `row_dim` x `col_dim` cell).

    Returns the same rows in the same order, with `count_col` as nullable Int64 (<NA> where
    hidden), a `suppressed` bool column and a `suppression` column ('primary', 'secondary' or
    None). Raises DaasError for missing columns, non-count values or repeated cells.
    """
    if threshold < 1:
        raise DaasError.one(
            where, "threshold", _("must be at least 1"), _("use 10 (the kit default)")
        )
    counts = _check(df, count_col, [row_dim, col_dim], where)
    rows = pd.Index(pd.unique(df[row_dim]))
    cols = pd.Index(pd.unique(df[col_dim]))
    ri = rows.get_indexer(pd.Index(df[row_dim]))
    ci = cols.get_indexer(pd.Index(df[col_dim]))
    values = np.zeros((len(rows), len(cols)), dtype=np.int64)
    present = np.zeros_like(values, dtype=bool)
    values[ri, ci] = counts.to_numpy()
    present[ri, ci] = True
    low = (values < threshold) & present
    primary = low & ((values > 0) | suppress_zeros)
    hidden = secondary_pattern(values, primary, present)
    out = df.copy()
    is_primary = primary[ri, ci]
    is_hidden = hidden[ri, ci]
    out[count_col] = pd.array(counts.to_numpy(), dtype="Int64")
    out.loc[is_hidden, count_col] = pd.NA
    out["suppressed"] = is_hidden
    kind = np.full(len(out), None, dtype=object)
    kind[is_hidden] = SECONDARY
    kind[is_primary] = PRIMARY
    out["suppression"] = pd.Series(kind, index=out.index, dtype="object")
    return out


def round_to_base(values: pd.Series, base: int = 5) -> pd.Series:
    """Round counts to the nearest multiple of `base` (halves go up), keeping <NA> as <NA>.

    With suppression below 10 this is the ONS Census 2021 "10-5 rule"."""
    s = pd.to_numeric(values, errors="coerce").astype("Float64")
    rounded = ((s / base + 0.5) // 1 * base).astype("Int64")  # // 1: the floor
    return rounded
