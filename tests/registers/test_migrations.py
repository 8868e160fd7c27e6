"""Migrations: an empty database to head, a database of the previous revision (with data) to head, and
the migrated schema equal to the models on both databases."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.schema import CreateIndex

from registers.db import current_revision, head_revision, make_engine, upgrade
from registers.models import Base


def _plain(clause: str) -> str:
    """A WHERE clause without casts, brackets, spaces and case: PostgreSQL reflects `(status)::text = …`."""
    return re.sub(r"::\w+|[()\s]", "", clause).lower()


def _partial_indexes(engine: Engine) -> tuple[dict[str, str], dict[str, str]]:
    """Each partial index with its WHERE: as the models' CREATE INDEX says it in this database's dialect
    (registers.models.partial_index), and as the migrated database has it."""
    dialect, key = engine.dialect, f"{engine.dialect.name}_where"
    models = {}
    for table in Base.metadata.tables.values():
        for index in table.indexes:
            ddl = str(CreateIndex(index).compile(dialect=dialect))
            if " WHERE " in ddl:
                models[index.name] = _plain(ddl.partition(" WHERE ")[2])
    inspector = inspect(engine)
    database = {index["name"]: _plain(str(index["dialect_options"][key]))
                for table in inspector.get_table_names() for index in inspector.get_indexes(table)
                if key in index.get("dialect_options", {})}
    return models, database


def test_head_is_the_newest_revision() -> None:
    assert head_revision() == "0019"


def test_upgrade_an_empty_database_to_head(fresh_db_url: str) -> None:
    upgrade(fresh_db_url)
    engine = make_engine(fresh_db_url)
    try:
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {"cases", "case_actions", "vrijstellingen", "verzuimmeldingen", "verzuim_status_changes",
                "thuiszitters", "vsv_register", "audit_log", "letters", "afspraken"} <= tables
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                    Base.metadata)
        assert diff == [], f"the migrations and registers/models.py disagree: {diff}"
        models, database = _partial_indexes(engine)  # alembic's comparison leaves an index's WHERE out
        assert "uq_dossiers_open_persoonsnummer" in models and models == database
        upgrade(fresh_db_url)  # a second upgrade is a no-op
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_upgrade_a_database_of_the_previous_revision_keeps_its_data(fresh_db_url: str) -> None:
    upgrade(fresh_db_url, "0001")
    engine = make_engine(fresh_db_url)
    try:
        assert current_revision(engine) == "0001"
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO cases (persoonsnummer, gemeentecode, signal, status, opened_on, sinds, "
                "last_seen, legal_hold) "
                "VALUES ('999993653', '0363', 'ABSOLUUT_VERZUIM', 'open', :d, :d, :d, :f)"),
                {"d": date(2026, 9, 7), "f": False})
            case_id = connection.execute(text("SELECT id FROM cases")).scalar_one()
            connection.execute(text(
                "INSERT INTO case_actions (case_id, action, on_date, by, note, recorded_at) "
                "VALUES (:id, 'brief_verstuurd', :d, 'LPA', 'eerste brief', CURRENT_TIMESTAMP)"),
                {"id": case_id, "d": date(2026, 9, 8)})

        upgrade(fresh_db_url)

        assert current_revision(engine) == head_revision()
        with engine.begin() as connection:
            row = connection.execute(text(
                "SELECT persoonsnummer, status, adres_in_onderzoek, controle_nodig FROM cases")).one()
            assert (row.persoonsnummer, row.status) == ("999993653", "open")
            assert not row.adres_in_onderzoek and not row.controle_nodig
            assert connection.execute(text("SELECT note FROM case_actions")).scalar_one() == "eerste brief"
        # The partial unique index survived the upgrade: a second open case is still refused.
        with pytest.raises(IntegrityError, match="(?i)unique"), engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO cases (persoonsnummer, gemeentecode, signal, status, opened_on, last_seen, "
                "dossier_id) VALUES ('999993653', '0363', 'ABSOLUUT_VERZUIM', 'open', :d, :d, "
                "(SELECT id FROM dossiers))"), {"d": date(2026, 9, 14)})
    finally:
        engine.dispose()


def test_on_sqlite_the_role_part_of_0004_is_skipped_with_a_clear_log_line(tmp_path, caplog) -> None:
    caplog.set_level(logging.INFO, logger="alembic.runtime.migration")
    upgrade(f"sqlite:///{tmp_path / 'r.sqlite'}")
    assert any("PostgreSQL features; skipped on sqlite" in r.getMessage() for r in caplog.records)


def test_0006_rewrites_stored_rmc_cases_to_the_new_signal_code(fresh_db_url: str) -> None:
    """A register of revision 0005 with an open GEEN_INSCHRIJVING_18_23 case (and its letter action):
    after the upgrade the case carries GEEN_INSCHRIJVING_RMC, keeps its id and timeline, the old code is
    refused, and a case can close with the new reason `rmc_leeftijd_bereikt`."""
    upgrade(fresh_db_url, "0005")
    engine = make_engine(fresh_db_url)
    try:
        with engine.begin() as connection:
            for number, signal, status, reason in (
                    ("999993653", "GEEN_INSCHRIJVING_18_23", "open", None),
                    ("999993665", "GEEN_INSCHRIJVING_18_23", "closed", "drieentwintig_geworden"),
                    ("999993677", "VSV", "open", None)):
                connection.execute(text(
                    "INSERT INTO cases (persoonsnummer, gemeentecode, signal, status, opened_on, sinds, "
                    "last_seen, closed_on, close_reason, legal_hold, adres_in_onderzoek, controle_nodig) "
                    "VALUES (:n, '0363', :s, :st, :d, :d, :d, :c, :r, :f, :f, :f)"),
                    {"n": number, "s": signal, "st": status, "d": date(2025, 9, 1),
                     "c": date(2025, 10, 1) if reason else None, "r": reason, "f": False})
            first = connection.execute(
                text("SELECT id FROM cases WHERE persoonsnummer = '999993653'")).scalar_one()
            connection.execute(text(
                "INSERT INTO case_actions (case_id, action, on_date, by, note, recorded_at) "
                "VALUES (:id, 'brief_verstuurd', :d, 'RMC', 'wat doe je nu?', CURRENT_TIMESTAMP)"),
                {"id": first, "d": date(2025, 9, 8)})

        upgrade(fresh_db_url)

        with engine.begin() as connection:
            rows = connection.execute(text(
                "SELECT id, persoonsnummer, signal, close_reason FROM cases ORDER BY persoonsnummer")).all()
            assert [(r.persoonsnummer, r.signal, r.close_reason) for r in rows] == [
                ("999993653", "GEEN_INSCHRIJVING_RMC", None),
                ("999993665", "GEEN_INSCHRIJVING_RMC", "drieentwintig_geworden"),
                ("999993677", "VSV", None)]
            assert rows[0].id == first
            assert connection.execute(text("SELECT note FROM case_actions WHERE case_id = :id"),
                                      {"id": first}).scalar_one() == "wat doe je nu?"
            connection.execute(text("UPDATE cases SET status = 'closed', closed_on = :d, "
                                    "close_reason = 'rmc_leeftijd_bereikt' WHERE id = :id"),
                               {"d": date(2026, 1, 5), "id": first})
        with pytest.raises((IntegrityError, DataError)), engine.begin() as connection:  # check or length
            connection.execute(text(
                "INSERT INTO cases (persoonsnummer, gemeentecode, signal, status, opened_on, last_seen) "
                "VALUES ('999993689', '0363', 'GEEN_INSCHRIJVING_18_23', 'open', :d, :d)"),
                {"d": date(2026, 1, 5)})
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                    Base.metadata)
        assert diff == [], f"the migrations and registers/models.py disagree: {diff}"
    finally:
        engine.dispose()


def test_0007_lets_cases_carry_onvolledige_persoonslijst_and_keeps_the_check(fresh_db_url: str) -> None:
    upgrade(fresh_db_url, "0006")
    engine = make_engine(fresh_db_url)
    insert = ("INSERT INTO cases (persoonsnummer, gemeentecode, signal, status, opened_on, last_seen) "
              "VALUES ('999993653', '0363', :signal, 'open', :d, :d)")
    try:
        with engine.begin() as connection:
            connection.execute(text(insert), {"signal": "VSV", "d": date(2026, 9, 7)})
            case_id = connection.execute(text("SELECT id FROM cases")).scalar_one()
            connection.execute(text(
                "INSERT INTO case_actions (case_id, action, on_date, by, note, recorded_at) "
                "VALUES (:id, 'notitie', :d, 'LPA', 'blijft', CURRENT_TIMESTAMP)"),
                {"id": case_id, "d": date(2026, 9, 8)})
        with pytest.raises((IntegrityError, DataError)), engine.begin() as connection:  # check / length
            connection.execute(text(insert), {"signal": "ONVOLLEDIGE_PERSOONSLIJST", "d": date(2026, 9, 7)})
        upgrade(fresh_db_url, "0007")
        with engine.begin() as connection:
            connection.execute(text(insert), {"signal": "ONVOLLEDIGE_PERSOONSLIJST", "d": date(2026, 9, 7)})
            assert connection.execute(text("SELECT note FROM case_actions")).scalar_one() == "blijft"
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(insert), {"signal": "GEEN_SIGNAAL", "d": date(2026, 9, 7)})
    finally:
        engine.dispose()
