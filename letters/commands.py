"""`inbeeld letters run` and `inbeeld letters list`: the letter run and its log (docs/spec.md §5, §7).

Thin wrappers: open the register database and the staging file of the settings in `ctx.obj`, call
`letters.run.run_letters`, print what was written. No BSN is printed: the log names the subject
(`case:12`) and the addressee by role.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import duckdb
from sqlalchemy import select

from connectors.errors import StagingLocked
from inbeeld.acting_user import act_as, by_option
from inbeeld.getallen import getal
from inbeeld.output import emit, output_options
from inbeeld.settings import Settings
from letters.pdf import page_count
from letters.render import TemplateProblem
from letters.run import LetterRunBusy, run_letters
from letters.single import BY_HAND, CONCEPT, draft, store
from registers.audit import record_reads
from registers.codes import LETTER_KIND_ALIASES, LetterKind, LetterStatus
from registers.db import registers_of
from registers.errors import Refused
from registers.meldingen import nederlands
from registers.models import Letter
from rules.date_option import DATUM
from rules.dates import format_nl

LIST_COLUMNS = ("id", "datum", "kenmerk", "soort", "rang", "onderwerp", "geadresseerde", "status", "reden",
                "antwoord_voor", "run", "bestand")


def _sessions(settings: Settings):
    try:
        return registers_of(settings)
    except ValueError as exc:  # Refused too: no named user
        raise click.ClickException(nederlands(exc)) from None


@click.group("letters")
def letters_group() -> None:
    """Letters to parents and young people: the letter run and the letter log."""


@letters_group.command("run")
@click.option("--peildatum", type=DATUM, default=None,
              help="The letters' date; letters due on this day are written (default today).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder that receives one run folder per run (default: DATA_DIR/letters).")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF of the print file.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes rendering letters (default: the number of cores).")
@by_option("who runs it")
@click.pass_context
def run_command(ctx: click.Context, peildatum: date | None, out: Path | None, no_pdf: bool,
                workers: int | None, by: str | None) -> None:
    """Write every letter due: first letters for open cases, verzuimmeldingen and (in June)
    vrijstellingen to renew, and reminders once a reply deadline passed without a reply.

    Each letter is one .docx in a new run folder, plus one merged print file (a new page and
    section per letter) and its PDF when LibreOffice is installed. Every letter is recorded on its
    case and in the letter log; suppressed letters are recorded with their reason. Running again
    writes nothing twice, also after a run was killed halfway.
    """
    settings = act_as(ctx, by)
    peildatum = peildatum or date.today()
    out_dir = out or settings.data_dir / "letters"
    if not settings.staging_path.is_file():
        raise click.ClickException(f"er is nog niets ingelezen ({settings.staging_path} bestaat niet): "
                                   "lees eerst een BRP-levering in met `inbeeld import brp BESTAND`")
    try:
        config = settings.letters
    except ValueError as exc:
        raise click.ClickException(nederlands(exc)) from None
    sessions = _sessions(settings)
    try:
        result = run_letters(sessions, settings.staging_path, out_dir, peildatum,
                             gemeenten=settings.gemeenten, config=config, pdf=not no_pdf,
                             workers=workers, agenda=settings.agenda)
    except (LetterRunBusy, StagingLocked, Refused) as exc:
        raise click.ClickException(nederlands(exc)) from None
    except duckdb.CatalogException as exc:
        raise click.ClickException(f"er zijn nog geen BRP-personen in staging ({exc}); lees eerst een "
                                   "BRP-levering in met `inbeeld import brp BESTAND`") from None
    except TemplateProblem as exc:  # the office's own template (letters.template_dir)
        raise click.ClickException(f"een briefsjabloon is niet te gebruiken: {exc}. Herstel het sjabloon en "
                                   "draai `inbeeld letters run` opnieuw: de brieven blijven staan voor die "
                                   "run") from None
    finally:
        sessions.kw["bind"].dispose()
    if result.hersteld:
        click.echo(f"een onderbroken run is hersteld: brieven opnieuw gepland {getal(result.hersteld)}")
    if result.concepten_verwijderd:
        click.echo(f"nooit opgeslagen concepten ouder dan {config.concept_dagen} dagen verwijderd: "
                   f"{getal(result.concepten_verwijderd)}")
    click.echo(f"brieven op {format_nl(result.peildatum)}: eerste brieven {getal(result.brieven)}, "
               f"herinneringen {getal(result.herinneringen)}, nieuw onderdrukt {getal(result.onderdrukt)}")
    if result.run_dir is not None:
        click.echo(f"  run {result.run}: {result.run_dir} ({getal(len(result.files))} .docx)")
        for path in result.print_files:
            click.echo(f"  drukwerk: {path}")
        for path in result.pdf_files:
            click.echo(f"  pdf: {path} ({getal(page_count(path))} pagina's)")
    if result.pdf_problem:
        click.echo(f"  geen pdf: {result.pdf_problem}")


@letters_group.command("draft")
@click.argument("dossier_id", type=int)
@click.option("--reden", "reden_id", type=int, default=None,
              help="The reason (aanleiding) of the dossier the letter is about (default its leading one).")
@click.option("--template", "soort", type=click.Choice([*(s.value for s in BY_HAND), *LETTER_KIND_ALIASES]),
              default=None, help="The letter (default the one that fits the reason; refused when it does not "
                                 "fit; the old rmc_18_23 is accepted).")
@click.option("--datum", type=DATUM, default=None, help="The letter's date (default today).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the drafts (default: DATA_DIR/letters/concept).")
@by_option("who drafts it")
@click.pass_context
def draft_command(ctx: click.Context, dossier_id: int, reden_id: int | None, soort: str | None,
                  datum: date | None, out: Path | None, by: str | None) -> None:
    """A single letter on dossier DOSSIER_ID: one .docx per addressee, every field filled as the letter
    run fills it, to edit in Word. Nothing is recorded until `inbeeld letters store FILE`; a draft
    never stored is removed by the letter run after [letters] concept_dagen days."""
    settings = act_as(ctx, by)
    if not settings.staging_path.is_file():
        raise click.ClickException(f"er is nog niets ingelezen ({settings.staging_path} bestaat niet): "
                                   "lees eerst een BRP-levering in met `inbeeld import brp BESTAND`")
    sessions = _sessions(settings)
    try:
        drafts = draft(sessions, settings.staging_path, out or settings.data_dir / "letters" / CONCEPT,
                       dossier_id, LetterKind(soort) if soort else None, reden_id=reden_id,
                       datum=datum or date.today(), gemeenten=settings.gemeenten, config=settings.letters,
                       agenda=settings.agenda)
    except Refused as exc:
        raise click.ClickException(nederlands(exc)) from None
    finally:
        sessions.kw["bind"].dispose()
    for item in drafts:
        click.echo(f"concept {item.kenmerk} ({item.soort}, aanleiding {item.case_id}) aan "
                   f"{item.geadresseerde}: {item.path}")
    click.echo("Bewerk de brief in Word en sla hem op met: inbeeld letters store BESTAND")


@letters_group.command("store")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@by_option("who sends it")
@click.pass_context
def store_command(ctx: click.Context, path: Path, by: str | None) -> None:
    """Store an (edited) draft: in the letter log, as a step on its reason with the .docx attached,
    its file under letters/enkel/; the draft leaves letters/concept/."""
    settings = act_as(ctx, by)
    sessions = _sessions(settings)
    try:
        letter = store(sessions, path, settings.data_dir / "letters", settings.data_dir)
    except Refused as exc:
        raise click.ClickException(nederlands(exc)) from None
    finally:
        sessions.kw["bind"].dispose()
    click.echo(f"brief {letter.kenmerk} opgeslagen op aanleiding {letter.case_id} (aan "
               f"{letter.geadresseerde}): {settings.data_dir / 'letters' / letter.run / letter.bestand}")


@letters_group.command("list")
@click.option("--run", default=None, help="Only this run (as printed by `inbeeld letters run`).")
@click.option("--status", type=click.Choice([s.value for s in LetterStatus]), default=None,
              help="gepland, aangemaakt or onderdrukt.")
@click.option("--soort", type=click.Choice([*(s.value for s in LetterKind), *LETTER_KIND_ALIASES]),
              default=None, help="Kind of letter (the old rmc_18_23 is accepted).")
@click.option("--case", "case_id", type=int, default=None, help="Only the letters of this case.")
@by_option("reading")
@output_options
@click.pass_context
def list_command(ctx: click.Context, run: str | None, status: str | None, soort: str | None,
                 case_id: int | None, by: str | None, fmt: str) -> None:
    """The letter log: every letter written and every letter suppressed (with its reason), newest last."""
    sessions = _sessions(act_as(ctx, by))
    query = select(Letter).order_by(Letter.id)
    if run is not None:
        query = query.where(Letter.run == run)
    if status is not None:
        query = query.where(Letter.status == status)
    if soort is not None:
        query = query.where(Letter.soort == LetterKind(soort))
    if case_id is not None:
        query = query.where(Letter.case_id == case_id)
    try:
        with sessions() as session:  # the log names persons: showing it is audited, as every list
            letters = list(session.scalars(query))
            rows = [{column: getattr(letter, column) for column in LIST_COLUMNS} for letter in letters]
            record_reads(session, "letter.listed", "letters",
                         [(letter.id, letter.persoonsnummer) for letter in letters if letter.persoonsnummer])
            session.commit()
    finally:
        sessions.kw["bind"].dispose()
    emit(rows, LIST_COLUMNS, fmt)
