"""`inbeeld run` as cron sees it: one line on success, nothing with --quiet, Prefect's own lines only
with --verbose, and on failure exit 1 with one message naming what failed and what to do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pipelines.test_weekly import _duo_c, _lo3

ROOT = Path(__file__).resolve().parents[2]


def _run(harness: str, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # hermetic: an in-process run or the demo of another test in this worker sets Prefect's log levels
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_LOGGING_")}
    env = {**inherited, "PREFECT_API_URL": harness, "INBEELD_DATA_DIR": str(data),
           "INBEELD_GEMEENTEN": "0363", "INBEELD_CONFIG": str(data / "none.toml")}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "run", *args], cwd=data, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_success_is_one_line_quiet_none(prefect_harness: str, tmp_path: Path) -> None:
    """--verbose, which shows Prefect's own lines: the run with its own server below."""
    done = _run(prefect_harness, tmp_path, "daily", "--peildatum", "2026-09-07")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and done.stdout.startswith("daily summary: ")
    assert done.stderr == ""
    quiet = _run(prefect_harness, tmp_path, "daily", "--peildatum", "2026-09-07", "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


@pytest.mark.slow
def test_a_failure_is_one_message_and_exit_1(prefect_harness: str, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _lo3(inbox / "brp-G0363-20260907.lo3.csv", 3)
    (tmp_path / "staging.duckdb").write_bytes(b"not a DuckDB database, a damaged disk" * 100)
    done = _run(prefect_harness, tmp_path, "weekly", "--peildatum", "2026-09-07")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("Fout: inbeeld run weekly is mislukt: ") and "staging.duckdb" in done.stderr
    assert "Wat te doen:" in done.stderr
    assert "| INFO" not in done.stderr and "| ERROR" not in done.stderr and "Traceback" not in done.stderr
    assert "leaked" not in done.stderr  # stderr is not muted at exit: nothing is left to hide


@pytest.mark.slow
def test_a_refused_file_completes_the_run_with_refusals_and_exit_1(prefect_harness: str,
                                                                   tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _lo3(inbox / "brp-G0363-20260907.lo3.csv", 3)
    _duo_c(inbox / "duo-C-G0363-20260907.csv").write_text("NOT;A;DUO;HEADER\n1;2;3;4\n")
    done = _run(prefect_harness, tmp_path, "weekly", "--peildatum", "2026-09-07")
    assert done.returncode == 1 and done.stdout.startswith("weekly summary: "), done.stderr
    assert "is klaar, met geweigerde bestanden: 1 bestand(en) apart gezet" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_run_on_old_deliveries_says_so_and_strict_fails(prefect_harness: str, tmp_path: Path) -> None:
    """Deliveries of 7 September, a run for the 21st: the run completes and says on stderr (not muted
    by --quiet) that its signals rest on old data; with --strict it fails before computing."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _lo3(inbox / "brp-G0363-20260907.lo3.csv", 3)
    _duo_c(inbox / "duo-C-G0363-20260907.csv")
    done = _run(prefect_harness, tmp_path, "weekly", "--peildatum", "2026-09-21", "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("Waarschuwing: de nieuwste BRP-levering is van 7 september 2026, "
                                  "14 dagen voor de peildatum 21 september 2026")
    assert "de signalen, dossiers en brieven berusten op oude gegevens" in done.stderr
    strict = _run(prefect_harness, tmp_path, "weekly", "--peildatum", "2026-09-21", "--strict")
    assert strict.returncode == 1 and strict.stdout == ""
    assert strict.stderr.startswith("Fout: inbeeld run weekly is mislukt: StaleDeliveries: "
                                    "de leveringen zijn te oud: ")
    fresh = _run(prefect_harness, tmp_path, "weekly", "--peildatum", "2026-09-14", "--strict")
    assert fresh.returncode == 0 and fresh.stderr == "" and "stale_deliveries" not in fresh.stdout


@pytest.mark.slow
def test_a_run_with_its_own_prefect_server_leaves_nothing_behind(tmp_path: Path) -> None:
    """No PREFECT_API_URL: the weekly run starts Prefect's temporary server with its database in
    DATA/prefect, imports, matches with DuckDB and writes letters. After it, only prefect.db stays
    in DATA/prefect: no write-ahead log, and no lock or .tmp in the data directory; and DuckDB's
    nanobind prints no leak report at exit (#18 items 2 and 7; it did while Prefect's daemon threads
    outlived the run). With --verbose, Prefect's own lines are shown (one run fewer than a test of
    its own: each `inbeeld run` imports Prefect)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _lo3(inbox / "brp-G0363-20260907.lo3.csv", 3)
    _duo_c(inbox / "duo-C-G0363-20260907.csv")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "INBEELD_"))}
    env = {**inherited, "INBEELD_DATA_DIR": str(tmp_path), "INBEELD_GEMEENTEN": "0363",
           "INBEELD_CONFIG": str(tmp_path / "none.toml")}
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "run", "weekly", "--peildatum", "2026-09-07",
                           "--verbose"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("weekly summary: ") and "cases_opened=" in done.stdout
    assert "Finished in state Completed" in done.stderr  # --verbose: Prefect's own lines
    assert "nanobind" not in done.stderr and "leaked" not in done.stderr
    assert (tmp_path / "prefect" / "prefect.db").is_file()
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
                  if p.name.endswith(("-wal", "-shm", ".lock", ".tmp", "-journal")))
    assert left == [], f"left behind in the data directory: {left}"
