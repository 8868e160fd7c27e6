"""Row-level security asks whether a person is the user's without a function call per row.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

The policies on person records (0009: vrijstellingen, verzuimmeldingen, vsv_register; 0011: afspraken;
0012: dossiers) asked `inbeeld_mijn_persoon(persoonsnummer)`: is the person in `personen` with, or has
a case in, one of the user's gemeenten. That function is SECURITY DEFINER, which PostgreSQL never
inlines, so it ran for every row a query looked at and asked for the user's gemeenten twice each
time: the first work lists of the day took 55 s among 20,000 open dossiers (docs/performance.md).

Now the same persons are a view, `inbeeld_mijn_personen` (the persoonsnummers in `personen` and
`cases` of the user's gemeenten, the gemeenten asked once per query), and each policy reads
`EXISTS (SELECT FROM inbeeld_mijn_personen m WHERE m.persoonsnummer = <table>.persoonsnummer)`. The
planner then chooses: for a few rows an index probe per row (one dossier under inbeeld_lpa: 1.3 ms
before, 0.7 ms now), for a list the set once, hashed (the 20,000 open dossiers: 12.2 s -> 53 ms;
bench/bench_policies.py). A set-returning SECURITY DEFINER function in `persoonsnummer IN (SELECT
...)` was tried first: always the whole set, 64 ms for one dossier. A person is in the view exactly when the function said yes, so what every policy allows is
unchanged; the per-row function goes.

The view reads its tables as its owner (as the function did as its definer), so what it shows does
not hang on the caller's own policies on `personen` and `cases`; `security_barrier` keeps a caller's
function from seeing rows before the gemeente condition has removed them. LPA and RMC may read it:
the persoonsnummers of their own persons, which an LPA reads in `personen` and `cases` anyway and
which the per-row function answered for any number asked (docs/privacy.md).

Every policy in the schema that calls the per-row function is rewritten, whichever revision made it.
PostgreSQL only. Written out as it is today, so it stays what it was.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LPA, RMC = "inbeeld_lpa", "inbeeld_rmc"

PER_ROW = "inbeeld_mijn_persoon(persoonsnummer)"
PER_ROW_PATTERN = r"inbeeld_mijn_persoon\(persoonsnummer\)"
# %I: the policy's table, so the column is the row's, not the view's
PER_QUERY = "(EXISTS (SELECT FROM inbeeld_mijn_personen m WHERE m.persoonsnummer = %I.persoonsnummer))"
# PER_QUERY as pg_policies shows it
PER_QUERY_PATTERN = (r"\(EXISTS \( SELECT\s+FROM inbeeld_mijn_personen m\s+"
                     r"WHERE \(\(m\.persoonsnummer\)::text = \([a-z_]+\.persoonsnummer\)::text\)\)\)")


def _rewrite(pattern: str, replacement: str) -> None:
    """ALTER POLICY every policy of the current schema whose condition matches `pattern` (a regular
    expression), with `replacement` (a format() string: %I is the policy's table)."""
    op.execute(f"""
        DO $$
        DECLARE p record; new text;
        BEGIN
            FOR p IN SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies
                     WHERE schemaname = current_schema() AND (qual ~ '{pattern}' OR with_check ~ '{pattern}')
            LOOP
                new := format('{replacement}', p.tablename);
                EXECUTE format('ALTER POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename)
                    || CASE WHEN p.qual IS NULL THEN ''
                            ELSE ' USING (' || regexp_replace(p.qual, '{pattern}', new, 'g') || ')' END
                    || CASE WHEN p.with_check IS NULL THEN ''
                            ELSE ' WITH CHECK (' || regexp_replace(p.with_check, '{pattern}', new, 'g')
                                 || ')' END;
            END LOOP;
        END $$
    """)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE VIEW inbeeld_mijn_personen WITH (security_barrier) AS
        SELECT p.persoonsnummer FROM personen p
        WHERE p.gemeentecode = ANY ((SELECT inbeeld_mijn_gemeenten())::varchar[])
        UNION ALL
        SELECT c.persoonsnummer FROM cases c
        WHERE c.gemeentecode = ANY ((SELECT inbeeld_mijn_gemeenten())::varchar[])
    """)
    op.execute(f"GRANT SELECT ON inbeeld_mijn_personen TO {LPA}, {RMC}")
    _rewrite(PER_ROW_PATTERN, PER_QUERY)
    op.execute("DROP FUNCTION inbeeld_mijn_persoon(varchar)")  # no policy asks it any more


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    op.execute(f"""
        CREATE FUNCTION inbeeld_mijn_persoon(nummer varchar) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $fn$
            SELECT EXISTS (SELECT FROM personen p WHERE p.persoonsnummer = nummer
                           AND p.gemeentecode = ANY (inbeeld_mijn_gemeenten()))
                OR EXISTS (SELECT FROM cases c WHERE c.persoonsnummer = nummer
                           AND c.gemeentecode = ANY (inbeeld_mijn_gemeenten()))
        $fn$
    """)
    op.execute("REVOKE ALL ON FUNCTION inbeeld_mijn_persoon(varchar) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION inbeeld_mijn_persoon(varchar) TO {LPA}, {RMC}")
    _rewrite(PER_QUERY_PATTERN, PER_ROW)
    op.execute("DROP VIEW inbeeld_mijn_personen")
