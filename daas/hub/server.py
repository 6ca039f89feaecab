"""`daas hub config --city <slug> OUT`: the files to run a city's room on a real server.

The Littlest JupyterHub (TLJH) style: TLJH's hub, systemd spawner (which enforces the memory and
CPU limits) and idle culler, with the room's part as a `jupyterhub_config.d` snippet: the shared
workshop password, the city's learner pack delivered into each home by `pack_merge.py` (this
package's `merge.py`) in front of each server, kernels in the city's language. Beside it the
environment (`requirements.txt`: the kit's run-time lock), the pack itself and a README (steps,
sizing). Written atomically; a folder that is not an earlier one is replaced only with `force`.
"""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

from daas.core.city import City, load_city
from daas.core.errors import DaasError
from daas.core.i18n import N_, _, use_language
from daas.core.io import atomic_dir, atomic_write_text, make_room
from daas.core.paths import package_dir
from daas.hub import merge
from daas.hub.room import IDLE_MINUTES, MEM_LIMIT, USERNAME, learner_pack

MARKER = "daas-hub.json"  # names the folder as written by `daas hub config`
NOT_A_ROOM = N_("this exists and was not written by `daas hub config`: writing would replace it")
HOME = "/opt/daas/room"  # where the README puts this folder on the server
KIT = "/opt/daas/kit"  # and the kit's checkout (the city file and data the kernels read)
USER_ENV = "/opt/tljh/user/bin"  # TLJH's environment for participants' servers and kernels
CPU_LIMIT = 1.0


def server_settings(city: City) -> dict[str, object]:
    """The room's part of a TLJH hub's configuration, as `c.<Class>.<trait>` values."""
    return {
        "JupyterHub.authenticator_class": "shared-password",
        "Authenticator.allow_all": True,
        "Authenticator.username_pattern": USERNAME,
        "Spawner.cmd": [
            f"{USER_ENV}/python",
            f"{HOME}/pack_merge.py",
            f"{HOME}/pack",
            "--",
            f"{USER_ENV}/jupyterhub-singleuser",
        ],
        "Spawner.environment": {
            "DAAS_ROOT": KIT,
            "DAAS_CITY": city.slug,
            "DAAS_LANG": city.language,
            "DAAS_KERNEL_FORKS": "0",
        },
        "Spawner.default_url": "/lab",
        "Spawner.mem_limit": MEM_LIMIT,  # the systemd spawner enforces it (MemoryMax)
        "Spawner.cpu_limit": CPU_LIMIT,  # and this (CPUQuota)
    }


def config_py(city: City) -> str:
    lines = [
        f"# The masterclass room for {city.name}, written by `daas hub config`: a TLJH",
        "# jupyterhub_config.d snippet (README.md). The workshop password is read from the file",
        "# beside it, readable by root only.",
        "c = get_config()  # noqa: F821 (JupyterHub defines it)",
        "c.SharedPasswordAuthenticator.user_password = (",
        f"    open({HOME + '/workshop-password'!r}, encoding='utf-8').read().strip()",
        ")",
    ]
    lines += [f"c.{key} = {value!r}" for key, value in server_settings(city).items()]
    return "\n".join(lines) + "\n"


def requirements() -> str:
    """The participants' environment: every pin of the kit's run-time lock."""
    lock = package_dir().parent / "requirements" / "run.txt"
    if not lock.exists():
        raise DaasError.one(
            str(lock),
            "",
            _("the kit's run-time lock is missing"),
            _("write the files from the kit's checkout"),
        )
    return lock.read_text(encoding="utf-8")


def write_server_files(slug: str, out: Path, force: bool = False) -> Path:
    """Write the room's server files for the city into `out`; return `out`."""
    city = load_city(slug)
    pack = learner_pack(city)
    make_room(out, MARKER, force, _(NOT_A_ROOM))
    with atomic_dir(out) as stage:
        stage.chmod(0o755)  # the staging folder is private; participants' servers read this one
        for rel, src in merge.pack_files(pack).items():
            (stage / "pack" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, stage / "pack" / rel)
        shutil.copy2(merge.__file__ or "", stage / "pack_merge.py")
        texts = {
            "jupyterhub_config.py": config_py(city),
            "requirements.txt": requirements(),
            "README.md": readme(city),
            MARKER: json.dumps({"daas_hub": 1, "city": slug}, indent=2) + "\n",
        }
        for name, text in texts.items():
            atomic_write_text(stage / name, text)
        kept = out / "workshop-password"  # a folder written again keeps its password
        password = kept.read_text(encoding="utf-8").strip() if kept.exists() else None
        atomic_write_text(
            stage / "workshop-password", (password or secrets.token_urlsafe(9)) + "\n"
        )
        (stage / "workshop-password").chmod(0o600)
    return out


