"""On PostgreSQL each request runs under the user's database role: grants and row-level security
apply to what the work screen reads, not only the screen's own checks."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from starlette.testclient import TestClient

from inbeeld.settings import Settings
from registers.db import make_engine
from tests.registers.conftest import (
    PostgresServer,  # noqa: F401
    pg_server,  # noqa: F401  (the fixture: skips without a server)
)
from tests.registers.factories import BSNS
from tests.web.conftest import PASSWORD, log_in

pytestmark = pytest.mark.postgres
PEILDATUM = date(2026, 9, 7)


@pytest.fixture(scope="module")
def pg_settings(pg_server, tmp_path_factory) -> Settings:  # noqa: F811
    gebruikers = pytest.importorskip("registers.gebruikers")
    from registers.case_sync import sync_cases
    from web.database import Registers

    settings = Settings(data_dir=tmp_path_factory.mktemp("web-pg"), db_url=pg_server.create_database("web"),
                        gemeenten=("0363", "0599"))
    registers = Registers(settings.register_url, settings.data_dir)
    rows = [{"persoonsnummer": number, "gemeentecode": "0363" if index < 3 else "0599",
             "signal": "ABSOLUUT_VERZUIM", "sinds": date(2026, 6, 1), "peildatum": PEILDATUM}
            for index, number in enumerate(BSNS[:5])]
    with registers.session("test", None) as session:
        sync_cases(session, PEILDATUM, rows, {})
        gebruikers.add_user(session, "lpa", "A. de Boer", "lpa", PASSWORD, ["0363"])
        gebruikers.add_user(session, "beleid", "B. Mulder", "beleid", PASSWORD, [])
        session.commit()
    registers.dispose()
    return settings


def _open_count(app) -> int:
    client = TestClient(app)
    assert log_in(client, "lpa").status_code == 303
    page = client.get("/werklijst?medewerker=alle").text
    return int(re.search(r"([\d.]+) open dossiers", page).group(1))


def test_the_lpa_sees_the_rows_row_level_security_gives_the_login(pg_settings):
    from web.app import create_app

    app = create_app(pg_settings)
    registers = app.state.web.registers
    with registers.session("test", None) as session:
        login = session.execute(text("SELECT session_user")).scalar_one()
        session.execute(text("DELETE FROM gemeente_toegang"))
        session.commit()
    assert _open_count(app) == 0  # the database hides every case: no gemeente for this login
    with registers.session("test", None) as session:
        session.execute(text("INSERT INTO gemeente_toegang (login, gemeentecode) VALUES (:l, '0363')"),
                        {"l": login})
        session.commit()
    assert _open_count(app) == 3  # the three cases of 0363, not the two of 0599: the kept lists were
    # of the login's gemeenten as they were (none), and the lists follow what the database gives now


def test_each_request_runs_under_the_role_of_its_user(pg_settings):
    from web.database import Registers

    registers = Registers(pg_settings.register_url, pg_settings.data_dir)
    with registers.session("lpa", "lpa") as session:
        assert session.execute(text("SELECT current_user")).scalar_one() == "inbeeld_lpa"
        session.commit()
        assert session.execute(text("SELECT current_user")).scalar_one() == "inbeeld_lpa"  # every transaction
    denied = pytest.raises(ProgrammingError, match="permission")
    with registers.session("beleid", "beleid") as session, denied:
        session.execute(text("SELECT count(*) FROM cases"))
    registers.dispose()


@pytest.fixture
def service_login(pg_settings):
    """The work screen's own database login as docs/running.md makes it: a member of the five roles
    and of `inbeeld_dienst`, with access to both gemeenten."""
    import uuid
    from dataclasses import replace

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"inbeeld_web_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_settings.register_url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE ROLE {name} LOGIN IN ROLE inbeeld_lpa, inbeeld_rmc, "
                                "inbeeld_administratie, inbeeld_beleid, inbeeld_beheer, inbeeld_dienst"))
        connection.execute(text("INSERT INTO gemeente_toegang (login, gemeentecode) VALUES (:l, '0363'), "
                                "(:l, '0599')"), {"l": name})
    url = make_url(pg_settings.register_url).set(username=name).render_as_string(hide_password=False)
    yield replace(pg_settings, db_url=url)
    with admin.begin() as connection:
        connection.execute(text("DELETE FROM gemeente_toegang WHERE login = :l"), {"l": name})
        connection.execute(text(f"DROP ROLE {name}"))
    admin.dispose()


def test_the_database_narrows_a_web_user_to_their_own_gemeenten(service_login):
    """An LPA of 0363 cannot read a dossier of 0599 through the web's database login, even when the
    screen's own gemeente check is skipped (read_dossier straight on the request's session)."""
    gebruikers = pytest.importorskip("registers.gebruikers")
    from registers.dossiers import read_dossier
    from registers.errors import Refused
    from web.database import Registers

    registers = Registers(service_login.register_url, service_login.data_dir)
    with registers.session("test", None) as session:  # the service login itself: both gemeenten
        by_gemeente = dict(session.execute(text(
            "SELECT gemeentecode, min(id) FROM dossiers GROUP BY gemeentecode")).all())
        if session.get(gebruikers.Gebruiker, "lpa-alle") is None:
            gebruikers.add_user(session, "lpa-alle", "E. Jansen", "lpa", PASSWORD, [])
        session.commit()
    assert set(by_gemeente) == {"0363", "0599"}
    with registers.session("lpa", "lpa") as session:
        assert session.execute(text("SELECT DISTINCT gemeentecode FROM dossiers")).scalars().all() == ["0363"]
        assert read_dossier(session, by_gemeente["0363"]).gemeentecode == "0363"
        with pytest.raises(Refused):
            read_dossier(session, by_gemeente["0599"])
        session.rollback()
        # naming another user inside the request's transaction is what the service login may do; a
        # user who does not exist sees nothing
        session.execute(text("SELECT set_config('inbeeld.gebruiker', 'niemand', true)"))
        assert session.execute(text("SELECT count(*) FROM dossiers")).scalar_one() == 0
        session.rollback()
    with registers.session("lpa-alle", "lpa") as session:  # no gemeenten of her own: the login's two
        assert sorted(session.execute(text("SELECT DISTINCT gemeentecode FROM dossiers")).scalars()) == [
            "0363", "0599"]
    registers.dispose()


def test_a_login_outside_inbeeld_dienst_cannot_name_a_user(pg_settings):
    """The setting counts only for the service login: any other login stays at its own gemeenten."""
    from web.database import Registers

    registers = Registers(pg_settings.register_url, pg_settings.data_dir)
    with registers.session("test", None) as session:
        login = session.execute(text("SELECT session_user")).scalar_one()
        session.execute(text("DELETE FROM gemeente_toegang WHERE login = :l"), {"l": login})
        session.commit()
    with registers.session("lpa", "lpa") as session:  # names user lpa (0363), but is not a member
        assert session.execute(text("SELECT count(*) FROM dossiers")).scalar_one() == 0
    registers.dispose()


def _werklijst(client: TestClient) -> set[int]:
    page = client.get("/werklijst?medewerker=alle")
    assert page.status_code == 200
    return {int(number) for number in re.findall(r'href="/dossier/(\d+)"', page.text)}


def _users(settings: Settings, users: dict[str, list[str]]) -> dict[str, set[int]]:
    """The LPA users `users` (login -> gemeenten) made afresh, and the open dossiers of each gemeente."""
    from registers.gebruikers import add_user
    from web.database import Registers

    registers = Registers(settings.register_url, settings.data_dir)
    with registers.session("test", None) as session:
        session.execute(text("DELETE FROM gebruikers WHERE login = ANY(:l)"), {"l": list(users)})
        for login, gemeenten in users.items():
            add_user(session, login, f"{login.upper()}. Test", "lpa", PASSWORD, gemeenten)
        rows = session.execute(text("SELECT gemeentecode, id FROM dossiers WHERE status = 'open'")).all()
        session.commit()
    registers.dispose()
    by_gemeente: dict[str, set[int]] = {}
    for gemeente, dossier_id in rows:
        by_gemeente.setdefault(gemeente, set()).add(dossier_id)
    return by_gemeente


def _clients(app, logins) -> dict[str, TestClient]:
    clients = {login: TestClient(app) for login in logins}
    for login, client in clients.items():
        assert log_in(client, login).status_code == 303
    return clients


def test_two_lpas_of_other_gemeenten_each_get_their_own_work_list(pg_settings, service_login):
    """The lists are made under the user's session, so row-level security narrows them to the
    user's gemeenten: kept per role, the second LPA was given the first one's lists."""
    from web.app import create_app

    dossiers = _users(pg_settings, {"lpa-oost": ["0363"], "lpa-west": ["0599"]})
    own = {"lpa-oost": dossiers["0363"], "lpa-west": dossiers["0599"]}
    for first, second in (("lpa-oost", "lpa-west"), ("lpa-west", "lpa-oost")):
        app = create_app(service_login)
        clients = _clients(app, (first, second))
        try:
            assert _werklijst(clients[first]) == own[first]
            assert _werklijst(clients[second]) == own[second]  # not the first's, and all of its own
            assert _werklijst(clients[first]) == own[first]
        finally:
            app.state.web.registers.dispose()


def test_a_user_narrowed_while_logged_in_sees_only_what_the_database_now_gives(pg_settings, service_login):
    """The screen knows a user's gemeenten as they were at login; the database as they are. Lists
    made for a colleague who still has both gemeenten are not served to the narrowed user."""
    from web.app import create_app

    dossiers = _users(pg_settings, {"lpa-beide": ["0363", "0599"], "lpa-krimp": ["0363", "0599"]})
    app = create_app(service_login)
    clients = _clients(app, ("lpa-beide", "lpa-krimp"))
    try:
        engine = make_engine(pg_settings.register_url)  # beheer narrows her to 0363
        with engine.begin() as connection:
            connection.execute(text("UPDATE gebruikers SET gemeenten = :g WHERE login = 'lpa-krimp'"),
                               {"g": '["0363"]'})
        engine.dispose()
        assert _werklijst(clients["lpa-beide"]) == dossiers["0363"] | dossiers["0599"]
        assert _werklijst(clients["lpa-krimp"]) == dossiers["0363"]
    finally:
        app.state.web.registers.dispose()


def test_an_rmc_counsellor_opens_an_rmc_dossier(pg_settings, service_login):
    """The RMC role has no grant on vrijstellingen: the dossier page must not read them for it (it
    failed with a server error on every dossier)."""
    from registers.case_sync import sync_cases
    from registers.gebruikers import add_user
    from web.app import create_app
    from web.database import Registers

    registers = Registers(pg_settings.register_url, pg_settings.data_dir)
    with registers.session("test", None) as session:
        sync_cases(session, PEILDATUM, [{"persoonsnummer": BSNS[5], "gemeentecode": "0363",
                                         "signal": "GEEN_INSCHRIJVING_RMC", "sinds": date(2026, 6, 1),
                                         "peildatum": PEILDATUM}], {})
        session.execute(text("DELETE FROM gebruikers WHERE login = 'rmc'"))
        add_user(session, "rmc", "R. Visser", "rmc", PASSWORD, ["0363"])
        dossier_id = session.execute(text("SELECT dossier_id FROM cases WHERE persoonsnummer = :p"),
                                     {"p": BSNS[5]}).scalar_one()
        session.commit()
    registers.dispose()
    client = TestClient(create_app(service_login), raise_server_exceptions=False)
    assert log_in(client, "rmc").status_code == 303
    assert dossier_id in _werklijst(client)
    page = client.get(f"/dossier/{dossier_id}")
    assert page.status_code == 200, page.text[-500:]
    assert "Geen inschrijving (RMC" in page.text and "Vrijstelling registreren" not in page.text
    from tests.web.conftest import form_tokens

    datum = PEILDATUM.strftime("%d-%m-%Y")
    saved = client.post(f"/dossier/{dossier_id}/actie", data={
        **form_tokens(page.text), "soort": "gesprek", "datum": datum, "verslag": "Gesprek op kantoor."})
    assert saved.status_code == 200 and "Vastgelegd: gesprek" in saved.text, saved.text[-500:]
    closed = client.post(f"/dossier/{dossier_id}/sluiten", data={
        **form_tokens(saved.text), "reden": "inschrijving_gevonden", "datum": datum})
    assert closed.status_code == 200 and "Dossier gesloten op" in closed.text, closed.text[-500:]


def test_an_rmc_counsellor_works_a_dossier_whose_only_reason_is_an_rmc_melding(pg_settings, service_login):
    """A school's melding of soort RMC opens a dossier of team rmc, assigned to the RMC counsellor; under
    the rmc database role (row-level security) the counsellor opens it, finds it in the inbox and on
    the work list and records a step (policy cases_rmc, revision 0019: before it the reason, and so
    the dossier, was hidden). A leerplichtige's melding and absoluut verzuim stay hidden."""
    from registers.dossier_sync import refresh, sync_melding_reasons
    from registers.gebruikers import add_user
    from registers.verzuim import register_meldingen
    from tests.web.conftest import form_tokens
    from web.app import create_app
    from web.database import Registers

    today = date.today()
    registers = Registers(pg_settings.register_url, pg_settings.data_dir)
    with registers.session("test", None) as session:
        register_meldingen(session, [
            {"meldingsnummer": number, "brin": "12AB", "soort": soort, "persoonsnummer": person,
             "begindatum": today, "meldingsdatum": today}
            for number, soort, person in (("VM-RMC-PG", "RMC", BSNS[6]), ("VM-LRV-PG", "LRV", BSNS[7]))],
            today=today)
        scope = frozenset({"0363"})
        sync_melding_reasons(session, today, scope)
        refresh(session, today, scope)
        session.execute(text("DELETE FROM gebruikers WHERE login = 'rmc'"))
        add_user(session, "rmc", "R. Visser", "rmc", PASSWORD, ["0363"])
        dossier = dict(session.execute(text(
            "SELECT m.soort, c.dossier_id FROM cases c JOIN verzuimmeldingen m ON m.id = c.verzuimmelding_id "
            "WHERE m.meldingsnummer IN ('VM-RMC-PG', 'VM-LRV-PG')")).all())
        # (open or closed: test_an_rmc_counsellor_opens_an_rmc_dossier's sync closed them)
        verzuim = session.execute(text("SELECT min(dossier_id) FROM cases WHERE gemeentecode = '0363' "
                                       "AND signal = 'ABSOLUUT_VERZUIM'")).scalar_one()
        only_reasons = session.execute(text("SELECT count(*) FROM cases WHERE dossier_id = ANY(:d)"),
                                       {"d": list(dossier.values())}).scalar_one()
        teams = dict(session.execute(text("SELECT id, team FROM dossiers WHERE id = ANY(:d)"),
                                     {"d": list(dossier.values())}).all())
        session.commit()
    registers.dispose()
    rmc, lpa = dossier["RMC"], dossier["LRV"]
    assert only_reasons == 2 and teams == {rmc: "rmc", lpa: "lpa"} and verzuim is not None

    client = TestClient(create_app(service_login), raise_server_exceptions=False)
    assert log_in(client, "rmc").status_code == 303
    page = client.get(f"/dossier/{rmc}")
    assert page.status_code == 200, page.text[-500:]
    assert "VM-RMC-PG" in page.text
    inbox = client.get("/inbox").text
    assert f'href="/dossier/{rmc}"' in inbox and "melding VM-RMC-PG" in inbox
    assert rmc in _werklijst(client)
    saved = client.post(f"/dossier/{rmc}/actie", data={
        **form_tokens(page.text), "soort": "gesprek", "datum": today.strftime("%d-%m-%Y"),
        "verslag": "Gesprek over een opleiding bij het mbo."})
    assert saved.status_code == 200 and "Vastgelegd: gesprek" in saved.text, saved.text[-500:]

    inbox = client.get("/inbox").text
    for other in (lpa, verzuim):
        assert client.get(f"/dossier/{other}").status_code == 404
        assert f'href="/dossier/{other}"' not in inbox
        assert other not in _werklijst(client)
    assert "VM-LRV-PG" not in inbox

    # and the database itself, under the rmc role of this user: the reason and its new step
    registers = Registers(service_login.register_url, service_login.data_dir)
    with registers.session("rmc", "rmc") as session:
        assert session.execute(text("SELECT current_user")).scalar_one() == "inbeeld_rmc"
        seen = set(session.execute(text("SELECT dossier_id FROM cases")).scalars())
        steps = session.execute(text(
            "SELECT a.action FROM case_actions a JOIN cases c ON c.id = a.case_id WHERE c.dossier_id = :d "
            "AND a.by = 'rmc'"), {"d": rmc}).scalars().all()
        session.commit()
    registers.dispose()
    assert rmc in seen and lpa not in seen and verzuim not in seen
    assert steps == ["gesprek"]


