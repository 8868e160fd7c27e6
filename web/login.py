"""Logging in and out, and the start page of each role."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError
from starlette.responses import RedirectResponse, Response

from web.accounts import log_in
from web.requests import Verzoek

log = logging.getLogger(__name__)

START = {"lpa": "/inbox", "rmc": "/inbox", "administratie": "/inbox", "beleid": "/beleid",
         "beheer": "/beheer"}
MISLUKT = ("Inloggen is niet gelukt. Controleer uw gebruikersnaam en wachtwoord. Na vijf mislukte "
           "pogingen wordt uw account tijdelijk geblokkeerd.")


def start(verzoek: Verzoek) -> Response:
    """`/`: the start page of the user's role."""
    return RedirectResponse(START[verzoek.gebruiker.rol], status_code=303)


def login_form(verzoek: Verzoek) -> Response:
    if verzoek.sessie.gebruiker is not None:
        return RedirectResponse(START[verzoek.sessie.gebruiker.rol], status_code=303)
    return verzoek.render("login.html.j2", titel="Inloggen", fout=None, login="")


def login_submit(verzoek: Verzoek) -> Response:
    login, wachtwoord = verzoek.veld("login"), verzoek.veld("wachtwoord")
    throttle = verzoek.web.throttle
    address = verzoek.request.client.host if verzoek.request.client else "onbekend"
    if not login or not wachtwoord:
        return verzoek.render("login.html.j2", status=400, titel="Inloggen", login=login,
                              fout="Vul uw gebruikersnaam en uw wachtwoord in.")
    wait = throttle.wait_seconds(login, address)
    if wait:
        minuten = max(1, round(wait / 60))
        return verzoek.render("login.html.j2", status=429, titel="Inloggen", login=login,
                              fout=f"Te veel mislukte pogingen. Probeer het over {minuten} minuten opnieuw.")
    gebruiker = _log_in(verzoek, login, wachtwoord)
    if gebruiker is None:
        throttle.failed(login, address)
        log.info("login failed from %s", address)
        return verzoek.render("login.html.j2", status=401, titel="Inloggen", login=login, fout=MISLUKT)
    throttle.succeeded(login)
    volgende = verzoek.sessie.volgende
    verzoek.sessie = verzoek.web.sessions.log_in(verzoek.sessie, gebruiker)
    return RedirectResponse(volgende or START[gebruiker.rol], status_code=303)


def _log_in(verzoek: Verzoek, login: str, wachtwoord: str):
    """The register's password check. On SQLite it reads, verifies (argon2: slow by design) and then
    writes the failure count; a request that wrote meanwhile makes that write fail at once
    ("database is locked"), so the check is tried again, up to three times."""
    for attempt in range(3):
        try:
            with verzoek.web.registers.session("inbeeld-web", None) as session:
                return log_in(session, login, wachtwoord)
        except OperationalError:
            if attempt == 2:
                raise
    return None


def logout(verzoek: Verzoek) -> Response:
    verzoek.web.sessions.end(verzoek.sessie)
    verzoek.sessie = verzoek.web.sessions.new()
    verzoek.sessie.melding = "U bent uitgelogd."
    return RedirectResponse("/login", status_code=303)
