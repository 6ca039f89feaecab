"""Safe file writing: everything is written to a temporary path and renamed into place."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import tempfile
import time
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

    The previous `target` stays untouched until the new one is complete.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _swap_in(stage, target)


def _swap_in(stage: Path, target: Path, attempts: int = 200) -> None:
    """Put `stage` where `target` is. Two processes may publish the same folder at once (two
    languages of the book built side by side): each moves the current one aside under a name of
    its own, and the last one in wins."""
    for attempt in range(attempts):
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        try:
            with contextlib.suppress(FileNotFoundError):
                os.replace(target, old)  # `old` is an empty folder: replacing it is allowed
            os.replace(stage, target)
            return
        except OSError:
            if attempt == attempts - 1:
                shutil.rmtree(stage, ignore_errors=True)
                raise
            time.sleep(random.uniform(0, 0.002))  # let the other writer finish its swap
        finally:
            shutil.rmtree(old, ignore_errors=True)
