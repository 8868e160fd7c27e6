"""The weekly sync: turn the signals of a peildatum into the reasons of the persons' dossiers.

docs/spec.md §4.3: a signal opens at most one open reason (a `cases` row) per person and type, in
the person's one open dossier (opened for it when there is none); the same signal next week updates
that reason (never a second one, never a second first letter); a reason whose signal disappeared
ends with the reason the matching computed, and a dossier without open reasons closes
(registers.dossier_sync). Running the same week twice changes nothing. The work is set-based (a
temp table of the week's signals, then one UPDATE / INSERT … SELECT each) because a national run
brings millions of signals and row-by-row ORM work would take hours; the partial unique index is
the last line of defence if two runs ever race.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    MetaData,
    Select,
    String,
    Table,
    and_,
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
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session

from connectors.persoonsnummer import is_persoonsnummer
from registers import dossier_sync, thuiszitters, vrijstellingen, vsv
from registers.audit import SYSTEEM, AuditEvent, trail
from registers.codes import VERZUIMMELDING, ActionType, CaseStatus, CloseReason, ReasonCode
from registers.db import bulk_insert, writer_connection
from registers.errors import Refused
from registers.models import Case, CaseAction

log = logging.getLogger(__name__)

SYSTEM = SYSTEEM  # who the timeline names for what the sync did
FLAGS = ("adres_in_onderzoek", "controle_nodig")

_tmp = MetaData()
_SIGNALS = Table(
    "tmp_sync_signals", _tmp,
    Column("persoonsnummer", String(9), primary_key=True),
    Column("signal", String(32), primary_key=True),
    Column("gemeentecode", String(4), nullable=False),
    Column("sinds", Date),
    Column("adres_in_onderzoek", Boolean, nullable=False),
    Column("controle_nodig", Boolean, nullable=False),
    prefixes=["TEMPORARY"],
)
_GONE = Table(
    "tmp_sync_gone", _tmp,
    Column("persoonsnummer", String(9), primary_key=True),
    Column("signal", String(32), primary_key=True),  # '*': every signal of the person
    Column("reason", String(32), nullable=False),
    prefixes=["TEMPORARY"],
)
ANY_SIGNAL = "*"
_OPEN = literal_column("'open'")  # a literal, so SQLite's planner can use the partial index


@dataclass(frozen=True)
class SyncSummary:
    """What one sync did. `updated` counts open cases seen again on a later peildatum (or changed)."""

    opened: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    closed_by_reason: Mapping[str, int] = field(default_factory=dict)
    thuiszitters: thuiszitters.ThuiszitterSummary = field(default_factory=thuiszitters.ThuiszitterSummary)
    dossiers: dossier_sync.DossierSummary = field(default_factory=dossier_sync.DossierSummary)

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.updated or self.closed or self.thuiszitters.changed
                    or self.dossiers.changed)


def _as_date(value: Any, what: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Refused(f"{what}: {value!r} is not an ISO date",
                      code="sync_geen_datum", waar=what, waarde=value) from None


def _as_mapping(row: Any) -> Mapping[str, Any]:
    if isinstance(row, Mapping):
        return row
    if hasattr(row, "_asdict"):
        return row._asdict()
    raise TypeError(f"a signal row must be a mapping or a named tuple, not {type(row).__name__}")


def _normalise(signals: Iterable[Any], peildatum: date, gemeenten: frozenset[str] | None) -> list[dict]:
    """Check every row and fold duplicates (earliest `sinds`, flags or-ed): one row per person and signal."""
    rows: dict[tuple[str, str], dict] = {}
    for number, raw in enumerate(signals, start=1):
        row = _as_mapping(raw)
        where = f"signal row {number}"
        pn = str(row.get("persoonsnummer") or "").strip()
        if not is_persoonsnummer(pn):
            raise Refused(f"{where}: persoonsnummer fails the elfproef (BSN or onderwijsnummer)",
                          code="sync_elfproef", waar=where)
        try:
            signal = ReasonCode(str(row.get("signal")))
        except ValueError:
            raise Refused(f"{where}: unknown signal {row.get('signal')!r}",
                          code="sync_onbekend_signaal", waar=where, waarde=row.get("signal")) from None
        gemeentecode = str(row.get("gemeentecode") or "").strip().zfill(4)
        if not gemeentecode.isdigit() or len(gemeentecode) != 4:
            raise Refused(f"{where}: gemeentecode {row.get('gemeentecode')!r} is not 4 digits",
                          code="sync_gemeentecode", waar=where, waarde=row.get("gemeentecode"))
        if gemeenten is not None and gemeentecode not in gemeenten:
            raise Refused(f"{where}: gemeente {gemeentecode} is outside this sync "
                          f"({', '.join(sorted(gemeenten))})",
                          code="sync_buiten_gemeenten", waar=where, gemeente=gemeentecode)
        row_peildatum = _as_date(row.get("peildatum"), where)
        if row_peildatum is not None and row_peildatum != peildatum:
            raise Refused(f"{where}: peildatum {row_peildatum} differs from the sync's {peildatum}",
                          code="sync_peildatum", waar=where, datum=row_peildatum, peildatum=peildatum)
        sinds = _as_date(row.get("sinds"), where)
        flags = {flag: bool(row.get(flag)) for flag in FLAGS}
        key = (pn, signal.value)
        if key in rows:
            kept = rows[key]
            if sinds is not None and (kept["sinds"] is None or sinds < kept["sinds"]):
                kept["sinds"] = sinds
            for flag in FLAGS:
                kept[flag] = kept[flag] or flags[flag]
            continue
        rows[key] = {"persoonsnummer": pn, "signal": signal.value, "gemeentecode": gemeentecode,
                     "sinds": sinds, **flags, "_row": row}
    return list(rows.values())


def sync_cases(
    session: Session,
    peildatum: date,
    signals: Iterable[Mapping[str, Any]],
    gone_reasons: Mapping[str | tuple[str, str], CloseReason | str],
    *,
    gemeenten: Iterable[str] | None = None,
) -> SyncSummary:
    """Bring the cases in line with the signals of `peildatum`; return what changed.

    `signals`: rows with `persoonsnummer`, `gemeentecode`, `signal`, `sinds`, `peildatum` and the
    optional flags `adres_in_onderzoek` / `controle_nodig` (VSV rows may add `brin`, `niveau`,
    `datum_uitschrijving` for the VSV register). `gone_reasons`: (persoonsnummer, signal), or
    persoonsnummer for all their signals, → the reason a signal disappeared; an open reason
    whose signal is gone without an explanation ends as `signaal_vervallen`. `gemeenten`: when the
    region's municipalities sync separately, each sync only closes cases of its own gemeenten.

    Refuses the whole batch (nothing changes) on a bad row. Does not commit: the caller decides.
    """
    scope = frozenset(code.zfill(4) for code in gemeenten) if gemeenten is not None else None
    rows = _normalise(signals, peildatum, scope)
    reasons: dict[tuple[str, str], str] = {}
    for key, reason in gone_reasons.items():
        pn, signal = key if isinstance(key, tuple) else (key, ANY_SIGNAL)
        try:
            reasons[(str(pn), str(getattr(signal, "value", signal)))] = CloseReason(reason).value
        except ValueError:
            raise Refused(f"gone_reasons: unknown close reason {reason!r}",
                          code="sync_sluitreden", waarde=reason) from None
    audit = trail(session)
    connection = writer_connection(session)
    session.flush()  # the set-based statements below bypass the ORM: pending changes go first
    now = datetime.now(UTC).replace(tzinfo=None)

    # Temp tables live in the transaction: a failure rolls them back with everything else.
    _SIGNALS.create(connection)
    _GONE.create(connection)
    if rows:
        bulk_insert(connection, _SIGNALS, [{k: v for k, v in r.items() if k != "_row"} for r in rows])
    if reasons:
        bulk_insert(connection, _GONE, [{"persoonsnummer": pn, "signal": signal, "reason": r}
                                         for (pn, signal), r in reasons.items()])
    events, updated = _update_seen(connection, peildatum)
    closed = _close_gone(connection, peildatum, scope)
    new_dossiers = dossier_sync.open_for(connection, peildatum, _new_reasons())
    opened = _open_new(connection, peildatum)
    _GONE.drop(connection)
    _SIGNALS.drop(connection)

    timeline = [_action(case_id, ActionType.GEOPEND, peildatum, None, now) for case_id, _ in opened]
    timeline += [_action(e.id, ActionType.BIJGEWERKT, peildatum, _describe_change(e), now) for e in events]
    timeline += [_action(c.id, ActionType.GESLOTEN, peildatum, CloseReason(c.close_reason).label, now)
                 for c in closed]
    bulk_insert(connection, CaseAction.__table__, timeline)
    audit.record_many(session, [
        *(AuditEvent("case.opened", pn, "cases", case_id) for case_id, pn in opened),
        *(AuditEvent("case.updated", pn, "cases", case_id) for case_id, pn in updated),
        *(AuditEvent("case.closed", c.persoonsnummer, "cases", c.id, f"reason={c.close_reason}")
          for c in closed),
    ])

    vsv.record_signals(session, peildatum, [r["_row"] for r in rows if r["signal"] == ReasonCode.VSV])
    vsv.record_outcomes(session, peildatum, [(c.persoonsnummer, CloseReason(c.close_reason))
                                             for c in closed if c.signal == ReasonCode.VSV])
    vrijstellingen.end_on_emigration(session, [c.persoonsnummer for c in closed
                                               if c.close_reason == CloseReason.GEEMIGREERD.value], peildatum)
    ts = thuiszitters.sync_thuiszitters(session, peildatum)
    dossier_sync.sync_melding_reasons(session, peildatum, scope)
    dossiers = dossier_sync.refresh(session, peildatum, scope, opened=new_dossiers)
    session.expire_all()  # objects loaded before the sync reload what the statements changed

    summary = SyncSummary(opened=len(opened), updated=len(updated), closed=len(closed),
                          unchanged=len(rows) - len(opened) - len(updated),
                          closed_by_reason=dict(Counter(CloseReason(c.close_reason).value for c in closed)),
                          thuiszitters=ts, dossiers=dossiers)
    log.info("Case sync %s: %d opened, %d updated, %d closed, %d unchanged", peildatum.isoformat(),
             summary.opened, summary.updated, summary.closed, summary.unchanged)
    return summary


_CASES = Case.__table__
_S = _SIGNALS.c
_MATCHES = and_(_CASES.c.status == _OPEN, _CASES.c.persoonsnummer == _S.persoonsnummer,
                _CASES.c.signal == _S.signal)


def _update_seen(connection: Connection, peildatum: date) -> tuple[list[Row], list[Row]]:
    """Open cases seen again get the peildatum; a change of gemeente or flags is also a timeline event.

    Returns (the events: old and new facts, the updated cases: id and persoonsnummer)."""
    cases = _CASES
    changed_facts = or_(cases.c.gemeentecode != _S.gemeentecode,
                        cases.c.adres_in_onderzoek != _S.adres_in_onderzoek,
                        cases.c.controle_nodig != _S.controle_nodig)
    events = connection.execute(
        select(cases.c.id, cases.c.gemeentecode, cases.c.adres_in_onderzoek, cases.c.controle_nodig,
               _S.gemeentecode.label("new_gemeentecode"), _S.adres_in_onderzoek.label("new_adres"),
               _S.controle_nodig.label("new_controle"))
        .where(_MATCHES, cases.c.last_seen <= peildatum, changed_facts)
    ).all()
    updated = connection.execute(
        update(cases)
        .where(_MATCHES, cases.c.last_seen <= peildatum,
               or_(cases.c.last_seen < peildatum, changed_facts,
                   and_(cases.c.sinds.is_(None), _S.sinds.is_not(None))))
        .values(last_seen=peildatum, gemeentecode=_S.gemeentecode,
                sinds=func.coalesce(cases.c.sinds, _S.sinds), adres_in_onderzoek=_S.adres_in_onderzoek,
                controle_nodig=_S.controle_nodig)
        .returning(cases.c.id, cases.c.persoonsnummer)
    ).all()
    return events, updated


def _close_gone(connection: Connection, peildatum: date, scope: frozenset[str] | None) -> list[Row]:
    """Open cases whose signal is gone close with the person's reason (an older week never closes a newer
    case). Returns id, persoonsnummer, signal and close_reason of each."""
    cases = _CASES
    signal_present = exists().where(_S.persoonsnummer == cases.c.persoonsnummer, _S.signal == cases.c.signal)
    reason = (select(_GONE.c.reason)
              .where(_GONE.c.persoonsnummer == cases.c.persoonsnummer,
                     or_(_GONE.c.signal == cases.c.signal, _GONE.c.signal == ANY_SIGNAL))
              .order_by((_GONE.c.signal == ANY_SIGNAL).asc()).limit(1).scalar_subquery())
    where = [cases.c.status == _OPEN, cases.c.last_seen <= peildatum, cases.c.opened_on <= peildatum,
             cases.c.signal != literal_column(f"'{VERZUIMMELDING}'"), ~signal_present]
    if scope is not None:
        where.append(cases.c.gemeentecode.in_(sorted(scope)))
    return connection.execute(
        update(cases).where(*where)
        .values(status=CaseStatus.CLOSED.value, closed_on=peildatum,
                close_reason=func.coalesce(reason, CloseReason.SIGNAAL_VERVALLEN.value))
        .returning(cases.c.id, cases.c.persoonsnummer, cases.c.signal, cases.c.close_reason)
    ).all()


def _new_reasons() -> Select:
    """The persons and gemeenten of this week's signals that have no open reason yet."""
    return select(_S.persoonsnummer, _S.gemeentecode).where(~exists().where(_MATCHES))


