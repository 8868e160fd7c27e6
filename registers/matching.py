"""The weekly match: the signals of a peildatum over staging and the vrijstellingen register, and the
case sync they drive.

Why here: the signals (`rules.signals`) are computed over staging, but a vrijstelling registered by
hand lives in the register (the system of record); and a case that lost its signal must close with
the reason, which only the staged facts can tell (died, moved, enrolled, SK, vrijstelling, turned
18 or 23). This module joins the two stores, in one direction: it reads staging, it writes the
registers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

import duckdb
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from registers.case_sync import SyncSummary, sync_cases
from registers.codes import VERZUIMMELDING, CaseStatus, CloseReason
from registers.models import Case, Vrijstelling
from rules.signals import (
    ABSOLUUT_VERZUIM,
    BIJNA_LEERPLICHTIG,
    CONTROLE_GEBOORTEDATUM,
    GEEN_INSCHRIJVING_RMC,
    ONBEKEND_IN_BRP,
    THUISZITTER,
    VSV,
    SignalRow,
    person_state,
    signals_as_list,
)
from rules.status import StatusCode

log = logging.getLogger(__name__)

REGISTER_RELATION = "vrijstellingen_register"


def register_vrijstellingen(con: duckdb.DuckDBPyConnection, session: Session) -> int:
    """Make the register's vrijstellingen visible to the signal SQL (as `vrijstellingen_register`)."""
    rows = session.execute(select(Vrijstelling.persoonsnummer, Vrijstelling.grond, Vrijstelling.begindatum,
                                  Vrijstelling.einddatum)).all()
    table = pa.table({
        "persoonsnummer": pa.array([r[0] for r in rows], pa.string()),
        "grondslag": pa.array([str(getattr(r[1], "value", r[1])) for r in rows], pa.string()),
        "begindatum": pa.array([r[2] for r in rows], pa.date32()),
        "einddatum": pa.array([r[3] for r in rows], pa.date32()),
    })
    con.register(REGISTER_RELATION, table)
    return len(rows)


def week_signals(con: duckdb.DuckDBPyConnection, session: Session, peildatum: date,
                 gemeenten: Iterable[str], types: Iterable[str] | None = None) -> list[SignalRow]:
    """The signals of `peildatum` with the register's vrijstellingen taken into account."""
    register_vrijstellingen(con, session)
    try:
        return signals_as_list(con, peildatum, tuple(gemeenten), types)
    finally:
        con.unregister(REGISTER_RELATION)


