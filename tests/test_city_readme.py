"""`cities/README.md` documents the city file: every setting of the `beacon:` section is named,
and its service-requests example is a valid `beacon:` section."""

from __future__ import annotations

import re

import yaml

from daas.core.city import Beacon
from daas.core.paths import repo_root

README = repo_root() / "cities" / "README.md"


def test_every_beacon_setting_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [name for name in Beacon.model_fields if f"`{name}`" not in text]
    assert not missing, f"cities/README.md does not document beacon.{missing}"


def test_the_service_requests_example_is_a_valid_beacon_section() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(beacon:\n  recipe: service-requests\n.*?)```", text, re.S)
    assert block, "cities/README.md has no service-requests example"
    example = yaml.safe_load(block.group(1))["beacon"]
    required = {
        "publisher": "x",
        "contact_point": {"name": "x", "email": "x@example.org"},
        "sources": {"requests": {"path": "data/x.csv", "table": "requests", "as_of": "2025-01-01"}},
    }
    beacon = Beacon.model_validate({**required, **example})
    assert beacon.timezone == "America/Sao_Paulo" and beacon.service_levels["POTHOLE"] == 10
    assert beacon.sensitive_categories and beacon.repeat_min_requests == 3
