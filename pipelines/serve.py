"""`inbeeld serve`: run the flows on their schedules until stopped.

With `PREFECT_API_URL` set, the deployments are served against that server (shared, PostgreSQL).
Without it a local server is started in the data directory, supervised, and stopped on exit: one
command is enough for a single municipality on one machine.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipelines.catalog import Catalog
from pipelines.local_server import LocalPrefectServer
from settings import Settings

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

log = logging.getLogger(__name__)


def serve_deployments(
    settings: Settings,
    deployments: Sequence[RunnerDeployment] | None = None,
    api_url: str | None = None,
    server_port: int | None = None,
    server_env: dict[str, str] | None = None,
) -> None:
    """Serve `deployments` (default: every InBeeld flow) until interrupted."""
    from prefect import serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from pipelines.deployments import build_deployments

    api_url = api_url or os.environ.get("PREFECT_API_URL")
    if api_url:
        with temporary_settings({PREFECT_API_URL: api_url}):
            serve(*(deployments or build_deployments(settings)))
        return
    home = Catalog.load(settings).folder("prefect_home")
    with LocalPrefectServer(home, port=server_port, extra_env=server_env) as server:
        # Flow runs are child processes of the runner: they find the server through the environment.
        os.environ["PREFECT_API_URL"] = server.api_url
        try:
            with temporary_settings({PREFECT_API_URL: server.api_url}):
                serve(*(deployments or build_deployments(settings)))
        finally:
            os.environ.pop("PREFECT_API_URL", None)
