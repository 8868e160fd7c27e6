"""Row-level security asks for the user's gemeenten once per query, not once per row.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

The policies of 0004/0006 compare a row's gemeente with `inbeeld_mijn_gemeenten()`. That function
is SECURITY DEFINER, which PostgreSQL never inlines, so it ran for every row a query looked at; the
`case_actions` policy (`case_id IN (SELECT id FROM cases)`) then ran it for every case of the city
for each step read or written: 1.4 s to read one dossier's steps among 20,000 open dossiers (docs/
performance.md). Written as a scalar subquery, `(SELECT inbeeld_mijn_gemeenten())`, it is evaluated
once per query (an InitPlan): 16 ms. The function and what every policy allows are unchanged.

Every policy in the schema that calls the function is rewritten, whichever revision made it.
PostgreSQL only.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PER_ROW = "inbeeld_mijn_gemeenten()"
PER_QUERY = "(SELECT inbeeld_mijn_gemeenten())"
PER_QUERY_STORED = "( SELECT inbeeld_mijn_gemeenten() AS inbeeld_mijn_gemeenten)"  # as pg_policies shows it


def _rewrite(old: str, new: str) -> None:
    """ALTER POLICY every policy of the current schema whose condition holds `old`, with `new`."""
    op.execute(f"""
        DO $$
        DECLARE p record;
        BEGIN
            FOR p IN SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies
                     WHERE schemaname = current_schema()
                       AND (strpos(qual, '{old}') > 0 OR strpos(with_check, '{old}') > 0)
            LOOP
                EXECUTE format('ALTER POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename)
                    || CASE WHEN p.qual IS NULL THEN ''
                            ELSE ' USING (' || replace(p.qual, '{old}', '{new}') || ')' END
                    || CASE WHEN p.with_check IS NULL THEN ''
                            ELSE ' WITH CHECK (' || replace(p.with_check, '{old}', '{new}') || ')' END;
            END LOOP;
        END $$
    """)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _rewrite(f"= ANY (({PER_ROW})", f"= ANY (({PER_QUERY})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _rewrite(f"= ANY (({PER_QUERY_STORED})", f"= ANY (({PER_ROW})")
