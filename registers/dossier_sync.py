"""Keeping dossiers in step with their reasons (docs/spec.md §4.3), set-based like the case sync.

A person's new reason goes into their open dossier, or a dossier opened for it; a dossier whose last
open reason ended closes with that reason's close reason; the `thuiszitter` classification follows
an open THUISZITTER reason; and the dossier passes from the leerplichtambtenaar to RMC when its
leerplicht reasons have ended and an RMC reason is open (the 18th birthday), without closing: the
timeline says `overgedragen` and the assignment is cleared for the RMC counsellor to take it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import (
    Date,
    ScalarSelect,
    Select,
    case,
    exists,
    false,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from registers.audit import SYSTEEM, AuditEvent, trail
from registers.codes import (
    LEERPLICHT_SIGNALS,
    VERZUIMMELDING,
    ActionType,
    CaseStatus,
    CloseReason,
    MeldingStatus,
    ReasonCode,
    Team,
    VerzuimSoort,
)
from registers.db import bulk_insert
from registers.dossiers import holds_rmc_reason, rmc_reason
from registers.models import Case, CaseAction, Dossier, Persoon, Verzuimmelding

_D = Dossier.__table__.c
_C = Case.__table__.c
_OPEN = literal_column("'open'")


@dataclass(frozen=True)
class DossierSummary:
    opened: int = 0
    closed: int = 0
    handed_over: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.closed or self.handed_over)


def open_dossier_id(persoonsnummer) -> ScalarSelect:
    """The id of the person's open dossier (a correlated subquery for set-based inserts)."""
    return (select(_D.id).where(_D.persoonsnummer == persoonsnummer, _D.status == _OPEN)
            .limit(1).scalar_subquery())


def open_for(connection: Connection, peildatum: date, new_reasons: Select) -> int:
    """Open a dossier for every person in `new_reasons` (persoonsnummer, gemeentecode) who has none."""
    wanted = new_reasons.subquery()
    persons = (select(wanted.c.persoonsnummer, func.min(wanted.c.gemeentecode).label("gemeentecode"))
               .where(~exists().where(_D.persoonsnummer == wanted.c.persoonsnummer, _D.status == _OPEN))
               .group_by(wanted.c.persoonsnummer).subquery())
    result = connection.execute(insert(Dossier.__table__).from_select(
        ["persoonsnummer", "gemeentecode", "status", "team", "thuiszitter", "opened_on", "legal_hold"],
        select(persons.c.persoonsnummer, persons.c.gemeentecode, literal(CaseStatus.OPEN.value),
               literal(Team.LPA.value), false(), literal(peildatum, Date), false()))
        .returning(_D.id))
    return len(result.all())


FINAL = (MeldingStatus.AFGESLOTEN.value, MeldingStatus.TER_KENNISGEVING_AANGENOMEN.value,
         MeldingStatus.INGETROKKEN.value)


