"""How `make test` shares the tests between its two workers (`--dist loadgroup`).

Every test file runs on one worker, so module fixtures (a city pack, a built edition) are built
once and a notebook's cells stay together for nbval; the files named in SPREAD hold independent
tests with cheap fixtures, and their tests are shared out one by one so no worker waits while
the other renders every page of the site.
"""

from __future__ import annotations

import pytest

SPREAD = {"tests/test_browser.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group each test by its file, except in the files whose tests are shared out one by one."""
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path not in SPREAD:
            item.add_marker(pytest.mark.xdist_group(path))
