"""`daas ... | head -1`: a reader that closes the pipe early ends the command quietly."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("argv", [["city", "list"], ["--help"], ["needs", "--help"]])
def test_closed_pipe_ends_quietly(argv: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "daas", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before the command writes anything
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=60)
    assert code in (0, 141), err
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception" not in err, err


def test_head_takes_the_first_line_only() -> None:
    out = subprocess.run(
        f"{sys.executable} -m daas city list | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert len(out.stdout.splitlines()) == 1 and out.stderr == ""
