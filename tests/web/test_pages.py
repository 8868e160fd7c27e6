"""What the pages show, and that showing a person is audited under the named user."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import bindparam, create_engine, text

from registers.codes import REASON_LABELS
from reports.worklist import RMC_CASE_TYPES


def audit_rows(settings, action: str) -> list[tuple[str, int]]:
    engine = create_engine(settings.register_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT actor, entity_id FROM audit_log WHERE action = :a"),
                                  {"a": action}).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_the_work_list_shows_open_cases_and_audits_each_under_the_user(clients, web_settings):
    before = len(audit_rows(web_settings, "werklijst.getoond"))
    page = clients["lpa"].get("/werklijst?medewerker=alle")
    assert page.status_code == 200
    shown = re.findall(r'href="/dossier/(\d+)"', page.text)
    assert shown, "the generated municipality has open cases"
    rows = audit_rows(web_settings, "werklijst.getoond")[before:]
    assert sorted(entity for _actor, entity in rows) == sorted(int(case_id) for case_id in shown)
    assert {actor for actor, _entity in rows} == {"lpa"}


def test_the_work_list_downloads_as_a_workbook_of_the_same_cases(clients, web_settings):
    response = clients["lpa"].get("/werklijst.xlsx?medewerker=alle&te_laat=1")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="werklijst-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert "Dossier" in header and "Naam" in header
    page = clients["lpa"].get("/werklijst?medewerker=alle&te_laat=1").text
    count = int(re.search(r"(\d+) open dossiers", page).group(1))
    assert sheet.max_row - 1 >= count > 0
    assert audit_rows(web_settings, "werklijst.gemaakt")


def test_an_lpa_of_another_gemeente_sees_none_of_these_dossiers_whoever_asks_first(
        app, clients, web_settings):
    """SQLite has no row-level security: the lists hold every open dossier, the same for every user,
    and the screen narrows them to the user's gemeenten (on PostgreSQL: tests/web/test_postgres.py)."""
    from starlette.testclient import TestClient

    from registers.gebruikers import add_user
    from tests.web.conftest import PASSWORD, log_in
    from web.database import Registers

    registers = Registers(web_settings.register_url, web_settings.data_dir)
    with registers.session("test", None) as session:
        add_user(session, "lpa-elders", "E. Elders", "lpa", PASSWORD, ["0599"])
        session.commit()
    elders = TestClient(app)
    try:
        assert log_in(elders, "lpa-elders").status_code == 303

        def dossiers(client: TestClient) -> tuple[int, set[str]]:
            page = client.get("/werklijst?medewerker=alle").text
            total = int(re.search(r"([\d.]+) open dossiers", page).group(1).replace(".", ""))
            return total, set(re.findall(r'href="/dossier/(\d+)"', page))

        app.state.web.cache.clear()
        assert dossiers(elders) == (0, set())  # the lists are made for her first
        total, ours = dossiers(clients["lpa"])
        assert total > 0 and ours
        assert dossiers(elders) == (0, set())
    finally:
        with registers.session("test", None) as session:
            session.execute(text("DELETE FROM gebruikers WHERE login = 'lpa-elders'"))
            session.commit()
        registers.dispose()


def test_an_rmc_counsellor_sees_only_the_rmc_doelgroep(clients):
    page = clients["rmc"].get("/werklijst?medewerker=alle").text
    labels = {REASON_LABELS[code] for code in RMC_CASE_TYPES}
    cells = set(re.findall(r"<td class=\"utrecht-table__cell\">([^<]+)</td>", page))
    assert "Absoluut verzuim" not in cells and "Thuiszitter" not in cells
    assert cells & labels


def test_beleid_pages_hold_no_person_number_and_no_dossier_link(clients):
    for path in ("/beleid", "/beleid/vsv", "/beleid/telling", "/beleid/kpi"):
        html = clients["beleid"].get(path).text
        assert not re.search(r"\b\d{9}\b", html), path
        assert "/dossier" not in html and "/werklijst" not in html, path
    telling = clients["beleid"].get("/beleid/telling").text
    assert "Leerplichttelling" in telling and "Absoluut verzuim" in telling


def test_the_vsv_page_names_the_schools_as_the_report_does(clients, web_settings):
    # the School column of "Per school" stood empty on the screen while the .xlsx and the HTML
    # report of the monthly run named every school
    from lxml import html as lxml_html

    from connectors.schools import school_names
    from connectors.staging import Staging

    with Staging(web_settings.data_dir / "staging.duckdb", read_only=True) as store:
        names = school_names(store.con)
    page = lxml_html.document_fromstring(clients["beleid"].get("/beleid/vsv").text)
    [table] = [t for t in page.xpath("//table") if [c.text_content().strip() for c in t.xpath(".//th")][:2]
               == ["BRIN", "School"]]
    rows = [[c.text_content().strip() for c in tr.xpath("./td")] for tr in table.xpath(".//tbody/tr")]
    shown = {row[0]: row[1] for row in rows if row and row[0] in names}
    assert shown and all(shown[brin] == names[brin] for brin in shown), shown


