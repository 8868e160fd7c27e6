"""Connections to the register database (SQLite embedded, PostgreSQL in production) and its migrations.

SQLite needs three things per connection that PostgreSQL has by default: foreign keys enforced,
WAL (readers never block the weekly writer) and a busy timeout (a second writer waits instead of
failing). pysqlite also only opens a transaction before DML, so DDL and temp tables would escape a
rollback; we take over BEGIN ourselves, the recipe SQLAlchemy documents for that driver.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:  # alembic loads only to migrate or inspect (0.3 s: every command opens the registers)
    from alembic.config import Config

    from inbeeld.settings import Settings
    from registers.audit import AuditTrail

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Arbitrary constants: the PostgreSQL advisory locks that serialise upgrades and register writers.
_UPGRADE_LOCK = 0x1B_EE_1D
_WRITER_LOCK = 0x1B_EE_1E
WRITER = "inbeeld_writer"  # execution option: this transaction writes in bulk (see writer_connection)


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for `url`; for SQLite with the pragmas above and the directory created."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see module docstring)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection) -> None:
        writer = connection.get_execution_options().get(WRITER)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def bulk_insert(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert many rows into `table` in the open transaction; return how many.

    PostgreSQL gets COPY: the weekly sync writes tens of thousands of cases, timeline entries and
    audit rows, and COPY does that several times faster than psycopg's executemany. Elsewhere a
    plain executemany (pysqlite's is a C loop already). Enum members are stored by value.
    """
    if not rows:
        return 0
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return len(rows)
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_plain(row[name]) for name in columns])
    finally:
        cursor.close()
    return len(rows)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def writer_connection(session: Session) -> Connection:
    """The session's connection, holding the register's writer lock until its transaction ends.

    One sync at a time (docs/spec.md §6: two runs never work on the same data at once); a second one waits
    and then sees the first one's cases. PostgreSQL: a transaction-scoped advisory lock. SQLite: the
    transaction begins IMMEDIATE, because a deferred one that has read cannot upgrade to writing
    once another writer has committed. Call it first in the transaction: a SQLite transaction that
    has begun keeps its mode (PostgreSQL's lock is taken either way, and again is a no-op).
    """
    if session.in_transaction():  # begun already: on SQLite it stays as it began
        connection = session.connection()
    else:
        connection = session.connection(execution_options={WRITER: True})
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITER_LOCK})
    return connection


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration revision shipped with this code."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every migration revision shipped with this code (a database at another one is newer than us)."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str | Engine, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (default the newest), in one transaction."""
    _migrate(url, revision, down=False)


def downgrade(url: str | Engine, revision: str) -> None:
    """Take the database at `url` back to `revision`, in one transaction (each revision's downgrade)."""
    _migrate(url, revision, down=True)


def _migrate(url: str | Engine, revision: str, *, down: bool) -> None:
    from alembic import command

    engine = url if isinstance(url, Engine) else make_engine(url)
    config = _alembic_config()
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK})
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)
    finally:
        if engine is not url:
            engine.dispose()


def session_factory(engine: Engine, audit: AuditTrail) -> sessionmaker[Session]:
    """Sessions that carry the audit trail every register function writes to."""
    return sessionmaker(bind=engine, info={"audit": audit}, expire_on_commit=False)


def registers_of(settings: Settings, *, as_user: str | None = None) -> sessionmaker[Session]:
    """The one way to the registers of a configuration: its database (migrated when behind), with the
    audit trail keyed by its data directory, in the name of `as_user` or the settings' named user
    (refused without one; registers.gebruikers)."""
    from registers.gebruikers import open_registers_as

    settings.ensure_data_dir()
    return open_registers_as(settings.register_url, settings.data_dir, as_user or settings.gebruiker)


@contextmanager
def register_session(settings: Settings, *, write: bool = False, as_user: str | None = None
                     ) -> Iterator[Session]:
    """One transaction on the registers of `settings`: committed at the end, rolled back on any error.

    A writing session takes the register's writer lock first, so it waits for a running sync
    instead of failing halfway (see `writer_connection`)."""
    factory = registers_of(settings, as_user=as_user)
    session = factory()
    try:
        if write:
            writer_connection(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        factory.kw["bind"].dispose()


_REVISION = re.compile(r"^(down_revision|revision)\b[^=]*=\s*(.+)$", re.MULTILINE)


def shipped_head() -> str | None:
    """The newest shipped revision read from the migration files' `revision` / `down_revision` lines,
    without loading alembic; None when that is not one plain head (then ask alembic: head_revision)."""
    revisions: set[str] = set()
    below: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            ids = set(re.findall(r"[\"']([^\"']+)[\"']", value))
            (revisions if name == "revision" else below).update(ids)
    heads = revisions - below
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    """The revision in the database's `alembic_version` table (None: none or no table)."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001  (no table yet, or unreadable: alembic decides below)
        return None


def open_registers(url: str, audit: AuditTrail) -> sessionmaker[Session]:
    """The register database at `url`, migrated to the newest revision when it is behind. The usual
    case (already at the shipped head) is checked without alembic, which only loads to migrate."""
    engine = make_engine(url)
    stored = _stored_revision(engine)
    if stored is not None and stored == shipped_head():
        return session_factory(engine, audit)
    if current_revision(engine) != head_revision():
        log.info("Upgrading the register database to revision %s", head_revision())
        upgrade(engine)
    return session_factory(engine, audit)
