"""`daas beacon bundle`: a city's published Beacon as a folder any server with Python can serve.

The folder holds the database, the Datasette metadata and settings, the page data, the kit's
Datasette plugins copied as standalone modules (`datasette_app` as `plugins/read_only.py`,
`open311`: neither imports `daas`), `serve.py` (`bundle_serve`), `requirements.txt` (Datasette and
its dependencies at the versions of `requirements/run.txt`), a `Dockerfile` and a README for the
city's IT team in the city's language. It is written atomically; a folder that is not an earlier
bundle is replaced only with `force`.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import textwrap
from importlib import metadata
from pathlib import Path
from types import ModuleType

from daas.beacon import bundle_serve, datasette_app, open311
from daas.beacon.publish import ROW_LIMIT, TIME_LIMIT_MS
from daas.beacon.records import output_dir
from daas.core.city import load_city
from daas.core.errors import DaasError
from daas.core.i18n import N_, _
from daas.core.io import atomic_dir, atomic_write_text, make_room
from daas.core.paths import package_dir

MARKER = "bundle.json"  # names the folder as a Beacon bundle, so a new one may replace it
NOT_A_BUNDLE = N_("this exists and is not a Beacon bundle: writing the bundle would replace it")
PLUGINS: dict[str, ModuleType] = {"read_only.py": datasette_app, "open311.py": open311}
SETTINGS = {
    "sql_time_limit_ms": TIME_LIMIT_MS,
    "max_returned_rows": ROW_LIMIT,
    "allow_download": "off",
    "default_page_size": 100,
}
PORT = 8001
REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
EXTRA = re.compile(r";.*\bextra\s*==")


def bundle(slug: str, out: Path, force: bool = False) -> Path:
    """Write the bundle of the city's published Beacon into `out`; return `out`."""
    src = output_dir(slug)
    if not (src / "beacon.db").exists() or not (src / "metadata.json").exists():
        raise DaasError.one(
            str(src / "beacon.db"),
            "",
            _("the Beacon has not been built for this city"),
            _("run `daas beacon build --city {slug}` first").format(slug=slug),
        )
    lock = package_dir().parent / "requirements" / "run.txt"
    pins = requirements(lock.read_text(encoding="utf-8")) if lock.exists() else ""
    if "datasette==" not in pins:
        raise DaasError.one(
            str(lock),
            "",
            _("no pinned Datasette version to put in the bundle's requirements"),
            _("bundle from the kit's checkout, where `requirements/run.txt` pins datasette"),
        )
    make_room(out, MARKER, force, _(NOT_A_BUNDLE))
    with atomic_dir(out) as stage:
        _write(stage, src, slug, pins)
    return out


def _write(stage: Path, src: Path, slug: str, pins: str) -> None:
    stage.chmod(0o755)  # a staging folder is private; the bundle is for a server to read
    shutil.copy2(src / "beacon.db", stage / "beacon.db")
    shutil.copy2(src / "metadata.json", stage / "metadata.json")
    if (src / "pages").is_dir():
        shutil.copytree(src / "pages", stage / "pages")
    else:
        (stage / "pages").mkdir()
    (stage / "plugins").mkdir()
    for name, module in PLUGINS.items():
        shutil.copy2(_source(module), stage / "plugins" / name)
    shutil.copy2(_source(bundle_serve), stage / "serve.py")
    title = json.loads((src / "metadata.json").read_text(encoding="utf-8")).get("title", slug)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    texts = {
        "settings.json": json.dumps(SETTINGS, indent=2) + "\n",
        "requirements.txt": pins,
        "Dockerfile": DOCKERFILE.format(python=version, port=PORT),
        "README.md": readme(title, slug, load_city(slug).language),
        MARKER: json.dumps({"beacon_bundle": 1, "city": slug}, indent=2) + "\n",
    }
    for name, text in texts.items():
        atomic_write_text(stage / name, text)


def _source(module: ModuleType) -> Path:
    return Path(module.__file__ or "")


def requirements(lock: str) -> str:
    """The lines of the lock `lock` that Datasette needs (it and its dependencies, markers kept),
    and tzdata (time zones for the Open311 API where the system has none)."""
    wanted = dependencies("datasette") | {"tzdata"}
    kept = [
        line
        for line in lock.splitlines()
        if (match := REQUIREMENT.match(line)) and _normal(match.group(1)) in wanted
    ]
    return "\n".join(kept) + "\n"


def dependencies(name: str) -> set[str]:
    """`name` and every package it needs, as installed here (extras left out), normalised."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = _normal(todo.pop())
        if current in seen:
            continue
        seen.add(current)
        try:
            needs = metadata.requires(current) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [m.group(1) for r in needs if not EXTRA.search(r) and (m := REQUIREMENT.match(r))]
    return seen


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


DOCKERFILE = """\
# The Beacon, read-only, on port {port}:
#   docker build -t beacon . && docker run -p {port}:{port} beacon
FROM python:{python}-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT={port}
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system --no-create-home --uid 10001 beacon
USER beacon
EXPOSE {port}
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \\
  CMD python -c "import os, urllib.request; \\
urllib.request.urlopen('http://127.0.0.1:%s/-/versions.json' % os.environ['PORT'], timeout=4)"
CMD ["python", "serve.py", "--host", "0.0.0.0"]
"""

README = """\
# {title}

{intro}

## {serve}

    pip install -r requirements.txt && python serve.py

{answers_at}

    python serve.py --host 0.0.0.0 --port {port}

{behind}

