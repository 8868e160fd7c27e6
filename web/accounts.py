"""Logging in against the named users of the register (`registers.gebruikers`): argon2 hashes, the
lock after repeated failures and the `actief` flag are the register's; this only turns its answer
into the session's user."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from web.database import ROLLEN
from web.sessions import Ingelogd


def _gemeenten(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    return tuple(str(item).strip().zfill(4) for item in items if str(item).strip())


def log_in(session: Session, login: str, wachtwoord: str) -> Ingelogd | None:
    """The user when login and password are right and the account is active and not locked;
    None otherwise (the register counts the failure). The register commits its counters."""
    from registers.gebruikers import verify_password

    gebruiker = verify_password(session, login, wachtwoord)
    session.commit()
    if gebruiker is None:
        return None
    rol = str(getattr(gebruiker.rol, "value", gebruiker.rol))
    if rol not in ROLLEN:
        return None
    return Ingelogd(login=gebruiker.login, naam=gebruiker.naam, rol=rol,
                    gemeenten=_gemeenten(getattr(gebruiker, "gemeenten", None)))
