"""Privacy: retention dates, the persons table, kept counts, an append-only audit trail, and (PostgreSQL
only) the database roles with their grants, row-level security and aggregate views for policy.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

After the letter log (0003): the grants and row-level security below cover the `letters` table too.

Everything here is written out as it is today, so this revision stays what it was when later code
changes. docs/privacy.md explains the role matrix; registers/roles.py names the roles for the code.
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

RETENTION_TABLES = ("cases", "case_actions", "vrijstellingen", "verzuimmeldingen", "vsv_register")

LPA, RMC, ADMINISTRATIE, BELEID, BEHEER = ("inbeeld_lpa", "inbeeld_rmc", "inbeeld_administratie",
                                           "inbeeld_beleid", "inbeeld_beheer")
ROLES = (LPA, RMC, ADMINISTRATIE, BELEID, BEHEER)
APP_ROLES = (LPA, RMC, ADMINISTRATIE, BEHEER)  # the roles that read and write persons' records
RMC_SIGNALS = ("GEEN_INSCHRIJVING_18_23", "VSV")
SENSITIVE_GROUNDS = ("LPW_5_A", "LPW_5_B")  # health (art. 5 onder a), religion (art. 5 onder b)
ALL = "SELECT, INSERT, UPDATE, DELETE"

# table -> role -> privileges. Row-level security narrows the LPA and RMC rows (see _row_security).
GRANTS: dict[str, dict[str, str]] = {
    "cases": {LPA: "SELECT, UPDATE", RMC: "SELECT, UPDATE", ADMINISTRATIE: "SELECT, INSERT, UPDATE",
              BEHEER: ALL},
    "case_actions": {LPA: "SELECT, INSERT", RMC: "SELECT, INSERT", ADMINISTRATIE: "SELECT, INSERT",
                     BEHEER: ALL},
    # administratie: every column but the toelichting (column grant below), through the view for others
    "vrijstellingen": {LPA: "SELECT, INSERT, UPDATE", ADMINISTRATIE: "INSERT, UPDATE", BEHEER: ALL},
    "verzuimmeldingen": {LPA: "SELECT, INSERT, UPDATE", RMC: "SELECT, UPDATE",
                         ADMINISTRATIE: "SELECT, INSERT, UPDATE", BEHEER: ALL},
    "verzuim_status_changes": {LPA: "SELECT, INSERT", RMC: "SELECT, INSERT", ADMINISTRATIE: "SELECT, INSERT",
                               BEHEER: ALL},
    "thuiszitters": {LPA: "SELECT", ADMINISTRATIE: "SELECT, INSERT, UPDATE", BEHEER: ALL},
    "vsv_register": {LPA: "SELECT", RMC: "SELECT, UPDATE", ADMINISTRATIE: "SELECT, INSERT, UPDATE",
                     BEHEER: ALL},
    "personen": {LPA: "SELECT", RMC: "SELECT", ADMINISTRATIE: "SELECT, INSERT, UPDATE", BEHEER: ALL},
    # append-only for every role: no UPDATE or DELETE grant, and the trigger below
    "audit_log": {LPA: "INSERT", RMC: "INSERT", ADMINISTRATIE: "INSERT", BEHEER: "SELECT, INSERT"},
    "retention_aggregates": {BELEID: "SELECT", BEHEER: "SELECT, INSERT, UPDATE"},
    "gemeente_toegang": {BEHEER: ALL},
    "alembic_version": {role: "SELECT" for role in ROLES},
    "letters": {LPA: "SELECT", RMC: "SELECT", ADMINISTRATIE: "SELECT, INSERT, UPDATE", BEHEER: ALL},
}
VRIJSTELLING_COLUMNS = ("id", "persoonsnummer", "grond", "begindatum", "einddatum", "verklaring_datum",
                        "nooit_geschikt", "vernietigen_op")


def upgrade() -> None:
    for table in RETENTION_TABLES:
        op.add_column(table, sa.Column("vernietigen_op", sa.Date(), nullable=True))
    op.create_table(
        "audit_purge_window",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("removed_before", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "personen",
        sa.Column("persoonsnummer", sa.String(9), primary_key=True),
        sa.Column("gemeentecode", sa.String(4), nullable=True),
        sa.Column("geboortedatum", sa.Date(), nullable=True),
        sa.Column("sk_datum", sa.Date(), nullable=True),
        sa.Column("bijgewerkt_op", sa.Date(), nullable=False),
    )
    op.create_index("ix_personen_gemeentecode", "personen", ["gemeentecode"])
    op.create_table(
        "retention_aggregates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("figuur", sa.String(40), nullable=False),
        sa.Column("periode", sa.Integer(), nullable=False),
        sa.Column("sleutel", sa.String(120), nullable=False),
        sa.Column("rubriek", sa.String(120), nullable=False),
        sa.Column("onderdeel", sa.String(200), nullable=False),
        sa.Column("groep", sa.String(120), nullable=True),
        sa.Column("totaal", sa.String(120), nullable=True),
        sa.Column("aantal", sa.Integer(), nullable=False),
    )
    op.create_index("uq_retention_aggregates_figuur_periode_sleutel", "retention_aggregates",
                    ["figuur", "periode", "sleutel"], unique=True)
    op.create_table(
        "gemeente_toegang",
        sa.Column("login", sa.String(63), primary_key=True),
        sa.Column("gemeentecode", sa.String(4), primary_key=True),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
        _append_only_postgresql(schema)
        _roles_postgresql(schema)
    else:
        _append_only_sqlite()
        log.info("0004: database roles, grants and row-level security are PostgreSQL features; "
                 "skipped on %s (the embedded register has one user: whoever can read the file)",
                 bind.dialect.name)


# -- the audit trail is append-only ---------------------------------------------------------------


def _append_only_sqlite() -> None:
    op.execute("""
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END
    """)
    op.execute("""
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        WHEN OLD.at >= coalesce((SELECT max(removed_before) FROM audit_purge_window), '0001-01-01')
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END
    """)


def _append_only_postgresql(schema: str) -> None:
    path = f'SET search_path = "{schema}", pg_temp'
    op.execute(f"""
        CREATE FUNCTION inbeeld_audit_append_only() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN  -- nested: OLD does not exist for TRUNCATE
                IF OLD.at < (SELECT max(removed_before) FROM audit_purge_window) THEN
                    RETURN OLD;
                END IF;
            END IF;
            RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$
    """)
    op.execute("""
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION inbeeld_audit_append_only()
    """)
    op.execute("""
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION inbeeld_audit_append_only()
    """)
    # The dedicated, privileged path of the retention (registers.retention.purge_audit): opens the
    # window inside its own transaction, deletes what is older, closes it. A floor of one year guards
    # against a clock or parameter mistake; the real term is `bewaartermijn_audit`.
    op.execute(f"""
        CREATE FUNCTION inbeeld_purge_audit(removed_before timestamp, keep_hashes varchar[])
        RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
        DECLARE
            removed bigint;
        BEGIN
            IF removed_before > localtimestamp - interval '1 year' THEN
                RAISE EXCEPTION 'audit rows younger than a year are never removed (asked: before %)',
                    removed_before;
            END IF;
            INSERT INTO audit_purge_window (removed_before) VALUES (removed_before);
            DELETE FROM audit_log
            WHERE at < removed_before
              AND (person_hash IS NULL OR NOT person_hash = ANY (coalesce(keep_hashes, '{{}}')));
            GET DIAGNOSTICS removed = ROW_COUNT;
            DELETE FROM audit_purge_window;
            RETURN removed;
        END $$
    """)
    op.execute("REVOKE ALL ON FUNCTION inbeeld_audit_append_only() FROM PUBLIC")
    op.execute("REVOKE ALL ON FUNCTION inbeeld_purge_audit(timestamp, varchar[]) FROM PUBLIC")


# -- roles, grants, row-level security, views (PostgreSQL) ----------------------------------------


def _create_roles() -> None:
    """NOLOGIN group roles, cluster-wide: created once, whichever database or schema migrates first
    (two migrations at once: the loser of the race finds the role there)."""
    for role in ROLES:
        op.execute(f"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                    CREATE ROLE {role} NOLOGIN;
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$
        """)


