"""`daas.core.big`: a table held in DuckDB gives back the rows it was given, in order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from daas.core.big import PREFIX, Engine, quoted, sweep_stale


def test_a_frame_comes_back_whole_in_order_and_in_chunks() -> None:
    frame = pd.DataFrame({"id": [f"{i:05d}" for i in range(5000)], "n": range(5000)})
    with Engine() as engine:
        table = engine.from_frame("t", frame)
        assert len(table) == 5000 and table.columns == ["id", "n"]
        pd.testing.assert_frame_equal(table.df(), frame)
        parts = list(table.chunks(size=2048))
        assert len(parts) > 1
        pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), frame)
        assert table.drop_columns(["n", "absent"]).columns == ["id"]
        folder = engine.folder
        assert folder.exists()
    assert not folder.exists()  # the database and anything spilled are removed


def test_names_are_quoted_and_never_reused() -> None:
    assert quoted('a "b"') == '"a ""b"""'
    with Engine() as engine:
        first = engine.table("x", "SELECT 1 AS one")
        second = engine.table("x", "SELECT 2 AS one")
        assert first.name != second.name
        assert engine.frame(f"SELECT one FROM {second.sql}")["one"].tolist() == [2]


def test_a_killed_build_leaves_no_database_behind(tmp_path: Path) -> None:
    """A process killed mid-build cannot remove its folder: the next engine does."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f"{PREFIX}{gone.stdout.strip()}-abc"
    (stale / "spill").mkdir(parents=True)
    mine = tmp_path / f"{PREFIX}{os.getpid()}-def"
    mine.mkdir()
    assert sweep_stale(tmp_path) == [stale]
    assert not stale.exists() and mine.exists()
