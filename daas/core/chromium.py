"""Debian's Chromium, as the kit drives it (handouts and worksheets printed to PDF, page tests):
never a downloaded browser, no background traffic, no name resolved beyond loopback."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.io import atomic_write_bytes

CHROMIUM = Path("/usr/bin/chromium")
# a browser start or a print that takes longer has hung (a loaded 2-core machine took 120 s to
# start one Chromium for each of a suite's PDFs)
PRINT_TIMEOUT_MS = 300_000
PrintPdf = Callable[[str, Path], None]  # prints an HTML document to an A4 PDF file
# every chart of the kit's (`core.charts`) drawn, or showing its error
CHARTS_DRAWN = """() => [...document.querySelectorAll('.daas-chart')].every(
  (el) => el.querySelector('svg, canvas') || el.textContent.startsWith('Chart error'))"""
CHARTS_FAILED = """() => [...document.querySelectorAll('.daas-chart')]
  .filter((el) => !el.querySelector('svg, canvas')).map((el) => el.textContent)"""
QUIET = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def offline(loopback: bool = False) -> str:
    """The flag that makes every host name unresolvable (but loopback's, when `loopback`), so a
    page that tries to load anything from the internet fails instead of reaching it."""
    rule = "MAP * ~NOTFOUND"
    return f"--host-resolver-rules={rule}" + (
        ", EXCLUDE 127.0.0.1, EXCLUDE localhost" if loopback else ""
    )


@contextlib.contextmanager
def pdf_printer(files: Mapping[str, Path] | None = None) -> Iterator[PrintPdf]:
    """A printer of HTML documents to A4 PDFs (each written atomically): one Debian Chromium,
    driven by playwright and started once for all of a city's handouts and worksheets, offline
    (no host name resolves; a request is answered from `files`, URL → local file, or refused).
    A document's charts (`.daas-chart`) are drawn before it is printed."""
    if not CHROMIUM.exists():
        raise DaasError.one(
            str(CHROMIUM), "", _("Chromium is not installed"),
            _("install Debian's chromium package (apt-get install chromium)"),
        )  # fmt: skip
    from playwright.sync_api import Error, Route, sync_playwright

    served = dict(files or {})

    def answer(route: Route) -> None:
        local = served.get(route.request.url)
        if local is None:
            route.abort()
        else:
            route.fulfill(path=local)

    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                args=[*QUIET, offline()],
                timeout=PRINT_TIMEOUT_MS,
            )
            page = browser.new_page()
            page.set_default_timeout(PRINT_TIMEOUT_MS)
            page.route("**/*", answer)

            def print_pdf(document: str, target: Path) -> None:
                page.set_content(document, wait_until="load")
                page.wait_for_function(CHARTS_DRAWN)
                if failed := page.evaluate(CHARTS_FAILED):
                    raise DaasError.one(
                        str(target), "", _("a chart could not be drawn"), str(failed[0])[:300]
                    )
                pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
                atomic_write_bytes(target, pdf)

            yield print_pdf
            browser.close()
    except Error as exc:
        raise DaasError.one(
            str(CHROMIUM), "", _("Chromium could not print the handout"),
            str(exc).strip().splitlines()[0][:300] or _("run it again"),
        ) from None  # fmt: skip


@contextlib.contextmanager
def lazy_pdf_printer(files: Mapping[str, Path] | None = None) -> Iterator[PrintPdf]:
    """`pdf_printer`, started at the first document it is given: no browser when every document
    is skipped."""
    with contextlib.ExitStack() as stack:
        started: list[PrintPdf] = []

        def print_pdf(document: str, target: Path) -> None:
            if not started:
                started.append(stack.enter_context(pdf_printer(files)))
            started[0](document, target)

        yield print_pdf


# What every printed document of the kit shares (handouts, worksheets): A4, the kit's type and
# colours, tables, figures and charts, and the space left to write in.
PRINT_STYLE = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10.5pt;
       line-height: 1.4; color: #111; }
header { border-bottom: 2px solid #1d4f91; margin-bottom: 8mm; }
h1 { font-size: 18pt; margin: 0 0 2mm; color: #1d4f91; }
.meta { font-size: 12pt; margin: 0 0 3mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; color: #1d4f91; break-after: avoid; }
h3 { font-size: 11pt; margin: 3mm 0 1mm; color: #1d4f91; break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
th, td { border-bottom: 1px solid #999; padding: 1.5mm 2mm; text-align: left !important; }
.figure { margin: 2mm 0 4mm; break-inside: avoid; }
.figure table { font-size: 8.5pt; }
.daas-chart svg { max-width: 100%; height: auto; }
.vega-bindings { display: none; }
.write { break-inside: avoid; margin: 3mm 0; }
.label { font-weight: bold; margin: 0; }
.line { border-bottom: 1px solid #888; height: 9mm; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; }
"""


def print_document(title: str, lang: str, body: str, style: str = "") -> str:
    """An HTML document to print: `title` and `body` already escaped, the shared print style
    and the document's own `style` after it."""
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{PRINT_STYLE}{style}</style></head><body>{body}</body></html>"
    )
