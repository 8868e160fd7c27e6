"""`inbeeld cases …`, `inbeeld vrijstelling …`, `inbeeld verzuim …`: working the registers (docs/spec.md §7).

Thin wrappers over the plain functions in `registers/`: parse the options, open the register
database of the settings in `ctx.obj` (migrating it when it is behind), run one function in one
transaction, print (list commands through `inbeeld.output`). Like every `*/commands.py` this is
the command line, the top layer (cli.py assembles it, nothing imports it).
A refusal (`registers.errors.Refused`) rolls back and exits with status 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from connectors.gemeenten import gemeente_label
from inbeeld.acting_user import act_as, by_option
from inbeeld.getallen import getal
from inbeeld.output import emit, output_options, printable
from inbeeld.settings import SettingsError
from registers import dossiers as dossier_register
from registers import verzuim as verzuim_register
from registers import vrijstellingen as vrijstelling_register
from registers.audit import AuditEvent, record_reads, trail
from registers.codes import (
    REASON_LABELS,
    VERZUIMMELDING,
    CaseStatus,
    CloseReason,
    MeldingStatus,
    ReasonCode,
    RedenAfsluiting,
    Team,
    ToelichtingAfsluiting,
    VerzuimSoort,
    mid_sentence,
)
from registers.command_session import register_session
from registers.gebruikers import get_user
from registers.models import Dossier, Verzuimmelding, Vrijstelling
from rules.date_option import DATUM
from rules.dates import format_nl
from rules.signal_codes import COLUMNS as SIGNAL_COLUMNS
from rules.signal_codes import SIGNAL_ALIASES, SIGNALS


def _choices(enum: type, *, skip: Sequence[Any] = ()) -> click.Choice:
    return click.Choice([m.value for m in enum if m not in skip], case_sensitive=False)


class _CodeOrWord(click.Choice):
    """A code, or the Dutch word the lists show for it (`gesloten` for `closed`): what a user reads
    in a list works as a filter too. Gives the code."""

    def __init__(self, enum: type) -> None:
        codes = [m.value for m in enum]
        self.codes = {m.label.lower(): m.value for m in enum if m.label.lower() not in codes}
        super().__init__([*codes, *self.codes], case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        chosen = super().convert(value, param, ctx)
        return self.codes.get(str(chosen).lower(), chosen)


# The signal codes, and the codes of earlier releases a user may still type (SIGNAL_ALIASES).
SIGNAL_CHOICE = click.Choice([*SIGNALS, *SIGNAL_ALIASES], case_sensitive=False)
# A dossier's reasons: the signals and the verzuimmeldingen.
REASON_CHOICE = click.Choice([*SIGNALS, VERZUIMMELDING, *SIGNAL_ALIASES], case_sensitive=False)


# --- cases (dossiers) ------------------------------------------------------------------------------

CASE_COLUMNS = ("id", "persoonsnummer", "status", "team", "redenen", "thuiszitter", "gemeentecode",
                "opened_on", "assigned_to", "volgende_actie", "volgende_actie_datum", "closed_on",
                "close_reason")


def _next_actions(session: Session, ctx: click.Context, ids: Sequence[int] | None = None,
                  ) -> dict[int, tuple[str, date | None]]:
    """The next action of every open dossier (or of those of `ids`), as the work list computes it."""
    from reports import follow_up

    plan = follow_up.schedule(ctx.obj.reports.werklijst.vervolg)
    return {int(row["dossier_id"]): follow_up.next_action(
        row["soort"], row["stap"], row["stap_datum"], plan=plan,
        adres_in_onderzoek=row["adres_in_onderzoek"], controle_nodig=row["controle_nodig"],
        held_back=row["tegengehouden"], held_on=row["tegengehouden_datum"])
        for row in dossier_register.open_dossiers(session, ids)}


def _dossier_row(dossier: Dossier, next_actions: dict[int, tuple[str, date | None]]) -> dict[str, Any]:
    is_open = dossier.status == CaseStatus.OPEN
    reasons = [r for r in dossier.reasons if r.status == CaseStatus.OPEN or not is_open]
    action, due = next_actions.get(dossier.id, (None, None))
    return {"id": dossier.id, "persoonsnummer": dossier.persoonsnummer, "status": dossier.status,
            "team": dossier.team, "redenen": sorted({ReasonCode(r.signal) for r in reasons}),
            "thuiszitter": dossier.thuiszitter, "gemeentecode": dossier.gemeentecode,
            "opened_on": dossier.opened_on, "assigned_to": dossier.assigned_to, "volgende_actie": action,
            "volgende_actie_datum": due, "closed_on": dossier.closed_on, "close_reason": dossier.close_reason}


@click.group("cases")
def cases() -> None:
    """Dossiers: one per young person, with their reasons; list, show, record steps, assign, close."""


@cases.command("list")
@click.option("--status", type=_CodeOrWord(CaseStatus), default=None, help="open, or gesloten (closed).")
@click.option("--type", "signal", type=REASON_CHOICE, default=None,
              help="Holding this reason, e.g. ABSOLUUT_VERZUIM or VERZUIMMELDING "
                   "(the old GEEN_INSCHRIJVING_18_23 is accepted).")
@click.option("--assigned", default=None, help="Assigned to this person; '-' for unassigned dossiers.")
@by_option("reading")
@output_options
@click.pass_context
def cases_list(ctx: click.Context, status: str | None, signal: str | None, assigned: str | None,
               by: str | None, fmt: str) -> None:
    """List dossiers, oldest first: one row per dossier with its reasons and next action."""
    act_as(ctx, by)
    with register_session(ctx) as session:  # writes: showing persons' numbers is audited
        found = dossier_register.list_dossiers(session, status=status, signal=signal, assigned_to=assigned)
        record_reads(session, "dossier.listed", "dossiers", [(d.id, d.persoonsnummer) for d in found])
        next_actions = _next_actions(session, ctx) if any(d.status == CaseStatus.OPEN for d in found) else {}
        emit([_dossier_row(d, next_actions) for d in found], CASE_COLUMNS, fmt)


@cases.command("show")
@click.argument("dossier_id", type=int)
@by_option("reading")
@click.pass_context
def cases_show(ctx: click.Context, dossier_id: int, by: str | None) -> None:
    """Show one dossier: its reasons and its timeline (dates in Dutch)."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        dossier = dossier_register.read_dossier(session, dossier_id)
        is_open = dossier.status == CaseStatus.OPEN
        next_action = _next_actions(session, ctx, [dossier.id]).get(dossier.id) if is_open else None
        click.echo("\n".join(printable(line) for line in describe_dossier(dossier, next_action)))


