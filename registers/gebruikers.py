"""Named users (docs/spec.md §7): who does and reads what, never the operating-system account.

Every change and every reading of a person's data is recorded under a login from this table
(`--by LOGIN` or `INBEELD_GEBRUIKER` on the command line, the logged-in user on the web); the
scheduled flows act as `systeem`, which is no login and cannot log in. Passwords are kept as argon2
hashes (argon2-cffi); five failed attempts in a row block the login for fifteen minutes, so a
password cannot be guessed by trying.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from inbeeld.settings import login_key
from registers.audit import SYSTEEM, AuditEvent, AuditTrail, load_key, trail
from registers.codes import Rol, parse_code
from registers.db import open_registers
from registers.errors import Refused
from registers.models import Gebruiker

if TYPE_CHECKING:  # argon2 loads when a password is set or checked, not for every register command
    from argon2 import PasswordHasher

__all__ = ["SYSTEEM", "Gebruiker", "Rol", "add_user", "disable_user", "get_user", "list_users",
           "open_registers_as", "require_user", "verify_password"]

MAX_POGINGEN = 5
BLOKKADE = timedelta(minutes=15)
MIN_WACHTWOORD = 10
LOGIN = re.compile(r"^[a-z][a-z0-9._-]{1,62}$")

GEEN_GEBRUIKER = ("wie werkt er? Geef --by LOGIN of zet INBEELD_GEBRUIKER "
                  "(een gebruiker uit `inbeeld gebruiker list`)")

@cache
def _hasher() -> PasswordHasher:
    """argon2-cffi's hasher with its default parameters, loaded on first use."""
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the login does not exist, so a wrong login costs as long as a wrong
    password; made on first use (hashing costs 0.1 s, which every command would pay at import)."""
    return _hasher().hash("inbeeld-geen-gebruiker")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _gemeenten(codes: Iterable[str]) -> list[str]:
    result = []
    for raw in codes:
        for part in str(raw).split(","):
            code = part.strip()
            if not code:
                continue
            if not code.isdigit() or len(code) > 4:
                raise Refused(f"gemeentecode {code!r} bestaat niet uit (ten hoogste) 4 cijfers")
            result.append(code.zfill(4))
    return sorted(set(result))


def _record(session: Session, action: str, login: str, detail: str | None = None) -> None:
    if "audit" in session.info:
        trail(session).record(session, AuditEvent(action, None, "gebruikers", None,
                                                  f"login={login}" + (f"; {detail}" if detail else "")))


def add_user(session: Session, login: str, naam: str, rol: Rol | str, wachtwoord: str,
             gemeenten: Iterable[str] = ()) -> Gebruiker:
    """A new named user; refused for a login in use, an unknown role or a short password."""
    login = login_key(login)
    if login == SYSTEEM or not LOGIN.match(login):
        raise Refused(f"ongeldige login {login!r}: kleine letters, cijfers, '.', '_' of '-', "
                      f"2 tot 63 tekens, beginnend met een letter (en niet {SYSTEEM!r})")
    if not naam.strip():
        raise Refused("een gebruiker heeft een naam nodig (--naam)")
    role = parse_code(Rol, rol, "rol")
    if len(wachtwoord) < MIN_WACHTWOORD:
        raise Refused(f"het wachtwoord is te kort: gebruik ten minste {MIN_WACHTWOORD} tekens")
    if session.get(Gebruiker, login) is not None:
        raise Refused(f"de login {login!r} bestaat al")
    user = Gebruiker(login=login, naam=naam.strip(), rol=role, gemeenten=_gemeenten(gemeenten),
                     wachtwoord_hash=_hasher().hash(wachtwoord), actief=True, aangemaakt_op=_now(),
                     mislukte_pogingen=0, geblokkeerd_tot=None)
    session.add(user)
    session.flush()
    _record(session, "gebruiker.toegevoegd", login, f"rol={role.value}")
    return user


def get_user(session: Session, login: str) -> Gebruiker | None:
    return session.get(Gebruiker, login_key(login)) if login else None


def list_users(session: Session) -> list[Gebruiker]:
    return list(session.scalars(select(Gebruiker).order_by(Gebruiker.login)))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Gebruiker)) or 0


def disable_user(session: Session, login: str) -> Gebruiker:
    """The user can no longer log in or act; the records made under the login stay theirs."""
    user = get_user(session, login)
    if user is None:
        raise Refused(f"er is geen gebruiker {login!r}")
    user.actief = False
    session.flush()
    _record(session, "gebruiker.uitgeschakeld", user.login)
    return user


def verify_password(session: Session, login: str, wachtwoord: str,
                    now: datetime | None = None) -> Gebruiker | None:
    """The user when the password is right and the login active and not blocked, else None.

    Counts failed attempts; the fifth in a row blocks the login for fifteen minutes (a right password
    during the block is refused too). A success resets the count. Writes: the caller commits.
    """
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    now = now or _now()
    user = get_user(session, login)
    if user is None:
        with suppress(VerificationError):
            _hasher().verify(_dummy_hash(), wachtwoord)
        return None
    if not user.actief:
        return None
    if user.geblokkeerd_tot is not None and user.geblokkeerd_tot > now:
        return None
    try:
        _hasher().verify(user.wachtwoord_hash, wachtwoord)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        user.mislukte_pogingen = (user.mislukte_pogingen or 0) + 1
        if user.mislukte_pogingen >= MAX_POGINGEN:
            user.geblokkeerd_tot = now + BLOKKADE
            user.mislukte_pogingen = 0
            _record(session, "gebruiker.geblokkeerd", user.login)
        session.flush()
        return None
    user.mislukte_pogingen = 0
    user.geblokkeerd_tot = None
    if _hasher().check_needs_rehash(user.wachtwoord_hash):
        user.wachtwoord_hash = _hasher().hash(wachtwoord)
    session.flush()
    return user


def require_user(session: Session, login: str | None) -> Gebruiker:
    """The active user acting now; Refused when there is none (nothing is done without a name)."""
    if not login:
        raise Refused(GEEN_GEBRUIKER)
    user = get_user(session, login)
    if user is None:
        raise Refused(f"er is geen gebruiker {login!r}: voeg die toe met `inbeeld gebruiker add`")
    if not user.actief:
        raise Refused(f"de gebruiker {login!r} is uitgeschakeld")
    return user


def open_registers_as(url: str, data_dir: Path, login: str | None) -> sessionmaker[Session]:
    """The register database with an audit trail in the name of `login`, checked against this table
    (`systeem`: the scheduled flows, not checked). Refused when the login is missing or not active."""
    if login == SYSTEEM:
        return open_registers(url, AuditTrail(load_key(data_dir), actor=SYSTEEM))
    if not login:
        raise Refused(GEEN_GEBRUIKER)
    factory = open_registers(url, AuditTrail(load_key(data_dir), actor=login_key(login)))
    with factory() as session:
        try:
            require_user(session, login)
        except Refused:
            factory.kw["bind"].dispose()
            raise
    return factory
