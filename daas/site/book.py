"""Building the toolkit website with Jupyter Book 1, strictly and with an execution cache.

Two layers of caching keep re-builds fast and correct:
- jupyter-cache re-executes a page only when its code cells change;
- a stamp records a digest of everything else the executed pages depend on (the `daas` package,
  data, city files, the run-time lock, the city being built). When that digest changes, the
  execution cache is dropped, since jupyter-cache alone would serve stale outputs; when neither
  it nor the pages changed, the build is skipped.

`build_site` builds the site in each language (`daas.core.i18n.PUBLISHED` by default), each with its
own execution cache in `_build/lang/<lang>/`, then assembles `_build/html/<lang>/` and a root
`_build/html/index.html` that picks the reader's language.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from daas.core.city import EXAMPLE_CITIES, load_city
from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.io import atomic_dir, atomic_write_text
from daas.core.paths import repo_root
from daas.site import assets
from daas.site.site_assets import slim_icons

STRICT_FLAGS = ["-W", "-n", "--keep-going"]
EXECUTION_INPUTS = ("daas", "data", "cities", "requirements/run.txt")
PAGE_INPUTS = ("book", "_config.yml", "_toc.yml")
STAMP = ".daas-build.json"
FAVICON = "favicon.ico"  # in book/_assets (the static path); the site root gets a copy
# Where a quiet build is: Sphinx's two long phases ("reading" runs the pages' code), with the
# share of pages done
Progress = Callable[[str, int], None]
PHASES = {"reading sources": "reading", "writing output": "writing"}
PHASE_LINE = re.compile(r"^(reading sources|writing output)\.\.\. \[\s*(\d+)%\]")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def jupyter_book() -> str:
    """The jupyter-book executable next to this Python (the project's .venv)."""
    exe = Path(sys.executable).parent / "jupyter-book"
    return str(exe) if exe.exists() else "jupyter-book"


def digest(source: Path, names: tuple[str, ...]) -> str:
    """A content hash of the named files and folders (file paths and bytes, sorted)."""
    h = hashlib.sha256()
    for name in names:
        top = source / name
        files = sorted(top.rglob("*")) if top.is_dir() else [top]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
                h.update(str(f.relative_to(source)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _state(source: Path, city: str, config: dict) -> dict[str, str]:
    from daas.core.i18n import locales_dir

    lang = config["sphinx"]["config"]["language"]
    return {
        "city": city,
        "execution": digest(repo_root(), EXECUTION_INPUTS),
        "pages": digest(source, PAGE_INPUTS),
        "toc": digest(source, ("_toc.yml",)),
        "config": hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest(),
        "locales": digest(locales_dir().parent, (f"locales/{lang}",)),
    }


def _read_stamp(build: Path) -> dict[str, str]:
    try:
        return json.loads((build / STAMP).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _log_tail(log: str, lines: int = 80) -> str:
    """The part of a failed build's log that names the page, the cell and the error."""
    kept = [ln for ln in log.splitlines() if "Config(" not in ln]
    start = next((i for i, ln in enumerate(kept) if "WARNING" in ln or "ERROR" in ln), 0)
    return "\n".join(kept[start : start + lines]) + "\n"


def run(
    city: str,
    source: Path,
    out: Path,
    config: dict,
    builder: str = "html",
    force_all: bool = False,
    quiet: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Run Jupyter Book on `source` with `config` into `out` (a `_build` folder); return the
    index page, or the folder of `.pot` templates for the gettext builder. A quiet build keeps
    its output in `build.log` and tells `progress` its phase and share of pages done.

    Sphinx warnings are errors; a failing cell stops the build with its cell and traceback in
    the log, and the next build starts from a clean Sphinx environment. An html build is skipped
    when nothing it depends on changed (`_state`).
    """
    import yaml

    if city:
        load_city(city)
    assets.check()
    out.mkdir(parents=True, exist_ok=True)
    if builder == "gettext":
        return _gettext(source, out, config)
    lang = config["sphinx"]["config"]["language"]
    index = out / "html" / "index.html"
    state, stamp = _state(source, city, config), _read_stamp(out)
    if not force_all and stamp == state and index.exists():
        if not quiet:
            print(_("Site up to date (nothing changed since the last build): {index}").format(
                index=index))  # fmt: skip
        return index
    if stamp.get("execution") != state["execution"] or stamp.get("city") != city:
        shutil.rmtree(out / ".jupyter_cache", ignore_errors=True)
        shutil.rmtree(out / ".doctrees", ignore_errors=True)
    if stamp.get("toc") != state["toc"]:  # removed pages would otherwise linger in html/
        shutil.rmtree(out / "html", ignore_errors=True)
        shutil.rmtree(out / ".doctrees", ignore_errors=True)
    if any(stamp.get(k) != state[k] for k in ("locales", "config")):
        shutil.rmtree(out / ".doctrees", ignore_errors=True)  # re-read every page, cache kept
    (out / STAMP).unlink(missing_ok=True)
    cfg = out / f".config-{lang}.yml"
    atomic_write_text(cfg, yaml.safe_dump(config, sort_keys=False, allow_unicode=True))

    cmd = [jupyter_book(), "build", str(source), "--path-output", str(out.parent),
           "--config", str(cfg), "--builder", "html", *STRICT_FLAGS]  # fmt: skip
    if force_all:
        cmd.append("--all")
    started = time.perf_counter()
    env = {**os.environ, "DAAS_CITY": city, "DAAS_LANG": lang}
    if quiet:
        code, log = _quiet_build(cmd, env, source, progress)
        # kept beside the build: slow pages and warnings can be read after a success too
        atomic_write_text(out / "build.log", log)
    else:
        code = subprocess.run(cmd, env=env, cwd=source).returncode
    if code != 0:
        if quiet:
            sys.stderr.write(_log_tail(log))
        # Sphinx pickled the environment of the failed run: without this, the next build would
        # find "no targets are out of date" and pass.
        shutil.rmtree(out / ".doctrees", ignore_errors=True)
        raise DaasError.one(
            "book/", "",
            _("the book build failed (jupyter-book exit {code}); "
              "the log above names the page, the cell and the error").format(code=code),
            _("fix that page or notebook, then run `make book` again"),
            exit_code=1,
        )  # fmt: skip
    slim_icons(out / "html")
    atomic_write_text(out / STAMP, json.dumps(state, indent=1) + "\n")
    if not quiet:
        print(_("Site ({lang}) built in {seconds:.1f} s. Open {index}").format(
            lang=lang, seconds=time.perf_counter() - started, index=index))  # fmt: skip
    return index


def _quiet_build(
    cmd: list[str], env: dict, cwd: Path, progress: Progress | None
) -> tuple[int, str]:
    """Run a build with its output kept, not shown (both streams, in order); each line that
    says how far a phase is goes to `progress` as it is printed (the build's Python unbuffered)."""
    env = {**env, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip
    lines = []
    for line in proc.stdout or ():
        lines.append(line)
        if progress is not None and (m := PHASE_LINE.match(ANSI.sub("", line))):
            progress(PHASES[m[1]], int(m[2]))
    return proc.wait(), "".join(lines)


def _gettext(source: Path, out: Path, config: dict) -> Path:
    """The translators' templates: every page's strings, nothing executed; `<out>/gettext/`."""
    import yaml

    cfg = out / ".config-gettext.yml"
    atomic_write_text(cfg, yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    cmd = [jupyter_book(), "build", str(source), "--config", str(cfg), "--path-output",
           str(out.parent), "--builder", "custom", "--custom-builder", "gettext",
           "-W", "-n"]  # fmt: skip
    env = {**os.environ, "DAAS_CITY": os.environ.get("DAAS_CITY", "")}
    proc = subprocess.run(cmd, cwd=source, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise DaasError.one(
            "book/", "",
            _("extracting the book's strings failed:") + "\n" + (proc.stdout + proc.stderr)[-3000:],
            _("fix the page the log names, then run `daas i18n update` again"),
            exit_code=1,
        )  # fmt: skip
    return out / "gettext"


def root_page(languages: tuple[str, ...], start: str) -> str:
    """The site's front door: sends the reader to the book in their browser's language (plain
    JavaScript, offline); without JavaScript it is a list of links."""
    from daas.core.i18n import NAMES, _

    items = "\n".join(
        f'      <li><a href="{lang}/{start}" lang="{lang}" hreflang="{lang}">{NAMES[lang]}</a>'
        f" ({_('Data Service Toolkit', lang)})</li>"
        for lang in languages
    )
    langs = json.dumps(list(languages))
    return f"""<!DOCTYPE html>
<html lang="{languages[0]}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Data Service Toolkit</title>
  <link rel="icon" href="favicon.ico">
  <style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;
  color:#1a1a1a;background:#fff}} a{{color:#0b5394}}</style>
  <script>
  (function () {{
    var available = {langs};
    var wanted = (navigator.languages || [navigator.language || ""]).map(function (l) {{
      return String(l).slice(0, 2).toLowerCase(); }});
    var stored = null;
    try {{ stored = window.localStorage.getItem("daas-language"); }} catch (e) {{}}
    if (stored) wanted.unshift(stored);
    for (var i = 0; i < wanted.length; i++) {{
      if (available.indexOf(wanted[i]) >= 0) {{
        window.location.replace(wanted[i] + "/{start}"); return;
      }}
    }}
    window.location.replace(available[0] + "/{start}");
  }})();
  </script>
</head>
<body>
  <main>
    <h1>Data Service Toolkit</h1>
    <ul>
{items}
    </ul>
  </main>
</body>
</html>
"""


# Languages built at once after the first: the machines the kit targets have two cores.
PARALLEL_BUILDS = max(1, min(2, os.cpu_count() or 1))


def build_site(
    city: str | None,
    languages: tuple[str, ...] | None = None,
    output_root: Path | None = None,
    force_all: bool = False,
    quiet: bool = False,
) -> tuple[Path, dict[str, float]]:
    """Build the site in each language (its own execution cache in `_build/lang/<lang>/`), then
    assemble `_build/html/<lang>/` and the root page; return the root page and seconds per
    language. Each language shows `city`, or its own example city when `city` is None."""
    import yaml

    from daas.core.i18n import LANGUAGES, PUBLISHED
    from daas.site.variants import Variant, build

    languages = tuple(languages or PUBLISHED)
    unknown = [x for x in languages if x not in LANGUAGES]
    if unknown:
        raise DaasError.one(
            "--languages",
            "",
            _("unknown language(s): {languages}").format(languages=", ".join(unknown)),
            _("use some of {languages}").format(languages=", ".join(LANGUAGES)),
        )
    out = (output_root or repo_root()) / "_build"
    seconds: dict[str, float] = {}
    built: dict[str, Path] = {}

    def one(lang: str, quiet: bool) -> None:
        started = time.perf_counter()
        shown = city or EXAMPLE_CITIES[lang]
        variant = Variant(shown, out / "lang" / lang, language=lang, site_languages=languages)
        built[lang] = build(variant, force=force_all, quiet=quiet)
        seconds[lang] = time.perf_counter() - started

    # The first language runs alone (it builds what every language's pages read, such as the
    # Beacon's data); the others then build side by side, their logs shown only on failure.
    one(languages[0], quiet)
    rest = languages[1:]
    if rest and not quiet:
        print(_("Building {languages} ({n} at a time)...").format(
            languages=", ".join(rest), n=PARALLEL_BUILDS), flush=True)  # fmt: skip
    with ThreadPoolExecutor(PARALLEL_BUILDS) as pool:
        for future in [pool.submit(one, lang, True) for lang in rest]:
            future.result()
    toc = yaml.safe_load((repo_root() / "_toc.yml").read_text(encoding="utf-8"))
    start = f"{toc['root']}.html"
    with atomic_dir(out / "html") as tmp:
        for lang, index in built.items():
            shutil.copytree(index.parent, tmp / lang)
        (tmp / "index.html").write_text(root_page(languages, start), encoding="utf-8")
        # a page without an icon of its own (the redirects) makes the browser ask the site's root
        icon = tmp / languages[0] / "_static" / FAVICON
        if icon.exists():
            shutil.copyfile(icon, tmp / FAVICON)
    index = out / "html" / "index.html"
    if not quiet:
        times = ", ".join(f"{lang} {s:.1f} s" for lang, s in seconds.items())
        print(_("Site built ({times}). Open {index}").format(times=times, index=index))
    return index, seconds
