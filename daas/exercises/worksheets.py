"""The no-code path on paper: a printable worksheet of the city's exercises (A4 PDF, a page or
more per exercise), for the programme leads and service owners who work without code.

Each exercise is read from the city's executed learner pack (`_build/cities/<slug>/exercises/`),
never recomputed: its text, the tables and figures its cells show, and, where the notebook runs
a check, the same questions the exercise's form asks in JupyterLab (`forms.py`): a list to tick
for a choice, a box for a number, lines for text. Written into the pack's `handouts/` folder
beside the masterclass handouts; skipped while its inputs are unchanged.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import html
import json
import re
from pathlib import Path

import ipywidgets as widgets
import nbformat
from markdown_it import MarkdownIt

from daas.core.chromium import PrintPdf, pdf_printer, print_document
from daas.core.city import City
from daas.core.i18n import _, use_language
from daas.core.io import atomic_write_bytes, atomic_write_text
from daas.core.paths import city_build_dir
from daas.exercises.build import CHECK_CALL
from daas.exercises.forms import FORMS

WORKSHEET = "exercises-worksheet.pdf"
# the papermill parameters, and what a page leaves out (the no-code form: on paper, the questions)
SKIPPED_TAGS = {"parameters", "injected-parameters", "remove-cell"}
WIDGET = "application/vnd.jupyter.widget-view+json"
TEXT_LINES = 5
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def worksheet_path(city: City) -> Path:
    return city_build_dir(city.slug) / "handouts" / WORKSHEET


def exercise_notebooks(city: City) -> list[Path]:
    """The city's executed learner exercises, in order (none before the pack is run)."""
    folder = city_build_dir(city.slug) / "exercises"
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.endswith(".failed.ipynb"))


def _outputs(cell: nbformat.NotebookNode) -> str:
    """What a code cell shows, as the notebook shows it: its tables, images and printed text."""
    shown = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if WIDGET in data:  # a control: nothing to read on paper
            continue
        if output["output_type"] == "stream":
            shown.append(f"<p class='printed'>{html.escape(output['text'])}</p>")
        elif "text/html" in data:
            shown.append(re.sub(r"<script\b.*?</script>", "", data["text/html"], flags=re.S | re.I))
        elif "image/png" in data:
            shown.append(f"<img alt='' src='data:image/png;base64,{data['image/png']}'>")
        elif "text/markdown" in data:
            shown.append(_MARKDOWN.render(data["text/markdown"]))
        elif "text/plain" in data:
            shown.append(f"<p class='printed'>{html.escape(_plain(data['text/plain']))}</p>")
    return f"<div class='figure'>{''.join(shown)}</div>" if shown else ""


def _plain(text: str) -> str:
    """A cell's plain result as a reader reads it: a string's words, not its Python quotes."""
    with contextlib.suppress(ValueError, SyntaxError):
        value = ast.literal_eval(text)
        if isinstance(value, str):
            return value
    return text


def _field(field: widgets.Widget) -> str:
    """One question of an exercise's form, on paper."""
    label = f"<p class='label'>{html.escape(field.description)}</p>"
    if isinstance(field, widgets.Dropdown | widgets.SelectMultiple):
        hint = _("Tick one.") if isinstance(field, widgets.Dropdown) else _("Tick all that apply.")
        names = [o[0] if isinstance(o, tuple) else o for o in field.options]
        boxes = "".join(f"<li>{html.escape(str(name))}</li>" for name in names)
        return f"<div class='write'>{label}<p class='hint'>{html.escape(hint)}</p>" \
               f"<ul class='tick'>{boxes}</ul></div>"  # fmt: skip
    if isinstance(field, widgets.FloatText):
        return f"<div class='write'>{label}<div class='box'></div></div>"
    example = getattr(field, "placeholder", "")
    hint = f"<p class='hint'>{html.escape(example)}</p>" if example else ""
    lines = "".join("<div class='line'></div>" for _ in range(TEXT_LINES))
    return f"<div class='write'>{label}{hint}{lines}</div>"


