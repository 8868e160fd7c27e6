"""The letter kind `waarschuwing_verzuim`: a written warning after a verzuimmelding.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

A leerplichtambtenaar's written warning is written by hand from the dossier (letters/single.py) and
logged as every letter is, so the CHECK constraint on `letters.soort` lists the new kind. Nothing is
rewritten: no letter of the kind exists before this revision. The downgrade refuses while one does
(removing it would lose a letter of the log). The column's length (26) holds the name.

On SQLite the constraint text is edited in place (registers/sqlite_schema.py). The code lists are written out here so this revision stays what it was.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from registers.sqlite_schema import replace_in_table

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW = "waarschuwing_verzuim"
KINDS_BEFORE = ("absoluut_verzuim", "doorstroompunt", "uitnodiging_verzuimgesprek", "herinnering_vrijstelling",
                "informatie_leerplicht")
KINDS_AFTER = (*KINDS_BEFORE, NEW)
CONSTRAINT = "ck_letters_letter_kind"  # the models' naming convention: ck_<table>_<enum name>


def _check(kinds: Sequence[str]) -> str:
    return "soort IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))


def upgrade() -> None:
    _constraint(KINDS_BEFORE, KINDS_AFTER)


def downgrade() -> None:
    logged = op.get_bind().execute(sa.text("SELECT count(*) FROM letters WHERE soort = :kind"),
                                   {"kind": NEW}).scalar()
    if logged:
        raise RuntimeError(f"revision 0018 cannot be undone: {logged} letter(s) of kind {NEW} are logged")
    _constraint(KINDS_AFTER, KINDS_BEFORE)


def _constraint(kinds_from: Sequence[str], kinds_to: Sequence[str]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        replace_in_table(bind, "letters", [(_check(kinds_from), _check(kinds_to))], revision)
        return
    op.drop_constraint(op.f(CONSTRAINT), "letters", type_="check")
    op.create_check_constraint(op.f(CONSTRAINT), "letters", _check(kinds_to))
