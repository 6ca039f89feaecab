"""`daas hub status` and `daas hub update`: the room seen from the coach's side.

Who is logged in comes from the hub's REST API with the coach's service token; which exercises
each participant has passed comes from their saved exercise notebooks: a check cell shows the
kit's `Feedback`, whose right answer starts with the same mark in every language.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from daas.core.errors import DaasError
from daas.core.i18n import N_, _
from daas.exercises.build import CHECK_CALL, CHECK_TAG
from daas.exercises.feedback import form_checks, right
from daas.hub import merge
from daas.hub.room import Room

RIGHT_MARK = right("")._repr_markdown_().split()[0]  # "✅": what a passed check displays


@dataclass(frozen=True)
class Participant:
    name: str
    server: str  # "ready", "starting", "stopped" (English; shown translated)
    last_activity: str
    passed: list[str]
    exercises: int


def hub_users(the_room: Room) -> list[dict]:
    """The hub's users (`GET /hub/api/users`), or a DaasError when no hub answers."""
    if not the_room.info.exists() or not the_room.token_file.exists():
        raise _not_running(the_room)
    url = json.loads(the_room.info.read_text(encoding="utf-8"))["url"]
    token = the_room.token_file.read_text(encoding="utf-8").strip()
    request = urllib.request.Request(
        f"{url}/hub/api/users", headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError):
        raise _not_running(the_room) from None


def _not_running(the_room: Room) -> DaasError:
    slug = the_room.city.slug
    return DaasError.one(
        str(the_room.info),
        "",
        _("no hub is running for this city"),
        _("start it with `daas hub --city {slug}`").format(slug=slug),
        exit_code=1,
    )


def passed_checks(notebook: Path) -> tuple[int, int]:
    """(check cells answered right, check cells) in a saved notebook: right when the cell's saved
    output shows the right-answer mark, or when the notebook's form for that exercise was last
    answered right (a form's feedback is in a widget, which the saved notebook does not keep)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return 0, 0
    by_form = form_checks(notebook.parent).get(notebook.name, {})
    checks = [c for c in cells if CHECK_TAG in c.get("metadata", {}).get("tags", [])]
    good = 0
    for cell in checks:
        shown = [o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", [])]
        called = CHECK_CALL.search("".join(cell.get("source", "")))
        good += any("".join(s).startswith(RIGHT_MARK) for s in shown) or bool(
            called and by_form.get(called.group(1)) is True
        )
    return good, len(checks)


def exercises_passed(home: Path) -> tuple[list[str], int]:
    """The exercise notebooks in `home` whose every check is passed (by number), and how many
    exercise notebooks there are."""
    notebooks = sorted((home / "exercises").glob("*.ipynb"))
    passed = []
    for nb in notebooks:
        good, total = passed_checks(nb)
        if total and good == total:
            passed.append(nb.name.split("-", 1)[0])
    return passed, len(notebooks)


def _server_state(user: dict) -> str:
    server = (user.get("servers") or {}).get("")
    if not server:
        return N_("stopped")
    return N_("ready") if server.get("ready") else N_("starting")


def participants(the_room: Room) -> list[Participant]:
    out = []
    for user in sorted(hub_users(the_room), key=lambda u: u["name"]):
        passed, total = exercises_passed(the_room.homes / user["name"])
        activity = (user.get("last_activity") or "")[:16].replace("T", " ")
        out.append(Participant(user["name"], _server_state(user), activity, passed, total))
    return out


def status_lines(the_room: Room) -> list[str]:
    people = participants(the_room)
    lines = [_("{n} participants").format(n=len(people))]
    for p in people:
        lines.append(
            _(
                "{name}: server {state}, last active {when} UTC, exercises passed: "
                "{passed} ({n} of {total})"
            ).format(
                name=p.name,
                state=_(p.server),
                when=p.last_activity or "-",
                passed=", ".join(p.passed) or "-",
                n=len(p.passed),
                total=p.exercises,
            )
        )
    return lines


def update_lines(the_room: Room, pack: Path) -> list[str]:
    """Deliver the pack again into every home; a line per participant saying what changed."""
    homes = sorted(h for h in the_room.homes.glob("*") if h.is_dir())
    lines = []
    for home in homes:
        done = merge.deliver(pack, home)
        lines.append(
            _(
                "{name}: {copied} new, {updated} updated, {kept} kept (edited by the "
                "participant){files}"
            ).format(
                name=home.name,
                copied=len(done.copied),
                updated=len(done.updated),
                kept=len(done.kept),
                files=(": " + ", ".join(done.kept)) if done.kept else "",
            )
        )
    return lines or [_("nobody has logged in yet: there is no home to update")]