def _open_new(connection: Connection, peildatum: date) -> list[Row]:
    """Signals without an open reason open one in the person's open dossier (a signal that returns
    after its reason ended opens a new reason)."""
    cases = _CASES
    return connection.execute(
        insert(cases)
        .from_select(
            ["persoonsnummer", "gemeentecode", "signal", "status", "opened_on", "sinds", "last_seen",
             "legal_hold", "adres_in_onderzoek", "controle_nodig", "dossier_id"],
            select(_S.persoonsnummer, _S.gemeentecode, _S.signal, literal(CaseStatus.OPEN.value),
                   literal(peildatum, Date), _S.sinds, literal(peildatum, Date), false(),
                   _S.adres_in_onderzoek, _S.controle_nodig,
                   dossier_sync.open_dossier_id(_S.persoonsnummer)).where(~exists().where(_MATCHES)),
        )
        .returning(cases.c.id, cases.c.persoonsnummer)
    ).all()


def _action(case_id: int, action: ActionType, on: date, note: str | None, now: datetime) -> dict:
    return {"case_id": case_id, "action": action, "on_date": on, "by": SYSTEM, "note": note,
            "recorded_at": now}


def _describe_change(event: Any) -> str:
    """The timeline note of a sync update; names what changed, never personal data."""
    parts = []
    if event.gemeentecode != event.new_gemeentecode:
        parts.append(f"gemeente {event.gemeentecode} → {event.new_gemeentecode}")
    if bool(event.adres_in_onderzoek) != bool(event.new_adres):
        parts.append("adres in onderzoek" if event.new_adres else "adresonderzoek afgerond")
    if bool(event.controle_nodig) != bool(event.new_controle):
        parts.append("handmatige controle nodig" if event.new_controle else "controle niet meer nodig")
    return "; ".join(parts)
