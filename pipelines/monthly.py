"""The monthly flow, on the first working day of the month: work lists, VSV figures and DUO
reconciliation, KPIs.

A cron cannot say "first working day", so the schedule fires at 07:00 on days 1–7 and the deployment
sets `only_on_first_working_day`; the guard task lets through only a peildatum (default today) that
is the first working day (weekends, Dutch public holidays and the municipality's own `closing_days`
skipped). Run by hand (`inbeeld run monthly`) the guard is off.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipelines.lock import RunLock
from pipelines.run_settings import run_catalog, run_settings, summary_line, today
from pipelines.schedules import FlowSchedule
from pipelines.working_days import is_first_working_day
from settings import Settings

SCHEDULE = FlowSchedule("0 7 1-7 * *")
SCHEDULE_PARAMETERS = {"only_on_first_working_day": True}


def closing_days(settings: Settings) -> list[date]:
    """The municipality's own closing days (`closing_days = ["2026-12-24", …]` in inbeeld.toml)."""
    return [date.fromisoformat(str(day)) for day in settings.extra.get("closing_days", [])]


@task(persist_result=False, cache_policy=NO_CACHE)
def first_working_day_guard(day: date, closed: list[date]) -> bool:
    return is_first_working_day(day, closed)


@flow(name="monthly", persist_result=False, log_prints=False)
def monthly_flow(
    peildatum: date | None = None,
    data_dir: str | None = None,
    gemeente: str | None = None,
    only_on_first_working_day: bool = False,
) -> dict[str, int]:
    """Work lists, VSV and DUO reconciliation, KPIs for `peildatum` (default: today)."""
    logger = get_run_logger()
    settings = run_settings(data_dir, gemeente)
    day = peildatum or today()
    if only_on_first_working_day and not first_working_day_guard(day, closing_days(settings)):
        logger.info("monthly: %s is not the first working day of the month; nothing to do", day)
        return {"skipped": 1}
    catalog = run_catalog(settings)
    with RunLock(settings.data_dir, catalog.register_url, purpose="monthly", lock_file=catalog.run_lock):
        counts = {"skipped": 0, **_monthly_steps(settings, day)}
    logger.info(summary_line("monthly", counts))
    return counts


def _monthly_steps(settings: Settings, day: date) -> dict[str, int]:
    raise NotImplementedError("monthly steps are wired once the reports branch has landed")
