"""The agenda: appointments of LPAs and counsellors (`afspraken`), one planned one per agenda and start.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-06

Added by the letters branch (registers/agenda.py): an invitation takes a real slot of the assigned
person's configured hours (`[agenda]`) instead of one fixed time for everyone. The partial unique
index refuses a slot taken twice. PostgreSQL: grants and row-level security like the other person
records (0004, 0009): LPA and RMC plan, rebook and cancel (the columns that takes, never
`persoonsnummer` or a subject), each for their own persons; the RMC only in the RMC doelgroep.
Code lists are written out here so this revision stays what it was.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("gepland", "geannuleerd")
LPA, RMC, ADMINISTRATIE, BEHEER = "inbeeld_lpa", "inbeeld_rmc", "inbeeld_administratie", "inbeeld_beheer"
WORKFLOW = ("medewerker", "start", "einde", "locatie", "status", "notitie", "by", "recorded_at")


def upgrade() -> None:
    gepland = sa.text("status = 'gepland'")
    op.create_table(
        "afspraken",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("medewerker", sa.String(63), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("einde", sa.DateTime(), nullable=False),
        sa.Column("locatie", sa.String(200), nullable=False),
        sa.Column("status", sa.Enum(*STATUSES, name="afspraak_status", native_enum=False,
                                    create_constraint=True, length=11), nullable=False),
        sa.Column("persoonsnummer", sa.String(9), nullable=False),
        sa.Column("onderwerp", sa.String(60), nullable=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=True),
        sa.Column("verzuimmelding_id", sa.Integer(),
                  sa.ForeignKey("verzuimmeldingen.id", ondelete="CASCADE"), nullable=True),
        sa.Column("run", sa.String(40), nullable=True),
        sa.Column("notitie", sa.Text(), nullable=True),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("einde > start", name="einde_na_start"),
    )
    for column in ("medewerker", "persoonsnummer", "case_id", "verzuimmelding_id", "run"):
        op.create_index(f"ix_afspraken_{column}", "afspraken", [column])
    op.create_index("uq_afspraken_medewerker_start", "afspraken", ["medewerker", "start"], unique=True,
                    sqlite_where=gepland, postgresql_where=gepland)
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    sequence = bind.execute(sa.text("SELECT pg_get_serial_sequence('afspraken', 'id')")).scalar_one()
    for role in (LPA, RMC):
        op.execute(f"GRANT SELECT, INSERT ON afspraken TO {role}")
        op.execute(f"GRANT UPDATE ({', '.join(WORKFLOW)}) ON afspraken TO {role}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON afspraken TO {ADMINISTRATIE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON afspraken TO {BEHEER}")
    op.execute(f"GRANT USAGE ON SEQUENCE {sequence} TO {LPA}, {RMC}, {ADMINISTRATIE}, {BEHEER}")
    op.execute("ALTER TABLE afspraken ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY afspraken_alle_rijen ON afspraken TO {ADMINISTRATIE}, {BEHEER} "
               "USING (true) WITH CHECK (true)")
    mine = "inbeeld_mijn_persoon(persoonsnummer)"
    for role, condition in ((LPA, mine), (RMC, f"{mine} AND inbeeld_rmc_doelgroep(persoonsnummer)")):
        name = f"afspraken_{role.removeprefix('inbeeld_')}"
        op.execute(f"CREATE POLICY {name} ON afspraken TO {role} USING ({condition}) WITH CHECK ({condition})")


def downgrade() -> None:
    op.drop_table("afspraken")
