"""`inbeeld demo generate`: a thin click wrapper over `synthetic.generate` (the `demo` group that runs
the whole job on it lives in `pipelines.commands`; cli.PARTS puts this command into that group)."""

from __future__ import annotations

from datetime import date, datetime

import click

from rules.dates import format_nl
from synthetic.defaults import DEMO_GEMEENTE, DEMO_WEEKS
from synthetic.generator import DEFAULT_START, generate, normalise_gemeenten
from synthetic.summary import summarise


def _monday(ctx: click.Context, param: click.Parameter, value: str | None) -> date:
    if value is None:
        return DEFAULT_START
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is geen datum jjjj-mm-dd") from None
    if day.weekday() != 0:
        raise click.BadParameter(f"{format_nl(day)} is geen maandag; peildatums zijn maandagen")
    return day


def _gemeenten(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    try:
        return normalise_gemeenten(value or (DEMO_GEMEENTE,))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _run(out: str, persons: int, seed: int, gemeenten: tuple[str, ...], weeks: int, start: date,
         workers: int | None) -> None:
    try:
        manifest = generate(out, persons, seed, gemeenten, weeks=weeks, start=start, workers=workers)
    except (ValueError, FileExistsError) as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(summarise(manifest))


@click.command("generate")
@click.option("--out", type=click.Path(file_okay=False), required=True, help="Folder to write into.")
@click.option("--persons", type=click.IntRange(min=1), required=True,
              help="Young people aged 0 up to the RMC age, 0-27 since 2026 (their parents come on top).")
@click.option("--seed", type=int, required=True, help="Same seed and options, same bytes.")
@click.option("--gemeente", "gemeenten", multiple=True, callback=_gemeenten,
              help="Gemeentecode served (repeat for a region). Default 0363.")
@click.option("--weeks", type=click.IntRange(min=1), default=DEMO_WEEKS, show_default=True,
              help="Number of weekly peildatums.")
@click.option("--start", callback=_monday, default=None,
              help=f"First peildatum, a Monday (jjjj-mm-dd). Default {DEFAULT_START.isoformat()}.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: up to 4 CPUs). Does not change the output.")
def generate_command(out: str, persons: int, seed: int, gemeenten: tuple[str, ...], weeks: int, start: date,
                     workers: int | None) -> None:
    """Write a synthetic municipality: per weekly peildatum the BRP in three formats, the DUO C- or
    P-levering and monthly A-reports, verzuimmeldingen, vrijstellingen and the expected signals
    (truth), plus manifest.json with every file's sha256."""
    _run(out, persons, seed, gemeenten, weeks, start, workers)
