"""Issue 20 #4: what InBeeld writes is the service account's alone — umask 077, folders 0700, files
0600 — whatever umask the shell had and whatever mode a delivery arrived with."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.pipelines.test_weekly import _inbox


@pytest.fixture
def lax_umask() -> Iterator[None]:
    """The shell's usual 022, as cron and a login shell give it; restored afterwards."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_inbeeld_run_writes_nothing_others_can_read_and_ends_with_refusals_for_cron(
        prefect_harness: None, lax_umask: None, tmp_path: Path) -> None:
    from cli import main

    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # as an earlier version left it
    inbox = _inbox(data)
    for path in inbox.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # as the SFTP transfer left them
    (inbox / "vrijstellingen-G0363-20260907.csv").write_text(
        "PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM\n999990044;LPW_5_C;01-09-2026;;extra\n")

    weekly = CliRunner().invoke(main, ["--data-dir", str(data), "--gemeenten", "0363", "run", "weekly",
                                       "--peildatum", "2026-09-07"])
    assert weekly.exit_code == 1, weekly.output
    assert "inbeeld run weekly is klaar, met geweigerde bestanden: 1 bestand(en)" in weekly.output
    monthly = CliRunner().invoke(main, ["--data-dir", str(data), "--gemeenten", "0363", "run", "monthly",
                                        "--peildatum", "2026-10-01"])
    assert monthly.exit_code == 0, monthly.output

    written = [p for p in data.rglob("*") if not p.is_relative_to(inbox)]
    kinds = {p.relative_to(data).parts[0] for p in written}
    assert {"staging.duckdb", "registers.sqlite", "letters", "reports", "archive", "refused",
            "audit.key"} <= kinds
    open_to_others = {str(p.relative_to(data)): oct(stat.S_IMODE(p.lstat().st_mode)) for p in [data, *written]
                      if stat.S_IMODE(p.lstat().st_mode) & 0o077}
    assert open_to_others == {}
