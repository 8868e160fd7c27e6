"""Login users of each role against a migrated PostgreSQL schema, and the three ways a test asks what a
role may do: the rows it reads, the refusal it gets, the rows a statement changes (rolled back).

Roles are cluster-wide: the group roles are created once by whichever migration comes first, and the
login users made here carry the worker's name and a random part, so parallel workers never meet.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

ROLES = ("lpa", "rmc", "administratie", "beleid", "beheer")
REFUSED = ("permission denied", "row-level security", "append-only")


class RoleDatabase:
    """A migrated schema and one login user per role (made by `create_logins`, dropped by `drop_logins`)."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        tag = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:6]}"
        self.logins = {role: f"inbeeld_t_{tag}_{role}" for role in ROLES}
        self.engines: dict[str, Engine] = {}

    def create_logins(self, admin: Engine) -> None:
        with admin.connect() as connection:
            for role, login in self.logins.items():
                connection.execute(text(f"CREATE ROLE {login} LOGIN IN ROLE inbeeld_{role}"))

    def drop_logins(self, admin: Engine) -> None:
        for engine in self.engines.values():
            engine.dispose()
        with admin.connect() as connection:
            for login in self.logins.values():
                connection.execute(text(f"DROP ROLE IF EXISTS {login}"))

    def engine(self, role: str) -> Engine:
        if role not in self.engines:
            self.engines[role] = create_engine(self.url.set(username=self.logins[role]),
                                               connect_args={"connect_timeout": 5})
        return self.engines[role]

    def rows(self, role: str, sql: str, parameters: dict | None = None) -> list[tuple]:
        with self.engine(role).connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), parameters or {})]

    def refused(self, role: str, sql: str, parameters: dict | None = None) -> str:
        """The refusal's message; fails when the statement is allowed. Rolled back either way."""
        with self.engine(role).connect() as connection:
            try:
                connection.execute(text(sql), parameters or {})
            except DBAPIError as exc:
                message = str(exc.orig)
                assert any(reason in message for reason in REFUSED), message
                return message
            finally:
                connection.rollback()
        raise AssertionError(f"{role} may run: {sql}")

    def changes(self, role: str, sql: str, parameters: dict | None = None) -> int:
        """Rows a statement changes (rolled back)."""
        with self.engine(role).connect() as connection:
            try:
                return connection.execute(text(sql), parameters or {}).rowcount
            finally:
                connection.rollback()


@contextmanager
def restoring(engine: Engine) -> Iterator[Connection]:
    """A superuser's transaction with triggers off (`session_replication_role = replica`, as when a
    backup is restored): how a test puts audit rows of years ago in place."""
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        yield connection


def old_audit_row(connection: Connection, at: datetime, person_hash: str | None = None,
                  entity: str | None = None, entity_id: int | None = None) -> None:
    connection.execute(text("INSERT INTO audit_log (at, actor, action, person_hash, entity, entity_id) "
                            "VALUES (:at, 'x', 'case.read', :h, :e, :i)"),
                       {"at": at, "h": person_hash, "e": entity, "i": entity_id})
