"""Crash safety: the weekly flow killed with SIGKILL part-way and run again ends in the same state
as an uninterrupted run (SQLite register). The kill point is after the first delivery was
imported and archived, while later deliveries still wait in the inbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import select

from pipelines.stores import registers
from pipelines.weekly import weekly_flow
from registers.models import Case, Letter
from settings import Settings
from tests.pipelines.test_weekly import _inbox

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 9, 7)
RUN = ("import sys; from datetime import date; from pipelines.weekly import weekly_flow; "
       "weekly_flow(peildatum=date(2026, 9, 7), data_dir=sys.argv[1], gemeente='0363')")


def _end_state(data_dir: Path) -> dict:
    """Everything the weekly flow leaves behind, without ids and timestamps."""
    from registers.verzuim import list_meldingen
    from registers.vrijstellingen import list_vrijstellingen

    with duckdb.connect(str(data_dir / "staging.duckdb"), read_only=True) as con:
        imports = con.execute("SELECT kind, file_name, rows_read, rows_loaded, rows_quarantined, status "
                              "FROM imports ORDER BY import_id").fetchall()
        enrolments = con.execute("SELECT count(*) FROM duo_clevering").fetchone()
        persons = con.execute("SELECT count(*) FROM brp_personen").fetchone()
    with registers(Settings(data_dir=data_dir)) as session:
        meldingen = sorted((m.meldingsnummer, str(m.status)) for m in list_meldingen(session))
        vrijstellingen = sorted((v.persoonsnummer, str(v.grond), v.begindatum)
                                for v in list_vrijstellingen(session))
        cases = sorted((str(c.signal), c.persoonsnummer, str(c.status), c.sinds)
                       for c in session.scalars(select(Case)))
        letters = sorted((str(x.soort), x.persoonsnummer, x.geadresseerde, str(x.status), x.rang)
                         for x in session.scalars(select(Letter)))
    archive = _files(data_dir / "archive")
    inbox = _files(data_dir / "inbox")
    return {"imports": imports, "enrolments": enrolments, "persons": persons, "meldingen": meldingen,
            "vrijstellingen": vrijstellingen, "cases": cases, "letters": letters, "archive": archive,
            "inbox": inbox}


def test_weekly_killed_after_an_import_ends_like_an_uninterrupted_run(
        prefect_harness: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    reference, crashed = tmp_path / "reference", tmp_path / "crashed"
    for data_dir in (reference, crashed):
        _inbox(data_dir)
    weekly_flow(peildatum=DAY, data_dir=str(reference), gemeente="0363")

    env = {**os.environ, "PREFECT_API_URL": prefect_harness, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", RUN, str(crashed)], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if (crashed / "archive").is_dir() and any(p.is_file() for p in (crashed / "archive").rglob("*")):
            child.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    assert child.wait(30) == -signal.SIGKILL, "the weekly run was not killed part-way"
    left = _inbox_files(crashed)
    assert 0 < len(left) < 5, f"killed too late or too early: {left}"
    assert (crashed / "inbeeld.lock").read_text(), "the killed run left its lock behind"

    weekly_flow(peildatum=DAY, data_dir=str(crashed), gemeente="0363")
    assert "taking over the lock of a run that ended without releasing it" in caplog.text
    assert _end_state(crashed) == _end_state(reference)


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _inbox_files(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "inbox").rglob("*") if p.is_file() and p.name != "notes.txt")
