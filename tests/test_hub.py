"""`daas hub`: a masterclass room on one JupyterHub, rehearsed on loopback with 3 participants;
the pack update that keeps answers; the coach's view of passed exercises; bad input."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from daas.core.errors import DaasError
from daas.core.paths import repo_root
from daas.exercises.feedback import FORM_RECORD
from daas.hub import merge
from daas.hub import room as hub_room
from daas.hub.server import write_server_files
from daas.hub.status import RIGHT_MARK, exercises_passed, passed_checks, status_lines
from daas.site.launch import launch_links
from tests.hub_client import Participant
from tests.kit import free_port, http_ready, serve

CITY = "villa-ondina"  # Spanish: the kernels must speak it
PASSWORD = "ensayo-2026"
NAMES = ["ana", "bruno", "carla"]
# The rehearsal's notebook: a kernel of the participant's server, in their home, in Spanish.
PROBE = """import os
from daas.core.i18n import language
assert language() == "es", language()
home = os.environ["HOME"]
assert os.getcwd() == home and home.endswith("/homes/" + os.environ["USER"]), home
"""


def _notebook(path: Path, cells: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def _check_cell(mark: str | None) -> nbformat.NotebookNode:
    cell = new_code_cell("check('most-renters', answer, city)", metadata={"tags": ["check"]})
    if mark:
        cell.outputs = [
            new_output(
                "execute_result", data={"text/markdown": f"{mark} **...**"}, execution_count=1
            )
        ]
    return cell


@pytest.fixture
def kit_root(tmp_path: Path) -> Path:
    """A kit root with the city files, their data and a small built pack for the city."""
    root = tmp_path / "kit"
    for folder in ("cities", "data"):
        shutil.copytree(repo_root() / folder, root / folder)
    pack = root / "_build" / "cities" / CITY
    _notebook(
        pack / "notebooks" / "00-probe.ipynb", [new_markdown_cell("# Probe"), new_code_cell(PROBE)]
    )
    _notebook(
        pack / "exercises" / "00-renters.ipynb", [new_code_cell("answer = None"), _check_cell(None)]
    )
    return root


def _daas(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAAS_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "daas", *args], env=env, capture_output=True, text=True, timeout=120
    )


def _ready(p: Participant) -> Participant:
    assert p.login(PASSWORD), f"{p.name} could not log in"
    p.get_token()
    p.start_server()
    return p


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_room_of_three(kit_root: Path, tmp_path: Path) -> None:
    """Three participants log in with the workshop password, each gets a home with the pack and a
    server confined to it; a notebook runs in a Spanish kernel; nobody reaches another's files;
    the coach sees everyone; the hub stops with every process it started."""
    room = tmp_path / "room"
    env = {**os.environ, "DAAS_ROOT": str(kit_root)}

    def command(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "daas",
            "hub",
            "--city",
            CITY,
            "--port",
            str(port),
            "--root",
            str(room),
            "--password",
            PASSWORD,
        ]

    with serve(command, lambda port: http_ready(f"http://127.0.0.1:{port}/hub/api"), env) as hub:
        started = psutil.Process(hub.proc.pid)
        assert not Participant(hub.base, "intruso").login("not-the-password")
        with ThreadPoolExecutor(len(NAMES)) as pool:
            people = list(pool.map(_ready, [Participant(hub.base, n) for n in NAMES]))
        for p in people:
            assert (room / "homes" / p.name / "notebooks" / "00-probe.ipynb").is_file()
            status, listing = p.api("GET", "contents/exercises")
            assert status == 200 and isinstance(listing, dict)
            assert [f["name"] for f in listing["content"]] == ["00-renters.ipynb"]
        ana, bruno = people[0], people[1]
        assert ana.run_notebook("notebooks/00-probe.ipynb") == []
        # the edition's launch button for the notebook's page opens her own copy in her server
        link = launch_links({"jupyterhub_url": hub.base}, CITY, "workshops/notebooks/00-probe")
        status, landed = ana.open_page(link["hub"].removeprefix(hub.base))
        assert (status, landed) == (200, f"{hub.base}/user/ana/lab/tree/notebooks/00-probe.ipynb")
        # Another's server refuses them; their own server refuses paths outside their home.
        status, _ = ana.api("GET", "contents/notebooks", user=bruno.name)
        assert status == 403
        status, _ = ana.api("GET", "contents/%2E%2E/bruno/notebooks/00-probe.ipynb")
        assert status == 404
        coach = _daas(kit_root, "hub", "status", "--city", CITY, "--root", str(room))
        assert coach.returncode == 0, coach.stderr
        assert all(f"{n}: " in coach.stdout for n in NAMES) and "3 " in coach.stdout
        processes = [started, *started.children(recursive=True)]
        assert len(processes) >= 2 + len(NAMES), processes  # hub, proxy, culler, servers
        # a stop signal, as a coach's Ctrl-C: the hub stops every server, then itself (on a
        # loaded machine that takes more than the 20 s `serve` allows before it kills)
        hub.proc.terminate()
        hub.proc.wait(timeout=180)
        _, alive = psutil.wait_procs(processes, timeout=60)
        assert not alive, f"left running: {alive}\n{hub.log()[-3000:]}"


def test_an_update_keeps_participants_answers(tmp_path: Path) -> None:
    """New files are copied, unchanged ones replaced, edited ones kept, deleted ones restored."""
    pack, home = tmp_path / "pack", tmp_path / "home"
    (pack / "exercises").mkdir(parents=True)
    (pack / "exercises" / "00.ipynb").write_text("v1")
    (pack / "exercises" / "01.ipynb").write_text("v1")
    (pack / "notebooks").mkdir()
    (pack / "notebooks" / "00.ipynb").write_text("v1")
    assert len(merge.deliver(pack, home).copied) == 3
    (home / "exercises" / "00.ipynb").write_text("my answer")
    (home / "notebooks" / "00.ipynb").unlink()
    for name in ("exercises/00.ipynb", "exercises/01.ipynb", "notebooks/00.ipynb"):
        (pack / name).write_text("v2")
    (pack / "exercises" / "02.ipynb").write_text("v2")
    done = merge.deliver(pack, home)
    assert done.kept == ["exercises/00.ipynb"] and done.updated == ["exercises/01.ipynb"]
    assert sorted(done.copied) == ["exercises/02.ipynb", "notebooks/00.ipynb"]
    assert (home / "exercises" / "00.ipynb").read_text() == "my answer"
    assert (home / "exercises" / "01.ipynb").read_text() == "v2"
    record = json.loads((home / merge.RECORD).read_text())
    assert record["exercises/01.ipynb"] == merge.digest(pack / "exercises" / "01.ipynb")


def test_a_pack_being_rebuilt_delivers_only_its_notebooks(tmp_path: Path) -> None:
    """A run in progress leaves temporary notebooks beside the pack's, and a failed notebook its
    copy: neither reaches a home."""
    pack, home = tmp_path / "pack", tmp_path / "home"
    (pack / "notebooks" / ".ipynb_checkpoints").mkdir(parents=True)
    for name in ("00.ipynb", ".00.tmp.ipynb", ".in-x1.ipynb", "01.failed.ipynb",
                 ".ipynb_checkpoints/00-checkpoint.ipynb"):  # fmt: skip
        (pack / "notebooks" / name).write_text("v1")
    assert merge.deliver(pack, home).copied == ["notebooks/00.ipynb"]
    assert sorted(p.name for p in (home / "notebooks").iterdir()) == ["00.ipynb"]


def test_no_two_servers_of_a_room_are_handed_the_same_port(monkeypatch) -> None:
    """JupyterHub's own pick (bind port 0, let it go) can return a port it just gave another
    server that has not bound it yet; the room's spawner picks again."""
    from daas.hub import room
    from daas.hub.spawner import fresh_port

    picks = iter([8101, 8101, 8101, 8102])
    taken: set[int] = set()
    assert [fresh_port(taken, lambda: next(picks)) for _ in range(2)] == [8101, 8102]
    assert taken == {8101, 8102}
    monkeypatch.setattr(room, "learner_pack", lambda city: Path("pack"))
    settings = room.settings(room.room("port-mallory", None), 8000, "a-password", "a-token")
    assert settings["JupyterHub.spawner_class"] == "daas.hub.spawner.RoomSpawner"
    # the hub's and the proxy's APIs: two ports picked while both are held, never the same one
    proxy_api = int(str(settings["ConfigurableHTTPProxy.api_url"]).rsplit(":", 1)[1])
    assert len({8000, settings["JupyterHub.hub_port"], proxy_api}) == 3
    ports = room.free_ports(50)
    assert len(set(ports)) == 50  # held together, the system gives each socket its own


