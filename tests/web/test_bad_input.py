"""Bad input on the dossier's forms, over HTTP against the real app and registers: a wrong date or
choice, an unknown dossier or appointment, a stale CSRF token, a form sent twice. Each gets a clear
Dutch message and nothing is saved: no step, no attachment row, no vrijstelling, no appointment, the
dossier as it was (the audit of reading the page excepted)."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import create_engine, text

from tests.web.conftest import form_tokens

pytestmark = pytest.mark.slow  # run first: the suite's long tail (tests/conftest.py)

COUNTS = {  # what any change on the dossier page would add to
    "stappen": "SELECT count(*) FROM case_actions",
    "bijlagen": "SELECT count(*) FROM bijlagen",
    "vrijstellingen": "SELECT count(*) FROM vrijstellingen",
    "afspraken": "SELECT count(*) FROM afspraken WHERE status = 'gepland'",
    "open": "SELECT count(*) FROM dossiers WHERE status = 'open'",
    "toegewezen": "SELECT count(*) FROM dossiers WHERE assigned_to IS NOT NULL",
}


def _counts(settings) -> dict[str, int]:
    engine = create_engine(settings.register_url)
    with engine.connect() as connection:
        counts = {name: connection.execute(text(sql)).scalar_one() for name, sql in COUNTS.items()}
    engine.dispose()
    return counts


def _dossier(settings, index: int = -2) -> int:
    engine = create_engine(settings.register_url)
    with engine.connect() as connection:
        ids = list(connection.execute(text("SELECT DISTINCT dossier_id FROM cases WHERE status = 'open' "
                                           "AND signal = 'ABSOLUUT_VERZUIM' ORDER BY dossier_id")).scalars())
    engine.dispose()
    return ids[index]


def _tokens_of(html: str, action: str) -> dict[str, str]:
    return form_tokens(html[html.index(f'action="{action}"'):])


@pytest.mark.parametrize(("form", "data", "message"), [
    ("actie", {"soort": "gesprek", "datum": "31-02-2026"}, "De datum '31-02-2026' is geen datum"),
    ("actie", {"soort": "gesprek", "datum": "morgen"}, "De datum 'morgen' is geen datum"),
    ("actie", {"soort": "gesprek", "datum": "1-1-2099"}, "ligt in de toekomst"),
    ("actie", {"soort": "ontploffing", "datum": "1-10-2026"}, "Kies wat u heeft gedaan"),
    ("actie", {"soort": "gesprek", "datum": "1-10-2026", "reden_id": "abc"}, "Kies de aanleiding"),
    ("sluiten", {"reden": "handmatig", "datum": "32-13-2026"}, "is geen datum"),
    ("sluiten", {"reden": "weet-niet", "datum": "1-10-2026"}, "Kies de reden van het sluiten"),
    ("vrijstelling", {"grond": "LPW_5A", "begin": "1-1-twintig"},
     "De begindatum '1-1-twintig' is geen datum"),
    ("vrijstelling", {"grond": "LPW_5A", "begin": "1-9-2026", "eind": "31-06-2027"}, "De einddatum"),
    ("afspraak", {"tijdstip": "volgende week", "onderwerp": "gesprek"}, "Kies een tijdstip uit de lijst"),
    ("afspraak/99999999/verzetten", {"tijdstip": "2026-12-08T09:00"},
     "Deze afspraak hoort niet bij dit dossier"),
    ("afspraak/99999999/annuleren", {"reden": ""}, "Deze afspraak hoort niet bij dit dossier"),
])
def test_a_wrong_value_is_said_in_dutch_and_nothing_is_saved(clients, web_settings, form, data, message):
    client = clients["lpa"]
    dossier_id = _dossier(web_settings)
    page = client.get(f"/dossier/{dossier_id}").text
    before = _counts(web_settings)
    response = client.post(f"/dossier/{dossier_id}/{form}",
                           data={**_tokens_of(page, f"/dossier/{dossier_id}/actie"), **data})
    assert response.status_code == 400
    assert "Niet opgeslagen" in response.text and message in html.unescape(response.text)
    assert _counts(web_settings) == before
    # what was typed is kept in the form, so the user corrects it instead of typing it again
    if form == "actie":
        assert f'value="{data["datum"]}"' in response.text


def test_an_attachment_that_cannot_be_kept_saves_neither_the_step_nor_the_other_attachment(
        clients, web_settings):
    client = clients["lpa"]
    dossier_id = _dossier(web_settings)
    page = client.get(f"/dossier/{dossier_id}").text
    before = _counts(web_settings)
    response = client.post(
        f"/dossier/{dossier_id}/actie",
        data={**_tokens_of(page, f"/dossier/{dossier_id}/actie"), "soort": "huisbezoek", "datum": "1-10-2026",
              "verslag": "Niemand thuis."},
        files=[("bijlage", ("verslag.txt", b"Niemand thuis; briefje achtergelaten.", "text/plain")),
               ("bijlage", ("leeg.txt", b"", "text/plain"))])
    assert response.status_code == 400
    shown = html.unescape(response.text)
    assert "Niet opgeslagen" in shown and "De bijlage 'leeg.txt' is leeg" in shown
    assert _counts(web_settings) == before


def test_a_change_to_an_unknown_dossier_is_a_dutch_404_and_saves_nothing(clients, web_settings):
    client = clients["lpa"]
    page = client.get(f"/dossier/{_dossier(web_settings)}").text
    before = _counts(web_settings)
    for form, data in (("actie", {"soort": "gesprek", "datum": "1-10-2026"}),
                       ("toewijzen", {"behandelaar": "X"}),
                       ("sluiten", {"reden": "handmatig", "datum": "1-10-2026"})):
        response = client.post(f"/dossier/99999999/{form}", data={**form_tokens(page), **data})
        assert response.status_code == 404, form
        assert "Dossier 99999999 bestaat niet of is vernietigd" in response.text
        page = client.get(f"/dossier/{_dossier(web_settings)}").text
    assert _counts(web_settings) == before


def test_a_stale_csrf_token_on_the_dossier_saves_nothing(clients, web_settings):
    client = clients["lpa"]
    dossier_id = _dossier(web_settings)
    page = client.get(f"/dossier/{dossier_id}").text
    before = _counts(web_settings)
    response = client.post(f"/dossier/{dossier_id}/actie", data={
        **_tokens_of(page, f"/dossier/{dossier_id}/actie"), "csrf": "van-gisteren", "soort": "gesprek",
        "datum": "1-10-2026", "verslag": "Zou niet opgeslagen mogen worden."})
    assert response.status_code == 403
    assert "Dit formulier is verlopen" in response.text and "Er is niets opgeslagen" in response.text
    assert _counts(web_settings) == before


def test_an_appointment_sent_twice_is_planned_once(clients, web_settings):
    client = clients["lpa"]
    dossier_id = _dossier(web_settings, -3)
    page = client.get(f"/dossier/{dossier_id}").text
    form = page[page.index(f'action="/dossier/{dossier_id}/afspraak"'):]
    slot = form[form.index('<option value="') + len('<option value="'):].split('"', 1)[0]
    data = {**_tokens_of(page, f"/dossier/{dossier_id}/afspraak"), "tijdstip": slot, "onderwerp": "gesprek"}
    before = _counts(web_settings)
    first = client.post(f"/dossier/{dossier_id}/afspraak", data=data)
    assert first.status_code == 200 and "Afspraak gepland op" in first.text
    second = client.post(f"/dossier/{dossier_id}/afspraak", data=data)
    assert second.status_code == 409 and "Dit formulier is al verstuurd" in second.text
    assert _counts(web_settings)["afspraken"] == before["afspraken"] + 1
    # leave the agenda as it was for the other tests
    afspraak = first.text[first.text.index(f'action="/dossier/{dossier_id}/afspraak/'):]
    cancel = afspraak[afspraak.index('action="') + 8:].split('"', 1)[0]
    cancel = cancel.replace("/verzetten", "/annuleren")
    page = client.get(f"/dossier/{dossier_id}").text
    assert client.post(cancel, data={**_tokens_of(page, cancel), "reden": ""}).status_code == 200
