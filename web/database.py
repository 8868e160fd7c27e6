"""The register database as the work screen uses it: one session per request, under the named user.

Every register function writes its audit entries with the session's trail, so the trail here names
the logged-in user as the actor. On PostgreSQL each transaction first does `SET LOCAL ROLE
inbeeld_<rol>` and names the user (`inbeeld.gebruiker`): the grants and row-level security of
docs/privacy.md then apply to what the request reads and writes, narrowed to the user's own
gemeenten (revision 0013), whatever the code above them does. The web's own database login must be a member
of the five roles (docs/running.md).

On SQLite (one writer at a time) a request that only reads must not hold the write lock while it
reads: its session reads on a connection that cannot write (`PRAGMA query_only`), its audit entries
are kept in the session, and `commit` writes them in one short transaction of their own before the
page is shown. If that write fails, commit raises and the page is not shown: a reading is never
shown unaudited. A request that changes something asks for a writing session (`schrijven=True`):
that one begins as the writer and writes its audit entries in the same transaction as its change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from registers.audit import AuditEvent, AuditTrail, load_key
from registers.db import WRITER, bulk_insert, make_engine, open_registers
from registers.models import AuditEntry

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


class _KeptTrail(AuditTrail):
    """The audit trail of a reading SQLite session: entries are kept until the session commits."""

    def __init__(self, key: bytes, actor: str, writer: Engine) -> None:
        super().__init__(key, actor=actor)
        self._writer = writer
        self.kept: list[dict[str, object]] = []

    def record_many(self, session: Session, events: Iterable[AuditEvent]) -> int:
        rows = self.rows(events)
        self.kept.extend(rows)
        return len(rows)

    def write_kept(self) -> None:
        """The kept entries in one short writer transaction (BEGIN IMMEDIATE waits its turn for
        the busy timeout); raises when they could not be written."""
        rows, self.kept = self.kept, []
        if not rows:
            return
        with self._writer.begin() as connection:
            bulk_insert(connection, AuditEntry.__table__, rows)


class _ReadingSession(Session):
    """A SQLite session that only reads: its audit entries are written when it commits and dropped
    when it rolls back, as they would be in one transaction."""

    def _trail(self) -> _KeptTrail:
        audit = self.info["audit"]
        assert isinstance(audit, _KeptTrail)
        return audit

    def commit(self) -> None:
        super().commit()
        self._trail().write_kept()

    def rollback(self) -> None:
        self._trail().kept.clear()
        super().rollback()

    def close(self) -> None:
        self._trail().kept.clear()
        super().close()


def _query_only(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


class Registers:
    """The register database of one `inbeeld web` process."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self._key = load_key(data_dir)
        self._factory: sessionmaker[Session] = open_registers(url, AuditTrail(self._key, actor="inbeeld-web"))
        self.dialect = self._factory.kw["bind"].dialect.name
        self._reader: Engine | None = None
        if self.dialect == "sqlite":
            # every transaction through `_writer` begins IMMEDIATE (registers.db); `_reader` cannot write
            self._writer = self._factory.kw["bind"].execution_options(**{WRITER: True})
            self._reader = make_engine(url)
            event.listen(self._reader, "connect", _query_only)

    @contextmanager
    def session(self, actor: str, rol: str | None, *, schrijven: bool = False) -> Iterator[Session]:
        """A session whose audit entries name `actor`; on PostgreSQL under the role of `rol`
        (None: the login itself, only for checking a password before anyone is logged in; it does
        not take SQLite's write lock while argon2 works, see web.login).

        On SQLite a session of a logged-in user only reads (its audit entries written at commit, see
        above) unless `schrijven`: then it begins as the writer and waits its turn for the lock."""
        if self._reader is not None and rol is not None and not schrijven:
            trail = _KeptTrail(self._key, actor, self._writer)
            with _ReadingSession(bind=self._reader, info={"audit": trail}, expire_on_commit=False) as session:
                yield session
            return
        # A deferred SQLite transaction that has read cannot become a writer once another request
        # has written ("database is locked"): each transaction of a changing request begins as the writer.
        bind = self._writer if self._reader is not None and rol is not None else self._factory.kw["bind"]
        with self._factory(bind=bind, info={"audit": AuditTrail(self._key, actor=actor)}) as session:
            if rol is not None and self.dialect == "postgresql":
                event.listen(session, "after_begin", _as_user(actor, rol))
            yield session

    def gemeenten(self, session: Session, rol: str) -> tuple[str, ...] | None:
        """The gemeenten row-level security narrows this request's session to, as the database itself
        answers (PostgreSQL, lpa and rmc: the user's own in `gebruikers` within the login's, revision
        0013, as they are now, not as they were at login); None where rows are not narrowed by gemeente
        (SQLite, and the other roles, whose policies let every row or none through)."""
        if self.dialect != "postgresql" or rol not in ("lpa", "rmc"):
            return None
        return tuple(sorted(session.execute(text("SELECT inbeeld_mijn_gemeenten()")).scalar_one()))

    def factory(self, actor: str, rol: str) -> sessionmaker[Session]:
        """Sessions for a function that opens its own (letters.single): the same audit actor and, on
        PostgreSQL, the same role as `session`."""
        factory = sessionmaker(**{**self._factory.kw, "info": {"audit": AuditTrail(self._key, actor=actor)}})
        if self.dialect == "postgresql":
            event.listen(factory, "after_begin", _as_user(actor, rol))
        return factory

    def dispose(self) -> None:
        self._factory.kw["bind"].dispose()
        if self._reader is not None:
            self._reader.dispose()
