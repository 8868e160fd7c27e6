"""Working a dossier by hand: the timeline of letters, talks, visits and sanctions, assignment, closing.

The weekly sync opens and ends the dossier's reasons from signals and meldingen; this module is what the
leerplichtambtenaar or RMC counsellor does in between (docs/spec.md §4.3). Every step is dated, made by
a named user and audited; what the law or common sense forbids (acting on a closed dossier, a date in
the future or before the dossier existed, a close dated before later steps) is refused with a message
that says why, and nothing changes.

A step is recorded on one of the dossier's reasons (`--reden`), by default the one it is most likely
about (`lead_reason`). A step on a verzuimmelding reason is the gemeente's handling of that melding:
the first one puts the melding `in behandeling` for DUO, and ending the reason closes the melding with
its reden afsluiting.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from registers import bijlagen as bijlage_store
from registers.audit import AuditEvent, trail
from registers.codes import (
    RMC_SIGNALS,
    VERZUIMMELDING,
    ActionType,
    CaseStatus,
    CloseReason,
    LetterStatus,
    MeldingStatus,
    ReasonCode,
    RedenAfsluiting,
    VerzuimSoort,
    parse_code,
    parse_signal,
)
from registers.errors import Refused
from registers.models import Case, CaseAction, Dossier, Letter, Persoon, Verzuimmelding
from registers.verzuim import handle_melding
from registers.vrijstellingen import end_on_emigration
from rules.dates import format_nl
from rules.verzuim_steps import Stap, Tegen, Verzuim, stap_toegestaan

# Which open reason a step is about when the user does not say: the most pressing first.
LEAD_ORDER = (ReasonCode.ABSOLUUT_VERZUIM, ReasonCode.VERZUIMMELDING, ReasonCode.THUISZITTER, ReasonCode.VSV,
              ReasonCode.GEEN_INSCHRIJVING_RMC, ReasonCode.ONBEKEND_IN_BRP,
              ReasonCode.ONVOLLEDIGE_PERSOONSLIJST, ReasonCode.CONTROLE_GEBOORTEDATUM,
              ReasonCode.BIJNA_LEERPLICHTIG)


def lead_reason(dossier: Dossier) -> Case:
    """The reason a step is about by default: the most pressing open one, else the last to end."""
    open_reasons = [r for r in dossier.reasons if r.status == CaseStatus.OPEN]
    if open_reasons:
        return min(open_reasons, key=lambda r: (LEAD_ORDER.index(ReasonCode(r.signal)), r.opened_on, r.id))
    return max(dossier.reasons, key=lambda r: (r.closed_on or r.opened_on, r.id))


def rmc_reason(reason: Any = Case) -> ColumnElement[bool]:
    """The SQL condition that a reason is RMC work (the RMC doelgroep's): a case whose signal is one of
    RMC_SIGNALS (GEEN_INSCHRIJVING_RMC, VSV), or a VERZUIMMELDING case whose melding has soort `RMC` (a
    school's melding of a young person of 18 or older without a startkwalificatie). `reason`: `Case`,
    an alias of it, or its table's columns.

    The one definition: the screen's RMC scope (web.dossier, web.inbox, web.werklijst) and the
    dossier's team (registers.dossier_sync) use it; PostgreSQL's policy `cases_rmc` says the same in
    its own SQL (revision 0019). The melding is an alias: a query that reads `verzuimmeldingen` itself
    (the inbox's new meldingen) must not correlate with it."""
    melding = aliased(Verzuimmelding)
    return or_(reason.signal.in_(sorted(RMC_SIGNALS)),
               and_(reason.signal == VERZUIMMELDING,
                    exists().where(melding.id == reason.verzuimmelding_id,
                                   melding.soort == VerzuimSoort.RMC.value)))


def holds_rmc_reason(dossier_id: Any, *, open_only: bool = False) -> ColumnElement[bool]:
    """The SQL condition that the dossier `dossier_id` (a column or an id) holds an RMC reason
    (`rmc_reason`; `open_only`: an open one): what an RMC user may see of it (docs/privacy.md §2)."""
    reason = aliased(Case)  # an alias: the query may read cases itself
    conditions = [reason.dossier_id == dossier_id, rmc_reason(reason)]
    if open_only:
        conditions.append(reason.status == CaseStatus.OPEN)
    return exists().where(*conditions)


def get_dossier(session: Session, dossier_id: int) -> Dossier:
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise Refused(f"there is no dossier {dossier_id}", code="geen_dossier", id=dossier_id)
    return dossier


def read_dossier(session: Session, dossier_id: int) -> Dossier:
    """The dossier with its reasons, timeline and attachments, for showing: reading is audited (AVG)."""
    dossier = session.scalars(
        select(Dossier).where(Dossier.id == dossier_id).options(
            selectinload(Dossier.reasons).selectinload(Case.actions).selectinload(CaseAction.bijlagen),
            selectinload(Dossier.reasons).selectinload(Case.melding))).first()
    if dossier is None:
        raise Refused(f"there is no dossier {dossier_id}", code="geen_dossier", id=dossier_id)
    trail(session).record(session, AuditEvent("dossier.read", dossier.persoonsnummer, "dossiers", dossier.id))
    return dossier


def timeline(dossier: Dossier) -> list[CaseAction]:
    """Every step on the dossier's reasons, oldest first."""
    return sorted((a for r in dossier.reasons for a in r.actions), key=lambda a: (a.on_date, a.id))


def list_dossiers(
    session: Session,
    *,
    status: CaseStatus | str | None = None,
    signal: ReasonCode | str | None = None,
    assigned_to: str | None = None,
) -> list[Dossier]:
    """Dossiers, oldest first, filtered by status, a reason they hold (open ones, for open dossiers)
    and assignee (`-`: unassigned)."""
    query = (select(Dossier).options(selectinload(Dossier.reasons).selectinload(Case.actions))
             .order_by(Dossier.opened_on, Dossier.id))
    if status is not None:
        query = query.where(Dossier.status == parse_code(CaseStatus, status, "status"))
    if signal is not None:
        code = parse_signal(signal)
        held = (Case.status == CaseStatus.OPEN) | (Dossier.status == CaseStatus.CLOSED)
        query = query.where(exists().where(Case.dossier_id == Dossier.id, Case.signal == code, held))
    if assigned_to == "-":
        query = query.where(Dossier.assigned_to.is_(None))
    elif assigned_to is not None:
        query = query.where(Dossier.assigned_to == assigned_to)
    return list(session.scalars(query))


def _reason(dossier: Dossier, reason_id: int | None) -> Case:
    if reason_id is None:
        return lead_reason(dossier)
    for reason in dossier.reasons:
        if reason.id == reason_id:
            return reason
    raise Refused(f"reason {reason_id} is not a reason of dossier {dossier.id}", code="andere_aanleiding")


def record_action(
    session: Session,
    dossier_id: int,
    action: ActionType | str,
    *,
    reason_id: int | None = None,
    on: date | None = None,
    by: str | None = None,
    note: str | None = None,
    close_reason: CloseReason | str | None = None,
    reden_afsluiting: RedenAfsluiting | str | None = None,
    attachments: Sequence[tuple[str, bytes]] = (),
    attachment_dir: Path | None = None,
    today: date | None = None,
    tegen: Tegen | str | None = None,
) -> CaseAction:
    """Add a dated step to the dossier's timeline, with its verslag (`note`) and attachments.

    `gesloten` ends the reason `reason_id`, or without it the whole dossier (every open reason); the
    dossier closes when no reason is left. Closing a verzuimmelding reason needs DUO's reden afsluiting.
    A Halt-verwijzing or proces-verbaal (`tegen`: the parents or the young person) must fit the law on
    the verzuim it is about (`check_step`, rules/verzuim_steps.py).
    """
    today = today or date.today()
    on = on or today
    try:
        kind = action if isinstance(action, ActionType) else ActionType.parse(action)
    except ValueError:
        choices = ", ".join(a.value for a in ActionType if not a.is_system)
        raise Refused(f"unknown action {action!r}; use one of: {choices}",
                      code="onbekende_actie", waarde=action, keuzes=choices) from None
    if kind.is_system:
        raise Refused(f"{kind.value!r} is written by the weekly sync, not by hand",
                      code="actie_van_sync", actie=kind.label)
    if (close_reason is not None or reden_afsluiting is not None) and kind is not ActionType.GESLOTEN:
        raise Refused("a close reason belongs to closing (action gesloten)",
                      code="sluitreden_alleen_bij_sluiten")
    if attachments and attachment_dir is None:
        raise Refused("attachments need the data directory to keep them in", code="bijlage_zonder_map")
    if tegen is not None and kind is not ActionType.PROCES_VERBAAL:
        raise Refused("--tegen belongs to a proces-verbaal", code="tegen_alleen_pv")
    dossier = get_dossier(session, dossier_id)
    reason = _reason(dossier, reason_id)
    if on > today:
        raise Refused(f"the date {format_nl(on)} lies in the future", code="datum_toekomst", datum=on)
    if on < dossier.opened_on:
        raise Refused(f"the date {format_nl(on)} lies before dossier {dossier.id} was opened "
                      f"on {format_nl(dossier.opened_on)}", code="voor_opening", datum=on,
                      geopend=dossier.opened_on)
    if dossier.status == CaseStatus.CLOSED and kind is not ActionType.NOTITIE:
        raise Refused(f"dossier {dossier.id} was closed on {format_nl(dossier.closed_on)}; "
                      "only a note can be added", code="dossier_gesloten", gesloten=dossier.closed_on)
    if reason.status == CaseStatus.CLOSED and kind is not ActionType.NOTITIE:
        raise Refused(f"reason {reason.id} ({reason.signal.value}) ended on {format_nl(reason.closed_on)}; "
                      "choose an open reason with --reden", code="aanleiding_beeindigd",
                      beeindigd=reason.closed_on)
    if kind in (ActionType.HALT_VERWIJZING, ActionType.PROCES_VERBAAL):
        tegen = check_step(session, reason, kind, on, tegen)
    audit = trail(session)
    by = by or audit.actor
    if kind is ActionType.GESLOTEN:
        later = [a for a in timeline(dossier) if a.on_date > on]
        if later:
            step = later[-1]
            raise Refused(f"a close on {format_nl(on)} lies before the step of {format_nl(step.on_date)} "
                          f"({step.action.label}); date the close on or after it", code="sluiten_voor_stap",
                          datum=on, stap=step.on_date, actie=step.action.label)
    if reason.signal == VERZUIMMELDING and kind is not ActionType.NOTITIE:
        _handle_melding(session, reason, kind, on, by, reden_afsluiting, today)
    elif reden_afsluiting is not None:
        raise Refused("a reden afsluiting belongs to closing a verzuimmelding reason",
                      code="reden_afsluiting_alleen_melding")

    now = datetime.now(UTC).replace(tzinfo=None)
    entry = CaseAction(case=reason, action=kind, on_date=on, by=by, note=note, recorded_at=now)
    session.add(entry)
    detail = None
    if kind is ActionType.GESLOTEN:
        code = parse_code(CloseReason, close_reason or (
            CloseReason.MELDING_AFGESLOTEN if reason.signal == VERZUIMMELDING else CloseReason.HANDMATIG),
            "close reason")
        ending = ([reason] if reason_id is not None
                  else [r for r in dossier.reasons if r.status == CaseStatus.OPEN])
        for ended in ending:
            if ended.signal == VERZUIMMELDING and ended is not reason:
                _handle_melding(session, ended, kind, on, by, reden_afsluiting, today)
            ended.status, ended.closed_on, ended.close_reason = CaseStatus.CLOSED, on, code
        if all(r.status == CaseStatus.CLOSED for r in dossier.reasons):
            dossier.status, dossier.closed_on, dossier.close_reason = CaseStatus.CLOSED, on, code
        detail = f"reason={code.value}"
    elif tegen is not None:
        detail = f"tegen={tegen.value}"
    session.flush()
    for name, content in attachments:
        bijlage_store.attach(session, entry, name, content, attachment_dir, by=by)
    audit.record(session, AuditEvent(f"dossier.{kind.value}", dossier.persoonsnummer, "dossiers", dossier.id,
                                     detail))
    if kind is ActionType.GESLOTEN and dossier.close_reason == CloseReason.GEEMIGREERD:
        end_on_emigration(session, [dossier.persoonsnummer], on)
    return entry


def verzuim_of(reason: Case, on: date) -> tuple[date, date, Verzuim]:
    """The verzuim a sanction step on `reason` is about: its first and last day (at most `on`) and its
    kind. A verzuimmelding is the school's period (to the step when it has no end) and relatief
    verzuim, langdurig for an LRV melding; a thuiszitter reason is langdurig; any other reason is
    absoluut verzuim (not enrolled) from the day it holds (`sinds`, else its opening) up to the step."""
    melding = reason.melding
    if reason.signal == VERZUIMMELDING and melding is not None:
        soort = Verzuim.LANGDURIG_RELATIEF if melding.soort == VerzuimSoort.LRV else Verzuim.RELATIEF
        return melding.begindatum, min(melding.einddatum or on, on), soort
    soort = Verzuim.LANGDURIG_RELATIEF if reason.signal == ReasonCode.THUISZITTER else Verzuim.ABSOLUUT
    return reason.sinds or reason.opened_on, on, soort


def check_step(session: Session, reason: Case, kind: ActionType, on: date,
               tegen: Tegen | str | None = None) -> Tegen | None:
    """Refuse a Halt-verwijzing or proces-verbaal the law does not allow on this reason's verzuim, by the
    birth date the registers keep (`personen`); without one only the kind of verzuim is checked, the
    ages cannot be (as with a vrijstelling, docs/law.md). Returns `tegen` as a code."""
    try:
        tegen = None if tegen is None else Tegen(str(tegen).strip().lower())
    except ValueError:
        raise Refused(f"unknown --tegen {tegen!r}; use ouders or jongere", code="onbekend_tegen",
                      waarde=tegen) from None
    persoon = session.get(Persoon, reason.persoonsnummer)
    van, tot, soort = verzuim_of(reason, on)
    eerder = earlier_halt(session, reason.persoonsnummer) if kind is ActionType.HALT_VERWIJZING else None
    toets = stap_toegestaan(Stap(kind.value), persoon.geboortedatum if persoon else None, van, tot,
                            tegen=tegen, verzuim=soort, sk_datum=persoon.sk_datum if persoon else None,
                            eerdere_halt=eerder)
    if toets.code == "halt_al_eerder":
        raise Refused(f"not allowed: {toets.reden}", code="halt_al_eerder", eerder=eerder)
    if not toets.toegestaan:
        raise Refused(f"not allowed by law: {toets.reden}", code="stap_niet_toegestaan", reden=toets.reden)
    return tegen


def earlier_halt(session: Session, persoonsnummer: str) -> date | None:
    """The first Halt-verwijzing recorded for this young person, on any reason of any dossier, open or
    closed (rules/verzuim_steps.py HALT_EEN_KEER); None when there is none. A Halt item removed after
    its Wpg term (registers/retention.py) is no longer known."""
    return session.scalar(select(func.min(CaseAction.on_date)).join(Case, Case.id == CaseAction.case_id)
                          .where(Case.persoonsnummer == persoonsnummer,
                                 CaseAction.action == ActionType.HALT_VERWIJZING))


def _handle_melding(session: Session, reason: Case, kind: ActionType, on: date, by: str,
                    reden: RedenAfsluiting | str | None, today: date) -> None:
    """DUO's status follows the handling: in behandeling at the first step, afgesloten at the end."""
    melding = reason.melding
    if melding is None or melding.status.is_final:
        return
    if kind is ActionType.GESLOTEN:
        if reden is None:
            raise Refused(f"closing verzuimmelding {melding.meldingsnummer} needs DUO's reden afsluiting "
                          f"(--reden-afsluiting): {', '.join(r.value for r in RedenAfsluiting)}",
                          code="reden_afsluiting_nodig", melding=melding.meldingsnummer)
        if melding.status == MeldingStatus.GEREGISTREERD:
            handle_melding(session, melding.meldingsnummer, MeldingStatus.IN_BEHANDELING, on=on, by=by,
                           today=today)
        handle_melding(session, melding.meldingsnummer, MeldingStatus.AFGESLOTEN, on=on, by=by, reden=reden,
                       today=today)
    elif melding.status == MeldingStatus.GEREGISTREERD:
        handle_melding(session, melding.meldingsnummer, MeldingStatus.IN_BEHANDELING, on=on, by=by,
                       today=today)


def assign(session: Session, dossier_id: int, assigned_to: str | None) -> Dossier:
    """Give the dossier to a leerplichtambtenaar or RMC counsellor (None: nobody)."""
    dossier = get_dossier(session, dossier_id)
    dossier.assigned_to = (assigned_to or "").strip() or None
    trail(session).record(session, AuditEvent("dossier.assigned", dossier.persoonsnummer, "dossiers",
                                              dossier.id))
    session.flush()
    return dossier


def set_legal_hold(session: Session, dossier_id: int, hold: bool) -> Dossier:
    """A legal hold keeps the dossier past its retention period (an objection, a court case)."""
    dossier = get_dossier(session, dossier_id)
    dossier.legal_hold = hold
    for reason in dossier.reasons:  # the retention reads it per record
        reason.legal_hold = hold
    trail(session).record(session, AuditEvent("dossier.legal_hold", dossier.persoonsnummer, "dossiers",
                                              dossier.id, f"hold={hold}"))
    session.flush()
    return dossier

def _value(item: object) -> str | None:
    return None if item is None else str(getattr(item, "value", item))


OPEN_DOSSIER_COLUMNS = [
    "dossier_id", "soort", "redenen", "persoonsnummer", "gemeentecode", "team", "thuiszitter", "geopend",
    "behandelaar", "adres_in_onderzoek", "controle_nodig", "laatste_actie", "laatste_actie_datum", "stap",
    "stap_datum", "tegengehouden", "tegengehouden_datum"]


def open_dossiers(session: Session, ids: Collection[int] | None = None) -> list[dict[str, Any]]:
    """Every open dossier (or those of `ids`), one plain row each in OPEN_DOSSIER_COLUMNS, with what sets
    its next step (reports.follow_up.next_action); plain rows so `cases show` needs no pandas.

    `soort`: the reason the next step is about (LEAD_ORDER); `redenen`: every open
    reason, comma-separated. `stap`: the latest step on any of its reasons, ended ones included (a
    letter on a VSV reason counts for the RMC reason that continues it), the sync's `bijgewerkt`
    and notes left out; `laatste_actie` the latest shown step. `tegengehouden`: the reason of a
    letter held back after that step (geheimhouding, …), which needs an assessment.
    """
    query = (select(Dossier.id, Dossier.persoonsnummer, Dossier.gemeentecode, Dossier.team,
                    Dossier.thuiszitter, Dossier.opened_on, Dossier.assigned_to)
             .where(Dossier.status == CaseStatus.OPEN).order_by(Dossier.id))
    if ids is not None:
        query = query.where(Dossier.id.in_(list(ids)))
    dossiers = session.execute(query).all()
    found = [row.id for row in dossiers]
    reasons: dict[int, list[Any]] = {}
    steps: dict[int, list[tuple[date, int, str]]] = {}
    held: dict[int, list[tuple[date, str]]] = {}
    for start in range(0, len(found), 500):
        chunk = found[start:start + 500]
        for row in session.execute(select(Case.dossier_id, Case.id, Case.signal, Case.status, Case.opened_on,
                                          Case.adres_in_onderzoek, Case.controle_nodig)
                                   .where(Case.dossier_id.in_(chunk))):
            reasons.setdefault(row.dossier_id, []).append(row)
        for dossier_id, on_date, action_id, action in session.execute(
                select(Case.dossier_id, CaseAction.on_date, CaseAction.id, CaseAction.action)
                .join(Case, Case.id == CaseAction.case_id).where(Case.dossier_id.in_(chunk))):
            steps.setdefault(dossier_id, []).append((on_date, action_id, _value(action) or ""))
        # A letter about a melding (the invitation) is logged on the melding: it is a step of its reason.
        melding_letters = (select(Case.dossier_id, Letter.id, Letter.datum, Letter.status, Letter.reden)
                           .join(Case, Case.verzuimmelding_id == Letter.verzuimmelding_id)
                           .where(Case.dossier_id.in_(chunk)))
        case_letters = (select(Case.dossier_id, Letter.id, Letter.datum, Letter.status, Letter.reden)
                        .join(Case, Case.id == Letter.case_id)
                        .where(Case.dossier_id.in_(chunk), Letter.status == LetterStatus.ONDERDRUKT))
        for query in (case_letters, melding_letters):
            for dossier_id, letter_id, datum, status, reden in session.execute(query):
                if _value(status) == LetterStatus.ONDERDRUKT.value:
                    held.setdefault(dossier_id, []).append((datum, _value(reden) or ""))
                elif _value(status) == LetterStatus.AANGEMAAKT.value:
                    steps.setdefault(dossier_id, []).append(
                        (datum, -letter_id, ActionType.BRIEF_VERSTUURD.value))
    rows = []
    for d in dossiers:
        mine = reasons.get(d.id, [])
        open_reasons = sorted(
            (r for r in mine if _value(r.status) == CaseStatus.OPEN.value),
            key=lambda r: (LEAD_ORDER.index(ReasonCode(_value(r.signal))), r.opened_on, r.id))
        timeline = sorted(steps.get(d.id, []))
        shown = [s for s in timeline if s[2] != ActionType.BIJGEWERKT.value]
        driving = [s for s in shown if s[2] not in (ActionType.NOTITIE.value, ActionType.GEOPEND.value,
                                                    ActionType.OVERGEDRAGEN.value)]
        last = shown[-1] if shown else (d.opened_on, 0, ActionType.GEOPEND.value)
        step = driving[-1] if driving else (d.opened_on, 0, ActionType.GEOPEND.value)
        later_holds = sorted(h for h in held.get(d.id, []) if h[0] > step[0]
                             or (h[0] == step[0] and step[2] != ActionType.BEOORDEELD.value))
        hold = later_holds[-1] if later_holds else (None, None)
        rows.append({
            "dossier_id": d.id, "soort": _value(open_reasons[0].signal) if open_reasons else "",
            "redenen": ", ".join(_value(r.signal) for r in open_reasons), "persoonsnummer": d.persoonsnummer,
            "gemeentecode": d.gemeentecode, "team": _value(d.team), "thuiszitter": bool(d.thuiszitter),
            "geopend": d.opened_on, "behandelaar": d.assigned_to or "",
            "adres_in_onderzoek": any(bool(r.adres_in_onderzoek) for r in open_reasons),
            "controle_nodig": any(bool(r.controle_nodig) for r in open_reasons),
            "laatste_actie": last[2], "laatste_actie_datum": last[0], "stap": step[2], "stap_datum": step[0],
            "tegengehouden": hold[1], "tegengehouden_datum": hold[0],
        })
    return rows
