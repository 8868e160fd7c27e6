"""The RMC sees a dossier whose reason is a school's melding of soort RMC.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08

A verzuimmelding of soort `RMC` (a young person of 18 or older without a startkwalificatie) opens a
dossier of team rmc, its reason a case of signal `VERZUIMMELDING`; since the work list assigns by
the dossier's team it goes to the RMC counsellor. But the policy `cases_rmc` (0004, renamed in 0006,
its gemeenten asked once per query since 0014) showed an RMC login only cases of the RMC signals, so
the counsellor could not see the reason, nor (`dossiers_rmc`: holding a visible case) the dossier.
The melding itself was visible to RMC (`verzuimmeldingen_rmc`: soort `RMC`) and its person too
(`personen_rmc`, 0008).

An RMC reason is now what registers.dossiers.rmc_reason says: a case of an RMC signal, or a
VERZUIMMELDING case whose melding has soort `RMC`. The melding is read under its own policy (soort
`RMC`, the login's own persons), which asks nothing of `cases`: no recursion. The RMC cannot change
what the condition rests on (`cases.signal`, `cases.verzuimmelding_id`, `verzuimmeldingen.soort`:
no UPDATE grant, revision 0009). `dossiers_rmc`, `case_actions_rmc`, `bijlagen_rmc`, `letters_rmc`
follow from the case being visible (0017). PostgreSQL only. Both conditions are written out in full.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the login's gemeenten asked once per query, as 0014 wrote it (a bare `ANY ((SELECT ...))` would read
# the subquery as a set of arrays)
MINE = "(gemeentecode)::text = ANY (((SELECT inbeeld_mijn_gemeenten()))::text[])"
# signal IN ('GEEN_INSCHRIJVING_RMC', 'VSV'), in the words PostgreSQL stored it in (0006), so the
# downgrade gives back the very condition of 0018
RMC_SIGNAL = ("(signal)::text = ANY (ARRAY[('GEEN_INSCHRIJVING_RMC'::character varying)::text, "
              "('VSV'::character varying)::text])")
RMC_MELDING = ("signal = 'VERZUIMMELDING' AND EXISTS (SELECT FROM verzuimmeldingen m "
               "WHERE m.id = cases.verzuimmelding_id AND m.soort = 'RMC')")

# cases_rmc: its condition at 0018 and now; USING and WITH CHECK are the same
BEFORE = f"{MINE} AND {RMC_SIGNAL}"
NOW = f"{MINE} AND ({RMC_SIGNAL} OR ({RMC_MELDING}))"


def _alter(condition: str) -> None:
    op.execute(f"ALTER POLICY cases_rmc ON cases USING ({condition}) WITH CHECK ({condition})")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _alter(NOW)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _alter(BEFORE)
