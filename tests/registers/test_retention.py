"""Retention in the registers, on a frozen clock: each record type is kept on the day before its
destruction date and destroyed on the day itself; a legal hold keeps the person's records; the
audit trail is trimmed only through its own privileged path."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from registers.audit import AuditTrail
from registers.codes import ActionType, MeldingStatus, ReasonCode, VerzuimSoort
from registers.dossiers import set_legal_hold
from registers.models import (
    AuditEntry,
    Case,
    CaseAction,
    Persoon,
    RetentionAggregate,
    Thuiszitter,
    Verzuimmelding,
    VerzuimStatusChange,
    Vrijstelling,
)
from registers.retention import AggregateCount, Expired, purge_audit, purge_registers, update_dates
from rules.vrijstellingen import Vrijstellingsgrond
from tests.registers import retention_data as data
from tests.registers.factories import BSNS

D = date.fromisoformat
DAY = timedelta(days=1)
AV, RMC18 = ReasonCode.ABSOLUUT_VERZUIM, ReasonCode.GEEN_INSCHRIJVING_RMC


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@dataclass(frozen=True)
class Kind:
    """A record type: how to make one for a person, and the day it must be destroyed."""

    build: Callable[[Session, str], object]
    born: date
    destroy_on: date
    sk: date | None = None


KINDS = {
    "leerplicht case": Kind(lambda s, n: data.case(s, n, AV, D("2017-01-09"), D("2017-03-01")),
                            D("2010-03-15"), D("2029-03-15")),
    "kwalificatieplicht case": Kind(lambda s, n: data.case(s, n, AV, D("2025-01-06"), D("2025-02-03")),
                                    D("2008-03-15"), D("2028-03-15")),
    # born 2000-06-01: out of the RMC doelgroep at 23 (2023), back on 1 January 2026 up to 27 (2027)
    "rmc case": Kind(lambda s, n: data.case(s, n, RMC18, D("2019-01-07"), D("2019-06-03")),
                     D("2000-06-01"), D("2029-06-01")),
    "rmc case, startkwalificatie at 20": Kind(lambda s, n: data.case(s, n, RMC18, D("2019-01-07"),
                                                                     D("2019-06-03")),
                                              D("2000-06-01"), D("2023-02-01"), sk=D("2021-02-01")),
    "vrijstelling": Kind(lambda s, n: data.vrijstelling(s, n, Vrijstellingsgrond.LPW_5_A, D("2016-09-01"),
                                                        D("2017-07-31")), D("2010-03-15"), D("2029-03-15")),
    "vrijstelling art. 15": Kind(lambda s, n: data.vrijstelling(s, n, Vrijstellingsgrond.LPW_15,
                                                                D("2025-01-01"), D("2025-07-31")),
                                 D("2008-03-15"), D("2028-03-15")),
    "verzuimmelding": Kind(lambda s, n: data.melding(s, n, "VM-1", VerzuimSoort.LUXE, D("2018-05-01"),
                                                     D("2018-05-08")), D("2010-03-15"), D("2029-03-15")),
    "rmc melding": Kind(lambda s, n: data.melding(s, n, "VM-2", VerzuimSoort.RMC, D("2019-03-01"),
                                                  D("2019-03-08")), D("2000-06-01"), D("2029-06-01")),
    "vsv entry": Kind(lambda s, n: data.vsv(s, n, 2018, D("2019-03-01")), D("2000-06-01"), D("2029-06-01")),
}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_record_type_is_kept_the_day_before_and_destroyed_on_the_day(session: Session,
                                                                          name: str) -> None:
    kind = KINDS[name]
    data.person(session, BSNS[0], kind.born, sk=kind.sk)
    record = kind.build(session, BSNS[0])
    model, record_id = type(record), record.id  # type: ignore[attr-defined]

    before = purge_registers(session, kind.destroy_on - DAY)

    assert session.get(model, record_id) is not None
    assert session.get(model, record_id).vernietigen_op == kind.destroy_on
    assert sum(before.purged.values()) == 0 and before.persons == 0

    on_the_day = purge_registers(session, kind.destroy_on)

    assert session.get(model, record_id) is None
    assert on_the_day.persons == 1 and sum(on_the_day.purged.values()) >= 1
    assert _count(session, Persoon) == 0, "the person's facts go with the last record"


def test_a_case_takes_its_timeline_thuiszitter_entry_and_status_history_along(session: Session) -> None:
    data.person(session, BSNS[0], D("2010-03-15"))
    gone = data.case(session, BSNS[0], AV, D("2017-01-09"), D("2017-03-01"),
                     actions=((ActionType.BRIEF_VERSTUURD, D("2017-01-20")),))
    data.thuiszitter(session, gone)
    data.melding(session, BSNS[0], "VM-1", VerzuimSoort.LRV, D("2018-05-01"), D("2018-06-08"))

    result = purge_registers(session, D("2029-03-15"))

    assert result.purged == {"cases": 1, "case_actions": 2, "vrijstellingen": 0, "verzuimmeldingen": 1,
                             "verzuim_status_changes": 1, "thuiszitters": 1, "vsv_register": 0, "letters": 0}
    for model in (Case, CaseAction, Thuiszitter, Verzuimmelding, VerzuimStatusChange):
        assert _count(session, model) == 0, model


def test_proces_verbaal_and_halt_go_after_5_years_while_the_dossier_stays(session: Session) -> None:
    data.person(session, BSNS[0], D("2010-03-15"))
    dossier = data.case(session, BSNS[0], AV, D("2017-01-09"), D("2017-03-01"), actions=(
        (ActionType.GESPREK, D("2017-01-20")), (ActionType.PROCES_VERBAAL, D("2017-02-01")),
        (ActionType.HALT_VERWIJZING, D("2017-02-10"))))

    def kinds() -> list[str]:
        return [a.action.value for a in session.scalars(select(CaseAction).order_by(CaseAction.id))]

    purge_registers(session, D("2022-01-31"))
    assert kinds() == ["geopend", "gesprek", "proces_verbaal", "halt_verwijzing"]
    purge_registers(session, D("2022-02-01"))
    assert kinds() == ["geopend", "gesprek", "halt_verwijzing"]
    result = purge_registers(session, D("2022-02-10"))
    assert kinds() == ["geopend", "gesprek"]
    assert result.purged["case_actions"] == 1 and result.purged["cases"] == 0
    assert session.get(Case, dossier.id) is not None


def test_a_legal_hold_keeps_all_records_of_the_person_until_it_is_lifted(session: Session) -> None:
    data.person(session, BSNS[0], D("2010-03-15"))
    data.person(session, BSNS[1], D("2010-03-15"))
    held = data.case(session, BSNS[0], AV, D("2017-01-09"), D("2017-03-01"),
                     actions=((ActionType.PROCES_VERBAAL, D("2017-02-01")),))
    data.case(session, BSNS[0], ReasonCode.BIJNA_LEERPLICHTIG, D("2015-01-05"), D("2015-04-01"))
    data.vrijstelling(session, BSNS[0], Vrijstellingsgrond.LPW_5_C, D("2018-09-01"), D("2019-07-31"))
    other = data.case(session, BSNS[1], AV, D("2017-01-09"), D("2017-03-01")).id
    set_legal_hold(session, held.dossier_id, True)

    result = purge_registers(session, D("2030-01-01"))

    assert result.kept_legal_hold == {"cases": 2, "case_actions": 1, "vrijstellingen": 1}
    assert _count(session, Case) == 2 and _count(session, Vrijstelling) == 1
    assert session.get(Case, other) is None, "the other child's dossier is not held"
    assert session.get(Persoon, BSNS[0]) is not None

    set_legal_hold(session, held.dossier_id, False)
    released = purge_registers(session, D("2030-01-01"))

    assert released.purged["cases"] == 2 and released.purged["vrijstellingen"] == 1
    assert _count(session, Case) == 0 and _count(session, Persoon) == 0


def test_open_cases_and_meldingen_in_handling_are_kept_and_counted(session: Session) -> None:
    data.person(session, BSNS[0], D("2000-06-01"))
    data.case(session, BSNS[0], RMC18, D("2019-01-07"), None)
    data.melding(session, BSNS[0], "VM-9", VerzuimSoort.RMC, D("2019-03-01"), None,
                 status=MeldingStatus.IN_BEHANDELING)

    result = purge_registers(session, D("2030-01-01"))

    assert result.kept_in_progress == {"cases": 1, "verzuimmeldingen": 1}
    assert sum(result.purged.values()) == 0


def test_without_a_known_birth_date_a_record_has_no_date_and_is_kept(session: Session) -> None:
    data.person(session, BSNS[0], None)
    data.case(session, BSNS[0], AV, D("2017-01-09"), D("2017-03-01"))
    data.vrijstelling(session, BSNS[1], Vrijstellingsgrond.LPW_5_C, D("2018-09-01"), D("2019-07-31"))

    result = purge_registers(session, D("2099-01-01"))

    assert result.without_date == {"cases": 1, "vrijstellingen": 1}
    assert _count(session, Case) == 1 and _count(session, Vrijstelling) == 1


def test_dates_follow_new_facts_a_startkwalificatie_shortens_an_rmc_term(session: Session) -> None:
    young = data.person(session, BSNS[0], D("2000-06-01"))
    entry = data.case(session, BSNS[0], RMC18, D("2019-01-07"), D("2019-06-03"))
    update_dates(session, D("2020-01-01"))
    assert entry.vernietigen_op == D("2029-06-01")  # the RMC age of 2026 brings them back at 25
    young.sk_datum = D("2021-02-01")
    update_dates(session, D("2022-01-01"))
    session.refresh(entry)
    assert entry.vernietigen_op == D("2023-02-01")


def _per_signal(session: Session, expired: Expired) -> Iterable[AggregateCount]:
    """A small aggregator: destroyed cases per signal (the telling's real one is tested in reports)."""
    for case_id in expired.cases:
        signal = session.get(Case, case_id).signal.value
        yield AggregateCount("test", 2017, signal, "Zaken", signal, 1)


def test_aggregates_are_taken_before_the_records_go_and_add_up_over_runs(session: Session) -> None:
    for number in BSNS[:3]:
        data.person(session, number, D("2010-03-15"))
    data.case(session, BSNS[0], AV, D("2017-01-09"), D("2017-03-01"))
    data.case(session, BSNS[1], AV, D("2017-01-09"), D("2017-03-01"))
    data.person(session, BSNS[3], D("2011-03-15"))
    data.case(session, BSNS[3], AV, D("2017-01-09"), D("2017-03-01"))

    first = purge_registers(session, D("2029-03-15"), aggregators=[_per_signal])
    purge_registers(session, D("2030-03-15"), aggregators=[_per_signal])

    assert first.aggregate_lines == 1
    [line] = session.scalars(select(RetentionAggregate)).all()
    assert (line.figuur, line.periode, line.sleutel, line.aantal) == ("test", 2017, "ABSOLUUT_VERZUIM", 3)


def test_each_destruction_is_audited_per_person_by_hash_only(session: Session, audit: AuditTrail) -> None:
    data.person(session, BSNS[0], D("2010-03-15"))
    data.case(session, BSNS[0], AV, D("2017-01-09"), D("2017-03-01"))
    data.vrijstelling(session, BSNS[0], Vrijstellingsgrond.LPW_5_A, D("2016-09-01"), D("2017-07-31"),
                      toelichting="psychische klachten")

    purge_registers(session, D("2029-03-15"))

    [entry] = [e for e in audit.entries_for(session, BSNS[0]) if e.action == "retention.purged"]
    assert entry.detail == "cases=1 vrijstellingen=1"
    dump = "\n".join(repr(tuple(r)) for r in session.execute(text("SELECT * FROM audit_log")))
    assert BSNS[0] not in dump and "psychische" not in dump


# -- the audit trail's own term and its append-only guard -----------------------------------------


def _audit_row(session: Session, at: datetime, person_hash: str | None) -> None:
    session.execute(text("INSERT INTO audit_log (at, actor, action, person_hash) "
                         "VALUES (:at, 'x', 'case.read', :h)"), {"at": at, "h": person_hash})


def test_audit_rows_go_after_their_own_term_except_those_of_held_persons(session: Session, audit: AuditTrail,
                                                                         backend: str) -> None:
    if backend == "postgresql":
        pytest.skip("PostgreSQL takes no term, clock or hold from the caller: test_audit_by_database.py")
    written = datetime(2018, 5, 10, 12, 0)
    _audit_row(session, written, audit.person_hash(BSNS[0]))
    _audit_row(session, written, audit.person_hash(BSNS[1]))
    _audit_row(session, written, None)
    _audit_row(session, datetime(2019, 1, 1), audit.person_hash(BSNS[0]))

    assert purge_audit(session, D("2023-05-09"), keep=[BSNS[1]]) == 0
    assert purge_audit(session, D("2023-05-10"), keep=[BSNS[1]]) == 2

    left = session.execute(select(AuditEntry.at, AuditEntry.person_hash, AuditEntry.action)
                           .order_by(AuditEntry.id)).all()
    assert [(row.at, row.person_hash) for row in left if row.action == "case.read"] == [
        (written, audit.person_hash(BSNS[1])), (datetime(2019, 1, 1), audit.person_hash(BSNS[0]))]
    assert [row.action for row in left][-1] == "audit.purged"


def test_audit_rows_younger_than_a_year_by_the_clock_are_never_removed(session: Session,
                                                                       backend: str) -> None:
    if backend == "postgresql":
        pytest.skip("PostgreSQL takes no term, clock or hold from the caller: test_audit_by_database.py")
    _audit_row(session, datetime(2026, 1, 1), None)
    assert purge_audit(session, D("2040-01-01"), now=datetime(2026, 11, 1)) == 0
    assert _count(session, AuditEntry) == 1


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'someone else'",
                                       "DELETE FROM audit_log"])
def test_the_audit_trail_refuses_update_and_delete(session: Session, statement: str) -> None:
    _audit_row(session, datetime(2010, 1, 1), None)
    session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))
    session.rollback()
    assert session.scalar(select(AuditEntry.actor)) == "x"


def test_postgresql_refuses_truncating_the_audit_trail(session: Session, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    _audit_row(session, datetime(2010, 1, 1), None)
    session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text("TRUNCATE audit_log"))
    session.rollback()
    assert _count(session, AuditEntry) == 1