def sync_melding_reasons(session: Session, peildatum: date, scope: frozenset[str] | None = None) -> int:
    """Every verzuimmelding still being handled is a reason in its person's dossier; a melding that
    became final (closed, withdrawn) ends its reason with `melding_afgesloten`. Returns how many
    reasons it opened. The reason's gemeente is the person's (register `personen`, else their open
    dossier, else the only gemeente of this sync); a melding of a person outside the sync's gemeenten
    waits for that gemeente's sync."""
    session.flush()
    connection = session.connection()
    melding = Verzuimmelding.__table__.c
    person = Persoon.__table__.c
    known = func.coalesce(
        select(person.gemeentecode).where(person.persoonsnummer == melding.persoonsnummer).scalar_subquery(),
        select(_D.gemeentecode).where(_D.persoonsnummer == melding.persoonsnummer, _D.status == _OPEN)
        .limit(1).scalar_subquery(),
        literal(next(iter(scope)) if scope is not None and len(scope) == 1 else None))
    new = (select(melding.id, melding.persoonsnummer, known.label("gemeentecode"), melding.begindatum)
           .where(melding.status.not_in(FINAL), ~exists().where(_C.verzuimmelding_id == melding.id))
           .subquery())
    wanted = select(new).where(new.c.gemeentecode.is_not(None))
    if scope is not None:
        wanted = wanted.where(new.c.gemeentecode.in_(sorted(scope)))
    wanted = wanted.subquery()
    open_for(connection, peildatum, select(wanted.c.persoonsnummer, wanted.c.gemeentecode))
    opened = connection.execute(insert(Case.__table__).from_select(
        ["persoonsnummer", "gemeentecode", "signal", "status", "opened_on", "sinds", "last_seen",
         "legal_hold", "adres_in_onderzoek", "controle_nodig", "verzuimmelding_id", "dossier_id"],
        select(wanted.c.persoonsnummer, wanted.c.gemeentecode, literal(VERZUIMMELDING),
               literal(CaseStatus.OPEN.value), literal(peildatum, Date), wanted.c.begindatum,
               literal(peildatum, Date), false(), false(), false(), wanted.c.id,
               open_dossier_id(wanted.c.persoonsnummer)))
        .returning(_C.id, _C.persoonsnummer)).all()
    final_date = (select(melding.status_datum).where(melding.id == _C.verzuimmelding_id).scalar_subquery())
    ended = connection.execute(
        update(Case.__table__)
        .where(_C.status == _OPEN, _C.signal == VERZUIMMELDING,
               exists().where(melding.id == _C.verzuimmelding_id, melding.status.in_(FINAL)))
        .values(status=CaseStatus.CLOSED.value, close_reason=CloseReason.MELDING_AFGESLOTEN.value,
                closed_on=func.coalesce(case((final_date >= _C.opened_on, final_date)), _C.opened_on))
        .returning(_C.id, _C.persoonsnummer, _C.closed_on)).all()
    now = datetime.now(UTC).replace(tzinfo=None)
    bulk_insert(connection, CaseAction.__table__, [
        *({"case_id": r.id, "action": ActionType.GEOPEND, "on_date": peildatum, "by": SYSTEEM,
           "note": "verzuimmelding ontvangen", "recorded_at": now} for r in opened),
        *({"case_id": r.id, "action": ActionType.GESLOTEN, "on_date": r.closed_on, "by": SYSTEEM,
           "note": CloseReason.MELDING_AFGESLOTEN.label, "recorded_at": now} for r in ended)])
    trail(session).record_many(session, [
        *(AuditEvent("case.opened", r.persoonsnummer, "cases", r.id, "verzuimmelding") for r in opened),
        *(AuditEvent("case.closed", r.persoonsnummer, "cases", r.id, "reason=melding_afgesloten")
          for r in ended),
    ])
    return len(opened)


def _open_reason(dossier_id_column, *signals: str) -> exists:
    return exists().where(_C.dossier_id == dossier_id_column, _C.status == _OPEN, _C.signal.in_(signals))


def _open_leerplicht_melding(dossier_id_column) -> exists:
    """An open reason of a school's melding not of soort RMC: a leerplichtige's verzuim."""
    melding = Verzuimmelding.__table__.c
    return exists().where(_C.dossier_id == dossier_id_column, _C.status == _OPEN,
                          _C.signal == VERZUIMMELDING, melding.id == _C.verzuimmelding_id,
                          melding.soort != VerzuimSoort.RMC.value)


def team_expression(dossier_id_column, current):
    """lpa while a leerplicht reason (or a school's non-RMC melding) is open; rmc when only RMC reasons
    are (registers.dossiers.rmc_reason); otherwise the team it had (a THUISZITTER or ONBEKEND_IN_BRP
    reason does not move it)."""
    return case(
        (or_(_open_reason(dossier_id_column, *sorted(LEERPLICHT_SIGNALS)),
             _open_leerplicht_melding(dossier_id_column)), literal(Team.LPA.value)),
        (holds_rmc_reason(dossier_id_column, open_only=True), literal(Team.RMC.value)),
        else_=current)


