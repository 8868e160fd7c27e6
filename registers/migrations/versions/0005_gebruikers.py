"""Named users: the `gebruikers` table (login, naam, rol, gemeenten, argon2 hash, lockout).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

Actions and readings are recorded under these logins (registers.gebruikers). PostgreSQL: beheer
keeps the table; the other application roles may read who is who, never the password hashes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLLEN = ("lpa", "rmc", "administratie", "beleid", "beheer")
READERS = ("inbeeld_lpa", "inbeeld_rmc", "inbeeld_administratie")
PUBLIC_COLUMNS = ("login", "naam", "rol", "gemeenten", "actief")


def upgrade() -> None:
    op.create_table(
        "gebruikers",
        sa.Column("login", sa.String(63), primary_key=True),
        sa.Column("naam", sa.String(100), nullable=False),
        sa.Column("rol", sa.Enum(*ROLLEN, name="rol", native_enum=False, create_constraint=True, length=13),
                  nullable=False),
        sa.Column("gemeenten", sa.JSON(), nullable=False),
        sa.Column("wachtwoord_hash", sa.String(200), nullable=False),
        sa.Column("actief", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("aangemaakt_op", sa.DateTime(), nullable=False),
        sa.Column("mislukte_pogingen", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("geblokkeerd_tot", sa.DateTime(), nullable=True),
        sa.CheckConstraint("mislukte_pogingen >= 0", name="pogingen_not_negative"),
        sa.PrimaryKeyConstraint("login", name="pk_gebruikers"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON gebruikers TO inbeeld_beheer")
        op.execute(f"GRANT SELECT ({', '.join(PUBLIC_COLUMNS)}) ON gebruikers TO {', '.join(READERS)}")


def downgrade() -> None:
    op.drop_table("gebruikers")
