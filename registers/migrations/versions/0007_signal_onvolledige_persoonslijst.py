"""Cases may carry the signal ONVOLLEDIGE_PERSOONSLIJST (a persoonslijst with a fault in a field the
law needs: docs/spec.md §4.2, §6).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

The signal column's check gains the code, and the column grows to its length (25). On PostgreSQL a
column a view or a row policy reads cannot change its type, so those are saved as they are (their
definitions and grants read from the catalog, not written out here), dropped and made again. On
SQLite the table's definition text is changed (see `_change_sqlite`).
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("ABSOLUUT_VERZUIM", "GEEN_INSCHRIJVING_RMC", "VSV", "THUISZITTER", "ONBEKEND_IN_BRP",
          "BIJNA_LEERPLICHTIG", "CONTROLE_GEBOORTEDATUM")
AFTER = (*BEFORE, "ONVOLLEDIGE_PERSOONSLIJST")


def _check(values: tuple[str, ...]) -> str:
    return "signal IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _change(values: tuple[str, ...]) -> None:
    length = max(len(v) for v in values)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _change_sqlite(bind, values, length)
        return
    views = bind.execute(sa.text(
        "SELECT DISTINCT v.oid::regclass::text, pg_get_viewdef(v.oid) FROM pg_depend d "
        "JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class "
        "WHERE d.refobjid = 'cases'::regclass AND v.oid <> 'cases'::regclass AND v.relkind = 'v'")).fetchall()
    grants = bind.execute(sa.text(
        "SELECT table_name, grantee, privilege_type FROM information_schema.role_table_grants "
        "WHERE table_name = ANY(:views) AND table_schema = current_schema() AND grantee <> current_user"),
        {"views": [name for name, _ in views]}).fetchall()
    policies = bind.execute(sa.text(
        "SELECT policyname, permissive, roles, cmd, qual, with_check FROM pg_policies "
        "WHERE tablename = 'cases' AND schemaname = current_schema()")).fetchall()
    for name, _ in views:
        op.execute(f"DROP VIEW {name}")
    for policy in policies:
        op.execute(f'DROP POLICY "{policy.policyname}" ON cases')
    op.execute("ALTER TABLE cases DROP CONSTRAINT ck_cases_signal")
    op.execute(f"ALTER TABLE cases ALTER COLUMN signal TYPE VARCHAR({length})")
    op.execute(f"ALTER TABLE cases ADD CONSTRAINT ck_cases_signal CHECK ({_check(values)})")
    for policy in policies:
        roles = ", ".join(policy.roles)
        using = f" USING ({policy.qual})" if policy.qual else ""
        check = f" WITH CHECK ({policy.with_check})" if policy.with_check else ""
        op.execute(f'CREATE POLICY "{policy.policyname}" ON cases AS {policy.permissive} '
                   f"FOR {policy.cmd} TO {roles}{using}{check}")
    for name, definition in views:
        op.execute(f"CREATE VIEW {name} AS {definition}")
    for view, grantee, privilege in grants:
        op.execute(f'GRANT {privilege} ON {view} TO "{grantee}"')


def _change_sqlite(bind: sa.Connection, values: tuple[str, ...], length: int) -> None:
    """SQLite keeps a table's definition as text: the check and the declared length are changed in
    it, as SQLite documents for loosening a CHECK constraint (lang_altertable.html, "Making Other
    Kinds Of Table Schema Changes"). Copying the table instead (batch mode) would drop it, and its
    foreign keys would delete every case's actions with it."""
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cases'")).scalar_one()
    start = sql.index("CONSTRAINT ck_cases_signal CHECK (")
    end = sql.index("))", start) + 2
    changed = (sql[:start] + f"CONSTRAINT ck_cases_signal CHECK ({_check(values)})" + sql[end:])
    changed = re.sub(r"\bsignal VARCHAR\(\d+\)", f"signal VARCHAR({length})", changed, count=1)
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'cases'"),
                 {"sql": changed})
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))
    bind.execute(sa.text("PRAGMA integrity_check")).fetchall()


def upgrade() -> None:
    _change(AFTER)


def downgrade() -> None:
    _change(BEFORE)  # refused by the check while a case of the new signal exists: nothing is deleted
