"""Sphinx extension: one registry of sources (`book/_data/sources.yml`) that every page cites from.

- {source}`key` cites a source the same way on every page: the linked title, publisher, year and
  licence, in an element marked with the source's language (`lang="en"` on a Spanish page), so
  screen readers read the title right and it is not taken for untranslated text (WCAG 3.1.2).
- {source}`words <key>` links the page's own words to a source, in running prose.
- The `{sources}` directive lists every source (`book/sources.md`), with its note when a fact
  came to the kit through another source.
- A source with no public address (a programme document the kit works from) has an `unpublished`
  note instead of a `url`: its title is cited without a link, marked "unpublished" in the page's
  language, and the sources page gives the note. The link checker has nothing to check there.
- A source's `names` are the bodies and named methods it gives facts about, as pages name them:
  a paragraph that names one cites a source that lists it (tests/test_sources.py checks it).
- An unknown key, or a registry entry that is not well formed, stops the build with a message that
  names the page and line, or the registry entry, and the fix.

`make linkcheck` runs Sphinx's link checker over the site (`linkcheck`), every source included.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective, SphinxRole

from daas.core.errors import DaasError, Problem, did_you_mean
from daas.core.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, _
from daas.core.io import atomic_write_text
from daas.core.paths import repo_root

REGISTRY = Path("book", "_data", "sources.yml")  # in the book's source
KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]+)*")  # a BCP 47 tag: en, es, pt-BR
EXPLICIT = re.compile(r"^(?P<words>.+?)\s*<(?P<key>[^<>]+)>$", re.S)


@dataclass(frozen=True)
class Source:
    """One entry of the registry."""

    key: str
    title: str
    lang: str
    publisher: str
    year: int | None = None  # required, except for an unpublished document without a date
    url: str | None = None  # required, except for an unpublished document
    author: str | None = None
    licence: str | None = None  # the key of a licence entry
    rights: str | None = None  # the attribution the licence asks for
    secondary: str | None = None  # where the kit took a fact from, when not from this source
    recipe: str | None = None  # a Beacon recipe's own source: listed only in that recipe's builds
    unpublished: str | None = None  # no public address: how the kit came to it, instead of a url
    names: tuple[str, ...] = ()  # the bodies and methods it gives facts about, as pages name them


REQUIRED = ("title", "lang", "publisher", "year", "url")
OPTIONAL = ("author", "licence", "rights", "secondary", "recipe", "unpublished", "names")
UNPUBLISHED = N_("unpublished")


def parse(data: Any, file: str) -> dict[str, Source]:
    """The registry's entries, checked: every problem at once."""
    if not isinstance(data, dict):
        fix = _("write one `key:` per source, its fields indented below")
        raise DaasError.one(file, "", _("the registry is not a mapping of keys to sources"), fix)
    problems: list[Problem] = []
    for key, entry in data.items():
        problems += _entry_problems(str(key), entry, data, file)
    if problems:
        raise DaasError(problems)
    return {
        str(key): Source(key=str(key), **{**entry, "names": tuple(entry.get("names", ()))})
        for key, entry in data.items()
    }


