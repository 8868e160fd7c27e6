"""Dossiers: one file per young person, with the cases as its reasons (docs/spec.md §4.3).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

Before: a case per person and signal, so a 7-year-old without an enrolment had an ABSOLUUT_VERZUIM and
a THUISZITTER case side by side, each with its own next step and letters. Now:

- `dossiers`: at most one open dossier per person (partial unique index); `team` (lpa / rmc) and the
  `thuiszitter` classification; assignment, legal hold and retention date move up to it.
- `cases` are the dossier's reasons: `dossier_id` (not null) and, for a verzuimmelding reason,
  `verzuimmelding_id` (one reason per melding). The open-reason index skips VERZUIMMELDING reasons,
  of which a person may have several (two schools reporting).
- `bijlagen`: attachments to a timeline step, kept content-hashed in the data directory.
- New codes: the reason VERZUIMMELDING, four close reasons for reasons that end inside a dossier that
  goes on, four actions (`overgedragen` by the sync at 18; `overleg`, `onderzoek`, `beoordeeld`).

Existing cases become dossiers with their timelines intact: per person, cases are taken in the order
they opened, and a case opened after every case before it had closed starts a new dossier; the others
join the dossier of the cases they overlap. A dossier is open while one of its cases is, and closes
on its last case's date with that case's reason.

SQLite cannot alter a CHECK or NOT NULL constraint; as in revisions 0006 and 0007 the stored table
definition is edited in place and checked (https://www.sqlite.org/lang_altertable.html). The code
lists are written out so this revision stays what it was.
"""

import re
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LPA, RMC, ADMINISTRATIE, BEHEER = "inbeeld_lpa", "inbeeld_rmc", "inbeeld_administratie", "inbeeld_beheer"
ALL = "SELECT, INSERT, UPDATE, DELETE"

SIGNALS = ("ABSOLUUT_VERZUIM", "BIJNA_LEERPLICHTIG", "CONTROLE_GEBOORTEDATUM", "GEEN_INSCHRIJVING_RMC",
           "ONBEKEND_IN_BRP", "ONVOLLEDIGE_PERSOONSLIJST", "THUISZITTER", "VSV", "VERZUIMMELDING")
CLOSE_REASONS = ("inschrijving_gevonden", "vrijstelling", "verhuisd", "achttien_geworden",
                 "drieentwintig_geworden", "rmc_leeftijd_bereikt", "startkwalificatie", "overleden",
                 "geemigreerd", "brp_gecorrigeerd", "signaal_vervallen", "handmatig",
                 "convenantjaar_voorbij", "leerplichtig_geworden", "verzuim_beeindigd", "melding_afgesloten")
ACTIONS = ("geopend", "bijgewerkt", "brief_verstuurd", "antwoord_ontvangen", "huisbezoek", "gesprek",
           "waarschuwing", "halt_verwijzing", "proces_verbaal", "doorverwijzing", "notitie", "gesloten",
           "overgedragen", "overleg", "onderzoek", "beoordeeld")
