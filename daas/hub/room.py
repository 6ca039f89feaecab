"""`daas hub`: a rehearsal of a masterclass room on loopback, with JupyterHub's own parts.

A shared workshop password (JupyterHub's `SharedPasswordAuthenticator`: any name, the room's
password), a local-process spawner giving each participant a home under the rehearsal folder with
their own copy of the city's learner pack (`merge.py` runs in front of each server), kernels in
the city's language, the idle culler as a hub service, a memory limit per participant (passed
on; only a systemd spawner enforces it), and the pure-Python configurable-http-proxy. The coach's
service token lets `daas hub status` read who is logged in.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from daas.core.city import City, load_city
from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.io import atomic_write_text
from daas.core.paths import build_dir
from daas.hub import merge
from daas.packs.lab import built_pack, lab_env

PASSWORD_MIN = 8  # SharedPasswordAuthenticator refuses a shorter one
MEM_LIMIT = "1G"
IDLE_MINUTES = 60
USERNAME = r"^[a-z0-9][a-z0-9._-]{0,31}$"  # names that are safe folder names
COACH = "daas-coach"
COACH_SCOPES = ["list:users", "read:users", "read:servers"]
CULLER_SCOPES = ["list:users", "read:users:activity", "read:servers", "delete:servers"]
# What a participant's kernels inherit from `lab_env`: the kit, the city and its language.
KERNEL_ENV = (
    "DAAS_ROOT",
    "DAAS_CITY",
    "DAAS_LANG",
    "DAAS_KERNEL_FORKS",
    "PYTHONPATH",
    "JUPYTER_DEFAULT_PROVISIONER_NAME",
)


@dataclass(frozen=True)
class Room:
    """A rehearsal's folder: participants' homes, the hub's database, secrets and address."""

    city: City
    root: Path

    @property
    def homes(self) -> Path:
        return self.root / "homes"

    @property
    def info(self) -> Path:
        """Where the running hub's address is recorded (for `daas hub status`)."""
        return self.root / "room.json"

    @property
    def token_file(self) -> Path:
        return self.root / "coach-token"

    @property
    def password_file(self) -> Path:
        return self.root / "password"


def room(slug: str, root: Path | None = None) -> Room:
    city = load_city(slug)
    return Room(city, (root or build_dir() / "hub" / city.slug).resolve())


def learner_pack(city: City) -> Path:
    """The city's built pack (executed notebooks, learner exercises), or a DaasError naming the
    command that builds it. The coach edition is never in it: that is a site, not the pack."""
    return built_pack(city)


def check_port(port: int) -> None:
    """A DaasError if `port` cannot be bound on loopback."""
    if not 0 < port < 65536:
        raise DaasError.one(
            "--port", "", _("a port is a number from 1 to 65535"), _("use --port 8000")
        )
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the proxy will bind it
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise DaasError.one(
                "--port",
                str(port),
                _("this port is in use on this computer"),
                _("choose another with --port, or stop what is using it"),
            ) from None


def free_ports(n: int) -> list[int]:
    """`n` different loopback ports free now (for the hub's internal API and the proxy's API):
    each socket stays bound until all are picked, so the system cannot hand one port out twice."""
    with contextlib.ExitStack() as stack:
        held = [stack.enter_context(socket.socket()) for _ in range(n)]
        for s in held:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in held]


def secret(path: Path, given: str | None = None, nbytes: int = 24) -> str:
    """`given`, else the secret kept in `path`, else a new one; kept readable by its owner only."""
    if given is None and path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = given if given is not None else secrets.token_urlsafe(nbytes)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, value + "\n")
    path.chmod(0o600)
    return value


def kernel_env(city: City) -> dict[str, str]:
    env = lab_env(city)
    return {k: env[k] for k in KERNEL_ENV if k in env}


def server_cmd(pack: Path) -> list[str]:
    """Each participant's server: the pack delivered into their home, then JupyterHub's
    single-user server (JupyterLab)."""
    bin_dir = Path(sys.executable).parent
    cmd = [
        sys.executable,
        merge.__file__ or "",
        str(pack),
        "--",
        str(bin_dir / "jupyterhub-singleuser"),
    ]
    if os.geteuid() == 0:  # containers and CI machines often run as root
        cmd.append("--ServerApp.allow_root=True")
    return cmd


