"""The agenda of each LPA and counsellor: free slots in their configured hours, appointments planned,
rebooked and cancelled (table `afspraken`, revision 0011; settings `[agenda]`).

A slot is a start time on the grid of an agenda's hours: every `duur_minuten` from the start of a
block of hours, as long as the slot ends inside the block. All slots of an agenda have one length,
so "one planned appointment per agenda and start" (a partial unique index) means no double booking.
Times are local wall-clock times, naive, as the office reads them.

Every change is refused with a Dutch message and changes nothing when it does not fit: a slot
outside the hours or off the grid, in the past, already taken, an appointment that is not planned.
Every change and every listing that names persons is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inbeeld.settings import AgendaSettings, Spreekuur, login_key, spreekuur
from registers.audit import AuditEvent, trail
from registers.codes import AfspraakStatus
from registers.errors import Refused
from registers.models import Afspraak, Case
from rules.dates import format_nl

ZOEK_DAGEN = 366  # how far ahead the next free slot is looked for


@dataclass(frozen=True)
class Agenda:
    """One person's agenda: who, their hours, the length of a slot and where talks are held."""

    medewerker: str
    naam: str
    uren: tuple[Spreekuur, ...]
    duur: timedelta
    locatie: str

    def slots_on(self, day: date) -> list[datetime]:
        """The slot starts of one day, in order."""
        starts: set[datetime] = set()
        for block in self.uren:
            if day.weekday() not in block.dagen:
                continue
            start, end = datetime.combine(day, block.van), datetime.combine(day, block.tot)
            while start + self.duur <= end:
                starts.add(start)
                start += self.duur
        return sorted(starts)

    def is_slot(self, start: datetime) -> bool:
        return start in self.slots_on(start.date())


def agenda_of(settings: AgendaSettings, medewerker: str, *, locatie: str,
              namen: Mapping[str, str] | None = None) -> Agenda:
    """The agenda of `medewerker` (a login, or a default agenda's name): their own hours and place
    from `[agenda.medewerkers.<login>]`, else the defaults; named as configured, else as the user
    register has them (`namen`: login → naam), else by the login itself."""
    key = login_key(medewerker)
    own = {login_key(login): entry for login, entry in settings.medewerkers.items()}.get(key)
    uren = own.uren if own is not None and own.uren else settings.uren
    naam = (own.naam if own is not None and own.naam else None) or (namen or {}).get(key) or medewerker
    plaats = (own.locatie if own is not None and own.locatie else None) or locatie
    duur = timedelta(minutes=settings.duur_minuten)
    return Agenda(key, naam, tuple(spreekuur(text) for text in uren), duur, plaats)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _when(start: datetime) -> str:
    return f"{format_nl(start.date())} om {start:%H:%M} uur"


def taken(session: Session, medewerker: str, van: datetime, tot: datetime) -> set[datetime]:
    """The starts of the planned appointments of an agenda between `van` and `tot`."""
    rows = session.scalars(select(Afspraak.start).where(
        Afspraak.medewerker == medewerker, Afspraak.status == AfspraakStatus.GEPLAND,
        Afspraak.start >= van, Afspraak.start < tot))
    return set(rows)


def free_slots(session: Session, agenda: Agenda, van: datetime, dagen: int = 14,
               also_taken: Iterable[datetime] = ()) -> list[datetime]:
    """The free slots of an agenda from `van` for `dagen` days."""
    end = datetime.combine(van.date() + timedelta(days=dagen), time())
    busy = taken(session, agenda.medewerker, van, end) | set(also_taken)
    found = []
    for offset in range(dagen):
        found += [start for start in agenda.slots_on(van.date() + timedelta(days=offset))
                  if start >= van and start not in busy]
    return found


def next_free(session: Session, agenda: Agenda, van: datetime,
              also_taken: Iterable[datetime] = ()) -> datetime:
    """The first free slot of an agenda at or after `van` (Refused when there is none within a year)."""
    extra = set(also_taken)
    for week in range(0, ZOEK_DAGEN, 7):
        start = van if week == 0 else datetime.combine(van.date() + timedelta(days=week), time())
        found = free_slots(session, agenda, start, 7, extra)
        if found:
            return found[0]
    raise Refused(f"de agenda van {agenda.naam} heeft geen vrij tijdstip binnen een jaar na {_when(van)}")


def _check_slot(session: Session, agenda: Agenda, start: datetime, now: datetime,
                ignore: int | None = None) -> None:
    if start < now:
        raise Refused(f"{_when(start)} ligt in het verleden")
    if not agenda.is_slot(start):
        slots = ", ".join(f"{slot:%H:%M}" for slot in agenda.slots_on(start.date())) or "geen"
        raise Refused(f"{_when(start)} valt buiten de uren van de agenda van {agenda.naam}; tijdstippen die "
                      f"dag: {slots}")
    clash = session.scalars(select(Afspraak).where(
        Afspraak.medewerker == agenda.medewerker, Afspraak.start == start,
        Afspraak.status == AfspraakStatus.GEPLAND)).first()
    if clash is not None and clash.id != ignore:
        raise Refused(f"{_when(start)} is in de agenda van {agenda.naam} al bezet (afspraak {clash.id})")