RMC_SIGNALS = ("GEEN_INSCHRIJVING_RMC", "VSV")
LEERPLICHT_SIGNALS = ("ABSOLUUT_VERZUIM", "BIJNA_LEERPLICHTIG")
WORKFLOW = ("status", "closed_on", "close_reason", "assigned_to", "legal_hold")


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("persoonsnummer", sa.String(9), nullable=False),
        sa.Column("gemeentecode", sa.String(4), nullable=False),
        sa.Column("status", sa.String(6), nullable=False),
        sa.Column("team", sa.String(3), nullable=False),
        sa.Column("thuiszitter", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.String(22), nullable=True),
        sa.Column("assigned_to", sa.String(100), nullable=True),
        sa.Column("legal_hold", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("vernietigen_op", sa.Date(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_dossiers_dossier_status")),
        sa.CheckConstraint("team IN ('lpa', 'rmc')", name=op.f("ck_dossiers_team")),
        sa.CheckConstraint(_in("close_reason", CLOSE_REASONS), name=op.f("ck_dossiers_close_reason")),
        sa.CheckConstraint(
            "(status = 'open' AND closed_on IS NULL AND close_reason IS NULL)"
            " OR (status = 'closed' AND closed_on IS NOT NULL AND close_reason IS NOT NULL)",
            name=op.f("ck_dossiers_closed_has_date_and_reason")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
    )
    op.create_index(op.f("ix_dossiers_persoonsnummer"), "dossiers", ["persoonsnummer"])
    open_only = sa.text("status = 'open'")
    op.create_index("uq_dossiers_open_persoonsnummer", "dossiers", ["persoonsnummer"], unique=True,
                    sqlite_where=open_only, postgresql_where=open_only)

    if sqlite:
        op.execute("ALTER TABLE cases ADD COLUMN dossier_id INTEGER "
                   "CONSTRAINT fk_cases_dossier_id_dossiers REFERENCES dossiers (id)")
        op.execute("ALTER TABLE cases ADD COLUMN verzuimmelding_id INTEGER "
                   "CONSTRAINT fk_cases_verzuimmelding_id_verzuimmeldingen REFERENCES verzuimmeldingen (id)")
    else:
        op.add_column("cases", sa.Column("dossier_id", sa.Integer(), nullable=True))
        op.add_column("cases", sa.Column("verzuimmelding_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_cases_dossier_id_dossiers"), "cases", "dossiers", ["dossier_id"], ["id"])
        op.create_foreign_key(op.f("fk_cases_verzuimmelding_id_verzuimmeldingen"), "cases", "verzuimmeldingen",
                              ["verzuimmelding_id"], ["id"])
    op.create_index(op.f("ix_cases_dossier_id"), "cases", ["dossier_id"])
    op.create_index("uq_cases_verzuimmelding_id", "cases", ["verzuimmelding_id"], unique=True)
    op.drop_index("uq_cases_open_persoonsnummer_signal", table_name="cases")
    open_signal = sa.text("status = 'open' AND signal <> 'VERZUIMMELDING'")
    op.create_index("uq_cases_open_persoonsnummer_signal", "cases", ["persoonsnummer", "signal"], unique=True,
                    sqlite_where=open_signal, postgresql_where=open_signal)

    op.create_table(
        "bijlagen",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_action_id", sa.Integer(), nullable=False),
        sa.Column("bestandsnaam", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("grootte", sa.Integer(), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_action_id"], ["case_actions.id"], ondelete="CASCADE",
                                name=op.f("fk_bijlagen_case_action_id_case_actions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bijlagen")),
    )
    op.create_index(op.f("ix_bijlagen_case_action_id"), "bijlagen", ["case_action_id"])
    op.create_index(op.f("ix_bijlagen_sha256"), "bijlagen", ["sha256"])

    _fill_dossiers(bind)

    if sqlite:
        _sqlite_edit("cases", [(r"signal IN \([^)]*\)", _in("signal", SIGNALS)),
                               (r"close_reason IN \([^)]*\)", _in("close_reason", CLOSE_REASONS)),
                               (r"dossier_id INTEGER CONSTRAINT", "dossier_id INTEGER NOT NULL CONSTRAINT")])
        _sqlite_edit("case_actions", [(r"action IN \([^)]*\)", _in("action", ACTIONS))])
        return
    op.alter_column("cases", "dossier_id", existing_type=sa.Integer(), nullable=False)
    for table, column, name, values in (("cases", "signal", "ck_cases_signal", SIGNALS),
                                        ("cases", "close_reason", "ck_cases_close_reason", CLOSE_REASONS),
                                        ("case_actions", "action", "ck_case_actions_action_type", ACTIONS)):
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({_in(column, values)})")
    if _has_role(LPA):
        _privileges()


def downgrade() -> None:
    raise NotImplementedError("0012 is not downgraded: dossiers would have to be split into cases again")


def _team(signals: set[str]) -> str:
    return "rmc" if signals & set(RMC_SIGNALS) and not signals & set(LEERPLICHT_SIGNALS) else "lpa"


def _fill_dossiers(bind: sa.engine.Connection) -> None:
    """Every existing case into a dossier (see the module docstring for the grouping)."""
    cases = bind.execute(sa.text(
        "SELECT id, persoonsnummer, gemeentecode, signal, status, opened_on, closed_on, close_reason, "
        "assigned_to, legal_hold, vernietigen_op FROM cases ORDER BY persoonsnummer, opened_on, id")).all()
    episodes: list[list] = []
    current_person, episode, open_count, last_close = None, [], 0, None
    for case in cases:
        starts_new = (case.persoonsnummer != current_person or not episode
                      or (open_count == 0 and last_close is not None and _day(case.opened_on) > last_close))
        if starts_new:
            if episode:
                episodes.append(episode)
            current_person, episode, open_count, last_close = case.persoonsnummer, [], 0, None
        episode.append(case)
        if case.status == "open":
            open_count += 1
        else:
            closed = _day(case.closed_on)
            last_close = closed if last_close is None or closed > last_close else last_close
    if episode:
        episodes.append(episode)

    dossiers, links = [], []
    for number, members in enumerate(episodes, start=1):
        open_members = [c for c in members if c.status == "open"]
        latest = max(members, key=lambda c: (_day(c.opened_on), c.id))
        last_closed = max((c for c in members if c.status != "open"),
                          key=lambda c: (_day(c.closed_on), c.id), default=None)
        assigned = [c for c in sorted(members, key=lambda c: (_day(c.opened_on), c.id)) if c.assigned_to]
        destroy = [c.vernietigen_op for c in members]
        dossiers.append({
            "id": number, "persoonsnummer": latest.persoonsnummer, "gemeentecode": latest.gemeentecode,
            "status": "open" if open_members else "closed",
            "team": _team({c.signal for c in (open_members or members)}),
            "thuiszitter": any(c.signal == "THUISZITTER" for c in open_members),
            "opened_on": min(_day(c.opened_on) for c in members),
            "closed_on": None if open_members else _day(last_closed.closed_on),
            "close_reason": None if open_members else last_closed.close_reason,
            "assigned_to": assigned[-1].assigned_to if assigned else None,
            "legal_hold": any(bool(c.legal_hold) for c in members),
            "vernietigen_op": None if open_members or any(d is None for d in destroy)
            else max(_day(d) for d in destroy),
        })
        links += [{"d": number, "c": c.id} for c in members]
    if dossiers:
        table = sa.table("dossiers", *(sa.column(name) for name in dossiers[0]))
        op.bulk_insert(table, dossiers)
        bind.execute(sa.text("UPDATE cases SET dossier_id = :d WHERE id = :c"), links)
        if bind.dialect.name == "postgresql":
            bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('dossiers', 'id'), :n)"),
                         {"n": len(dossiers)})


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _sqlite_edit(table: str, edits: list[tuple[str, str]]) -> None:
    bind = op.get_bind()
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                       {"t": table}).scalar_one()
    for pattern, replacement in edits:
        sql, count = re.subn(pattern, replacement, sql, count=1)
        if count != 1:
            raise RuntimeError(f"revision 0012: {table} does not read {pattern!r}; not changed")
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"),
                 {"sql": sql, "t": table})
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))
    problems = bind.execute(sa.text("PRAGMA integrity_check")).fetchall()
    if [tuple(p) for p in problems] != [("ok",)]:
        raise RuntimeError(f"SQLite integrity check after revision 0012 ({table}): {problems}")


