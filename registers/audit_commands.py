"""`inbeeld audit list --persoon NUMMER [--since D]`: who looked at or changed a child's file.

For beheer (in PostgreSQL the only role that may read `audit_log`): the number given is hashed with
the audit key and looked up, so the trail itself never holds it; the question is recorded too
(`audit.read`). Times are UTC, as written.
"""

from __future__ import annotations

from datetime import date

import click

from connectors.persoonsnummer import is_persoonsnummer
from inbeeld.acting_user import act_as, by_option
from inbeeld.output import emit, output_options
from registers.audit import AuditEvent, trail
from registers.command_session import register_session
from rules.date_option import DATUM

COLUMNS = ("at", "actor", "login", "action", "entity", "entity_id", "detail")


@click.group("audit")
def audit() -> None:
    """The audit trail: who read or changed which person's data (beheer)."""


@audit.command("list")
@click.option("--persoon", "persoonsnummer", required=True, help="BSN or onderwijsnummer of the person.")
@click.option("--since", type=DATUM, default=None, help="Only entries on or after this day.")
@by_option("reading (beheer)")
@output_options
@click.pass_context
def audit_list(ctx: click.Context, persoonsnummer: str, since: date | None, by: str | None, fmt: str) -> None:
    """Everything the audit trail holds about one person, oldest first: when, who, what, which record."""
    act_as(ctx, by)
    number = persoonsnummer.strip()
    if not is_persoonsnummer(number):
        raise click.BadParameter("geen BSN of onderwijsnummer (elfproef)", param_hint="--persoon")
    with register_session(ctx) as session:
        entries = trail(session).entries_for(session, number, since)
        rows = [{"at": e.at.isoformat(sep=" ", timespec="seconds"), "actor": e.actor, "login": e.login,
                 "action": e.action,
                 "entity": e.entity, "entity_id": e.entity_id, "detail": e.detail} for e in entries]
        trail(session).record(session, AuditEvent("audit.read", number, "audit_log", None,
                                                  f"entries={len(rows)}"))
    emit(rows, COLUMNS, fmt)
