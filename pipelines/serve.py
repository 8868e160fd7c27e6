"""`inbeeld serve`: run the flows on their schedules until stopped.

With `PREFECT_API_URL` set, the deployments are served against that server (shared, PostgreSQL).
Without it a local server is started in the data directory, supervised, and stopped on exit: one
command is enough for a single municipality on one machine.

SIGTERM and SIGINT stop serving cleanly: the runner stops polling and cancels running flow runs
(each flow is safe to rerun), then the local server is stopped. Prefect's own SIGTERM handler
raises SystemExit wherever the main thread happens to be, which a task group can swallow (the
runner then keeps going); so these signals are handled in the event loop instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Sequence
from typing import TYPE_CHECKING

from inbeeld.settings import Settings
from pipelines.catalog import Catalog
from pipelines.local_server import LocalPrefectServer

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def serve_until_stopped(deployments: Sequence[RunnerDeployment],
                              shutdown_timeout: float = 30.0) -> None:
    """Register the deployments with a Prefect runner and run it until SIGTERM or SIGINT."""
    from prefect.runner import Runner

    runner = Runner(pause_on_shutdown=True)
    for deployment in deployments:
        await runner.aadd_deployment(deployment)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    running = asyncio.create_task(runner.start())
    await asyncio.sleep(0)  # runner.start() installs Prefect's SIGTERM handler first; ours replaces it
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    log.info("serving %s", ", ".join(deployment.name for deployment in deployments))
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if running.done():
            running.result()  # the runner ended by itself: surface why
            return
        log.info("stopping: no new flow runs; running ones are cancelled (a rerun is safe)")
        if runner.started:
            await runner.astop()
        await asyncio.wait_for(running, shutdown_timeout)
    finally:
        stopping.cancel()
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)


def serve_deployments(
    settings: Settings,
    deployments: Sequence[RunnerDeployment] | None = None,
    api_url: str | None = None,
    server_port: int | None = None,
    server_env: dict[str, str] | None = None,
) -> None:
    """Serve `deployments` (default: every InBeeld flow) until SIGTERM or SIGINT."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from pipelines.deployments import build_deployments

    api_url = api_url or os.environ.get("PREFECT_API_URL")
    if api_url:
        with temporary_settings({PREFECT_API_URL: api_url}):
            asyncio.run(serve_until_stopped(deployments or build_deployments(settings)))
        return
    home = Catalog.load(settings).folder("prefect_home")
    # A SIGTERM while the server starts must still stop it: turn it into an exception until the
    # runner's own handling takes over.
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        with LocalPrefectServer(home, port=server_port, extra_env=server_env) as server:
            # Flow runs are child processes of the runner: they find the server through the environment.
            os.environ["PREFECT_API_URL"] = server.api_url
            try:
                with temporary_settings({PREFECT_API_URL: server.api_url}):
                    asyncio.run(serve_until_stopped(deployments or build_deployments(settings)))
            finally:
                os.environ.pop("PREFECT_API_URL", None)
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
