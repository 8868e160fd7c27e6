"""`inbeeld retention run [--dry-run] [--today D]`: the retention run from the command line (docs/spec.md §7).

A thin wrapper over `pipelines.retention.run_retention`; cron or the daily flow run the same
function. Exit status 0 done, 1 refused (staging in use by an import: run again later).
"""

from __future__ import annotations

from datetime import date

import click

from connectors.errors import StagingLocked
from inbeeld.getallen import aantal
from inbeeld.settings import Settings
from pipelines.retention import RetentionReport, run_retention
from rules.date_option import DATUM
from rules.dates import format_nl


@click.group("retention")
def retention() -> None:
    """Retention: destroy what has passed its term (registers, staging, audit trail)."""


def _summary(report: RetentionReport) -> list[str]:
    registers = report.registers
    lines = [f"Vernietiging op {format_nl(report.today)}" + (" (proef: er is niets verwijderd)"
                                                           if report.dry_run else "")]
    purged = ", ".join(f"{name} {count}" for name, count in registers.purged.items() if count) or "niets"
    lines.append(f"  registers: {purged} ({aantal(registers.persons, 'persoon', 'personen')})")
    for label, counts in (("bewaard, legal hold", registers.kept_legal_hold),
                          ("bewaard, nog in behandeling", registers.kept_in_progress),
                          ("zonder vernietigingsdatum (geboortedatum onbekend)", registers.without_date)):
        if counts:
            lines.append(f"  {label}: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    staged = ", ".join(f"{kind} {aantal(entry['leveringen'], 'levering', 'leveringen')} "
                       f"({aantal(entry['rijen'], 'rij', 'rijen')})"
                       for kind, entry in sorted(report.staging_per_kind().items())) or "niets"
    lines.append(f"  staging: {staged}")
    lines.append(f"  audit_log: {aantal(report.audit_rows, 'rij', 'rijen')}")
    lines += [f"  verslag: {path}" for path in report.files]
    return lines


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would go and write the report; remove nothing.")
@click.option("--today", type=DATUM, default=None,
              help="The day to apply the terms on (default today): for a catch-up run or a test.")
@click.pass_obj
def retention_run(settings: Settings, dry_run: bool, today: date | None) -> None:
    """Destroy the records, staged deliveries and audit rows whose retention term has passed (terms:
    rules/law/, docs/privacy.md); a legal hold keeps a person's records. Writes a purge
    report with counts to retention/ in the data directory."""
    try:
        report = run_retention(settings, today or date.today(), dry_run=dry_run)
    except StagingLocked as exc:
        raise click.ClickException(f"{exc}; er is niets verwijderd, start de vernietiging later "
                                   "opnieuw") from None
    click.echo("\n".join(_summary(report)))
