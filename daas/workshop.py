"""Running workshop notebooks and exercises for a city with papermill, in real Jupyter kernels."""

from __future__ import annotations

from pathlib import Path

from daas.city import City
from daas.paths import repo_root

KERNEL = "python3"


def parameters_for(city: City) -> dict[str, object]:
    """The papermill parameters every workshop notebook accepts. Values are data, never code."""
    return {"city": city.slug}


def run_notebook(notebook: Path, city: City, output: Path, timeout: int = 600) -> Path:
    """Execute `notebook` with the city's parameters into `output` (written atomically)."""
    import papermill as pm

    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp.ipynb")
    try:
        pm.execute_notebook(
            str(notebook),
            str(tmp),
            parameters=parameters_for(city),
            kernel_name=KERNEL,
            cwd=str(notebook.parent),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
        )
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)
    return output


def workshop_notebooks() -> list[Path]:
    """Every papermill notebook: workshops first, then exercises."""
    root = repo_root()
    return sorted((root / "notebooks").glob("*.ipynb")) + sorted(
        (root / "exercises").glob("*.ipynb")
    )
