"""Translators' workflow on the gettext catalogues: check that every translation keeps the
source's markup, and move strings out to a JSON file and back.

A translation may reword anything a reader sees, but not what the build or the kit reads: MyST
roles and their targets (``{doc}`text <target>` ``), inline code, `{{ placeholders }}`, link
targets and web addresses. `markup_problems` compares those between the English and the
translation.

`export` writes the strings that need a translator (untranslated or stale) as JSON,
`[{"catalogue", "msgid", "msgstr", "previous"}]`; `import_file` reads the same file back after
translation, checks every entry first and writes nothing unless all of them pass.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from daas.core.errors import DaasError, Problem
from daas.core.i18n import LANGUAGES, SOURCE_LANGUAGE, _, locales_dir, messages_dir
from daas.core.io import atomic_write_text
from daas.core.paths import repo_root
from daas.site.catalogues import _pot_catalogue, _write_po

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

PACKAGE = "package"
_ROLE = re.compile(r"\{([a-z][\w:-]*)\}`([^`]*)`")
_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")  # a run of n backticks closes n
_PLACEHOLDER = re.compile(r"\{\{\s*[\w.]+\s*\}\}")
_URL = re.compile(r"https?://[^\s)>\]`\"']+")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_FIELD = re.compile(r"(?<!\{)\{([A-Za-z_]\w*)(?:[:!][^{}]*)?\}(?![}`])")


def _role_target(content: str) -> str:
    explicit = re.search(r"<([^<>]+)>\s*$", content)
    return (explicit.group(1) if explicit else content).strip()


def markup(text: str) -> Counter:
    """What in `text` the build reads and a translation must keep, as a multiset."""
    found: Counter = Counter()
    for role, content in _ROLE.findall(text):
        found[f"{{{role}}} → {_role_target(content)}"] += 1
    rest = _ROLE.sub(" ", text)
    for _ticks, code in _CODE.findall(rest):
        found[f"`{code.strip()}`"] += 1
    rest = _CODE.sub(" ", rest)
    found.update(re.sub(r"\s+", "", p) for p in _PLACEHOLDER.findall(text))
    found.update(f"link → {t}" for t in _LINK.findall(text))
    found.update(f"url {u.rstrip('.,;:')}" for u in _URL.findall(_LINK.sub(" ", rest)))
    found.update(f"{{{f}}}" for f in _FIELD.findall(_PLACEHOLDER.sub(" ", rest)))
    return found


def markup_problems(msgid: str, msgstr: str) -> list[str]:
    """What the translation lost or added compared with the English (empty when it is fine)."""
    if not msgstr:
        return []
    source, target = markup(msgid), markup(msgstr)
    lost, added = _("lost {item}"), _("added {item}")
    problems = [lost.format(item=repr(item)) for item in sorted((source - target).elements())]
    problems += [added.format(item=repr(item)) for item in sorted((target - source).elements())]
    if msgid.count("**") % 2 == 0 and msgstr.count("**") % 2:
        problems.append(_("unbalanced ** (bold)"))
    if msgid.endswith("\n") != msgstr.endswith("\n"):
        problems.append(
            _("the English ends with a line break and the translation does not (or the reverse)")
        )
    return problems


# ---------------------------------------------------------------- catalogues on disk


@dataclass(frozen=True)
class Catalogue:
    language: str
    name: str  # "book/toolkit/beta", "notebooks/01-discovery" or "package"
    path: Path


def catalogues(language: str, root: Path | None = None) -> Iterator[Catalogue]:
    """Every catalogue of one language: the book's, the notebooks' and the package's."""
    base = locales_dir(root or repo_root()) / language / "LC_MESSAGES"
    for po in sorted(base.rglob("*.po")):
        yield Catalogue(language, po.relative_to(base).with_suffix("").as_posix(), po)
    yield Catalogue(language, PACKAGE, messages_dir() / f"{language}.po")


def _check_language(language: str) -> None:
    if language not in LANGUAGES or language == SOURCE_LANGUAGE:
        raise DaasError.one(
            "--language",
            "",
            _("'{lang}' is not a translated language").format(lang=language),
            _("use es or pt"),
        )


