"""Atomic writes: readers see the old file or the whole new one, never half of it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from daas.core.io import atomic_dir, atomic_write_bytes, atomic_write_text


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.txt"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_atomic_write_bytes(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"


def test_atomic_dir_keeps_previous_output_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "site"
    with atomic_dir(target) as stage:
        (stage / "index.html").write_text("v1")
    with pytest.raises(RuntimeError), atomic_dir(target) as stage:
        (stage / "index.html").write_text("half")
        raise RuntimeError("boom")
    assert (target / "index.html").read_text() == "v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_atomic_dir_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "site"
    with atomic_dir(target) as stage:
        (stage / "old.html").write_text("v1")
    with atomic_dir(target) as stage:
        (stage / "new.html").write_text("v2")
    assert sorted(p.name for p in target.iterdir()) == ["new.html"]


def test_two_writers_publishing_the_same_folder_both_succeed(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from daas.core.io import atomic_dir

    target = tmp_path / "out"

    def publish(n: int) -> None:
        for i in range(40):
            with atomic_dir(target) as stage:
                (stage / "a.txt").write_text(f"{n}-{i}")
                (stage / "b.txt").write_text(f"{n}-{i}")

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(publish, [1, 2]))
    assert (target / "a.txt").read_text() == (target / "b.txt").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left behind
