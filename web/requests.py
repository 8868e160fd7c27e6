"""How every page is served: the session, the role guard, the CSRF check and the one-time form token
come first, on the server, before a page's own code runs (in a worker thread: the registers are
synchronous SQLAlchemy).

A page is a plain function `handler(verzoek) -> Response`; `web.routes` declares which roles may
reach it. What a page refuses (a wrong date, an unknown dossier) it answers with a Dutch message and
without saving anything: the register session is rolled back unless the page commits.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from connectors.staging_readers import KeptReaders
from inbeeld.settings import Settings
from web.sessions import COOKIE, Ingelogd, Sessie, SessionStore
from web.throttle import LoginThrottle

if TYPE_CHECKING:
    from web.database import Registers

log = logging.getLogger(__name__)

PUBLIEK: frozenset[str] = frozenset()  # no login needed (the login page itself)
MAX_FORM_BYTES = 25 * 1024 * 1024


@dataclass
class WebApp:
    """What every request of one `inbeeld web` process shares."""

    settings: Settings
    registers: Registers
    templates: Environment
    sessions: SessionStore = field(default_factory=SessionStore)
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    secure_cookies: bool = False
    cache: dict[str, Any] = field(default_factory=dict)  # per-process caches of the pages, by name
    readers: KeptReaders = field(init=False)  # staging connections kept between requests (web.stores)

    def __post_init__(self) -> None:
        self.readers = KeptReaders(self.settings.staging_path)


class PaginaFout(Exception):
    """A page cannot be shown: a Dutch message with its HTTP status (404 unknown dossier, …)."""

    def __init__(self, status: int, titel: str, bericht: str) -> None:
        super().__init__(bericht)
        self.status, self.titel, self.bericht = status, titel, bericht


@dataclass
class Verzoek:
    """One request as a page sees it."""

    request: Request
    sessie: Sessie
    web: WebApp
    form: FormData | None = None
    path_params: dict[str, Any] = field(default_factory=dict)

    @property
    def gebruiker(self) -> Ingelogd:
        assert self.sessie.gebruiker is not None
        return self.sessie.gebruiker

    def veld(self, name: str) -> str:
        """A text field of the posted form, stripped ('' when absent)."""
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""

    def bestanden(self, name: str) -> list[UploadFile]:
        if self.form is None:
            return []
        return [item for item in self.form.getlist(name) if isinstance(item, UploadFile) and item.filename]

    def query(self, name: str) -> str:
        return self.request.query_params.get(name, "").strip()

    @contextmanager
    def db(self, *, schrijven: bool = False) -> Iterator[Session]:
        """A register session under the logged-in user (audit actor; PostgreSQL role); one that
        changes the registers asks for `schrijven` (web.database: on SQLite a reading one cannot write)."""
        gebruiker = self.gebruiker
        with self.web.registers.session(gebruiker.login, gebruiker.rol, schrijven=schrijven) as session:
            yield session

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        melding, self.sessie.melding = self.sessie.melding, None
        html = self.web.templates.get_template(template).render(
            gebruiker=self.sessie.gebruiker, csrf=self.sessie.csrf,
            formulier_token=self.sessie.new_form_token, pad=self.request.url.path,
            melding=melding, **context)
        return HTMLResponse(html, status_code=status)

    def redirect(self, path: str, melding: str | None = None) -> RedirectResponse:
        """After a POST: to a page (a GET), with a message shown once there."""
        if melding:
            self.sessie.melding = melding
        return RedirectResponse(path, status_code=303)


Handler = Callable[[Verzoek], Response]


def _set_cookie(web: WebApp, request: Request, response: Response, sessie: Sessie) -> None:
    secure = web.secure_cookies or request.url.scheme == "https"
    response.set_cookie(COOKIE, sessie.token, httponly=True, samesite="strict", secure=secure, path="/")


def _foutpagina(web: WebApp, sessie: Sessie | None, status: int, titel: str, bericht: str) -> HTMLResponse:
    html = web.templates.get_template("fout.html.j2").render(
        gebruiker=sessie.gebruiker if sessie else None, csrf=sessie.csrf if sessie else "",
        formulier_token=sessie.new_form_token if sessie else (lambda: ""), pad="", melding=None,
        titel=titel, bericht=bericht)
    return HTMLResponse(html, status_code=status)


def endpoint(handler: Handler, rollen: frozenset[str]) -> Callable[[Request], Any]:
    """The ASGI endpoint of a page that the roles `rollen` may reach (PUBLIEK: anyone)."""

    async def serve(request: Request) -> Response:
        web: WebApp = request.app.state.web
        sessie = web.sessions.get(request.cookies.get(COOKIE))
        if rollen is not PUBLIEK:
            if sessie is None or sessie.gebruiker is None:
                if sessie is None:
                    sessie = web.sessions.new()
                if request.method == "GET":
                    sessie.melding, sessie.volgende = "Log in om verder te gaan.", request.url.path
                else:
                    sessie.melding = "Uw sessie was verlopen; er is niets opgeslagen. Log opnieuw in."
                response: Response = RedirectResponse("/login", status_code=303)
                _set_cookie(web, request, response, sessie)
                return response
            if sessie.gebruiker.rol not in rollen:
                log.warning("role %s refused %s %s", sessie.gebruiker.rol, request.method, request.url.path)
                return _foutpagina(web, sessie, 403, "Geen toegang",
                                   "U heeft met uw rol geen toegang tot deze pagina.")
        elif sessie is None:
            sessie = web.sessions.new()
        form = None
        if request.method == "POST":
            if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
                return _foutpagina(web, sessie, 413, "Te groot",
                                   "Het formulier met bijlagen is groter dan 25 MB. Er is niets opgeslagen.")
            form = await request.form(max_files=20, max_fields=200)
            token = form.get("csrf")
            if not isinstance(token, str) or not hmac.compare_digest(token, sessie.csrf):
                return _foutpagina(web, sessie, 403, "Formulier verlopen",
                                   "Dit formulier is verlopen of komt niet van deze site. Er is niets "
                                   "opgeslagen. Ga terug, laad de pagina opnieuw en probeer het nog eens.")
            once = form.get("formulier")
            if not isinstance(once, str) or not sessie.use_form_token(once):
                return _foutpagina(web, sessie, 409, "Al verstuurd",
                                   "Dit formulier is al verstuurd (bijvoorbeeld door twee keer te klikken). "
                                   "Het is niet nog een keer opgeslagen.")
        verzoek = Verzoek(request, sessie, web, form, dict(request.path_params))
        try:
            response = await run_in_threadpool(handler, verzoek)
        except PaginaFout as fout:
            response = _foutpagina(web, verzoek.sessie, fout.status, fout.titel, fout.bericht)
        finally:
            if form is not None:
                await form.close()
        if verzoek.sessie.token != request.cookies.get(COOKIE) or verzoek.sessie is not sessie:
            _set_cookie(web, request, response, verzoek.sessie)
        return response

    serve.__name__ = handler.__name__
    return serve
