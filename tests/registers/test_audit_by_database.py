"""Issue 20, findings 2 and 3: the audit trail's actor, time and login, and its purge, cannot be set by
a client. Each attack of the penetration test, tried again: on PostgreSQL logged in as each role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from registers.audit import SYSTEEM, AuditEvent, AuditTrail
from registers.codes import ReasonCode
from registers.db import make_engine, session_factory, upgrade
from registers.models import AuditBewaartermijn, GemeenteToegang
from registers.retention import purge_audit
from rules.parameters import PARAMETERS
from tests.registers import retention_data as data
from tests.registers.conftest import AUDIT_KEY
from tests.registers.factories import BSNS
from tests.registers.role_logins import RoleDatabase, old_audit_row, restoring

WRITERS = ("lpa", "rmc", "administratie", "beheer")  # the roles with INSERT on audit_log
HELD, FREE = BSNS[0], BSNS[1]


def test_the_actor_never_comes_from_logname(monkeypatch) -> None:
    """`LOGNAME="J. Jansen (LPA)" inbeeld cases show 2` was recorded as J. Jansen. People act under their
    named login (registers.gebruikers, `--by` / INBEELD_GEBRUIKER); without one, the flows' `systeem`."""
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "J. Jansen (LPA)")
    assert AuditTrail(AUDIT_KEY).actor == SYSTEEM


def test_the_audit_term_in_the_database_is_the_parameter(session: Session) -> None:
    """One fact, two readers: the database's purge reads `audit_bewaartermijn`, SQLite's and the
    reports read rules/law/; a new dated value there needs a new revision here."""
    stored = [(row.geldig_vanaf, row.jaren) for row in
              session.scalars(select(AuditBewaartermijn).order_by(AuditBewaartermijn.geldig_vanaf))]
    assert stored == [(v.since, v.value) for v in PARAMETERS.parameter("bewaartermijn_audit").values]


# -- PostgreSQL, logged in as each role -------------------------------------------------------------


@pytest.fixture(scope="module")
def audit_db(pg_server) -> Iterator[RoleDatabase]:
    url = pg_server.create_database("audit")
    upgrade(url)
    db = RoleDatabase(url)
    db.create_logins(pg_server.admin)
    with session_factory(make_engine(url), AuditTrail(AUDIT_KEY, actor="setup"))() as session:
        session.add_all([GemeenteToegang(login=db.logins[role], gemeentecode="0363")
                         for role in ("lpa", "rmc")])
        session.commit()
    yield db
    db.drop_logins(pg_server.admin)


def _owner_rows(db: RoleDatabase, sql: str, parameters: dict | None = None) -> list[tuple]:
    engine = make_engine(db.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), parameters or {})]
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("role", WRITERS)
def test_a_forged_audit_row_gets_the_database_clock_and_login(audit_db: RoleDatabase, role: str) -> None:
    action = f"forged.{role}"
    with audit_db.engine(role).begin() as connection:
        connection.execute(text("INSERT INTO audit_log (at, actor, action, login) "
                                "VALUES ('2019-01-01', 'burgemeester', :action, 'postgres')"),
                           {"action": action})
    [(at, actor, login)] = _owner_rows(audit_db, "SELECT at, actor, login FROM audit_log WHERE action = :a",
                                       {"a": action})
    now = datetime.now(UTC).replace(tzinfo=None)
    assert abs(at - now) < timedelta(minutes=5)
    assert login == audit_db.logins[role]
    assert actor == "burgemeester"  # what the client says, shown beside the login the database knows


@pytest.mark.postgres
def test_the_application_bulk_path_gets_the_database_clock_and_login_too(audit_db: RoleDatabase) -> None:
    """COPY (registers.db.bulk_insert, the weekly sync's thousands of rows) fires the trigger as well."""
    trail = AuditTrail(AUDIT_KEY, actor="lpa-user")
    with session_factory(audit_db.engine("lpa"), trail)() as session:
        trail.record_many(session, [AuditEvent("bulk.test", BSNS[5]), AuditEvent("bulk.test", BSNS[6])])
        session.commit()
    rows = _owner_rows(audit_db, "SELECT login, at FROM audit_log WHERE action = 'bulk.test'")
    assert {login for login, _ in rows} == {audit_db.logins["lpa"]}
    assert all(abs(at - datetime.now(UTC).replace(tzinfo=None)) < timedelta(minutes=5) for _, at in rows)


@pytest.mark.postgres
def test_beleid_writes_no_audit_row(audit_db: RoleDatabase) -> None:
    audit_db.refused("beleid", "INSERT INTO audit_log (at, actor, action) VALUES (now(), 'x', 'y')")


@pytest.mark.postgres
def test_the_purge_takes_its_term_and_holds_from_the_database(audit_db: RoleDatabase) -> None:
    trail = AuditTrail(AUDIT_KEY, actor="setup")
    url = audit_db.url.render_as_string(hide_password=False)
    engine = make_engine(url)
    now = datetime.now(UTC).replace(tzinfo=None)
    with session_factory(engine, trail)() as session:
        held = data.case(session, HELD, ReasonCode.ABSOLUUT_VERZUIM, date(2019, 9, 2), None, legal_hold=True)
        session.commit()
        held_id = held.id
    six_years, three_years = now - timedelta(days=6 * 366), now - timedelta(days=3 * 366)
    with restoring(engine) as connection:
        old_audit_row(connection, six_years, trail.person_hash(HELD), "cases", held_id)
        old_audit_row(connection, six_years, trail.person_hash(FREE))
        old_audit_row(connection, six_years, None)
        old_audit_row(connection, three_years, None)
    engine.dispose()

    # the attack: a limit of a year ago and no held persons, from the caller
    with pytest.raises(DBAPIError, match="does not exist"):
        audit_db.rows("beheer",
                      "SELECT inbeeld_purge_audit(CAST(now() - interval '1 year' AS timestamp), NULL)")
    audit_db.refused("beheer", "UPDATE audit_bewaartermijn SET jaren = 1")
    audit_db.refused("beheer", "INSERT INTO audit_bewaartermijn VALUES (current_date, 1)")
    audit_db.refused("lpa", "SELECT inbeeld_purge_audit()")

    with session_factory(audit_db.engine("beheer"), AuditTrail(AUDIT_KEY, actor="cron"))() as session:
        # a frozen clock and an empty hold list from the caller change nothing
        assert purge_audit(session, date(2040, 1, 1), keep=[]) == 2
        session.commit()
    left = _owner_rows(audit_db, "SELECT at, person_hash FROM audit_log WHERE action = 'case.read'")
    assert sorted(left, key=lambda row: row[0]) == [(six_years, trail.person_hash(HELD)), (three_years, None)]
