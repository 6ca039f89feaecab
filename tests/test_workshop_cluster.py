"""Running packs beyond this process: a real Dask scheduler and worker on loopback, and
JupyterLab on a city's pack in headless Chromium."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from daas.cli import main
from tests.kit import copy_kit, http_ready, serve, stop
from tests.test_browser import ARGS, CHROMIUM

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.timeout(1200)


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = copy_kit(tmp_path_factory.mktemp("kit") / "kit")
    old = os.environ.get("DAAS_ROOT")
    os.environ["DAAS_ROOT"] = str(root)
    yield root
    if old is None:
        os.environ.pop("DAAS_ROOT", None)
    else:
        os.environ["DAAS_ROOT"] = old


def _accepts(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_two_cities_on_a_real_dask_cluster(kit: Path) -> None:
    env = {**os.environ, "DAAS_ROOT": str(kit)}

    def scheduler(port: int) -> list[str]:
        return [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                "--no-dashboard"]  # fmt: skip

    with serve(scheduler, _accepts, env) as server:
        address = f"tcp://127.0.0.1:{server.port}"
        worker = subprocess.Popen(
            [str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1",
             "--no-dashboard", "--host", "127.0.0.1"], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            from distributed import Client

            with Client(address, timeout="60s") as client:
                client.wait_for_workers(1, timeout=60)
            code = main(["workshop", "run", "--city", "port-mallory,vale-do-sereno", "--only",
                         "00-", "--scheduler", address, "--no-site", "--force"])  # fmt: skip
        finally:
            stop([worker])
    assert code == 0
    pids = set()
    for slug in ("port-mallory", "vale-do-sereno"):
        pack = kit / "_build" / "cities" / slug
        assert (pack / "notebooks" / "00-city-profile.ipynb").exists()
        results = json.loads((pack / "pack-results.json").read_text())
        assert {r["status"] for r in results} == {"ok"}
        pids |= {r["worker"].rsplit(":", 1)[1] for r in results}
    assert pids and str(os.getpid()) not in pids, "the notebooks did not run on the Dask worker"


# the run has started: a cell queued or running shows "[*]:" (the pack's stored prompts show
# numbers already), or the widget cell has run
_STARTED = """() => !!document.querySelector('.jp-Notebook .widget-slider')
  || [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')]
    .some(p => p.textContent.includes('[*]'))"""

# the slider, or the text of the first traceback if a cell failed first
_SLIDER_OR_ERROR = """() => {
  if (document.querySelector('.jp-Notebook .widget-slider')) return 'slider';
  const stderr = "[data-mime-type='application/vnd.jupyter.stderr']";
  const err = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output' + stderr)]
    .find(o => /Traceback|Error/.test(o.textContent));
  return err ? 'error: ' + err.textContent.slice(0, 2000) : null;
}"""


def run_all_cells(page: Page) -> None:
    """Run > Run All Cells, again if no cell started (a click can land while the menu bar is
    still being laid out)."""
    for _attempt in range(3):
        page.keyboard.press("Escape")
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
        try:
            page.wait_for_function(_STARTED, timeout=60_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("Run All Cells started no cell in three tries")


def wait_for_slider_or_error(page: Page) -> str:
    """'slider' once the widget cell has rendered; a cell's traceback if one failed first."""
    handle = page.wait_for_function(_SLIDER_OR_ERROR, timeout=300_000)
    return str(handle.json_value())


def test_lab_opens_a_city_pack_with_widgets(kit: Path) -> None:
    assert main(["workshop", "run", "--city", "port-mallory", "--only", "00-city",
                 "--no-site"]) == 0  # fmt: skip
    token = "daas-test-token"

    def lab(port: int) -> list[str]:
        return [str(BIN / "daas"), "lab", "--city", "port-mallory", "--no-browser", "--port",
                str(port), "--token", token]  # fmt: skip

    def ready(port: int) -> bool:
        return http_ready(f"http://127.0.0.1:{port}/api/status?token={token}")

    blocked: list[str] = []
    with serve(lab, ready, {**os.environ, "DAAS_ROOT": str(kit)}) as server:
        base = server.base
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base)
                       else (blocked.append(r.request.url), r.abort())[1])  # fmt: skip
            page.goto(f"{base}/lab/tree/notebooks/00-city-profile.ipynb?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
            heading = page.locator(".jp-RenderedMarkdown h1").first
            heading.wait_for(timeout=30_000)
            assert "Port Mallory at a glance" in heading.inner_text()
            # wait until the kernel is up and idle, then run every cell (minutes on a machine
            # under heavy load: a run beside CPU burners once needed more than two)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                   timeout=300_000)  # fmt: skip
            run_all_cells(page)
            assert wait_for_slider_or_error(page) == "slider"
            # charts render with the pack's vendored vega, not a CDN
            page.wait_for_selector(".jp-Notebook div[id^='altair-viz'] svg", timeout=120_000)
            browser.close()
    assert blocked == []
