"""registers.db: the bulk insert (COPY on PostgreSQL) keeps every value exactly."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from registers.codes import ActionType
from registers.db import bulk_insert
from registers.models import AuditEntry


def test_bulk_insert_round_trips_awkward_text_nulls_and_enums(session: Session) -> None:
    at = datetime(2026, 9, 7, 6, 30, 15)
    awkward = ["tab\there", "new\nline", "back\\slash", "quote ' and \"", "", None, "\\N", "é – ü"]
    rows = [{"at": at, "actor": "tester", "action": ActionType.NOTITIE, "entity": None, "entity_id": i,
             "person_hash": None, "detail": detail} for i, detail in enumerate(awkward)]

    assert bulk_insert(session.connection(), AuditEntry.__table__, rows) == len(awkward)
    assert bulk_insert(session.connection(), AuditEntry.__table__, []) == 0

    stored = session.execute(select(AuditEntry.detail, AuditEntry.action, AuditEntry.at)
                             .order_by(AuditEntry.entity_id)).all()
    assert [r.detail for r in stored] == awkward
    assert {r.action for r in stored} == {"notitie"}
    if session.get_bind().dialect.name == "sqlite":  # PostgreSQL stamps `at` itself (revision 0005)
        assert {r.at for r in stored} == {at}
