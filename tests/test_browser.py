"""Every built page of every language in headless Chromium with the network blocked: charts and
widgets render, no request leaves the machine, the console stays free of errors, and axe-core
finds no serious or critical accessibility violation. (How fast charts draw is measured by
`benchmarks/chart_render.py`, against its 2 s budget.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from daas.core import chromium
from daas.core.city import EXAMPLE_CITIES, load_city
from tests.site_pages import (
    ensure_built_site,
    language_pages,
    serve,
    site_languages,
)

CHROMIUM = str(chromium.CHROMIUM)
ARGS = [*chromium.QUIET, chromium.offline(loopback=True)]
RENDER_TIMEOUT_MS = 10_000  # a chart not drawn by then is broken, not slow
NAVIGATION_TIMEOUT_MS = 120_000
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PAGE_BUDGET = 1.5 * 1024 * 1024  # bytes fetched on a cold load, beyond the shared bundles
SHARED_BUNDLES = ("/_static/vendor/vega-offline.js", "/_static/vendor/widgets/embed.js")
WEIGHTS: dict[str, tuple[int, int]] = {}  # page: (bytes beyond the shared bundles, all bytes)
WEIGHT_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const all = [nav, ...performance.getEntriesByType('resource')];
  const size = e => e.decodedBodySize || e.encodedBodySize || 0;
  const shared = SHARED;
  const own = all.filter(e => !shared.some(s => new URL(e.name).pathname.endsWith(s)));
  return [own.reduce((t, e) => t + size(e), 0), all.reduce((t, e) => t + size(e), 0)];
}""".replace("SHARED", str(list(SHARED_BUNDLES)))

pytestmark = pytest.mark.browser

# Colour contrast, axe's slowest rule (a third of a page's test), is checked on the first
# language's pages: the others share its stylesheets, templates and charts; every other rule runs
# on every page of every language.
AXE_RUN = """async (contrast) => {
  const rules = contrast ? {} : {'color-contrast': {enabled: false}};
  const r = await axe.run(document, {resultTypes: ['violations'], rules});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id}: `
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


@pytest.fixture(scope="module", autouse=True)
def weight_report() -> Iterator[None]:
    """After the page tests: print the heaviest page."""
    yield
    if WEIGHTS:
        page, (own, total) = max(WEIGHTS.items(), key=lambda kv: kv[1][0])
        print(f"\nheaviest page (fetched by the browser): {page} {own / 2**20:.2f} MB beyond the "
              f"shared bundles, {total / 2**20:.2f} MB in all; {len(WEIGHTS)} pages")  # fmt: skip


@pytest.fixture(scope="session")
def built_site() -> Path:
    return ensure_built_site()


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(browser: Browser) -> Iterator[BrowserContext]:
    """One browser context for the page tests of a worker: each test opens its own page in it
    (a context per page cost a quarter of a second, and its cold cache a fresh download of the
    shared bundles; the weight measured below counts cached files all the same)."""
    ctx = new_context(browser)
    yield ctx
    ctx.close()


# Every control a chart binds (Vega-Lite parameters: no kernel) is tried at its other values
# (each choice of a list; each step of a slider; the farthest from the start first) from the
# chart's starting position, until the chart changes; then put back. Returns how many controls
# there were and the names of those that changed nothing at any value.
MOVE_CONTROLS = """async () => {
  const still = []; let n = 0;
  const settle = async (chart, until, tries = 100) => {
    for (let i = 0; i < tries; i++) {
      await new Promise(r => setTimeout(r, 20));
      if (until(chart.querySelector('svg').outerHTML)) return true;
    }
    return false;
  };
  const set = (input, value) => {
    input.value = value;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new Event('change', {bubbles: true}));
  };
  for (const chart of document.querySelectorAll('div[id^="altair-viz"]')) {
    for (const input of chart.querySelectorAll('.vega-bindings input, .vega-bindings select')) {
      n += 1;
      const start = input.value;
      const before = chart.querySelector('svg').outerHTML;
      const values = input.tagName === 'SELECT'
        ? [...input.options].map(o => o.value)
        : Array.from({length: Math.round((+input.max - +input.min) / (+input.step || 1)) + 1},
                     (_, k) => String(+input.min + k * (+input.step || 1)));
      // the farthest value first (the likeliest to change the chart), then the others in order;
      // a value that changes nothing is given half a second (a redraw takes milliseconds), the
      // last one the full two
      const at = values.indexOf(start);
      const far = values[at < values.length / 2 ? values.length - 1 : 0];
      const order = [far, ...values.filter(v => v !== far && v !== start)];
      let changed = false;
      for (const [k, value] of order.entries()) {
        set(input, value);
        const tries = k === order.length - 1 ? 100 : 25;
        if (await settle(chart, drawn => drawn !== before, tries)) { changed = true; break; }
      }
      set(input, start);
      await settle(chart, drawn => drawn === before);
      const name = input.closest('label')?.querySelector('.vega-bind-name')?.textContent;
      if (!changed) still.push(name || input.outerHTML);
    }
  }
  return [n, still];
}"""


def _recipe(lang: str) -> str:
    """The Beacon recipe of the example city a language's site shows."""
    return load_city(EXAMPLE_CITIES[lang]).beacon_recipe()


