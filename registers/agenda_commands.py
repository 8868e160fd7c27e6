"""`inbeeld agenda free|list|plan|rebook|cancel`: the agenda of each LPA and counsellor (registers.agenda).

Writing commands act as the named user (`--by LOGIN` or INBEELD_GEBRUIKER) and change nothing when
refused (a slot taken, outside the hours, in the past): the message says why, exit status 1.
"""

from __future__ import annotations

from datetime import date, datetime, time

import click

from inbeeld.acting_user import act_as, by_option
from inbeeld.output import emit, output_options
from inbeeld.settings import Settings
from registers import agenda as agenda_register
from registers.audit import record_reads
from registers.codes import AfspraakStatus
from registers.command_session import register_session
from registers.gebruikers import list_users
from rules.date_option import DATUM
from rules.dates import format_nl

LIST_COLUMNS = ("id", "medewerker", "datum", "tijd", "persoonsnummer", "locatie", "status", "onderwerp")
FREE_COLUMNS = ("medewerker", "datum", "tijd")


class Tijdstip(click.ParamType):
    """A start time: `2026-09-21 10:00` (or with a T between date and time)."""

    name = "tijdstip"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return datetime.fromisoformat(str(value).strip().replace(" ", "T", 1)).replace(second=0)
        except ValueError:
            self.fail(f"{value!r} is geen tijdstip als 2026-09-21 10:00", param, ctx)


TIJDSTIP = Tijdstip()


def _agenda(ctx: click.Context, session, medewerker: str) -> agenda_register.Agenda:
    settings: Settings = ctx.obj
    namen = {user.login: user.naam for user in list_users(session)}
    kantoor = settings.letters.kantoor
    return agenda_register.agenda_of(settings.agenda, medewerker,
                                     locatie=kantoor.gesprekslocatie or kantoor.bezoekadres, namen=namen)


def _row(afspraak) -> dict:
    return {"id": afspraak.id, "medewerker": afspraak.medewerker, "datum": afspraak.start.date(),
            "tijd": f"{afspraak.start:%H:%M}-{afspraak.einde:%H:%M}",
            "persoonsnummer": afspraak.persoonsnummer,
            "locatie": afspraak.locatie, "status": afspraak.status.value, "onderwerp": afspraak.onderwerp}


def _said(afspraak, naam: str) -> str:
    return (f"{format_nl(afspraak.start.date())} {afspraak.start:%H:%M}-{afspraak.einde:%H:%M} uur "
            f"bij {naam}" + (f", {afspraak.locatie}" if afspraak.locatie else ""))


@click.group("agenda")
def agenda() -> None:
    """The agenda of each LPA and counsellor: free slots, appointments, plan, rebook, cancel."""


@agenda.command("free")
@click.argument("medewerker")
@click.option("--van", type=DATUM, default=None, help="From this day (default today).")
@click.option("--dagen", type=click.IntRange(1, 92), default=14, show_default=True, help="For so many days.")
@by_option("reading")
@output_options
@click.pass_context
def agenda_free(ctx: click.Context, medewerker: str, van: date | None, dagen: int, by: str | None,
                fmt: str) -> None:
    """The free slots in the agenda of MEDEWERKER (a login, or a default agenda such as leerplicht)."""
    act_as(ctx, by)
    now = datetime.now().replace(second=0, microsecond=0)
    start = max(now, datetime.combine(van, time())) if van else now
    with register_session(ctx, write=False) as session:
        agenda_ = _agenda(ctx, session, medewerker)
        slots = agenda_register.free_slots(session, agenda_, start, dagen)
    rows = [{"medewerker": agenda_.medewerker, "datum": slot.date(),
             "tijd": f"{slot:%H:%M}-{slot + agenda_.duur:%H:%M}"} for slot in slots]
    emit(rows, FREE_COLUMNS, fmt, empty=f"Geen vrije tijdstippen in de agenda van {agenda_.naam}.",
         noun="vrije tijdstippen")


@agenda.command("list")
@click.option("--medewerker", default=None, help="Only this agenda.")
@click.option("--van", type=DATUM, default=None, help="From this day (default today).")
@click.option("--tot", type=DATUM, default=None, help="Up to (not including) this day.")
@click.option("--geannuleerd", is_flag=True, help="Also the cancelled appointments.")
@by_option("reading")
@output_options
@click.pass_context
def agenda_list(ctx: click.Context, medewerker: str | None, van: date | None, tot: date | None,
                geannuleerd: bool, by: str | None, fmt: str) -> None:
    """The appointments planned, by start; the reading is audited."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        found = agenda_register.list_afspraken(
            session, medewerker=medewerker, van=datetime.combine(van or date.today(), time()),
            tot=datetime.combine(tot, time()) if tot else None,
            status=None if geannuleerd else AfspraakStatus.GEPLAND)
        rows = [_row(afspraak) for afspraak in found]
        record_reads(session, "afspraak.listed", "afspraken", [(a.id, a.persoonsnummer) for a in found])
    emit(rows, LIST_COLUMNS, fmt, empty="Geen afspraken.", noun="afspraken")


@agenda.command("plan")
@click.argument("medewerker")
@click.argument("start", type=TIJDSTIP)
@click.option("--persoon", "persoonsnummer", required=True, help="The young person's persoonsnummer.")
@click.option("--case", "case_id", type=int, default=None, help="The case the appointment belongs to.")
@click.option("--notitie", default=None, help="A note.")
@by_option("who plans")
@click.pass_context
def agenda_plan(ctx: click.Context, medewerker: str, start: datetime, persoonsnummer: str,
                case_id: int | None, notitie: str | None, by: str | None) -> None:
    """Book START (`2026-09-21 10:00`) in the agenda of MEDEWERKER for a young person."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        agenda_ = _agenda(ctx, session, medewerker)
        afspraak = agenda_register.plan(session, agenda_, start, persoonsnummer.strip(), case_id=case_id,
                                        onderwerp=f"case:{case_id}" if case_id else None, notitie=notitie)
        click.echo(f"Afspraak {afspraak.id} gepland: {_said(afspraak, agenda_.naam)}")


@agenda.command("rebook")
@click.argument("afspraak_id", type=int)
@click.argument("start", type=TIJDSTIP)
@click.option("--medewerker", default=None, help="Move it to this agenda (default: the same).")
@by_option("who rebooks")
@click.pass_context
def agenda_rebook(ctx: click.Context, afspraak_id: int, start: datetime, medewerker: str | None,
                  by: str | None) -> None:
    """Move appointment AFSPRAAK_ID to START; its old slot is free again."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        current = agenda_register.get_afspraak(session, afspraak_id)
        agenda_ = _agenda(ctx, session, medewerker or current.medewerker)
        afspraak = agenda_register.rebook(session, afspraak_id, agenda_, start)
        click.echo(f"Afspraak {afspraak.id} verzet naar {_said(afspraak, agenda_.naam)}")


@agenda.command("cancel")
@click.argument("afspraak_id", type=int)
@click.option("--reden", default=None, help="Why (kept with the appointment).")
@by_option("who cancels")
@click.pass_context
def agenda_cancel(ctx: click.Context, afspraak_id: int, reden: str | None, by: str | None) -> None:
    """Cancel appointment AFSPRAAK_ID; its slot is free again."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        afspraak = agenda_register.cancel(session, afspraak_id, reden=reden)
        click.echo(f"Afspraak {afspraak.id} geannuleerd ({format_nl(afspraak.start.date())} "
                   f"{afspraak.start:%H:%M} uur)")
