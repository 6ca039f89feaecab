"""`python -m daas.beacon.datasette_main serve ...` (the arguments of `datasette serve`): Datasette
as `daas beacon serve` runs it, refusing writes (`datasette_app`) and answering the Open311 API."""

from __future__ import annotations

from daas.beacon import datasette_app, open311

if __name__ == "__main__":
    datasette_app.run([open311])