def close_reason(signal: str, state: dict[str, object] | None,
                 still: frozenset[str] = frozenset()) -> CloseReason:
    """Why `signal` disappeared for a person, from the staged facts of the peildatum (most decisive
    first: a death outranks a move, a move outranks an enrolment) and the signals the person `still`
    has: a reason that another one continues in the same dossier ends with that named."""
    if signal == VSV and (GEEN_INSCHRIJVING_RMC in still or ABSOLUUT_VERZUIM in still):
        return CloseReason.CONVENANTJAAR_VOORBIJ  # a minor's VSV: the absoluut verzuim goes on
    if signal == BIJNA_LEERPLICHTIG and ABSOLUUT_VERZUIM in still:
        return CloseReason.LEERPLICHTIG_GEWORDEN
    if state is None:
        return CloseReason.SIGNAAL_VERVALLEN
    if state["overleden"]:
        return CloseReason.OVERLEDEN
    if state["geemigreerd"]:
        return CloseReason.GEEMIGREERD
    if signal == ONBEKEND_IN_BRP and state["resident"]:
        return CloseReason.BRP_GECORRIGEERD
    if not state["resident"]:
        return CloseReason.VERHUISD
    if state["startkwalificatie"]:
        return CloseReason.STARTKWALIFICATIE
    if state["geldig"]:
        return CloseReason.INSCHRIJVING_GEVONDEN
    if state["vrijstelling"]:
        return CloseReason.VRIJSTELLING
    status = state["status"]
    if signal == ABSOLUUT_VERZUIM and status in (StatusCode.RMC_DOELGROEP, StatusCode.GEEN):
        return CloseReason.ACHTTIEN_GEWORDEN
    if status == StatusCode.GEEN:
        return CloseReason.RMC_LEEFTIJD_BEREIKT
    if signal == THUISZITTER:
        return CloseReason.VERZUIM_BEEINDIGD
    if signal == VSV and status == StatusCode.RMC_DOELGROEP:
        return CloseReason.CONVENANTJAAR_VOORBIJ
    if signal == BIJNA_LEERPLICHTIG and status == StatusCode.LEERPLICHTIG:
        return CloseReason.LEERPLICHTIG_GEWORDEN  # not enrolled yet, inside the grace before absoluut verzuim
    if signal == CONTROLE_GEBOORTEDATUM:
        # a birth date known in part no longer leaves the status open: the BRP now has the day, or
        # every day it allows is past the birthday that mattered (the 5th, the 18th)
        vroegst = state.get("geboortedatum_vroegst")
        if vroegst is not None and vroegst == state.get("geboortedatum_laatst"):
            return CloseReason.BRP_GECORRIGEERD
        if status == StatusCode.RMC_DOELGROEP:
            return CloseReason.ACHTTIEN_GEWORDEN
        if status == StatusCode.LEERPLICHTIG:
            return CloseReason.LEERPLICHTIG_GEWORDEN
    return CloseReason.SIGNAAL_VERVALLEN


def gone_reasons(con: duckdb.DuckDBPyConnection, session: Session, peildatum: date, gemeenten: Iterable[str],
                 signals: Iterable[SignalRow]) -> dict[tuple[str, str], CloseReason]:
    """For every open reason whose signal is gone this week: (persoonsnummer, signal) → the close reason."""
    current = {(s.persoonsnummer, s.signal) for s in signals}
    still: dict[str, set[str]] = {}
    for pn, signal in current:
        still.setdefault(pn, set()).add(signal)
    open_cases = session.execute(
        select(Case.persoonsnummer, Case.signal).where(Case.status == CaseStatus.OPEN,
                                                       Case.signal != VERZUIMMELDING)).all()
    gone = [(pn, str(getattr(sig, "value", sig))) for pn, sig in open_cases
            if (pn, str(getattr(sig, "value", sig))) not in current]
    if not gone:
        return {}
    register_vrijstellingen(con, session)
    try:
        states = person_state(con, peildatum, tuple(gemeenten), {pn for pn, _ in gone})
    finally:
        con.unregister(REGISTER_RELATION)
    return {(pn, signal): close_reason(signal, states.get(pn), frozenset(still.get(pn, ())))
            for pn, signal in sorted(gone)}


def match_week(con: duckdb.DuckDBPyConnection, session: Session, peildatum: date,
               gemeenten: Iterable[str]) -> tuple[list[SignalRow], SyncSummary]:
    """Compute the signals of `peildatum` and bring the cases in line (no commit: the caller decides)."""
    gemeenten = tuple(gemeenten)
    signals = week_signals(con, session, peildatum, gemeenten)
    reasons = gone_reasons(con, session, peildatum, gemeenten, signals)
    rows = [{
        "persoonsnummer": s.persoonsnummer, "gemeentecode": s.gemeentecode, "signal": s.signal,
        "sinds": s.sinds, "peildatum": s.peildatum, "adres_in_onderzoek": bool(s.adres_in_onderzoek),
        "controle_nodig": s.signal in ("CONTROLE_GEBOORTEDATUM", "ONVOLLEDIGE_PERSOONSLIJST"),
    } for s in signals]
    summary = sync_cases(session, peildatum, rows, reasons, gemeenten=gemeenten)
    log.info("Match %s: %d signals, %d cases closed with a reason", peildatum.isoformat(), len(signals),
             len(reasons))
    return signals, summary
