"""The book build is strict: a failing cell stops it, naming the page, the cell and the error."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from daas.core.errors import DaasError
from daas.core.paths import repo_root
from daas.site import book, variants
from daas.site.variants import Variant

pytestmark = pytest.mark.book

FAILING_PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A page with a broken cell

```{code-cell} ipython3
households = {"Harbourside": 8120}
households["Atlantis"] / 2
```
"""


def _build(src: Path) -> Path:
    """The book in `src` (one language), built into `src/_build`."""
    return variants.build(Variant("port-mallory", src, source=src))


def _mini_book(tmp: Path, root: Path, page: str) -> Path:
    src = tmp / "src"
    (src / "book").mkdir(parents=True)
    shutil.copy2(root / "_config.yml", src / "_config.yml")
    shutil.copytree(root / "book" / "_assets", src / "book" / "_assets")
    (src / "_toc.yml").write_text("format: jb-book\nroot: book/broken\n")
    (src / "book" / "broken.md").write_text(page)
    return src


def test_failing_cell_fails_the_build_with_cell_and_traceback(
    tmp_path: Path, root: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    src = _mini_book(tmp_path, root, FAILING_PAGE)
    with pytest.raises(DaasError) as exc:
        _build(src)
    out = "".join(capfd.readouterr())
    assert exc.value.exit_code == 1
    assert "broken.md" in out
    assert 'households["Atlantis"] / 2' in out  # the cell
    assert "KeyError" in out and "Traceback" in out  # the error and its traceback
    # a failed build must not look "up to date" next time
    assert not (src / "_build" / ".doctrees").exists()
    with pytest.raises(DaasError):
        _build(src)


def _fake_source(tmp: Path) -> Path:
    src = tmp / "kit"
    for name in ("book", "daas", "data", "cities"):
        (src / name).mkdir(parents=True)
    for name in ("_toc.yml", "requirements/run.txt"):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(name)
    (src / "_config.yml").write_text("title: Data Service Toolkit\nsphinx:\n  config: {}\n")
    (src / "book" / "page.md").write_text("# Page")
    (src / "daas" / "mod.py").write_text("X = 1")
    return src


class _Runs:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, cmd: list[str], **kwargs: object):
        self.calls.append(cmd)
        out = Path(cmd[cmd.index("--path-output") + 1]) / "_build" / "html"
        out.mkdir(parents=True, exist_ok=True)
        (out / "index.html").write_text("<html></html>")
        return subprocess.CompletedProcess(cmd, 0)


def _patch(monkeypatch: pytest.MonkeyPatch, runs: _Runs) -> None:
    """Jupyter Book's runs go to `runs`: shown builds (`subprocess.run`) and quiet ones, whose
    output is read as it comes (`book._quiet_build`)."""
    monkeypatch.setattr(book.subprocess, "run", runs)
    monkeypatch.setattr(
        book, "_quiet_build", lambda cmd, env, cwd, _: (runs(cmd, env=env, cwd=cwd).returncode, "")
    )


def test_rebuild_is_skipped_when_nothing_changed(tmp_path: Path, monkeypatch) -> None:
    src = _fake_source(tmp_path)
    runs = _Runs()
    _patch(monkeypatch, runs)
    _build(src)
    _build(src)
    assert len(runs.calls) == 1
    (src / "book" / "page.md").write_text("# Page, edited")
    (src / "_build" / ".jupyter_cache").mkdir()
    _build(src)
    assert len(runs.calls) == 2
    assert (src / "_build" / ".jupyter_cache").exists(), "a page edit must keep the cache"


@pytest.mark.parametrize(
    ("name", "text"), [("daas/mod.py", "X = 2"), ("requirements/run.txt", "pandas==3.1.2")]
)
def test_package_or_lock_change_drops_the_execution_cache(
    tmp_path: Path, monkeypatch, name: str, text: str
) -> None:
    src = _fake_source(tmp_path)
    runs = _Runs()
    _patch(monkeypatch, runs)
    monkeypatch.setattr(book, "repo_root", lambda: src)  # the package lives in the fake kit
    _build(src)
    (src / "_build" / ".jupyter_cache").mkdir()
    (src / name).write_text(text)
    _build(src)
    assert len(runs.calls) == 2
    assert not (src / "_build" / ".jupyter_cache").exists()


def test_execution_inputs_are_in_the_kit() -> None:
    """A renamed or moved input would drop out of the execution digest without a word."""
    assert [n for n in book.EXECUTION_INPUTS if not (repo_root() / n).exists()] == []


def test_digest_sees_content_and_names(tmp_path: Path) -> None:
    src = _fake_source(tmp_path)
    before = book.digest(src, ("daas",))
    (src / "daas" / "mod.py").write_text("X = 1 ")
    assert book.digest(src, ("daas",)) != before
    (src / "daas" / "mod.py").write_text("X = 1")
    assert book.digest(src, ("daas",)) == before
    (src / "daas" / "mod.py").rename(src / "daas" / "other.py")
    assert book.digest(src, ("daas",)) != before


