"""`inbeeld serve` and `inbeeld run`: the flows on their schedules, or one flow once.

Prefect is imported inside the commands: `PREFECT_HOME` must point into the data directory before
Prefect reads its settings, and `inbeeld --help` should not pay for the import.
"""

from __future__ import annotations

import atexit
import os
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click

from inbeeld.settings import Settings
from synthetic.defaults import DEMO_GEMEENTE, DEMO_PERSONS, DEMO_SEED, DEMO_WEEKS

FLOW_NAMES = ("weekly", "monthly", "daily", "verzuim-sync")


def _prepare_environment(settings: Settings) -> None:
    """Hand the CLI's settings to flow runs (they read the environment) and keep Prefect's files
    in the data directory rather than in ~/.prefect."""
    os.environ["INBEELD_DATA_DIR"] = str(settings.data_dir.resolve())
    if settings.db_url:
        os.environ["INBEELD_DB_URL"] = settings.db_url
    if settings.gemeenten:
        os.environ["INBEELD_GEMEENTEN"] = ",".join(settings.gemeenten)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # the temporary server of a run without PREFECT_API_URL starts slowly on a busy machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if "PREFECT_HOME" not in os.environ:
        os.environ["PREFECT_HOME"] = str((settings.data_dir / "prefect").resolve())
        if "prefect" in sys.modules:  # imported already: make it read the new environment
            from prefect.context import refresh_global_settings_context

            refresh_global_settings_context()
    from pipelines.local_server import at_exit

    # registered before Prefect starts its temporary server and threads, so it runs after Prefect's
    # own exit handlers (atexit runs last-registered first)
    atexit.register(at_exit, Path(os.environ["PREFECT_HOME"]))


@click.command("serve")
@click.option("--flow", "flows", multiple=True, type=click.Choice(FLOW_NAMES),
              help="Serve only this flow (repeatable). Default: all.")
@click.option("--api-url", default=None,
              help="Prefect server to use. Env: PREFECT_API_URL. Without it a local server is started "
                   "with its database in the data directory.")
@click.option("--port", type=int, default=4200, show_default=True,
              help="Port of the local Prefect server (its UI is at http://127.0.0.1:PORT).")
@click.pass_obj
def serve_command(settings: Settings, flows: tuple[str, ...], api_url: str | None, port: int) -> None:
    """Run the flows on their schedules (Prefect) until stopped.

    weekly Monday 06:00, monthly on the first working day 07:00, daily 02:00, the verzuim sync
    during office hours; all Europe/Amsterdam, changeable under [schedules.NAME] in inbeeld.toml.
    """
    settings.ensure_data_dir()
    click.echo(f"inbeeld serve: datamap {settings.data_dir.resolve()}, "
               f"flows {', '.join(flows or FLOW_NAMES)}; Prefect wordt geladen ...")
    _prepare_environment(settings)
    from pipelines.deployments import build_deployments
    from pipelines.serve import serve_deployments

    serve_deployments(settings, build_deployments(settings, list(flows) or None), api_url=api_url,
                      server_port=port, echo=lambda line: click.echo(line))


#: `inbeeld run`'s exit status (docs/running.md): cron mails on anything but 0.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3


def quiet_prefect(verbose: bool) -> None:
    """Prefect's own console lines only with --verbose; its log still reaches the Prefect server.

    Set before Prefect is imported (its logging is configured on import)."""
    if not verbose:
        os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "CRITICAL"
        os.environ["PREFECT_LOGGING_HANDLERS_DEBUG_LEVEL"] = "CRITICAL"


