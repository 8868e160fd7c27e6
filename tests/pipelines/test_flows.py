"""The flows under Prefect (one session-scoped test harness) and through `.fn()`."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipelines.monthly import first_working_day_guard, monthly_flow
from pipelines.verzuim_sync import verzuim_sync_flow
from tests.pipelines.test_verzuim_https import _feedback_export

ROOT = Path(__file__).resolve().parents[2]


def _stored_results() -> set[str]:
    """Prefect's local result storage. It keeps the exception of every *failed* run whatever the
    flow says (upstream behaviour; docs/running.md), so a successful run must add nothing."""
    import os

    storage = Path(os.environ["PREFECT_HOME"]) / "storage"
    return {p.name for p in storage.iterdir()} if storage.exists() else set()


def test_guard_passes_only_the_first_working_day() -> None:
    assert first_working_day_guard.fn(date(2026, 6, 1), [])
    assert not first_working_day_guard.fn(date(2026, 6, 2), [])
    assert not first_working_day_guard.fn(date(2026, 6, 1), [date(2026, 6, 1)])


def test_verzuim_sync_flow_end_to_end(prefect_harness: None, verzuim_endpoint: Any, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch,
                                      caplog: pytest.LogCaptureFixture) -> None:
    certs = verzuim_endpoint.certificates
    for name, value in (("URL", verzuim_endpoint.url), ("CERT", certs.client_cert),
                        ("KEY", certs.client_key), ("CA", certs.ca)):
        monkeypatch.setenv(f"INBEELD_VERZUIM_{name}", str(value))
    verzuim_endpoint.state.add("VM-1")
    verzuim_endpoint.state.add("VM-2")
    verzuim_endpoint.state.add("VM-3", b"<broken")
    verzuim_endpoint.state.add("VM-OLD")
    verzuim_endpoint.state.received.add("VM-OLD")  # fetched last week; the gemeente has closed it since
    _feedback_export(tmp_path, ["VM-OLD"])
    caplog.set_level("DEBUG")
    stored_before = _stored_results()
    state = verzuim_sync_flow(data_dir=str(tmp_path), return_state=True)
    assert state.is_completed()
    counts = state.result()
    assert counts == {"configured": 1, "fetched": 2, "already_present": 0, "failed": 1, "acknowledged": 2,
                      "feedback_posted": 1, "feedback_failed": 0}
    assert verzuim_endpoint.state.feedback == {"VM-OLD": "afgesloten"}
    assert (tmp_path / "outbox" / "verzuim-status" / "posted-through.txt").is_file()
    assert sorted(p.name for p in (tmp_path / "inbox").iterdir()) == [
        "verzuim-https-VM-1.xml", "verzuim-https-VM-2.xml"]
    assert "verzuim-sync summary: configured=1, fetched=2" in caplog.text
    assert "VM-3 not handled this time" in caplog.text
    assert "999993653" not in caplog.text and "Leerling" not in caplog.text  # the messages' BSN and name
    assert _stored_results() == stored_before, "a task or flow result was persisted"


def test_monthly_guard_skips_a_day_that_is_not_the_first_working_day(prefect_harness: None,
                                                                     tmp_path: Path) -> None:
    state = monthly_flow(peildatum=date(2026, 6, 2), data_dir=str(tmp_path), only_on_first_working_day=True,
                         return_state=True)
    assert state.is_completed() and state.result() == {"skipped": 1}
    assert not (tmp_path / "inbeeld.lock").exists()  # skipped before taking the lock


HOLD = "import sys; from pipelines.lock import RunLock; RunLock(sys.argv[1], purpose='weekly').acquire(); " \
       "print('locked', flush=True); sys.stdin.read()"


def test_a_flow_and_inbeeld_run_stop_while_another_run_holds_the_lock(prefect_harness: None,
                                                                      tmp_path: Path) -> None:
    from cli import main
    from pipelines.lock import RunLockHeld

    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        state = monthly_flow(peildatum=date(2026, 6, 1), data_dir=str(tmp_path), return_state=True)
        assert state.is_failed()
        with pytest.raises(RunLockHeld, match=f"pid {holder.pid}"):
            state.result()
        result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "run", "monthly",
                                           "--peildatum", "2026-06-01"])
        assert result.exit_code == 3  # busy: nothing was done (docs/running.md)
        assert f"'weekly', pid {holder.pid}" in result.output and "er is niets gedaan" in result.output
    finally:
        holder.kill()
        holder.wait(10)