def _has_table(name: str) -> bool:
    return bool(op.get_bind().execute(sa.text("SELECT to_regclass(:name) IS NOT NULL"), {"name": name})
                .scalar_one())


def _grants(schema: str) -> None:
    op.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {", ".join(ROLES)}')
    bind = op.get_bind()
    for table, by_role in GRANTS.items():
        if not _has_table(table):
            continue
        for role, privileges in by_role.items():
            op.execute(f"GRANT {privileges} ON {table} TO {role}")
            if "INSERT" in privileges:
                sequence = bind.execute(sa.text(
                    "SELECT pg_get_serial_sequence(:t, 'id') FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = :t AND column_name = 'id'"),
                    {"t": table}).scalar_one_or_none()
                if sequence:
                    op.execute(f"GRANT USAGE ON SEQUENCE {sequence} TO {role}")
    op.execute(f"GRANT SELECT ({', '.join(VRIJSTELLING_COLUMNS)}) ON vrijstellingen TO {ADMINISTRATIE}")
    op.execute(f"""
        CREATE VIEW vrijstelling_toelichtingen AS
        SELECT id, CASE WHEN grond IN ({_list(SENSITIVE_GROUNDS)}) THEN NULL ELSE toelichting END
               AS toelichting
        FROM vrijstellingen
    """)
    op.execute(f"GRANT SELECT ON vrijstelling_toelichtingen TO {ADMINISTRATIE}, {BEHEER}")
    op.execute(f"GRANT EXECUTE ON FUNCTION inbeeld_purge_audit(timestamp, varchar[]) TO {BEHEER}")


