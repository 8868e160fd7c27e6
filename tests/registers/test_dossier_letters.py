"""No second first letter for the same reason (docs/spec.md §4.3): a dossier's letters count for all
its reasons, also across the convenantjaar's rollover on 1 October."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from letters.due import due_subjects
from registers.case_sync import sync_cases
from registers.codes import CaseStatus, CloseReason, LetterKind, LetterStatus, ReasonCode
from registers.models import Case, Dossier, Letter
from tests.registers.factories import BSNS, WEEK1, signal_row

ROLLOVER = date(2026, 10, 5)


def test_the_rmc_letter_on_the_vsv_reason_counts_after_the_rollover(session: Session) -> None:
    person = BSNS[4]
    sync_cases(session, WEEK1, [signal_row(person, ReasonCode.VSV),
                                signal_row(person, ReasonCode.GEEN_INSCHRIJVING_RMC)], {})
    subjects = [s for s in due_subjects(session, WEEK1) if s.persoonsnummer == person]
    # one letter
    assert [(s.soort, s.case.signal) for s in subjects] == [(LetterKind.DOORSTROOMPUNT, ReasonCode.VSV)]
    assert subjects[0].rang_voor("jongere", WEEK1) == (1, None)
    vsv = subjects[0].case
    session.add(Letter(onderwerp=f"case:{vsv.id}", case_id=vsv.id, persoonsnummer=person,
                       soort=LetterKind.DOORSTROOMPUNT, rang=1, geadresseerde="jongere",
                       status=LetterStatus.AANGEMAAKT, kenmerk="RMC-T-0001", bestand="0001.docx", datum=WEEK1,
                       antwoord_voor=WEEK1 + timedelta(days=28),
                       recorded_at=datetime.now(UTC).replace(tzinfo=None)))
    session.flush()

    sync_cases(session, ROLLOVER, [signal_row(person, ReasonCode.GEEN_INSCHRIJVING_RMC, peildatum=ROLLOVER)],
               {(person, "VSV"): CloseReason.CONVENANTJAAR_VOORBIJ})

    dossier = session.scalars(select(Dossier).where(Dossier.persoonsnummer == person)).one()
    assert dossier.status == CaseStatus.OPEN
    vsv_reason = session.scalars(select(Case).where(Case.id == vsv.id)).one()
    assert vsv_reason.close_reason == CloseReason.CONVENANTJAAR_VOORBIJ
    (subject,) = [s for s in due_subjects(session, ROLLOVER) if s.persoonsnummer == person]
    assert subject.case.signal == ReasonCode.GEEN_INSCHRIJVING_RMC
    assert subject.rang_voor("jongere", ROLLOVER) is None  # the reply term of the letter still runs
    # a reminder when the term has passed, never a second first letter
    assert subject.rang_voor("jongere", ROLLOVER + timedelta(days=7)) == (2, WEEK1)
