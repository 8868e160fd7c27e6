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
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from inbeeld.settings import DAGEN, Settings
from pipelines.catalog import Catalog
from pipelines.local_server import LocalPrefectServer
from rules.dates import format_nl

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
Echo = Callable[[str], None]


def say(line: str) -> None:
    """What serve tells the person (or journal) watching it: plain lines on stdout, at once, in Dutch."""
    print(line, flush=True)


def _when(moment: Any, seconds: bool = False) -> str:
    """`ma 7 december 2026 06:00`: a moment as serve's lines say it."""
    clock = f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"
    return f"{DAGEN[moment.weekday()]} {format_nl(moment.date())} {clock}"


async def next_run(schedule: Any) -> str:
    """When the server will next run a deployment schedule, computed as its scheduler does."""
    from prefect.server.schemas import schedules as server

    if getattr(schedule, "cron", None):
        zone = schedule.timezone or "UTC"
        [first] = await server.CronSchedule(cron=schedule.cron, timezone=zone).get_dates(n=1)
        return f"{_when(first.astimezone(ZoneInfo(zone)))} ({zone}; cron {schedule.cron})"
    if getattr(schedule, "interval", None):
        [first] = await server.IntervalSchedule(interval=schedule.interval).get_dates(n=1)
        return f"{_when(first.astimezone(), seconds=True)} (elke {schedule.interval})"
    return "zie de Prefect UI"


async def describe(deployments: Sequence[RunnerDeployment]) -> list[str]:
    """One line per deployment: its name and when it runs next (or that it is paused)."""
    lines = []
    for deployment in deployments:
        for entry in deployment.schedules or []:
            when = await next_run(entry.schedule) if entry.active else "gepauzeerd (active = false)"
            lines.append(f"  {deployment.name:<14} volgende run {when}")
        if not deployment.schedules:
            lines.append(f"  {deployment.name:<14} geen schema")
    return lines


async def serve_until_stopped(deployments: Sequence[RunnerDeployment],
                              shutdown_timeout: float = 30.0, echo: Echo = say) -> None:
    """Register the deployments with a Prefect runner and run it until SIGTERM or SIGINT."""
    from prefect.runner import Runner

    runner = Runner(pause_on_shutdown=True)
    for deployment in deployments:
        await runner.aadd_deployment(deployment)
    names = ", ".join(deployment.name for deployment in deployments)
    echo(f"Deployments in dienst: {len(deployments)}")
    for line in await describe(deployments):
        echo(line)
    echo("Stoppen met Ctrl-C of SIGTERM.")
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
        echo(f"Bezig met stoppen: geen nieuwe runs van {names}; lopende flow-runs worden geannuleerd "
             "(opnieuw starten kan veilig).")
        if runner.started:
            await runner.astop()
        await asyncio.wait_for(running, shutdown_timeout)
        echo(f"Gestopt met {names}; hun schema's staan op de server op pauze tot serve weer draait.")
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
    echo: Echo = say,
) -> None:
    """Serve `deployments` (default: every InBeeld flow) until SIGTERM or SIGINT, saying what it does."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from pipelines.deployments import build_deployments

    api_url = api_url or os.environ.get("PREFECT_API_URL")
    if api_url:
        echo(f"Prefect-server: {api_url} (UI: {api_url.removesuffix('/').removesuffix('/api')})")
        with temporary_settings({PREFECT_API_URL: api_url}):
            asyncio.run(serve_until_stopped(deployments or build_deployments(settings), echo=echo))
        return
    home = Catalog.load(settings).folder("prefect_home")
    # A SIGTERM while the server starts must still stop it: turn it into an exception until the
    # runner's own handling takes over.
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        server = LocalPrefectServer(home, port=server_port, extra_env=server_env)
        echo(f"De lokale Prefect-server start op http://{server.host}:{server.port} "
             f"(zijn log: {server.log_path}) ...")
        with server:
            echo(f"Prefect UI: http://{server.host}:{server.port} (klaar)")
            # Flow runs are child processes of the runner: they find the server through the environment.
            os.environ["PREFECT_API_URL"] = server.api_url
            try:
                with temporary_settings({PREFECT_API_URL: server.api_url}):
                    asyncio.run(serve_until_stopped(deployments or build_deployments(settings), echo=echo))
            finally:
                os.environ.pop("PREFECT_API_URL", None)
        echo("De lokale Prefect-server is gestopt.")
    except KeyboardInterrupt:
        echo("Gestopt voordat er iets draaide; de lokale Prefect-server is gestopt.")
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
