"""The weekly flow, Monday 06:00: import the inbox, match, update cases, write letters, summarise.

Crash safety comes from the steps, not from Prefect: each import is idempotent (content hash) and
a file is archived only after its import committed; the case sync and the letter run are
idempotent on the register (one open case per person and type, one first letter per case). So a
run killed anywhere is simply run again. The run lock keeps a second run out meanwhile.

One bad file never stops the run: a refused delivery (or one whose import or archiving keeps
failing, or a link in the inbox) is set aside in `refused/<date>/` with its reason, the DUO
mutations after a refused C- or P-levering wait in the inbox, and signals, cases and letters run on
what was loaded. The run then ends in the state "Completed with refusals" (`inbeeld run weekly`
exits 1, so cron mails it).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, State

from connectors.deliveries import stage_delivery
from connectors.errors import RefusedFile
from inbeeld.settings import Settings
from pipelines import inbox as inbox_folder
from pipelines.imports import import_vrijstellingen
from pipelines.lock import RunLock
from pipelines.notify import notify_failure
from pipelines.run_settings import run_catalog, run_settings, summary_line, today
from pipelines.schedules import FlowSchedule
from pipelines.stores import COMPUTES, register_sessions, registers, staging_read_only, stale_deliveries
from rules.dates import format_nl

SCHEDULE = FlowSchedule("0 6 * * 1")
COMPLETED_WITH_REFUSALS = "Completed with refusals"
# A kind whose files are mutations on an earlier file of these kinds waits while one of those is refused.
WAITS_FOR = {"duo_p": ("duo_c", "duo_p")}


# DuckDB's words for a file that is not a database (damaged, or another file under its name):
# waiting will not mend it, so the run fails at once and says so instead of after 70 s of retries.
NOT_A_DATABASE = ("not a valid DuckDB database file", "is not a DuckDB database")


def _worth_retrying(task: Any, task_run: Any, state: Any) -> bool:
    """Retry I/O trouble (a locked staging file, a full disk, a flaky share), never a refused file
    or a staging file that is not a database."""
    try:
        state.result()
    except RefusedFile:
        return False
    except Exception as exc:
        return not any(words in str(exc) for words in NOT_A_DATABASE)
    return True


@task(retries=2, retry_delay_seconds=[10, 60], retry_condition_fn=_worth_retrying, persist_result=False,
      cache_policy=NO_CACHE, task_run_name="import-{kind}")
def import_inbox_delivery(path: str, kind: str, data_dir: str | None, gemeente: str | None) -> dict[str, int]:
    """Import one delivery into staging (idempotent: a file seen before is a no-op); counts only."""
    settings = run_settings(data_dir, gemeente)
    catalog = run_catalog(settings)
    if kind == "vrijstellingen":
        with registers(settings) as session:
            outcome = import_vrijstellingen(session, catalog.staging, Path(path), settings.gemeenten)
            session.commit()
        return outcome.as_counts()
    # "auto": the kind is decided as `inbeeld import` decides it (name checked against the header)
    return stage_delivery(catalog.staging, Path(path), "auto", settings.gemeenten).as_counts()


@task(retries=2, retry_delay_seconds=[10, 60], retry_condition_fn=_worth_retrying,
      persist_result=False, cache_policy=NO_CACHE)
def register_verzuimmeldingen(data_dir: str, gemeente: str | None, day: date) -> dict[str, int]:
    """The current version of every staged verzuimmelding into the register (idempotent)."""
    from registers.verzuim import register_from_staging

    settings = run_settings(data_dir, gemeente)
    staging = run_catalog(settings).staging
    if not staging.is_file():
        return {}
    with registers(settings) as session:
        summary = register_from_staging(session, staging, today=day)
        session.commit()
    return {"meldingen_new": summary.new, "meldingen_updated": summary.updated}


@task(retries=1, retry_delay_seconds=[30], retry_condition_fn=_worth_retrying,
      persist_result=False, cache_policy=NO_CACHE)
def match_and_sync_cases(data_dir: str, gemeente: str | None, day: date) -> dict[str, int]:
    """Signals on `day` over staging and the vrijstellingen register → the case sync (one transaction):
    counts per signal, new / updated / closed cases."""
    from connectors.person_facts import person_facts
    from registers.matching import match_week
    from registers.personen import record_numbers, refresh_personen

    settings = run_settings(data_dir, gemeente)
    with staging_read_only(settings) as con:
        if con is None:
            return {}
        with registers(settings) as session:
            signals, summary = match_week(con, session, day, settings.gemeenten)
            # birth date, SK and gemeente per person: retention dates and row-level security (docs/privacy.md)
            refresh_personen(session, person_facts(con, session.scalars(record_numbers(session)).all()), day)
            session.commit()
    counts = {f"signal_{code}": n for code, n in sorted(Counter(s.signal for s in signals).items())}
    counts.update({"cases_opened": summary.opened, "cases_updated": summary.updated,
                   "cases_closed": summary.closed})
    return counts


@task(retries=1, retry_delay_seconds=[30], retry_condition_fn=_worth_retrying,
      persist_result=False, cache_policy=NO_CACHE)
def assign_cases(data_dir: str, gemeente: str | None, day: date) -> dict[str, int]:
    """New cases to their LPA / counsellor by the work-list rules, before the letters name them."""
    from reports.gather import assign_by_rules

    settings = run_settings(data_dir, gemeente)
    with staging_read_only(settings) as con, registers(settings) as session:
        return {"cases_assigned": assign_by_rules(session, con, settings.reports)}


def _logger() -> Any:
    """The run's logger inside a flow, the module's outside one (a task function called directly)."""
    try:
        return get_run_logger()
    except Exception:  # prefect.exceptions.MissingContextError
        import logging

        return logging.getLogger(__name__)


@task(retries=2, retry_delay_seconds=[30, 120], retry_condition_fn=_worth_retrying,
      persist_result=False, cache_policy=NO_CACHE)
def write_letters(data_dir: str, gemeente: str | None, day: date) -> dict[str, int]:
    """Every letter due on `day`, once (`letters.run.run_letters`: it recovers an interrupted run)."""
    from letters import office
    from letters.run import run_letters

    settings = run_settings(data_dir, gemeente)
    catalog = run_catalog(settings)
    if not catalog.staging.is_file():
        return {"letters": 0}
    try:
        config = office.ready(settings.letters, settings.gemeenten)
    except office.KantoorOnvolledig as exc:  # the letters stay due: the first run after it is set writes them
        _logger().error("No letters written: %s", exc)
        return {"letters": 0, "letters_not_configured": 1}
    result = run_letters(register_sessions(settings), catalog.staging, catalog.letters, day,
                         gemeenten=settings.gemeenten, config=config,
                         pdf=settings.letters_pdf, agenda=settings.agenda)
    return {"letters": result.brieven, "letter_reminders": result.herinneringen,
            "letters_suppressed": result.onderdrukt, "letter_runs_recovered": result.hersteld}


@task(retries=2, retry_delay_seconds=[5, 30], persist_result=False, cache_policy=NO_CACHE)
def archive_delivery(path: str, inbox: str, archive: str, run_date: date) -> str:
    return str(inbox_folder.archive(Path(path), Path(inbox), Path(archive), run_date))


class DeliveriesStopped(RuntimeError):
    """No new BRP or DUO delivery has arrived for longer than [freshness] weekly_max_weeks."""


def check_arrivals(settings: Settings) -> None:
    """Fail the run loudly when a supplier has gone quiet (the imports of this run stay)."""
    from connectors.freshness import not_arrived_since

    with staging_read_only(settings) as con:
        if con is None:
            return
        quiet = not_arrived_since(con, today(), settings.freshness.weekly_max_weeks)
    if quiet:
        weeks = settings.freshness.weekly_max_weeks
        raise DeliveriesStopped(  # the run's failure message, in Dutch (docs/running.md)
            "; ".join(f"er is sinds {format_nl(s.newest)} geen nieuwe {s.source}-levering binnengekomen "
                      f"({s.days} dagen)" for s in quiet if s.newest is not None)
            + f" (grens: [freshness] weekly_max_weeks = {weeks}). Signalen, dossiers en brieven zijn niet "
            "op oude gegevens berekend; vraag de leverancier ernaar, zet de levering in de inbox en start de "
            "run opnieuw.")


def _set_aside(path: Path, inbox: Path, refused: Path, reason: str) -> None:
    """Move a refused file out of the inbox with its reason; if even that fails it stays (and is
    met again next week), the run goes on either way."""
    logger = get_run_logger()
    try:
        inbox_folder.set_aside(path, inbox, refused, today(), reason)
    except OSError as exc:
        logger.error("%s could not be set aside (%s); it stays in the inbox", path.name, exc)


@flow(name="weekly", persist_result=False, log_prints=False, on_failure=[notify_failure],
      on_crashed=[notify_failure])
def weekly_flow(
    peildatum: date | None = None,
    inbox: str | None = None,
    data_dir: str | None = None,
    gemeente: str | None = None,
    strict: bool = False,
) -> dict[str, int] | State:
    """Import the deliveries waiting in the inbox, then signals → cases → letters on `peildatum`.

    Returns the counts; with a refused file, in the state "Completed with refusals" (calling the
    flow still gives the counts, `files_refused` among them). When the newest BRP or DUO delivery is
    more than [freshness] max_days before the peildatum the run warns (`stale_deliveries=1` in its
    counts); `strict` fails it instead, after the imports and before anything is computed."""
    logger = get_run_logger()
    settings = run_settings(data_dir, gemeente)
    catalog = run_catalog(settings, inbox)
    day = peildatum or today()
    counts: dict[str, int] = {}
    lock = RunLock(settings.data_dir, catalog.register_url, purpose="weekly", lock_file=catalog.run_lock)
    with lock:
        if lock.taken_over:
            logger.warning("resuming after a run that ended without releasing the lock (%s)",
                           lock.taken_over.describe())
        scan = inbox_folder.scan(catalog.inbox)
        counts["unrecognised_files"] = len(scan.unrecognised)
        if scan.unrecognised:
            logger.warning("%d file(s) in the inbox are not a known delivery and were left there",
                           len(scan.unrecognised))
        refused: list[str] = []
        for path, reason in scan.refused:
            logger.warning("refused %s: %s", path.name, reason)
            _set_aside(path, catalog.inbox, catalog.refused, reason)
            refused.append(path.name)
        refused_kinds: set[str] = set()
        for delivery in scan.deliveries:
            if refused_kinds & set(WAITS_FOR.get(delivery.kind, ())):
                logger.warning("%s waits in the inbox: an earlier DUO delivery was refused",
                               delivery.path.name)
                counts["files_waiting"] = counts.get("files_waiting", 0) + 1
                continue
            try:
                result = import_inbox_delivery(str(delivery.path), delivery.kind, str(settings.data_dir),
                                               gemeente)
                archive_delivery(str(delivery.path), str(catalog.inbox), str(catalog.archive), today())
            except Exception as exc:  # refused, or still failing after the retries: this file only
                reason = str(exc) if isinstance(exc, RefusedFile) else f"{type(exc).__name__}: {exc}"
                logger.error("%s set aside: %s", delivery.path.name, reason)
                _set_aside(delivery.path, catalog.inbox, catalog.refused, reason)
                refused.append(delivery.path.name)
                refused_kinds.add(delivery.kind)
                continue
            counts[f"files_{delivery.kind}"] = counts.get(f"files_{delivery.kind}", 0) + 1
            for key, value in result.items():
                counts[key] = counts.get(key, 0) + value
        counts["files_refused"] = len(refused)
        logger.info(summary_line("weekly imports", counts))
        check_arrivals(settings)
        warning = stale_deliveries(settings, day, strict=strict, what=COMPUTES["weekly"])
        if warning:
            logger.warning(warning)
            counts["stale_deliveries"] = 1
        for step in (register_verzuimmeldingen, match_and_sync_cases, assign_cases, write_letters):
            counts.update(step(str(settings.data_dir), gemeente, day))
    logger.info(summary_line("weekly", counts))
    if refused:
        message = f"completed with refusals: {len(refused)} file(s) set aside in {catalog.refused}"
        logger.warning("weekly %s", message)
        return Completed(name=COMPLETED_WITH_REFUSALS, message=message, data=counts)
    return counts
