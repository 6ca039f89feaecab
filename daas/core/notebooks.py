"""Notebook hygiene: one normal form for every committed notebook.

The normal form keeps what a reader and nbval need and drops what changes from run to run:
- sources are stored as lists of lines, as Jupyter saves them;
- cell ids are `cell-1`, `cell-2`, ... in order;
- notebook metadata keeps only the kernelspec and the language name;
- cell metadata keeps only `tags` (and `mystnb`, which the book reads);
- outputs are kept only for cells marked for nbval (tag `nbval-check-output` or a
  `# NBVAL_CHECK_OUTPUT` comment), numbered 1, 2, ... so nbval compares them; every other code
  cell has no outputs and no execution count.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat

from daas.core.city import City
from daas.core.io import atomic_write_text
from daas.core.paths import notebook_dirs, repo_root

CHECK_TAG = "nbval-check-output"
CHECK_COMMENT = "# NBVAL_CHECK_OUTPUT"
CELL_METADATA_KEEP = ("tags", "mystnb")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# cells kept only for one city, language or Beacon recipe (a city's pack, the exercise runner)
CITY_TAG = "only-city-"
LANG_TAG = "only-lang-"
RECIPE_TAG = "only-recipe-"


def is_checked(cell: dict) -> bool:
    """Whether nbval compares this cell's output with the committed one."""
    return cell.get("cell_type") == "code" and (
        CHECK_TAG in cell.get("metadata", {}).get("tags", []) or CHECK_COMMENT in cell["source"]
    )


def _clean_output(output: dict, count: int) -> dict:
    out = dict(output)
    if out.get("output_type") == "execute_result":
        out["execution_count"] = count
    return out


def normalize(nb: dict) -> dict:
    """Return the normal form of a notebook given as a plain dict (nbformat 4)."""
    checked = 0
    cells = []
    for i, cell in enumerate(nb.get("cells", []), start=1):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        meta = {k: cell["metadata"][k] for k in CELL_METADATA_KEEP if k in cell.get("metadata", {})}
        if "tags" in meta:
            meta["tags"] = list(dict.fromkeys(meta["tags"]))
        new = {
            "cell_type": cell["cell_type"],
            "id": f"cell-{i}",
            "metadata": meta,
            "source": source.splitlines(keepends=True),
        }
        if cell["cell_type"] == "code":
            if is_checked({**cell, "source": source}) and cell.get("outputs"):
                checked += 1
                new["execution_count"] = checked
                new["outputs"] = [_clean_output(o, checked) for o in cell["outputs"]]
            else:
                new["execution_count"] = None
                new["outputs"] = []
        elif "attachments" in cell:
            new["attachments"] = cell["attachments"]
        cells.append(new)
    return {
        "cells": cells,
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(nb: dict) -> str:
    """Serialise like nbformat does (indent 1, sorted keys), with a trailing newline."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def committed_notebooks() -> list[Path]:
    """Every notebook under `notebooks/` and `exercises/`, excluding checkpoints."""
    found = []
    for folder in notebook_dirs():
        found += [p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
    return sorted(found)


def expand(paths: list[Path]) -> list[Path]:
    """Notebooks named on the command line: folders are searched, missing paths are an error."""
    from daas.core.errors import DaasError, Problem
    from daas.core.i18n import _

    found, missing = [], []
    for p in paths:
        if p.is_dir():
            found += sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
        elif p.suffix == ".ipynb" and p.is_file():
            found.append(p)
        else:
            missing.append(p)
    if missing:
        message = _("not a notebook or a folder of notebooks")
        fix = _("give .ipynb files or folders that hold them")
        raise DaasError([Problem(str(p), "", message, fix) for p in missing])
    return found


def is_normal(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return text == dumps(normalize(json.loads(text)))


def normalize_file(path: Path, execute: bool = False) -> bool:
    """Normalise one notebook in place (after executing it, if asked). True if it changed."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    if execute:
        nb = execute_in_place(path)
    new = dumps(normalize(nb))
    nbformat.validate(nbformat.reads(new, as_version=4))
    if new != text:
        atomic_write_text(path, new)
        return True
    return False


def execute_in_place(path: Path) -> dict:
    """Run a notebook with its default parameters, from its own folder, and return it.

    Cells kept only for another city, language or Beacon recipe than the example city's are
    not run (as nbval skips them) and keep what they had."""
    from nbclient import NotebookClient

    from daas.core.city import DEFAULT_CITY, load_city

    nb = nbformat.read(path, as_version=4)
    city = load_city(DEFAULT_CITY)
    run = copy.deepcopy(nb)
    run.cells = [c for c in run.cells if keep_cell(c.metadata.get("tags", []), city)]
    folder = str(path.resolve().parent)
    NotebookClient(
        run, timeout=600, kernel_name="python3", resources={"metadata": {"path": folder}}
    ).execute()
    done = {c.id: c for c in run.cells}
    nb.cells = [done.get(c.id, c) for c in nb.cells]
    return json.loads(nbformat.writes(nb))


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(repo_root()))
    except ValueError:
        return str(path)


def keep_cell(tags: list[str], city: City) -> bool:
    """A cell tagged `only-city-<slug>`, `only-lang-<xx>` or `only-recipe-<name>` is kept only for
    that city, language or Beacon recipe (`beacon.recipe`, housing when the city names none)."""
    recipe = city.beacon_recipe()
    for prefix, value in ((CITY_TAG, city.slug), (LANG_TAG, city.language), (RECIPE_TAG, recipe)):
        named = [t[len(prefix) :] for t in tags if t.startswith(prefix)]
        if named and value not in named:
            return False
    return True