def _beheer_after_a_brp_delivery(tmp_path, persons: list[str], loaded_and_refused: tuple[int, int]):
    """Beheer's client on a staging that holds one LO3 delivery of `persons` (its lines after the
    header), and that delivery's import."""
    from starlette.testclient import TestClient

    from connectors.brp_lo3csv import read_lo3csv
    from connectors.staging import Staging
    from inbeeld.settings import Settings
    from tests.web.conftest import GEMEENTE, add_one_user, log_in
    from web.app import create_app

    brp = tmp_path / "brp-G0363-20260907.lo3.csv"
    brp.write_text("\r\n".join([";01.01.20;01.02.10;01.02.40;01.03.10;08.09.10", *persons]) + "\r\n",
                   encoding="utf-8")
    with Staging(tmp_path / "staging.duckdb") as store:
        result = store.import_file("brp", brp, read_lo3csv)
        assert (result.rows_loaded, result.rows_quarantined) == loaded_and_refused, store.quarantine()
    settings = Settings(data_dir=tmp_path, gemeenten=(GEMEENTE,))
    add_one_user(settings, "beheer", "Bea Beheer", "beheer")
    client = TestClient(create_app(settings))
    assert log_in(client, "beheer").status_code == 303
    return client, result


def test_the_quarantine_page_says_which_faulty_rows_were_loaded_with_the_field_left_empty(tmp_path):
    # a BRP delivery with a persoonslijst without BSN (refused) and one with a bad date (loaded with
    # the field empty): the leveringen list said "1 rij", the quarantine page "2 rijen niet ingelezen"
    from lxml import html as lxml_html

    client, result = _beheer_after_a_brp_delivery(tmp_path, [
        "Lg01_1;;Sanne;Vries;20110304;0363",
        "Lg01_2;999990019;Daan;Jansen;20051399;0363",
        "Lg01_3;999990020;Eva;Smit;20090101;0363",
    ], (2, 1))
    listed = lxml_html.document_fromstring(client.get("/beheer/leveringen").text)
    cell = re.sub(r"\s+", " ", listed.xpath("//tbody/tr[1]/td[last()]")[0].text_content())
    assert cell.startswith("1 rij; 1 regel met veld leeg"), cell
    page = lxml_html.document_fromstring(client.get(f"/beheer/leveringen/{result.import_id}").text)
    text = re.sub(r"\s+", " ", page.xpath("//main")[0].text_content())
    assert "1 rij niet ingelezen" in text, text
    assert "2 rijen niet ingelezen" not in text
    assert "1 regel ingelezen met het foute veld leeg" in text, text


def test_a_delivery_whose_faults_only_left_a_field_empty_links_to_them(tmp_path):
    # every persoonslijst loaded, one with its bad birth date left empty: the list said "0", with
    # no way to the fault on the screen
    from lxml import html as lxml_html

    client, result = _beheer_after_a_brp_delivery(tmp_path, [
        "Lg01_1;999990019;Daan;Jansen;20051399;0363",
        "Lg01_2;999990020;Eva;Smit;20090101;0363",
    ], (2, 0))
    listed = lxml_html.document_fromstring(client.get("/beheer/leveringen").text)
    links = listed.xpath("//tbody/tr[1]/td[last()]/a")
    assert links and links[0].get("href") == f"/beheer/leveringen/{result.import_id}"
    assert re.sub(r"\s+", " ", links[0].text_content()).startswith("0 rijen; 1 regel met veld leeg")
    page = client.get(links[0].get("href")).text
    assert "geboortedatum" in page.lower()


def test_beheer_sees_the_imports_and_the_audit_of_a_person(clients, web_settings):
    imports = clients["beheer"].get("/beheer/leveringen").text
    assert "BRP" in imports and "DUO" in imports
    engine = create_engine(web_settings.register_url)
    with engine.connect() as connection:
        number = connection.execute(text("SELECT persoonsnummer FROM cases ORDER BY id LIMIT 1")).scalar_one()
    engine.dispose()
    from tests.web.conftest import form_tokens

    client = clients["beheer"]
    tokens = form_tokens(client.get("/beheer/audit").text)
    result = client.post("/beheer/audit", data={**tokens, "persoonsnummer": number, "sinds": ""}).text
    assert "case.opened" in result or "case.geopend" in result or "vastleggingen" in result
    counted = re.search(r"<h2[^>]*>(\d+) vastlegging(en)?<", result)
    assert counted and int(counted.group(1)) > 0 and (counted.group(2) is None) == (counted.group(1) == "1")


