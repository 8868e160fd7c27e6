"""Revision 0019 on PostgreSQL: the policy `cases_rmc` lets the RMC see the reason a school's
melding of soort RMC opened (signal VERZUIMMELDING), and with it the dossier, its steps, their
attachments and the letters on it; not the reason of a leerplichtige's melding, not absoluut verzuim,
not another gemeente's. Going back to 0018 gives the old condition and the old rows again. On SQLite
the revision changes nothing (tests/registers/test_migrations.py upgrades both)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from registers.db import downgrade, make_engine, upgrade
from tests.registers.test_migration_0017 import _may as may_insert

pytestmark = pytest.mark.postgres

# id -> (persoonsnummer, gemeente, signal, soort of its melding); a dossier, a case, a step on it, an
# attachment of that step and a letter on it, all with this id; a melding (same id) when soort is given
CASES = {1: ("900000001", "0363", "ABSOLUUT_VERZUIM", None),
         2: ("900000002", "0363", "GEEN_INSCHRIJVING_RMC", None),
         3: ("900000003", "0363", "VERZUIMMELDING", "RMC"),
         4: ("900000004", "0363", "VERZUIMMELDING", "LRV"),
         5: ("900000005", "0599", "VERZUIMMELDING", "RMC")}
TABLES = {"cases": "id", "dossiers": "id", "case_actions": "case_id", "bijlagen": "case_action_id",
          "letters": "case_id"}


def _fill(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        for i, (number, gemeente, signal, soort) in CASES.items():
            values = {"i": i, "n": number, "g": gemeente, "s": signal, "soort": soort}
            connection.execute(text("INSERT INTO personen (persoonsnummer, gemeentecode, bijgewerkt_op) "
                                    "VALUES (:n, :g, DATE '2026-09-07')"), values)
            if soort:
                connection.execute(text(
                    "INSERT INTO verzuimmeldingen (id, meldingsnummer, brin, persoonsnummer, soort, "
                    "begindatum, status, status_datum) VALUES (:i, 'M' || :i, '00AA', :n, :soort, "
                    "DATE '2026-09-01', 'geregistreerd', DATE '2026-09-01')"), values)
            connection.execute(text(
                "INSERT INTO dossiers (id, persoonsnummer, gemeentecode, status, team, opened_on) "
                "VALUES (:i, :n, :g, 'open', 'rmc', DATE '2026-09-07')"), values)
            connection.execute(text(
                "INSERT INTO cases (id, persoonsnummer, gemeentecode, signal, status, opened_on, last_seen, "
                "dossier_id, verzuimmelding_id) VALUES (:i, :n, :g, :s, 'open', DATE '2026-09-07', "
                "DATE '2026-09-07', :i, CASE WHEN CAST(:soort AS varchar) IS NULL THEN NULL ELSE :i END)"),
                values)
            connection.execute(text(
                "INSERT INTO case_actions (id, case_id, action, on_date, by, recorded_at) "
                "VALUES (:i, :i, 'geopend', DATE '2026-09-07', 'systeem', TIMESTAMP '2026-09-07 08:00')"),
                values)
            connection.execute(text(
                "INSERT INTO bijlagen (case_action_id, bestandsnaam, sha256, grootte, by, recorded_at) "
                "VALUES (:i, 'verslag.pdf', repeat('a', 64), 1, 'rmc', TIMESTAMP '2026-09-07 08:00')"),
                values)
            connection.execute(text(
                "INSERT INTO letters (onderwerp, persoonsnummer, soort, rang, geadresseerde, status, datum, "
                "recorded_at, reden, case_id) VALUES ('case ' || :i, :n, 'doorstroompunt', 1, 'jongere', "
                "'onderdrukt', DATE '2026-09-07', TIMESTAMP '2026-09-07 08:00', 'geen_adres', :i)"), values)
        connection.execute(text("SELECT setval(pg_get_serial_sequence('case_actions', 'id'), 10)"))
        connection.execute(text("INSERT INTO gemeente_toegang (login, gemeentecode) "
                                "VALUES (session_user, '0363')"))
    engine.dispose()


STEP = ("INSERT INTO case_actions (case_id, action, on_date, by, recorded_at) VALUES "
        "(:p, 'gesprek', DATE '2026-09-08', 'rmc', TIMESTAMP '2026-09-08 08:00')")


def _seen(url: str, role: str) -> dict[str, list[int]]:
    """Per table the ids (of the case) `role` reads, and the cases it may add a step to."""
    engine = make_engine(url)
    seen: dict[str, list[int]] = {}
    with engine.connect() as connection, connection.begin():
        connection.execute(text(f"SET LOCAL ROLE {role}"))
        for table, column in TABLES.items():
            seen[table] = sorted(connection.execute(text(f"SELECT {column} FROM {table}")).scalars())
        seen["step allowed"] = [i for i in CASES if may_insert(connection, STEP, i)]
    engine.dispose()
    return seen


def _condition(url: str) -> tuple[str, str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        row = connection.execute(text(
            "SELECT qual, with_check FROM pg_policies WHERE schemaname = current_schema() "
            "AND tablename = 'cases' AND policyname = 'cases_rmc'")).one()
    engine.dispose()
    return tuple(row)


def test_the_rmc_sees_the_reason_of_an_rmc_melding_and_not_after_a_downgrade(pg_server) -> None:
    url = pg_server.create_database("rls0019")
    upgrade(url, "0018")
    _fill(url)
    before = _condition(url)
    only_signals = {table: [2] for table in TABLES} | {"step allowed": [2]}
    assert _seen(url, "inbeeld_rmc") == only_signals
    lpa = _seen(url, "inbeeld_lpa")
    assert lpa == {table: [1, 2, 3, 4] for table in TABLES} | {"step allowed": [1, 2, 3, 4]}

    upgrade(url)
    qual, check = _condition(url)
    assert qual == check and "VERZUIMMELDING" in qual and "verzuimmeldingen" in qual
    # the RMC melding's reason of its own gemeente; not the LRV melding's (4), not absoluut verzuim (1),
    # not the RMC melding of 0599 (5)
    assert _seen(url, "inbeeld_rmc") == {table: [2, 3] for table in TABLES} | {"step allowed": [2, 3]}
    assert _seen(url, "inbeeld_lpa") == lpa

    downgrade(url, "0018")
    assert _condition(url) == before
    assert _seen(url, "inbeeld_rmc") == only_signals
