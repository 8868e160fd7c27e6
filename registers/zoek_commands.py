"""`inbeeld zoek TEKST` and `inbeeld persoon show NUMMER`: finding a person and reading their card.

Thin wrappers over `registers.zoeken` (a command module is the top layer: it names letters and cases
in the words of `registers.codes` and `reports.worklist`): staging opened read-only (absent: only the
registers answer), the register in the name of the acting user (`--by LOGIN`, `inbeeld --by` or
INBEELD_GEBRUIKER; refused without one), the reading audited there. A beleid user sees figures,
never persons, and is refused; an lpa or rmc user of some gemeenten finds only the persons of those gemeenten.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
import duckdb
from sqlalchemy.orm import Session

from connectors import brp_zoekindex
from connectors.errors import StagingLocked
from connectors.gemeenten import gemeente_label
from connectors.staging import Staging
from inbeeld.acting_user import act_as, by_option
from inbeeld.output import emit, output_options, printable
from inbeeld.settings import Settings
from registers.codes import REASON_LABELS, CaseStatus, LetterKind, Rol
from registers.command_session import register_session
from registers.errors import Refused
from registers.gebruikers import require_user
from registers.zoeken import Persoonskaart, persoonskaart, zoek
from rules.dates import format_nl

COLUMNS = ("persoonsnummer", "naam", "geboortedatum", "adres", "gemeente", "dossiers", "gevonden_op")


@contextmanager
def _staging(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection | None]:
    if not settings.staging_path.is_file():
        yield None
        return
    try:
        store = Staging(settings.staging_path, read_only=True).__enter__()
    except (duckdb.IOException, StagingLocked):
        raise click.ClickException("De leveringen worden op dit moment ingelezen; probeer het over een paar "
                                   "minuten opnieuw.") from None
    try:
        yield store.con
    finally:
        store.__exit__(None, None, None)


def _scope(ctx: click.Context, session: Session) -> tuple[str, ...] | None:
    """The gemeenten the acting user may see persons of (None: all); Refused for beleid."""
    user = require_user(session, ctx.obj.gebruiker)
    if user.rol is Rol.BELEID:
        raise Refused("de rol beleid ziet cijfers, geen personen")
    if user.rol in (Rol.LPA, Rol.RMC) and user.gemeenten:
        return tuple(user.gemeenten)
    return None


@click.command("zoek")
@click.argument("tekst", nargs=-1, required=True)
@by_option("reading")
@output_options
@click.pass_context
def zoek_command(ctx: click.Context, tekst: tuple[str, ...], by: str | None, fmt: str) -> None:
    """Find a person by name, BSN / onderwijsnummer, a letter's kenmerk or postcode + huisnummer.

    A name finds surnames starting with it, then full names containing every word (case and accents
    do not matter): `inbeeld zoek de vries`, `inbeeld zoek "1234 AB 12"`, `inbeeld zoek LP-…`.
    At most 50 persons; each person shown is written to the audit trail.
    """
    act_as(ctx, by)
    settings: Settings = ctx.obj
    with _staging(settings) as con, register_session(ctx) as session:
        scope = _scope(ctx, session)
        result = zoek(session, con, " ".join(tekst), gemeenten=scope)
        if con is None or brp_zoekindex.relation(con) is None:
            click.echo("Let op: nog geen BRP-levering ingelezen; alleen DUO en de registers zijn doorzocht.",
                       err=True)
        rows = [person.as_row(result.vraag.soort) for person in result.gevonden]
    if fmt == "table" and result.melding:
        click.echo(result.melding, err=bool(rows))
        if not rows:
            return
    emit(rows, COLUMNS, fmt, noun="gevonden")


@click.group("persoon")
def persoon() -> None:
    """A person's card: BRP, school history, dossiers, letters, meldingen, vrijstellingen."""


@persoon.command("show")
@click.argument("nummer")
@by_option("reading")
@click.pass_context
def persoon_show(ctx: click.Context, nummer: str, by: str | None) -> None:
    """Show what InBeeld knows of the person with BSN or onderwijsnummer NUMMER: name, birth date,
    address, parents and gezag (BRP), school history (DUO), dossiers, letters, verzuimmeldingen and
    vrijstellingen (registers). The reading is written to the audit trail."""
    act_as(ctx, by)
    settings: Settings = ctx.obj
    with _staging(settings) as con, register_session(ctx) as session:
        scope = _scope(ctx, session)
        kaart = persoonskaart(session, con, nummer, gemeenten=scope)
        lines = describe(kaart)
    click.echo("\n".join(printable(line) for line in lines))


def _datum(value) -> str:
    return format_nl(value) if value else "-"