def _entry_problems(key: str, entry: Any, data: dict, file: str) -> list[Problem]:
    def problem(field: str, message: str, fix: str) -> Problem:
        return Problem(file, f"{key}.{field}" if field else key, message, fix)

    if not KEY.fullmatch(key):
        return [problem("", _("a key is lower-case words joined by hyphens"), _("rename the key"))]
    if not isinstance(entry, dict):
        fields = ", ".join(REQUIRED)
        return [problem("", _("a source is a mapping of fields"),
                        _("give it {fields}").format(fields=fields))]  # fmt: skip
    unpublished = "unpublished" in entry
    required = [f for f in REQUIRED if not (unpublished and f in {"url", "year"})]
    found = [problem(f, _("missing"), _("add it")) for f in required if not entry.get(f)]
    known = ", ".join(REQUIRED + OPTIONAL)
    found += [problem(f, _("unknown field"), _("use one of {fields}").format(fields=known))
              for f in entry if f not in REQUIRED + OPTIONAL]  # fmt: skip
    if unpublished and not (isinstance(entry["unpublished"], str) and entry["unpublished"].strip()):
        found.append(problem("unpublished", _("no note"),
                             _("say how the kit came to the document")))  # fmt: skip
    if unpublished and "url" in entry:
        found.append(problem("url", _("a source with a url is not unpublished"),
                             _("keep the url, or the note when there is no address")))  # fmt: skip
    names = entry.get("names", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        found.append(problem("names", _("not a list of names"),
                             _("write names: [Name, Other name]")))  # fmt: skip
    if not str(entry.get("url", "https://")).startswith("https://"):
        found.append(problem("url", _("not an https:// address"), _("link the https:// address")))
    if "lang" in entry and not LANG.fullmatch(str(entry["lang"])):
        found.append(problem("lang", _("not a language tag"),
                             _("use the title's language: en, es…")))  # fmt: skip
    if entry.get("year") is not None and not isinstance(entry["year"], int):
        found.append(problem("year", _("not a year"), _("write the year as four digits")))
    licence = entry.get("licence")
    if licence is not None and licence not in data:
        message = _("no source '{key}' in the registry").format(key=licence)
        fix = _("add the licence as a source of its own, or fix the key")
        found.append(problem("licence", message, fix))
    return found


class _UniqueKeys(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice (plain YAML keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DaasError.one(str(self.name), str(key), _("this key is given twice"),
                                    _("keep one entry per source"))  # fmt: skip
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@cache
def load(path: Path, mtime: float) -> dict[str, Source]:
    """The registry at `path` (read again when its modification time changes)."""
    with path.open(encoding="utf-8") as stream:
        return parse(yaml.load(stream, Loader=_UniqueKeys), str(path))


def registry(app: Sphinx) -> dict[str, Source]:
    """The book's registry; none in a book without `book/_data/sources.yml` (a citation there
    stops the build as an unknown key)."""
    path = Path(app.srcdir) / REGISTRY
    if not path.exists():
        return {}
    try:
        return load(path, path.stat().st_mtime)
    except DaasError as exc:
        raise ExtensionError(f"sources registry:\n{exc}") from None


class source_citation(nodes.inline):
    """A citation: an inline element with the source's language."""


def _visit_citation(self: Any, node: source_citation) -> None:
    self.body.append(f'<span class="daas-source" lang="{node["lang"]}">')


def _depart_citation(self: Any, node: source_citation) -> None:
    self.body.append("</span>")


def _skip(self: Any, node: source_citation) -> None:
    """Other builders write the citation's children as they are."""


def citation(source: Source, sources: dict[str, Source], lang: str = SOURCE_LANGUAGE) -> nodes.Node:
    """Linked title, author, publisher, year, and the licence with its attribution; an
    unpublished document's title unlinked, and "unpublished" in the page's language `lang`."""
    node = source_citation(lang=source.lang, classes=["daas-source"])
    cite = nodes.inline(classes=["daas-source-title"])
    if source.url:
        cite += nodes.reference(source.title, source.title, refuri=source.url)
    else:
        cite += nodes.emphasis(source.title, source.title)
    byline = [source.author] if source.author else []
    year = [str(source.year)] if source.year else []
    node += [cite, nodes.Text(", ".join(["", *byline, source.publisher, *year]))]
    if source.licence:
        licence = sources[source.licence]
        node += nodes.Text(f". {source.rights}, " if source.rights else ". ")
        node += nodes.reference(licence.title, licence.title, refuri=licence.url)
    if not source.unpublished:
        return node
    said = nodes.inline(classes=["daas-source-unpublished"])
    said += nodes.Text(", " + _(UNPUBLISHED, lang if lang in LANGUAGES else SOURCE_LANGUAGE))
    return nodes.inline("", "", node, said)


def page_language(env: Any) -> str:
    """The language the page is built in (`en`, `es`, `pt`)."""
    return str(env.config.language or SOURCE_LANGUAGE)[:2]


class SourceRole(SphinxRole):
    """{source}`key` (the citation) or {source}`words <key>` (the page's words, linked)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        match = EXPLICIT.match(self.text)
        key = (match.group("key") if match else self.text).strip()
        sources = registry(self.env.app)
        self.env.note_dependency(str(Path(self.env.srcdir) / REGISTRY))
        if key not in sources:
            _source, line = self.get_source_info()
            page = self.env.doc2path(self.env.docname, False)
            hint = did_you_mean(key, list(sources))
            raise ExtensionError(
                f"{page}:{line}: unknown source '{key}' in {{source}}`{self.text}`. Fix the key "
                f"or add the source to {REGISTRY}." + (f" ({hint.strip()})" if hint else "")
            )
        if match:
            words = match.group("words")
            if not sources[key].url:  # nothing to link to: the words, then the citation
                cited = citation(sources[key], sources, page_language(self.env))
                return [nodes.Text(words + " ("), cited, nodes.Text(")")], []
            return [nodes.reference(self.rawtext, words, refuri=sources[key].url)], []
        return [citation(sources[key], sources, page_language(self.env))], []


class SourcesDirective(SphinxDirective):
    """Every source in the registry, by title; a source's `unpublished` and `secondary` notes are
    paragraphs of the page, so they are translated with the page."""

    def run(self) -> list[nodes.Node]:
        sources = registry(self.env.app)
        self.env.note_dependency(str(Path(self.env.srcdir) / REGISTRY))
        listing = nodes.bullet_list(classes=["daas-sources"])
        page, line = self.get_source_info()
        for source in sorted(sources.values(), key=lambda s: s.title.casefold()):
            if source.recipe and not self.env.app.tags.has(recipe_tag(source.recipe)):
                continue  # another recipe's city (its pages cite it in that recipe's blocks)
            item = nodes.list_item(ids=[f"source-{source.key}"])
            item += nodes.paragraph("", "", citation(source, sources, page_language(self.env)))
            for text in (source.unpublished, source.secondary):
                if text:
                    note = " ".join(text.split())
                    para = nodes.paragraph(note, note)
                    para.source, para.line = page, line
                    item += para
            listing += item
        return [listing]


def recipe_tag(recipe: str) -> str:
    """The Sphinx tag a build of a `recipe` city carries (`{only} recipe_service_requests`)."""
    return "recipe_" + recipe.replace("-", "_")


def check_registry(app: Sphinx) -> None:
    """Stop before reading any page when the registry is not well formed."""
    registry(app)


def linkcheck(out: Path | None = None) -> int:
    """Sphinx's link checker over the English site, nothing executed (`make linkcheck`): every
    external link, each source of the registry included. It needs the network; the report is
    `<out>/_build/linkcheck/output.txt`. Returns the checker's exit status."""
    from daas.site.book import jupyter_book
    from daas.site.variants import Variant, configure

    out = out or repo_root() / "_build" / "linkcheck"
    config = configure(Variant(city="", work=out, execute=False))
    config["sphinx"]["config"]["linkcheck_timeout"] = 30
    cfg = out / "linkcheck.yml"
    atomic_write_text(cfg, yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    cmd = [jupyter_book(), "build", str(repo_root()), "--config", str(cfg), "--path-output",
           str(out), "--builder", "linkcheck"]  # fmt: skip
    return subprocess.run(cmd, cwd=repo_root(), check=False).returncode


def setup(app: Sphinx) -> dict:
    skip = (_skip, _skip)  # other builders: the citation's children only
    app.add_node(source_citation, html=(_visit_citation, _depart_citation), latex=skip, text=skip,
                 man=skip, texinfo=skip)  # fmt: skip
    app.add_role("source", SourceRole())
    app.add_directive("sources", SourcesDirective)
    app.connect("builder-inited", check_registry)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