def test_passed_exercises_are_read_from_saved_checks(tmp_path: Path) -> None:
    """An exercise counts as passed when every check cell shows the kit's right-answer mark."""
    home = tmp_path / "home"
    _notebook(home / "exercises" / "00-a.ipynb", [_check_cell(RIGHT_MARK), _check_cell(RIGHT_MARK)])
    _notebook(home / "exercises" / "01-b.ipynb", [_check_cell(RIGHT_MARK), _check_cell("💡")])
    _notebook(home / "exercises" / "02-c.ipynb", [_check_cell(None)])
    assert passed_checks(home / "exercises" / "01-b.ipynb") == (1, 2)
    assert exercises_passed(home) == (["00"], 3)
    # a check answered right in the form (its feedback is in a widget, not in the saved notebook)
    (home / "exercises" / FORM_RECORD).write_text(
        json.dumps({"02-c.ipynb": {"most-renters": True}, "01-b.ipynb": {"most-renters": False}})
    )
    assert exercises_passed(home) == (["00", "02"], 3)


def test_bad_input_is_named_with_its_fix(kit_root: Path, tmp_path: Path, monkeypatch) -> None:
    """No pack (the command line: message and exit code, no traceback), a port in use, a short
    password, no hub running: each a DaasError naming its fix."""
    monkeypatch.setenv("DAAS_ROOT", str(kit_root))
    the_room = hub_room.room(CITY, tmp_path / "r")
    with pytest.raises(DaasError, match="shorter than 8"):
        hub_room.prepare(the_room, free_port(), "short")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(DaasError, match="in use"):
            hub_room.prepare(the_room, busy.getsockname()[1], None)
    with pytest.raises(DaasError, match=f"daas hub --city {CITY}") as idle:
        status_lines(the_room)
    assert idle.value.exit_code == 1
    shutil.rmtree(kit_root / "_build")
    no_pack = _daas(kit_root, "hub", "--city", CITY, "--root", str(tmp_path / "r"))
    assert no_pack.returncode == 2 and f"daas workshop run --city {CITY}" in no_pack.stderr
    assert "Traceback" not in no_pack.stderr


def test_server_files(kit_root: Path, tmp_path: Path, monkeypatch) -> None:
    """`daas hub config`: a config JupyterHub can read, the learner pack, the lock, a README; a
    second write keeps the workshop password; another folder is not replaced."""
    monkeypatch.setenv("DAAS_ROOT", str(kit_root))
    out = write_server_files(CITY, tmp_path / "room")
    compile((out / "jupyterhub_config.py").read_text(), "jupyterhub_config.py", "exec")
    assert (out / "pack" / "exercises" / "00-renters.ipynb").is_file()
    assert "jupyterhub==" in (out / "requirements.txt").read_text()
    assert "/opt/daas/room/pack_merge.py" in (out / "jupyterhub_config.py").read_text()
    readme = (out / "README.md").read_text()  # for the city's staff: in its language, filled in
    assert readme.startswith("# La sala de la clase magistral de Villa Ondina")
    assert "`daas hub --city villa-ondina`" in readme and "%(" not in readme
    password = (out / "workshop-password").read_text()
    assert (out / "workshop-password").stat().st_mode & 0o077 == 0
    assert (write_server_files(CITY, out) / "workshop-password").read_text() == password
    with pytest.raises(DaasError, match="--force"):
        write_server_files(CITY, kit_root)
