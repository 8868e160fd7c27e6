"""Working a case by hand: the timeline of letters, visits, talks and sanctions, assignment, closing.

The case sync opens and closes cases from signals; this module is what the leerplichtambtenaar or
RMC counsellor does in between (docs/spec.md §4.3). Every change is audited; what the law or common sense
forbids (acting on a closed case, an action dated in the future or before the case existed) is
refused with a message that says why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registers.audit import AuditEvent, trail
from registers.codes import ActionType, CaseStatus, CloseReason, Signal, parse_code, parse_signal
from registers.errors import Refused
from registers.models import Case, CaseAction
from registers.vrijstellingen import end_on_emigration
from rules.dates import format_nl


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise Refused(f"there is no case {case_id}")
    return case


def read_case(session: Session, case_id: int) -> Case:
    """The case with its timeline, for showing: reading a dossier is audited too (AVG)."""
    case = session.scalars(select(Case).options(selectinload(Case.actions)).where(Case.id == case_id)).first()
    if case is None:
        raise Refused(f"there is no case {case_id}")
    trail(session).record(session, AuditEvent("case.read", case.persoonsnummer, "cases", case.id))
    return case


def list_cases(
    session: Session,
    *,
    status: CaseStatus | str | None = None,
    signal: Signal | str | None = None,
    assigned_to: str | None = None,
) -> list[Case]:
    """Cases, oldest first, filtered by status, signal type and assignee (`-` means unassigned)."""
    query = select(Case).order_by(Case.opened_on, Case.id)
    if status is not None:
        query = query.where(Case.status == parse_code(CaseStatus, status, "status"))
    if signal is not None:
        query = query.where(Case.signal == parse_signal(signal))
    if assigned_to == "-":
        query = query.where(Case.assigned_to.is_(None))
    elif assigned_to is not None:
        query = query.where(Case.assigned_to == assigned_to)
    return list(session.scalars(query))


def record_action(
    session: Session,
    case_id: int,
    action: ActionType | str,
    *,
    on: date | None = None,
    by: str | None = None,
    note: str | None = None,
    reason: CloseReason | str | None = None,
    today: date | None = None,
) -> CaseAction:
    """Add a dated step to the timeline; `gesloten` also closes the case (reason default `handmatig`)."""
    today = today or date.today()
    on = on or today
    try:
        kind = action if isinstance(action, ActionType) else ActionType.parse(action)
    except ValueError:
        choices = ", ".join(a.value for a in ActionType if not a.is_system)
        raise Refused(f"unknown action {action!r}; use one of: {choices}") from None
    if kind.is_system:
        raise Refused(f"{kind.value!r} is written by the case sync, not by hand")
    if reason is not None and kind is not ActionType.GESLOTEN:
        raise Refused("a reason belongs to closing a case (action gesloten)")
    case = get_case(session, case_id)
    if on > today:
        raise Refused(f"the date {format_nl(on)} lies in the future")
    if on < case.opened_on:
        raise Refused(f"the date {format_nl(on)} lies before case {case.id} was opened "
                      f"on {format_nl(case.opened_on)}")
    if case.status == CaseStatus.CLOSED and kind != ActionType.NOTITIE:
        raise Refused(f"case {case.id} was closed on {format_nl(case.closed_on)}; only a note can be added")
    audit = trail(session)
    by = by or audit.actor
    detail = None
    if kind is ActionType.GESLOTEN:
        close_reason = parse_code(CloseReason, reason or CloseReason.HANDMATIG, "close reason")
        case.status, case.closed_on, case.close_reason = CaseStatus.CLOSED, on, close_reason
        detail = f"reason={close_reason.value}"
    entry = CaseAction(case=case, action=kind, on_date=on, by=by, note=note,
                       recorded_at=datetime.now(UTC).replace(tzinfo=None))
    session.add(entry)
    session.flush()
    audit.record(session, AuditEvent(f"case.{kind.value}", case.persoonsnummer, "cases", case.id, detail))
    if kind is ActionType.GESLOTEN and case.close_reason == CloseReason.GEEMIGREERD:
        end_on_emigration(session, [case.persoonsnummer], on)
    return entry


def assign(session: Session, case_id: int, assigned_to: str | None) -> Case:
    """Give the case to a leerplichtambtenaar or RMC counsellor (None: nobody)."""
    case = get_case(session, case_id)
    case.assigned_to = (assigned_to or "").strip() or None
    trail(session).record(session, AuditEvent("case.assigned", case.persoonsnummer, "cases", case.id))
    session.flush()
    return case


def set_legal_hold(session: Session, case_id: int, hold: bool) -> Case:
    """A legal hold keeps the dossier past its retention period (an objection, a court case)."""
    case = get_case(session, case_id)
    case.legal_hold = hold
    trail(session).record(session, AuditEvent("case.legal_hold", case.persoonsnummer, "cases", case.id,
                                              f"hold={hold}"))
    session.flush()
    return case

