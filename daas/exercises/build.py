"""One source per exercise: solution notebooks in `exercises/solutions/` become the learner
notebooks in `exercises/`.

In a solution notebook, answer cells are tagged `solution` and check cells `check` (a single
`check(...)` expression). The learner copy keeps every other cell; each solution cell becomes a
stub that keeps its comment lines (the hint) and sets the answer variable to `None`.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat

from daas.core import notebooks as nbs
from daas.core.city import load_city
from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.io import atomic_write_text
from daas.core.paths import repo_root
from daas.exercises.feedback import Feedback

SOLUTION_TAG = "solution"
CHECK_TAG = "check"
CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([\w-]+)["']""")  # check("<exercise>", ...)
ASSIGN = re.compile(r"^([A-Za-z_]\w*)\s*=")


def solutions_dir() -> Path:
    return repo_root() / "exercises" / "solutions"


def solution_notebooks() -> list[Path]:
    return sorted(solutions_dir().glob("*.ipynb"))


def learner_path(solution: Path) -> Path:
    return solution.parent.parent / solution.name


def _source(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def stub(source: str, where: str) -> str:
    """The learner's version of a solution cell: its comments, then `<answer> = None`."""
    names = [m.group(1) for line in source.splitlines() if (m := ASSIGN.match(line))]
    if not names:
        raise DaasError.one(
            where,
            _("solution cell"),
            _("assigns no answer variable"),
            _("end the cell with a line like `answer = ...`"),
        )
    comments = [ln for ln in source.splitlines() if ln.lstrip().startswith("#")]
    return "\n".join([*comments, f"{names[-1]} = None  # your answer here"])


def learner(solution: Path) -> dict:
    """The normalised learner notebook generated from a solution notebook (no outputs)."""
    nb = json.loads(solution.read_text(encoding="utf-8"))
    cells = []
    for i, cell in enumerate(nb["cells"], start=1):
        cell = {**cell, "metadata": dict(cell.get("metadata", {}))}
        tags = cell["metadata"].get("tags", [])
        if SOLUTION_TAG in tags:
            cell["source"] = stub(_source(cell), f"{nbs.shown(solution)}: cell {i}")
            cell["metadata"]["tags"] = [t for t in tags if t != SOLUTION_TAG] or []
            if not cell["metadata"]["tags"]:
                del cell["metadata"]["tags"]
        cell["outputs"] = []
        cells.append(cell)
    return nbs.normalize({**nb, "cells": cells})


def _shape(nb: dict) -> list[tuple]:
    return [
        (c["cell_type"], _source(c), tuple(c.get("metadata", {}).get("tags", [])))
        for c in nb["cells"]
    ]


def stale(solution: Path) -> bool:
    """Whether the committed learner notebook differs (in cells, not outputs) from its source."""
    target = learner_path(solution)
    if not target.exists():
        return True
    return _shape(json.loads(target.read_text(encoding="utf-8"))) != _shape(learner(solution))


def build(execute: bool = False) -> list[tuple[Path, bool]]:
    """Write every learner notebook whose source changed; return (path, written) pairs."""
    out = []
    for sol in solution_notebooks():
        target = learner_path(sol)
        changed = stale(sol)
        if changed:
            atomic_write_text(target, nbs.dumps(learner(sol)))
        if execute:
            changed = nbs.normalize_file(target, execute=True) or changed
        out.append((target, changed))
    return out


def run_inline(notebook: Path, city: str) -> list[Feedback]:
    """Run a notebook's code in this process for `city`; return what each check cell gave.

    Fast (no kernel), for tests and `daas exercises check`: the parameters cell is followed by
    `city = "<slug>"`, as papermill would inject it; cells kept only for another city, language
    or Beacon recipe are left out, as in the city's pack.
    """
    the_city = load_city(city)
    nb = nbformat.read(notebook, as_version=4)
    ns: dict = {"__name__": "__exercise__"}
    results = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or not nbs.keep_cell(tags, the_city):
            continue
        if CHECK_TAG in tags:
            result = eval(
                compile(
                    ast.Expression(ast.parse(cell.source, mode="eval").body), str(notebook), "eval"
                ),
                ns,
            )
            results.append(result)
        else:
            exec(compile(cell.source, str(notebook), "exec"), ns)
        if "parameters" in tags:
            ns["city"] = city
    return results
