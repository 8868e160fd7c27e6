"""The VSV register: one entry per person and convenantjaar, outcomes from closed VSV cases or by hand."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from registers.case_sync import sync_cases
from registers.codes import CloseReason, ReasonCode, VsvUitkomst
from registers.errors import Refused
from registers.vsv import convenantjaar, list_entries, set_outcome
from tests.registers.factories import BSNS, WEEK1, WEEK2, signal_row


@pytest.mark.parametrize("d, jaar", [(date(2026, 9, 30), 2025), (date(2026, 10, 1), 2026),
                                     (date(2027, 1, 15), 2026)])
def test_the_convenantjaar_runs_from_1_october_to_30_september(d: date, jaar: int) -> None:
    assert convenantjaar(d) == jaar


def test_a_vsv_signal_registers_the_leaver_once_and_the_closing_case_gives_the_outcome(
        session: Session) -> None:
    rows = [signal_row(BSNS[0], ReasonCode.VSV, sinds=date(2026, 3, 2), brin="12AB", niveau="MBO2"),
            signal_row(BSNS[1], ReasonCode.VSV, sinds=date(2026, 5, 1))]
    sync_cases(session, WEEK1, rows, {})
    sync_cases(session, WEEK1, rows, {})  # the same week again: still one entry each

    entries = list_entries(session, 2025)
    facts = [(e.persoonsnummer, e.startset_datum, e.datum_uitschrijving, e.brin, e.niveau) for e in entries]
    assert facts == [
        (BSNS[0], date(2025, 10, 1), date(2026, 3, 1), "12AB", "MBO2"),
        (BSNS[1], date(2025, 10, 1), date(2026, 4, 30), None, None)]

    sync_cases(session, WEEK2, [dict(rows[1], peildatum=WEEK2)], {BSNS[0]: CloseReason.INSCHRIJVING_GEVONDEN})

    by_person = {e.persoonsnummer: e for e in list_entries(session)}
    assert (by_person[BSNS[0]].uitkomst, by_person[BSNS[0]].uitkomst_datum) == (VsvUitkomst.TERUG_NAAR_SCHOOL,
                                                                               WEEK2)
    assert by_person[BSNS[1]].uitkomst is None


def test_the_rmc_registers_an_outcome_by_hand(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], ReasonCode.VSV, sinds=date(2026, 3, 2))], {})
    entry = list_entries(session)[0]

    set_outcome(session, entry.id, "werk", date(2026, 9, 10), toelichting="32 uur per week")

    assert (list_entries(session)[0].uitkomst, list_entries(session)[0].toelichting) == (VsvUitkomst.WERK,
                                                                                         "32 uur per week")
    with pytest.raises(Refused, match="unknown VSV outcome"):
        set_outcome(session, entry.id, "vakantie", date(2026, 9, 10))
    with pytest.raises(Refused, match="no VSV register entry"):
        set_outcome(session, 4242, "werk", date(2026, 9, 10))
