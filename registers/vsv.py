"""The VSV register: early school leavers per convenantjaar (1 October – 30 September), and where they went.

A VSV signal registers the young person once per convenantjaar (the startset is the enrolment of
1 October). The RMC records the outcome by hand, or the case sync fills it in when the VSV case
closes for a reason that says where the young person went (enrolment found → back to school).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from registers.audit import AuditEvent, trail
from registers.codes import CloseReason, VsvUitkomst, parse_code
from registers.errors import Refused
from registers.models import VsvEntry

STARTSET_MONTH, STARTSET_DAY = 10, 1  # the startset is counted on 1 October (docs/formats.md)

OUTCOME_BY_CLOSE_REASON: Mapping[CloseReason, VsvUitkomst] = {
    CloseReason.INSCHRIJVING_GEVONDEN: VsvUitkomst.TERUG_NAAR_SCHOOL,
    CloseReason.STARTKWALIFICATIE: VsvUitkomst.SK_BEHAALD,
    CloseReason.DRIEENTWINTIG_GEWORDEN: VsvUitkomst.DRIEENTWINTIG,
    CloseReason.RMC_LEEFTIJD_BEREIKT: VsvUitkomst.DRIEENTWINTIG,  # a VSV case ends by 23 (vsv_leeftijd)
    CloseReason.VERHUISD: VsvUitkomst.VERHUISD,
    CloseReason.GEEMIGREERD: VsvUitkomst.BUITENLAND,
    CloseReason.OVERLEDEN: VsvUitkomst.OVERLEDEN,
}


def convenantjaar(d: date) -> int:
    """The convenantjaar holding `d`, named by the year of its 1 October (2025 = 1 Oct 2025 – 30 Sep 2026)."""
    return d.year if (d.month, d.day) >= (STARTSET_MONTH, STARTSET_DAY) else d.year - 1


def startset_datum(jaar: int) -> date:
    return date(jaar, STARTSET_MONTH, STARTSET_DAY)


def _optional_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def record_signals(session: Session, peildatum: date, rows: Iterable[Mapping[str, Any]]) -> int:
    """Register every VSV signal's person in the convenantjaar of `peildatum` (once); return how many are new.

    Optional row fields: `brin`, `niveau`, `datum_uitschrijving` (else the day before `sinds`, which
    for a VSV signal is the day after the enrolment of 1 October ended).
    """
    jaar = convenantjaar(peildatum)
    candidates = {}
    for row in rows:
        pn = str(row["persoonsnummer"])
        sinds = _optional_date(row.get("sinds"))
        left = _optional_date(row.get("datum_uitschrijving"))
        if left is None and sinds is not None:
            left = sinds - timedelta(days=1)
        candidates[pn] = {"persoonsnummer": pn, "convenantjaar": jaar, "startset_datum": startset_datum(jaar),
                          "datum_uitschrijving": left, "brin": row.get("brin") or None,
                          "niveau": row.get("niveau") or None}
    if not candidates:
        return 0
    known = set(session.scalars(select(VsvEntry.persoonsnummer).where(
        VsvEntry.convenantjaar == jaar, VsvEntry.persoonsnummer.in_(list(candidates)))))
    new_rows = [row for pn, row in candidates.items() if pn not in known]
    if new_rows:
        session.execute(insert(VsvEntry), new_rows)
        trail(session).record_many(session, (AuditEvent("vsv.registered", r["persoonsnummer"], "vsv_register",
                                                        None, f"convenantjaar={jaar}") for r in new_rows))
    return len(new_rows)


def record_outcomes(session: Session, peildatum: date, closed: Iterable[tuple[str, CloseReason]]) -> int:
    """Fill in the outcome of open VSV entries from the close reasons of their VSV cases."""
    outcome = {pn: OUTCOME_BY_CLOSE_REASON[reason]
               for pn, reason in closed if reason in OUTCOME_BY_CLOSE_REASON}
    if not outcome:
        return 0
    entries = session.execute(select(VsvEntry.id, VsvEntry.persoonsnummer).where(
        VsvEntry.persoonsnummer.in_(list(outcome)), VsvEntry.uitkomst.is_(None),
        VsvEntry.convenantjaar <= convenantjaar(peildatum))).all()
    if not entries:
        return 0
    table = VsvEntry.__table__
    session.execute(
        update(table).where(table.c.id == bindparam("entry_id"))
        .values(uitkomst=bindparam("uitkomst"), uitkomst_datum=bindparam("op")),
        [{"entry_id": e.id, "uitkomst": outcome[e.persoonsnummer], "op": peildatum} for e in entries],
    )
    trail(session).record_many(session, (
        AuditEvent("vsv.outcome", e.persoonsnummer, "vsv_register", e.id,
                   f"uitkomst={outcome[e.persoonsnummer]}")
        for e in entries))
    return len(entries)


def set_outcome(session: Session, entry_id: int, uitkomst: VsvUitkomst | str, on: date,
                toelichting: str | None = None) -> VsvEntry:
    """Register by hand where a young person went."""
    entry = session.get(VsvEntry, entry_id)
    if entry is None:
        raise Refused(f"no VSV register entry with id {entry_id}", code="geen_vsv", id=entry_id)
    outcome = parse_code(VsvUitkomst, uitkomst, "VSV outcome")
    if on < entry.startset_datum:
        raise Refused(f"the outcome date {on} lies before the startset of {entry.startset_datum}",
                      code="uitkomst_voor_startset", datum=on, startset=entry.startset_datum)
    entry.uitkomst = outcome
    entry.uitkomst_datum = on
    entry.toelichting = toelichting
    trail(session).record(session, AuditEvent("vsv.outcome", entry.persoonsnummer, "vsv_register", entry.id,
                                              f"uitkomst={entry.uitkomst}"))
    session.flush()
    return entry


def entries_of(session: Session, persoonsnummer: str) -> list[VsvEntry]:
    """One young person's entries, oldest convenantjaar first (the dossier shows them)."""
    return list(session.scalars(select(VsvEntry).where(VsvEntry.persoonsnummer == persoonsnummer)
                                .order_by(VsvEntry.convenantjaar, VsvEntry.id)))


def list_entries(session: Session, jaar: int | None = None) -> list[VsvEntry]:
    query = select(VsvEntry).order_by(VsvEntry.convenantjaar, VsvEntry.id)
    if jaar is not None:
        query = query.where(VsvEntry.convenantjaar == jaar)
    return list(session.scalars(query))