def _questions(exercise: str, city: City) -> str:
    if exercise not in FORMS:
        return ""
    fields, _answer = FORMS[exercise](city)
    return (
        f"<div class='answer'><h3>{html.escape(_('Your answer'))}</h3>"
        + "".join(_field(f) for f in fields.values())
        + "</div>"
    )


def exercise_html(notebook: Path, city: City) -> str:
    """One exercise as a worksheet section: its text, what its cells show, and its questions."""
    parts = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & SKIPPED_TAGS:
            continue
        if cell.cell_type == "markdown":
            parts.append(_MARKDOWN.render(cell.source))
        elif cell.cell_type == "code":
            found = CHECK_CALL.search(cell.source)
            parts.append(_questions(found.group(1), city) if found else _outputs(cell))
    return f"<section class='exercise'>{''.join(parts)}</section>"


STYLE = """
.exercise + .exercise { break-before: page; }
.printed { white-space: pre-wrap; }
.write { margin: 3mm 0 5mm; }
.hint { color: #444; font-style: italic; margin: 0 0 1mm; }
.tick { list-style: none; padding-left: 0; columns: 2; }
.tick li::before { content: "\\2610\\00a0\\00a0"; font-size: 12pt; }
.box { border: 1px solid #444; height: 10mm; width: 45mm; }
"""


def worksheet_html(city: City) -> str:
    """The city's worksheet: every exercise of its pack, in the city's language."""
    with use_language(city.language):
        title = html.escape(_("Exercises without code"))
        how = _(
            "Write your answers on this sheet. Where an exercise mentions a notebook cell, use "
            "the space under *Your answer*; a coach checks your answers with you."
        )
        head = (
            f"<header><h1>{title}</h1><p class='meta'>{html.escape(city.name)} · "
            f"{html.escape(_('Worksheet'))}</p>{_MARKDOWN.render(how)}</header>"
        )
        body = "".join(exercise_html(nb, city) for nb in exercise_notebooks(city))
        return print_document(f"{title} · {html.escape(city.name)}", city.language,
                              head + body, STYLE)  # fmt: skip


def inputs_key(city: City) -> str:
    """A content hash of what the worksheet is made from: the executed exercises, the forms,
    this module and the city's language catalogue."""
    digest = hashlib.sha256()
    package = Path(__file__).parents[1]
    files = [Path(__file__), package / "exercises" / "forms.py",
             package / "messages" / f"{city.language}.po", *exercise_notebooks(city)]  # fmt: skip
    for f in files:
        digest.update(f.name.encode() + (f.read_bytes() if f.exists() else b""))
    digest.update(city.model_dump_json().encode())
    return digest.hexdigest()


def write_worksheet(city: City, force: bool = False, print_pdf: PrintPdf | None = None) -> str:
    """Print the city's worksheet unless its inputs are unchanged: `ok`, `skipped`, or `none`
    when the pack has no exercises yet."""
    if not exercise_notebooks(city):
        return "none"
    target = worksheet_path(city)
    stamp = target.with_suffix(".json")
    key = inputs_key(city)
    if not force and target.exists() and _stamped(stamp) == key:
        return "skipped"
    with contextlib.nullcontext(print_pdf) if print_pdf else pdf_printer() as printer:
        printer(worksheet_html(city), target)
    atomic_write_text(stamp, json.dumps({"key": key}))
    return "ok"


def _stamped(stamp: Path) -> str | None:
    return json.loads(stamp.read_text(encoding="utf-8")).get("key") if stamp.exists() else None


def copy_into_edition(city: City) -> None:
    """Put the worksheet into the city's edition of the site (`_static/handouts/`), beside the
    participants' masterclass handouts."""
    site, sheet = city_build_dir(city.slug) / "site", worksheet_path(city)
    if site.is_dir() and sheet.exists():
        atomic_write_bytes(site / "_static" / "handouts" / sheet.name, sheet.read_bytes())
