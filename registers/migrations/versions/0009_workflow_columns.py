"""Security (issue 20 #1): LPA and RMC update only the workflow columns, and row-level security rests on
the login's own gemeenten, never on a column they can change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

Before: LPA and RMC had UPDATE on whole rows, and the policies of 0004 let a person's records be seen
by whoever could see a case of that person. An LPA of 0363 set `cases.persoonsnummer` of their own
case to a child of 0599 and read (and changed) that child's vrijstelling; an RMC login did the same
through `vsv_register`. Now:

- column grants: LPA / RMC may update only the columns their work changes (status, assignment, the
  outcome…), never `persoonsnummer`, `gemeentecode`, an id or a retention date;
- the policies on person records ask `inbeeld_mijn_persoon(persoonsnummer)` (SECURITY DEFINER): is
  the person in `personen` with, or has a case in, one of the login's gemeenten (`gemeente_toegang`,
  keyed by `session_user`, kept by beheer). Those columns are written by administratie and beheer only.

PostgreSQL only (SQLite has one user). Written out as it is today, so it stays what it was.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LPA, RMC = "inbeeld_lpa", "inbeeld_rmc"

# table -> role -> the columns that role may UPDATE (instead of the whole row of 0004)
WORKFLOW_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "cases": {
        LPA: ("status", "closed_on", "close_reason", "assigned_to", "legal_hold"),
        RMC: ("status", "closed_on", "close_reason", "assigned_to", "legal_hold"),
    },
    "vrijstellingen": {LPA: ("einddatum", "verklaring_datum", "nooit_geschikt", "toelichting")},
    "verzuimmeldingen": {
        role: ("status", "status_datum", "reden_afsluiting", "toelichting_afsluiting", "contact_naam",
               "contact_functie", "contact_telefoon", "contact_email")
        for role in (LPA, RMC)},
    "vsv_register": {RMC: ("uitkomst", "uitkomst_datum", "toelichting")},
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    path = f'SET search_path = "{schema}", pg_temp'
    for table, by_role in WORKFLOW_COLUMNS.items():
        for role, columns in by_role.items():
            op.execute(f"REVOKE UPDATE ON {table} FROM {role}")
            op.execute(f"GRANT UPDATE ({', '.join(columns)}) ON {table} TO {role}")
    op.execute(f"""
        CREATE FUNCTION inbeeld_mijn_persoon(nummer varchar) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
            SELECT EXISTS (SELECT FROM personen p WHERE p.persoonsnummer = nummer
                           AND p.gemeentecode = ANY (inbeeld_mijn_gemeenten()))
                OR EXISTS (SELECT FROM cases c WHERE c.persoonsnummer = nummer
                           AND c.gemeentecode = ANY (inbeeld_mijn_gemeenten()))
        $$
    """)
    op.execute("REVOKE ALL ON FUNCTION inbeeld_mijn_persoon(varchar) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION inbeeld_mijn_persoon(varchar) TO {LPA}, {RMC}")
    mine = "inbeeld_mijn_persoon(persoonsnummer)"
    policies = {
        ("vrijstellingen", LPA): mine,
        ("verzuimmeldingen", LPA): mine,
        ("verzuimmeldingen", RMC): f"soort = 'RMC' AND {mine}",
        ("vsv_register", LPA): mine,
        ("vsv_register", RMC): mine,
    }
    for (table, role), condition in policies.items():
        name = f"{table}_{role.removeprefix('inbeeld_')}"
        op.execute(f"DROP POLICY {name} ON {table}")
        op.execute(f"CREATE POLICY {name} ON {table} TO {role} USING ({condition}) WITH CHECK ({condition})")


def downgrade() -> None:
    raise NotImplementedError("0009 is not downgraded: it would hand LPA and RMC whole rows again")
