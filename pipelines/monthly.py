"""The monthly flow, on the first working day of the month: work lists, VSV figures and DUO
reconciliation, the vrijstellingen DUO must hold, KPIs.

A cron cannot say "first working day", so the schedule fires at 07:00 on days 1–7 and the deployment
sets `only_on_first_working_day`; the guard task lets through only a peildatum (default today) that
is the first working day (weekends, Dutch public holidays and the municipality's own `closing_days`
skipped). Run by hand (`inbeeld run monthly`) the guard is off.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from inbeeld.settings import Settings
from pipelines.lock import RunLock
from pipelines.notify import notify_failure
from pipelines.run_settings import run_catalog, run_settings, summary_line, today
from pipelines.schedules import FlowSchedule
from pipelines.stores import COMPUTES, registers, staging_read_only, stale_deliveries
from pipelines.working_days import is_first_working_day

SCHEDULE = FlowSchedule("0 7 1-7 * *")
SCHEDULE_PARAMETERS = {"only_on_first_working_day": True}
TASK = {"persist_result": False, "cache_policy": NO_CACHE, "retries": 1, "retry_delay_seconds": 30}


def closing_days(settings: Settings) -> list[date]:
    """The municipality's own closing days (`closing_days = ["2026-12-24", …]` in inbeeld.toml)."""
    return list(settings.closing_days)


@task(persist_result=False, cache_policy=NO_CACHE)
def first_working_day_guard(day: date, closed: list[date]) -> bool:
    return is_first_working_day(day, closed)


@task(task_run_name="worklists", **TASK)
def write_worklists(data_dir: str, gemeente: str | None, day: date) -> dict[str, int]:
    """One work list per LPA / counsellor: every open case with its next action."""
    from connectors.output_names import inside
    from reports import gather
    from reports.spreadsheet import write_xlsx
    from reports.worklist_report import file_stem, worklist_table

    settings = run_settings(data_dir, gemeente)
    folder = run_catalog(settings).reports
    with registers(settings) as session, staging_read_only(settings) as con:
        lists = gather.worklists_for(session, con, day, settings.reports, ())
    for name, rows in lists.items():
        path = inside(folder, f"{file_stem(name, f'{day:%Y-%m}')}.xlsx")  # names come from inbeeld.toml
        write_xlsx(path, [worklist_table(name, rows, day)])
    return {"worklists": len(lists), "open_cases_listed": sum(len(rows) for rows in lists.values())}


@task(task_run_name="vsv", **TASK)
def write_vsv(data_dir: str, gemeente: str | None, day: date) -> dict[str, int]:
    """VSV figures of the newest convenantjaar the deliveries up to `day` can give (suppressed small
    counts) and the DUO reconciliation."""
    from connectors.schools import school_names
    from reports import gather, staging_queries
    from reports.html import write_html
    from reports.spreadsheet import write_xlsx
    from reports.vsv_report import vsv_html, vsv_tables

    settings = run_settings(data_dir, gemeente)
    folder = run_catalog(settings).reports
    settings.served()  # figures for every gemeente in the deliveries would be wrong, not wider
    with staging_read_only(settings) as con:
        if con is None:
            return {"vsv_no_duo_data": 1}
        try:
            year = staging_queries.latest_vsv_year(con, day)
            figures, _ = staging_queries.vsv_from_staging(con, year, None, settings.gemeenten)
        except staging_queries.NoData:
            return {"vsv_no_duo_data": 1}
        trend = staging_queries.vsv_trend_from_staging(con, stand=None, gemeenten=settings.gemeenten)
        schools = school_names(con)
        write_xlsx(folder / f"vsv-{figures.jaar.label}.xlsx",
                   vsv_tables(figures, trend, beleid=True, schoolnamen=schools))
        write_html(folder / f"vsv-{figures.jaar.label}.html",
                   vsv_html(figures, trend, beleid=True, schoolnamen=schools))
        with registers(settings) as session:
            result = gather.vsv_reconciliation(session, con, year)
    return {"vsv_startset": int(figures.startset), "vsv_new": int(figures.vsv),
            "reconciliation_duo_only": len(result.alleen_duo), "reconciliation_inbeeld_only":
            len(result.alleen_inbeeld)}


@task(task_run_name="vrijstellingen-duo", **TASK)
def write_vrijstellingen_for_duo(data_dir: str, gemeente: str | None, day: date) -> dict[str, int]:
    """The vrijstellingen the gemeente must have registered at DUO on `day` (docs/formats.md §4.1),
    for the administratie to check against Mijn DUO."""
    from connectors.output_names import inside
    from reports import gather
    from reports.vrijstellingen_duo import list_name, write_list

    settings = run_settings(data_dir, gemeente)
    with registers(settings) as session:
        rows = gather.vrijstellingen_for_duo(session, day)
    write_list(inside(run_catalog(settings).reports, list_name(day)), rows)
    return {"vrijstellingen_for_duo": len(rows)}


@task(task_run_name="kpi", **TASK)
def write_kpis(data_dir: str, gemeente: str | None, day: date) -> dict[str, int]:
    """KPIs of the newest month that ended with verzuimmeldingen (the month just ended, saying why it
    is empty, when none has)."""
    from reports import gather
    from reports.kpi import empty_reason, kpi_table, report_month
    from reports.kpi_report import kpi_tables
    from reports.spreadsheet import write_xlsx

    settings = run_settings(data_dir, gemeente)
    school_days, weeks, days_off = gather.kpi_settings(settings.reports.kpi)
    with registers(settings) as session:
        meldingen = gather.kpi_input(session, settings.reports)
    period = report_month(meldingen, day)
    table = kpi_table(meldingen, day, period, school_days, weeks, days_off)
    leeg = empty_reason(meldingen, period)
    path: Path = run_catalog(settings).reports / f"kpi-{period[0]:%Y-%m}.xlsx"
    write_xlsx(path, kpi_tables(table, period, school_days, weeks, leeg))
    return {"kpi_rows": len(table), "kpi_meldingen": int(table["meldingen"].iloc[-1]) if len(table) else 0}


@flow(name="monthly", persist_result=False, log_prints=False, on_failure=[notify_failure],
      on_crashed=[notify_failure])
def monthly_flow(
    peildatum: date | None = None,
    data_dir: str | None = None,
    gemeente: str | None = None,
    only_on_first_working_day: bool = False,
    strict: bool = False,
) -> dict[str, int]:
    """Work lists, VSV and DUO reconciliation, KPIs for `peildatum` (default: today). Old deliveries
    for the peildatum give a warning (`stale_deliveries=1`); `strict` fails the run instead."""
    logger = get_run_logger()
    settings = run_settings(data_dir, gemeente)
    day = peildatum or today()
    if only_on_first_working_day and not first_working_day_guard(day, closing_days(settings)):
        logger.info("monthly: %s is not the first working day of the month; nothing to do", day)
        return {"skipped": 1}
    catalog = run_catalog(settings)
    counts: dict[str, int] = {"skipped": 0}
    with RunLock(settings.data_dir, catalog.register_url, purpose="monthly", lock_file=catalog.run_lock):
        warning = stale_deliveries(settings, day, strict=strict, what=COMPUTES["monthly"])
        if warning:
            logger.warning(warning)
            counts["stale_deliveries"] = 1
        for step in (write_worklists, write_vsv, write_vrijstellingen_for_duo, write_kpis):
            counts.update(step(str(settings.data_dir), gemeente, day))
    logger.info(summary_line("monthly", counts))
    return counts
