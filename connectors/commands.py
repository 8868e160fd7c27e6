"""`inbeeld import …` and `inbeeld quarantine …`: thin click wrappers over the import registry
(`connectors.deliveries`) and `connectors.staging`.

Other readers add their subcommands to `import_group` (`inbeeld import duo`, `verzuim`,
`vrijstellingen`). Exit status: 0 loaded (or the same file again: nothing to do), 1 refused
input (the message names the file, the line or record and the field; staging is unchanged).
Nothing here prints or logs a BSN or a name; `quarantine list` shows the delivered values on
request of the user, to stdout only, its CSV through the one spreadsheet writer (the command line
is the top layer: cli.py assembles it and nothing imports it).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from connectors.brp import FORMATS
from connectors.brp_schema import DUPLICATE_POLICIES
from connectors.deliveries import load
from connectors.errors import RefusedFile, StagingLocked, refusal_lines
from connectors.progress import file_progress
from connectors.staging import ImportResult, Staging
from inbeeld.acting_user import act_as, by_option
from inbeeld.getallen import getal
from inbeeld.output import emit, output_options
from inbeeld.settings import Settings, load_settings

log = logging.getLogger(__name__)


def _settings(ctx: click.Context) -> Settings:
    obj = ctx.find_object(Settings)
    return obj if obj is not None else load_settings()


def refuse(ctx: click.Context, exc: Exception) -> None:
    """Report a refused file (exit 1): the message has file, line/record and field, no personal data."""
    log.info("import refused: %s", exc)
    click.echo(refusal_lines(exc), err=True)
    ctx.exit(1)


def print_result(result: ImportResult) -> None:
    """The summary an application manager reads in the cron mail (in Dutch; the log line stays)."""
    if result.status == "duplicate":
        click.echo(f"{result.file_name}: dezelfde inhoud als import {result.duplicate_of}, al ingelezen; "
                   "er is niets veranderd.")
        return
    click.echo(f"{result.file_name}: ingelezen als import {result.import_id}"
               + (" (met --force, ondanks de daling in ingezetenen)" if result.forced else ""))
    kept = result.details.get("kept_with_faults", 0)
    hint = (f" (inbeeld quarantine list --import {result.import_id})"
            if result.rows_quarantined or kept else "")
    click.echo(f"  regels: {getal(result.rows_read)} gelezen, {getal(result.rows_loaded)} ingelezen, "
               f"{getal(result.rows_quarantined)} in quarantaine{hint}")
    if kept:
        click.echo(f"  ingelezen met een fout veld leeg gelaten: {getal(kept)}, van wie "
                   f"{getal(result.details.get('onvolledig', 0))} zonder een gegeven dat de wet nodig heeft "
                   "(signaal ONVOLLEDIGE_PERSOONSLIJST)")
    if "history_rows" in result.details:
        click.echo(f"  historische regels: {getal(result.details['history_rows'])} "
                   "(bewaard in brp_historie, niet als personen geteld)")
    if result.population is not None:
        previous = (f" (vorige levering: {getal(result.previous_population)}, import "
                    f"{result.previous_import_id})" if result.previous_population is not None else "")
        click.echo(f"  ingezetenen van de bediende gemeenten: {getal(result.population)}{previous}")
    summary = result.summary
    if summary and not summary.get("eerste_levering"):
        click.echo(f"  veranderd sinds import {summary['vorige_import']}: nieuw {getal(summary['nieuw'])}, "
                   f"vertrokken {getal(summary['vertrokken'])}, "
                   f"ander adres {getal(summary['adres_gewijzigd'])}")
    elif summary:
        click.echo("  eerste BRP-levering: niets om mee te vergelijken")
    log.info("import %s: %s read=%s loaded=%s quarantined=%s", result.import_id, result.file_name,
             result.rows_read, result.rows_loaded, result.rows_quarantined)


@click.group(name="import")
def import_group() -> None:
    """Load a delivery into staging: one transaction per file, all of it or nothing.

    The same file twice is a no-op. Exit status 1 when the file is refused (the message names the
    file, the line or record and the field); staging is then unchanged.
    """


@import_group.command("brp")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
              help="Delivery format; auto decides by content (JSON, XML, LO3 CSV header).")
@click.option("--force", is_flag=True,
              help="Load even when the delivery has more than 10 % fewer residents than the previous one.")
@click.option("--encoding", type=click.Choice(["utf-8", "cp1252"]), default=None,
              help="Declare the encoding (default: UTF-8, cp1252 when detected).")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A mapping file (.toml) for another supplier's layout (see connectors/mappings/).")
@click.option("--duplicates", type=click.Choice(DUPLICATE_POLICIES), default="refuse", show_default=True,
              help="A BSN on two persoonslijsten: refuse the file, or quarantine those persoonslijsten "
                   "(test sets, selecties across gemeenten).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar for large files (default: when stderr is a terminal).")
@click.pass_context
def import_brp_command(ctx: click.Context, file: Path, fmt: str, force: bool, encoding: str | None,
                       mapping: Path | None, duplicates: str, progress: bool | None) -> None:
    """Load a BRP delivery: Haal Centraal JSON, LO3-element CSV or StUF-BG npsLa01 XML."""
    settings = _settings(ctx)
    show = sys.stderr.isatty() if progress is None else progress
    try:
        with Staging(settings.staging_path, gemeenten=settings.gemeenten) as staging, \
                file_progress(file, show, con=staging.con):
            result = load(staging, file, "brp", fmt=fmt, force=force, encoding=encoding, mapping=mapping,
                          duplicates=duplicates)
    except (RefusedFile, StagingLocked) as exc:
        refuse(ctx, exc)
        return
    print_result(result)


def _audit_quarantine_read(settings: Settings, import_id: int | None, shown: int) -> None:
    """Quarantined values are raw delivered data (numbers, names): showing them is audited like any
    list of persons' data, under the user's login, one entry per listing (the values carry no
    reliable person number)."""
    from registers.audit import AuditEvent, trail
    from registers.errors import Refused
    from registers.gebruikers import open_registers_as
    from registers.meldingen import nederlands

    try:
        sessions = open_registers_as(settings.register_url, settings.data_dir, settings.gebruiker)
    except ValueError as exc:  # Refused too: no named user
        raise click.ClickException(nederlands(exc)) from None
    try:
        with sessions() as session:
            trail(session).record(session, AuditEvent("quarantine.listed", None, "quarantine", import_id,
                                                      f"rows={shown}"))
            session.commit()
    except Refused as exc:
        raise click.ClickException(nederlands(exc)) from None
    finally:
        sessions.kw["bind"].dispose()


@click.group(name="quarantine")
def quarantine_group() -> None:
    """Rows kept out of staging because of a row-level fault, with file, line, field and reason."""


@quarantine_group.command("list")
@click.option("--import", "import_id", type=int, default=None, help="Only this import (see `imports`).")
@by_option("reading")
@output_options
@click.pass_context
def quarantine_list_command(ctx: click.Context, import_id: int | None, by: str | None, fmt: str) -> None:
    """List quarantined rows: import, file, line (JSON: record), field, value, reason."""
    ctx.obj = _settings(ctx)
    settings = act_as(ctx, by)
    path = settings.staging_path
    rows: list[dict] = []
    if path.exists():
        try:
            with Staging(path, read_only=True) as staging:
                rows = staging.quarantine(import_id)
        except StagingLocked as exc:
            refuse(ctx, exc)
            return
    columns = ["import_id", "file", "line", "field", "value", "reason"]
    _audit_quarantine_read(settings, import_id, len(rows))
    empty = "Geen waarden in quarantaine" + (f" voor import {import_id}." if import_id is not None else ".")
    emit(rows, columns, fmt, empty=empty, width=60, noun="in quarantaine")