def _is_local(url: str, base_url: str) -> bool:
    return url.startswith((base_url, "data:", "blob:", "about:"))


def launch(p) -> Browser:
    """Debian's Chromium, headless, with the flags that keep it off the network: no host name
    resolves but the loopback's, so a page's request for a remote file fails at once (and the
    page's listeners below record it)."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make test` to install it"
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def new_context(browser: Browser, locale: str = "en-US") -> BrowserContext:
    ctx = browser.new_context(locale=locale)
    # a page that has not loaded in 30 s (Playwright's default) may be slow, not broken, on a
    # machine under heavy load: a run beside CPU burners once took longer; a hang still fails
    # at the test's timeout
    ctx.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return ctx


def watched_page(ctx: BrowserContext, base_url: str) -> tuple[Page, list[str], list[str]]:
    """A new page and what it does wrong: every request that leaves the machine (listened to,
    not intercepted, so a page's own files load at full speed) and every console error, page
    error and HTTP error."""
    remote: list[str] = []
    errors: list[str] = []
    pg = ctx.new_page()
    pg.on("request", lambda r: None if _is_local(r.url, base_url) else remote.append(r.url))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    pg.on(
        "response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None
    )
    return pg, remote, errors


def charts_render_ms(pg: Page) -> tuple[int, float]:
    """How many charts the page has, and ms from the load event until all are drawn."""
    n = pg.evaluate("document.querySelectorAll('div[id^=\"altair-viz\"]').length")
    if not n:
        return 0, 0.0
    pg.wait_for_function(
        """() => [...document.querySelectorAll('div[id^="altair-viz"]')]
               .every(d => d.querySelector('svg, canvas'))""",
        timeout=RENDER_TIMEOUT_MS,
        polling=20,
    )
    ms = pg.evaluate(
        "performance.now() - performance.getEntriesByType('navigation')[0].loadEventEnd"
    )
    return n, max(ms, 0.0)


@pytest.mark.parametrize(("lang", "page"), language_pages())
def test_page_renders_offline_and_accessibly(
    pages: BrowserContext, base_url: str, lang: str, page: str
) -> None:
    pg, blocked, errors = watched_page(pages, base_url)
    pg.goto(f"{base_url}{lang}/{page}", wait_until="load")
    if page == "index.html":  # the language's root sends readers on to the book's first page
        pg.wait_for_url(f"**/{lang}/book/index.html")
        pg.wait_for_load_state("load")
    n_charts, _ = charts_render_ms(pg)  # raises when a chart is not drawn
    if n_charts:
        labels = pg.evaluate("""() => [...document.querySelectorAll('div[id^="altair-viz"]')]
            .map(d => (d.querySelector('[aria-label]') || d).getAttribute('aria-label'))""")
        assert all(labels), f"a chart has no text alternative: {labels}"
    n_views = pg.evaluate(
        "document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-view+json\"]')"
        ".length"
    )
    if n_views:
        pg.wait_for_selector(".jupyter-widgets", timeout=RENDER_TIMEOUT_MS)
    n_controls, still = pg.evaluate(MOVE_CONTROLS) if n_charts else (0, [])
    assert pg.evaluate("document.documentElement.lang") == lang
    own, total = pg.evaluate(WEIGHT_JS)
    WEIGHTS[f"{lang}/{page}"] = (own, total)
    pg.add_script_tag(path=str(AXE))  # injected from disk: no request leaves the machine
    violations = pg.evaluate(AXE_RUN, lang == site_languages()[0])
    pg.close()
    assert blocked == []
    assert errors == []
    assert violations == [], f"{lang}/{page}: " + "\n".join(violations)
    assert own <= PAGE_BUDGET, f"{lang}/{page} fetched {own / 2**20:.2f} MB beyond the bundles"
    assert still == [], f"{lang}/{page}: these controls change nothing: {still}"
    if page == "book/city-profile.html":
        assert n_charts >= 1 and n_controls >= 1, "the example page lost its chart or control"
    if page == "book/beacon/resident.html" and _recipe(lang) == "housing":
        assert n_controls >= 3, "the eligibility calculator lost its controls"


@pytest.mark.parametrize("locale", ["es-MX", "pt-BR", "en-GB", "fr-FR"])
def test_root_page_picks_the_browser_language(browser: Browser, base_url: str, locale: str) -> None:
    built = site_languages()
    want = locale[:2] if locale[:2] in built else built[0]
    ctx = new_context(browser, locale)
    pg, blocked, errors = watched_page(ctx, base_url)
    pg.goto(base_url, wait_until="load")
    pg.wait_for_url(f"**/{want}/book/index.html")
    pg.add_script_tag(path=str(AXE))
    ctx.close()
    assert blocked == [] and errors == []


def test_root_page_is_accessible_without_javascript(browser: Browser, base_url: str) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto(base_url, wait_until="load")
    links = pg.eval_on_selector_all("main a", "as => as.map(a => a.getAttribute('hreflang'))")
    assert links == site_languages()
    ctx.close()
