"""Revision 0017 on PostgreSQL: the policies of records that hang on another record (steps,
attachments, status changes, thuiszitters, letters, the RMC's dossiers) ask for the parent with a
correlated EXISTS instead of `IN (SELECT id FROM parent)`, and let through exactly the rows they did
at 0016; going back to 0016 gives the old conditions again."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ProgrammingError

from registers.db import downgrade, make_engine, upgrade

pytestmark = pytest.mark.postgres

# case id -> (persoonsnummer, gemeente, signal); each with its dossier (same id), a step, an
# attachment of that step, a letter, and for absoluut verzuim a thuiszitter
CASES = {1: ("900000001", "0363", "ABSOLUUT_VERZUIM"),
         2: ("900000003", "0363", "GEEN_INSCHRIJVING_RMC"),
         3: ("900000002", "0599", "GEEN_INSCHRIJVING_RMC"),
         4: ("900000004", "0599", "ABSOLUUT_VERZUIM")}
# melding id -> (persoonsnummer, soort); each with a status change, a letter and a thuiszitter
MELDINGEN = {1: ("900000001", "RMC"), 2: ("900000003", "LRV"), 3: ("900000002", "RMC")}
VRIJSTELLINGEN = {1: "900000001", 2: "900000002"}  # each with a letter
PERSONEN = {"900000001": "0363", "900000002": "0599", "900000003": "0363"}
TABLES = ("case_actions", "bijlagen", "verzuim_status_changes", "thuiszitters", "letters", "dossiers")
REWRITTEN = {"case_actions.case_actions_lpa", "case_actions.case_actions_rmc", "bijlagen.bijlagen_lpa",
             "bijlagen.bijlagen_rmc", "verzuim_status_changes.verzuim_status_changes_lpa",
             "verzuim_status_changes.verzuim_status_changes_rmc", "thuiszitters.thuiszitters_lpa",
             "letters.letters_lpa", "letters.letters_rmc", "dossiers.dossiers_rmc"}


def _fill(url: str) -> None:
    """The records above; the database's login serves 0363."""
    engine = make_engine(url)
    letter = ("INSERT INTO letters (onderwerp, persoonsnummer, soort, rang, geadresseerde, status, datum, "
              "recorded_at, reden, {column}) VALUES (:o, :n, 'absoluut_verzuim', 1, 'ouder', 'onderdrukt', "
              "DATE '2026-09-07', TIMESTAMP '2026-09-07 08:00', 'geen_adres', :i)")
    thuiszitter = ("INSERT INTO thuiszitters (persoonsnummer, bron, startdatum, last_seen, {column}) "
                   "VALUES (:n, :b, DATE '2026-09-01', DATE '2026-09-07', :i)")
    with engine.begin() as connection:
        for number, gemeente in PERSONEN.items():
            connection.execute(text("INSERT INTO personen (persoonsnummer, gemeentecode, bijgewerkt_op) "
                                    "VALUES (:n, :g, DATE '2026-09-07')"), {"n": number, "g": gemeente})
        for i, (number, gemeente, signal) in CASES.items():
            values = {"i": i, "n": number, "g": gemeente, "s": signal, "o": f"case {i}"}
            connection.execute(text(
                "INSERT INTO dossiers (id, persoonsnummer, gemeentecode, status, team, opened_on) "
                "VALUES (:i, :n, :g, 'open', 'lpa', DATE '2026-06-01')"), values)
            connection.execute(text(
                "INSERT INTO cases (id, persoonsnummer, gemeentecode, signal, status, opened_on, last_seen, "
                "dossier_id) VALUES (:i, :n, :g, :s, 'open', DATE '2026-06-01', DATE '2026-09-07', :i)"),
                values)
            connection.execute(text(
                "INSERT INTO case_actions (id, case_id, action, on_date, by, recorded_at) "
                "VALUES (:i, :i, 'geopend', DATE '2026-06-01', 'systeem', TIMESTAMP '2026-06-01 08:00')"),
                values)
            connection.execute(text(
                "INSERT INTO bijlagen (case_action_id, bestandsnaam, sha256, grootte, by, recorded_at) "
                "VALUES (:i, 'brief.pdf', repeat('a', 64), 1, 'lpa', TIMESTAMP '2026-06-01 08:00')"), values)
            connection.execute(text(letter.format(column="case_id")), values)
            if signal == "ABSOLUUT_VERZUIM":
                connection.execute(text(thuiszitter.format(column="case_id")),
                                   {**values, "b": "absoluut_verzuim"})
        for i, (number, soort) in MELDINGEN.items():
            values = {"i": i, "n": number, "s": soort, "o": f"melding {i}", "b": "lrv"}
            connection.execute(text(
                "INSERT INTO verzuimmeldingen (id, meldingsnummer, brin, persoonsnummer, soort, begindatum, "
                "status, status_datum) VALUES (:i, 'M' || :i, '00AA', :n, :s, DATE '2026-09-01', "
                "'geregistreerd', DATE '2026-09-01')"), values)
            connection.execute(text(
                "INSERT INTO verzuim_status_changes (melding_id, status, on_date, by, recorded_at) "
                "VALUES (:i, 'geregistreerd', DATE '2026-09-01', 'lpa', TIMESTAMP '2026-09-01 08:00')"),
                values)
            connection.execute(text(letter.format(column="verzuimmelding_id")), values)
            connection.execute(text(thuiszitter.format(column="verzuimmelding_id")), values)
        for i, number in VRIJSTELLINGEN.items():
            values = {"i": i, "n": number, "o": f"vrijstelling {i}"}
            connection.execute(text("INSERT INTO vrijstellingen (id, persoonsnummer, grond, begindatum) "
                                    "VALUES (:i, :n, 'LPW_5_C', DATE '2026-01-01')"), values)
            connection.execute(text(letter.format(column="vrijstelling_id")), values)
        connection.execute(text("SELECT setval(pg_get_serial_sequence('case_actions', 'id'), 10)"))
        connection.execute(text("INSERT INTO gemeente_toegang (login, gemeentecode) "
                                "VALUES (session_user, '0363')"))
    engine.dispose()