{what_it_answers}
{answers}

## {here}

| {file} | {what} |
|---|---|
{files}

## {hosting}

{hostings}

## {refresh}

{refresh_how}

    #!/bin/sh -e
    cd /opt/daas
    daas beacon build --city {slug} --quiet
    daas beacon bundle --city {slug} /srv/beacon-bundle
    rsync -a --delete --exclude .venv /srv/beacon-bundle/ beacon-server:/srv/beacon/
    ssh beacon-server sudo systemctl restart beacon

{cron}

    0 2 * * * /opt/daas/refresh-beacon.sh

{systemd}

    [Unit]
    Description=Beacon ({slug}), read-only
    After=network.target

    [Service]
    User=beacon
    WorkingDirectory=/srv/beacon
    ExecStart=/srv/beacon/.venv/bin/python serve.py --port {port}
    Restart=on-failure

    [Install]
    WantedBy=multi-user.target

{timer}
"""
# the README's words, marked for the catalogues and written in the city's language; Markdown
# and `{slug}`/`{port}` stay as they are in every language
WORDS = {
    "intro": N_(
        "This folder is the published Beacon of {slug}, ready to serve on any server with "
        "Python 3.11, 3.12 or 3.13 (the versions its requirements are pinned for). It is "
        "read-only: the database is opened immutable, every write is refused, queries stop "
        "after a time limit and return a limited number of rows (`settings.json`)."
    ),
    "serve": N_("Serve it"),
    "answers_at": N_(
        "It answers at <http://127.0.0.1:{port}/> on this machine only. This listens on every "
        "network interface:"
    ),
    "behind": N_(
        "The port can also come from the `PORT` environment variable. Put it behind the web "
        "server that holds the city's HTTPS certificate (nginx, Caddy, Apache) rather than "
        "exposing it directly."
    ),
    "what_it_answers": N_("What it answers:"),
    "here": N_("What is here"),
    "file": N_("file"),
    "what": N_("what it is"),
    "hosting": N_("Hosting choices"),
    "refresh": N_("Refresh the data on a schedule"),
    "refresh_how": N_(
        "New exports become new data on the machine that holds the kit: rebuild, bundle again "
        "into the same folder (an earlier bundle is replaced whole), copy it to the server and "
        "restart the service (the database is immutable, so a running server keeps the old "
        "file until it restarts). For example, a script `/opt/daas/refresh-beacon.sh` on the "
        "kit's machine:"
    ),
    "cron": N_("run every night at 02:00 by cron (`crontab -e`):"),
    "systemd": N_("On the server, a systemd service `/etc/systemd/system/beacon.service`:"),
    "timer": N_(
        "A systemd timer (`OnCalendar=*-*-* 02:00`) running the script can replace the cron "
        "line. With a container platform, build and push a new image instead, then redeploy."
    ),
}
ANSWERS = (
    N_("`/beacon`: the published tables and the canned queries, as pages, `.json` and `.csv`;"),
    N_(
        "`/open311/v2/services.json`, `requests.json`, `requests/{{id}}.json`: the Open311 "
        "GeoReport v2 API, when this Beacon publishes service requests;"
    ),
    N_("`/pages/resident.json`, `staff.json`, `performance.json`: the data of the Beacon's pages;"),
    N_("`/-/versions.json`: a quick health check."),
)
FILES = (
    ("`beacon.db`", N_("the published SQLite database")),
    ("`metadata.json`, `settings.json`", N_(
        "titles, licence, canned queries; time and row limits"
    )),
    ("`plugins/`", N_(
        "Datasette plugins: `read_only.py` refuses writes, `open311.py` is the Open311 API"
    )),
    ("`pages/`", N_("the data of the resident, staff and performance pages")),
    ("`serve.py`", N_("the one command that serves it")),
    ("`requirements.txt`", N_("Datasette and its dependencies, versions pinned")),
    ("`Dockerfile`", N_("the same as a container image (non-root, port {port}, health check)")),
    ("`bundle.json`", N_(
        "marks this folder as a Beacon bundle, so the next bundle may replace it"
    )),
)  # fmt: skip
HOSTINGS = (
    N_(
        "**The city's own server** (a virtual machine is enough): a Python virtual environment, "
        "`python serve.py` run by systemd, and the city's web server in front for HTTPS."
    ),
    N_(
        "**A container platform** (the city's Kubernetes or a cloud service that runs "
        "containers): `docker build -t beacon .` then run the image; it listens on `PORT` "
        "(default {port}), runs as a non-root user and has a health check."
    ),
)


def readme(title: str, slug: str, lang: str) -> str:
    """The bundle's README for the city's IT team, in `lang` (the city's language)."""

    def say(message: str) -> str:
        return _(message, lang).format(slug=slug, port=PORT)

    words = {key: _wrap(say(message)) for key, message in WORDS.items()}
    return README.format(
        title=title,
        slug=slug,
        port=PORT,
        **words,
        answers="\n".join(_wrap(say(m), "- ") for m in ANSWERS),
        files="\n".join(f"| {name} | {say(m)} |" for name, m in FILES),
        hostings="\n".join(_wrap(say(m), "- ") for m in HOSTINGS),
    )


def _wrap(text: str, bullet: str = "") -> str:
    """A paragraph (or a list item after `bullet`) wrapped at 95 columns, code kept whole."""
    return textwrap.fill(
        bullet + text,
        95,
        subsequent_indent=" " * len(bullet),
        break_long_words=False,
        break_on_hyphens=False,
    )