# The server's README, block by block (each translated on its own, so a stale translation shows
# in `daas i18n status`): "#"/"##" headings, "-" and "1." list items, paragraphs; `%(...)s` are
# filled from the city and the room's settings (not `{...}`: before a backtick, MyST reads a role).
README = (
    N_("# The masterclass room for %(city)s: one JupyterHub on a server"),
    N_(
        "Written by `daas hub config --city %(slug)s`. These steps put the room you rehearsed with "
        "`daas hub --city %(slug)s` on a server with The Littlest JupyterHub (TLJH): TLJH's hub, "
        "its systemd spawner (every participant a Unix user `jupyter-<name>` with a home of "
        "their own, which other participants cannot read, and a memory and CPU limit the system "
        "enforces) and its idle culler, plus this folder's part: the shared workshop password, "
        "the city's learner pack copied into each home when their server starts, and kernels in "
        "the city's language."
    ),
    N_("## What is here"),
    N_(
        "- `jupyterhub_config.py`: the room's settings (shared password; `pack_merge.py` in "
        "front of each server; `DAAS_CITY=%(slug)s`; %(mem)s of memory and %(cpu)s CPU per "
        "participant)."
    ),
    N_(
        "- `workshop-password`: the password you give the room (readable by root only; change "
        "it if you like: at least 8 characters)."
    ),
    N_(
        "- `pack/`: the city's learner pack (executed notebooks and learner exercises; no coach "
        "material)."
    ),
    N_(
        "- `pack_merge.py`: copies the pack into a home without overwriting what a participant "
        "changed."
    ),
    N_("- `requirements.txt`: the participants' environment, the kit's run-time lock."),
    N_("## Steps"),
    N_(
        "1. A server with Ubuntu 24.04 LTS, sized as *Sizing* below says, and a domain name "
        "pointing to it."
    ),
    N_(
        '2. Install TLJH with yourself as its administrator (its documentation: "Installing on '
        'your own server"): `curl -L https://tljh.jupyter.org/bootstrap.py | sudo python3 - '
        "--admin <you>`"
    ),
    N_(
        "3. Put the kit's checkout at `%(kit)s` (the city file and data the kernels read) and "
        "this folder at `%(home)s`, then install the environment: `sudo %(env)s/pip install "
        "--no-deps -r %(home)s/requirements.txt` and `sudo %(env)s/pip install --no-deps %(kit)s`"
    ),
    N_(
        "4. Add the room to the hub and set the culler (stops a server idle for %(idle)s "
        "seconds): `sudo ln -s %(home)s/jupyterhub_config.py "
        "/opt/tljh/config/jupyterhub_config.d/daas-room.py`, `sudo tljh-config set "
        "services.cull.timeout %(idle)s`, then `sudo tljh-config reload`"
    ),
    N_(
        "5. Turn on HTTPS (TLJH's Let's Encrypt support: `sudo tljh-config set https.enabled "
        "true`, `https.letsencrypt.email` and `https.letsencrypt.domains`, then `sudo "
        "tljh-config reload proxy`)."
    ),
    N_(
        "6. Log in once yourself with any name and the workshop password, open `notebooks/` and "
        "run a notebook, before the day."
    ),
    N_("## Updating the pack during the day"),
    N_(
        "Rebuild the pack (`daas workshop run --city %(slug)s`), write this folder again and copy "
        "its `pack/` over `%(home)s/pack/`. Each participant's next server start brings the "
        "update: new files are copied, files they have not changed are replaced, files they "
        "edited are left as they are. To reach servers that are running now, ask participants "
        "to use File > Hub Control Panel > Stop My Server, then Start."
    ),
    N_("## Sizing"),
    N_(
        "Memory is what limits a room. Each participant may use up to %(mem)s. Measured with "
        "the kit's `benchmarks/hub_load.py` (20 participants logging in at once on 2 cores, each "
        "running workshop 00 in full, five times): about 220 MB per participant (server and "
        "kernel, shared libraries counted once; 280 MB counting them in every process), 174 MB "
        "for the hub, all 20 servers ready within 23 s, the notebook run in 17 to 19 s while "
        "everyone ran it at once. For 40 participants plan on 16 GB of memory, 4 cores and 20 "
        'GB of disk (the coach\'s guide, "Choosing laptops, one hub, or Kubernetes"). CPU '
        "matters at the moments everyone runs a notebook at once: expect notebooks to run "
        "slower rather than fail."
    ),
    N_("## When everyone logs in at once"),
    N_(
        "TLJH's systemd spawner picks each server's port a moment before the server takes it, "
        "so two servers starting in the same second can be given one port: the second "
        'participant then sees "404: Not Found" when their notebook opens. Let the room log in '
        "table by table, a few seconds apart. If it happens, the participant uses File > Hub "
        "Control Panel > Stop My Server, then Start My Server; their work is kept."
    ),
)


def readme(city: City) -> str:
    """The server's README in the city's language."""
    values = {"city": city.name, "slug": city.slug, "home": HOME, "kit": KIT, "env": USER_ENV,
              "mem": MEM_LIMIT, "cpu": CPU_LIMIT, "idle": IDLE_MINUTES * 60}  # fmt: skip
    with use_language(city.language):
        blocks = [_(block) % values for block in README]
    text = ""
    for previous, block in zip(["", *blocks], blocks, strict=False):
        lists = previous[:2] in ("- ", *LIST_NUMBERS) and block[:2] in ("- ", *LIST_NUMBERS)
        text += ("\n" if lists else "\n\n" if text else "") + block
    return text + "\n"


LIST_NUMBERS = tuple(f"{n}." for n in range(1, 10))
