"""A pack update that never overwrites a participant's work: nbgitpuller's merge, without git.

A file new in the pack is copied; a file the participant has not changed since it was delivered is
replaced by the pack's version; a file the participant edited is left alone; a delivered file the
participant deleted comes back. What was delivered is recorded in the home (`RECORD`, the hash of
each file as delivered).

It runs in front of each participant's server, as the participant, in their home:
`python merge.py PACK -- jupyterhub-singleuser ...` delivers, then becomes the server. The
standard library only: `daas hub config` copies this module beside a real server's
`jupyterhub_config.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

RECORD = ".daas-pack.json"
PACK_FOLDERS = ("notebooks", "exercises", "vendor")


@dataclass
class Delivery:
    """What one update did in one home, by path relative to the home."""

    copied: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pack_files(pack: Path) -> dict[str, Path]:
    """The learner pack's files by relative path: its notebooks, exercises and vendored assets.
    Hidden files (a run's temporary notebooks, `.ipynb_checkpoints`) and the copies of notebooks
    that failed (`*.failed.ipynb`) are not the pack's."""
    files = {}
    for folder in PACK_FOLDERS:
        for path in sorted((pack / folder).rglob("*")):
            rel = path.relative_to(pack)
            hidden = any(part.startswith(".") for part in rel.parts)
            if path.is_file() and not hidden and not path.name.endswith(".failed.ipynb"):
                files[rel.as_posix()] = path
    return files


def _copy(src: Path, dst: Path) -> None:
    """Copy atomically: a participant's browser never sees half a notebook."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.")
    os.close(fd)
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def deliver(pack: Path, home: Path) -> Delivery:
    """Bring `home` up to date with `pack`, keeping every file the participant changed."""
    record_path = home / RECORD
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    done = Delivery()
    for rel, src in pack_files(pack).items():
        dst, new = home / rel, digest(src)
        if not dst.exists():
            _copy(src, dst)
            done.copied.append(rel)
        elif (now := digest(dst)) == new:
            pass
        elif now == record.get(rel):
            _copy(src, dst)
            done.updated.append(rel)
        else:
            done.kept.append(rel)
            continue  # their version stays; the record keeps what was delivered before
        record[rel] = new
    home.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=home, prefix=f".{RECORD}.")
    with os.fdopen(fd, "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
    os.replace(tmp, record_path)
    return done


def main(argv: list[str]) -> None:
    """`merge.py PACK -- COMMAND...`: deliver PACK into the current folder, then run COMMAND in
    this process (so the spawner's signals reach the server)."""
    split = argv.index("--")
    deliver(Path(argv[0]), Path.cwd())
    command = argv[split + 1 :]
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
