"""The database itself enforces the register's invariants, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from registers.codes import CaseStatus, CloseReason, ReasonCode
from registers.models import Case, Vrijstelling
from rules.vrijstellingen import Vrijstellingsgrond
from tests.registers.factories import BSNS, WEEK1, WEEK2

AV = ReasonCode.ABSOLUUT_VERZUIM


def _case(pn: str = BSNS[0], signal: ReasonCode = AV, **kwargs) -> Case:
    values = {"persoonsnummer": pn, "gemeentecode": "0363", "signal": signal, "opened_on": WEEK1,
              "last_seen": WEEK1, **kwargs}
    return Case(**values)


def test_one_open_case_per_person_and_signal_is_enforced_by_the_database(session: Session) -> None:
    session.add(_case())
    session.commit()
    session.add(_case())
    with pytest.raises(IntegrityError):
        session.commit()


def test_closed_cases_and_other_signals_do_not_count_against_the_one_open_case(session: Session) -> None:
    session.add_all([
        _case(status=CaseStatus.CLOSED, closed_on=WEEK1, close_reason=CloseReason.HANDMATIG),
        _case(status=CaseStatus.CLOSED, closed_on=WEEK2, close_reason=CloseReason.VERHUISD),
        _case(),
        _case(signal=ReasonCode.THUISZITTER),
        _case(pn=BSNS[1]),
    ])
    session.commit()
    assert session.scalar(text("SELECT count(*) FROM cases")) == 5


@pytest.mark.parametrize("status, closed_on, close_reason", [
    ("closed", None, None),          # closed without date and reason
    ("closed", WEEK1, None),         # closed without reason
    ("open", WEEK1, None),           # open with a closing date
    ("open", None, "handmatig"),     # open with a close reason
])
def test_a_case_is_closed_exactly_when_it_has_a_closing_date_and_reason(
        session: Session, status: str, closed_on: date | None, close_reason: str | None) -> None:
    with pytest.raises(IntegrityError):
        session.execute(text(
            "INSERT INTO cases (persoonsnummer, gemeentecode, signal, status, opened_on, last_seen, "
            "closed_on, close_reason) "
            "VALUES (:pn, '0363', 'ABSOLUUT_VERZUIM', :status, :d, :d, :closed_on, :reason)"),
            {"pn": BSNS[0], "status": status, "d": WEEK1, "closed_on": closed_on, "reason": close_reason})


def test_codes_outside_the_enumeration_are_refused_by_the_database(session: Session) -> None:
    with pytest.raises(IntegrityError):
        session.execute(text(
            "INSERT INTO cases (persoonsnummer, gemeentecode, signal, status, opened_on, last_seen) "
            "VALUES (:pn, '0363', 'SPIJBELEN', 'open', :d, :d)"), {"pn": BSNS[0], "d": WEEK1})
    session.rollback()
    with pytest.raises(IntegrityError):
        session.execute(text(
            "INSERT INTO vrijstellingen (persoonsnummer, grond, begindatum, nooit_geschikt) "
            "VALUES (:pn, '5a', :d, :f)"), {"pn": BSNS[0], "d": WEEK1, "f": False})


def test_the_orm_refuses_an_unknown_code_before_it_reaches_the_database(session: Session) -> None:
    session.add(_case(signal="SPIJBELEN"))
    with pytest.raises(StatementError):
        session.flush()


def test_a_vrijstelling_ending_before_it_starts_is_refused_by_the_database(session: Session) -> None:
    session.add(Vrijstelling(persoonsnummer=BSNS[0], grond=Vrijstellingsgrond.LPW_5_B,
                             begindatum=date(2026, 9, 1), einddatum=date(2026, 8, 31)))
    with pytest.raises(IntegrityError):
        session.flush()


def test_never_fit_belongs_to_art_5_onder_a_only(session: Session) -> None:
    session.add(Vrijstelling(persoonsnummer=BSNS[0], grond=Vrijstellingsgrond.LPW_5A,
                             begindatum=date(2026, 3, 1), nooit_geschikt=True))
    with pytest.raises(IntegrityError):
        session.flush()


def test_foreign_keys_are_enforced(session: Session) -> None:
    """SQLite ignores foreign keys unless each connection turns them on (registers.db does)."""
    with pytest.raises(IntegrityError):
        session.execute(text(
            "INSERT INTO case_actions (case_id, action, on_date, by, recorded_at) "
            "VALUES (4242, 'notitie', :d, 'x', CURRENT_TIMESTAMP)"), {"d": WEEK1})


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_connections_use_wal_and_a_busy_timeout(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_rolls_back_ddl_too(engine: Engine) -> None:
    """pysqlite would run CREATE TABLE outside the transaction; registers.db emits BEGIN itself."""
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.exec_driver_sql("CREATE TEMPORARY TABLE scratch (x INTEGER)")
        transaction.rollback()
        names = connection.exec_driver_sql("SELECT name FROM sqlite_temp_master").scalars().all()
    assert "scratch" not in names
