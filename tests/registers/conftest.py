"""Register tests run against both databases: a SQLite file and PostgreSQL (`INBEELD_TEST_PG_URL`).

Isolation under `pytest -n 2`: each worker creates its own PostgreSQL schema (dropped at the end)
and its own SQLite file, migrates them once, and empties every table before each test. Tests that
need a database of their own (migrations, the command line) ask for `fresh_db_url`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from registers.audit import AuditTrail
from registers.db import make_engine, session_factory, upgrade
from registers.models import AuditBewaartermijn, AuditPurgeWindow, Base

PG_URL = os.environ.get("INBEELD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]
AUDIT_KEY = b"test-audit-key-0123456789abcdef"


class PostgresServer:
    """Creates and drops scratch schemas in the test database: a URL whose search_path is the schema
    behaves as an empty database, and schemas come and go much faster than databases."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT",
                                   connect_args={"connect_timeout": 3})
        self.created: list[str] = []

    def create_database(self, purpose: str) -> str:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"inbeeld_{purpose}_{worker}_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        self.created.append(name)
        url = self.url.update_query_dict({"options": f"-csearch_path={name}"})
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer(PG_URL)
    try:
        with server.admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means: no server to test against
        server.admin.dispose()
        pytest.skip(f"PostgreSQL at {server.url.render_as_string()} does not answer ({type(exc).__name__}); "
                    "set INBEELD_TEST_PG_URL to test the registers against PostgreSQL")
    yield server
    server.drop_all()


@pytest.fixture
def fresh_db_url(request, backend: str, tmp_path) -> str:
    """An empty database of `backend`, never migrated."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'registers.sqlite'}"
    return request.getfixturevalue("pg_server").create_database("fresh")


@pytest.fixture(scope="session")
def _shared(request, tmp_path_factory) -> Iterator[dict[str, Engine]]:
    """One migrated database per backend and worker, created on first use."""
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


def _shared_engine(request, backend: str) -> Engine:
    engines = request.getfixturevalue("_shared")
    if backend not in engines:
        if backend == "sqlite":
            url = f"sqlite:///{request.getfixturevalue('tmp_path_factory').mktemp('reg') / 'shared.sqlite'}"
        else:
            url = request.getfixturevalue("pg_server").create_database("shared")
        upgrade(url)
        engines[backend] = make_engine(url)
    return engines[backend]


def _empty(engine: Engine) -> None:
    """Delete every row. The audit trail is append-only (revision 0004): like the retention, the
    fixture opens a purge window (far in the future) in its transaction and closes it again."""
    window = AuditPurgeWindow.__tablename__
    kept = {window, AuditBewaartermijn.__tablename__}  # the window: closed below; the term: the migration's
    tables = [table.name for table in reversed(Base.metadata.sorted_tables) if table.name not in kept]
    with engine.begin() as connection:  # DELETE: on a few rows much faster than TRUNCATE
        connection.execute(insert(AuditPurgeWindow), {"removed_before": datetime(9999, 1, 1)})
        for table in tables:
            connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text(f"DELETE FROM {window}"))


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def engine(request, backend: str) -> Engine:
    """The worker's migrated database of `backend`, emptied for this test."""
    shared = _shared_engine(request, backend)
    _empty(shared)
    return shared


@pytest.fixture
def db_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def audit() -> AuditTrail:
    return AuditTrail(AUDIT_KEY, actor="tester")


@pytest.fixture
def session(engine: Engine, audit: AuditTrail) -> Iterator[Session]:
    with session_factory(engine, audit)() as session:
        yield session
