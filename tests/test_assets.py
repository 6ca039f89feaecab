"""The vendored vega bundle must match the installed altair, or the build stops."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import altair as alt
import pytest

from daas.core.errors import DaasError
from daas.core.paths import assets_dir
from daas.site import assets


@pytest.fixture
def vendored(tmp_path: Path) -> Path:
    shutil.copytree(assets_dir() / "vendor", tmp_path / "vendor")
    return tmp_path


def test_committed_bundle_matches_altair() -> None:
    manifest = assets.check()
    assert manifest["preset"] == assets.altair_versions()
    assert manifest["packages"]["vega-lite"] == alt.VEGALITE_VERSION


def test_bundle_ends_with_the_preset() -> None:
    text = (assets_dir() / assets.VEGA_BUNDLE).read_text(encoding="utf-8")
    assert text.rstrip().endswith(json.dumps(assets.altair_versions()) + ");")
    for pkg in ("vega", "vega-lite", "vega-embed"):
        assert f"/* {pkg}@" in text


def test_version_mismatch_fails(vendored: Path) -> None:
    m = vendored / "vendor" / "manifest.json"
    data = json.loads(m.read_text())
    data["packages"]["vega-lite"] = "5.0.0"
    data["preset"]["vegalite_version"] = "5.0.0"
    m.write_text(json.dumps(data))
    with pytest.raises(DaasError) as exc:
        assets.check(vendored)
    fields = {p.field for p in exc.value.problems}
    assert {"preset", "packages.vega-lite"} <= fields
    assert "make vendor" in str(exc.value)


def test_edited_bundle_fails(vendored: Path) -> None:
    bundle = vendored / assets.VEGA_BUNDLE
    bundle.write_text(bundle.read_text().replace('"vegalite_version": "', '"vegalite_version": "x'))
    with pytest.raises(DaasError) as exc:
        assets.check(vendored)
    assert any(p.field == assets.VEGA_BUNDLE for p in exc.value.problems)


def test_missing_manifest_fails(tmp_path: Path) -> None:
    with pytest.raises(DaasError, match="missing"):
        assets.check(tmp_path)
