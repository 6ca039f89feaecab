"""Notebook hygiene: every committed notebook is in normal form and ready for papermill."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from daas.core import notebooks as nbs

COMMITTED = nbs.committed_notebooks()
IDS = [nbs.shown(p) for p in COMMITTED]


def test_there_are_workshop_notebooks_and_exercises() -> None:
    folders = {p.parent.name for p in COMMITTED}
    assert {"notebooks", "exercises"} <= folders


@pytest.mark.parametrize("path", COMMITTED, ids=IDS)
def test_committed_notebook_is_normalised(path: Path) -> None:
    assert nbs.is_normal(path), f"{nbs.shown(path)} is not normalised: run `make normalize`"


@pytest.mark.parametrize("path", COMMITTED, ids=IDS)
def test_notebook_has_a_parameters_cell_first_among_code(path: Path) -> None:
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    assert "city =" in "".join(code[0]["source"])


@pytest.mark.parametrize(
    "path",
    [p for p in COMMITTED if p.parent.name == "notebooks"],
    ids=[i for i in IDS if i.startswith("notebooks/")],
)
def test_workshop_marks_a_key_result_for_nbval(path: Path) -> None:
    nb = json.loads(path.read_text())
    checked = [c for c in nb["cells"] if nbs.is_checked({**c, "source": "".join(c["source"])})]
    assert checked and all(c["outputs"] and c["execution_count"] for c in checked)


def _messy() -> dict:
    return {
        "cells": [
            {
                "cell_type": "markdown",
                "id": "abc",
                "metadata": {"collapsed": True},
                "source": "# Title",
            },
            {
                "cell_type": "code",
                "id": "random-1",
                "execution_count": 7,
                "metadata": {
                    "tags": ["parameters", "parameters"],
                    "scrolled": True,
                    "execution": {"iopub.status.busy": "2026-01-01"},
                },
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "hi\n"}],
                "source": ["x = 1\n", "print(x)"],
            },
            {
                "cell_type": "code",
                "id": "random-2",
                "execution_count": 9,
                "metadata": {"tags": ["nbval-check-output"]},
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "execution_count": 9,
                        "data": {"text/plain": "2"},
                        "metadata": {},
                    }
                ],
                "source": "x + 1",
            },
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Py"},
            "widgets": {"state": {}},
            "papermill": {"duration": 1.2},
        },
        "nbformat": 4,
        "nbformat_minor": 4,
    }


def test_normalize_strips_volatile_parts_and_keeps_checked_outputs() -> None:
    nb = nbs.normalize(_messy())
    md, plain, checked = nb["cells"]
    assert [c["id"] for c in nb["cells"]] == ["cell-1", "cell-2", "cell-3"]
    assert md["metadata"] == {}
    assert plain["metadata"] == {"tags": ["parameters"]}
    assert plain["outputs"] == [] and plain["execution_count"] is None
    assert plain["source"] == ["x = 1\n", "print(x)"]
    assert checked["execution_count"] == 1
    assert checked["outputs"][0]["execution_count"] == 1
    assert set(nb["metadata"]) == {"kernelspec", "language_info"}


def test_normalize_is_idempotent_and_detects_changes(tmp_path: Path) -> None:
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(_messy()))
    assert not nbs.is_normal(p)
    assert nbs.normalize_file(p) is True
    assert nbs.is_normal(p)
    assert nbs.normalize_file(p) is False
    once = json.loads(p.read_text())
    assert nbs.normalize(copy.deepcopy(once)) == once


def test_cli_check_fails_on_an_unnormalised_notebook(tmp_path: Path, capsys) -> None:
    from daas.cli import main

    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(_messy()))
    assert main(["notebooks", "normalize", "--check", str(p)]) == 1
    assert "not normalised" in capsys.readouterr().out


def test_cli_accepts_folders_and_rejects_other_paths(tmp_path: Path, capsys) -> None:
    from daas.cli import main

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "n.ipynb").write_text(json.dumps(_messy()))
    assert main(["notebooks", "normalize", "--check", str(tmp_path)]) == 1
    assert main(["notebooks", "normalize", "--check", str(tmp_path / "missing.ipynb")]) == 2
    assert "not a notebook" in capsys.readouterr().err
