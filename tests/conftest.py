"""Shared by every test folder: the one Prefect test harness of a session (per worker), and the
order the tests run in (the slow modules first)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

# Before anything imports Prefect: its home in a temporary folder, no analytics, a patient start.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="inbeeld-prefect-home-"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[str]:
    """The one Prefect test harness (~14 s to start): only the end-to-end flow tests and the screen's
    page of flow runs use it. Defined here, once: a copy imported into a test module would be a
    second session fixture, and a second server.

    Yields its API URL, so a flow run in a child process (the crash tests) can use it too."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield str(PREFECT_API_URL.value())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules with a test marked `slow` run first, each module kept together (its module fixtures
    are made once): with `-n 2` the long flows start while the many short tests fill the gaps,
    instead of ending the run on one busy worker. This needs `--dist worksteal` (pyproject.toml):
    xdist's default scheduler hands its first worker the first quarter of the tests in one batch,
    every slow module, and the suite waited ~250 s for that worker after the other was done."""
    slow_modules = {item.module.__name__ for item in items
                    if item.get_closest_marker("slow") and getattr(item, "module", None)}
    order = {id(item): index for index, item in enumerate(items)}
    items.sort(key=lambda item: (getattr(getattr(item, "module", None), "__name__", "") not in slow_modules,
                                 order[id(item)]))