def _has_role(name: str) -> bool:
    return bool(op.get_bind().execute(sa.text("SELECT count(*) FROM pg_roles WHERE rolname = :n"),
                                      {"n": name}).scalar())


def _privileges() -> None:
    """Grants and row-level security for the new tables, as revisions 0004 and 0009 set them for cases."""
    grants = {
        "dossiers": {LPA: "SELECT", RMC: "SELECT", ADMINISTRATIE: "SELECT, INSERT, UPDATE", BEHEER: ALL},
        "bijlagen": {LPA: "SELECT, INSERT", RMC: "SELECT, INSERT", ADMINISTRATIE: "SELECT, INSERT",
                     BEHEER: ALL},
    }
    for table, by_role in grants.items():
        for role, privileges in by_role.items():
            op.execute(f"GRANT {privileges} ON {table} TO {role}")
    columns = ", ".join(WORKFLOW)
    for role in (LPA, RMC):
        op.execute(f"GRANT UPDATE ({columns}) ON dossiers TO {role}")
    for table, roles in (("dossiers", (ADMINISTRATIE,)), ("bijlagen", (LPA, RMC, ADMINISTRATIE))):
        sequence = op.get_bind().execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                         {"t": table}).scalar_one()
        op.execute(f"GRANT USAGE ON SEQUENCE {sequence} TO {', '.join(roles)}")
    mine = "inbeeld_mijn_persoon(persoonsnummer)"
    policies = {
        ("dossiers", LPA): mine,
        ("dossiers", RMC): f"{mine} AND id IN (SELECT c.dossier_id FROM cases c)",
        ("bijlagen", LPA): "case_action_id IN (SELECT id FROM case_actions)",
        ("bijlagen", RMC): "case_action_id IN (SELECT id FROM case_actions)",
    }
    for table in ("dossiers", "bijlagen"):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_alle_rijen ON {table} TO {ADMINISTRATIE}, {BEHEER} "
                   "USING (true) WITH CHECK (true)")
    for (table, role), condition in policies.items():
        name = f"{table}_{role.removeprefix('inbeeld_')}"
        op.execute(f"CREATE POLICY {name} ON {table} TO {role} USING ({condition}) WITH CHECK ({condition})")
