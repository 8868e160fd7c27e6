"""Telling beheer that a flow run failed: one e-mail through the configured SMTP server.

The flows carry `notify_failure` as their Prefect failure and crash hook, so a scheduled run that
fails at night is in beheer's mailbox in the morning. The message names the flow, the run, when it
started, the kind of error and what to do; never the error's text, which can quote a delivery's
values (a BSN, a name). The details stay in the run's log, behind the Prefect UI's login.
"""

from __future__ import annotations

import logging
import os
import smtplib
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from inbeeld.settings import Notifications, load_settings
from pipelines.schedules import TIMEZONE

log = logging.getLogger(__name__)


class NotificationError(RuntimeError):
    """The SMTP server could not be reached or refused the message."""


def failure_message(config: Notifications, flow: str, run: str, started: datetime | None, error_kind: str,
                    data_dir: str) -> EmailMessage:
    """The e-mail about one failed run (Dutch: beheer reads it), without personal data."""
    when = started.astimezone(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%d %H:%M") if started else "onbekend"
    message = EmailMessage()
    message["Subject"] = f"InBeeld: run {flow} mislukt"
    message["From"] = config.sender
    message["To"] = ", ".join(config.to)
    message.set_content(
        f"De run '{flow}' van InBeeld is mislukt.\n\n"
        f"Run:       {run}\n"
        f"Gestart:   {when} ({TIMEZONE})\n"
        f"Soort fout: {error_kind}\n"
        f"Gegevens:  {data_dir}\n\n"
        "Wat nu: open deze run in de Prefect-UI voor de foutmelding en het logboek, en draai\n"
        "`inbeeld doctor` op de server. Opnieuw draaien is veilig: `inbeeld run "
        f"{flow}`.\n\n"
        "Dit bericht bevat geen persoonsgegevens; de details staan in het logboek van de run.\n")
    return message


def send(config: Notifications, message: EmailMessage) -> None:
    """Deliver `message` through the configured SMTP server (STARTTLS and login when configured)."""
    if not config.smtp_host or not config.to:
        return
    password = os.environ.get(config.password_env, "") if config.password_env else ""
    try:
        with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.timeout) as smtp:
            if config.starttls:
                smtp.starttls()
            if config.username:
                smtp.login(config.username, password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise NotificationError(f"could not send the failure e-mail through {config.smtp_host}:"
                                f"{config.smtp_port}: {exc}") from None


def notify_failure(flow: Any, flow_run: Any, state: Any) -> None:
    """Prefect on_failure / on_crashed hook: mail beheer, if notifications are configured."""
    parameters = dict(getattr(flow_run, "parameters", None) or {})
    try:
        settings = load_settings(data_dir=parameters.get("data_dir"))
    except ValueError as exc:  # a broken inbeeld.toml must not hide the failure it is about
        log.error("failure e-mail not sent: %s", exc)
        return
    config = settings.notifications
    if not config.smtp_host or not config.to:
        return
    error = state.result(raise_on_failure=False) if hasattr(state, "result") else None
    kind = type(error).__name__ if isinstance(error, BaseException) else str(getattr(state, "type", "failed"))
    message = failure_message(config, flow.name, f"{flow_run.name} ({flow_run.id})",
                              getattr(flow_run, "start_time", None), kind, str(settings.data_dir.resolve()))
    try:
        send(config, message)
    except NotificationError as exc:
        log.error("%s", exc)
