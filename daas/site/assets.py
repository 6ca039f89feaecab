"""Vendored front-end assets, so every page renders charts and widgets with no internet.

`vega-offline.js` concatenates vega, vega-lite and vega-embed at altair's versions and ends with
a `VEGA_DEBUG` preset: altair's default HTML output then skips its CDN loads and calls the
already-loaded `vegaEmbed`. `widgets/` holds the non-AMD ipywidgets HTML manager and its fonts.
`manifest.json` records the npm versions and a hash of every file; :func:`check` compares both
with the installed altair, and the book build stops when they disagree.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import altair as alt

from daas.core.errors import DaasError, Problem
from daas.core.i18n import _
from daas.core.io import atomic_write_text
from daas.core.paths import assets_dir

HTML_MANAGER = "@jupyter-widgets/html-manager@1.0.15"
VEGA_BUNDLE = "vendor/vega-offline.js"
WIDGETS_JS = "vendor/widgets/embed.js"
WIDGET_FILE_SUFFIXES = (".woff", ".woff2", ".ttf", ".eot", ".svg")


def altair_versions() -> dict[str, str]:
    """The preset altair's HTML template checks before loading each library."""
    return {
        "vega_version": alt.VEGA_VERSION,
        "vegalite_version": alt.VEGALITE_VERSION,
        "vegaembed_version": alt.VEGAEMBED_VERSION,
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _npm_version(node_modules: Path, pkg: str) -> str:
    return json.loads((node_modules / pkg / "package.json").read_text())["version"]


def vega_bundle_text(node_modules: Path) -> str:
    """The three minified libraries, each behind a version banner, then the preset."""
    parts = []
    for pkg in ("vega", "vega-lite", "vega-embed"):
        src = (node_modules / pkg / "build" / f"{pkg}.min.js").read_text(encoding="utf-8")
        parts.append(f"/* {pkg}@{_npm_version(node_modules, pkg)} */\n{src}\n;\n")
    preset = json.dumps(altair_versions())
    parts.append(
        "/* altair's loader skips libraries whose version is already present */\n"
        "var VEGA_DEBUG = Object.assign((typeof VEGA_DEBUG == 'undefined') ? {} : VEGA_DEBUG, "
        f"{preset});\n"
    )
    return "".join(parts)


def vendor(target: Path | None = None) -> dict:
    """Fetch the libraries from npm at altair's versions and write them into `book/_assets/`."""
    target = target or assets_dir()
    v = altair_versions()
    specs = [
        f"vega@{v['vega_version']}",
        f"vega-lite@{v['vegalite_version']}",
        f"vega-embed@{v['vegaembed_version']}",
        HTML_MANAGER,
    ]
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(["npm", "init", "-y"], cwd=work, check=True, capture_output=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", *specs],
            cwd=work,
            check=True,
            capture_output=True,
        )
        nm = Path(work) / "node_modules"
        vendor_dir = target / "vendor"
        shutil.rmtree(vendor_dir, ignore_errors=True)
        (vendor_dir / "widgets").mkdir(parents=True)
        atomic_write_text(target / VEGA_BUNDLE, vega_bundle_text(nm))
        dist = nm / "@jupyter-widgets" / "html-manager" / "dist"
        for f in sorted(dist.iterdir()):
            if f.name == "embed.js" or f.suffix in WIDGET_FILE_SUFFIXES:
                shutil.copy2(f, vendor_dir / "widgets" / f.name)
        packages = {
            p: _npm_version(nm, p)
            for p in ("vega", "vega-lite", "vega-embed", "@jupyter-widgets/html-manager")
        }
    files = {
        str(p.relative_to(target)): _sha256(p)
        for p in sorted((target / "vendor").rglob("*"))
        if p.is_file()
    }
    manifest = {"altair": alt.__version__, "preset": v, "packages": packages, "files": files}
    atomic_write_text(target / "vendor" / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def check(target: Path | None = None) -> dict:
    """Raise DaasError when the vendored bundle does not match the installed altair."""
    target = target or assets_dir()
    manifest_path = target / "vendor" / "manifest.json"
    shown = "book/_assets/vendor/manifest.json"
    fix = _("run `make vendor` to re-vendor the assets at altair's versions")
    if not manifest_path.exists():
        raise DaasError.one(shown, "", _("the vendored assets are missing"), fix)
    manifest = json.loads(manifest_path.read_text())
    problems = []
    want = altair_versions()
    if manifest["preset"] != want:
        problems.append(
            (
                "preset",
                _("bundle built for {built}, altair {version} expects {wanted}").format(
                    built=manifest["preset"], version=alt.__version__, wanted=want
                ),
            )
        )
    pk = manifest["packages"]
    if pk["vega-lite"] != want["vegalite_version"]:
        problems.append(("packages.vega-lite", f"{pk['vega-lite']} != {want['vegalite_version']}"))
    for pkg, key in (("vega", "vega_version"), ("vega-embed", "vegaembed_version")):
        if pk[pkg].split(".")[0] != want[key].split(".")[0]:
            problems.append(
                (
                    f"packages.{pkg}",
                    _("{found} is not version {wanted}").format(found=pk[pkg], wanted=want[key]),
                )
            )
    bundle = target / VEGA_BUNDLE
    if bundle.exists() and json.dumps(want) not in bundle.read_text(encoding="utf-8"):
        problems.append((VEGA_BUNDLE, _("the VEGA_DEBUG preset does not match altair")))
    for rel, digest in manifest["files"].items():
        f = target / rel
        if not f.exists() or _sha256(f) != digest:
            problems.append((f"files.{rel}", _("missing or changed since it was vendored")))
    if problems:
        raise DaasError([Problem(shown, field, msg, fix) for field, msg in problems])
    return manifest
