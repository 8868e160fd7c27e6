"""The roles of docs/spec.md §6, enforced by PostgreSQL (revisions 0004, 0008, 0009): each test logs in as
a user of one role and shows what it may read or change and what it is refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, text

from registers.audit import AuditTrail
from registers.codes import LetterKind, LetterStatus, ReasonCode, VerzuimSoort
from registers.db import make_engine, session_factory, upgrade
from registers.dossiers import list_dossiers, read_dossier
from registers.models import GemeenteToegang, Letter
from registers.retention import purge_audit, purge_registers
from registers.vrijstellingen import add_vrijstelling, list_vrijstellingen
from rules.vrijstellingen import Vrijstellingsgrond
from tests.registers import retention_data as data
from tests.registers.conftest import AUDIT_KEY
from tests.registers.factories import BSNS
from tests.registers.role_logins import ROLES, RoleDatabase, restoring

pytestmark = pytest.mark.postgres

D = date.fromisoformat
A, B, C, E = BSNS[:4]  # A, B and E live in 0363, C in 0599


@pytest.fixture(scope="module")
def roles_db(pg_server) -> Iterator[RoleDatabase]:
    url = pg_server.create_database("roles")
    upgrade(url)
    db = RoleDatabase(url)
    db.create_logins(pg_server.admin)
    engine = make_engine(url)
    with session_factory(engine, AuditTrail(AUDIT_KEY, actor="setup"))() as session:
        for number, gemeente in ((A, "0363"), (B, "0363"), (C, "0599"), (E, "0363")):
            data.person(session, number, D("2010-03-15"), gemeente=gemeente)
        av = data.case(session, A, ReasonCode.ABSOLUUT_VERZUIM, D("2026-09-07"), None)
        data.thuiszitter(session, av)
        elsewhere = data.case(session, C, ReasonCode.ABSOLUUT_VERZUIM, D("2026-09-07"), None, gemeente="0599")
        for number, (subject, person) in enumerate(((av, A), (elsewhere, C)), start=1):
            session.add(Letter(onderwerp=f"case:{subject.id}", case_id=subject.id, persoonsnummer=person,
                               soort=LetterKind.ABSOLUUT_VERZUIM, rang=1, geadresseerde="ouder1",
                               status=LetterStatus.AANGEMAAKT, kenmerk=f"LP-T-{number:04d}",
                               datum=D("2026-09-08"), run="260908-1", bestand=f"{number:04d}.docx",
                               recorded_at=data.RECORDED))
        data.case(session, B, ReasonCode.GEEN_INSCHRIJVING_RMC, D("2026-09-07"), None)
        data.case(session, C, ReasonCode.VSV, D("2026-09-07"), None, gemeente="0599")
        data.vrijstelling(session, A, Vrijstellingsgrond.LPW_5_A, D("2026-09-01"), None, "diagnose: ADHD")
        data.vrijstelling(session, C, Vrijstellingsgrond.LPW_5_B, D("2026-09-01"), None, "bezwaar richting")
        data.vrijstelling(session, E, Vrijstellingsgrond.LPW_5_C, D("2026-09-01"), None, "school in Brussel")
        data.melding(session, A, "VM-A", VerzuimSoort.LUXE, D("2026-09-10"), D("2026-09-11"))
        data.melding(session, B, "VM-B", VerzuimSoort.RMC, D("2026-09-10"), D("2026-09-11"))
        data.melding(session, C, "VM-C", VerzuimSoort.RMC, D("2026-09-10"), D("2026-09-11"))
        data.vsv(session, B, 2025, None)
        data.vsv(session, C, 2025, None)
        session.add_all([GemeenteToegang(login=db.logins["lpa"], gemeentecode="0363"),
                         GemeenteToegang(login=db.logins["rmc"], gemeentecode="0363")])
        session.commit()
    with restoring(engine) as connection:
        connection.execute(text("INSERT INTO audit_log (at, actor, action) VALUES (:at, 'x', 'setup')"),
                           {"at": datetime(2015, 1, 1)})
    engine.dispose()
    yield db
    db.drop_logins(pg_server.admin)


def _rows(roles_db: RoleDatabase, role: str, sql: str) -> list[tuple]:
    return roles_db.rows(role, sql)


def _refused(roles_db: RoleDatabase, role: str, sql: str) -> str:
    return roles_db.refused(role, sql)


def _changes(roles_db: RoleDatabase, role: str, sql: str) -> int:
    return roles_db.changes(role, sql)


def _persons(rows: list[tuple]) -> list[str]:
    return sorted(str(row[0]) for row in rows)


# -- LPA: the persons of the login's gemeenten -----------------------------------------------------


def test_lpa_sees_only_the_persons_of_its_gemeenten(roles_db: RoleDatabase) -> None:
    assert _persons(_rows(roles_db, "lpa", "SELECT persoonsnummer FROM cases")) == [A, B]
    assert _persons(_rows(roles_db, "lpa", "SELECT persoonsnummer FROM vrijstellingen")) == [A, E]
    assert _persons(_rows(roles_db, "lpa", "SELECT persoonsnummer FROM verzuimmeldingen")) == [A, B]
    assert _persons(_rows(roles_db, "lpa", "SELECT persoonsnummer FROM thuiszitters")) == [A]
    assert len(_rows(roles_db, "lpa", "SELECT id FROM case_actions")) == 2
    assert _persons(_rows(roles_db, "lpa", "SELECT persoonsnummer FROM personen")) == [A, B, E]
    assert _persons(_rows(roles_db, "lpa", "SELECT persoonsnummer FROM letters")) == [A]


def test_lpa_reads_the_health_and_religion_details(roles_db: RoleDatabase) -> None:
    assert ("diagnose: ADHD",) in _rows(roles_db, "lpa", "SELECT toelichting FROM vrijstellingen")


def test_lpa_cannot_touch_another_gemeentes_cases(roles_db: RoleDatabase) -> None:
    assert _changes(roles_db, "lpa", "UPDATE cases SET assigned_to = 'X' WHERE gemeentecode = '0599'") == 0
    assert _changes(roles_db, "lpa", "UPDATE cases SET assigned_to = 'X' WHERE gemeentecode = '0363'") == 2
    other = _rows(roles_db, "beheer", "SELECT id FROM cases WHERE gemeentecode = '0599' LIMIT 1")[0][0]
    _refused(roles_db, "lpa", "INSERT INTO case_actions (case_id, action, on_date, by, recorded_at) "
                              f"VALUES ({other}, 'gesprek', '2026-10-01', 'lpa', now())")
    _refused(roles_db, "lpa", "UPDATE cases SET gemeentecode = '0599' WHERE gemeentecode = '0363'")


@pytest.mark.parametrize("sql", ["DELETE FROM cases", "SELECT * FROM audit_log",
                                 "SELECT * FROM gemeente_toegang",
                                 "SELECT * FROM beleid_signalen_per_maand", "DELETE FROM vrijstellingen",
                                 "SELECT inbeeld_purge_audit()"])
def test_lpa_is_refused(roles_db: RoleDatabase, sql: str) -> None:
    _refused(roles_db, "lpa", sql)


def test_the_application_works_as_lpa_and_audits_its_reads(roles_db: RoleDatabase) -> None:
    trail = AuditTrail(AUDIT_KEY, actor="lpa-user")
    with session_factory(roles_db.engine("lpa"), trail)() as session:
        shown = list_dossiers(session)
        assert sorted(c.persoonsnummer for c in shown) == [A, B]
        read_dossier(session, shown[0].id)
        session.commit()
    assert ("dossier.read", trail.person_hash(shown[0].persoonsnummer)) in _rows(
        roles_db, "beheer", "SELECT action, person_hash FROM audit_log WHERE actor = 'lpa-user'")


# -- RMC: the RMC doelgroep of its gemeenten --------------------------------------------------------


def test_rmc_sees_only_the_rmc_doelgroep_of_its_gemeenten(roles_db: RoleDatabase) -> None:
    assert _rows(roles_db, "rmc", "SELECT persoonsnummer, signal FROM cases") == [
        (B, "GEEN_INSCHRIJVING_RMC")]
    assert _rows(roles_db, "rmc", "SELECT persoonsnummer, soort FROM verzuimmeldingen") == [(B, "RMC")]
    assert _persons(_rows(roles_db, "rmc", "SELECT persoonsnummer FROM vsv_register")) == [B]
    assert _rows(roles_db, "rmc", "SELECT persoonsnummer FROM letters") == []
    # issue 20 #7: not every person of its gemeenten (A has an absoluut-verzuim case, E a vrijstelling)
    assert _persons(_rows(roles_db, "rmc", "SELECT persoonsnummer FROM personen")) == [B]


@pytest.mark.parametrize("sql", ["SELECT * FROM vrijstellingen", "SELECT * FROM thuiszitters",
                                 "DELETE FROM cases", "SELECT * FROM audit_log",
                                 "INSERT INTO cases (persoonsnummer, gemeentecode, signal, status, "
                                 "opened_on, last_seen) "
                                 "VALUES ('999993653', '0363', 'VSV', 'open', now(), now())"])
def test_rmc_is_refused(roles_db: RoleDatabase, sql: str) -> None:
    _refused(roles_db, "rmc", sql)


# -- administratie: every person, but not the health and religion details ---------------------------


def test_administratie_sees_every_person_but_not_the_sensitive_toelichting(roles_db: RoleDatabase) -> None:
    assert len(_rows(roles_db, "administratie", "SELECT id FROM cases")) == 4
    assert len(_rows(roles_db, "administratie", "SELECT id, grond, nooit_geschikt FROM vrijstellingen")) == 3
    _refused(roles_db, "administratie", "SELECT toelichting FROM vrijstellingen")
    _refused(roles_db, "administratie", "SELECT * FROM vrijstellingen")
    shown = dict(_rows(roles_db, "administratie",
                       "SELECT v.grond, t.toelichting FROM vrijstelling_toelichtingen t "
                       "JOIN vrijstellingen v ON v.id = t.id"))
    assert shown == {"LPW_5_A": None, "LPW_5_B": None, "LPW_5_C": "school in Brussel"}


def test_the_application_works_as_administratie_without_loading_the_toelichting(
        roles_db: RoleDatabase) -> None:
    with session_factory(roles_db.engine("administratie"), AuditTrail(AUDIT_KEY, actor="adm"))() as session:
        assert len(list_vrijstellingen(session)) == 3
        add_vrijstelling(session, BSNS[5], "LPW_5_C", D("2026-10-01"), toelichting="school in Gent")
        session.rollback()


@pytest.mark.parametrize("sql", ["DELETE FROM cases", "SELECT * FROM audit_log",
                                 "UPDATE audit_log SET actor = 'y'", "SELECT * FROM gemeente_toegang",
                                 "SELECT * FROM beleid_thuiszitters_per_duur"])
def test_administratie_is_refused(roles_db: RoleDatabase, sql: str) -> None:
    _refused(roles_db, "administratie", sql)


# -- beleid: aggregates without person numbers ------------------------------------------------------


def test_beleid_reads_the_aggregate_views_without_person_numbers(roles_db: RoleDatabase) -> None:
    september = D("2026-09-01")
    signals = _rows(roles_db, "beleid", "SELECT signal, gemeentecode, maand, aantal "
                                        "FROM beleid_signalen_per_maand ORDER BY signal, gemeentecode")
    assert signals == [("ABSOLUUT_VERZUIM", "0363", september, "<5"),
                       ("ABSOLUUT_VERZUIM", "0599", september, "<5"),
                       ("GEEN_INSCHRIJVING_RMC", "0363", september, "<5"), ("VSV", "0599", september, "<5")]
    grounds = _rows(roles_db, "beleid", "SELECT grond, gemeentecode, aantal "
                                        "FROM beleid_vrijstellingen_per_grond ORDER BY grond")
    assert grounds == [("LPW_5_A", "0363", "<5"), ("LPW_5_B", "0599", "<5"), ("LPW_5_C", "0363", "<5")]
    assert _rows(roles_db, "beleid", "SELECT bron, aantal FROM beleid_thuiszitters_per_duur") == [
        ("absoluut_verzuim", "<5")]
    assert _rows(roles_db, "beleid", "SELECT count(*) FROM retention_aggregates") == [(0,)]
    with roles_db.engine("beleid").connect() as connection:
        for view in ("beleid_signalen_per_maand", "beleid_vrijstellingen_per_grond",
                     "beleid_thuiszitters_per_duur"):
            columns = connection.execute(text(f"SELECT * FROM {view} LIMIT 0")).keys()
            assert "persoonsnummer" not in columns


@pytest.mark.parametrize("table", ["cases", "case_actions", "vrijstellingen", "verzuimmeldingen",
                                   "verzuim_status_changes", "thuiszitters", "vsv_register", "personen",
                                   "audit_log", "vrijstelling_toelichtingen", "letters"])
def test_beleid_reads_no_person_table(roles_db: RoleDatabase, table: str) -> None:
    _refused(roles_db, "beleid", f"SELECT * FROM {table}")


# -- beheer: everything, through the retention; the audit trail stays append-only -------------------


def test_beheer_reads_everything_and_may_delete_records(roles_db: RoleDatabase) -> None:
    assert len(_rows(roles_db, "beheer", "SELECT toelichting FROM vrijstellingen")) == 3
    assert len(_rows(roles_db, "beheer", "SELECT * FROM audit_log")) >= 1
    assert _changes(roles_db, "beheer", "DELETE FROM vsv_register") == 2


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("sql", ["UPDATE audit_log SET actor = 'y'", "DELETE FROM audit_log",
                                 "TRUNCATE audit_log"])
def test_no_role_may_change_the_audit_trail(roles_db: RoleDatabase, role: str, sql: str) -> None:
    _refused(roles_db, role, sql)


def test_beheer_runs_the_retention_and_trims_the_audit_trail_only_through_its_function(
        roles_db: RoleDatabase) -> None:
    with session_factory(roles_db.engine("beheer"), AuditTrail(AUDIT_KEY, actor="cron"))() as session:
        result = purge_registers(session, D("2030-03-15"))  # the closed meldingen: kwalificatieplicht + 2
        assert result.purged["verzuimmeldingen"] == 3 and result.purged["verzuim_status_changes"] == 3
        assert purge_audit(session, D("2021-01-01")) == 1
        session.rollback()
    assert ("setup",) in _rows(roles_db, "beheer", "SELECT action FROM audit_log")


# -- the migration: idempotent roles, safe in parallel ----------------------------


def test_two_migrations_at_once_both_find_the_roles(pg_server) -> None:
    urls = [pg_server.create_database("parallel") for _ in range(2)]
    errors: list[BaseException] = []

    def migrate(url: str) -> None:
        try:
            upgrade(url)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    roles = _roles(pg_server.admin)
    assert {f"inbeeld_{role}" for role in ROLES} <= roles


def _roles(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(text("SELECT rolname FROM pg_roles WHERE rolname LIKE 'inbeeld\\_%' "
                                           "AND NOT rolcanlogin")))


def test_the_roles_are_group_roles_that_cannot_log_in(pg_server, roles_db: RoleDatabase) -> None:
    with pg_server.admin.connect() as connection:
        rows = connection.execute(
            text("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY(:names)"),
            {"names": [f"inbeeld_{role}" for role in ROLES]}).all()
    assert sorted(rows) == sorted((f"inbeeld_{role}", False) for role in ROLES)


# -- issue 20 #1: the policies rest on nothing LPA or RMC can change ------------------------------


def test_an_lpa_cannot_move_a_case_to_another_gemeentes_child(roles_db: RoleDatabase) -> None:
    """The attack: set `cases.persoonsnummer` of an own case to a child of 0599, then read and change
    that child's vrijstelling. Before revision 0009 every step worked; now the first is refused and
    the rest find nothing."""
    [(own,)] = _rows(roles_db, "lpa", f"SELECT id FROM cases WHERE persoonsnummer = '{A}'")
    assert "permission denied" in _refused(roles_db, "lpa", f"UPDATE cases SET persoonsnummer = '{C}' "
                                                            f"WHERE id = {own}")
    _refused(roles_db, "lpa", f"UPDATE cases SET gemeentecode = '0599' WHERE id = {own}")
    _refused(roles_db, "lpa", f"UPDATE verzuimmeldingen SET persoonsnummer = '{C}'")
    _refused(roles_db, "lpa", f"UPDATE vrijstellingen SET persoonsnummer = '{C}'")
    assert _rows(roles_db, "lpa", "SELECT toelichting FROM vrijstellingen "
                                  f"WHERE persoonsnummer = '{C}'") == []
    assert _changes(roles_db, "lpa", "UPDATE vrijstellingen SET einddatum = '2026-10-01' "
                                     f"WHERE persoonsnummer = '{C}'") == 0
    _refused(roles_db, "lpa", "INSERT INTO vrijstellingen (persoonsnummer, grond, begindatum, "
                              f"nooit_geschikt) VALUES ('{C}', 'LPW_5_C', '2026-10-01', false)")
    _refused(roles_db, "lpa", f"INSERT INTO gemeente_toegang VALUES ('{roles_db.logins['lpa']}', '0599')")


def test_an_rmc_login_cannot_move_a_vsv_row_to_another_gemeentes_young_person(
        roles_db: RoleDatabase) -> None:
    [(own,)] = _rows(roles_db, "rmc", "SELECT id FROM vsv_register")
    _refused(roles_db, "rmc", f"UPDATE vsv_register SET persoonsnummer = '{C}' WHERE id = {own}")
    _refused(roles_db, "rmc", f"UPDATE cases SET persoonsnummer = '{C}'")
    _refused(roles_db, "rmc", f"UPDATE verzuimmeldingen SET persoonsnummer = '{C}'")
    assert _changes(roles_db, "rmc", "UPDATE vsv_register SET toelichting = 'x' "
                                     f"WHERE persoonsnummer = '{C}'") == 0
    assert _changes(roles_db, "rmc", "UPDATE vsv_register SET toelichting = 'gesproken' "
                                     f"WHERE id = {own}") == 1


def test_the_application_does_its_work_as_lpa_and_rmc_within_the_workflow_columns(
        roles_db: RoleDatabase) -> None:
    from registers.dossiers import assign, record_action, set_legal_hold
    from registers.vrijstellingen import end_vrijstelling
    from registers.vsv import set_outcome

    with session_factory(roles_db.engine("lpa"), AuditTrail(AUDIT_KEY, actor="lpa-user"))() as session:
        [case] = [c for c in list_dossiers(session) if c.persoonsnummer == A]
        assign(session, case.id, "J. Jansen")
        set_legal_hold(session, case.id, True)
        record_action(session, case.id, "gesloten", on=D("2026-10-01"), today=D("2026-10-02"))
        [vrijstelling] = [v for v in list_vrijstellingen(session) if v.persoonsnummer == A]
        end_vrijstelling(session, vrijstelling.id, D("2027-07-31"))
        session.flush()
        session.rollback()
    with session_factory(roles_db.engine("rmc"), AuditTrail(AUDIT_KEY, actor="rmc-user"))() as session:
        [(entry,)] = session.execute(text("SELECT id FROM vsv_register")).all()
        set_outcome(session, entry, "werk", D("2026-10-01"), toelichting="werkt bij een bakker")
        session.flush()
        session.rollback()
