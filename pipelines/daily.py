"""The daily flow at 02:00: thuiszitter durations, in June the vrijstelling renewal reminders, and the
retention (what has passed its term is destroyed: `pipelines.retention.run_retention`).

Thuiszitter entries start and end with their sources (an ABSOLUUT_VERZUIM case or an LRV melding
open more than 4 weeks) and their duration grows every day, so the register is brought in step
daily. A vrijstelling on an art. 5 ground must be renewed before 1 July (art. 6 lid 2 onder b);
in the reminder months (default June) the office gets the list of those still due.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipelines.lock import RunLock
from pipelines.notify import notify_failure
from pipelines.run_settings import run_catalog, run_settings, summary_line, today
from pipelines.schedules import FlowSchedule
from pipelines.stores import registers

SCHEDULE = FlowSchedule("0 2 * * *")
REMINDER_MONTHS = (6,)
TASK = {"persist_result": False, "cache_policy": NO_CACHE, "retries": 1, "retry_delay_seconds": 60}


@task(task_run_name="thuiszitters", **TASK)
def update_thuiszitters(data_dir: str, gemeente: str | None, day: date) -> dict[str, int]:
    """Start, continue and end thuiszitter entries for `day`; count the long ones (> 3 months)."""
    from registers.thuiszitters import is_long, list_thuiszitters, sync_thuiszitters

    settings = run_settings(data_dir, gemeente)
    with registers(settings) as session:
        summary = sync_thuiszitters(session, day)
        long = sum(1 for entry in list_thuiszitters(session, day) if is_long(entry, day))
        session.commit()
    return {"thuiszitters_started": summary.started, "thuiszitters_ended": summary.ended,
            "thuiszitters_ongoing": summary.ongoing, "thuiszitters_over_3_months": long}


@task(task_run_name="renewal-reminders", **TASK)
def renewal_reminders(data_dir: str, gemeente: str | None, day: date) -> dict[str, int]:
    """The vrijstellingen whose yearly renewal is due by the coming 1 July, as a list for the office;
    only while the renewal still matters (rules.vrijstellingen.verlenging_telt: the young person still
    has an obligation in the school year it is for, by the birth date in `personen`)."""
    from sqlalchemy import select

    from connectors.output_names import inside
    from registers.audit import record_reads
    from registers.models import Persoon
    from registers.vrijstellingen import list_vrijstellingen, renewal_due
    from reports.spreadsheet import Column, Table, write_xlsx
    from rules.vrijstellingen import verlenging_telt

    settings = run_settings(data_dir, gemeente)
    with registers(settings) as session:
        due = [(entry, renewal_due(entry, day)) for entry in list_vrijstellingen(session, geldig_op=day)]
        numbers = sorted({entry.persoonsnummer for entry, deadline in due if deadline is not None})
        born = dict(session.execute(select(Persoon.persoonsnummer, Persoon.geboortedatum)
                                    .where(Persoon.persoonsnummer.in_(numbers))).all()) if numbers else {}
        due = [(entry, deadline if deadline is None or born.get(entry.persoonsnummer) is None
                or verlenging_telt(entry.grond, born[entry.persoonsnummer], deadline) else None)
               for entry, deadline in due]
        listed = [entry for entry, deadline in due if deadline is not None]
        rows = [{"persoonsnummer": entry.persoonsnummer, "grond": str(entry.grond),
                 "begindatum": entry.begindatum, "uiterlijk": deadline}
                for entry, deadline in due if deadline is not None]
        record_reads(session, "vrijstelling.listed", "vrijstellingen",
                     [(entry.id, entry.persoonsnummer) for entry in listed])
        session.commit()
    if rows:
        columns = [Column("persoonsnummer", "Persoonsnummer"), Column("grond", "Grondslag"),
                   Column("begindatum", "Begindatum", "date"), Column("uiterlijk", "Verlengen vóór", "date")]
        write_xlsx(inside(run_catalog(settings).reports, f"vrijstelling-verlengen-{day:%Y-%m-%d}.xlsx"),
                   [Table("Verlenging vrijstellingen", columns, rows)])
    return {"renewals_due": len(rows)}


@task(task_run_name="retention", **TASK)
def retention(data_dir: str, gemeente: str | None, day: date) -> dict[str, int]:
    """Destroy what has passed its retention term on `day` (registers, staging, letter and archive
    files, audit rows); the purge report goes to retention/ in the data directory."""
    from pipelines.retention import run_retention

    report = run_retention(run_settings(data_dir, gemeente), day)
    return {"retention_records": sum(report.registers.purged.values()),
            "retention_deliveries": len(report.staging), "retention_audit_rows": report.audit_rows}


@flow(name="daily", persist_result=False, log_prints=False, on_failure=[notify_failure],
      on_crashed=[notify_failure])
def daily_flow(peildatum: date | None = None, data_dir: str | None = None,
               gemeente: str | None = None) -> dict[str, int]:
    """Thuiszitter durations every day; vrijstelling renewal reminders in the reminder months; the
    retention every day."""
    settings = run_settings(data_dir, gemeente)
    catalog = run_catalog(settings)
    day = peildatum or today()
    months = settings.renewal_reminder_months or REMINDER_MONTHS
    counts: dict[str, int] = {}
    with RunLock(settings.data_dir, catalog.register_url, purpose="daily", lock_file=catalog.run_lock):
        counts.update(update_thuiszitters(str(settings.data_dir), gemeente, day))
        if day.month in months:
            counts.update(renewal_reminders(str(settings.data_dir), gemeente, day))
        counts.update(retention(str(settings.data_dir), gemeente, day))
    get_run_logger().info(summary_line("daily", counts))
    return counts
