"""`daas lab`: JupyterLab on a city's workshop pack, with widgets working."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from daas.core.city import City, load_city
from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.paths import city_build_dir, repo_root


def lab_command(pack: Path, port: int, open_browser: bool, token: str | None = None) -> list[str]:
    """The JupyterLab command line serving `pack` on loopback only."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={pack}",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--ServerApp.open_browser={open_browser}"]  # fmt: skip
    if os.geteuid() == 0:  # containers and CI machines often run as root
        cmd.append("--ServerApp.allow_root=True")
    if token is not None:
        cmd.append(f"--IdentityProvider.token={token}")
    return cmd


def built_pack(city: City) -> Path:
    """The city's built pack (executed notebooks, learner exercises), or a DaasError naming the
    command that builds it."""
    pack = city_build_dir(city.slug)
    if not any(any((pack / f).glob("*.ipynb")) for f in ("notebooks", "exercises")):
        raise DaasError.one(
            f"_build/cities/{city.slug}/",
            "",
            _("the workshop pack is not built"),
            _("run `daas workshop run --city {slug}` first").format(slug=city.slug),
        )
    return pack


def lab_env(city: City) -> dict[str, str]:
    """JupyterLab's environment, which its kernels inherit: the kit, the city, and the city's
    language (re-running a cell prints what `daas workshop run` printed). A participant's kernel
    starts as a new Python (no fork server: a restart after installing or editing a module must
    see the change)."""
    return {**os.environ, "DAAS_ROOT": str(repo_root()), "DAAS_CITY": city.slug,
            "DAAS_LANG": city.language, "DAAS_KERNEL_FORKS": "0"}  # fmt: skip


def open_lab(
    slug: str, port: int = 8888, open_browser: bool = True, token: str | None = None
) -> int:
    """Run JupyterLab on `_build/cities/<slug>/` until interrupted."""
    city = load_city(slug)
    pack = built_pack(city)
    cmd = lab_command(pack, port, open_browser, token)
    env = lab_env(city)
    print(_("{city}: JupyterLab on {folder} at http://127.0.0.1:{port}/lab").format(
        city=city.name, folder=pack, port=port), flush=True)  # fmt: skip
    # Replace this process, so a stop signal reaches JupyterLab itself and leaves no orphan.
    os.execve(cmd[0], cmd, env)
    return 0  # not reached
