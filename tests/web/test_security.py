"""The checks a municipality's CISO would make, over HTTP against the real app and registers."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from tests.web.conftest import PASSWORD, add_one_user, form_tokens, log_in
from web.headers import CSP
from web.routes import PAGINAS
from web.sessions import COOKIE

PAGES = {"lpa": ["/inbox", "/werklijst", "/zoeken"],
         "beleid": ["/beleid", "/beleid/vsv", "/beleid/telling", "/beleid/kpi"],
         "beheer": ["/beheer", "/beheer/gebruikers", "/beheer/leveringen", "/beheer/audit"]}


def audit_count(settings, action: str, actor: str | None = None) -> int:
    engine = create_engine(settings.register_url)
    with engine.connect() as connection:
        query = "SELECT count(*) FROM audit_log WHERE action = :action"
        if actor:
            query += " AND actor = :actor"
        count = connection.execute(text(query), {"action": action, "actor": actor}).scalar_one()
    engine.dispose()
    return count


def test_every_page_has_the_security_headers_and_no_inline_script_or_style(clients, app):
    pages = [(TestClient(app), "/login")] + [(clients[login], path) for login, paths in PAGES.items()
                                             for path in paths]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        headers = response.headers
        assert headers["content-security-policy"] == CSP
        assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"
        assert "<script" not in response.text and " style=" not in response.text, path
        # every form posts its CSRF token and its one-time token
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", response.text, re.S):
            assert 'name="csrf"' in form and 'name="formulier"' in form, path


def test_session_cookie_is_httponly_samesite_and_secure_behind_https(app):
    plain = TestClient(app).get("/login")
    cookie = plain.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie
    https = TestClient(app, base_url="https://inbeeld.gemeente.example").get("/login")
    assert "Secure" in https.headers["set-cookie"]
    assert https.headers["strict-transport-security"].startswith("max-age=")


def test_login_gives_a_new_session_and_logout_ends_it(app):
    client = TestClient(app)
    client.get("/login")
    before = client.cookies[COOKIE]
    assert log_in(client, "lpa").headers["location"] == "/inbox"
    after = client.cookies[COOKIE]
    assert after != before
    old = TestClient(app, cookies={COOKIE: before})
    assert old.get("/werklijst", follow_redirects=False).status_code == 303
    page = client.get("/werklijst")
    response = client.post("/uitloggen", data=form_tokens(page.text), follow_redirects=False)
    assert response.headers["location"] == "/login"
    stale = TestClient(app, cookies={COOKIE: after})
    assert stale.get("/werklijst", follow_redirects=False).headers["location"] == "/login"


def test_a_wrong_password_says_so_in_dutch_and_is_throttled_then_locked(app, web_settings):
    add_one_user(web_settings, "slot", "S. Lot", "lpa")
    client = TestClient(app)
    for _ in range(5):
        response = log_in(client, "slot", "fout-wachtwoord")
        assert response.status_code == 401
        assert "Inloggen is niet gelukt" in response.text
    response = log_in(client, "slot", PASSWORD)  # the right password no longer helps
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.text
    # the register locked the account itself too: a fresh process (no throttle memory) still refuses
    from web.app import create_app

    assert log_in(TestClient(create_app(web_settings)), "slot", PASSWORD).status_code == 401


def test_a_stale_csrf_token_is_refused_and_nothing_is_recorded(clients, web_settings):
    client = clients["beheer"]
    tokens = form_tokens(client.get("/beheer/audit").text)
    before = audit_count(web_settings, "audit.read")
    response = client.post("/beheer/audit", data={**tokens, "csrf": "verlopen-token",
                                                  "persoonsnummer": "999993653"})
    assert response.status_code == 403
    assert "Dit formulier is verlopen" in response.text and "Er is niets opgeslagen" in response.text
    assert audit_count(web_settings, "audit.read") == before


def test_a_double_submit_is_recorded_once(clients, web_settings):
    client = clients["beheer"]
    tokens = form_tokens(client.get("/beheer/audit").text)
    before = audit_count(web_settings, "audit.read", "beheer")
    data = {**tokens, "persoonsnummer": "999993653", "sinds": ""}
    assert client.post("/beheer/audit", data=data).status_code == 200
    second = client.post("/beheer/audit", data=data)
    assert second.status_code == 409
    assert "al verstuurd" in second.text
    assert audit_count(web_settings, "audit.read", "beheer") == before + 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("sinds", "31-02-2026", "is geen datum"),
    ("persoonsnummer", "123456789", "geen BSN of onderwijsnummer"),
])
def test_bad_input_gets_a_dutch_message_and_nothing_is_recorded(clients, web_settings, field, value, message):
    client = clients["beheer"]
    tokens = form_tokens(client.get("/beheer/audit").text)
    before = audit_count(web_settings, "audit.read")
    data = {**tokens, "persoonsnummer": "999993653", "sinds": "", field: value}
    response = client.post("/beheer/audit", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert audit_count(web_settings, "audit.read") == before


def test_an_unknown_id_is_a_dutch_404(clients):
    response = clients["beheer"].get("/beheer/leveringen/987654")
    assert response.status_code == 404
    assert "Levering 987654 bestaat niet" in response.text
    assert "Deze pagina bestaat niet" in clients["lpa"].get("/bestaat/niet").text


def test_no_person_number_in_any_link_or_form_action(clients):
    for login, paths in PAGES.items():
        for path in paths:
            html = clients[login].get(path).text
            for url in re.findall(r'(?:href|action)="([^"]*)"', html):
                assert not re.search(r"\d{9}", url), (path, url)
    assert all(not re.search(r"\d{9}", p.pad) for p in PAGINAS)


def test_the_audit_lookup_is_a_post_so_the_number_stays_out_of_the_url(clients):
    html = clients["beheer"].get("/beheer/audit").text
    assert re.search(r'<form[^>]*method="post"[^>]*action="/beheer/audit"', html)


def test_behind_the_reverse_proxy_https_makes_the_cookie_secure(server):
    """uvicorn trusts X-Forwarded-Proto from 127.0.0.1 (`--forwarded-allow-ips`), as from the proxy."""
    import httpx

    proxied = httpx.get(f"{server.url}/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in proxied.headers["set-cookie"]
    assert "strict-transport-security" in proxied.headers
    direct = httpx.get(f"{server.url}/login")
    assert "Secure" not in direct.headers["set-cookie"]
