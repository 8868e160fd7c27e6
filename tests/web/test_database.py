"""The register sessions of the work screen on SQLite: a reading request never takes the write lock
while it reads, its audit entries are written at commit, and a page whose audit entry could not be
written is not shown."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from registers.audit import record_reads
from tests.web.conftest import log_in, scalar
from web.database import Registers


def _reads(settings, action: str) -> int:
    return scalar(settings, "SELECT count(*) FROM audit_log WHERE action = :a", a=action)


def _database_file(settings) -> str:
    return settings.register_url.removeprefix("sqlite:///")


@pytest.fixture
def registers(web_settings):
    registers = Registers(web_settings.register_url, web_settings.data_dir)
    yield registers
    registers.dispose()


def test_a_reading_session_cannot_write_and_writes_its_audit_entries_at_commit(registers, web_settings):
    dossier_id = scalar(web_settings, "SELECT min(id) FROM dossiers")
    number = scalar(web_settings, "SELECT persoonsnummer FROM dossiers WHERE id = :d", d=dossier_id)
    before = _reads(web_settings, "test.gelezen")
    with registers.session("lpa", "lpa") as session:
        record_reads(session, "test.gelezen", "dossiers", [(dossier_id, number)])
        assert _reads(web_settings, "test.gelezen") == before  # kept, not yet written
        with pytest.raises(OperationalError, match="readonly"):
            session.execute(text("UPDATE dossiers SET assigned_to = 'x' WHERE id = :d"), {"d": dossier_id})
        session.rollback()  # dropped with the rollback, as in one transaction
        record_reads(session, "test.gelezen", "dossiers", [(dossier_id, number)])
        session.commit()
    assert _reads(web_settings, "test.gelezen") == before + 1
    assert scalar(web_settings, "SELECT actor FROM audit_log WHERE action = 'test.gelezen' "
                                 "ORDER BY id DESC LIMIT 1") == "lpa"


def test_a_reading_session_reads_while_another_holds_the_write_lock(registers, web_settings):
    """The old sessions began as writers: one request writing made every other one wait for it."""
    dossier_id = scalar(web_settings, "SELECT min(id) FROM dossiers")
    before = _reads(web_settings, "test.tijdens-schrijven")
    holder = sqlite3.connect(_database_file(web_settings), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    read, done, errors = threading.Event(), threading.Event(), []

    def request() -> None:
        try:
            with registers.session("lpa", "lpa") as session:
                number = session.execute(text("SELECT persoonsnummer FROM dossiers WHERE id = :d"),
                                         {"d": dossier_id}).scalar_one()
                record_reads(session, "test.tijdens-schrijven", "dossiers", [(dossier_id, number)])
                read.set()
                session.commit()  # waits for the lock (busy timeout), then writes the entry
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            read.set()
            done.set()

    worker = threading.Thread(target=request)
    worker.start()
    try:
        assert read.wait(5) and not errors, errors
        assert not done.wait(0.5)  # the audit entry waits for the writer
    finally:
        holder.execute("COMMIT")
        holder.close()
    worker.join(15)
    assert done.is_set() and not errors, errors
    assert _reads(web_settings, "test.tijdens-schrijven") == before + 1


def test_a_page_whose_audit_entry_cannot_be_written_is_not_shown(app, web_settings):
    dossier_id = scalar(web_settings, "SELECT min(dossier_id) FROM cases WHERE status = 'open' "
                                       "AND signal = 'ABSOLUUT_VERZUIM'")
    client = TestClient(app, raise_server_exceptions=False)
    assert log_in(client, "lpa").status_code == 303
    database = sqlite3.connect(_database_file(web_settings), isolation_level=None)
    database.execute("CREATE TRIGGER test_audit_fails BEFORE INSERT ON audit_log "
                     "WHEN NEW.action = 'dossier.read' BEGIN SELECT RAISE(ABORT, 'audit disk full'); END")
    try:
        before = _reads(web_settings, "dossier.read")
        response = client.get(f"/dossier/{dossier_id}")
        assert response.status_code == 500
        assert "Er ging iets mis" in response.text
        assert "Tijdlijn" not in response.text and f"dossier {dossier_id}" not in response.text.lower()
        assert _reads(web_settings, "dossier.read") == before
    finally:
        database.execute("DROP TRIGGER test_audit_fails")
        database.close()
    response = client.get(f"/dossier/{dossier_id}")
    assert response.status_code == 200 and "Tijdlijn" in response.text
    assert _reads(web_settings, "dossier.read") == before + 1
