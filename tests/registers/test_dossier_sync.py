"""The dossier around the reasons (docs/spec.md §4.3): one open dossier per person, whatever signals the
weeks bring; THUISZITTER classifies it; it passes to RMC at 18 without closing; it closes when its last
reason ends, and a signal after that opens a new one."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registers.case_sync import sync_cases
from registers.codes import ActionType, CaseStatus, CloseReason, ReasonCode, Team
from registers.models import Case, CaseAction, Dossier
from tests.registers.factories import BSNS, WEEK1, WEEK2, WEEK3, signal_row

AV, TZ, RMC, VSV = (ReasonCode.ABSOLUUT_VERZUIM, ReasonCode.THUISZITTER, ReasonCode.GEEN_INSCHRIJVING_RMC,
                     ReasonCode.VSV)


def _dossiers(session: Session) -> list[Dossier]:
    return list(session.scalars(select(Dossier).order_by(Dossier.id)))


def test_several_signals_of_one_person_are_reasons_of_one_dossier(session: Session) -> None:
    summary = sync_cases(session, WEEK1, [signal_row(BSNS[0], AV), signal_row(BSNS[0], TZ),
                                          signal_row(BSNS[1], RMC), signal_row(BSNS[1], VSV)], {})

    dossiers = _dossiers(session)
    assert [(d.persoonsnummer, d.status, d.team, d.thuiszitter) for d in dossiers] == [
        (BSNS[0], CaseStatus.OPEN, Team.LPA, True), (BSNS[1], CaseStatus.OPEN, Team.RMC, False)]
    assert summary.dossiers.opened == 2
    reasons = session.scalars(select(Case).order_by(Case.id)).all()
    assert [(r.signal, r.dossier_id) for r in reasons] == [
        (AV, dossiers[0].id), (TZ, dossiers[0].id), (RMC, dossiers[1].id), (VSV, dossiers[1].id)]


def test_a_new_signal_next_week_joins_the_open_dossier(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], AV)], {})
    sync_cases(session, WEEK2, [signal_row(BSNS[0], AV, peildatum=WEEK2),
                                signal_row(BSNS[0], TZ, peildatum=WEEK2)], {})

    dossiers = _dossiers(session)
    assert len(dossiers) == 1 and dossiers[0].thuiszitter
    sync_cases(session, WEEK3, [signal_row(BSNS[0], AV, peildatum=WEEK3)], {})
    session.refresh(dossiers[0])
    assert not dossiers[0].thuiszitter and dossiers[0].status == CaseStatus.OPEN


def test_at_18_the_dossier_passes_to_rmc_without_closing(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], AV)], {})
    dossier = _dossiers(session)[0]
    dossier.assigned_to = "lpa.jansen"
    session.flush()

    summary = sync_cases(session, WEEK2, [signal_row(BSNS[0], RMC, peildatum=WEEK2)],
                         {(BSNS[0], AV.value): CloseReason.ACHTTIEN_GEWORDEN})

    assert summary.dossiers.handed_over == 1 and summary.dossiers.closed == 0
    assert [d.id for d in _dossiers(session)] == [dossier.id]
    session.refresh(dossier)
    assert (dossier.status, dossier.team, dossier.assigned_to) == (CaseStatus.OPEN, Team.RMC, None)
    reasons = {r.signal: r for r in dossier.reasons}
    assert reasons[AV].close_reason == CloseReason.ACHTTIEN_GEWORDEN
    assert reasons[RMC].status == CaseStatus.OPEN
    handover = session.scalars(select(CaseAction).where(CaseAction.action == ActionType.OVERGEDRAGEN)).one()
    assert handover.case_id == reasons[RMC].id and handover.on_date == WEEK2 and handover.by == "systeem"


def test_the_dossier_closes_with_its_last_reason_and_a_later_signal_opens_a_new_one(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], AV), signal_row(BSNS[0], TZ)], {})
    summary = sync_cases(session, WEEK2, [signal_row(BSNS[0], AV, peildatum=WEEK2)],
                         {BSNS[0]: CloseReason.INSCHRIJVING_GEVONDEN})
    assert summary.dossiers.closed == 0
    summary = sync_cases(session, WEEK3, [], {BSNS[0]: CloseReason.INSCHRIJVING_GEVONDEN})

    first = _dossiers(session)[0]
    assert summary.dossiers.closed == 1
    assert (first.status, first.closed_on, first.close_reason) == (
        CaseStatus.CLOSED, WEEK3, CloseReason.INSCHRIJVING_GEVONDEN)

    later = date(2026, 10, 5)
    sync_cases(session, later, [signal_row(BSNS[0], AV, peildatum=later)], {})
    dossiers = _dossiers(session)
    assert [d.status for d in dossiers] == [CaseStatus.CLOSED, CaseStatus.OPEN]
    assert dossiers[1].reasons[0].signal == AV


def test_a_second_open_dossier_is_refused_by_the_database(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], AV)], {})
    session.add(Dossier(persoonsnummer=BSNS[0], gemeentecode="0363", status=CaseStatus.OPEN, team=Team.LPA,
                        opened_on=WEEK2))
    with pytest.raises(IntegrityError, match="(?i)unique"):
        session.flush()


def test_the_hand_over_note_claims_no_end_of_leerplicht_it_does_not_know(session: Session) -> None:
    """A leerplichtig child whose absoluut verzuim ends with a vrijstelling while a VSV reason stays
    open passes to RMC; the timeline said 'leerplicht beëindigd', which is not so (a child of 13)."""
    sync_cases(session, WEEK1, [signal_row(BSNS[0], AV), signal_row(BSNS[0], VSV)], {})
    summary = sync_cases(session, WEEK2, [signal_row(BSNS[0], VSV, peildatum=WEEK2)],
                         {(BSNS[0], AV.value): CloseReason.VRIJSTELLING})

    assert summary.dossiers.handed_over == 1
    handover = session.scalars(select(CaseAction).where(CaseAction.action == ActionType.OVERGEDRAGEN)).one()
    assert "leerplicht beëindigd" not in handover.note
    assert handover.note == ("geen leerplichtaanleiding meer open (zie de aanleidingen); het dossier gaat "
                             "naar RMC / het Doorstroompunt")