def _list(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _row_security(schema: str) -> None:
    """LPA: the persons of the login's gemeenten (gemeente_toegang, keyed by session_user: SET ROLE
    does not change it). RMC: the same, and only the RMC doelgroep (cases of RMC signals, RMC
    meldingen, the VSV register). Administratie and beheer: every row. Beleid: no rows at all."""
    path = f'SET search_path = "{schema}", pg_temp'
    op.execute(f"""
        CREATE FUNCTION inbeeld_mijn_gemeenten() RETURNS varchar[]
        LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
            SELECT coalesce(array_agg(gemeentecode), '{{}}') FROM gemeente_toegang WHERE login = session_user
        $$
    """)
    op.execute("REVOKE ALL ON FUNCTION inbeeld_mijn_gemeenten() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION inbeeld_mijn_gemeenten() TO {LPA}, {RMC}")
    mine = "gemeentecode = ANY (inbeeld_mijn_gemeenten())"
    person = ("(persoonsnummer IN (SELECT p.persoonsnummer FROM personen p) "
              "OR persoonsnummer IN (SELECT c.persoonsnummer FROM cases c))")
    rmc_case = f"signal IN ({_list(RMC_SIGNALS)})"
    policies: dict[str, dict[str, str]] = {
        "cases": {LPA: mine, RMC: f"{mine} AND {rmc_case}"},
        "case_actions": {LPA: "case_id IN (SELECT id FROM cases)", RMC: "case_id IN (SELECT id FROM cases)"},
        "vrijstellingen": {LPA: person},
        "verzuimmeldingen": {LPA: person, RMC: f"soort = 'RMC' AND {person}"},
        "verzuim_status_changes": {LPA: "melding_id IN (SELECT id FROM verzuimmeldingen)",
                                   RMC: "melding_id IN (SELECT id FROM verzuimmeldingen)"},
        "thuiszitters": {LPA: "case_id IN (SELECT id FROM cases) "
                              "OR verzuimmelding_id IN (SELECT id FROM verzuimmeldingen)"},
        "vsv_register": {LPA: person, RMC: person},
        "personen": {LPA: mine, RMC: mine},
        "letters": {LPA: "case_id IN (SELECT id FROM cases) OR vrijstelling_id IN (SELECT id FROM vrijstellingen)"
                         " OR verzuimmelding_id IN (SELECT id FROM verzuimmeldingen)",
                    RMC: "case_id IN (SELECT id FROM cases) "
                         "OR verzuimmelding_id IN (SELECT id FROM verzuimmeldingen)"},
    }
    for table, by_role in policies.items():
        if not _has_table(table):
            continue
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_alle_rijen ON {table} TO {ADMINISTRATIE}, {BEHEER} "
                   "USING (true) WITH CHECK (true)")
        for role, condition in by_role.items():
            name = f"{table}_{role.removeprefix('inbeeld_')}"
            op.execute(f"CREATE POLICY {name} ON {table} TO {role} USING ({condition}) WITH CHECK ({condition})")


