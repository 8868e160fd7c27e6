"""The Doorstroompunt's letter kind `rmc_18_23` is renamed `doorstroompunt`.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

Since 1 January 2026 the RMC / Doorstroompunt doelgroep runs to 27 (docs/law.md), so a kind named
after the ages 18 to 23 was wrong where users read it: in the file names of every letter run and in
`inbeeld letters list`. Letters already logged are rewritten to the new kind and the CHECK constraint
on `letters.soort` lists it (a letter keeps its id, kenmerk and rang, so the run sends no second first
letter). `bestand` is left alone: the files of runs already written keep their old names, the record
of what was printed. No policy, view or function reads `soort`; the column's length (26, from
`uitnodiging_verzuimgesprek`) does not change.

On SQLite the constraint text is edited in place (registers/sqlite_schema.py). The code lists are
written out here so this revision stays what it was.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from registers.sqlite_schema import replace_in_table

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD, NEW = "rmc_18_23", "doorstroompunt"
KINDS_BEFORE = ("absoluut_verzuim", OLD, "uitnodiging_verzuimgesprek", "herinnering_vrijstelling",
                "informatie_leerplicht")
KINDS_AFTER = tuple(NEW if kind == OLD else kind for kind in KINDS_BEFORE)
CONSTRAINT = "ck_letters_letter_kind"  # the models' naming convention: ck_<table>_<enum name>


def _check(kinds: Sequence[str]) -> str:
    return "soort IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))


def upgrade() -> None:
    _rename(KINDS_BEFORE, KINDS_AFTER, OLD, NEW)


def downgrade() -> None:
    _rename(KINDS_AFTER, KINDS_BEFORE, NEW, OLD)


def _rename(kinds_from: Sequence[str], kinds_to: Sequence[str], old: str, new: str) -> None:
    bind = op.get_bind()
    rewrite = sa.text("UPDATE letters SET soort = :new WHERE soort = :old").bindparams(old=old, new=new)
    if bind.dialect.name == "sqlite":
        replace_in_table(bind, "letters", [(_check(kinds_from), _check(kinds_to))], revision, rows=[rewrite])
        return
    op.drop_constraint(op.f(CONSTRAINT), "letters", type_="check")
    op.execute(rewrite)
    op.create_check_constraint(op.f(CONSTRAINT), "letters", _check(kinds_to))

