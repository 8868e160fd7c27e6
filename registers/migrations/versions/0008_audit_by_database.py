"""Security (issue 20): the audit trail's time and login set by the database, its purge term and legal
holds read from the database, the beleid views with the reports' small-count suppression, and the RMC
reading only its doelgroep in `personen`.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

PostgreSQL only for the triggers, functions, policies and views (as in 0004); SQLite gets the new
column and the term table (the embedded register has one user: whoever can read the file). Written
out as it is today, so this revision stays what it was when later code changes.
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LPA, RMC, BELEID, BEHEER = "inbeeld_lpa", "inbeeld_rmc", "inbeeld_beleid", "inbeeld_beheer"
RMC_SIGNALS = ("GEEN_INSCHRIJVING_RMC", "VSV")  # as revision 0006 renamed it
# rules/law/lokaal/beleid.toml `bewaartermijn_audit`, as it reads today: a later change is a new dated row
AUDIT_TERMS = ((date(2007, 8, 1), 5),)


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("login", sa.String(63), nullable=True))
    terms = op.create_table(
        "audit_bewaartermijn",
        sa.Column("geldig_vanaf", sa.Date(), primary_key=True),
        sa.Column("jaren", sa.Integer(), nullable=False),
    )
    op.bulk_insert(terms, [{"geldig_vanaf": since, "jaren": years} for since, years in AUDIT_TERMS])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    path = f'SET search_path = "{schema}", pg_temp'
    _audit_stamp()
    _purge_function(path)
    _rmc_personen(path)
    _beleid_views()
    op.execute(f"GRANT SELECT ON audit_bewaartermijn TO {BEHEER}")


def _audit_stamp() -> None:
    """Whatever a client sends, `at` is the database clock (UTC) and `login` the database login
    (`session_user`: SET ROLE does not change it). COPY fires the trigger too."""
    op.execute("""
        CREATE FUNCTION inbeeld_audit_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.at := clock_timestamp() AT TIME ZONE 'UTC';
            NEW.login := session_user;
            RETURN NEW;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER audit_log_stamp BEFORE INSERT ON audit_log
        FOR EACH ROW EXECUTE FUNCTION inbeeld_audit_stamp()
    """)


def _purge_function(path: str) -> None:
    """The purge takes no argument: the limit is the database clock minus the term in force
    (`audit_bewaartermijn`), and the rows kept are those of every person with a legal hold on a case
    (the person's hash from the audit rows about that case: the database has no key to hash with)."""
    op.execute("DROP FUNCTION inbeeld_purge_audit(timestamp, varchar[])")
    op.execute(f"""
        CREATE FUNCTION inbeeld_purge_audit() RETURNS bigint
        LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
        DECLARE
            years integer;
            removed_before timestamp;
            removed bigint;
        BEGIN
            SELECT t.jaren INTO years FROM audit_bewaartermijn t
            WHERE t.geldig_vanaf <= current_date ORDER BY t.geldig_vanaf DESC LIMIT 1;
            IF years IS NULL OR years < 1 THEN
                RAISE EXCEPTION 'no audit term of a year or more in audit_bewaartermijn';
            END IF;
            removed_before := current_date - make_interval(years => years) + interval '1 day';
            INSERT INTO audit_purge_window (removed_before) VALUES (removed_before);
            DELETE FROM audit_log a
            WHERE a.at < removed_before
              AND (a.person_hash IS NULL OR a.person_hash NOT IN (
                    SELECT h.person_hash FROM audit_log h JOIN cases c ON h.entity = 'cases' AND h.entity_id = c.id
                    WHERE c.legal_hold AND h.person_hash IS NOT NULL));
            GET DIAGNOSTICS removed = ROW_COUNT;
            DELETE FROM audit_purge_window;
            RETURN removed;
        END $$
    """)
    op.execute("REVOKE ALL ON FUNCTION inbeeld_purge_audit() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION inbeeld_purge_audit() TO {BEHEER}")


def _rmc_personen(path: str) -> None:
    """RMC: the persons of its gemeenten who are in the RMC doelgroep, that is who have an RMC case, an
    RMC melding or a VSV register row (a SECURITY DEFINER function: a policy on `personen` that read
    those tables under their own policies, which read `personen`, would recurse)."""
    signals = ", ".join(f"'{signal}'" for signal in RMC_SIGNALS)
    op.execute(f"""
        CREATE FUNCTION inbeeld_rmc_doelgroep(nummer varchar) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
            SELECT EXISTS (SELECT FROM cases c WHERE c.persoonsnummer = nummer AND c.signal IN ({signals}))
                OR EXISTS (SELECT FROM vsv_register v WHERE v.persoonsnummer = nummer)
                OR EXISTS (SELECT FROM verzuimmeldingen m WHERE m.persoonsnummer = nummer AND m.soort = 'RMC')
        $$
    """)
    op.execute("REVOKE ALL ON FUNCTION inbeeld_rmc_doelgroep(varchar) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION inbeeld_rmc_doelgroep(varchar) TO {RMC}")
    op.execute("DROP POLICY personen_rmc ON personen")
    condition = "gemeentecode = ANY (inbeeld_mijn_gemeenten()) AND inbeeld_rmc_doelgroep(persoonsnummer)"
    op.execute(f"CREATE POLICY personen_rmc ON personen TO {RMC} USING ({condition}) WITH CHECK ({condition})")


def _small(count: str) -> str:
    """reports.disclosure's primary rule in SQL: 1 to 4 is `<5`, zero and the rest as digits."""
    return f"CASE WHEN {count} BETWEEN 1 AND 4 THEN '<5' ELSE CAST({count} AS varchar) END"


def _beleid_views() -> None:
    """The three views of 0004, their counts as text with `<5` for 1 to 4 (as the reports show them)."""
    for view in ("beleid_signalen_per_maand", "beleid_vrijstellingen_per_grond", "beleid_thuiszitters_per_duur"):
        op.execute(f"DROP VIEW {view}")
    op.execute(f"""
        CREATE VIEW beleid_signalen_per_maand AS
        SELECT signal, gemeentecode, CAST(date_trunc('month', opened_on) AS date) AS maand,
               {_small("count(*)")} AS aantal,
               {_small("count(*) FILTER (WHERE status = 'open')")} AS nog_open
        FROM cases
        GROUP BY signal, gemeentecode, CAST(date_trunc('month', opened_on) AS date)
    """)
    op.execute(f"""
        CREATE VIEW beleid_vrijstellingen_per_grond AS
        SELECT v.grond, p.gemeentecode, CAST(extract(year FROM v.begindatum) AS integer) AS jaar,
               {_small("count(*)")} AS aantal,
               {_small("count(*) FILTER (WHERE v.einddatum IS NULL OR v.einddatum >= current_date)")} AS lopend
        FROM vrijstellingen v LEFT JOIN personen p ON p.persoonsnummer = v.persoonsnummer
        GROUP BY v.grond, p.gemeentecode, CAST(extract(year FROM v.begindatum) AS integer)
    """)
    op.execute(f"""
        CREATE VIEW beleid_thuiszitters_per_duur AS
        SELECT bron, gemeentecode, duur, lopend, {_small("count(*)")} AS aantal
        FROM (
            SELECT t.bron, coalesce(c.gemeentecode, p.gemeentecode) AS gemeentecode,
                   CASE WHEN coalesce(t.einddatum, current_date) <= t.startdatum + 28
                             THEN 'tot en met 4 weken'
                        WHEN coalesce(t.einddatum, current_date) <= t.startdatum + interval '3 months'
                             THEN '4 weken tot en met 3 maanden'
                        ELSE 'langer dan 3 maanden' END AS duur,
                   t.einddatum IS NULL AS lopend
            FROM thuiszitters t
            LEFT JOIN cases c ON c.id = t.case_id
            LEFT JOIN personen p ON p.persoonsnummer = t.persoonsnummer
        ) AS perioden
        GROUP BY bron, gemeentecode, duur, lopend
    """)
    for view in ("beleid_signalen_per_maand", "beleid_vrijstellingen_per_grond", "beleid_thuiszitters_per_duur"):
        op.execute(f"GRANT SELECT ON {view} TO {BELEID}, {BEHEER}")


def downgrade() -> None:
    raise NotImplementedError("0008 is not downgraded: it would hand the audit's time back to the clients")
