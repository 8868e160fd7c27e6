"""Cases carry the signal's flags: address under investigation, manual check needed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

docs/spec.md §4.2: a person whose address is under investigation (BRP onderzoek on category 08) gets the
signal but no letter until it is resolved; a partly unknown birth date needs a manual check. The
case must say so, or the letter run would have to ask the staging store again. Existing cases get
`false` (nothing was known about them) and the next weekly sync sets the true value.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table): SQLite keeps the partial unique index as it is.
    op.add_column("cases", sa.Column("adres_in_onderzoek", sa.Boolean(), server_default=sa.false(),
                                     nullable=False))
    op.add_column("cases", sa.Column("controle_nodig", sa.Boolean(), server_default=sa.false(),
                                     nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("controle_nodig")
        batch.drop_column("adres_in_onderzoek")
