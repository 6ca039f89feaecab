"""`daas lab`: JupyterLab on a city's workshop pack, with widgets working."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import quote

from daas.core.city import City, load_city
from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.paths import city_build_dir, repo_root


def lab_command(pack: Path, port: int, open_browser: bool, token: str | None = None) -> list[str]:
    """The JupyterLab command line serving `pack` on loopback only. A token travels in the
    environment (`lab_env`), out of the process list other users of the machine can read; only
    an empty one (no login at all, asked for with `--token ""`) is given here."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={pack}",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--ServerApp.open_browser={open_browser}"]  # fmt: skip
    if os.geteuid() == 0:  # containers and CI machines often run as root
        cmd.append("--ServerApp.allow_root=True")
    if token == "":
        cmd.append("--IdentityProvider.token=")
    return cmd


def lab_token(token: str | None = None) -> str:
    """The token JupyterLab asks for: the one given, else $JUPYTER_TOKEN, else a new random one
    (the kit chooses it, so the address it prints opens the lab without a login page)."""
    if token is not None:
        return token
    return os.environ.get("JUPYTER_TOKEN") or secrets.token_urlsafe(32)


def lab_address(port: int, token: str) -> str:
    """The address that opens the lab directly (the token in it)."""
    address = f"http://127.0.0.1:{port}/lab"
    return f"{address}?token={quote(token, safe='')}" if token else address


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


def lab_env(city: City, token: str | None = None) -> dict[str, str]:
    """JupyterLab's environment, which its kernels inherit: the kit, the city, and the city's
    language (re-running a cell prints what `daas workshop run` printed). A participant's kernel
    starts as a new Python (no fork server: a restart after installing or editing a module must
    see the change). A non-empty `token` is JupyterLab's ($JUPYTER_TOKEN)."""
    env = {**os.environ, "DAAS_ROOT": str(repo_root()), "DAAS_CITY": city.slug,
           "DAAS_LANG": city.language, "DAAS_KERNEL_FORKS": "0"}  # fmt: skip
    if token:
        env["JUPYTER_TOKEN"] = token
    return env


def open_lab(
    slug: str, port: int = 8888, open_browser: bool = True, token: str | None = None
) -> int:
    """Run JupyterLab on `_build/cities/<slug>/` until interrupted, after one line naming the
    city, the pack folder and the address that opens it (with the token: no login page)."""
    city = load_city(slug)
    pack = built_pack(city)
    token = lab_token(token)
    cmd = lab_command(pack, port, open_browser, token)
    env = lab_env(city, token)
    print(_("{city}: JupyterLab on {folder} at {address}").format(
        city=city.name, folder=pack, address=lab_address(port, token)), flush=True)  # fmt: skip
    # Replace this process, so a stop signal reaches JupyterLab itself and leaves no orphan.
    os.execve(cmd[0], cmd, env)
    return 0  # not reached
