"""`inbeeld web`: serve the work screen with uvicorn (bound to this machine unless told otherwise)."""

from __future__ import annotations

import click

from inbeeld.settings import Settings


@click.command("web")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep 127.0.0.1 behind a reverse proxy (docs/running.md).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option("--secure-cookies/--no-secure-cookies", default=False, show_default=True,
              help="Mark the session cookie Secure even when the proxy does not say the request was HTTPS.")
@click.option("--forwarded-allow-ips", default="127.0.0.1", show_default=True,
              help="Proxies whose X-Forwarded-For/-Proto headers are trusted (the reverse proxy's address).")
@click.pass_obj
def web_command(settings: Settings, host: str, port: int, secure_cookies: bool,
                forwarded_allow_ips: str) -> None:
    """The work screen in a browser: inbox, search, dossiers, work lists, figures and beheer.

    Users log in with their named account (`inbeeld gebruiker add`); every page that shows a
    person is recorded in the audit trail under their name. Stop with Ctrl+C."""
    import uvicorn

    from web.app import create_app

    app = create_app(settings, secure_cookies=secure_cookies)
    click.echo(f"InBeeld werkscherm: http://{host}:{port}/ (stoppen met Ctrl+C)")
    uvicorn.run(app, host=host, port=port, proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips,
                log_level="warning", server_header=False)
