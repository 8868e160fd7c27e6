"""The letter log: every letter the letter run wrote or suppressed, per subject, kind, rang and addressee.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Added by the letters branch (letters/run.py). A letter row is written `gepland` before its file
and set `aangemaakt` after it, so a run killed halfway leaves rows the next run can redo; the
partial unique indexes make "no letter twice" hold in the database itself. Code lists are written
out here so this revision stays what it was when later code changes them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LETTER_KINDS = ("absoluut_verzuim", "rmc_18_23", "uitnodiging_verzuimgesprek", "herinnering_vrijstelling",
                "informatie_leerplicht")
LETTER_STATUSES = ("gepland", "aangemaakt", "onderdrukt")
SUPPRESSION_REASONS = ("overleden", "geemigreerd", "rni", "opschorting", "verhuisd", "geen_adres",
                       "adres_in_onderzoek", "geheimhouding", "niet_in_brp", "geboortedatum_onbekend")


def _code(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(len(v) for v in values))


def upgrade() -> None:
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("onderwerp", sa.String(60), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=True),
        sa.Column("vrijstelling_id", sa.Integer(), sa.ForeignKey("vrijstellingen.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("verzuimmelding_id", sa.Integer(),
                  sa.ForeignKey("verzuimmeldingen.id", ondelete="CASCADE"), nullable=True),
        sa.Column("persoonsnummer", sa.String(9), nullable=False),
        sa.Column("soort", _code("letter_kind", LETTER_KINDS), nullable=False),
        sa.Column("rang", sa.Integer(), nullable=False),
        sa.Column("geadresseerde", sa.String(40), nullable=False),
        sa.Column("status", _code("letter_status", LETTER_STATUSES), nullable=False),
        sa.Column("reden", _code("suppression_reason", SUPPRESSION_REASONS), nullable=True),
        sa.Column("kenmerk", sa.String(20), nullable=True),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("antwoord_voor", sa.Date(), nullable=True),
        sa.Column("run", sa.String(40), nullable=True),
        sa.Column("bestand", sa.String(120), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("kenmerk"),
        sa.CheckConstraint(
            "(status = 'onderdrukt' AND reden IS NOT NULL)"
            " OR (status <> 'onderdrukt' AND reden IS NULL AND kenmerk IS NOT NULL AND bestand IS NOT NULL)",
            name="reden_iff_onderdrukt"),
        sa.CheckConstraint(
            "(CASE WHEN case_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN vrijstelling_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN verzuimmelding_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject"),
        sa.CheckConstraint("rang >= 1", name="rang_positive"),
    )
    op.create_index("ix_letters_case_id", "letters", ["case_id"])
    op.create_index("ix_letters_vrijstelling_id", "letters", ["vrijstelling_id"])
    op.create_index("ix_letters_verzuimmelding_id", "letters", ["verzuimmelding_id"])
    op.create_index("ix_letters_persoonsnummer", "letters", ["persoonsnummer"])
    op.create_index("ix_letters_run", "letters", ["run"])
    sent, suppressed = sa.text("reden IS NULL"), sa.text("reden IS NOT NULL")
    op.create_index("uq_letters_sent", "letters", ["onderwerp", "soort", "rang", "geadresseerde"], unique=True,
                    sqlite_where=sent, postgresql_where=sent)
    op.create_index("uq_letters_suppressed", "letters", ["onderwerp", "soort", "rang", "geadresseerde", "reden"],
                    unique=True, sqlite_where=suppressed, postgresql_where=suppressed)


def downgrade() -> None:
    op.drop_table("letters")