@click.command("run")
@click.argument("flow_name", metavar="FLOW", type=click.Choice(FLOW_NAMES))
@click.option("--peildatum", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Reference date (default: today, Europe/Amsterdam).")
@click.option("--inbox", type=click.Path(file_okay=False), default=None,
              help="Take deliveries from this folder instead of the catalog's inbox (weekly only).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when the run succeeds (for cron).")
@click.option("--verbose", "-v", is_flag=True, help="Also print Prefect's own log lines.")
@click.option("--strict", is_flag=True,
              help="weekly, monthly: fail (exit 1) instead of warning when the newest BRP or DUO delivery "
                   "is more than [freshness] max_days older than the peildatum.")
@click.pass_context
def run_command(ctx: click.Context, flow_name: str, peildatum: datetime | None, inbox: str | None,
                quiet: bool, verbose: bool, strict: bool) -> None:
    """Run one flow once (weekly, monthly, daily, verzuim-sync), with no server to manage.

    On success one summary line (counts only; none with --quiet); on failure one message naming what
    failed and what to do, on stderr. Exit status: 0 done, 1 the run failed or the weekly run
    completed with refusals (files set aside in `refused/`, each with its reason), 2 usage error,
    3 another run holds the lock (nothing was done; try again later).
    """
    settings: Settings = ctx.obj
    settings.ensure_data_dir()
    _prepare_environment(settings)
    quiet_prefect(verbose)
    from pipelines.deployments import FLOWS
    from pipelines.lock import RunLockHeld
    from pipelines.run_settings import run_catalog, summary_line

    day = peildatum.date() if peildatum else None
    arguments: dict[str, object] = {"data_dir": str(settings.data_dir.resolve())}
    if flow_name in ("weekly", "monthly", "daily"):
        arguments["peildatum"] = day
    if flow_name in ("weekly", "monthly"):
        arguments["strict"] = strict
    elif strict:
        raise click.UsageError("--strict geldt alleen voor de flows weekly en monthly")
    if flow_name == "weekly":
        arguments["inbox"] = str(inbox) if inbox else None
    elif inbox:
        raise click.UsageError("--inbox geldt alleen voor de flow weekly")
    try:
        counts = FLOWS[flow_name].flow()(**arguments)
    except RunLockHeld as exc:
        click.echo(f"Fout: inbeeld run {flow_name} is niet gestart, er is niets gedaan: {exc}", err=True)
        ctx.exit(EXIT_BUSY)
    except Exception as exc:  # the flow run's failure; Prefect's log of it has the traceback
        click.echo(f"Fout: inbeeld run {flow_name} is mislukt: {type(exc).__name__}: {exc}\n"
                   "Wat te doen: verhelp de oorzaak hierboven en start de run opnieuw (dat kan veilig: een "
                   "geweigerd bestand heeft niets veranderd). Meer details: dezelfde opdracht met --verbose, "
                   "het log van de run in de Prefect UI, `inbeeld doctor`.", err=True)
        ctx.exit(EXIT_FAILED)
    if not quiet:
        click.echo(summary_line(flow_name, counts))
    if counts.get("stale_deliveries"):  # not muted by --quiet: cron should mail it
        from pipelines.run_settings import today
        from pipelines.stores import COMPUTES, stale_deliveries

        warning = stale_deliveries(settings, day or today(), what=COMPUTES[flow_name])
        click.echo(warning or "Waarschuwing: de leveringen zijn oud.", err=True)
    if counts.get("files_refused"):
        click.echo(f"Fout: inbeeld run {flow_name} is klaar, met geweigerde bestanden: "
                   f"{counts['files_refused']} bestand(en) apart gezet in {run_catalog(settings).refused}, "
                   "elk met een .reden.txt die zegt waarom; verbeter ze en zet ze terug in de inbox.",
                   err=True)
        ctx.exit(EXIT_FAILED)


@click.group("demo", invoke_without_command=True)
@click.option("--out", type=click.Path(file_okay=False), default="inbeeld-demo", show_default=True,
              help="Folder for the generated deliveries, the data directory, letters and reports.")
@click.option("--persons", type=click.IntRange(min=1), default=DEMO_PERSONS, show_default=True,
              help="Young people aged 0 up to the RMC age (0-27 since 2026) in the municipality.")
@click.pass_context
def demo(ctx: click.Context, out: str, persons: int) -> None:
    """Generate a synthetic municipality and run the weekly job on it: four weekly runs (imports,
    signals, cases, letters) and a monthly run (work lists, VSV figures, KPIs), leaving the letters,
    lists and reports in --out."""
    if ctx.invoked_subcommand is not None:
        return
    from pipelines.demo import check_unused, describe, run_demo

    try:
        check_unused(Path(out))
    except FileExistsError as exc:
        raise click.UsageError(str(exc)) from None
    settings = replace(ctx.obj, data_dir=Path(out) / "inbeeld-data", gemeenten=(DEMO_GEMEENTE,))
    settings.ensure_data_dir()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # the demo prints its own progress
    _prepare_environment(settings)
    try:
        result = run_demo(Path(out), persons=persons, seed=DEMO_SEED, gemeente=DEMO_GEMEENTE,
                          weeks=DEMO_WEEKS, echo=click.echo)
    except RuntimeError as exc:
        if "ephemeral Prefect API server" not in str(exc):
            raise
        raise click.ClickException(
            f"{exc} De demo draait zijn flows op een tijdelijke Prefect-server, die niet binnen "
            f"{os.environ['PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS']} s antwoordde (een drukke "
            "machine). Start hem opnieuw met een nieuwe --out, met "
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=300, of tegen een draaiende server "
            "(PREFECT_API_URL; docs/running.md).") from None
    click.echo(describe(result))



@click.command("doctor")
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check the installation: settings, register database, staging, disk, LibreOffice, Chromium,
    Prefect, the verzuim certificate.

    One line per check: ok, warning or error, with what to do. Changes nothing. Exit status 1 when
    a check gives an error, 0 otherwise (warnings included).
    """
    from inbeeld.settings import DEFAULT_DATA_DIR
    from pipelines.doctor import diagnose

    error = ctx.meta.get("settings_error")
    settings: Settings = ctx.obj
    if settings is None:  # inbeeld.toml is broken: check the rest with options and environment only
        given = ctx.meta.get("settings_args", {})
        settings = Settings(
            data_dir=Path(given.get("data_dir") or os.environ.get("INBEELD_DATA_DIR") or DEFAULT_DATA_DIR),
            db_url=given.get("db_url") or os.environ.get("INBEELD_DB_URL"),
            gemeenten=tuple(code.strip().zfill(4) for code in
                            (given.get("gemeenten") or os.environ.get("INBEELD_GEMEENTEN") or "").split(",")
                            if code.strip()))
    findings = diagnose(settings, error)
    for finding in findings:
        click.echo(finding.line())
    if any(finding.level == "error" for finding in findings):
        ctx.exit(1)