def describe_dossier(dossier: Dossier, next_action: tuple[str, date | None] | None = None) -> list[str]:
    """The dossier as a leerplichtambtenaar reads it: facts first, the reasons, then the dated timeline."""
    state = "open" if dossier.status == CaseStatus.OPEN else "gesloten"
    team = "leerplicht" if dossier.team == Team.LPA else "RMC / Doorstroompunt"
    lines = [f"Dossier {dossier.id} · {state} · {team}" + (" · thuiszitter" if dossier.thuiszitter else ""),
             f"Persoonsnummer:   {dossier.persoonsnummer}",
             f"Gemeente:         {gemeente_label(dossier.gemeentecode)}",
             f"Geopend:          {format_nl(dossier.opened_on)}"]
    if dossier.closed_on:
        lines.append(f"Gesloten:         {format_nl(dossier.closed_on)}: {dossier.close_reason.label}")
    lines.append(f"Toegewezen aan:   {dossier.assigned_to or '-'}")
    if next_action:
        action, due = next_action
        lines.append(f"Volgende actie:   {action}" + (f", uiterlijk {format_nl(due)}" if due else ""))
    if any(r.adres_in_onderzoek and r.status == CaseStatus.OPEN for r in dossier.reasons):
        lines.append("Let op:           adres in onderzoek (BRP): geen brief tot het onderzoek is afgerond")
    if any(r.controle_nodig and r.status == CaseStatus.OPEN for r in dossier.reasons):
        lines.append("Let op:           handmatige controle nodig (geboortedatum of persoonslijst)")
    if dossier.legal_hold:
        lines.append("Bewaren:          juridische bewaarplicht (legal hold)")
    lines.append("Aanleidingen:")
    for reason in dossier.reasons:
        label = REASON_LABELS.get(reason.signal.value, reason.signal.value)
        if reason.melding is not None:
            label += f" {reason.melding.meldingsnummer} ({reason.melding.status.label.lower()})"
        since = f" sinds {format_nl(reason.sinds)}" if reason.sinds else ""
        end = (f", beëindigd {format_nl(reason.closed_on)}: {reason.close_reason.label}"
               if reason.closed_on else ", open")
        lines.append(f"  [{reason.id}] {label}{since}{end}")
    lines.append("Tijdlijn:")
    steps = dossier_register.timeline(dossier)
    dates = [format_nl(a.on_date) for a in steps]
    width = max([len(d) for d in dates] + [0])
    for action, when in zip(steps, dates, strict=True):
        about = mid_sentence(REASON_LABELS.get(action.case.signal.value, action.case.signal.value))
        line = f"  {when.ljust(width)}  {action.action.label:<17} {action.by} ({about})"
        lines.append(line + (f": {action.note}" if action.note else ""))
        lines += [f"  {' ' * width}  bijlage [{b.id}] {b.bestandsnaam} ({getal(b.grootte)} bytes)"
                  for b in action.bijlagen]
    return lines


