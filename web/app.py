"""The work screen as an ASGI application (Starlette, which Prefect's server already brings).

Server-rendered HTML from Jinja2 templates, the NL Design System's CSS served from `web/static`,
no JavaScript of its own. `create_app` is what `inbeeld web` runs under uvicorn and what the tests
drive with a real browser."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from inbeeld.settings import Settings
from web.database import Registers
from web.headers import SecurityHeaders
from web.requests import WebApp, endpoint
from web.routes import PAGINAS
from web.sessions import COOKIE
from web.templating import environment

STATIC = Path(__file__).resolve().parent / "static"
WORKER_THREADS = 8
log = logging.getLogger(__name__)


def create_app(settings: Settings, *, secure_cookies: bool = False) -> Starlette:
    """The application over the registers and staging of `settings` (migrated when behind)."""
    settings.ensure_data_dir()
    web = WebApp(settings=settings, registers=Registers(settings.register_url, settings.data_dir),
                 templates=environment(), secure_cookies=secure_cookies)
    routes = [Route(p.pad, endpoint(p.handler, p.rollen), methods=list(p.methods)) for p in PAGINAS]
    routes.append(Mount("/static", app=StaticFiles(directory=STATIC), name="static"))

    async def not_found(request: Request, _exc: Exception) -> HTMLResponse:
        return _plain_error(web, request, 404, "Niet gevonden", "Deze pagina bestaat niet.")

    async def method_not_allowed(request: Request, _exc: Exception) -> HTMLResponse:
        return _plain_error(web, request, 405, "Niet toegestaan",
                            "Deze pagina kan zo niet worden opgevraagd.")

    async def server_error(request: Request, exc: Exception) -> HTMLResponse:
        log.error("error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return _plain_error(web, request, 500, "Er ging iets mis",
                            "Er ging iets mis. Er is niets half opgeslagen; "
                            "probeer het opnieuw of neem contact op met beheer.")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # Pages run in worker threads, each with at most one register connection at a time: fewer
        # threads than the connection pool holds (5 + 10 overflow), so a busy minute queues requests
        # instead of timing out on the pool.
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        yield
        web.registers.dispose()
        web.readers.close()

    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={404: not_found, 405: method_not_allowed, 500: server_error},
                    lifespan=lifespan)
    app.state.web = web
    return app


def _plain_error(web: WebApp, request: Request, status: int, titel: str, bericht: str) -> HTMLResponse:
    """An error page outside a route (404, 405, 500), with the menu when someone is logged in."""
    sessie = web.sessions.get(request.cookies.get(COOKIE))
    logged_in = sessie is not None and sessie.gebruiker is not None
    html = web.templates.get_template("fout.html.j2").render(
        gebruiker=sessie.gebruiker if logged_in else None, csrf=sessie.csrf if logged_in else "",
        formulier_token=sessie.new_form_token if logged_in else (lambda: ""), pad="", melding=None,
        titel=titel, bericht=bericht)
    return HTMLResponse(html, status_code=status)
