"""Printable handouts for the masterclasses: per city, a participant handout and a facilitator
sheet for each masterclass, as A4 PDFs in the city's language.

Both are made from the masterclass page (`book/masterclasses/<key>.md`): its `{only}` blocks for
the city's tags, its paragraphs translated with the page's book catalogue, its `{{ placeholders }}`
filled, and the agenda from `agendas.py`. The participant handout has the agenda, the key points
and each activity with ruled space to write (a page of its own for each exercise); it leaves out
`coach-note` and `solution` blocks, which are the facilitator sheet's: timings, coach notes,
checks and answers. Debian's Chromium prints the HTML (one browser for all of a city's handouts,
driven by playwright), offline: no host name resolves and the page loads nothing. Skipped while
the inputs' content hash is unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml
from babel.messages.pofile import read_po
from sphinx.util.tags import Tags

from daas.core.chromium import PrintPdf, pdf_printer, print_document
from daas.core.city import City
from daas.core.i18n import _, locales_dir, use_language
from daas.core.io import atomic_write_bytes, atomic_write_text
from daas.core.markdown import substitutions
from daas.core.paths import assets_dir, city_build_dir, repo_root
from daas.masterclasses.agendas import MASTERCLASSES, agenda_table
from daas.site.assets import VEGA_BUNDLE
from daas.site.sphinx_ext import sphinx_tags

# the vendored vega bundle, as a handout asks for it (the printer answers from the file)
VEGA_URL = "https://daas.invalid/vega-offline.js"
SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
CHART_SCRIPT = "vegaEmbed(el, spec, opt)"  # the kit's chart template (core.charts)
KINDS = ("participant", "facilitator")
HIDDEN = frozenset({"coach-note", "solution"})  # facilitator-only admonition classes
RULED_LINES = 8
BLOCK = re.compile(r"^(\d+:\d\d) ")
FENCE = re.compile(r"^(`{3,})\{([\w-]+)\}\s*(.*)$")
ROLE = re.compile(r"\{(\w+)\}`([^`]*)`")
LABELLED = re.compile(r"^(.*?)\s*<([^>]+)>$")


@dataclass
class Element:
    """One piece of a page: a heading, paragraph or list item (English `text`, Markdown), with
    the admonition class it sits in (`coach-note`, `solution` or empty)."""

    kind: str  # h1 | h2 | h3 | p | li | table | figure (a code cell) | title (an admonition's)
    text: str
    role: str = ""


@dataclass
class Block:
    """An agenda block (`### H:MM title`) or a later section (`## Exercise`)."""

    heading: Element
    elements: list[Element] = field(default_factory=list)
    exercise: bool = False  # a page of its own in the participant handout


def page_source(key: str) -> Path:
    return repo_root() / "book" / "masterclasses" / f"{key}.md"


def parse(lines: list[str], tags: Tags, role: str = "") -> list[Element]:
    """The page's headings, paragraphs and list items, with `{only}` blocks judged by `tags`
    (as Sphinx does), admonitions marked with their class, code cells and comments left out."""
    found: list[Element] = []
    para: list[str] = []
    kind = "p"

    def flush() -> None:
        nonlocal para, kind
        if para:
            found.append(Element(kind, ("\n" if kind == "table" else " ").join(para), role))
        para, kind = [], "p"

    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if fence:
            flush()
            end = next(
                (j for j in range(i + 1, len(lines)) if lines[j].strip() == fence.group(1)),
                len(lines),
            )
            found += _directive(fence.group(2), fence.group(3), lines[i + 1 : end], tags, role)
            i = end + 1
            continue
        stripped = line.strip()
        heading = re.match(r"^(#{1,3}) (.+)$", line)
        if heading:
            flush()
            found.append(Element(f"h{len(heading.group(1))}", heading.group(2).strip(), role))
        elif not stripped or stripped.startswith("%") or re.match(r"^\(.+\)=$", stripped):
            flush()
        elif stripped.startswith("|"):
            if kind != "table":
                flush()
                kind = "table"
            para.append(stripped)
        elif re.match(r"^(- |\d+\. )", stripped) and not line.startswith(" "):
            flush()
            para, kind = [re.sub(r"^(- |\d+\. )", "", stripped)], "li"
        else:
            para.append(stripped)
        i += 1
    flush()
    return found


def _directive(name: str, arg: str, body: list[str], tags: Tags, role: str) -> list[Element]:
    options = {m.group(1): m.group(2).strip() for m in map(re.compile(r"^:(\w+):(.*)$").match,
               body) if m}  # fmt: skip
    content = [line for line in body if not re.match(r"^:\w+:", line)]
    if name == "only":
        return parse(content, tags, role) if tags.eval_condition(arg) else []
    if name == "admonition":
        classes = set(options.get("class", "").split())
        inner = next(iter(classes & HIDDEN), role)
        return [Element("title", arg.strip(), inner), *parse(content, tags, inner)]
    if name == "code-cell":  # where the page shows a figure: the edition's output, if any
        return [Element("figure", "", role)]
    return []


def blocks(elements: list[Element], key: str) -> tuple[str, list[Block]]:
    """The page's title and its agenda blocks, then the sections after them but the sources."""
    title = next(e.text for e in elements if e.kind == "h1")
    found: list[Block] = []
    items = iter(MASTERCLASSES[key].agenda)
    current: Block | None = None
    for e in elements:
        if e.kind == "h3" and BLOCK.match(e.text):
            item = next(items, None)
            current = Block(e, exercise=bool(item and item.exercise))
            found.append(current)
        elif e.kind == "h2" and found:
            current = None if e.text == "Sources" else Block(e, exercise=e.text == "Exercise")
            if current:
                found.append(current)
        elif current is not None and e.kind != "h3":
            current.elements.append(e)
    return title, found


