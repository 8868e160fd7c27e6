"""The dossier page over HTTP: reading is audited, a change is saved once, bad input saves nothing."""

from __future__ import annotations

import html
import re
from datetime import date

from sqlalchemy import create_engine, text

from tests.web.conftest import form_tokens


def _scalar(settings, sql: str, **params):
    engine = create_engine(settings.register_url)
    with engine.connect() as connection:
        value = connection.execute(text(sql), params).scalar_one()
    engine.dispose()
    return value


def _open_case(settings, signal: str = "ABSOLUUT_VERZUIM") -> int:
    return _scalar(settings, "SELECT min(dossier_id) FROM cases WHERE status = 'open' AND signal = :s",
                   s=signal)


def _actions(settings, dossier_id: int) -> int:
    return _scalar(settings, "SELECT count(*) FROM case_actions a JOIN cases c ON c.id = a.case_id "
                             "WHERE c.dossier_id = :c", c=dossier_id)


def test_reading_a_dossier_is_audited_under_the_user(clients, web_settings):
    case_id = _open_case(web_settings)
    reads = "SELECT count(*) FROM audit_log WHERE action = 'dossier.read' AND actor = 'lpa'"
    before = _scalar(web_settings, reads)
    page = clients["lpa"].get(f"/dossier/{case_id}")
    assert page.status_code == 200
    assert f"dossier {case_id}" in page.text and "Tijdlijn" in page.text
    assert _scalar(web_settings, reads) == before + 1


def test_a_gesprek_is_recorded_once_even_when_the_form_is_sent_twice(clients, web_settings):
    case_id = _open_case(web_settings)
    client = clients["lpa"]
    tokens = form_tokens(client.get(f"/dossier/{case_id}").text)
    before = _actions(web_settings, case_id)
    data = {**tokens, "soort": "gesprek", "verslag": "Moeder en kind gesproken; kind gaat maandag."}
    data["datum"] = re.search(r'id="actie-datum" name="datum" type="text" value="([^"]+)"',
                              client.get(f"/dossier/{case_id}").text).group(1)
    first = client.post(f"/dossier/{case_id}/actie", data=data)
    assert first.status_code == 200 and "Vastgelegd: gesprek" in first.text
    assert "Moeder en kind gesproken" in first.text
    second = client.post(f"/dossier/{case_id}/actie", data=data)
    assert second.status_code == 409
    assert _actions(web_settings, case_id) == before + 1
    assert _scalar(web_settings, "SELECT a.by FROM case_actions a JOIN cases c ON c.id = a.case_id "
                                 "WHERE c.dossier_id = :c ORDER BY a.id DESC LIMIT 1", c=case_id) == "lpa"


def test_a_wrong_date_is_refused_in_dutch_and_nothing_is_saved(clients, web_settings):
    case_id = _open_case(web_settings)
    client = clients["lpa"]
    before = _actions(web_settings, case_id)
    for datum, message in (("31-02-2026", "is geen datum"), ("1-1-2099", "ligt in de toekomst")):
        tokens = form_tokens(client.get(f"/dossier/{case_id}").text)
        response = client.post(f"/dossier/{case_id}/actie",
                               data={**tokens, "soort": "huisbezoek", "datum": datum, "verslag": "x"})
        assert response.status_code == 400
        assert "Niet opgeslagen" in response.text and message in response.text
    assert _actions(web_settings, case_id) == before


def test_a_vrijstelling_on_a_wrong_ground_is_refused(clients, web_settings):
    case_id = _open_case(web_settings)
    client = clients["lpa"]
    before = _scalar(web_settings, "SELECT count(*) FROM vrijstellingen")
    tokens = form_tokens(client.get(f"/dossier/{case_id}").text)
    response = client.post(f"/dossier/{case_id}/vrijstelling", data={
        **tokens, "grond": "LPW_5A", "begin": "1-12-2026", "eind": "", "verklaring": "", "toelichting": ""})
    assert response.status_code == 400
    assert "Niet opgeslagen" in response.text and "LPW_5A" in response.text
    assert _scalar(web_settings, "SELECT count(*) FROM vrijstellingen") == before