def test_toc_change_clears_stale_pages(tmp_path: Path, monkeypatch) -> None:
    src = _fake_source(tmp_path)
    runs = _Runs()
    _patch(monkeypatch, runs)
    _build(src)
    stale = src / "_build" / "html" / "book" / "removed-page.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    (src / "_toc.yml").write_text("format: jb-book\nroot: book/page\n")
    _build(src)
    assert not stale.exists()


def _site_source(tmp: Path, monkeypatch) -> Path:
    from daas.core import i18n

    src = _fake_source(tmp)
    (src / "_toc.yml").write_text("format: jb-book\nroot: book/page\n")
    (src / "locales" / "es" / "LC_MESSAGES" / "book").mkdir(parents=True)
    (src / "locales" / "es" / "LC_MESSAGES" / "book" / "page.po").write_text('msgid ""\n')
    for module in (book, i18n, variants):
        monkeypatch.setattr(module, "repo_root", lambda: src)
    return src


class _RunsWithEnv(_Runs):
    def __init__(self) -> None:
        super().__init__()
        self.envs: list[dict] = []

    def __call__(self, cmd: list[str], **kwargs: object):
        self.envs.append(kwargs.get("env") or {})
        return super().__call__(cmd, **kwargs)


def test_each_language_builds_with_its_own_cache_and_config(tmp_path: Path, monkeypatch) -> None:
    import yaml

    src = _site_source(tmp_path, monkeypatch)
    runs = _RunsWithEnv()
    _patch(monkeypatch, runs)
    index, seconds = book.build_site("port-mallory", ("en", "es"))
    assert set(seconds) == {"en", "es"}
    outputs = [c[c.index("--path-output") + 1] for c in runs.calls]
    assert len(set(outputs)) == 2  # a separate execution cache per language
    configs = [yaml.safe_load(Path(c[c.index("--config") + 1]).read_text()) for c in runs.calls]
    es = configs[1]["sphinx"]["config"]
    assert es["language"] == "es" and es["daas_site_languages"] == ["en", "es"]
    assert es["locale_dirs"] == [str(src / "locales")]
    assert es["html_theme_options"]["search_bar_text"] == "Buscar en el conjunto de herramientas..."
    assert configs[1]["title"] == "Conjunto de herramientas de servicios de datos"
    assert [e["DAAS_LANG"] for e in runs.envs] == ["en", "es"]
    site = src / "_build" / "html"
    assert (site / "en" / "index.html").exists() and (site / "es" / "index.html").exists()
    root = index.read_text()
    assert 'href="en/book/page.html"' in root and 'href="es/book/page.html"' in root
    # nothing changed: no Sphinx run; a translation changed: only that language runs again
    book.build_site("port-mallory", ("en", "es"))
    assert len(runs.calls) == 2
    (src / "locales" / "es" / "LC_MESSAGES" / "book" / "page.po").write_text('msgid ""\n# x\n')
    (src / "_build" / "lang" / "es" / "_build" / ".jupyter_cache").mkdir()
    book.build_site("port-mallory", ("en", "es"))
    assert len(runs.calls) == 3 and "es" in runs.calls[-1][runs.calls[-1].index("--config") + 1]
    assert (src / "_build" / "lang" / "es" / "_build" / ".jupyter_cache").exists()


def test_unknown_language_is_refused(tmp_path: Path, monkeypatch) -> None:
    _site_source(tmp_path, monkeypatch)
    with pytest.raises(DaasError, match="fr"):
        book.build_site("port-mallory", ("en", "fr"))


def test_a_city_edition_builds_in_the_language_of_its_config(tmp_path: Path) -> None:
    """`daas.site.edition` writes the city's language into its `_config.yml`; the build keeps it,
    reads the kit's catalogues and shows no switcher (one language)."""
    src = _fake_source(tmp_path)
    (src / "_config.yml").write_text("title: Data Service Toolkit\nsphinx:\n  config:\n"
                                     "    language: pt\n")  # fmt: skip
    config = variants.configure(Variant("port-mallory", tmp_path / "w", source=src))
    sphinx = config["sphinx"]["config"]
    assert sphinx["language"] == "pt" and sphinx["daas_site_languages"] == ["pt"]
    assert Path(sphinx["locale_dirs"][0]).name == "locales"
    assert config["title"] == "Conjunto de Ferramentas de Serviço de Dados"
    (src / "_config.yml").write_text("sphinx:\n  config:\n    language: fr\n")
    with pytest.raises(DaasError, match="fr"):
        variants.configure(Variant("port-mallory", tmp_path / "w", source=src))


def test_each_myst_document_gets_its_own_copy_of_the_default_settings() -> None:
    """The settings cache (daas.site.sphinx_ext) keeps docutils' defaults, one copy per document."""
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from myst_parser.mdit_to_docutils import base

    from daas.site import sphinx_ext

    sphinx_ext._settings_once()
    sphinx_ext._settings_once()  # applied once, however often Sphinx loads the extension
    first, second = base.make_document("a.md"), base.make_document("b.md")
    assert first.settings is not second.settings
    fresh = get_default_settings(Parser)
    assert {k: repr(v) for k, v in vars(first.settings).items()} == {
        k: repr(v) for k, v in vars(fresh).items()
    }
    assert first.settings.record_dependencies is not second.settings.record_dependencies
    first.settings.tab_width = 99
    assert second.settings.tab_width != 99 and base.make_document().settings.tab_width != 99
