"""The privilege matrix of docs/privacy.md is the contract: every role is logged in and tries SELECT,
INSERT, UPDATE and DELETE on every table and view of a migrated PostgreSQL schema, column by column,
and what the database allows must be exactly what the table in the docs says.

A statement is tried with `WHERE false` (INSERT: of no rows) inside a savepoint: PostgreSQL checks the
privileges of every column a statement names before it looks at a single row, so the probe answers
"may this role do this at all", and nothing changes. Which rows a role may then see or change
(row-level security) is shown by tests/registers/test_roles.py on real rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from registers.db import make_engine, upgrade
from tests.registers.role_logins import ROLES, RoleDatabase

pytestmark = pytest.mark.postgres

DOCS = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"
OPERATIONS = ("S", "I", "U", "D")
Matrix = dict[tuple[str, str], dict[str, frozenset[str]]]  # (table, role) -> operation -> columns


def _documented(columns: dict[str, tuple[str, ...]]) -> Matrix:
    """The matrix table of docs/privacy.md: the table under the heading "The privilege matrix"."""
    text_ = DOCS.read_text(encoding="utf-8")
    section = text_.split("### The privilege matrix", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip().strip("`") for cell in lines[0].strip("|").split("|")]
    assert header[1:6] == [f"inbeeld_{role}" for role in ROLES], header
    matrix: Matrix = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for name in re.findall(r"`([a-z_]+)`", cells[0]):
            for role, cell in zip(ROLES, cells[1:6], strict=True):
                matrix[(name, role)] = _parse_cell(cell, columns.get(name, ()), f"{name}/{role}")
    return matrix


def _parse_cell(cell: str, all_columns: tuple[str, ...], where: str) -> dict[str, frozenset[str]]:
    """`S I U(status, assigned_to) D`, `S(all but toelichting)` or `–` into operation -> columns."""
    found: dict[str, frozenset[str]] = {}
    if cell in ("–", "-"):
        return found
    for letter, listed in re.findall(r"([SIUD])(?:\(([^)]*)\))?", cell):
        if not listed:
            found[letter] = frozenset(all_columns)
            continue
        names = [name.strip().strip("`") for name in listed.removeprefix("all but").split(",")]
        unknown = set(names) - set(all_columns)
        assert not unknown, f"{where}: no such column {sorted(unknown)}"
        found[letter] = (frozenset(all_columns) - set(names) if listed.startswith("all but")
                         else frozenset(names))
    assert re.fullmatch(r"(?:[SIUD](?:\([^)]*\))?\s*)+", cell), f"{where}: cannot read {cell!r}"
    return found


def _allowed(connection: Connection, sql: str) -> bool:
    savepoint = connection.begin_nested()
    try:
        connection.execute(text(sql))
    except DBAPIError as exc:
        savepoint.rollback()
        message = str(exc.orig)
        if "permission denied" in message or "cannot insert into" in message or "cannot update" in message \
                or "cannot delete from" in message or "is not updatable" in message:
            return False
        raise
    savepoint.rollback()
    return True


def _probe(connection: Connection, table: str, columns: tuple[str, ...]) -> dict[str, frozenset[str]]:
    quoted = {column: f'"{column}"' for column in columns}
    found = {
        "S": frozenset(c for c in columns
                       if _allowed(connection, f"SELECT {quoted[c]} FROM {table} WHERE false")),
        "I": frozenset(c for c in columns
                       if _allowed(connection, f"INSERT INTO {table} ({quoted[c]}) SELECT NULL WHERE false")),
        "U": frozenset(c for c in columns
                       if _allowed(connection, f"UPDATE {table} SET {quoted[c]} = NULL WHERE false")),
    }
    if _allowed(connection, f"DELETE FROM {table} WHERE false"):
        found["D"] = frozenset(columns)
    return {operation: cols for operation, cols in found.items() if cols}


@pytest.fixture(scope="module")
def matrix_db(pg_server) -> Iterator[tuple[RoleDatabase, dict[str, tuple[str, ...]]]]:
    url = pg_server.create_database("matrix")
    upgrade(url)
    db = RoleDatabase(url)
    db.create_logins(pg_server.admin)
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position")).all()
    engine.dispose()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    yield db, {table: tuple(names) for table, names in columns.items()}
    db.drop_logins(pg_server.admin)


def test_the_docs_list_every_table_and_view(matrix_db) -> None:
    _, columns = matrix_db
    documented = {table for table, _ in _documented(columns)}
    assert documented == set(columns), "docs/privacy.md, the privilege matrix: add or remove these rows"


@pytest.mark.parametrize("role", ROLES)
def test_what_each_role_may_do_is_what_the_docs_say(matrix_db, role: str) -> None:
    db, columns = matrix_db
    documented = _documented(columns)
    differences = []
    with db.engine(role).connect() as connection:
        for table, names in sorted(columns.items()):
            actual = _probe(connection, table, names)
            expected = documented[(table, role)]
            if actual != expected:
                differences.append(f"{table}: database {_describe(actual, names)} "
                                   f"| docs {_describe(expected, names)}")
        connection.rollback()
    assert differences == [], f"inbeeld_{role}:\n" + "\n".join(differences)


def test_only_beheer_may_purge_the_audit_trail(matrix_db) -> None:
    db, _ = matrix_db
    for role in ROLES:
        with db.engine(role).connect() as connection:
            assert _allowed(connection, "SELECT inbeeld_purge_audit()") == (role == "beheer"), role
            connection.rollback()


def _describe(found: dict[str, frozenset[str]], columns: tuple[str, ...]) -> str:
    """The cell as the docs would write it."""
    parts = []
    for operation in OPERATIONS:
        allowed = found.get(operation)
        if not allowed:
            continue
        if allowed == frozenset(columns):
            parts.append(operation)
        elif len(allowed) <= len(columns) / 2:
            parts.append(f"{operation}({', '.join(c for c in columns if c in allowed)})")
        else:
            parts.append(f"{operation}(all but {', '.join(c for c in columns if c not in allowed)})")
    return " ".join(parts) or "–"