def _first_case(settings) -> tuple[int, str]:
    engine = create_engine(settings.register_url)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT dossier_id, persoonsnummer FROM cases WHERE status = 'open' "
                                      "AND signal = 'ABSOLUUT_VERZUIM' ORDER BY id LIMIT 1")).one()
    engine.dispose()
    return int(row[0]), str(row[1])


def _search(client, q: str):
    from tests.web.conftest import form_tokens

    tokens = form_tokens(client.get("/zoeken").text)
    return client.post("/zoeken", data={**tokens, "q": q})


def test_search_finds_a_dossier_by_bsn_surname_and_address_and_audits_it(clients, web_settings):
    import duckdb

    case_id, number = _first_case(web_settings)
    client = clients["lpa"]
    before = len(audit_rows(web_settings, "zoeken.gevonden"))
    found = _search(client, number)
    assert found.status_code == 200 and f'href="/dossier/{case_id}"' in found.text
    assert "1 dossier gevonden" in found.text  # one dossier per young person, in the singular
    assert number not in str(found.url)
    con = duckdb.connect(str(web_settings.staging_path), read_only=True)
    surname, postcode, huisnummer = con.execute(
        "SELECT geslachtsnaam, postcode, huisnummer FROM brp_personen WHERE bsn = ? "
        "ORDER BY import_id DESC LIMIT 1", [number]).fetchone()
    con.close()
    assert f'href="/dossier/{case_id}"' in _search(client, surname).text
    assert f'href="/dossier/{case_id}"' in _search(client, f"{postcode} {huisnummer}").text
    assert len(audit_rows(web_settings, "zoeken.gevonden")) >= before + 3
    assert "0 dossiers gevonden" in _search(client, "Zzyzxnaam").text
    short = _search(client, "a")
    assert short.status_code == 400 and "ten minste twee tekens" in short.text


def test_the_inbox_shows_dossiers_and_audits_them(clients, web_settings):
    before = len(audit_rows(web_settings, "inbox.getoond"))
    page = clients["lpa"].get("/inbox")
    assert page.status_code == 200
    assert "Nieuwe dossiers" in page.text and "Termijn verlopen" in page.text
    linked = set(re.findall(r'href="/dossier/(\d+)"', page.text))
    assert linked
    rows = audit_rows(web_settings, "inbox.getoond")[before:]
    audited = {entity for actor, entity in rows if actor == "lpa"}
    assert {int(i) for i in linked} <= audited


def test_the_inbox_lists_the_new_meldingen_each_role_may_see(clients, web_settings):
    """LPA: every registered melding of an open dossier; RMC: only those whose dossier holds an RMC
    reason (the scope applied to the dossier the meldingen join). An RMC reason is a case of an RMC
    signal or the reason of a melding of soort RMC: this test counted only the signals, so it asserted
    that an RMC counsellor does not see the melding of the dossier it is assigned (team rmc) when that
    melding is the dossier's only reason (docs/privacy.md §2, revision 0019)."""
    from registers.codes import RMC_SIGNALS

    engine = create_engine(web_settings.register_url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT m.meldingsnummer, d.id FROM verzuimmeldingen m "
            "JOIN cases c ON c.verzuimmelding_id = m.id JOIN dossiers d ON d.id = c.dossier_id "
            "WHERE m.status = 'geregistreerd' AND d.status = 'open'"
        )).all()
        rmc_dossiers = {row[0] for row in connection.execute(text(
            "SELECT c.dossier_id FROM cases c LEFT JOIN verzuimmeldingen m ON m.id = c.verzuimmelding_id "
            "WHERE c.signal IN :s OR (c.signal = 'VERZUIMMELDING' AND m.soort = 'RMC')").bindparams(
                bindparam("s", expanding=True)), {"s": sorted(RMC_SIGNALS)})}
    engine.dispose()
    lpa = {nummer for nummer, _d in rows}
    rmc = {nummer for nummer, dossier in rows if dossier in rmc_dossiers}
    assert rmc < lpa, "the test world has meldingen on dossiers with and without an RMC reason"

    def shown(login: str) -> set[str]:
        return set(re.findall(r"– melding (\S+) \(", clients[login].get("/inbox").text))

    assert shown("lpa") == lpa
    assert shown("rmc") == rmc


def test_beheer_lists_the_named_users_without_any_password(clients):
    html = clients["beheer"].get("/beheer/gebruikers").text
    assert "A. de Boer" in html and "B. Mulder" in html
    assert "argon2" not in html and "Correct-Paard" not in html


