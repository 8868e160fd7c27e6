"""The thuiszitter register (Kamerstuk 26 695 nr. 108): LRV or absoluut verzuim lasting over 4 weeks.

Kept in step with its two sources on every case sync: an open ABSOLUUT_VERZUIM case whose `sinds`
lies more than the threshold before the peildatum, and an LRV verzuimmelding still being handled
whose begindatum does (and whose einddatum, if any, is not before the peildatum). An entry ends
when its source no longer qualifies. Duration and the "> 3 months" flag derive from the dates, so
they are never stale; the thresholds are dated parameters (`rules/parameters.toml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, Integer, bindparam, func, insert, literal, null, or_, select, update
from sqlalchemy.orm import Session

from registers.audit import AuditEvent, trail
from registers.codes import CaseStatus, MeldingStatus, Signal, ThuiszitterBron, VerzuimSoort
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


def _qualifying(peildatum: date):
    """(bron, case_id, melding_id, persoonsnummer, startdatum) of every source that qualifies now."""
    cutoff = threshold_start(peildatum)
    case_start = func.coalesce(Case.sinds, Case.opened_on)
    cases = select(literal(ThuiszitterBron.ABSOLUUT_VERZUIM.value).label("bron"), Case.id.label("case_id"),
                   null().cast(Integer).label("melding_id"), Case.persoonsnummer,
                   case_start.label("startdatum")
                   ).where(Case.signal == Signal.ABSOLUUT_VERZUIM, Case.status == CaseStatus.OPEN,
                           case_start < cutoff)
    meldingen = select(literal(ThuiszitterBron.LRV.value).label("bron"),
                       null().cast(Integer).label("case_id"),
                       Verzuimmelding.id.label("melding_id"), Verzuimmelding.persoonsnummer,
                       Verzuimmelding.begindatum.label("startdatum")
                       ).where(Verzuimmelding.soort == VerzuimSoort.LRV, Verzuimmelding.status.in_(HANDLED),
                               Verzuimmelding.begindatum < cutoff,
                               or_(Verzuimmelding.einddatum.is_(None), Verzuimmelding.einddatum >= peildatum))
    return cases, meldingen


def sync_thuiszitters(session: Session, peildatum: date) -> ThuiszitterSummary:
    """Start, continue and end register entries so the register matches its sources on `peildatum`."""
    cases, meldingen = _qualifying(peildatum)
    qualifying = session.execute(cases.union_all(meldingen)).all()
    # Entries last seen on a later peildatum are left alone: an older week never rewrites a newer one.
    existing = {(e.case_id, e.verzuimmelding_id): e for e in session.execute(
        select(Thuiszitter.id, Thuiszitter.case_id, Thuiszitter.verzuimmelding_id, Thuiszitter.last_seen,
               Thuiszitter.einddatum, Thuiszitter.persoonsnummer)
        .where(Thuiszitter.last_seen <= peildatum)
    )}
    later = set(session.execute(select(Thuiszitter.case_id, Thuiszitter.verzuimmelding_id)
                                .where(Thuiszitter.last_seen > peildatum)).all())
    seen = set()
    new_rows, continued = [], []
    for q in qualifying:
        key = (q.case_id, q.melding_id)
        seen.add(key)
        entry = existing.get(key)
        if entry is None and key not in later:
            new_rows.append({"persoonsnummer": q.persoonsnummer, "bron": q.bron, "case_id": q.case_id,
                             "verzuimmelding_id": q.melding_id, "startdatum": q.startdatum,
                             "last_seen": peildatum, "einddatum": None})
        elif entry is not None and (entry.last_seen < peildatum or entry.einddatum is not None):
            continued.append({"entry_id": entry.id})
    ending = [e for key, e in existing.items() if key not in seen and e.einddatum is None]

    if new_rows:
        session.execute(insert(Thuiszitter), new_rows)
    if continued:
        session.execute(
            update(Thuiszitter.__table__).where(Thuiszitter.__table__.c.id == bindparam("entry_id"))
            .values(last_seen=literal(peildatum, Date), einddatum=None),
            continued,
        )
    if ending:
        _end(session, peildatum, [e.id for e in ending])
    session.expire_all()  # the statements above bypass the ORM: loaded entries must reload

    audit = trail(session)
    audit.record_many(session, [
        *(AuditEvent("thuiszitter.started", r["persoonsnummer"], "thuiszitters", None, f"bron={r['bron']}")
          for r in new_rows),
        *(AuditEvent("thuiszitter.ended", e.persoonsnummer, "thuiszitters", e.id) for e in ending),
    ])
    return ThuiszitterSummary(started=len(new_rows), ended=len(ending),
                              ongoing=len(qualifying) - len(new_rows))


def _end(session: Session, peildatum: date, entry_ids: list[int]) -> None:
    """End entries on the day their source stopped: an LRV melding's einddatum, else the peildatum."""
    melding_end = (select(Verzuimmelding.einddatum)
                   .where(Verzuimmelding.id == Thuiszitter.verzuimmelding_id,
                          Verzuimmelding.einddatum < peildatum)
                   .scalar_subquery())
    session.execute(
        update(Thuiszitter).where(Thuiszitter.id.in_(entry_ids))
        .values(einddatum=func.coalesce(melding_end, literal(peildatum, Date)), last_seen=peildatum),
        execution_options={"synchronize_session": False},
    )


def list_thuiszitters(session: Session, on: date, *, only_open: bool = True) -> list[Thuiszitter]:
    """The register as of `on`: entries started by then (and still open, unless `only_open` is False)."""
    query = select(Thuiszitter).where(Thuiszitter.startdatum <= on).order_by(Thuiszitter.startdatum)
    if only_open:
        query = query.where(Thuiszitter.einddatum.is_(None))
    return list(session.scalars(query))
