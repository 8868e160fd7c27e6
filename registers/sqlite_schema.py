"""Editing a table's stored definition in SQLite, for the migrations that change a CHECK constraint.

SQLite keeps each table's CREATE TABLE as text and cannot alter a constraint. Copying the table
instead (alembic's batch mode) would drop it, and its foreign keys would delete the rows that point
to it, so the revisions edit the text in place: the procedure SQLite documents for "other kinds of
table schema changes" (https://www.sqlite.org/lang_altertable.html), followed by an integrity check.
One place for the procedure; each revision keeps its own code lists written out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Connection, Executable

log = logging.getLogger("alembic.runtime.migration")


def replace_in_table(bind: Connection, table: str, edits: Sequence[tuple[str, str]], revision: str,
                     rows: Sequence[Executable] = ()) -> None:
    """Replace each `before` by its `after` in the stored CREATE TABLE of `table`; every `before` must
    stand there exactly once, else nothing is changed. `rows`: statements that bring the stored rows
    in line with the new definition (a renamed code), run before the integrity check, which would
    otherwise find them breaking the new constraint. Raises when the integrity check fails."""
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (table,)).scalar_one()
    for before, after in edits:
        if sql.count(before) != 1:
            raise RuntimeError(f"revision {revision}: the {table} table does not read {before!r} once; "
                               "not changed")
        sql = sql.replace(before, after)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                             (sql, table))
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    for statement in rows:
        bind.execute(statement)
    problems = bind.exec_driver_sql("PRAGMA integrity_check").fetchall()
    if problems != [("ok",)]:
        raise RuntimeError(f"SQLite integrity check after revision {revision}: {problems}")
    log.info("revision %s: the constraints of %s edited in place (SQLite)", revision, table)