def check(languages: tuple[str, ...] = ("es", "pt"), root: Path | None = None) -> list[Problem]:
    """Every current translation whose markup differs from its English source."""
    problems = []
    for lang in languages:
        for cat in catalogues(lang, root):
            for m in _pot_catalogue(cat.path):
                current = m.id and m.string and not m.fuzzy
                if current and isinstance(m.id, str) and isinstance(m.string, str):  # no plurals
                    for p in markup_problems(m.id, m.string):
                        line = m.lineno or 0
                        problems.append(
                            Problem(
                                f"{cat.path}:{line}",
                                _short(m.id),
                                p,
                                _("keep roles, code, placeholders and links as in the English"),
                            )
                        )
    return problems


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def export(
    language: str, prefix: str = "", everything: bool = False, root: Path | None = None
) -> list[dict]:
    """The strings of `language` that need a translator (all of them with `everything`), from the
    catalogues whose name starts with `prefix`."""
    _check_language(language)
    rows = []
    for cat in catalogues(language, root):
        if not cat.name.startswith(prefix) or not cat.path.exists():
            continue
        for m in _pot_catalogue(cat.path):
            if m.id and (everything or m.fuzzy or not m.string):
                previous = " ".join(m.previous_id) if m.fuzzy and m.previous_id else ""
                rows.append(
                    {
                        "catalogue": cat.name,
                        "msgid": m.id,
                        "msgstr": m.string or "",
                        "previous": previous,
                    }
                )
    return rows


def write_export(rows: list[dict], path: Path) -> None:
    atomic_write_text(path, json.dumps(rows, ensure_ascii=False, indent=1) + "\n")


def _read_rows(path: Path) -> list[dict]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DaasError.one(
            str(path),
            "",
            _("cannot read the file: {error}").format(error=exc),
            _("give a file written by `daas i18n export`"),
        ) from exc
    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and {"catalogue", "msgid", "msgstr"} <= r.keys() for r in rows
    ):
        raise DaasError.one(
            str(path),
            "",
            _("not a list of {catalogue, msgid, msgstr} entries"),
            _("give a file written by `daas i18n export`"),
        )
    return rows


def import_file(language: str, path: Path, root: Path | None = None) -> int:
    """Put the translations in `path` into `language`'s catalogues; return how many changed.
    Every entry is checked first; on any problem nothing is written."""
    _check_language(language)
    rows = _read_rows(path)
    by_name = {c.name: c for c in catalogues(language, root)}
    problems: list[Problem] = []
    loaded: dict[str, Catalog] = {}
    changes = 0
    for i, row in enumerate(rows):
        where = f"{path}: entry {i + 1}"
        cat = by_name.get(row["catalogue"])
        if cat is None or not cat.path.exists():
            problems.append(
                Problem(
                    where,
                    "catalogue",
                    _("no catalogue {catalogue!r} for {lang}").format(
                        catalogue=row["catalogue"], lang=language
                    ),
                    _("keep the catalogue names export wrote"),
                )
            )
            continue
        catalogue = loaded.setdefault(cat.name, _pot_catalogue(cat.path))
        message = catalogue.get(row["msgid"])
        if message is None:
            problems.append(
                Problem(
                    where,
                    "msgid",
                    _("not in {catalogue}: {msgid}").format(
                        catalogue=cat.name, msgid=_short(row["msgid"])
                    ),
                    _("run `daas i18n update`, then export again"),
                )
            )
            continue
        if not row["msgstr"]:
            continue
        for p in markup_problems(row["msgid"], row["msgstr"]):
            problems.append(
                Problem(
                    where,
                    "msgstr",
                    _short(row["msgid"]) + ": " + p,
                    _("keep roles, code, placeholders and links as in the English"),
                )
            )
        if message.string != row["msgstr"] or message.fuzzy:
            message.string = row["msgstr"]
            message.flags.discard("fuzzy")
            message.previous_id = []
            changes += 1
    if problems:
        raise DaasError(problems)
    for name, catalogue in loaded.items():
        _write_po(by_name[name].path, catalogue)
    return changes
