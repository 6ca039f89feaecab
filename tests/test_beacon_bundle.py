"""`daas beacon bundle`: a folder that serves the published Beacon alone, without the kit."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from daas.beacon import bundle, pages
from daas.cli import main
from daas.core.errors import DaasError
from tests.kit import http_ready
from tests.kit import serve as start_server

CITY = "port-mallory"
ZONE = "America/Argentina/Buenos_Aires"
SITE = sysconfig.get_paths()["purelib"]  # Datasette and its dependencies, but not the kit:
# -I ignores PYTHONPATH, the user's site and the script's folder; -S skips site-packages' .pth
# files, among them the one that makes the kit (an editable install) importable.
ISOLATED = [sys.executable, "-I", "-S", "-c"]
PREAMBLE = f"import os, runpy, sys; sys.path.append({SITE!r}); "


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def _status(method: str, url: str) -> int:
    req = urllib.request.Request(url, data=b"{}" if method != "GET" else None, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _serve_alone(folder: Path):
    """The bundle's `python serve.py` run in `folder`, with no way to import the kit."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": ""}
    probe = subprocess.run(
        [*ISOLATED, PREAMBLE + "import daas"], cwd=folder, env=env, capture_output=True, text=True
    )
    assert probe.returncode != 0 and "No module named 'daas'" in probe.stderr, probe.stderr

    def command(port: int) -> list[str]:
        boot = (
            PREAMBLE + f"os.chdir({str(folder)!r}); sys.argv[0] = 'serve.py'; "
            "runpy.run_path('serve.py', run_name='__main__')"
        )
        return [*ISOLATED, boot, "--port", str(port)]

    def ready(port: int) -> bool:
        return http_ready(f"http://127.0.0.1:{port}/-/versions.json")

    return start_server(command, ready, env)


def test_a_copy_of_the_bundle_serves_the_beacon_without_the_kit(
    city_tree: Path, tmp_path: Path
) -> None:
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 0
    out = tmp_path / "bundle"
    assert main(["beacon", "bundle", "--city", CITY, str(out)]) == 0
    assert main(["beacon", "bundle", "--city", CITY, str(out)]) == 0  # an earlier bundle: replaced
    for name in ("Dockerfile", "README.md", "requirements.txt", "serve.py", "plugins/open311.py"):
        assert (out / name).is_file(), name
    code = [p.read_text() for p in out.rglob("*.py")]
    assert not [c for c in code if re.search(r"^\s*(from|import) daas\b", c, re.M)]
    assert "datasette==0.65.5" in (out / "requirements.txt").read_text()
    assert "USER beacon" in (out / "Dockerfile").read_text()
    alone = Path(shutil.copytree(out, tmp_path / "elsewhere" / "beacon"))
    shutil.rmtree(out)
    units = int(pages.read_table(CITY, "inventory")["units"].sum())
    with _serve_alone(alone) as server:
        base = server.base
        sql = urllib.parse.quote("select count(*) as n from inventory")
        assert _get(f"{base}/beacon.json?sql={sql}&_shape=array") == [
            {"n": len(pages.read_table(CITY, "inventory"))}
        ]
        rows = _get(f"{base}/beacon/inventory.json?_shape=array&_size=5")
        assert isinstance(rows, list) and len(rows) == 5
        canned = _get(f"{base}/beacon/homes_by_neighbourhood.json?_shape=array")
        assert isinstance(canned, list) and sum(r["homes"] for r in canned) == units
        page = json.loads((alone / "pages" / "resident.json").read_text())
        assert _get(f"{base}/pages/resident.json") == page
        assert _get(f"{base}/-/settings.json")["max_returned_rows"] == 1000  # type: ignore[index]
        assert _status("POST", f"{base}/beacon/inventory") == 405
        assert _status("POST", f"{base}/beacon/inventory/-/insert") == 403
        server.stop()
        log = server.log()
    assert "Traceback" not in log, log


def _service_requests_beacon(folder: Path) -> None:
    """A published Beacon with two service requests and the Open311 API's settings."""
    folder.mkdir(parents=True)
    with sqlite3.connect(folder / "beacon.db") as con:
        con.execute(
            "create table service_requests (service_request_id text, status text,"
            " service_code text, service_name text, requested_datetime text)"
        )
        con.executemany(
            "insert into service_requests values (?, ?, ?, ?, ?)",
            [("1", "open", "BACHE", "Bache", "2025-06-01T08:00:00"),
             ("2", "closed", "LUZ", "Alumbrado", "2025-06-02T09:30:00")],
        )  # fmt: skip
    con.close()
    settings = {"table": "service_requests", "timezone": ZONE}
    metadata = {"title": "Pedidos", "plugins": {"daas-open311": settings}}
    (folder / "metadata.json").write_text(json.dumps(metadata))


def test_bundle_refuses_unbuilt_and_foreign_folders_and_serves_open311(
    city_tree: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with pytest.raises(DaasError, match=f"daas beacon build --city {CITY}"):
        bundle.bundle(CITY, out)
    assert main(["beacon", "bundle", "--city", CITY, str(out)]) == 2 and not out.exists()
    _service_requests_beacon(city_tree / "_build" / "cities" / CITY / "beacon")
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(DaasError, match="--force"):
        bundle.bundle(CITY, out)
    assert (out / "notes.txt").read_text() == "keep me"
    assert main(["beacon", "bundle", "--city", CITY, str(out), "--force"]) == 0
    assert not (out / "notes.txt").exists() and (out / "serve.py").is_file()
    with _serve_alone(out) as server:  # the Open311 API, from the bundle's copy of the plugin
        found = _get(f"{server.base}/open311/v2/requests.json")
        assert isinstance(found, list)
        newest, oldest = found
        assert newest["service_request_id"] == "2" and oldest["service_code"] == "BACHE"
        assert newest["requested_datetime"] == "2025-06-02T09:30:00-03:00"
        assert _status("POST", f"{server.base}/open311/v2/requests.json") == 405


def test_the_readme_is_in_the_city_language(city_tree: Path, tmp_path: Path) -> None:
    slug = "villa-ondina"  # a Spanish-speaking city
    _service_requests_beacon(city_tree / "_build" / "cities" / slug / "beacon")
    text = (bundle.bundle(slug, tmp_path / "out") / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# Pedidos\n\nEsta carpeta es el Servicio Guía publicado de villa-")
    for heading in ("Cómo servirlo", "Qué hay aquí", "Opciones de alojamiento"):
        assert f"\n## {heading}\n" in text, heading
    assert "| `beacon.db` | la base de datos SQLite publicada |" in text
    assert "`requests/{id}.json`" in text and "por defecto 8001" in text
    assert "    daas beacon bundle --city villa-ondina /srv/beacon-bundle\n" in text
    assert "Serve it" not in text and "## Serve it\n" in bundle.readme("Pedidos", slug, "en")


def test_requirements_keep_datasette_and_its_dependencies_from_the_lock() -> None:
    lock = "# lock\ndatasette==0.65.5\npandas==2.2.3\nclick==8.5.1 ; python_version == '3.12'\n"
    assert bundle.requirements(lock) == (
        "datasette==0.65.5\nclick==8.5.1 ; python_version == '3.12'\n"
    )
