"""Row-level security asks whether a record's parent is visible with a probe, not a hashed set.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

The policies of records that hang on another record (0004: case_actions, verzuim_status_changes,
thuiszitters, letters; 0012: bijlagen and the RMC's dossiers) read `case_id IN (SELECT id FROM
cases)`: an uncorrelated subquery, which PostgreSQL can only evaluate as the whole visible parent
table, hashed, for every query. The work lists read a dossier's steps in ~40 chunks, and each chunk
hashed the 20,000 visible cases again (~26 ms each; docs/performance.md). Written as `EXISTS (SELECT
FROM cases r WHERE r.id = case_actions.case_id)` the planner chooses per query: an index probe
into the parent per row (the parent's own policy applied inside, its gemeenten asked once per
query) for a few rows, the hashed set for many.

`x IN (SELECT id FROM t)` and `EXISTS (SELECT FROM t r WHERE r.id = x)` differ only when x is NULL
(NULL against false): either way the row is not shown and not allowed, alone or in an OR with other
links, so what every policy allows is unchanged. PostgreSQL only. Written out as it is today, so it
stays what it was.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MINE = "EXISTS (SELECT FROM inbeeld_mijn_personen m WHERE m.persoonsnummer = dossiers.persoonsnummer)"

# (table, policy): (its condition at 0016, its condition now); USING and WITH CHECK are the same
POLICIES: dict[tuple[str, str], tuple[str, str]] = {
    ("case_actions", "case_actions_lpa"): (
        "case_id IN (SELECT id FROM cases)",
        "EXISTS (SELECT FROM cases r WHERE r.id = case_actions.case_id)"),
    ("case_actions", "case_actions_rmc"): (
        "case_id IN (SELECT id FROM cases)",
        "EXISTS (SELECT FROM cases r WHERE r.id = case_actions.case_id)"),
    ("bijlagen", "bijlagen_lpa"): (
        "case_action_id IN (SELECT id FROM case_actions)",
        "EXISTS (SELECT FROM case_actions r WHERE r.id = bijlagen.case_action_id)"),
    ("bijlagen", "bijlagen_rmc"): (
        "case_action_id IN (SELECT id FROM case_actions)",
        "EXISTS (SELECT FROM case_actions r WHERE r.id = bijlagen.case_action_id)"),
    ("verzuim_status_changes", "verzuim_status_changes_lpa"): (
        "melding_id IN (SELECT id FROM verzuimmeldingen)",
        "EXISTS (SELECT FROM verzuimmeldingen r WHERE r.id = verzuim_status_changes.melding_id)"),
    ("verzuim_status_changes", "verzuim_status_changes_rmc"): (
        "melding_id IN (SELECT id FROM verzuimmeldingen)",
        "EXISTS (SELECT FROM verzuimmeldingen r WHERE r.id = verzuim_status_changes.melding_id)"),
    ("thuiszitters", "thuiszitters_lpa"): (
        "case_id IN (SELECT id FROM cases) OR verzuimmelding_id IN (SELECT id FROM verzuimmeldingen)",
        "EXISTS (SELECT FROM cases r WHERE r.id = thuiszitters.case_id) "
        "OR EXISTS (SELECT FROM verzuimmeldingen r WHERE r.id = thuiszitters.verzuimmelding_id)"),
    ("letters", "letters_lpa"): (
        "case_id IN (SELECT id FROM cases) OR vrijstelling_id IN (SELECT id FROM vrijstellingen) "
        "OR verzuimmelding_id IN (SELECT id FROM verzuimmeldingen)",
        "EXISTS (SELECT FROM cases r WHERE r.id = letters.case_id) "
        "OR EXISTS (SELECT FROM vrijstellingen r WHERE r.id = letters.vrijstelling_id) "
        "OR EXISTS (SELECT FROM verzuimmeldingen r WHERE r.id = letters.verzuimmelding_id)"),
    ("letters", "letters_rmc"): (
        "case_id IN (SELECT id FROM cases) OR verzuimmelding_id IN (SELECT id FROM verzuimmeldingen)",
        "EXISTS (SELECT FROM cases r WHERE r.id = letters.case_id) "
        "OR EXISTS (SELECT FROM verzuimmeldingen r WHERE r.id = letters.verzuimmelding_id)"),
    ("dossiers", "dossiers_rmc"): (
        f"({MINE}) AND id IN (SELECT c.dossier_id FROM cases c)",
        f"({MINE}) AND EXISTS (SELECT FROM cases c WHERE c.dossier_id = dossiers.id)"),
}


def _alter(now: int) -> None:
    """ALTER POLICY each policy above to its condition at 0016 (`now` 0) or now (1)."""
    for (table, policy), conditions in POLICIES.items():
        condition = conditions[now]
        op.execute(f"ALTER POLICY {policy} ON {table} USING ({condition}) WITH CHECK ({condition})")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _alter(1)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _alter(0)