class _Undo(Exception):
    pass


def _may(connection: Connection, statement: str, parent: int) -> bool:
    """Whether the current role may insert `statement`'s row hanging on `parent` (WITH CHECK)."""
    try:
        with connection.begin_nested():
            connection.execute(text(statement), {"p": parent})
            raise _Undo
    except _Undo:
        return True
    except ProgrammingError:
        return False


INSERTS = {
    "step on case": "INSERT INTO case_actions (case_id, action, on_date, by, recorded_at) "
                    "VALUES (:p, 'notitie', DATE '2026-09-07', 'lpa', TIMESTAMP '2026-09-07 08:00')",
    "attachment on step": "INSERT INTO bijlagen (case_action_id, bestandsnaam, sha256, grootte, by, "
                          "recorded_at) VALUES (:p, 'x.pdf', repeat('b', 64), 1, 'lpa', "
                          "TIMESTAMP '2026-09-07 08:00')",
    "status change on melding": "INSERT INTO verzuim_status_changes (melding_id, status, on_date, by, "
                                "recorded_at) VALUES (:p, 'in_behandeling', DATE '2026-09-07', 'lpa', "
                                "TIMESTAMP '2026-09-07 08:00')",
}


def _seen(url: str) -> dict[str, list[object]]:
    """Per role and table the rows it reads (as their parents), and the parents it may hang a new
    step, attachment or status change on."""
    engine = make_engine(url)
    parents = {"case_actions": "case_id", "bijlagen": "case_action_id",
               "verzuim_status_changes": "melding_id",
               "thuiszitters": "coalesce(case_id, -verzuimmelding_id)",
               "letters": "onderwerp", "dossiers": "id"}
    seen: dict[str, list[object]] = {}
    with engine.connect() as connection:
        for role in ("inbeeld_lpa", "inbeeld_rmc"):
            with connection.begin():
                connection.execute(text(f"SET LOCAL ROLE {role}"))
                for table in TABLES:
                    if role == "inbeeld_rmc" and table == "thuiszitters":
                        continue  # no grant
                    seen[f"{role} {table}"] = sorted(connection.execute(text(
                        f"SELECT {parents[table]} FROM {table}")).scalars())
                for name, statement in INSERTS.items():
                    seen[f"{role} {name}"] = [p for p in range(1, 5) if _may(connection, statement, p)]
    engine.dispose()
    return seen


def _conditions(url: str) -> dict[str, tuple[str, str]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT tablename || '.' || policyname, qual, with_check FROM pg_policies "
            "WHERE schemaname = current_schema()")).all()
    engine.dispose()
    return {name: (qual, check) for name, qual, check in rows}


def test_parents_are_probed_per_row_for_the_same_rows_and_as_a_set_again_on_downgrade(pg_server) -> None:
    url = pg_server.create_database("rls0017")
    upgrade(url, "0016")
    _fill(url)
    conditions = _conditions(url)
    assert {name for name, (qual, _) in conditions.items() if " IN ( SELECT" in qual} == REWRITTEN
    before = _seen(url)
    assert before["inbeeld_lpa case_actions"] == [1, 2]
    assert before["inbeeld_rmc case_actions"] == [2]
    assert before["inbeeld_lpa thuiszitters"] == [-2, -1, 1]
    assert before["inbeeld_lpa letters"] == ["case 1", "case 2", "melding 1", "melding 2", "vrijstelling 1"]
    assert before["inbeeld_rmc letters"] == ["case 2", "melding 1"]
    assert before["inbeeld_rmc dossiers"] == [2]
    for role, cases, meldingen in (("inbeeld_lpa", [1, 2], [1, 2]), ("inbeeld_rmc", [2], [1])):
        assert before[f"{role} step on case"] == cases
        assert before[f"{role} attachment on step"] == cases  # step i is case i's
        assert before[f"{role} status change on melding"] == meldingen

    upgrade(url, "0017")  # this revision alone: 0019 rewrites cases_rmc
    after_conditions = _conditions(url)
    assert not [name for name, (qual, check) in after_conditions.items()
                if " IN ( SELECT" in qual or " IN ( SELECT" in (check or "")]
    assert {name for name in after_conditions if after_conditions[name] != conditions[name]} == REWRITTEN
    for name in REWRITTEN:
        qual, check = after_conditions[name]
        assert qual == check and "EXISTS ( SELECT" in qual, name
    assert _seen(url) == before

    downgrade(url, "0016")
    assert _conditions(url) == conditions
    assert _seen(url) == before