def refresh(session: Session, peildatum: date, scope: frozenset[str] | None = None, *,
            opened: int = 0) -> DossierSummary:
    """Classify, hand over and close dossiers after their reasons changed on `peildatum` (`opened`:
    how many `open_for` opened, for the summary)."""
    session.flush()
    connection = session.connection()
    dossiers = Dossier.__table__
    now = datetime.now(UTC).replace(tzinfo=None)

    in_scope = [_D.status == _OPEN]
    if scope is not None:
        in_scope.append(_D.gemeentecode.in_(sorted(scope)))

    # The gemeente follows the newest open reason; the classification follows the THUISZITTER reason.
    newest_gemeente = (select(_C.gemeentecode).where(_C.dossier_id == _D.id, _C.status == _OPEN)
                       .order_by(_C.last_seen.desc(), _C.id.desc()).limit(1).scalar_subquery())
    connection.execute(update(dossiers).where(_D.status == _OPEN, exists().where(
        _C.dossier_id == _D.id, _C.status == _OPEN)).values(
        gemeentecode=func.coalesce(newest_gemeente, _D.gemeentecode),
        thuiszitter=_open_reason(_D.id, ReasonCode.THUISZITTER.value)))

    # Handed over to RMC: the team of a dossier opened before changes from lpa to rmc.
    new_team = team_expression(_D.id, _D.team)
    handovers = connection.execute(select(_D.id, _D.persoonsnummer).where(
        *in_scope, _D.opened_on < peildatum, _D.team == Team.LPA.value, new_team == Team.RMC.value)).all()
    connection.execute(update(dossiers).where(*in_scope).values(team=new_team))
    if handovers:
        ids = [row.id for row in handovers]
        connection.execute(update(dossiers).where(_D.id.in_(ids)).values(assigned_to=None))
        reason_of = dict(connection.execute(
            select(_C.dossier_id, func.max(_C.id)).where(_C.dossier_id.in_(ids), _C.status == _OPEN,
                                                        rmc_reason(_C))
            .group_by(_C.dossier_id)).all())
        bulk_insert(connection, CaseAction.__table__, [
            {"case_id": reason_of[d], "action": ActionType.OVERGEDRAGEN, "on_date": peildatum, "by": SYSTEEM,
             "note": "geen leerplichtaanleiding meer open (zie de aanleidingen); het dossier gaat naar RMC / "
                     "het Doorstroompunt",
             "recorded_at": now}
            for d in ids if d in reason_of])

    # Closed: no open reason left. The dossier takes the date and reason of its last reason to end.
    last = (select(_C.closed_on, _C.close_reason).where(_C.dossier_id == _D.id, _C.status != _OPEN)
            .order_by(_C.closed_on.desc(), _C.id.desc()).limit(1))
    last_sub = last.subquery()
    closed = connection.execute(
        update(dossiers).where(*in_scope, ~exists().where(_C.dossier_id == _D.id, _C.status == _OPEN),
                               exists().where(_C.dossier_id == _D.id))
        .values(status=CaseStatus.CLOSED.value,
                closed_on=select(last_sub.c.closed_on).scalar_subquery(),
                close_reason=select(last_sub.c.close_reason).scalar_subquery())
        .returning(_D.id, _D.persoonsnummer)).all()

    trail(session).record_many(session, [
        *(AuditEvent("dossier.overgedragen", r.persoonsnummer, "dossiers", r.id) for r in handovers),
        *(AuditEvent("dossier.gesloten", r.persoonsnummer, "dossiers", r.id) for r in closed),
    ])
    return DossierSummary(opened=opened, closed=len(closed), handed_over=len(handovers))
