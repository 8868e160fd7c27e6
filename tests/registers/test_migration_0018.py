"""Revision 0018 on SQLite and PostgreSQL: the CHECK constraint on `letters.soort` lets a written
warning (`waarschuwing_verzuim`) be logged, and going back refuses while one is logged."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from registers.db import downgrade, make_engine, upgrade
from tests.registers.test_migration_0016 import _kinds_checked


def _warning(engine: Engine, case_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO letters (onderwerp, case_id, persoonsnummer, soort, rang, geadresseerde, status, "
            "kenmerk, datum, antwoord_voor, run, bestand, recorded_at) VALUES (:o, :c, '999993653', "
            "'waarschuwing_verzuim', 1, 'ouders', 'aangemaakt', 'LP-E1-0A1B2', :d, :a, 'enkel', "
            "'LP-E1-0A1B2.docx', :t)"),
            {"o": f"case:{case_id}", "c": case_id, "d": date(2026, 12, 7), "a": date(2027, 1, 4),
             "t": datetime(2026, 12, 7, 9, 0)})


def test_a_warning_can_be_logged_after_0018_and_the_downgrade_keeps_it(fresh_db_url: str) -> None:
    upgrade(fresh_db_url, "0017")
    engine = make_engine(fresh_db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO dossiers (persoonsnummer, gemeentecode, status, team, opened_on) "
                "VALUES ('999993653', '0363', 'open', 'lpa', :d)"), {"d": date(2026, 11, 2)})
            connection.execute(text(
                "INSERT INTO cases (persoonsnummer, gemeentecode, signal, status, opened_on, last_seen, "
                "dossier_id) VALUES ('999993653', '0363', 'VERZUIMMELDING', 'open', :d, :d, "
                "(SELECT id FROM dossiers))"), {"d": date(2026, 11, 2)})
            case_id = connection.execute(text("SELECT id FROM cases")).scalar_one()
        with pytest.raises(IntegrityError, match="(?i)check"):
            _warning(engine, case_id)

        upgrade(fresh_db_url)

        assert "waarschuwing_verzuim" in _kinds_checked(engine)
        _warning(engine, case_id)
        with pytest.raises(RuntimeError, match="1 letter"):  # going back would lose a logged letter
            downgrade(engine, "0017")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT soort FROM letters")).scalars().all() == [
                "waarschuwing_verzuim"]

        with engine.begin() as connection:
            connection.execute(text("DELETE FROM letters"))
        downgrade(engine, "0017")
        assert "waarschuwing_verzuim" not in _kinds_checked(engine)
        assert "doorstroompunt" in _kinds_checked(engine)
    finally:
        engine.dispose()
