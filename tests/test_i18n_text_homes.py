"""Text in the kit's languages lives in the gettext catalogues (sentences and labels) or in
package data files (vocabularies), never in a Python dictionary keyed by language inside a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from daas.core.i18n import PUBLISHED
from daas.core.paths import package_dir

# (module, name) of the dictionaries that may stay, each with its reason
ALLOWED = {
    ("daas/core/i18n.py", "NAMES"),  # each language's own name, shown by the language switcher
    ("daas/core/formats.py", "LOCALES"),  # Babel locale codes, not text for a reader
    ("daas/core/city.py", "EXAMPLE_CITIES"),  # city slugs: the example city each site shows
}


def _holds_text(value: ast.expr) -> bool:
    constants = [n for n in ast.walk(value) if isinstance(n, ast.Constant)]
    return bool(constants) and all(isinstance(n.value, str) for n in constants)


def _language_keys(node: ast.AST) -> list[ast.expr] | None:
    """The values of a `{"en": …, "es": …, "pt": …}` or `dict(en=…, …)` keyed exactly by the
    published languages; else None."""
    if isinstance(node, ast.Dict):
        keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
        values = node.values
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        keys = [k.arg for k in node.keywords]
        values = [k.value for k in node.keywords]
    else:
        return None
    return values if sorted(map(str, keys)) == sorted(PUBLISHED) else None


def language_dicts(source: str) -> list[tuple[str, int]]:
    """(assigned name, line) of each dictionary in `source` that holds the same text in each
    published language."""
    tree = ast.parse(source)
    names = {
        id(a.value): t.id
        for a in ast.walk(tree)
        if isinstance(a, ast.Assign | ast.AnnAssign)
        for t in (a.targets if isinstance(a, ast.Assign) else [a.target])
        if isinstance(t, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        values = _language_keys(node)
        if values and all(_holds_text(v) for v in values):
            found.append((names.get(id(node), "<expression>"), node.lineno))
    return found


def test_the_detector_finds_a_language_dictionary() -> None:
    source = (
        'A = {"en": "Yes", "es": "Sí", "pt": "Sim"}\nB = dict(en=("a",), es=("b",), pt=("c",))\n'
    )
    source += 'SEEDS = {"en": 7, "es": 19, "pt": 23}\nC = {"en": "x", "es": "y"}\n'
    assert language_dicts(source) == [("A", 1), ("B", 2)]


def _modules() -> list[Path]:
    return sorted(package_dir().rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(package_dir())))
def test_no_module_keeps_text_in_a_language_dictionary(path: Path) -> None:
    module = f"daas/{path.relative_to(package_dir()).as_posix()}"
    found = [
        (name, line)
        for name, line in language_dicts(path.read_text(encoding="utf-8"))
        if (module, name) not in ALLOWED
    ]
    assert not found, (
        f"{module}: {', '.join(f'{n} (line {ln})' for n, ln in found)} keeps text per language; "
        "put sentences and labels in the catalogues (daas.core.i18n._/N_, `daas i18n update`) "
        "and vocabularies in a package data file (daas.core.vocabulary)"
    )


def test_every_allowed_dictionary_still_exists() -> None:
    """An exception that no longer matches anything is removed from ALLOWED."""
    for module, name in ALLOWED:
        source = (package_dir().parent / module).read_text(encoding="utf-8")
        assert name in {n for n, _ in language_dicts(source)}, (module, name)
