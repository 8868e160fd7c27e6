"""`inbeeld gebruiker add|list|disable`: the named users (docs/spec.md §7).

Adding or disabling a user takes a beheer login (`--by` / INBEELD_GEBRUIKER), except the very
first user of an empty register, who is added in their own name (someone has to be first). The
password is asked twice at the keyboard, or read from INBEELD_WACHTWOORD for scripts; it is never
an option, so it never lands in a shell history.
"""

from __future__ import annotations

import os

import click

from inbeeld.acting_user import act_as, by_option
from inbeeld.output import emit, output_options
from inbeeld.settings import login_key
from registers.audit import AuditTrail, load_key
from registers.codes import Rol
from registers.command_session import register_session
from registers.db import open_registers, writer_connection
from registers.errors import Refused
from registers.gebruikers import add_user, count_users, disable_user, list_users, require_user
from registers.meldingen import nederlands

PASSWORD_ENV = "INBEELD_WACHTWOORD"
COLUMNS = ("login", "naam", "rol", "gemeenten", "actief", "geblokkeerd_tot")


@click.group("gebruiker")
def gebruiker() -> None:
    """Named users: add, list, disable (roles lpa, rmc, administratie, beleid, beheer)."""


def _require_beheer(session, login: str | None) -> None:
    user = require_user(session, login)
    if user.rol is not Rol.BEHEER:
        raise Refused(f"alleen beheer beheert gebruikers; {user.login!r} heeft de rol {user.rol.value}")


def _ask_password(login: str) -> str:
    """The password, typed twice (click's own confirmation says a mismatch in English)."""
    while True:
        wachtwoord = click.prompt(f"Wachtwoord voor {login}", hide_input=True)
        if click.prompt("Nogmaals", hide_input=True) == wachtwoord:
            return wachtwoord
        click.echo("Fout: de twee wachtwoorden zijn niet gelijk; probeer het opnieuw.", err=True)


@gebruiker.command("add")
@click.argument("login")
@click.option("--naam", required=True, help="Full name, as it appears on letters and timelines.")
@click.option("--rol", required=True, type=click.Choice([r.value for r in Rol]))
@click.option("--gemeenten", default="", help="Gemeentecodes the user works for, comma separated "
                                                "(empty: every gemeente served).")
@by_option("who adds it (beheer)")
@click.pass_context
def gebruiker_add(ctx: click.Context, login: str, naam: str, rol: str, gemeenten: str,
                  by: str | None) -> None:
    """Add the user LOGIN. The password is asked for (or taken from INBEELD_WACHTWOORD)."""
    settings = act_as(ctx, by)
    wachtwoord = os.environ.get(PASSWORD_ENV) or _ask_password(login)
    settings.ensure_data_dir()
    if settings.gebruiker:
        with register_session(ctx) as session:
            _require_beheer(session, settings.gebruiker)
            user = add_user(session, login, naam, rol, wachtwoord, gemeenten.split(","))
    else:  # the first user of an empty register acts in their own name
        factory = open_registers(settings.register_url,
                                 AuditTrail(load_key(settings.data_dir), actor=login_key(login)))
        try:
            with factory() as session:
                writer_connection(session)
                if count_users(session):
                    raise click.ClickException("wie voegt deze gebruiker toe? Geef --by LOGIN (beheer) "
                                               "of zet INBEELD_GEBRUIKER")
                user = add_user(session, login, naam, rol, wachtwoord, gemeenten.split(","))
                session.commit()
        except Refused as exc:
            raise click.ClickException(nederlands(exc)) from None
        finally:
            factory.kw["bind"].dispose()
    scope = ", ".join(user.gemeenten) or "alle gemeenten"
    click.echo(f"Gebruiker {user.login} ({user.naam}, {user.rol.value}, {scope}) toegevoegd")


@gebruiker.command("list")
@by_option("reading")
@output_options
@click.pass_context
def gebruiker_list(ctx: click.Context, by: str | None, fmt: str) -> None:
    """List the users (never their password hashes)."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        rows = [{"login": u.login, "naam": u.naam, "rol": u.rol, "gemeenten": ",".join(u.gemeenten),
                 "actief": "ja" if u.actief else "nee", "geblokkeerd_tot": u.geblokkeerd_tot}
                for u in list_users(session)]
    emit(rows, COLUMNS, fmt)


@gebruiker.command("disable")
@click.argument("login")
@by_option("who disables it (beheer)")
@click.pass_context
def gebruiker_disable(ctx: click.Context, login: str, by: str | None) -> None:
    """Disable LOGIN: no more logging in or acting; what was done under it stays recorded."""
    act_as(ctx, by)
    with register_session(ctx) as session:
        _require_beheer(session, ctx.obj.gebruiker)
        user = disable_user(session, login)
        click.echo(f"Gebruiker {user.login} uitgeschakeld")