def _policy_views() -> None:
    """Figures for beleid without person numbers (the owner of a view reads past row-level security)."""
    op.execute("""
        CREATE VIEW beleid_signalen_per_maand AS
        SELECT signal, gemeentecode, CAST(date_trunc('month', opened_on) AS date) AS maand,
               count(*) AS aantal, count(*) FILTER (WHERE status = 'open') AS nog_open
        FROM cases
        GROUP BY signal, gemeentecode, CAST(date_trunc('month', opened_on) AS date)
    """)
    op.execute("""
        CREATE VIEW beleid_vrijstellingen_per_grond AS
        SELECT v.grond, p.gemeentecode, CAST(extract(year FROM v.begindatum) AS integer) AS jaar,
               count(*) AS aantal,
               count(*) FILTER (WHERE v.einddatum IS NULL OR v.einddatum >= current_date) AS lopend
        FROM vrijstellingen v LEFT JOIN personen p ON p.persoonsnummer = v.persoonsnummer
        GROUP BY v.grond, p.gemeentecode, CAST(extract(year FROM v.begindatum) AS integer)
    """)
    op.execute("""
        CREATE VIEW beleid_thuiszitters_per_duur AS
        SELECT bron, gemeentecode, duur, lopend, count(*) AS aantal
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


def _roles_postgresql(schema: str) -> None:
    _create_roles()
    _grants(schema)
    _row_security(schema)
    _policy_views()


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for view in ("beleid_thuiszitters_per_duur", "beleid_vrijstellingen_per_grond",
                     "beleid_signalen_per_maand", "vrijstelling_toelichtingen"):
            op.execute(f"DROP VIEW IF EXISTS {view}")
        for table in ("cases", "case_actions", "vrijstellingen", "verzuimmeldingen", "verzuim_status_changes",
                      "thuiszitters", "vsv_register", "letters"):
            if _has_table(table):
                op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
                for role in ("alle_rijen", "lpa", "rmc"):
                    op.execute(f"DROP POLICY IF EXISTS {table}_{role} ON {table}")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS inbeeld_purge_audit(timestamp, varchar[])")
        op.execute("DROP FUNCTION IF EXISTS inbeeld_audit_append_only()")
        op.execute("DROP FUNCTION IF EXISTS inbeeld_mijn_gemeenten() CASCADE")
        # The cluster-wide roles stay: other databases of the cluster may use them.
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.drop_table("gemeente_toegang")
    op.drop_table("retention_aggregates")
    op.drop_table("personen")
    op.drop_table("audit_purge_window")
    for table in RETENTION_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("vernietigen_op")