def test_an_unknown_dossier_is_a_dutch_404_and_beleid_cannot_reach_any(clients, web_settings):
    response = clients["lpa"].get("/dossier/99999999")
    assert response.status_code == 404 and "Dossier 99999999 bestaat niet" in response.text
    case_id = _open_case(web_settings)
    assert clients["beleid"].get(f"/dossier/{case_id}").status_code == 403
    assert clients["beheer"].get(f"/dossier/{case_id}").status_code == 403


def test_an_rmc_counsellor_cannot_open_a_leerplicht_dossier(clients, web_settings):
    case_id = _open_case(web_settings, "ABSOLUUT_VERZUIM")
    assert clients["rmc"].get(f"/dossier/{case_id}").status_code == 404


def test_a_second_halt_for_the_same_young_person_is_refused_in_dutch(clients, web_settings):
    """The screen records through the register, so Halt's once-per-young-person rule holds there too."""
    engine = create_engine(web_settings.register_url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT d.id, c.id, p.geboortedatum, v.begindatum FROM dossiers d "
            "JOIN cases c ON c.dossier_id = d.id JOIN verzuimmeldingen v ON v.id = c.verzuimmelding_id "
            "JOIN personen p ON p.persoonsnummer = d.persoonsnummer WHERE d.status = 'open' "
            "AND c.status = 'open' AND v.soort <> 'LRV' AND NOT EXISTS (SELECT 1 FROM cases a "
            "WHERE a.dossier_id = d.id AND a.signal = 'ABSOLUUT_VERZUIM' AND a.status = 'open') "
            "ORDER BY d.id DESC")).all()
    engine.dispose()
    day = date.fromisoformat
    dossier_id, reason_id = next((d, c) for d, c, geboren, begin in rows  # Halt's ages, with a margin
                                 if 13 <= (day(str(begin)) - day(str(geboren))).days // 366 <= 16)
    client = clients["lpa"]
    page = client.get(f"/dossier/{dossier_id}").text
    datum = re.search(r'id="actie-datum" name="datum" type="text" value="([^"]+)"', page).group(1)
    data = {"soort": "halt_verwijzing", "reden_id": str(reason_id), "datum": datum, "verslag": "x"}
    first = client.post(f"/dossier/{dossier_id}/actie", data={**form_tokens(page), **data})
    assert first.status_code == 200 and "Vastgelegd: Halt-verwijzing" in first.text, first.text[-2000:]
    second = client.post(f"/dossier/{dossier_id}/actie",
                         data={**form_tokens(client.get(f"/dossier/{dossier_id}").text), **data})
    assert second.status_code == 400 and "al naar Halt verwezen" in second.text
    assert "Methodische Aanpak Schoolverzuim" in second.text


def test_a_birth_date_known_in_part_is_shown_as_far_as_it_is_known(clients, web_settings):
    """A dossier of a person whose BRP birth date lacks the day shows the month and year
    (`september 2008`), not "onbekend"."""
    import duckdb

    from rules.dates import PartialDate

    with duckdb.connect(str(web_settings.staging_path), read_only=True) as con:
        partial = dict(con.execute(
            "SELECT bsn, geboortedatum FROM brp_personen_actueel "
            "WHERE geboortedatum_precisie IN ('maand', 'jaar')"
        ).fetchall())
    engine = create_engine(web_settings.register_url)
    with engine.connect() as connection:
        dossiers = dict(connection.execute(
            text("SELECT persoonsnummer, min(id) FROM dossiers GROUP BY 1")).all())
    engine.dispose()
    found = sorted((dossiers[bsn], gba) for bsn, gba in partial.items() if bsn in dossiers)
    assert found, "the staged municipality has a dossier of a person born in a known month or year only"
    dossier_id, gba = found[0]
    page = clients["lpa"].get(f"/dossier/{dossier_id}").text
    shown = re.search(r"<dt>Geboortedatum</dt><dd>([^<]*)</dd>", page)
    assert shown is not None and shown.group(1) == PartialDate.parse(gba).format_nl() != "onbekend"


def test_the_dossier_shows_where_the_young_person_lives(clients, web_settings):
    """Street, house number, postcode and place, as the search page writes them: an LPA on a home
    visit needs the street, not only the postcode."""
    import duckdb

    from registers.zoeken import adres_van

    case_id = _open_case(web_settings)
    number = _scalar(web_settings, "SELECT persoonsnummer FROM dossiers WHERE id = :d", d=case_id)
    with duckdb.connect(str(web_settings.staging_path), read_only=True) as con:
        cursor = con.execute("SELECT * FROM brp_personen_actueel WHERE bsn = ?", [number])
        row = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    page = clients["lpa"].get(f"/dossier/{case_id}").text
    shown = re.search(r"<dt>Adres</dt><dd>([^<]*)</dd>", page)
    assert row["straat"] and shown is not None
    address = html.unescape(shown.group(1))
    assert address == adres_van(row)
    assert row["straat"] in address and str(row["huisnummer"]) in address


def test_a_young_person_the_brp_does_not_have_is_shown_as_duo_knows_them(clients, web_settings):
    """ONBEKEND_IN_BRP: enrolled with a served woongemeente, not in the BRP delivery. The work list and
    the dossier give what DUO's enrolment state says (birth date, so the age; the postcode: where to
    start looking) and say the BRP does not have the person, instead of blank cells."""
    import duckdb

    from reports import staging_queries
    from reports.gather import NOT_IN_BRP

    case_id = _open_case(web_settings, "ONBEKEND_IN_BRP")
    assert case_id, "the staged municipality has an open dossier of someone unknown in the BRP"
    number = _scalar(web_settings, "SELECT persoonsnummer FROM dossiers WHERE id = :d", d=case_id)
    with duckdb.connect(str(web_settings.staging_path), read_only=True) as con:
        enrolled = con.execute(
            "SELECT geboortedatum, postcode FROM duo_inschrijvingen_actueel WHERE persoonsnummer = ? "
            "ORDER BY datum_inschrijving DESC LIMIT 1", [number]).fetchone()
        known = staging_queries.persons(con, [number]).iloc[0].to_dict()
    assert (known["bron"], known["naam"]) == ("DUO", "")
    assert (known["geboortedatum"].date(), known["postcode"]) == enrolled
    page = clients["lpa"].get(f"/dossier/{case_id}").text
    shown = re.search(r"<dt>Adres</dt><dd>([^<]*)</dd>", page)
    assert shown is not None and shown.group(1).startswith("niet in de BRP-levering")
    if enrolled[1]:
        assert enrolled[1][:4] in shown.group(1)
    worklist = clients["lpa"].get("/werklijst",
                                  params={"medewerker": "alle", "soort": "ONBEKEND_IN_BRP"}).text
    assert NOT_IN_BRP in html.unescape(worklist)


def test_an_rmc_counsellor_registers_no_vrijstelling(clients, web_settings):
    """Vrijstellingen are the leerplicht team's (docs/privacy.md: rmc has no vrijstellingen): the RMC
    dossier shows neither the register nor its form, and the route refuses the role."""
    case_id = _open_case(web_settings, "GEEN_INSCHRIJVING_RMC")
    page = clients["rmc"].get(f"/dossier/{case_id}")
    assert page.status_code == 200
    assert "Vrijstelling registreren" not in page.text and 'id="kop-vrijstelling"' not in page.text
    before = _scalar(web_settings, "SELECT count(*) FROM vrijstellingen")
    response = clients["rmc"].post(f"/dossier/{case_id}/vrijstelling", data={
        **form_tokens(page.text), "grond": "LPW_15", "begin": "1-9-2026"})
    assert response.status_code == 403
    assert _scalar(web_settings, "SELECT count(*) FROM vrijstellingen") == before
    assert "Vrijstelling registreren" in clients["lpa"].get(f"/dossier/{_open_case(web_settings)}").text


def test_closing_a_dossier_by_hand_says_why(clients, web_settings):
    """'handmatig gesloten' alone tells a colleague nothing: the close form has a toelichting (the
    handler always took one), and it stands on the timeline."""
    case_id = _open_case(web_settings, "GEEN_INSCHRIJVING_RMC")
    client = clients["rmc"]
    page = client.get(f"/dossier/{case_id}").text
    form = page[page.index(f'action="/dossier/{case_id}/sluiten"'):]
    form = form[:form.index("</form>")]
    assert 'name="toelichting"' in form
    closed = client.post(f"/dossier/{case_id}/sluiten", data={
        **form_tokens(page), "reden": "handmatig", "datum": date.today().strftime("%d-%m-%Y"),
        "toelichting": "Werkt sinds november vast bij een bouwbedrijf; geen hulpvraag."})
    assert closed.status_code == 200 and "Dossier gesloten op" in closed.text
    assert "Werkt sinds november vast bij een bouwbedrijf" in closed.text


def test_the_timeline_names_the_reason_with_its_abbreviations_intact(clients, web_settings):
    """The reason beside each step is written in lower case mid-sentence, but RMC and BRP stay
    capitals: not '(geen inschrijving (rmc, zonder startkwalificatie))'."""
    case_id = _open_case(web_settings, "GEEN_INSCHRIJVING_RMC")
    page = html.unescape(clients["rmc"].get(f"/dossier/{case_id}").text)
    timeline = page[page.index('id="kop-tijdlijn"'):page.index('id="kop-afspraken"')]
    assert "(geen inschrijving (RMC, zonder startkwalificatie))" in timeline
    assert "(rmc," not in timeline


def test_an_rmc_counsellor_is_not_offered_the_leerplichtambtenaar_s_sanctions(clients, web_settings):
    """A waarschuwing, Halt-verwijzing or proces-verbaal is the leerplichtambtenaar's (Leerplichtwet
    art. 22; docs/spec.md §1); the RMC counsellor was offered them on an 18+ young person, and a
    'waarschuwing' was saved. Not offered, refused when sent, nothing saved; the LPA keeps them."""
    case_id = _open_case(web_settings, "GEEN_INSCHRIJVING_RMC")
    client = clients["rmc"]
    page = client.get(f"/dossier/{case_id}").text
    offered = set(re.findall(r'<option value="([a-z_]+)"', page[page.index('id="actie-soort"'):]
                             .split("</select>")[0]))
    assert {"gesprek", "doorverwijzing", "notitie"} <= offered
    assert not offered & {"waarschuwing", "halt_verwijzing", "proces_verbaal"}
    assert 'id="actie-tegen"' not in page
    before = _actions(web_settings, case_id)
    response = client.post(f"/dossier/{case_id}/actie", data={
        **form_tokens(page), "soort": "waarschuwing", "datum": date.today().strftime("%d-%m-%Y")})
    assert response.status_code == 400 and "leerplichtambtenaar" in html.unescape(response.text)
    assert _actions(web_settings, case_id) == before
    lpa_page = clients["lpa"].get(f"/dossier/{_open_case(web_settings)}").text
    assert '<option value="proces_verbaal"' in lpa_page and 'id="actie-tegen"' in lpa_page


def _dossier_of_a_melding(app, settings, persoonsnummer: str, meldingsnummer: str, soort: str) -> int:
    """A school's melding of `soort` for a person with no dossier yet, taken in as the weekly flow does
    (register_meldingen, the melding's reason, the dossier's team); returns its dossier's id. The
    work lists made before are dropped, so the next page makes them afresh."""
    from registers.dossier_sync import refresh, sync_melding_reasons
    from registers.verzuim import register_meldingen
    from tests.staged_municipality import GEMEENTE
    from web.database import Registers

    today = date.today()
    registers = Registers(settings.register_url, settings.data_dir)
    with registers.session("test", None) as session:
        assert not session.execute(text("SELECT count(*) FROM dossiers WHERE persoonsnummer = :p"),
                                   {"p": persoonsnummer}).scalar_one()
        register_meldingen(session, [{"meldingsnummer": meldingsnummer, "brin": "12AB", "soort": soort,
                                      "persoonsnummer": persoonsnummer, "begindatum": today,
                                      "meldingsdatum": today}], today=today)
        scope = frozenset({GEMEENTE})
        sync_melding_reasons(session, today, scope)
        refresh(session, today, scope)
        session.commit()
        dossier_id = session.execute(text(
            "SELECT c.dossier_id FROM cases c JOIN verzuimmeldingen m ON m.id = c.verzuimmelding_id "
            "WHERE m.meldingsnummer = :m"), {"m": meldingsnummer}).scalar_one()
        reasons = session.execute(text("SELECT signal FROM cases WHERE dossier_id = :d"),
                                  {"d": dossier_id}).scalars().all()
    registers.dispose()
    assert reasons == ["VERZUIMMELDING"]  # the melding is the dossier's only reason
    app.state.web.cache.clear()
    return dossier_id


def _linked(page: str) -> set[int]:
    return {int(i) for i in re.findall(r'href="/dossier/(\d+)"', page)}


def test_an_rmc_counsellor_works_a_dossier_whose_only_reason_is_an_rmc_melding(app, clients, web_settings):
    """A school's melding of soort RMC (18+, no startkwalificatie) opens a dossier of team rmc, which the
    work list assigns to the RMC counsellor: the counsellor must be able to open it, find it in the
    inbox and on the work list, and record a step. The screen let RMC see only dossiers holding a case
    of an RMC signal, so the dossier was a 404. A dossier whose only reason is a leerplichtige's
    melding, or absoluut verzuim, stays out of the RMC's sight."""
    from tests.registers.factories import BSNS

    rmc = _dossier_of_a_melding(app, web_settings, BSNS[17], "VM-RMC-1", "RMC")
    lpa = _dossier_of_a_melding(app, web_settings, BSNS[18], "VM-LRV-1", "LRV")
    verzuim = _scalar(web_settings, "SELECT min(dossier_id) FROM cases c WHERE signal = 'ABSOLUUT_VERZUIM' "
                                    "AND status = 'open' AND NOT EXISTS (SELECT 1 FROM cases o "
                                    "WHERE o.dossier_id = c.dossier_id AND o.signal <> 'ABSOLUUT_VERZUIM')")
    assert _scalar(web_settings, "SELECT team FROM dossiers WHERE id = :d", d=rmc) == "rmc"
    client = clients["rmc"]

    page = client.get(f"/dossier/{rmc}")
    assert page.status_code == 200, page.text[-500:]
    assert "VM-RMC-1" in page.text
    inbox = client.get("/inbox").text
    assert rmc in _linked(inbox) and "melding VM-RMC-1" in inbox
    werklijst = client.get("/werklijst?medewerker=alle").text
    assert rmc in _linked(werklijst)

    before = _actions(web_settings, rmc)
    saved = client.post(f"/dossier/{rmc}/actie", data={
        **form_tokens(page.text), "soort": "gesprek", "datum": date.today().strftime("%d-%m-%Y"),
        "verslag": "Gesprek over een opleiding bij het mbo."})
    assert saved.status_code == 200 and "Vastgelegd: gesprek" in saved.text, saved.text[-500:]
    assert _actions(web_settings, rmc) == before + 1

    for other in (lpa, verzuim):
        assert client.get(f"/dossier/{other}").status_code == 404
        assert other not in _linked(client.get("/inbox").text)
        assert other not in _linked(client.get("/werklijst?medewerker=alle").text)
    assert "VM-LRV-1" not in client.get("/inbox").text
    assert lpa in _linked(clients["lpa"].get("/inbox").text)  # the LPA's, not nobody's


def test_the_rmc_records_where_a_voortijdig_schoolverlater_went(clients, web_settings):
    """The VSV register keeps where each early school leaver went (werk, terug naar school, niet
    bereikt); the case sync fills it only when a case closes for a reason that says so, and nothing
    let a counsellor record the rest. The dossier now shows the register's entries and lets RMC and
    administratie record the outcome; the LPA reads it (docs/privacy.md §2)."""
    dossier = _scalar(web_settings, "SELECT min(c.dossier_id) FROM cases c JOIN vsv_register v "
                                    "ON v.persoonsnummer = c.persoonsnummer WHERE c.signal = 'VSV'")
    assert dossier is not None, "the test world has a VSV dossier with an entry in the register"
    entry = _scalar(web_settings, "SELECT max(v.id) FROM vsv_register v JOIN dossiers d "
                                  "ON d.persoonsnummer = v.persoonsnummer WHERE d.id = :d", d=dossier)
    client = clients["rmc"]
    page = client.get(f"/dossier/{dossier}")
    assert page.status_code == 200 and "VSV-register" in page.text and "Uitkomst vastleggen" in page.text
    day = date.today().strftime("%d-%m-%Y")
    form = {**form_tokens(page.text), "vsv_id": str(entry), "uitkomst": "werk", "datum": day,
            "toelichting": "Werkt bij een bouwbedrijf."}
    saved = client.post(f"/dossier/{dossier}/vsv-uitkomst", data=form)
    assert saved.status_code == 200 and "VSV-uitkomst vastgelegd: werk" in saved.text, saved.text[-500:]
    assert _scalar(web_settings, "SELECT uitkomst FROM vsv_register WHERE id = :e", e=entry) == "werk"
    assert "uitkomst: werk op" in saved.text and "Werkt bij een bouwbedrijf." in saved.text

    # an entry of another person, or an outcome the register does not know: refused, nothing saved
    other = _scalar(web_settings, "SELECT min(id) FROM vsv_register WHERE persoonsnummer <> "
                                  "(SELECT persoonsnummer FROM dossiers WHERE id = :d)", d=dossier)
    for bad in ({"vsv_id": str(other), "uitkomst": "niet_bereikt"}, {"uitkomst": "op vakantie"}):
        tokens = form_tokens(client.get(f"/dossier/{dossier}").text)  # a form is posted once
        refused = client.post(f"/dossier/{dossier}/vsv-uitkomst", data={**form, **tokens, **bad})
        assert refused.status_code == 400 and "Niet opgeslagen" in refused.text
    assert _scalar(web_settings, "SELECT uitkomst FROM vsv_register WHERE id = :e", e=entry) == "werk"
    if other is not None:
        kept = _scalar(web_settings, "SELECT uitkomst FROM vsv_register WHERE id = :e", e=other)
        assert kept != "niet_bereikt"

    # the LPA reads the outcome but does not record it: no form, and the route refuses
    lpa_page = clients["lpa"].get(f"/dossier/{dossier}")
    assert lpa_page.status_code == 200
    assert "uitkomst: werk op" in lpa_page.text and "Uitkomst vastleggen" not in lpa_page.text
    refused = clients["lpa"].post(f"/dossier/{dossier}/vsv-uitkomst", data={
        **form_tokens(lpa_page.text), "vsv_id": str(entry), "uitkomst": "overig", "datum": day})
    assert refused.status_code == 403 and "Geen toegang" in refused.text
    assert _scalar(web_settings, "SELECT uitkomst FROM vsv_register WHERE id = :e", e=entry) == "werk"