def test_a_change_shows_in_the_work_list_at_once(clients, web_settings):
    """The lists are made once and kept; a dossier changed on the screen is put in afresh."""
    from connectors.output_names import safe_name
    from tests.web.conftest import USERS, form_tokens

    client = clients["lpa"]
    engine = create_engine(web_settings.register_url)
    with engine.connect() as connection:
        dossier_id = connection.execute(text("SELECT max(id) FROM dossiers WHERE status = 'open' "
                                             "AND assigned_to IS NULL")).scalar_one()
    engine.dispose()
    own = f"/werklijst?medewerker={safe_name(USERS['lpa'][0])}"
    link = f'href="/dossier/{dossier_id}"'
    assert link in client.get("/werklijst?medewerker=alle").text  # the lists are made (and kept)

    def assign(naam: str) -> None:
        tokens = form_tokens(client.get(f"/dossier/{dossier_id}").text)
        response = client.post(f"/dossier/{dossier_id}/toewijzen", data={**tokens, "behandelaar": naam})
        assert response.status_code == 200, response.text

    assign(USERS["lpa"][0])
    try:
        assert link in client.get(own).text
    finally:
        assign("")
    assert link in client.get("/werklijst?medewerker=alle").text
    after = client.get(own).text  # an empty own list is no list: the page then shows everyone's
    assert link not in after or ">Alle medewerkers</h2>" in after


def test_the_lists_are_refreshed_in_the_background_while_the_pages_go_on(app, clients, web_settings):
    """A change the weekly flow makes shows after the refresh; the page that starts it does not wait."""
    from web.database import Registers
    from web.werklijst import ListCache

    client = clients["lpa"]
    cache = app.state.web.cache.setdefault("werklijst", ListCache())
    engine = create_engine(web_settings.register_url)
    with engine.connect() as connection:
        dossier_id = connection.execute(text("SELECT min(id) FROM dossiers WHERE status = 'open' "
                                             "AND assigned_to IS NULL")).scalar_one()
    engine.dispose()
    assert f'href="/dossier/{dossier_id}"' in client.get("/werklijst?medewerker=alle").text
    registers = Registers(web_settings.register_url, web_settings.data_dir)
    with registers.session("systeem", "lpa", schrijven=True) as session:  # not through the screen
        session.execute(text("UPDATE dossiers SET assigned_to = 'Z. Nieuwe Collega' WHERE id = :d"),
                        {"d": dossier_id})
        session.commit()
    registers.dispose()
    try:
        cache.REFRESH_SECONDS = 0
        assert "Z. Nieuwe Collega" not in client.get("/werklijst?medewerker=alle").text  # the lists in use
        assert cache.refresher is not None
        cache.refresher.join(60)
        cache.REFRESH_SECONDS = ListCache.REFRESH_SECONDS
        assert "Z. Nieuwe Collega" in client.get("/werklijst?medewerker=alle").text
    finally:
        cache.REFRESH_SECONDS = ListCache.REFRESH_SECONDS
        engine = create_engine(web_settings.register_url)
        with engine.begin() as connection:
            connection.execute(text("UPDATE dossiers SET assigned_to = NULL WHERE id = :d"),
                               {"d": dossier_id})
        engine.dispose()
        cache.clear()


@pytest.mark.parametrize(("count", "text"), [(0, "0 dossiers"), (1, "1 dossier"), (2, "2 dossiers"),
                                             (1234, "1.234 dossiers")])
def test_a_count_takes_its_noun_in_the_right_number(count: int, text: str) -> None:
    from inbeeld.getallen import aantal

    assert aantal(count, "dossier", "dossiers") == text


def test_a_percentage_on_the_screen_reads_as_in_the_reports():
    # one Dutch percentage for the screen, the HTML report and the workbooks' legend: `2,7%`
    from reports.numbers import format_percent
    from web.templating import cel

    assert cel(0.027, "percent") == format_percent(0.027) == "2,7%"
    assert cel(0.5, "percent") == "50,0%" and cel("x", "percent") == "x"


def test_the_inbox_counts_every_overdue_dossier_not_only_those_it_lists(clients, monkeypatch):
    """The inbox lists at most LIMIT rows per block; its heading said the length of the list ('Termijn
    verlopen (50)', 'Mijn dossiers (50)') for an RMC counsellor with 155. It counts them all and says
    where the rest is."""
    import web.inbox

    werklijst = clients["lpa"].get("/werklijst?medewerker=alle").text
    overdue = re.search(r"waarvan ([\d.]+) met een verlopen termijn", werklijst).group(1)
    overdue = int(overdue.replace(".", ""))
    assert overdue > 2, "the test world has overdue dossiers"
    monkeypatch.setattr(web.inbox, "LIMIT", 2)
    page = clients["lpa"].get("/inbox").text
    block = page[page.index('id="kop-te-laat"'):]
    block = block[:block.index("</section>")]
    assert f"Termijn verlopen ({overdue})" in block
    assert len(re.findall(r'href="/dossier/\d+"', block)) == 2
    assert f"Hier de 2 die het langst te laat zijn van {overdue}" in block
    assert 'href="/werklijst?te_laat=1"' in block
