"""Small-cell suppression: primary cells hidden, and no hidden cell recoverable from the totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from daas.core.errors import DaasError
from daas.privacy import round_to_base, suppress_counts


def long_table(matrix: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(f"r{i}", f"c{j}", v) for i, row in enumerate(matrix) for j, v in enumerate(row)],
        columns=["area", "group", "count"],
    )


def hidden_matrix(out: pd.DataFrame, shape: tuple[int, int]) -> np.ndarray:
    m = np.zeros(shape, dtype=bool)
    for a, g, s in out[["area", "group", "suppressed"]].itertuples(index=False):
        m[int(a[1:]), int(g[1:])] = s
    return m


def recover_by_subtraction(values: np.ndarray, hidden: np.ndarray) -> set[tuple[int, int]]:
    """What an attacker gets by repeatedly subtracting published cells from the original totals."""
    known = ~hidden
    found: set[tuple[int, int]] = set()
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):  # a row (or column) total minus its published cells
            for k in range(values.shape[1 - axis]):
                line = known[k, :] if axis == 1 else known[:, k]
                if (~line).sum() == 1:
                    j = int(np.flatnonzero(~line)[0])
                    cell = (k, j) if axis == 1 else (j, k)
                    known[cell] = True
                    found.add(cell)
                    changed = True
    return found


def recoverable_by_algebra(values: np.ndarray, hidden: np.ndarray) -> set[tuple[int, int]]:
    """Hidden cells whose value is fixed by the row and column totals (any linear combination)."""
    cells = list(zip(*np.nonzero(hidden), strict=True))
    if not cells:
        return set()
    n_rows, n_cols = values.shape
    a = np.zeros((n_rows + n_cols, len(cells)))
    for k, (r, c) in enumerate(cells):
        a[r, k] = 1
        a[n_rows + c, k] = 1
    rank = np.linalg.matrix_rank(a)
    out = set()
    for k, cell in enumerate(cells):
        e = np.zeros((1, len(cells)))
        e[0, k] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            out.add((int(cell[0]), int(cell[1])))
    return out


def assert_protected(matrix: list[list[int]], threshold: int = 10) -> pd.DataFrame:
    values = np.array(matrix)
    out = suppress_counts(long_table(matrix), "count", "area", "group", threshold=threshold)
    hidden = hidden_matrix(out, values.shape)
    small = (values > 0) & (values < threshold)
    assert (hidden[small]).all(), "every small non-zero count is hidden"
    assert not recover_by_subtraction(values, hidden)
    assert not recoverable_by_algebra(values, hidden)
    return out


def test_primary_and_secondary_labels_and_types() -> None:
    out = assert_protected([[5, 40, 30], [50, 60, 70], [20, 3, 80], [90, 15, 25]])
    assert str(out["count"].dtype) == "Int64"
    assert out["suppressed"].dtype == bool
    prim = out[out["suppression"] == "primary"]
    assert sorted(prim["area"] + prim["group"]) == ["r0c0", "r2c1"]
    assert (out["suppression"] == "secondary").sum() >= 2
    assert out.loc[out["suppressed"], "count"].isna().all()
    assert out.loc[~out["suppressed"], "count"].notna().all()
    assert out["suppression"].isna().sum() == (~out["suppressed"]).sum()


def test_same_rows_same_order_and_untouched_when_nothing_small() -> None:
    table = long_table([[15, 40], [50, 60]]).sample(frac=1, random_state=3)
    out = suppress_counts(table, "count", "area", "group")
    assert list(out.index) == list(table.index)
    assert not out["suppressed"].any()
    assert list(out["count"]) == list(table["count"])


def test_single_small_cell_in_corner_is_protected() -> None:
    assert_protected([[1, 100, 100], [100, 100, 100], [100, 100, 100]])


def test_zero_cells_are_published_and_used_last() -> None:
    out = assert_protected([[0, 4, 50, 60], [0, 30, 40, 70], [12, 35, 45, 80]])
    zeros = out[out["count"].isna() & (out["group"] == "c0")]
    assert zeros.empty, "a zero column is not needed to protect the small cell"
    strict = suppress_counts(
        long_table([[0, 40], [30, 50]]), "count", "area", "group", suppress_zeros=True
    )
    assert strict.loc[0, "suppression"] == "primary"


def test_zero_cells_used_when_nothing_else_closes_the_cycle() -> None:
    assert_protected([[3, 0], [0, 20]])


def test_bridge_between_two_protected_blocks_is_closed() -> None:
    # two 2x2 blocks of small cells joined by one small cell: degree >= 2 everywhere is not enough
    matrix = [
        [2, 3, 50, 60, 70],
        [4, 5, 7, 60, 70],
        [50, 60, 8, 2, 70],
        [50, 60, 70, 3, 4],
        [50, 60, 70, 80, 90],
    ]
    assert_protected(matrix)


def test_one_dimensional_table_keeps_two_hidden() -> None:
    out = suppress_counts(long_table([[4, 50, 60, 70]]), "count", "area", "group")
    assert out["suppressed"].sum() == 2
    assert out.loc[out["suppression"] == "secondary", "group"].tolist() == ["c1"]


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_never_leak(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(2, 9)), int(rng.integers(2, 7)))
    values = rng.choice(
        [0, 1, 2, 5, 9, 10, 12, 30, 80, 200],
        size=shape,
        p=[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
    )
    assert_protected(values.tolist())


def test_bad_input_names_the_column_and_fix() -> None:
    t = long_table([[1, 2], [3, 4]])
    t.loc[1, "count"] = -1
    with pytest.raises(DaasError) as e:
        suppress_counts(t, "count", "area", "group")
    assert e.value.problems[0].field == "count"
    dup = pd.concat([long_table([[1, 2]]), long_table([[1, 2]])])
    with pytest.raises(DaasError, match="repeat the same cell"):
        suppress_counts(dup, "count", "area", "group")
    with pytest.raises(DaasError, match="missing column"):
        suppress_counts(t, "n", "area", "group")


def test_round_to_base_five() -> None:
    s = pd.Series([10, 12, 13, 17, 18, None], dtype="Int64")
    assert round_to_base(s).tolist() == [10, 10, 15, 15, 20, pd.NA]
