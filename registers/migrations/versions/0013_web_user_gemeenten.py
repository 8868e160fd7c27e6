"""Row-level security per named user of the work screen, not per the screen's own database login.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

`inbeeld_mijn_gemeenten()` (0004) finds a login's gemeenten by `session_user`; the work screen logs in
with one service login for everyone, so the database narrowed an LPA of 0363 only to the gemeenten
of that service login. Now a login that is an explicit member of the NOLOGIN role `inbeeld_dienst`
(the service login; docs/running.md) names the request's user with `SET LOCAL inbeeld.gebruiker`,
and the database itself looks up that user's gemeenten in `gebruikers`: the service login's
gemeenten narrowed to the user's (the user's empty list: all the service login has). An unknown or
disabled user, or no user named, gets no gemeente at all. Any other login is as before: a login that
is not a member may set the setting, but it counts for nothing. Superusers are not members unless
granted, so the command line and the flows keep their behaviour.

PostgreSQL only (SQLite has one user). Written out as it is today, so it stays what it was.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIENST = "inbeeld_dienst"
LPA, RMC = "inbeeld_lpa", "inbeeld_rmc"


def _function(schema: str, body: str) -> None:
    op.execute(f"""
        CREATE OR REPLACE FUNCTION inbeeld_mijn_gemeenten() RETURNS varchar[]
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
            {body}
        $$
    """)
    op.execute("REVOKE ALL ON FUNCTION inbeeld_mijn_gemeenten() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION inbeeld_mijn_gemeenten() TO {LPA}, {RMC}")


OWN = ("SELECT coalesce(array_agg(gemeentecode), '{}')::varchar[] FROM gemeente_toegang "
       "WHERE login = session_user")

PER_USER = f"""
    SELECT CASE
        WHEN NOT EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
                         JOIN pg_roles u ON u.oid = m.member
                         WHERE r.rolname = '{DIENST}' AND u.rolname = session_user)
        THEN ({OWN})
        ELSE coalesce((
            SELECT CASE WHEN json_array_length(g.gemeenten) = 0 THEN ({OWN})
                        ELSE ARRAY(SELECT t.gemeentecode FROM gemeente_toegang t
                                   WHERE t.login = session_user AND t.gemeentecode IN (
                                       SELECT json_array_elements_text(g.gemeenten)))::varchar[]
                   END
            FROM gebruikers g
            WHERE g.login = nullif(current_setting('inbeeld.gebruiker', true), '') AND g.actief
        ), '{{}}')
    END
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DIENST}') THEN
                CREATE ROLE {DIENST} NOLOGIN;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$
    """)
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    _function(schema, PER_USER)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    _function(schema, OWN)
