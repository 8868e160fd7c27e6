"""Register records with known birth dates, for the retention tests (registers, reports, pipelines)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from registers.codes import (
    ActionType,
    CaseStatus,
    CloseReason,
    MeldingStatus,
    ReasonCode,
    RedenAfsluiting,
    ThuiszitterBron,
    VerzuimSoort,
    VsvUitkomst,
)
from registers.models import (
    Case,
    CaseAction,
    Persoon,
    Thuiszitter,
    Verzuimmelding,
    VerzuimStatusChange,
    Vrijstelling,
    VsvEntry,
)
from rules.vrijstellingen import Vrijstellingsgrond

D = date.fromisoformat
RECORDED = datetime(2020, 1, 1, 12, 0)


def person(session: Session, number: str, born: date | None, *, sk: date | None = None,
           gemeente: str = "0363") -> Persoon:
    entry = Persoon(persoonsnummer=number, gemeentecode=gemeente, geboortedatum=born, sk_datum=sk,
                    bijgewerkt_op=D("2020-01-01"))
    session.add(entry)
    return entry


def case(session: Session, number: str, signal: ReasonCode, opened: date, closed: date | None, *,
         actions: tuple[tuple[ActionType, date], ...] = (), legal_hold: bool = False,
         gemeente: str = "0363", reason: CloseReason = CloseReason.INSCHRIJVING_GEVONDEN) -> Case:
    entry = Case(persoonsnummer=number, gemeentecode=gemeente, signal=signal, opened_on=opened, sinds=opened,
                 last_seen=closed or opened, legal_hold=legal_hold,
                 status=CaseStatus.CLOSED if closed else CaseStatus.OPEN, closed_on=closed,
                 close_reason=reason if closed else None)
    entry.actions = [CaseAction(action=ActionType.GEOPEND, on_date=opened, by="sync", recorded_at=RECORDED)]
    entry.actions += [CaseAction(action=kind, on_date=on, by="LPA", note="gespreksverslag",
                                 recorded_at=RECORDED) for kind, on in actions]
    session.add(entry)
    session.flush()
    return entry


def thuiszitter(session: Session, source: Case) -> Thuiszitter:
    entry = Thuiszitter(persoonsnummer=source.persoonsnummer, bron=ThuiszitterBron.ABSOLUUT_VERZUIM,
                        case_id=source.id, startdatum=source.opened_on, last_seen=source.last_seen,
                        einddatum=source.closed_on)
    session.add(entry)
    session.flush()
    return entry


def vrijstelling(session: Session, number: str, grond: Vrijstellingsgrond, begin: date, end: date | None,
                 toelichting: str | None = None) -> Vrijstelling:
    entry = Vrijstelling(persoonsnummer=number, grond=grond, begindatum=begin, einddatum=end,
                         toelichting=toelichting)
    session.add(entry)
    session.flush()
    return entry


def melding(session: Session, number: str, nummer: str, soort: VerzuimSoort, begin: date, end: date | None, *,
            status: MeldingStatus = MeldingStatus.AFGESLOTEN) -> Verzuimmelding:
    closed = status == MeldingStatus.AFGESLOTEN
    entry = Verzuimmelding(meldingsnummer=nummer, meldingsdatum=begin, brin="12AB", persoonsnummer=number,
                           soort=soort, begindatum=begin, einddatum=end, status=status,
                           status_datum=end or begin,
                           reden_afsluiting=RedenAfsluiting.TERUG_NAAR_SCHOOL if closed else None)
    entry.changes = [VerzuimStatusChange(status=status, on_date=end or begin, by="LPA",
                                         reden_afsluiting=entry.reden_afsluiting, recorded_at=RECORDED)]
    session.add(entry)
    session.flush()
    return entry


def vsv(session: Session, number: str, jaar: int, outcome: date | None) -> VsvEntry:
    entry = VsvEntry(persoonsnummer=number, convenantjaar=jaar, startset_datum=date(jaar, 10, 1),
                     uitkomst=VsvUitkomst.WERK if outcome else None, uitkomst_datum=outcome)
    session.add(entry)
    session.flush()
    return entry