def test_an_rmc_counsellor_records_a_vsv_outcome_under_the_rmc_role(pg_settings, service_login):
    """inbeeld_rmc may update the outcome columns of vsv_register (docs/privacy.md §2): the dossier's
    form writes them under the counsellor's own role, row-level security and all."""
    from registers.case_sync import sync_cases
    from registers.gebruikers import add_user
    from tests.web.conftest import form_tokens
    from web.app import create_app
    from web.database import Registers

    registers = Registers(pg_settings.register_url, pg_settings.data_dir)
    with registers.session("test", None) as session:
        sync_cases(session, PEILDATUM, [{"persoonsnummer": BSNS[6], "gemeentecode": "0363", "signal": "VSV",
                                         "sinds": date(2026, 6, 1), "peildatum": PEILDATUM,
                                         "brin": "51AC", "niveau": "MBO2"}], {})
        session.execute(text("DELETE FROM gebruikers WHERE login = 'rmc'"))
        add_user(session, "rmc", "R. Visser", "rmc", PASSWORD, ["0363"])
        dossier_id, entry = session.execute(text(
            "SELECT c.dossier_id, v.id FROM cases c JOIN vsv_register v "
            "ON v.persoonsnummer = c.persoonsnummer WHERE c.persoonsnummer = :p AND c.signal = 'VSV'"),
            {"p": BSNS[6]}).one()
        session.commit()
    client = TestClient(create_app(service_login), raise_server_exceptions=False)
    assert log_in(client, "rmc").status_code == 303
    page = client.get(f"/dossier/{dossier_id}")
    assert page.status_code == 200 and "Uitkomst vastleggen" in page.text, page.text[-500:]
    saved = client.post(f"/dossier/{dossier_id}/vsv-uitkomst", data={
        **form_tokens(page.text), "vsv_id": str(entry), "uitkomst": "terug_naar_school",
        "datum": PEILDATUM.strftime("%d-%m-%Y")})
    assert saved.status_code == 200, saved.text[-500:]
    assert "VSV-uitkomst vastgelegd: terug naar school" in saved.text
    with registers.session("test", None) as session:
        assert session.execute(text("SELECT uitkomst FROM vsv_register WHERE id = :e"),
                               {"e": entry}).scalar_one() == "terug_naar_school"
    registers.dispose()
