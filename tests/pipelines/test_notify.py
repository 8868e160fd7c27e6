"""A failed flow run tells beheer by e-mail, through a real SMTP exchange, with no personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from inbeeld.settings import Notifications
from pipelines.notify import NotificationError, failure_message, send
from pipelines.weekly import weekly_flow
from tests.pipelines.test_weekly import BSNS, _lo3
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.slow  # run first: the suite's long tail (tests/conftest.py)


def test_the_message_goes_through_smtp(tmp_path: Path) -> None:
    with SmtpServer() as server:
        config = Notifications(smtp_host="127.0.0.1", smtp_port=server.port, sender="inbeeld@gemeente.nl",
                               to=("beheer@gemeente.nl", "ict@gemeente.nl"))
        send(config, failure_message(config, "weekly", "brave-otter (1234)",
                                     datetime(2026, 9, 7, 4, 0, tzinfo=UTC), "RefusedFile", "/srv/inbeeld"))
    [mail] = server.mailbox.messages
    assert mail.sender == "inbeeld@gemeente.nl"
    assert mail.recipients == ["beheer@gemeente.nl", "ict@gemeente.nl"]
    message = mail.message()
    assert message["Subject"] == "InBeeld: run weekly mislukt"
    body = message.get_content()
    assert "Gestart:   2026-09-07 06:00 (Europe/Amsterdam)" in body and "RefusedFile" in body
    assert "inbeeld doctor" in body


def test_an_unreachable_server_is_named(tmp_path: Path) -> None:
    from pipelines.local_server import free_port

    config = Notifications(smtp_host="127.0.0.1", smtp_port=free_port(), to=("beheer@x.nl",), timeout=2)
    with pytest.raises(NotificationError, match=r"127\.0\.0\.1"):
        send(config, failure_message(config, "daily", "r", None, "X", "/d"))


def test_a_failed_weekly_run_mails_beheer_without_personal_data(
        prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _lo3(inbox / "brp-G0363-20260907.lo3.csv", 3)
    (tmp_path / "staging.duckdb").write_bytes(f"damaged {BSNS[0]} Jansen ".encode() * 100)
    with SmtpServer() as server:
        config = tmp_path / "inbeeld.toml"
        config.write_text(f'[notifications]\nsmtp_host = "127.0.0.1"\nsmtp_port = {server.port}\n'
                          'to = ["beheer@gemeente.nl"]\n', encoding="utf-8")
        monkeypatch.setenv("INBEELD_CONFIG", str(config))
        state = weekly_flow(peildatum=date(2026, 9, 7), data_dir=str(tmp_path), gemeente="0363",
                            return_state=True)
        assert state.is_failed()
        assert server.mailbox.arrived.wait(10), "no e-mail arrived"
    [mail] = server.mailbox.messages
    raw = mail.data.decode("utf-8", "replace")
    assert "run weekly mislukt" in raw
    for bsn in BSNS:
        assert bsn not in raw
    assert "Jansen" not in raw and "staging.duckdb" not in raw


def test_no_mail_without_configuration(tmp_path: Path) -> None:
    with SmtpServer() as server:
        send(Notifications(smtp_host=None, to=("beheer@gemeente.nl",)),
             failure_message(Notifications(), "weekly", "r", None, "X", "/d"))
    assert server.mailbox.messages == []