def _flush(session: Session, agenda: Agenda, start: datetime) -> None:
    """Write now, so a slot another session took in the meantime is refused here, by the index."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Refused(f"{_when(start)} is in de agenda van {agenda.naam} al bezet") from None


def plan(session: Session, agenda: Agenda, start: datetime, persoonsnummer: str, *,
         now: datetime | None = None, onderwerp: str | None = None, case_id: int | None = None,
         verzuimmelding_id: int | None = None, run: str | None = None,
         notitie: str | None = None, audited: bool = True) -> Afspraak:
    """Book `start` in `agenda` for the person; refused (nothing changed) outside the hours, off the
    grid, in the past or when the slot is taken. `audited=False`: the caller records the booking in
    the audit trail itself (the letter run, once its letters are written: `planned_event`)."""
    _check_slot(session, agenda, start, now or _now())
    if case_id is not None:
        case = session.get(Case, case_id)
        if case is None or case.persoonsnummer != persoonsnummer:
            raise Refused(f"zaak {case_id} is niet van persoon {persoonsnummer}")
    audit = trail(session)
    afspraak = Afspraak(medewerker=agenda.medewerker, start=start, einde=start + agenda.duur,
                        locatie=agenda.locatie, status=AfspraakStatus.GEPLAND, persoonsnummer=persoonsnummer,
                        onderwerp=onderwerp, case_id=case_id, verzuimmelding_id=verzuimmelding_id, run=run,
                        notitie=notitie, by=audit.actor, recorded_at=_now())
    session.add(afspraak)
    _flush(session, agenda, start)
    if audited:
        audit.record(session, planned_event(afspraak))
    return afspraak


def planned_event(afspraak: Afspraak) -> AuditEvent:
    """The audit entry of a booking (no personal data in its detail)."""
    return AuditEvent("afspraak.planned", afspraak.persoonsnummer, "afspraken", afspraak.id,
                      f"medewerker={afspraak.medewerker} start={afspraak.start:%Y-%m-%dT%H:%M}")


def get_afspraak(session: Session, afspraak_id: int) -> Afspraak:
    afspraak = session.get(Afspraak, afspraak_id)
    if afspraak is None:
        raise Refused(f"er is geen afspraak {afspraak_id}")
    return afspraak


def rebook(session: Session, afspraak_id: int, agenda: Agenda, start: datetime, *,
           now: datetime | None = None) -> Afspraak:
    """Move a planned appointment to `start` in `agenda` (the same person's, or another's); the old
    slot is free again. Refused like `plan`, and for a cancelled or past appointment."""
    now = now or _now()
    afspraak = get_afspraak(session, afspraak_id)
    if afspraak.status is not AfspraakStatus.GEPLAND:
        raise Refused(f"afspraak {afspraak_id} is geannuleerd; plan een nieuwe")
    if afspraak.start < now:
        raise Refused(f"afspraak {afspraak_id} was op {_when(afspraak.start)} en is voorbij")
    same = agenda.medewerker == afspraak.medewerker
    _check_slot(session, agenda, start, now, ignore=afspraak.id if same else None)
    old = afspraak.start
    afspraak.medewerker, afspraak.start, afspraak.einde = agenda.medewerker, start, start + agenda.duur
    afspraak.locatie, afspraak.by, afspraak.recorded_at = agenda.locatie, trail(session).actor, _now()
    _flush(session, agenda, start)
    trail(session).record(session, AuditEvent(
        "afspraak.rebooked", afspraak.persoonsnummer, "afspraken", afspraak.id,
        f"van={old:%Y-%m-%dT%H:%M} naar={start:%Y-%m-%dT%H:%M} medewerker={agenda.medewerker}"))
    return afspraak


def cancel(session: Session, afspraak_id: int, *, reden: str | None = None) -> Afspraak:
    """Cancel a planned appointment: its slot is free again. Refused when it is not planned."""
    afspraak = get_afspraak(session, afspraak_id)
    if afspraak.status is not AfspraakStatus.GEPLAND:
        raise Refused(f"afspraak {afspraak_id} is al geannuleerd")
    afspraak.status = AfspraakStatus.GEANNULEERD
    afspraak.by, afspraak.recorded_at = trail(session).actor, _now()
    if reden:
        afspraak.notitie = f"{afspraak.notitie}\n{reden}" if afspraak.notitie else reden
    session.flush()
    trail(session).record(session, AuditEvent("afspraak.cancelled", afspraak.persoonsnummer, "afspraken",
                                              afspraak.id))
    return afspraak


def list_afspraken(session: Session, *, medewerker: str | None = None, van: datetime | None = None,
                   tot: datetime | None = None, status: AfspraakStatus | None = AfspraakStatus.GEPLAND
                   ) -> list[Afspraak]:
    """Appointments by start; the caller audits the reading when it shows them (`record_reads`)."""
    query = select(Afspraak).order_by(Afspraak.start, Afspraak.id)
    if medewerker is not None:
        query = query.where(Afspraak.medewerker == login_key(medewerker))
    if van is not None:
        query = query.where(Afspraak.start >= van)
    if tot is not None:
        query = query.where(Afspraak.start < tot)
    if status is not None:
        query = query.where(Afspraak.status == status)
    return list(session.scalars(query))
