"""Working a dossier by hand: the timeline of the escalation path, closing, and the refusals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from registers.case_sync import sync_cases
from registers.codes import ActionType, CaseStatus, CloseReason, ReasonCode
from registers.dossiers import assign, list_dossiers, read_dossier, record_action, set_legal_hold, timeline
from registers.errors import Refused
from tests.registers.factories import BSNS, WEEK1, WEEK2, signal_row

AV = ReasonCode.ABSOLUUT_VERZUIM
TODAY = date(2026, 10, 1)


@pytest.fixture
def case_ids(session: Session) -> list[int]:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], AV),
                                signal_row(BSNS[1], ReasonCode.GEEN_INSCHRIJVING_RMC),
                                signal_row(BSNS[2], AV)], {})
    by_person = {d.persoonsnummer: d.id for d in list_dossiers(session)}
    return [by_person[number] for number in BSNS[:3]]


def test_the_escalation_path_is_a_dated_timeline(session: Session, case_ids: list[int]) -> None:
    case_id = case_ids[0]
    steps = [("letter", date(2026, 9, 8), "Eerste brief met antwoordformulier"),
             ("huisbezoek", date(2026, 9, 22), "Niemand thuis"),
             ("gesprek", date(2026, 9, 24), "Moeder: kind zit thuis sinds de zomer"),
             ("waarschuwing", date(2026, 9, 25), None),
             ("doorverwijzing", date(2026, 9, 28), None),  # Halt is not for absoluut verzuim (docs/law.md)
             ("proces-verbaal", date(2026, 9, 29), None)]
    for action, on, note in steps:
        record_action(session, case_id, action, on=on, by="J. Jansen", note=note, today=TODAY)

    steps = timeline(read_dossier(session, case_id))

    assert [(a.action, a.on_date, a.by) for a in steps] == [
        (ActionType.GEOPEND, WEEK1, "systeem"),
        (ActionType.BRIEF_VERSTUURD, date(2026, 9, 8), "J. Jansen"),
        (ActionType.HUISBEZOEK, date(2026, 9, 22), "J. Jansen"),
        (ActionType.GESPREK, date(2026, 9, 24), "J. Jansen"),
        (ActionType.WAARSCHUWING, date(2026, 9, 25), "J. Jansen"),
        (ActionType.DOORVERWIJZING, date(2026, 9, 28), "J. Jansen"),
        (ActionType.PROCES_VERBAAL, date(2026, 9, 29), "J. Jansen")]
    assert steps[3].note == "Moeder: kind zit thuis sinds de zomer"


def test_closing_by_hand_records_the_reason_and_a_closed_case_takes_only_notes(session: Session,
                                                                                case_ids: list[int]) -> None:
    record_action(session, case_ids[0], "close", on=date(2026, 9, 10), close_reason="vrijstelling",
                  today=TODAY)
    case = read_dossier(session, case_ids[0])
    assert (case.status, case.closed_on, case.close_reason) == (CaseStatus.CLOSED, date(2026, 9, 10),
                                                                 CloseReason.VRIJSTELLING)

    with pytest.raises(Refused, match="closed on 10 september 2026"):
        record_action(session, case_ids[0], "close", on=date(2026, 9, 11), today=TODAY)
    with pytest.raises(Refused, match="only a note"):
        record_action(session, case_ids[0], "gesprek", on=date(2026, 9, 11), today=TODAY)
    record_action(session, case_ids[0], "note", on=date(2026, 9, 12), note="Vrijstelling ontvangen",
                  today=TODAY)
    assert timeline(read_dossier(session, case_ids[0]))[-1].note == "Vrijstelling ontvangen"


def test_close_without_a_reason_is_handmatig(session: Session, case_ids: list[int]) -> None:
    record_action(session, case_ids[1], ActionType.GESLOTEN, on=WEEK2, today=TODAY)
    assert read_dossier(session, case_ids[1]).close_reason == CloseReason.HANDMATIG


@pytest.mark.parametrize("kwargs, message", [
    ({"action": "spijbelen"}, "unknown action"),
    ({"action": "geopend"}, "written by the weekly sync"),
    ({"action": "gesprek", "on": date(2026, 10, 2)}, "in the future"),
    ({"action": "gesprek", "on": date(2026, 9, 6)}, "before dossier"),
    ({"action": "gesprek", "close_reason": "verhuisd"}, "reason belongs to closing"),
    ({"action": "close", "close_reason": "weggelopen"}, "unknown close reason"),
])
def test_impossible_actions_are_refused(session: Session, case_ids: list[int], kwargs: dict,
                                        message: str) -> None:
    options = {k: v for k, v in kwargs.items() if k != "action"}
    with pytest.raises(Refused, match=message):
        record_action(session, case_ids[0], kwargs["action"], today=TODAY, **options)


def test_an_unknown_dossier_is_refused(session: Session, case_ids: list[int]) -> None:
    with pytest.raises(Refused, match="there is no dossier 999"):
        record_action(session, 999, "letter", today=TODAY)
    with pytest.raises(Refused, match="there is no dossier 999"):
        read_dossier(session, 999)


def test_list_filters_by_status_type_and_assignee(session: Session, case_ids: list[int]) -> None:
    assign(session, case_ids[0], "J. Jansen")
    assign(session, case_ids[1], "P. de Vries")
    record_action(session, case_ids[2], "close", on=WEEK2, today=TODAY)

    assert sorted(c.id for c in list_dossiers(session, status="open")) == sorted(case_ids[:2])
    assert [c.id for c in list_dossiers(session, status="closed")] == case_ids[2:]
    assert sorted(c.id for c in list_dossiers(session, signal="absoluut_verzuim")) == sorted(
        [case_ids[0], case_ids[2]])
    assert [c.id for c in list_dossiers(session, assigned_to="J. Jansen")] == case_ids[:1]
    assert [c.id for c in list_dossiers(session, assigned_to="-")] == case_ids[2:]
    with pytest.raises(Refused, match="unknown signal type"):
        list_dossiers(session, signal="SPIJBELEN")


def test_legal_hold_can_be_set_and_lifted(session: Session, case_ids: list[int]) -> None:
    assert set_legal_hold(session, case_ids[0], True).legal_hold
    assert not set_legal_hold(session, case_ids[0], False).legal_hold


def test_a_dossier_closed_for_emigration_ends_the_running_vrijstellingen(session: Session,
                                                                          case_ids: list[int]) -> None:
    """No leerplicht abroad: an open-ended vrijstelling ends, so no renewal letter follows in June."""
    from registers.vrijstellingen import add_vrijstelling, list_vrijstellingen, renewal_due

    open_ended = add_vrijstelling(session, BSNS[0], "LPW_5_A", date(2025, 9, 1))
    other = add_vrijstelling(session, BSNS[2], "LPW_5_A", date(2025, 9, 1))
    assert renewal_due(open_ended, date(2026, 9, 20)) == date(2027, 7, 1)
    record_action(session, case_ids[0], "close", on=date(2026, 9, 20), close_reason="geemigreerd",
                  today=TODAY)
    session.refresh(open_ended)
    assert open_ended.einddatum == date(2026, 9, 20)
    assert renewal_due(open_ended, date(2026, 9, 20)) is None
    record_action(session, case_ids[2], "close", on=date(2026, 9, 20), close_reason="vrijstelling",
                  today=TODAY)
    session.refresh(other)
    assert other.einddatum is None  # closed for another reason: the vrijstelling stands
    assert [v.persoonsnummer for v in list_vrijstellingen(session, geldig_op=date(2026, 10, 1))] == [BSNS[2]]


def test_the_weekly_sync_closing_for_emigration_ends_the_vrijstelling_too(session: Session,
                                                                           case_ids: list[int]) -> None:
    from registers.vrijstellingen import add_vrijstelling

    entry = add_vrijstelling(session, BSNS[1], "LPW_5_C", date(2025, 9, 1))
    still = [signal_row(BSNS[0], AV, peildatum=WEEK2), signal_row(BSNS[2], AV, peildatum=WEEK2)]
    sync_cases(session, WEEK2, still, {BSNS[1]: CloseReason.GEEMIGREERD})
    session.refresh(entry)
    assert entry.einddatum == WEEK2
