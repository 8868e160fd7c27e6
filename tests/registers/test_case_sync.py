"""The weekly case sync: one open case per person and signal, idempotent weeks, closures with reasons."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from registers.audit import AuditTrail
from registers.case_sync import SyncSummary, sync_cases
from registers.codes import ActionType, CaseStatus, CloseReason, ReasonCode
from registers.db import session_factory
from registers.errors import Refused
from registers.models import AuditEntry, Case, CaseAction
from tests.registers.factories import BSNS, WEEK1, WEEK2, WEEK3, signal_row

AV = ReasonCode.ABSOLUUT_VERZUIM


def _cases(session: Session) -> list[Case]:
    return list(session.scalars(select(Case).order_by(Case.id)))


def _snapshot(session: Session) -> dict[str, list[tuple]]:
    """Every row of the tables the sync writes (except audit), to compare two states exactly."""
    tables = ("cases", "case_actions", "thuiszitters", "vsv_register")
    return {t: [tuple(r) for r in session.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in tables}


def test_first_week_opens_one_case_per_signal_with_timeline_and_audit(session: Session,
                                                                      audit: AuditTrail) -> None:
    rows = [signal_row(BSNS[0], AV, sinds=date(2026, 8, 24)),
            signal_row(BSNS[1], ReasonCode.GEEN_INSCHRIJVING_RMC, sinds=date(2026, 6, 1)),
            signal_row(BSNS[0], ReasonCode.BIJNA_LEERPLICHTIG)]

    summary = sync_cases(session, WEEK1, rows, {})

    assert (summary.opened, summary.updated, summary.closed, summary.unchanged) == (3, 0, 0, 0)
    cases = _cases(session)
    assert [(c.persoonsnummer, c.signal, c.status) for c in cases] == [
        (BSNS[0], AV, CaseStatus.OPEN), (BSNS[1], ReasonCode.GEEN_INSCHRIJVING_RMC, CaseStatus.OPEN),
        (BSNS[0], ReasonCode.BIJNA_LEERPLICHTIG, CaseStatus.OPEN)]
    assert cases[0].sinds == date(2026, 8, 24) and cases[0].opened_on == WEEK1 == cases[0].last_seen
    actions = session.scalars(select(CaseAction.action)).all()
    assert actions == [ActionType.GEOPEND] * 3
    opened = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.opened")).all()
    assert sorted(e.person_hash for e in opened) == sorted(audit.person_hash(c.persoonsnummer) for c in cases)


def test_the_same_week_twice_changes_nothing(session: Session) -> None:
    rows = [signal_row(pn, AV) for pn in BSNS[:5]]
    sync_cases(session, WEEK1, rows, {})
    before = _snapshot(session)

    summary = sync_cases(session, WEEK1, rows, {})

    assert summary == SyncSummary(unchanged=5, thuiszitters=summary.thuiszitters)
    assert not summary.changed
    assert _snapshot(session) == before


def test_next_week_updates_the_open_case_and_never_duplicates_it(session: Session) -> None:
    rows = [signal_row(pn, AV, sinds=date(2026, 9, 1)) for pn in BSNS[:3]]
    sync_cases(session, WEEK1, rows, {})

    summary = sync_cases(session, WEEK2, [dict(r, peildatum=WEEK2) for r in rows], {})

    assert (summary.opened, summary.updated, summary.closed, summary.unchanged) == (0, 3, 0, 0)
    cases = _cases(session)
    assert len(cases) == 3
    assert {c.last_seen for c in cases} == {WEEK2} and {c.opened_on for c in cases} == {WEEK1}
    assert session.scalar(select(text("count(*)")).select_from(CaseAction)) == 3  # no timeline noise


def test_a_case_whose_signal_disappeared_closes_with_the_reason(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(pn, AV) for pn in BSNS[:3]], {})

    summary = sync_cases(session, WEEK2, [signal_row(BSNS[0], AV, peildatum=WEEK2)],
                         {BSNS[1]: CloseReason.INSCHRIJVING_GEVONDEN})

    assert (summary.opened, summary.updated, summary.closed) == (0, 1, 2)
    assert summary.closed_by_reason == {"inschrijving_gevonden": 1, "signaal_vervallen": 1}
    by_person = {c.persoonsnummer: c for c in _cases(session)}
    assert by_person[BSNS[0]].status == CaseStatus.OPEN
    assert (by_person[BSNS[1]].status, by_person[BSNS[1]].close_reason, by_person[BSNS[1]].closed_on) == (
        CaseStatus.CLOSED, CloseReason.INSCHRIJVING_GEVONDEN, WEEK2)
    assert by_person[BSNS[2]].close_reason == CloseReason.SIGNAAL_VERVALLEN
    closing = session.scalars(select(CaseAction).where(CaseAction.action == ActionType.GESLOTEN)
                              .order_by(CaseAction.case_id)).all()
    assert [a.note for a in closing] == ["inschrijving gevonden", "signaal vervallen (reden onbekend)"]


def test_a_signal_that_returns_after_closure_opens_a_new_case(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], AV)], {})
    sync_cases(session, WEEK2, [], {BSNS[0]: CloseReason.INSCHRIJVING_GEVONDEN})

    summary = sync_cases(session, WEEK3, [signal_row(BSNS[0], AV, peildatum=WEEK3)], {})

    assert summary.opened == 1
    cases = _cases(session)
    assert [(c.status, c.opened_on) for c in cases] == [(CaseStatus.CLOSED, WEEK1), (CaseStatus.OPEN, WEEK3)]


def test_an_older_week_run_late_neither_closes_nor_rewinds_newer_cases(session: Session) -> None:
    sync_cases(session, WEEK2, [signal_row(BSNS[0], AV, peildatum=WEEK2)], {})

    summary = sync_cases(session, WEEK1, [], {BSNS[0]: CloseReason.VERHUISD})

    assert (summary.closed, summary.updated) == (0, 0)
    case = _cases(session)[0]
    assert (case.status, case.last_seen) == (CaseStatus.OPEN, WEEK2)


def test_a_sync_for_some_gemeenten_leaves_the_others_cases_alone(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], AV, gemeentecode="0363"),
                                signal_row(BSNS[1], AV, gemeentecode="0518")], {})

    summary = sync_cases(session, WEEK2, [], {}, gemeenten=["363"])

    assert summary.closed == 1
    assert {c.gemeentecode: c.status for c in _cases(session)} == {"0363": CaseStatus.CLOSED,
                                                                   "0518": CaseStatus.OPEN}
    with pytest.raises(Refused, match="outside this sync"):
        sync_cases(session, WEEK2, [signal_row(BSNS[1], AV, gemeentecode="0518", peildatum=WEEK2)], {},
                   gemeenten=["0363"])


def test_flags_follow_the_signal_and_a_change_is_a_timeline_event(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], AV)], {})

    sync_cases(session, WEEK1, [signal_row(BSNS[0], AV, adres_in_onderzoek=True)], {})

    case = _cases(session)[0]
    assert case.adres_in_onderzoek
    event = session.scalars(select(CaseAction).where(CaseAction.action == ActionType.BIJGEWERKT)).one()
    assert event.note == "adres in onderzoek"


def test_duplicate_rows_fold_into_one_case_with_the_earliest_sinds(session: Session) -> None:
    rows = [signal_row(BSNS[0], AV, sinds=date(2026, 9, 1)),
            signal_row(BSNS[0], AV, sinds=date(2026, 8, 1), controle_nodig=True)]

    summary = sync_cases(session, WEEK1, rows, {})

    assert summary.opened == 1
    case = _cases(session)[0]
    assert (case.sinds, case.controle_nodig) == (date(2026, 8, 1), True)


@pytest.mark.parametrize("bad, message", [
    ({"persoonsnummer": "123456789"}, "elfproef"),
    ({"signal": "SPIJBELEN"}, "unknown signal"),
    ({"peildatum": date(2026, 9, 14)}, "differs"),
    ({"gemeentecode": "ABCD"}, "4 digits"),
])
def test_one_bad_row_refuses_the_whole_batch(session: Session, bad: dict, message: str) -> None:
    rows = [signal_row(BSNS[0], AV), dict(signal_row(BSNS[1], AV), **bad)]

    with pytest.raises(Refused, match=message):
        sync_cases(session, WEEK1, rows, {})

    assert _cases(session) == []


def test_an_unknown_close_reason_is_refused(session: Session) -> None:
    with pytest.raises(Refused, match="unknown close reason"):
        sync_cases(session, WEEK1, [], {BSNS[0]: "weggelopen"})


def test_the_database_refuses_a_second_open_case_from_any_writer(engine, audit: AuditTrail) -> None:
    """A writer that bypasses the sync still cannot add a second open case: the partial unique index."""
    factory = session_factory(engine, audit)
    with factory() as first, factory() as second:
        sync_cases(first, WEEK1, [signal_row(BSNS[0], AV)], {})
        first.commit()
        dossier_id = second.scalars(select(Case.dossier_id)).one()
        second.add(Case(persoonsnummer=BSNS[0], gemeentecode="0363", signal=AV, opened_on=WEEK1,
                        last_seen=WEEK1, dossier_id=dossier_id))
        with pytest.raises(Exception, match="(?i)unique"):
            second.commit()


weeks = st.lists(st.sets(st.sampled_from(range(6)), max_size=6), min_size=1, max_size=5)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=weeks)
def test_open_cases_always_mirror_the_latest_signals(engine, audit: AuditTrail,
                                                     history: list[set[int]]) -> None:
    """Property: after any sequence of weeks, the open cases are exactly the last week's signals, at most
    one per person and type, and re-running the last week changes nothing."""
    with session_factory(engine, audit)() as session:
        session.execute(text("DELETE FROM case_actions"))
        session.execute(text("DELETE FROM thuiszitters"))
        session.execute(text("DELETE FROM cases"))
        signals_of = [(BSNS[i % 3], [AV, ReasonCode.GEEN_INSCHRIJVING_RMC][i // 3]) for i in range(6)]
        for week, present in enumerate(history):
            peildatum = WEEK1 + timedelta(weeks=week)
            rows = [signal_row(pn, sig, peildatum=peildatum) for pn, sig in (signals_of[i] for i in present)]
            sync_cases(session, peildatum, rows, {})
        open_cases = [(c.persoonsnummer, c.signal) for c in _cases(session) if c.status == CaseStatus.OPEN]
        assert len(open_cases) == len(set(open_cases))
        assert set(open_cases) == {signals_of[i] for i in history[-1]}
        rerun = sync_cases(session, peildatum, rows, {})
        assert (rerun.opened, rerun.updated, rerun.closed) == (0, 0, 0)
        session.rollback()


def test_cases_loaded_before_a_sync_show_what_the_sync_changed(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], AV)], {})
    case = _cases(session)[0]

    sync_cases(session, WEEK2, [], {BSNS[0]: CloseReason.VERHUISD})

    assert (case.status, case.close_reason) == (CaseStatus.CLOSED, CloseReason.VERHUISD)


def test_two_syncs_at_once_take_turns_and_the_second_sees_the_first(engine, audit: AuditTrail) -> None:
    """docs/spec.md §6: two runs never work on the same data at once. The second sync waits for the first to
    commit, then finds its case: no duplicate, no error."""
    factory = session_factory(engine, audit)
    rows = [signal_row(BSNS[0], AV)]
    outcome: dict[str, object] = {}

    def second_run() -> None:
        with factory() as session:
            try:
                outcome["summary"] = sync_cases(session, WEEK1, rows, {})
                session.commit()
            except Exception as exc:  # noqa: BLE001 - reported to the test thread below
                outcome["error"] = exc

    with factory() as first:
        assert sync_cases(first, WEEK1, rows, {}).opened == 1
        second = threading.Thread(target=second_run)
        second.start()
        second.join(timeout=0.5)
        assert second.is_alive(), "the second sync did not wait for the first"
        first.commit()
    second.join(timeout=20)

    assert "error" not in outcome, outcome.get("error")
    summary = outcome["summary"]
    assert (summary.opened, summary.unchanged) == (0, 1)
    with factory() as session:
        assert len(_cases(session)) == 1