def settings(the_room: Room, port: int, password: str, token: str) -> dict[str, object]:
    """The rehearsal hub's configuration, as `c.<Class>.<trait>` values."""
    home = str(the_room.homes / "{username}")
    proxy = str(Path(sys.executable).parent / "configurable-http-proxy")
    culler = [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_MINUTES * 60}"]
    hub_api, proxy_api = free_ports(2)
    return {
        "JupyterHub.ip": "127.0.0.1",
        "JupyterHub.port": port,
        "JupyterHub.hub_ip": "127.0.0.1",
        "JupyterHub.hub_port": hub_api,
        "JupyterHub.db_url": f"sqlite:///{the_room.root / 'jupyterhub.sqlite'}",
        "JupyterHub.cookie_secret_file": str(the_room.root / "jupyterhub_cookie_secret"),
        "JupyterHub.authenticator_class": "shared-password",
        "SharedPasswordAuthenticator.user_password": password,
        "Authenticator.allow_all": True,  # anyone with the room's password, under any free name
        "Authenticator.username_pattern": USERNAME,
        "JupyterHub.spawner_class": "daas.hub.spawner.RoomSpawner",  # ports never shared
        "RoomSpawner.home_dir_template": home,
        "Spawner.notebook_dir": home,  # the server's root: its contents API stops there
        "Spawner.cmd": server_cmd(learner_pack(the_room.city)),
        "Spawner.environment": kernel_env(the_room.city),
        "Spawner.default_url": "/lab",
        "Spawner.mem_limit": MEM_LIMIT,
        "Spawner.start_timeout": 120,
        "Spawner.http_timeout": 120,
        "ConfigurableHTTPProxy.command": [proxy],
        "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{proxy_api}",
        "ConfigurableHTTPProxy.pid_file": str(the_room.root / "proxy.pid"),
        "JupyterHub.services": [
            {"name": "idle-culler", "command": culler},
            {"name": COACH, "api_token": token},
        ],
        "JupyterHub.load_roles": [
            {"name": "idle-culler", "scopes": CULLER_SCOPES, "services": ["idle-culler"]},
            {"name": COACH, "scopes": COACH_SCOPES, "services": [COACH]},
        ],
    }


def config_text(values: dict[str, object], heading: str) -> str:
    """A `jupyterhub_config.py` setting each value (Python literals, so no code is generated
    from input)."""
    lines = [f"# {heading}", "c = get_config()  # noqa: F821 (JupyterHub defines it)"]
    lines += [f"c.{key} = {value!r}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def prepare(the_room: Room, port: int, password: str | None) -> tuple[Path, str]:
    """Write the rehearsal's configuration and address; return the config file and password."""
    if password is not None and len(password) < PASSWORD_MIN:
        raise DaasError.one(
            "--password",
            "",
            _("the workshop password is shorter than {n} characters").format(n=PASSWORD_MIN),
            _("choose a password of at least {n} characters").format(n=PASSWORD_MIN),
        )
    check_port(port)
    learner_pack(the_room.city)
    the_room.homes.mkdir(parents=True, exist_ok=True)
    the_room.root.chmod(0o700)  # secrets and every participant's work
    password = secret(the_room.password_file, password, nbytes=9)
    token = secret(the_room.token_file)
    config = the_room.root / "jupyterhub_config.py"
    heading = f"Written by `daas hub --city {the_room.city.slug}` at every start: a rehearsal."
    atomic_write_text(config, config_text(settings(the_room, port, password, token), heading))
    config.chmod(0o600)  # it holds the password and the coach's token
    url = f"http://127.0.0.1:{port}"
    atomic_write_text(the_room.info, json.dumps({"city": the_room.city.slug, "url": url}) + "\n")
    return config, password


def start(slug: str, port: int, root: Path | None, password: str | None) -> int:
    """Run the rehearsal hub until interrupted (this process becomes JupyterHub)."""
    the_room = room(slug, root)
    config, password = prepare(the_room, port, password)
    print(
        _(
            "{city}: the room is at http://127.0.0.1:{port}/ (any name, workshop password: "
            "{password}); homes in {homes}"
        ).format(city=the_room.city.name, port=port, password=password, homes=the_room.homes),
        flush=True,
    )
    os.chdir(the_room.root)
    cmd = [sys.executable, "-m", "jupyterhub", "-f", str(config)]
    # Replace this process, so a stop signal reaches the hub, which stops servers and proxy.
    os.execve(cmd[0], cmd, lab_env(the_room.city))
    return 0  # not reached
