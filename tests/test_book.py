"""The book build is strict: a failing cell stops it, naming the page, the cell and the error."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from daas import book
from daas.errors import DaasError

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
        book.build("port-mallory", source_root=src, output_root=src)
    out = "".join(capfd.readouterr())
    assert exc.value.exit_code == 1
    assert "broken.md" in out
    assert 'households["Atlantis"] / 2' in out  # the cell
    assert "KeyError" in out and "Traceback" in out  # the error and its traceback
    # a failed build must not look "up to date" next time
    assert not (src / "_build" / ".doctrees").exists()
    with pytest.raises(DaasError):
        book.build("port-mallory", source_root=src, output_root=src)


def _fake_source(tmp: Path) -> Path:
    src = tmp / "kit"
    for name in ("book", "daas", "data", "cities"):
        (src / name).mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml", "requirements.txt"):
        (src / name).write_text(name)
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


def test_rebuild_is_skipped_when_nothing_changed(tmp_path: Path, monkeypatch) -> None:
    src = _fake_source(tmp_path)
    runs = _Runs()
    monkeypatch.setattr(book.subprocess, "run", runs)
    book.build("port-mallory", source_root=src)
    book.build("port-mallory", source_root=src)
    assert len(runs.calls) == 1
    (src / "book" / "page.md").write_text("# Page, edited")
    (src / "_build" / ".jupyter_cache").mkdir()
    book.build("port-mallory", source_root=src)
    assert len(runs.calls) == 2
    assert (src / "_build" / ".jupyter_cache").exists(), "a page edit must keep the cache"


def test_package_change_drops_the_execution_cache(tmp_path: Path, monkeypatch) -> None:
    src = _fake_source(tmp_path)
    runs = _Runs()
    monkeypatch.setattr(book.subprocess, "run", runs)
    book.build("port-mallory", source_root=src)
    (src / "_build" / ".jupyter_cache").mkdir()
    (src / "daas" / "mod.py").write_text("X = 2")
    book.build("port-mallory", source_root=src)
    assert len(runs.calls) == 2
    assert not (src / "_build" / ".jupyter_cache").exists()


def test_digest_sees_content_and_names(tmp_path: Path) -> None:
    src = _fake_source(tmp_path)
    before = book.digest(src, ("daas",))
    (src / "daas" / "mod.py").write_text("X = 1 ")
    assert book.digest(src, ("daas",)) != before
    (src / "daas" / "mod.py").write_text("X = 1")
    assert book.digest(src, ("daas",)) == before
    (src / "daas" / "mod.py").rename(src / "daas" / "other.py")
    assert book.digest(src, ("daas",)) != before
