"""How fast the built site's charts draw: every page with charts, in every built language.

Serves the built site (`make book` first) on loopback, opens each page in Debian's headless
Chromium with the network blocked, and measures the time from the load event until every chart
on the page is drawn. Prints each page's time, the slowest, and its ratio to the budget (2 s).
`tests/test_browser.py` checks that every chart draws; this script measures how fast.

    .venv/bin/python benchmarks/chart_render.py [--site _build/html] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.site_pages import language_pages, serve  # noqa: E402
from tests.test_browser import charts_render_ms, launch, new_context, watched_page  # noqa: E402

BUDGET_MS = 2_000  # every chart drawn within 2 s of the load event


def measure(site: Path, repeat: int) -> dict[str, float]:
    """The median ms after load until all charts are drawn, per page that has charts."""
    times: dict[str, list[float]] = {}
    with serve(site) as base, sync_playwright() as p:
        browser = launch(p)
        for lang, page in language_pages():
            if page == "index.html":  # sends the reader on to the book's first page
                continue
            for _ in range(repeat):
                ctx = new_context(browser)  # a cold cache each time, as a new reader has
                pg, _remote, _errors = watched_page(ctx, base)
                pg.goto(f"{base}{lang}/{page}", wait_until="load")
                n, ms = charts_render_ms(pg)
                ctx.close()
                if not n:
                    break
                times.setdefault(f"{lang}/{page}", []).append(ms)
        browser.close()
    return {page: statistics.median(ms) for page, ms in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["DAAS_TEST_SITE"] = str(args.site)
    medians = measure(args.site, args.repeat)
    if not medians:
        raise SystemExit(f"no page with charts in {args.site}: run `make book` first")
    for page, ms in sorted(medians.items(), key=lambda kv: -kv[1]):
        print(f"{ms:7.0f} ms  {page}")
    page, worst = max(medians.items(), key=lambda kv: kv[1])
    print(f"slowest: {page} {worst:.0f} ms after load; budget {BUDGET_MS} ms; "
          f"ratio {worst / BUDGET_MS:.2f} ({len(medians)} pages with charts, "
          f"median of {args.repeat} loads each, load {os.getloadavg()[0]:.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
