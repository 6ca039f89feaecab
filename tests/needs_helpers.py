"""Helpers shared by test_discovery.py and test_needs.py: running a workshop under papermill."""

from __future__ import annotations

from pathlib import Path

import nbformat

from daas.core.paths import repo_root

DATA = Path(__file__).parent / "data" / "needs"


def run_with(notebook: str, out: Path, **parameters: object) -> nbformat.NotebookNode:
    """Execute `notebooks/<notebook>` with papermill and these parameters; return the result."""
    import papermill as pm

    source = repo_root() / "notebooks" / notebook
    pm.execute_notebook(
        str(source), str(out), parameters={"city": "port-mallory", **parameters},
        kernel_name="python3", cwd=str(source.parent), progress_bar=False, log_output=False,
    )  # fmt: skip
    return nbformat.read(out, as_version=4)


def text_of(nb: nbformat.NotebookNode) -> str:
    """Every text output of a notebook, joined."""
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o.output_type != "error", f"cell failed: {o.get('ename')}: {o.get('evalue')}"
            parts.append(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)
