"""Roles are enforced on the server for every route: each route of the app is in web.routes' table,
and every role outside a route's roles gets 403 from it, whatever the menu shows."""

from __future__ import annotations

import pytest
from starlette.routing import Mount, Route

from tests.web.conftest import USERS, form_tokens
from web.requests import PUBLIEK
from web.routes import PAGINAS

EXAMPLE = {"import_id": "1", "dossier_id": "1", "bijlage_id": "1", "brief_id": "1", "afspraak_id": "1",
           "kenmerk": "LP-E1-ABCDE"}


def _url(pad: str) -> str:
    for name, value in EXAMPLE.items():
        pad = pad.replace(f"{{{name}:int}}", value).replace(f"{{{name}:str}}", value)
    return pad


def test_every_route_of_the_app_is_declared_with_its_roles(app):
    declared = {(p.pad, method) for p in PAGINAS for method in p.methods}
    served = set()
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path == "/static"
            continue
        assert isinstance(route, Route)
        served |= {(route.path, method) for method in route.methods if method != "HEAD"}
    assert served == declared


@pytest.mark.parametrize("pagina", [p for p in PAGINAS if p.rollen is not PUBLIEK],
                         ids=lambda p: f"{p.methods[0]} {p.pad}")
def test_each_role_reaches_exactly_the_routes_it_is_given(pagina, clients):
    for login, (_naam, rol) in USERS.items():
        client = clients[login]
        if "GET" in pagina.methods:
            response = client.get(_url(pagina.pad), follow_redirects=False)
        else:
            if pagina.pad == "/uitloggen":
                continue  # logging out ends the shared client's session; test_security covers it
            tokens = form_tokens(client.get("/", follow_redirects=True).text)
            response = client.post(_url(pagina.pad), data=tokens, follow_redirects=False)
        if rol in pagina.rollen:
            assert response.status_code != 403, (login, pagina.pad)
        else:
            assert response.status_code == 403, (login, pagina.pad)
            assert "geen toegang" in response.text


@pytest.mark.parametrize("pagina", [p for p in PAGINAS if p.rollen is not PUBLIEK and "GET" in p.methods],
                         ids=lambda p: p.pad)
def test_without_a_session_every_page_sends_to_the_login(pagina, app):
    from starlette.testclient import TestClient

    response = TestClient(app).get(_url(pagina.pad), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
