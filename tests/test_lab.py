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
