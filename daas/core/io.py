"""Safe file writing: everything is written to a temporary path and renamed into place."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o644  # mkstemp creates 0600; published files must be readable by a web server


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write `text` to `path` so readers see either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            f.write(text)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Binary twin of :func:`atomic_write_text`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a staging folder that replaces `target` whole on success and is removed on failure.

    The previous `target` stays untouched until the new one is complete. The swap holds a lock
    on the parent folder (`locked`), so a second writer waits for the first instead of racing it.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    with locked(target.parent):
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        try:
            with contextlib.suppress(FileNotFoundError):
                os.replace(target, old)  # `old` is an empty folder: replacing it is allowed
            os.replace(stage, target)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` across processes (and threads): a folder, or a file that
    is created when missing. Released when the block ends, also when the process dies."""
    if path.is_dir():
        fd = os.open(path, os.O_RDONLY)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def make_room(out: Path, marker: str, force: bool, refusal: str) -> None:
    """Let a command write the folder `out`: nothing there, an empty folder, or an earlier output
    of the same command (it holds `marker`). Anything else is refused with `refusal` (translated,
    naming what would be lost) unless `force`; a file in the way is then removed."""
    from daas.core.errors import DaasError
    from daas.core.i18n import _

    if not out.exists() or (out / marker).is_file():
        return
    if out.is_dir() and not any(out.iterdir()):
        return
    if not force:
        raise DaasError.one(
            str(out), "", refusal, _("choose a new folder, or add --force to replace it")
        )
    if not out.is_dir():
        out.unlink()
