"""Every built page in headless Chromium with the network blocked: charts and widgets render,
no request leaves the machine and the console stays free of errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route, sync_playwright

from tests.site_pages import expected_pages, serve

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RENDER_TIMEOUT_MS = 10_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make test` to install it"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _is_local(url: str, base_url: str) -> bool:
    return url.startswith((base_url, "data:", "blob:", "about:"))


@pytest.mark.parametrize("page", expected_pages())
def test_page_renders_offline(browser: Browser, base_url: str, page: str) -> None:
    blocked: list[str] = []
    errors: list[str] = []
    ctx = browser.new_context()

    def route(r: Route) -> None:
        if _is_local(r.request.url, base_url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("internetdisconnected")

    ctx.route("**/*", route)
    pg = ctx.new_page()
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    pg.on(
        "response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None
    )
    pg.goto(base_url + page, wait_until="load")
    if page == "index.html":  # the root page sends readers on to the book's first page
        pg.wait_for_url("**/book/index.html")
        pg.wait_for_load_state("load")
    n_charts = pg.evaluate("document.querySelectorAll('div[id^=\"altair-viz\"]').length")
    if n_charts:
        pg.wait_for_function(
            """() => [...document.querySelectorAll('div[id^="altair-viz"]')]
                   .every(d => d.querySelector('svg, canvas'))""",
            timeout=RENDER_TIMEOUT_MS,
        )
        labels = pg.evaluate("""() => [...document.querySelectorAll('div[id^="altair-viz"]')]
            .map(d => (d.querySelector('[aria-label]') || d).getAttribute('aria-label'))""")
        assert all(labels), f"a chart has no text alternative: {labels}"
    n_views = pg.evaluate(
        "document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-view+json\"]')"
        ".length"
    )
    if n_views:
        pg.wait_for_selector(".jupyter-widgets", timeout=RENDER_TIMEOUT_MS)
    pg.wait_for_timeout(300)
    ctx.close()
    assert blocked == []
    assert errors == []
    if page == "book/example-city.html":
        assert n_charts >= 1 and n_views >= 1, "the example page lost its chart or widget"
