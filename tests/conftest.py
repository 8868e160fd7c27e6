"""Fixtures shared by every test folder: the one Prefect test harness of a session (per worker)."""

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
