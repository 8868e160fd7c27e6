"""The register database as the work screen uses it: one session per request, under the named user.

Every register function writes its audit entries with the session's trail, so the trail here names
the logged-in user as the actor. On PostgreSQL each transaction first does `SET LOCAL ROLE
inbeeld_<rol>` and names the user (`inbeeld.gebruiker`): the grants and row-level security of
docs/privacy.md then apply to what the request reads and writes, narrowed to the user's own
gemeenten (revision 0013), whatever the code above them does. The web's own database login must be a member
of the five roles (docs/running.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from registers.audit import AuditTrail, load_key
from registers.db import WRITER, open_registers

ROLLEN = ("lpa", "rmc", "administratie", "beleid", "beheer")


def database_role(rol: str) -> str:
    """The PostgreSQL group role of an application role (a fixed name: never built from input)."""
    if rol not in ROLLEN:
        raise ValueError(f"unknown role {rol!r}")
    return f"inbeeld_{rol}"


def _as_user(login: str, rol: str) -> Callable[..., None]:
    """What each transaction of a request does first on PostgreSQL: take the user's group role, and
    name the user, so row-level security looks up the user's own gemeenten (revision 0013)."""
    statement = f"SET LOCAL ROLE {database_role(rol)}"

    def begin(_session, _transaction, connection) -> None:
        connection.exec_driver_sql(statement)
        connection.execute(text("SELECT set_config('inbeeld.gebruiker', :login, true)"), {"login": login})
    return begin


class Registers:
    """The register database of one `inbeeld web` process."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self._key = load_key(data_dir)
        self._factory: sessionmaker[Session] = open_registers(url, AuditTrail(self._key, actor="inbeeld-web"))
        self.dialect = self._factory.kw["bind"].dialect.name

    @contextmanager
    def session(self, actor: str, rol: str | None) -> Iterator[Session]:
        """A session whose audit entries name `actor`; on PostgreSQL under the role of `rol`
        (None: the login itself, only for checking a password before anyone is logged in; it does
        not take SQLite's write lock while argon2 works, see web.login)."""
        with self._factory(info={"audit": AuditTrail(self._key, actor=actor)}) as session:
            if self.dialect == "sqlite" and rol is not None:
                # Nearly every request writes (its audit entries, a login's failure count): a deferred
                # SQLite transaction that has read cannot become a writer once another request has
                # written ("database is locked"), so each begins as a writer and waits its turn.
                session.connection(execution_options={WRITER: True})
            if rol is not None and self.dialect == "postgresql":
                event.listen(session, "after_begin", _as_user(actor, rol))
            yield session

    def factory(self, actor: str, rol: str) -> sessionmaker[Session]:
        """Sessions for a function that opens its own (letters.single): the same audit actor and, on
        PostgreSQL, the same role as `session`."""
        factory = sessionmaker(**{**self._factory.kw, "info": {"audit": AuditTrail(self._key, actor=actor)}})
        if self.dialect == "postgresql":
            event.listen(factory, "after_begin", _as_user(actor, rol))
        return factory

    def dispose(self) -> None:
        self._factory.kw["bind"].dispose()