@cases.command("act")
@click.argument("dossier_id", type=int)
@click.argument("action")
@click.option("--reden", "reason_id", type=int, default=None,
              help="The reason (its number in `cases show`) the step is about; default the leading one.")
@click.option("--date", "on", type=DATUM, default=None, help="Date of the action (default today).")
@by_option("who did it")
@click.option("--note", "--verslag", "note", default=None, help="Verslag (gespreksverslag) or note.")
@click.option("--bijlage", "attachments", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file to attach (repeatable); kept content-hashed in the data directory.")
@click.option("--reason", "close_reason", type=_choices(CloseReason), default=None,
              help="With close: why (default handmatig; a verzuimmelding: melding_afgesloten).")
@click.option("--reden-afsluiting", type=_choices(RedenAfsluiting), default=None,
              help="Closing a verzuimmelding reason: DUO's reden afsluiting.")
@click.option("--tegen", type=click.Choice(["ouders", "jongere"], case_sensitive=False), default=None,
              help="A proces-verbaal: against the parents (Lpw art. 22 lid 2) or the young person (lid 3).")
@click.pass_context
def cases_act(ctx: click.Context, dossier_id: int, action: str, reason_id: int | None, on: date | None,
              by: str | None, note: str | None, attachments: tuple[Path, ...], close_reason: str | None,
              reden_afsluiting: str | None, tegen: str | None) -> None:
    """Record ACTION in a dossier: letter, reply, huisbezoek, gesprek, waarschuwing, halt, proces-verbaal,
    doorverwijzing, overleg, onderzoek, beoordeeld, note or close. Close without --reden closes the
    whole dossier; with --reden only that reason (the dossier closes with its last reason). Halt and
    proces-verbaal are refused where the law does not allow them (docs/law.md), naming the article."""
    act_as(ctx, by)
    files = [(path.name, path.read_bytes()) for path in attachments]
    with register_session(ctx) as session:
        entry = dossier_register.record_action(
            session, dossier_id, action, reason_id=reason_id, on=on, note=note, close_reason=close_reason,
            reden_afsluiting=reden_afsluiting, attachments=files,
            attachment_dir=ctx.obj.ensure_data_dir() if files else None, tegen=tegen)
        extra = f" ({len(files)} bijlage{'n' if len(files) != 1 else ''})" if files else ""
        click.echo(f"Dossier {dossier_id}: {entry.action.label} op {format_nl(entry.on_date)} "
                   f"door {entry.by}{extra}")


@cases.command("bijlage")
@click.argument("bijlage_id", type=int)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the file.")
@by_option("reading")
@click.pass_context
def cases_bijlage(ctx: click.Context, bijlage_id: int, out: Path, by: str | None) -> None:
    """Write an attachment of a dossier to a file (checked against its hash; the reading is audited)."""
    from registers import bijlagen

    act_as(ctx, by)
    with register_session(ctx) as session:
        entry, content = bijlagen.read(session, bijlage_id, ctx.obj.data_dir)
        out.write_bytes(content)
        click.echo(f"Bijlage {entry.id} ({entry.bestandsnaam}) geschreven naar {out}")


@cases.command("assign")
@click.argument("dossier_id", type=int)
@click.argument("name")
@by_option("who assigns it")
@click.pass_context
def cases_assign(ctx: click.Context, dossier_id: int, name: str, by: str | None) -> None:
    """Assign a dossier to a leerplichtambtenaar or RMC counsellor ('-' to unassign)."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        dossier = dossier_register.assign(session, dossier_id, None if name == "-" else name)
        click.echo(f"Dossier {dossier.id}: toegewezen aan {dossier.assigned_to or '-'}")


@cases.command("hold")
@click.argument("dossier_id", type=int)
@click.option("--release", is_flag=True, help="Lift the legal hold.")
@by_option("who puts or lifts it")
@click.pass_context
def cases_hold(ctx: click.Context, dossier_id: int, release: bool, by: str | None) -> None:
    """Put a legal hold on a dossier (kept past its retention period), or lift it with --release."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        dossier = dossier_register.set_legal_hold(session, dossier_id, not release)
        click.echo(f"Dossier {dossier.id}: legal hold {'aan' if dossier.legal_hold else 'uit'}")


# --- vrijstellingen --------------------------------------------------------------------------------

VRIJSTELLING_COLUMNS = ("id", "persoonsnummer", "grond", "artikel", "begindatum", "einddatum",
                        "verklaring_datum", "nooit_geschikt", "verlengen_voor")


def _vrijstelling_row(entry: Vrijstelling, today: date) -> dict[str, Any]:
    return {"id": entry.id, "persoonsnummer": entry.persoonsnummer, "grond": entry.grond,
            "artikel": entry.grond.artikel, "begindatum": entry.begindatum, "einddatum": entry.einddatum,
            "verklaring_datum": entry.verklaring_datum, "nooit_geschikt": entry.nooit_geschikt,
            "verlengen_voor": vrijstelling_register.renewal_due(entry, today)}


@click.group("vrijstelling")
def vrijstelling() -> None:
    """Vrijstellingen: add, end, list and import exemptions (grounds of docs/spec.md §4.4)."""


@vrijstelling.command("add")
@click.argument("persoonsnummer")
@click.option("--grond", required=True, help="LPW_5_A, LPW_5_B, LPW_5_C, LPW_5A, LPW_3A, LPW_3B or LPW_15.")
@click.option("--begin", "begindatum", type=DATUM, required=True)
@click.option("--eind", "einddatum", type=DATUM, default=None, help="Empty: open-ended.")
@click.option("--verklaring-datum", type=DATUM, default=None,
              help="Date of the statement: doctor/psychologist (LPW_5_A, art. 7) or foreign school "
                   "(LPW_5_C, art. 9).")
@click.option("--nooit-geschikt", is_flag=True, help="LPW_5_A: will never be fit (no yearly renewal).")
@click.option("--toelichting", default=None)
@by_option("who registers it")
@click.pass_context
def vrijstelling_add(ctx: click.Context, persoonsnummer: str, grond: str, begindatum: date,
                     einddatum: date | None, verklaring_datum: date | None, nooit_geschikt: bool,
                     toelichting: str | None, by: str | None) -> None:
    """Register a vrijstelling for PERSOONSNUMMER; refused when the law does not allow the ground for
    the person on the begindatum (birth date from the staged BRP delivery)."""
    settings = act_as(ctx, by)
    with register_session(ctx) as session:
        entry = vrijstelling_register.add_vrijstelling(
            session, persoonsnummer, grond, begindatum, einddatum=einddatum,
            verklaring_datum=verklaring_datum, nooit_geschikt=nooit_geschikt, toelichting=toelichting,
            staging_path=settings.staging_path)
        until = format_nl(entry.einddatum) if entry.einddatum else "open einde"
        click.echo(f"Vrijstelling {entry.id}: {entry.grond.value} ({entry.grond.artikel}), "
                   f"{format_nl(entry.begindatum)} – {until}")
        if entry.grond in vrijstelling_register.NEEDS_STATEMENT and entry.verklaring_datum is None:
            click.echo(f"Nog op te vragen: {vrijstelling_register.NEEDS_STATEMENT[entry.grond]}")


@vrijstelling.command("end")
@click.argument("vrijstelling_id", type=int)
@click.option("--eind", "einddatum", type=DATUM, required=True)
@by_option("who ends it")
@click.pass_context
def vrijstelling_end(ctx: click.Context, vrijstelling_id: int, einddatum: date, by: str | None) -> None:
    """Give vrijstelling ID its einddatum."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        entry = vrijstelling_register.end_vrijstelling(session, vrijstelling_id, einddatum)
        click.echo(f"Vrijstelling {entry.id}: eindigt op {format_nl(entry.einddatum)}")


@vrijstelling.command("list")
@click.option("--persoonsnummer", default=None)
@click.option("--geldig-op", type=DATUM, default=None, help="Only those valid on this date.")
@by_option("reading")
@output_options
@click.pass_context
def vrijstelling_list(ctx: click.Context, persoonsnummer: str | None, geldig_op: date | None,
                      by: str | None, fmt: str) -> None:
    """List vrijstellingen, with the 1 July by which the yearly renewal is due."""
    act_as(ctx, by)
    with register_session(ctx) as session:  # writes: showing persons' numbers is audited
        found = vrijstelling_register.list_vrijstellingen(session, persoonsnummer=persoonsnummer,
                                                          geldig_op=geldig_op)
        record_reads(session, "vrijstelling.listed", "vrijstellingen",
                     [(v.id, v.persoonsnummer) for v in found])
        today = date.today()
        emit([_vrijstelling_row(v, today) for v in found], VRIJSTELLING_COLUMNS, fmt)


@vrijstelling.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--encoding", type=click.Choice(["utf-8", "cp1252"]), default=None,
              help="Declare the file's encoding (default: detected).")
@by_option("who imports it")
@click.pass_context
def vrijstelling_import(ctx: click.Context, file: Path, encoding: str | None, by: str | None) -> None:
    """Import a vrijstellingen CSV (PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM[;TOELICHTING])
    into staging and the register; bad rows are reported and skipped, a broken file is refused whole."""
    settings = act_as(ctx, by)
    with register_session(ctx) as session:
        summary = vrijstelling_register.import_vrijstellingen_file(
            session, settings.staging_path, file, gemeenten=settings.gemeenten, encoding=encoding)
        if summary.duplicate:
            click.echo(f"{file.name}: al in staging (import {summary.import_id}); "
                       "het register is bijgewerkt")
        click.echo(f"{file.name}: {summary.new} nieuw, {summary.updated} bijgewerkt, "
                   f"{summary.unchanged} ongewijzigd, {len(summary.quarantined)} in quarantaine")
        for fault in summary.quarantined:
            click.echo(f"  {fault.file or file.name}, regel {fault.line}, veld {fault.field}: {fault.reason}",
                       err=True)


# --- verzuimmeldingen ------------------------------------------------------------------------------

VERZUIM_COLUMNS = ("meldingsnummer", "persoonsnummer", "brin", "soort", "begindatum", "einddatum", "status",
                   "status_datum", "reden_afsluiting")


def _melding_row(melding: Verzuimmelding) -> dict[str, Any]:
    return {column: getattr(melding, column) for column in VERZUIM_COLUMNS}


@click.group("verzuim")
def verzuim() -> None:
    """Verzuimmeldingen: list, handle (status for DUO) and export the feedback XML."""


@verzuim.command("list")
@click.option("--status", type=_choices(MeldingStatus), default=None)
@click.option("--soort", type=_choices(VerzuimSoort), default=None)
@by_option("reading")
@output_options
@click.pass_context
def verzuim_list(ctx: click.Context, status: str | None, soort: str | None, by: str | None,
                 fmt: str) -> None:
    """List verzuimmeldingen by begindatum."""
    act_as(ctx, by)
    with register_session(ctx) as session:  # writes: showing persons' numbers is audited
        found = verzuim_register.list_meldingen(session, status=status, soort=soort)
        record_reads(session, "verzuim.listed", "verzuimmeldingen", [(m.id, m.persoonsnummer) for m in found])
        emit([_melding_row(m) for m in found], VERZUIM_COLUMNS, fmt)


@verzuim.command("handle")
@click.argument("meldingsnummer")
@click.option("--status", required=True,
              type=_choices(MeldingStatus, skip=(MeldingStatus.GEREGISTREERD, MeldingStatus.INGETROKKEN)))
@click.option("--reden", type=_choices(RedenAfsluiting), default=None,
              help="Reden afsluiting (with afgesloten).")
@click.option("--toelichting", type=_choices(ToelichtingAfsluiting), default=None,
              help="Toelichting afsluiting (with afgesloten).")
@click.option("--date", "on", type=DATUM, default=None, help="Date of the status (default today).")
@by_option("handling it, the school's contact")
@click.option("--functie", default=None, help="Contact's function.")
@click.option("--telefoon", default=None, help="Contact's phone number.")
@click.option("--email", default=None, help="Contact's e-mail address.")
@click.pass_context
def verzuim_handle(ctx: click.Context, meldingsnummer: str, status: str, reden: str | None,
                   toelichting: str | None, on: date | None, by: str | None, functie: str | None,
                   telefoon: str | None, email: str | None) -> None:
    """Set the gemeente's status of verzuimmelding MELDINGSNUMMER, as DUO allows it."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        contact = None
        if by or functie or telefoon or email:
            user = get_user(session, ctx.obj.gebruiker)
            contact = verzuim_register.Contactpersoon(naam=user.naam if user else "", functie=functie,
                                                      telefoon=telefoon, email=email)
        melding = verzuim_register.handle_melding(session, meldingsnummer, status, on=on, reden=reden,
                                                  toelichting=toelichting, contact=contact)
        extra = f" ({melding.reden_afsluiting.label})" if melding.reden_afsluiting else ""
        click.echo(f"Melding {melding.meldingsnummer}: {melding.status.label}{extra} "
                   f"op {format_nl(melding.status_datum)}")


@verzuim.command("export")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--since", type=DATUM, default=None, help="Only statuses set on or after this date.")
@by_option("who exports it")
@click.pass_context
def verzuim_export(ctx: click.Context, out: Path, since: date | None, by: str | None) -> None:
    """Write the status feedback for DUO as XML (valid against verzuim_terugkoppeling.xsd)."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        count = verzuim_register.export_feedback_xml(session, out, since=since)
        click.echo(f"{out}: {count} terugkoppelingen")


@click.command("signals")
@click.option("--peildatum", type=DATUM, default=None, help="The peildatum (default: today).")
@click.option("--type", "types", multiple=True, type=SIGNAL_CHOICE,
              help="Only this signal type (repeatable; the old GEEN_INSCHRIJVING_18_23 is accepted).")
@click.option("--strict", is_flag=True,
              help="Refuse (exit 1) when the BRP or DUO deliveries are stale for the peildatum.")
@by_option("reading")
@output_options
@click.pass_context
def signals(ctx: click.Context, peildatum: date | None, types: tuple[str, ...], strict: bool,
            by: str | None, fmt: str) -> None:
    """The signals (docs/spec.md §4.2) on a peildatum, over the staged deliveries and the vrijstellingen
    register.

    Read only (cases change in the weekly run); the persons shown are written to the audit trail.
    JSON: an array of objects with signal, persoonsnummer, gemeentecode, peildatum, sinds, status,
    adres_in_onderzoek, geheimhouding, thuiszitter_lang. When the newest BRP or DUO delivery is more
    than [freshness] max_days (7) before the peildatum it says so on stderr; --strict refuses.
    """
    from connectors.freshness import StaleDeliveries, newest_deliveries, stale_warning  # DuckDB only here
    from connectors.staging import Staging
    from registers.matching import week_signals

    settings = act_as(ctx, by)
    peildatum = peildatum or date.today()
    try:
        settings.served()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    if not settings.staging_path.is_file():
        raise click.ClickException(f"er is nog niets ingelezen ({settings.staging_path} bestaat niet): "
                                   "lees eerst de leveringen in met `inbeeld import brp …` en "
                                   "`inbeeld import duo …`")
    with Staging(settings.staging_path, read_only=True) as st:
        if newest_deliveries(st.con)["BRP"] is None:  # the signals start from the BRP's residents
            raise click.ClickException("er is nog geen BRP-levering ingelezen: de signalen gaan uit van "
                                       "wie er woont; lees er eerst een in met `inbeeld import brp …`")
        try:
            warning = stale_warning(st.con, peildatum, settings.freshness.max_days, strict=strict,
                                    what="de signalen")
        except StaleDeliveries as exc:
            raise click.ClickException(str(exc)) from None
    if warning:
        click.echo(warning, err=True)
    with Staging(settings.staging_path, read_only=True) as st, register_session(ctx) as session:
        found = week_signals(st.con, session, peildatum, settings.gemeenten, types)
        trail(session).record_many(session, [  # a list of persons shown is audited
            AuditEvent("signal.listed", s.persoonsnummer, None, None, s.signal) for s in found])
    # the dates as dates: the table writes them in words, JSON and CSV as ISO (inbeeld.output)
    rows = [{**s.as_dict(), "peildatum": s.peildatum, "sinds": s.sinds} for s in found]
    emit(rows, list(SIGNAL_COLUMNS), fmt)
