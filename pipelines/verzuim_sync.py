"""The verzuim sync: fetch new verzuimmeldingen over HTTPS into the inbox and post status feedback.

Fetching only adds files to the inbox (atomically), so it takes no run lock: it may run while the
weekly flow works, which imports what the sync brought in. The feedback is the registers' own
export (`registers.verzuim.export_feedback_xml`, XSD-checked) of every status set since the last
complete post, one melding per request; a partly failed post is repeated whole next time.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from connectors.verzuim_https import EndpointConfig, VerzuimEndpoint, fetch_new, post_feedback, split_feedback
from pipelines.notify import notify_failure
from pipelines.run_settings import run_catalog, run_settings, summary_line, today
from pipelines.schedules import FlowSchedule
from pipelines.stores import registers

# Every quarter past the hour during office hours on working days: an LPA sees a melding the same day.
SCHEDULE = FlowSchedule("15 7-18 * * 1-5")


def _endpoint(data_dir: str | None, gemeente: str | None) -> VerzuimEndpoint | None:
    config = EndpointConfig.from_settings(run_settings(data_dir, gemeente))
    return VerzuimEndpoint(config) if config else None


@task(retries=2, retry_delay_seconds=[30, 120], persist_result=False, cache_policy=NO_CACHE)
def fetch_verzuimmeldingen(data_dir: str | None, gemeente: str | None) -> dict[str, int]:
    """One batch task: every new message, each with its own retries inside."""
    endpoint = _endpoint(data_dir, gemeente)
    if endpoint is None:
        return {"configured": 0}
    catalog = run_catalog(run_settings(data_dir, gemeente))
    archive = catalog.archive

    def seen(number: str) -> bool:
        return any(archive.glob(f"*/verzuim-https-{number}.xml"))

    return {"configured": 1, **fetch_new(endpoint, catalog.inbox, seen=seen).as_dict()}


@task(retries=2, retry_delay_seconds=[30, 120], persist_result=False, cache_policy=NO_CACHE)
def post_status_feedback(data_dir: str | None, gemeente: str | None) -> dict[str, int]:
    endpoint = _endpoint(data_dir, gemeente)
    if endpoint is None:
        return {}
    from registers.verzuim import export_feedback_xml

    settings = run_settings(data_dir, gemeente)
    outbox = run_catalog(settings).verzuim_outbox
    watermark = outbox / "posted-through.txt"
    since = date.fromisoformat(watermark.read_text().strip()) if watermark.is_file() else None
    day = today()
    with registers(settings) as session:
        export_feedback_xml(session, outbox / "terugkoppeling.xml", since=since, today=day)
        session.commit()
    documents = split_feedback((outbox / "terugkoppeling.xml").read_bytes())
    posted, failed = post_feedback(endpoint, documents)
    if not failed:
        watermark.write_text(f"{day.isoformat()}\n")
    return {"feedback_posted": posted, "feedback_failed": failed}


@flow(name="verzuim-sync", persist_result=False, log_prints=False, on_failure=[notify_failure],
      on_crashed=[notify_failure])
def verzuim_sync_flow(data_dir: str | None = None, gemeente: str | None = None) -> dict[str, int]:
    """Fetch new verzuimmeldingen, then post the queued status feedback."""
    fetched = fetch_verzuimmeldingen(data_dir, gemeente)
    counts = {**fetched}
    if fetched.get("configured"):
        counts.update(post_status_feedback(data_dir, gemeente))
    get_run_logger().info(summary_line("verzuim-sync", counts))
    return counts
