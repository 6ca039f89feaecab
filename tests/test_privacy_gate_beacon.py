"""The privacy gate in the Beacon publish step: an email column in partner data stops the build."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from daas.beacon import records
from daas.cli import main
from daas.core.paths import city_build_dir

CITY = "port-mallory"


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_email_in_partner_data_stops_the_build(
    city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 0
    out = city_build_dir(CITY) / "beacon"
    before = _digest(out)
    listings = city_tree / "data" / CITY / "beacon" / "listings.csv"
    # the partner's export is Latin-1 with CRLF line endings: keep both
    lines = listings.read_bytes().decode("latin-1").split("\r\n")
    body = [line for line in lines[1:] if line]
    lines = [lines[0] + ";agent_email"] + [
        f"{line};tenant{i}@example.org" for i, line in enumerate(body)
    ]
    listings.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    capsys.readouterr()
    assert main(["beacon", "build", "--city", CITY, "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "privacy gate" in err and "agent_email" in err and "email" in err
    assert _digest(out) == before
    assert records.run_history(CITY)[-1]["status"] == "failed"
    assert records.latest_run(CITY)["status"] == "published"
