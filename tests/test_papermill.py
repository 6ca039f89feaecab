"""Every workshop notebook and exercise runs under papermill, in a real kernel, for the example
city."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from daas.core.city import City
from daas.packs.workshop import parameters_for, run_notebook, workshop_notebooks

NOTEBOOKS = workshop_notebooks()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_with_example_city(
    notebook: Path, example_city: City, tmp_path: Path
) -> None:
    out = run_notebook(notebook, example_city, tmp_path / notebook.name)
    nb = nbformat.read(out, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert f'city = "{example_city.slug}"' in injected[0].source
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert errors == []
    text = "".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    # the city's data is shown: its name, or its neighbourhoods (a table headed "Neighbourhood")
    assert example_city.name in text or "neighbourhood" in text.lower()
    assert list(tmp_path.iterdir()) == [out]


def test_parameters_are_plain_data(example_city: City) -> None:
    params = parameters_for(example_city)
    assert params == {"city": "port-mallory"}
    assert all(isinstance(v, str | int | float | bool) for v in params.values())
