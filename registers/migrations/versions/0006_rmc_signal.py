"""The RMC signal is renamed for the law of 1 January 2026; a close reason for the RMC age of the day.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

Since 1 January 2026 (Wet van school naar duurzaam werk, Kamerstuk 36 667) the RMC doelgroep runs
up to 27, so the signal GEEN_INSCHRIJVING_18_23 is now GEEN_INSCHRIJVING_RMC. Stored cases are
rewritten to the new code (a case keeps its timeline and stays the same case for the weekly sync);
the close reason `drieentwintig_geworden` stays for cases closed under the old age, and
`rmc_leeftijd_bereikt` is added. On PostgreSQL the RMC role's row-level security policy names the
RMC signals, so it is made again with the new code.

SQLite cannot alter a CHECK constraint. Rebuilding `cases` would mean dropping a table that other
tables point to, so the constraint text is edited in place, the procedure the SQLite documentation
gives for changing CHECK constraints (https://www.sqlite.org/lang_altertable.html, "making other kinds
of table schema changes"), followed by an integrity check.

The code lists are written out here (not imported) so this revision stays what it was.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from registers.sqlite_schema import replace_in_table

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD, NEW = "GEEN_INSCHRIJVING_18_23", "GEEN_INSCHRIJVING_RMC"
SIGNALS_BEFORE = ("ABSOLUUT_VERZUIM", OLD, "VSV", "THUISZITTER", "ONBEKEND_IN_BRP", "BIJNA_LEERPLICHTIG",
                  "CONTROLE_GEBOORTEDATUM")
SIGNALS_AFTER = tuple(NEW if s == OLD else s for s in SIGNALS_BEFORE)
CLOSE_REASONS_BEFORE = ("inschrijving_gevonden", "vrijstelling", "verhuisd", "achttien_geworden",
                        "drieentwintig_geworden", "startkwalificatie", "overleden", "geemigreerd",
                        "brp_gecorrigeerd", "signaal_vervallen", "handmatig")
CLOSE_REASONS_AFTER = (*CLOSE_REASONS_BEFORE, "rmc_leeftijd_bereikt")
RMC_SIGNALS_AFTER = (NEW, "VSV")
SIGNAL_LENGTH_BEFORE, SIGNAL_LENGTH_AFTER = 23, max(len(s) for s in SIGNALS_AFTER)


def _list(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _check(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({_list(values)})"


def upgrade() -> None:
    _change(SIGNALS_BEFORE, SIGNALS_AFTER, CLOSE_REASONS_BEFORE, CLOSE_REASONS_AFTER,
            SIGNAL_LENGTH_BEFORE, SIGNAL_LENGTH_AFTER, OLD, NEW, RMC_SIGNALS_AFTER)


def downgrade() -> None:
    bind = op.get_bind()
    used = bind.execute(sa.text("SELECT count(*) FROM cases WHERE close_reason = 'rmc_leeftijd_bereikt'")).scalar()
    if used:
        raise RuntimeError(f"{used} cases closed with rmc_leeftijd_bereikt: revision 0005 has no such reason")
    _change(SIGNALS_AFTER, SIGNALS_BEFORE, CLOSE_REASONS_AFTER, CLOSE_REASONS_BEFORE,
            SIGNAL_LENGTH_AFTER, SIGNAL_LENGTH_BEFORE, NEW, OLD, (OLD, "VSV"))


def _change(signals_from: Sequence[str], signals_to: Sequence[str], reasons_from: Sequence[str],
            reasons_to: Sequence[str], length_from: int, length_to: int, old: str, new: str,
            rmc_signals: Sequence[str]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        replace_in_table(bind, "cases", [
            (_check("signal", signals_from), _check("signal", signals_to)),
            (_check("close_reason", reasons_from), _check("close_reason", reasons_to)),
            (f"signal VARCHAR({length_from}) NOT NULL", f"signal VARCHAR({length_to}) NOT NULL")], revision,
            rows=[sa.text("UPDATE cases SET signal = :new WHERE signal = :old").bindparams(old=old, new=new)])
        return
    # PostgreSQL refuses to change the type of a column a view or a policy reads: both are made again.
    policy = _has_policy("cases", "cases_rmc")
    view = _has_view("beleid_signalen_per_maand")
    if policy:
        op.execute("DROP POLICY cases_rmc ON cases")
    if view:
        op.execute("DROP VIEW beleid_signalen_per_maand")
    op.drop_constraint(op.f("ck_cases_signal"), "cases", type_="check")
    op.drop_constraint(op.f("ck_cases_close_reason"), "cases", type_="check")
    op.execute(sa.text("UPDATE cases SET signal = :new WHERE signal = :old").bindparams(old=old, new=new))
    op.alter_column("cases", "signal", type_=sa.String(length_to), existing_type=sa.String(length_from),
                    existing_nullable=False)
    op.create_check_constraint(op.f("ck_cases_signal"), "cases", _check("signal", signals_to))
    op.create_check_constraint(op.f("ck_cases_close_reason"), "cases", _check("close_reason", reasons_to))
    if view:  # as revision 0004 made it
        op.execute("""
            CREATE VIEW beleid_signalen_per_maand AS
            SELECT signal, gemeentecode, CAST(date_trunc('month', opened_on) AS date) AS maand,
                   count(*) AS aantal, count(*) FILTER (WHERE status = 'open') AS nog_open
            FROM cases
            GROUP BY signal, gemeentecode, CAST(date_trunc('month', opened_on) AS date)
        """)
        op.execute("GRANT SELECT ON beleid_signalen_per_maand TO inbeeld_beleid, inbeeld_beheer")
    if policy:
        mine = "gemeentecode = ANY (inbeeld_mijn_gemeenten())"
        condition = f"{mine} AND signal IN ({_list(rmc_signals)})"
        op.execute(f"CREATE POLICY cases_rmc ON cases TO inbeeld_rmc USING ({condition}) WITH CHECK ({condition})")


def _has_view(name: str) -> bool:
    return bool(op.get_bind().execute(sa.text(
        "SELECT count(*) FROM information_schema.views WHERE table_schema = current_schema() "
        "AND table_name = :n"), {"n": name}).scalar())


def _has_policy(table: str, name: str) -> bool:
    return bool(op.get_bind().execute(sa.text(
        "SELECT count(*) FROM pg_policies WHERE schemaname = current_schema() AND tablename = :t "
        "AND policyname = :n"), {"t": table, "n": name}).scalar())
