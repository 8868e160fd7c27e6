"""Revision 0016 on SQLite and PostgreSQL: letters logged as `rmc_18_23` become `doorstroompunt`, the
CHECK constraint lists the new kind only, the files of runs already written keep their names, and
going back to 0015 restores the old kind."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registers.codes import LetterKind
from registers.db import downgrade, make_engine, upgrade
from registers.models import Letter

OLD_FILE = "0001-rmc_18_23-RMC-260907-1-0001.docx"  # as the run of 7 September 2026 named it


def _letter(engine: Engine, soort: str, kenmerk: str, case_id: int, rang: int = 1) -> None:
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO letters (onderwerp, case_id, persoonsnummer, soort, rang, geadresseerde, status, "
            "kenmerk, datum, antwoord_voor, run, bestand, recorded_at) VALUES (:o, :c, '999993653', :s, :r, "
            "'jongere', 'aangemaakt', :k, :d, :a, '260907-1', :b, :t)"),
            {"o": f"case:{case_id}", "c": case_id, "s": soort, "r": rang, "k": kenmerk, "d": date(2026, 9, 7),
             "a": date(2026, 9, 21), "b": OLD_FILE if kenmerk == "RMC-260907-1-0001" else f"{kenmerk}.docx",
             "t": datetime(2026, 9, 7, 8, 0)})


def _kinds_checked(engine: Engine) -> str:
    """The text of the letter kinds' CHECK constraint, as the database has it."""
    checks = {c["name"]: c["sqltext"] for c in inspect(engine).get_check_constraints("letters")}
    assert "ck_letters_letter_kind" in checks, sorted(checks)
    return checks["ck_letters_letter_kind"]


def test_letters_of_the_old_kind_become_doorstroompunt_and_back_on_downgrade(fresh_db_url: str) -> None:
    upgrade(fresh_db_url, "0015")
    engine = make_engine(fresh_db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO dossiers (persoonsnummer, gemeentecode, status, team, opened_on) "
                "VALUES ('999993653', '0363', 'open', 'rmc', :d)"), {"d": date(2026, 9, 1)})
            connection.execute(text(
                "INSERT INTO cases (persoonsnummer, gemeentecode, signal, status, opened_on, last_seen, "
                "dossier_id) VALUES ('999993653', '0363', 'GEEN_INSCHRIJVING_RMC', 'open', :d, :d, "
                "(SELECT id FROM dossiers))"), {"d": date(2026, 9, 1)})
            case_id = connection.execute(text("SELECT id FROM cases")).scalar_one()
        _letter(engine, "rmc_18_23", "RMC-260907-1-0001", case_id)
        _letter(engine, "absoluut_verzuim", "LP-260907-1-0002", case_id)
        with pytest.raises(IntegrityError, match="(?i)check"), engine.begin() as connection:
            connection.execute(text("UPDATE letters SET soort = 'doorstroompunt' WHERE soort = 'rmc_18_23'"))

        upgrade(fresh_db_url)

        with engine.connect() as connection:
            rows = connection.execute(text("SELECT kenmerk, soort, bestand FROM letters ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [
            ("RMC-260907-1-0001", "doorstroompunt", OLD_FILE), ("LP-260907-1-0002", "absoluut_verzuim",
                                                               "LP-260907-1-0002.docx")]
        with Session(engine) as session:  # the register reads it as today's kind
            first = session.scalars(select(Letter.soort).order_by(Letter.id)).first()
            assert first is LetterKind.DOORSTROOMPUNT
        checked = _kinds_checked(engine)
        assert "doorstroompunt" in checked and "rmc_18_23" not in checked
        with pytest.raises(IntegrityError, match="(?i)check"):
            _letter(engine, "rmc_18_23", "RMC-260914-1-0001", case_id, rang=2)
        with pytest.raises(IntegrityError, match="(?i)unique"):  # still the same letter: no second first one
            _letter(engine, "doorstroompunt", "RMC-260914-1-0002", case_id)
        _letter(engine, "doorstroompunt", "RMC-260914-1-0003", case_id, rang=2)  # the reminder

        downgrade(engine, "0015")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT soort FROM letters ORDER BY id")).scalars().all() == [
                "rmc_18_23", "absoluut_verzuim", "rmc_18_23"]
        checked = _kinds_checked(engine)
        assert "rmc_18_23" in checked and "doorstroompunt" not in checked
    finally:
        engine.dispose()