def describe(kaart: Persoonskaart) -> list[str]:
    """The card as an LPA reads it, in Dutch: the person, the parents, school, then the records."""
    birth = kaart.geboortedatum.format_nl() if kaart.geboortedatum else "onbekend"
    if kaart.geboortedatum and kaart.geboortedatum.controle_nodig:
        birth += " (onvolledig: controleer de leeftijd)"
    lines = [f"{kaart.naam or '(naam onbekend)'} · {kaart.persoonsnummer}"]
    if kaart.onderwijsnummers:
        lines.append(f"Ook bekend als:   {', '.join(kaart.onderwijsnummers)} (DUO)")
    lines.append(f"Geboortedatum:    {birth}")
    if kaart.in_brp:
        onderzoek = " (in onderzoek)" if kaart.adres_in_onderzoek else ""
        lines += [f"Geslacht:         {kaart.geslacht}",
                  f"Adres:            {kaart.adres}{onderzoek}",
                  f"Gemeente:         {gemeente_label(kaart.gemeentecode) if kaart.gemeentecode else '-'}"]
        if kaart.overleden:
            lines.append(f"Overleden:        {format_nl(kaart.overleden)}")
        elif kaart.opschorting:
            lines.append(f"Opgeschort:       reden {kaart.opschorting}")
        if kaart.geheimhouding:
            lines.append("Let op:           geheimhouding van persoonsgegevens (BRP)")
        lines.append("Ouders:")
        for ouder in kaart.ouders:
            gezag = {True: ", heeft gezag", False: ", geen gezag", None: ""}[ouder.gezag]
            born = f", geboren {ouder.geboortedatum.format_nl()}" if ouder.geboortedatum else ""
            who = f"{ouder.naam or '(naam onbekend)'} ({ouder.persoonsnummer or 'geen BSN'})"
            lines.append(f"  {who}{born}{gezag}")
            if ouder.adres and ouder.adres != kaart.adres:
                lines.append(f"    woont op {ouder.adres}")
        if not kaart.ouders:
            lines.append("  geen ouders vermeld in de BRP")
        lines.append(f"Gezag:            {kaart.gezag}")
    else:
        lines.append("BRP:              niet in de nieuwste BRP-levering")
        if kaart.gemeentecode:
            lines.append(f"Gemeente:         {gemeente_label(kaart.gemeentecode)}")
    lines.append("Schoolgeschiedenis (DUO):")
    for school in kaart.inschrijvingen:
        period = f"{_datum(school.begin)} – {_datum(school.einde) if school.einde else 'heden'}"
        extra = ""
        if school.diploma:
            extra = f", diploma {format_nl(school.diploma)}"
            extra += " (startkwalificatie)" if school.startkwalificatie else ""
        lines.append(f"  {period}  {school.school} {school.onderwijs}{extra}".rstrip())
    if not kaart.inschrijvingen:
        lines.append("  geen inschrijving bekend")
    lines.append("Dossiers:")
    for case in kaart.zaken:
        state = "open" if case.status is CaseStatus.OPEN else f"gesloten {_datum(case.closed_on)}"
        reasons = [r for r in case.reasons
                   if r.status is CaseStatus.OPEN or case.status is not CaseStatus.OPEN]
        soort = ", ".join(REASON_LABELS.get(r.signal.value, r.signal.value) for r in reasons)
        lines.append(f"  {case.id}  {soort}, geopend {format_nl(case.opened_on)}, {state}"
                     f" ({case.assigned_to or 'niet toegewezen'})")
    if not kaart.zaken:
        lines.append("  geen")
    lines.append("Brieven:")
    for letter in kaart.brieven:
        soort = LetterKind(letter.soort.value).omschrijving + (" (herinnering)" if letter.rang > 1 else "")
        if letter.status.value == "onderdrukt":
            soort += f", niet verstuurd: {letter.reden.value if letter.reden else 'onbekend'}"
        elif letter.status.value == "gepland":
            soort += ", gepland"
        lines.append(f"  {format_nl(letter.datum)}  {letter.kenmerk or '-'}  {soort}, "
                     f"aan {letter.geadresseerde}")
    if not kaart.brieven:
        lines.append("  geen")
    lines.append("Verzuimmeldingen:")
    for melding in kaart.meldingen:
        lines.append(f"  {format_nl(melding.begindatum)}  {melding.meldingsnummer}  {melding.soort.value}  "
                     f"{kaart.school(melding.brin)}  {melding.status.label}")
    if not kaart.meldingen:
        lines.append("  geen")
    lines.append("Vrijstellingen:")
    for entry in kaart.vrijstellingen:
        until = format_nl(entry.einddatum) if entry.einddatum else "open einde"
        lines.append(f"  {entry.id}  {entry.grond.value} ({entry.grond.artikel})  "
                     f"{format_nl(entry.begindatum)} – {until}")
    if not kaart.vrijstellingen:
        lines.append("  geen")
    return lines
