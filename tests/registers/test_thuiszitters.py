"""The thuiszitter register follows its sources: absoluut-verzuim cases and LRV meldingen over 4 weeks."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from registers.case_sync import sync_cases
from registers.codes import CloseReason, ReasonCode, ThuiszitterBron
from registers.thuiszitters import (
    duration_days,
    is_long,
    list_thuiszitters,
    sync_thuiszitters,
    threshold_start,
)
from registers.verzuim import handle_melding, register_meldingen
from tests.registers.factories import BSNS, WEEK1, WEEK2, WEEK3, signal_row

AV = ReasonCode.ABSOLUUT_VERZUIM


def test_the_threshold_is_four_weeks_from_the_dated_parameter() -> None:
    assert threshold_start(WEEK1) == WEEK1 - timedelta(days=28)


def test_an_absoluut_verzuim_case_becomes_a_thuiszitter_after_four_weeks_and_ends_with_the_case(
        session: Session) -> None:
    just_four_weeks = WEEK1 - timedelta(days=28)
    summary = sync_cases(session, WEEK1, [signal_row(BSNS[0], AV, sinds=just_four_weeks - timedelta(days=1)),
                                          signal_row(BSNS[1], AV, sinds=just_four_weeks),
                                          signal_row(BSNS[2], ReasonCode.GEEN_INSCHRIJVING_RMC,
                                                     sinds=date(2026, 1, 1))], {})

    assert (summary.thuiszitters.started, summary.thuiszitters.ongoing) == (1, 0)
    [entry] = list_thuiszitters(session, WEEK1)
    assert (entry.persoonsnummer, entry.bron, entry.startdatum) == (BSNS[0], ThuiszitterBron.ABSOLUUT_VERZUIM,
                                                                    just_four_weeks - timedelta(days=1))

    week2 = sync_cases(session, WEEK2, [signal_row(BSNS[1], AV, sinds=just_four_weeks, peildatum=WEEK2)],
                       {BSNS[0]: CloseReason.INSCHRIJVING_GEVONDEN})

    assert (week2.thuiszitters.started, week2.thuiszitters.ended) == (1, 1)
    assert [e.persoonsnummer for e in list_thuiszitters(session, WEEK2)] == [BSNS[1]]
    ended = [e for e in list_thuiszitters(session, WEEK2, only_open=False) if e.persoonsnummer == BSNS[0]][0]
    assert ended.einddatum == WEEK2
    assert duration_days(ended, WEEK3) == 29 + 7


def test_an_lrv_melding_being_handled_is_a_thuiszitter_until_it_ends(session: Session) -> None:
    base = {"brin": "12AB", "soort": "LRV", "meldingsdatum": date(2026, 8, 1)}
    register_meldingen(session, [
        {**base, "meldingsnummer": "L-1", "persoonsnummer": BSNS[0], "begindatum": date(2026, 6, 1)},
        {**base, "meldingsnummer": "L-2", "persoonsnummer": BSNS[1], "begindatum": date(2026, 8, 31)},
        {**base, "meldingsnummer": "L-3", "persoonsnummer": BSNS[2], "begindatum": date(2026, 6, 1),
         "einddatum": date(2026, 8, 1)},
        {**base, "meldingsnummer": "X-1", "persoonsnummer": BSNS[3], "begindatum": date(2026, 6, 1),
         "soort": "16U_4W"},
    ], today=WEEK1)

    first = sync_thuiszitters(session, WEEK1)

    assert first.started == 1
    [entry] = list_thuiszitters(session, WEEK1)
    assert (entry.persoonsnummer, entry.bron) == (BSNS[0], ThuiszitterBron.LRV)
    assert entry.startdatum == date(2026, 6, 1)
    assert is_long(entry, WEEK1)  # since 1 June: more than 3 months on 7 September
    assert not is_long(entry, date(2026, 9, 1))

    assert sync_thuiszitters(session, WEEK1).changed is False
    handle_melding(session, "L-1", "afgesloten", reden="terug_naar_school", on=WEEK2, by="LPA", today=WEEK2)
    second = sync_thuiszitters(session, WEEK2)

    assert (second.started, second.ended) == (0, 1)
    assert list_thuiszitters(session, WEEK2) == []


def test_an_lrv_entry_ends_on_the_meldings_einddatum_when_the_school_reports_it(session: Session) -> None:
    row = {"brin": "12AB", "soort": "LRV", "meldingsnummer": "L-1", "persoonsnummer": BSNS[0],
           "begindatum": date(2026, 6, 1), "meldingsdatum": date(2026, 8, 1)}
    register_meldingen(session, [row], today=WEEK1)
    sync_thuiszitters(session, WEEK1)

    register_meldingen(session, [{**row, "einddatum": date(2026, 9, 9)}], today=WEEK2)
    sync_thuiszitters(session, WEEK2)

    [entry] = list_thuiszitters(session, WEEK2, only_open=False)
    assert entry.einddatum == date(2026, 9, 9)
    assert duration_days(entry, WEEK3) == (date(2026, 9, 9) - date(2026, 6, 1)).days
