"""`daas lab`: JupyterLab's kernels speak the city's language, as the pack's did."""

from __future__ import annotations

from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from daas.core.city import load_city
from daas.packs.lab import lab_env


def test_a_lab_kernel_speaks_the_city_language() -> None:
    """A kernel started with JupyterLab's environment (kernels inherit it) prints Portuguese
    for Vale do Sereno, so re-running a cell of its pack does not turn the output English."""
    env = lab_env(load_city("vale-do-sereno"))
    assert env["DAAS_CITY"] == "vale-do-sereno" and env["DAAS_KERNEL_FORKS"] == "0"
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    try:
        out: list[str] = []
        code = "from daas.core.i18n import _, language\nprint(language(), _('Residents'))"
        reply = kc.execute_interactive(
            code, timeout=120, output_hook=lambda m: out.append(m["content"].get("text", ""))
        )
        assert reply["content"]["status"] == "ok"
        assert "".join(out).split() == ["pt", "Moradores"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_lab_without_a_built_pack_says_which_command_builds_it(
    city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from daas.cli import main

    assert main(["lab", "--city", "port-mallory", "--no-browser"]) == 2
    assert "daas workshop run --city port-mallory" in capsys.readouterr().err


def test_lab_prints_the_address_that_opens_it_with_the_token_it_chose(
    city_tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --token the kit chooses one and gives it to JupyterLab (in its environment, out
    of the process list), so the one line printed opens the lab, not a login page."""
    from daas.packs import lab

    (city_tree / "_build/cities/port-mallory/notebooks").mkdir(parents=True)
    (city_tree / "_build/cities/port-mallory/notebooks/00-city-profile.ipynb").write_text("{}")
    monkeypatch.delenv("JUPYTER_TOKEN", raising=False)
    started: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(lab.os, "execve", lambda path, cmd, env: started.append((cmd, env)))

    assert lab.open_lab("port-mallory", port=8123, open_browser=False) == 0
    assert lab.open_lab("port-mallory", port=8123, open_browser=False) == 0
    lines = capsys.readouterr().out.splitlines()
    tokens = [env["JUPYTER_TOKEN"] for _cmd, env in started]
    assert len(lines) == 2 and len(tokens[0]) >= 32 and tokens[0] != tokens[1]
    pack = city_tree / "_build/cities/port-mallory"
    assert lines[0] == f"Port Mallory: JupyterLab on {pack} at " + lab.lab_address(8123, tokens[0])
    assert lines[0].endswith(f"http://127.0.0.1:8123/lab?token={tokens[0]}")
    cmd = started[0][0]
    assert "--ServerApp.port=8123" in cmd and not any(tokens[0] in a for a in cmd)

    lab.open_lab("port-mallory", port=8124, open_browser=False, token="given")
    assert started[-1][1]["JUPYTER_TOKEN"] == "given"
    assert capsys.readouterr().out.strip().endswith("http://127.0.0.1:8124/lab?token=given")
