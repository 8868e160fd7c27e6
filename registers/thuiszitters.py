"""The thuiszitter register (Kamerstuk 26 695 nr. 108): LRV or absoluut verzuim lasting over 4 weeks.

Kept in step with its two sources on every case sync: an open ABSOLUUT_VERZUIM case whose `sinds`
lies more than the threshold before the peildatum, and an LRV verzuimmelding still being handled
whose begindatum does (and whose einddatum, if any, is not before the peildatum). An entry ends
when its source no longer qualifies. Duration and the "> 3 months" flag derive from the dates, so
they are never stale; the thresholds are dated parameters (`rules/law/`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, Select, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from registers.audit import AuditEvent, trail
from registers.codes import CaseStatus, MeldingStatus, ReasonCode, ThuiszitterBron, VerzuimSoort
from registers.models import Case, Thuiszitter, Verzuimmelding
from rules.dates import add_months
from rules.parameters import value

HANDLED = (MeldingStatus.GEREGISTREERD, MeldingStatus.IN_BEHANDELING)


@dataclass(frozen=True)
class ThuiszitterSummary:
    started: int = 0
    ended: int = 0
    ongoing: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.started or self.ended)


def threshold_start(peildatum: date) -> date:
    """Sources that started before this day have lasted longer than the threshold on `peildatum`."""
    return peildatum - timedelta(weeks=int(value("thuiszitter_drempel", peildatum)))


def duration_days(entry: Thuiszitter, on: date) -> int:
    """Days out of school: up to the einddatum, or up to `on` while the entry is open."""
    end = entry.einddatum if entry.einddatum is not None and entry.einddatum < on else on
    return (end - entry.startdatum).days


def is_long(entry: Thuiszitter, on: date) -> bool:
    """The "> 3 months" group the ministry wants reported separately."""
    end = entry.einddatum if entry.einddatum is not None and entry.einddatum < on else on
    return end > add_months(entry.startdatum, int(value("thuiszitter_lang", on)))


def verzuim_start():  # noqa: ANN201 (a SQL expression)
    """The first day of a case's absoluut verzuim: the signal's `sinds`, else the day it was opened.
    The thuiszitter register and the Leerplichttelling count from this same day."""
    return func.coalesce(Case.sinds, Case.opened_on)


def _qualifying(peildatum: date) -> tuple[Select, Select]:
    """The sources that qualify on `peildatum`: (case_id, persoonsnummer, startdatum) of the open
    ABSOLUUT_VERZUIM cases and (melding_id, persoonsnummer, startdatum) of the LRV meldingen."""
    cutoff = threshold_start(peildatum)
    case_start = verzuim_start()
    cases = (select(Case.id, Case.persoonsnummer, case_start.label("startdatum"))
             .where(Case.signal == ReasonCode.ABSOLUUT_VERZUIM, Case.status == CaseStatus.OPEN,
                    case_start < cutoff))
    meldingen = (select(Verzuimmelding.id, Verzuimmelding.persoonsnummer,
                        Verzuimmelding.begindatum.label("startdatum"))
                 .where(Verzuimmelding.soort == VerzuimSoort.LRV, Verzuimmelding.status.in_(HANDLED),
                        Verzuimmelding.begindatum < cutoff,
                        or_(Verzuimmelding.einddatum.is_(None), Verzuimmelding.einddatum >= peildatum)))
    return cases, meldingen


def sync_thuiszitters(session: Session, peildatum: date) -> ThuiszitterSummary:
    """Start, continue and end register entries so the register matches its sources on `peildatum`.

    Set-based like the case sync; entries last seen on a later peildatum are left alone (an older
    week run late never rewrites a newer one), and the unique source columns make a second entry
    for one source impossible.
    """
    cases, meldingen = _qualifying(peildatum)
    table = Thuiszitter.__table__
    t = table.c
    qualifies = or_(t.case_id.in_(cases.with_only_columns(Case.id)),
                    t.verzuimmelding_id.in_(meldingen.with_only_columns(Verzuimmelding.id)))
    session.flush()
    connection = session.connection()

    connection.execute(
        update(table).where(t.last_seen <= peildatum, or_(t.last_seen < peildatum, t.einddatum.is_not(None)),
                            qualifies)
        .values(last_seen=peildatum, einddatum=None))
    melding_end = (select(Verzuimmelding.einddatum)
                   .where(Verzuimmelding.id == t.verzuimmelding_id, Verzuimmelding.einddatum < peildatum)
                   .scalar_subquery())
    ended = connection.execute(
        update(table).where(t.einddatum.is_(None), t.last_seen <= peildatum, ~qualifies)
        .values(einddatum=func.coalesce(melding_end, literal(peildatum, Date)), last_seen=peildatum)
        .returning(t.id, t.persoonsnummer)).all()
    started = []
    for bron, source, column in ((ThuiszitterBron.ABSOLUUT_VERZUIM, cases, t.case_id),
                                 (ThuiszitterBron.LRV, meldingen, t.verzuimmelding_id)):
        new = source.subquery()
        started += connection.execute(
            insert(table).from_select(
                ["persoonsnummer", "bron", "startdatum", "last_seen", column.name],
                select(new.c.persoonsnummer, literal(bron.value), new.c.startdatum, literal(peildatum, Date),
                       new.c.id).where(~exists().where(column == new.c.id)))
            .returning(t.id, t.persoonsnummer, t.bron)).all()
    session.expire_all()  # the statements above bypass the ORM: loaded entries must reload

    trail(session).record_many(session, [
        *(AuditEvent("thuiszitter.started", r.persoonsnummer, "thuiszitters", r.id, f"bron={r.bron}")
          for r in started),
        *(AuditEvent("thuiszitter.ended", r.persoonsnummer, "thuiszitters", r.id) for r in ended),
    ])
    ongoing = connection.execute(select(func.count()).select_from(table).where(
        t.einddatum.is_(None), t.last_seen == peildatum)).scalar_one() - len(started)
    return ThuiszitterSummary(started=len(started), ended=len(ended), ongoing=ongoing)


def list_thuiszitters(session: Session, on: date, *, only_open: bool = True) -> list[Thuiszitter]:
    """The register as of `on`: entries started by then (and still open, unless `only_open` is False)."""
    query = select(Thuiszitter).where(Thuiszitter.startdatum <= on).order_by(Thuiszitter.startdatum)
    if only_open:
        query = query.where(Thuiszitter.einddatum.is_(None))
    return list(session.scalars(query))