class Page:
    """The page's words for a city: translated with the page's book catalogue, placeholders
    filled, Markdown rendered as HTML."""

    def __init__(self, key: str, city: City) -> None:
        self.lang = city.language
        self.values = substitutions(city)
        self.catalogue: dict[str, str] = {}
        po = locales_dir() / self.lang / "LC_MESSAGES" / "book" / "masterclasses" / f"{key}.po"
        if self.lang != "en" and po.exists():
            with po.open("rb") as f:
                for m in read_po(f):
                    if m.id and m.string and not m.fuzzy:
                        self.catalogue[str(m.id)] = str(m.string)

    def table(self, text: str) -> str:
        """A Markdown table as HTML, each cell translated."""
        rows = [[c.strip() for c in line.strip("|").split("|")] for line in text.split("\n")]
        rows = [r for r in rows if not all(re.fullmatch(r":?-+:?", c) for c in r)]
        head = "".join(f"<th>{self.html(c)}</th>" for c in rows[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{self.html(c)}</td>" for c in r) + "</tr>" for r in rows[1:]
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def html(self, text: str) -> str:
        text = self.catalogue.get(text, text)
        text = re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: self.values.get(m.group(1), ""), text)
        return inline(text)


def inline(markdown: str) -> str:
    """A paragraph's Markdown as HTML: roles and links as their words, code, bold, italics."""
    text = ROLE.sub(lambda m: _role_words(m.group(1), m.group(2)), markdown)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        part = html.escape(re.sub(r"\\(.)", r"\1", part), quote=False)
        part = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", part)
        out.append(re.sub(r"(?<![\w*])\*(.+?)\*(?![\w*])", r"<em>\1</em>", part))
    return "".join(out)


def _role_words(role: str, target: str) -> str:
    labelled = LABELLED.match(target)
    if labelled:
        return labelled.group(1)
    if role == "source":
        return _sources().get(target, target)
    return target.rsplit("/", 1)[-1].replace("-", " ")


def _sources() -> dict[str, str]:
    registry = yaml.safe_load((repo_root() / "book" / "_data" / "sources.yml").read_text("utf-8"))
    entries = registry.get("sources", registry) if isinstance(registry, dict) else {}
    return {k: str(v.get("title", k)) for k, v in entries.items() if isinstance(v, dict)}


def edition_page(key: str, city: City) -> Path:
    """The masterclass page in the city's edition of the site, with its figures computed."""
    return city_build_dir(city.slug) / "site" / "book" / "masterclasses" / f"{key}.html"


class _CellOutputs(HTMLParser):
    """Each code cell's output on a built page (myst-nb's `cell` and `cell_output` blocks)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.lines = [0]
        for line in text.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.text, self.start = text, 0
        self.outputs: list[str] = []
        self.open: list[str] = []

    def _at(self) -> int:
        line, col = self.getpos()
        return self.lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "div":
            return
        classes = (dict(attrs).get("class") or "").split()
        if classes[:1] == ["cell"]:
            self.outputs.append("")
        elif "cell_output" in classes and self.outputs:
            self.start = self._at()
            self.open.append("output")
            return
        self.open.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.open and self.open.pop() == "output":
            self.outputs[-1] = self.text[self.start : self._at()] + "</div>"


def edition_figures(key: str, city: City) -> list[str]:
    """The page's code cells' tables, images and charts as the city's edition shows them, in
    order (read, never recomputed; none before the edition is built). Of the scripts, only the
    kit's charts are kept (drawn by the vendored vega when printed); every other is dropped."""
    page = edition_page(key, city)
    if not page.exists():
        return []
    parser = _CellOutputs(page.read_text(encoding="utf-8"))
    parser.feed(parser.text)
    figures = []
    for output in parser.outputs:
        output = SCRIPT.sub(lambda m: m.group(0) if CHART_SCRIPT in m.group(0) else "", output)
        shown = "<table" in output or '<img src="data:' in output or "daas-chart" in output
        figures.append(output if shown else "")
    return figures


def printer_files() -> dict[str, Path]:
    """What a handout may load: the vendored vega bundle, for its charts."""
    return {VEGA_URL: assets_dir() / VEGA_BUNDLE}


def handout_html(key: str, city: City, kind: str) -> str:
    """The participant handout or facilitator sheet of masterclass `key` for `city`, as HTML."""
    tags = Tags(sphinx_tags(city))
    lines = page_source(key).read_text(encoding="utf-8").split("\n")
    if lines and lines[0] == "---":
        lines = lines[lines.index("---", 1) + 1 :]
    elements = parse(lines, tags)
    figures = iter(edition_figures(key, city))
    for e in (e for e in elements if e.kind == "figure"):
        e.text = next(figures, "")
    title, found = blocks(elements, key)
    page = Page(key, city)
    with use_language(city.language):
        label = _("Participant handout") if kind == "participant" else _("Facilitator sheet")
        head = (
            f"<header><h1>{page.html(title)}</h1><p class='meta'>{html.escape(city.name)} · "
            f"{html.escape(label)}</p></header>"
            f"<h2>{html.escape(_('Agenda'))}</h2>"
            + agenda_table(key).reset_index().to_html(index=False, border=0)
        )
        body = _participant(found, page) if kind == "participant" else _facilitator(found, page)
        charts = f'<script src="{VEGA_URL}"></script>' if "daas-chart" in body else ""
        return print_document(f"{page.html(title)} · {html.escape(city.name)}", city.language,
                              charts + head + body, STYLE)  # fmt: skip


def _participant(found: list[Block], page: Page) -> str:
    notes = _("Notes")
    sections = []
    for b in found:
        parts = [f"<h2>{page.html(b.heading.text)}</h2>"]
        items: list[str] = []
        ruled = False
        for e in (e for e in b.elements if not e.role):
            if e.kind == "li":
                items.append(f"<li>{page.html(e.text)}</li>")
                continue
            parts += [f"<ul>{''.join(items)}</ul>"] if items else []
            items = []
            if e.text.startswith("**You leave with.**") and not ruled:
                parts.append(_ruled(notes))
                ruled = True
            if e.kind == "figure":
                parts.append(f"<div class='figure'>{e.text}</div>" if e.text else "")
            elif e.kind == "table":
                parts.append(page.table(e.text))
            else:
                parts.append(f"<p>{page.html(e.text)}</p>")
        parts += [f"<ul>{''.join(items)}</ul>"] if items else []
        if b.exercise and not ruled:
            parts.append(_ruled(notes))
        css = "block exercise" if b.exercise else "block"
        sections.append(f"<section class='{css}'>{''.join(parts)}</section>")
    return "".join(sections)


def _ruled(label: str) -> str:
    lines = "".join("<div class='line'></div>" for _ in range(RULED_LINES))
    return f"<div class='write'><p class='label'>{html.escape(label)}</p>{lines}</div>"


def _facilitator(found: list[Block], page: Page) -> str:
    sections = []
    for b in found:
        parts = [f"<h2>{page.html(b.heading.text)}</h2>"]
        for e in b.elements:
            if e.kind == "table" and e.role in HIDDEN:
                parts.append(page.table(e.text))
            elif e.role in HIDDEN or e.text.startswith(("**Check.**", "**Activity")):
                tag = "h3" if e.kind == "title" else ("li" if e.kind == "li" else "p")
                css = f" class='{e.role}'" if e.role else ""
                parts.append(f"<{tag}{css}>{page.html(e.text)}</{tag}>")
        sections.append(f"<section class='sheet'>{''.join(parts)}</section>")
    return "".join(sections)


STYLE = """
.exercise { break-before: page; }
.coach-note { border-left: 3px solid #b35c00; padding-left: 3mm; }
.solution { border-left: 3px solid #2e7d32; padding-left: 3mm; }
"""


def handouts_dir(city: City) -> Path:
    return city_build_dir(city.slug) / "handouts"


def handout_paths(city: City) -> Iterator[tuple[str, str, Path]]:
    for key in MASTERCLASSES:
        for kind in KINDS:
            yield key, kind, handouts_dir(city) / f"{key}-{kind}.pdf"


def inputs_key(city: City) -> str:
    """A content hash of everything a city's handouts are made from."""
    digest = hashlib.sha256()
    files = [Path(__file__), Path(__file__).with_name("agendas.py"),
             repo_root() / "book" / "_data" / "sources.yml"]  # fmt: skip
    for key in MASTERCLASSES:
        files += [page_source(key),
                  locales_dir() / city.language / "LC_MESSAGES" / "book" / "masterclasses" /
                  f"{key}.po"]  # fmt: skip
    files.append(Path(__file__).parents[1] / "messages" / f"{city.language}.po")
    files.append(assets_dir() / VEGA_BUNDLE)  # draws the charts
    files += [edition_page(key, city) for key in MASTERCLASSES]  # the figures
    for f in files:
        digest.update(str(f.name).encode() + (f.read_bytes() if f.exists() else b""))
    digest.update(json.dumps(substitutions(city), sort_keys=True).encode())
    digest.update(" ".join(sphinx_tags(city)).encode())
    return digest.hexdigest()


def write_handouts(city: City, force: bool = False, print_pdf: PrintPdf | None = None) -> str:
    """Write the city's handouts unless their inputs are unchanged; `ok` or `skipped`. Printed
    with `print_pdf` when given (a printer already running), else with a printer of their own."""
    stamp = handouts_dir(city) / "handouts.json"
    key = inputs_key(city)
    if not force and _current(stamp, key) and all(p.exists() for *_, p in handout_paths(city)):
        return "skipped"
    with (
        contextlib.nullcontext(print_pdf) if print_pdf else pdf_printer(printer_files()) as printer
    ):
        for mc, kind, path in handout_paths(city):
            printer(handout_html(mc, city, kind), path)
    atomic_write_text(stamp, json.dumps({"key": key}))
    return "ok"


def _current(stamp: Path, key: str) -> bool:
    return stamp.exists() and json.loads(stamp.read_text(encoding="utf-8")).get("key") == key


def copy_into_edition(city: City) -> None:
    """Put the participant handouts into the city's edition of the site (`_static/handouts/`),
    where its masterclass pages link them; the facilitator sheets, with the answers the learner
    edition leaves out, stay in the pack's `handouts/` folder."""
    site = city_build_dir(city.slug) / "site"
    if not site.is_dir():
        return
    for _key, kind, path in handout_paths(city):
        if kind == "participant":
            atomic_write_bytes(site / "_static" / "handouts" / path.name, path.read_bytes())
