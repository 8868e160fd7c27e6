"""Importing BRP deliveries end to end: idempotence, the 10 % shrink guard and --force, the change
summary, and a SIGKILL halfway through an import."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from brp_helpers import lo3_file, valid_bsns
from click.testing import CliRunner

from cli import main
from connectors.staging import Staging
from tests.named_user import add_tester

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), *args])


def test_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    file = lo3_file(tmp_path / "brp-G0363-20260907.lo3.csv", valid_bsns(5))
    first = run(tmp_path, "import", "brp", str(file))
    assert first.exit_code == 0 and "ingelezen als import 1" in first.output
    again = run(tmp_path, "import", "brp", str(file))
    assert again.exit_code == 0 and "dezelfde inhoud als import 1" in again.output
    with Staging(tmp_path / "data" / "staging.duckdb", read_only=True) as st:
        assert len(st.imports()) == 1
        assert st.con.execute("SELECT count(*) FROM brp_personen").fetchone()[0] == 5


def test_shrink_guard_and_force(tmp_path: Path) -> None:
    bsns = valid_bsns(20)
    full = lo3_file(tmp_path / "week1.lo3.csv", bsns)
    truncated = lo3_file(tmp_path / "week2.lo3.csv", bsns[:17])  # 15 % fewer residents
    assert run(tmp_path, "import", "brp", str(full)).exit_code == 0
    refused = run(tmp_path, "import", "brp", str(truncated))
    assert refused.exit_code == 1
    assert "17 inwoners" in refused.output and "20 in de vorige levering" in refused.output
    assert "--force" in refused.output
    with Staging(tmp_path / "data" / "staging.duckdb", read_only=True) as st:
        assert [i["import_id"] for i in st.imports()] == [1]
    forced = run(tmp_path, "import", "brp", "--force", str(truncated))
    assert forced.exit_code == 0 and "met --force, ondanks de daling in ingezetenen" in forced.output
    assert "nieuw 0, vertrokken 3, ander adres 0" in forced.output


def test_shrink_counts_residents_of_served_gemeenten_only(tmp_path: Path) -> None:
    bsns = valid_bsns(10)
    week1 = lo3_file(tmp_path / "week1.lo3.csv", bsns)
    moved = tmp_path / "week2.lo3.csv"
    text = week1.read_text(encoding="utf-8").splitlines()
    # three persons moved to another gemeente: still in the delivery, no longer residents
    text[1:4] = [line.replace(";0363;", ";0599;") for line in text[1:4]]
    moved.write_text("\n".join(text) + "\n", encoding="utf-8")
    args = ["--gemeenten", "0363", "import", "brp"]
    assert run(tmp_path, *args, str(week1)).exit_code == 0
    assert run(tmp_path, *args, str(moved)).exit_code == 1


def test_change_summary(tmp_path: Path) -> None:
    bsns = valid_bsns(12)
    week1 = lo3_file(tmp_path / "week1.lo3.csv", bsns[:10])
    week2 = lo3_file(tmp_path / "week2.lo3.csv", bsns[1:12], street={bsns[5]: "Molenweg"})
    assert run(tmp_path, "import", "brp", str(week1)).exit_code == 0
    second = run(tmp_path, "import", "brp", str(week2))
    assert second.exit_code == 0
    assert "veranderd sinds import 1: nieuw 2, vertrokken 1, ander adres 1" in second.output
    assert "999" not in second.output  # no BSN in the summary


def test_quarantine_list(tmp_path: Path) -> None:
    bsns = valid_bsns(3)
    file = lo3_file(tmp_path / "w.lo3.csv", [*bsns, "123456789"])
    loaded = run(tmp_path, "import", "brp", str(file))
    assert "1 in quarantaine" in loaded.output
    by = add_tester(tmp_path / "data")
    listed = run(tmp_path, *by, "quarantine", "list", "--import", "1", "--format", "csv")
    assert listed.exit_code == 0
    assert listed.output.splitlines()[1] == (
        "1;w.lo3.csv;5;bsn;123456789;voldoet niet aan de elfproef (geen BSN) - persoonslijst geweigerd")
    empty = run(tmp_path, *by, "quarantine", "list", "--import", "2").output
    assert "Geen waarden in quarantaine voor import 2." in empty


@pytest.mark.slow
def test_sigkill_halfway_keeps_the_previous_state_and_a_rerun_completes(tmp_path: Path) -> None:
    from bench.brp_bulk_files import write_all

    small = lo3_file(tmp_path / "week1.lo3.csv", valid_bsns(50))
    big = write_all(100_000, tmp_path / "big", formats=("lo3csv",))["lo3csv"]
    data = tmp_path / "data"
    command = [sys.executable, "cli.py", "--data-dir", str(data), "import", "brp", "--force"]
    subprocess.run([*command, str(small)], cwd=ROOT, check=True, capture_output=True)
    staging = data / "staging.duckdb"

    def written() -> int:
        return sum(p.stat().st_size for p in (staging, Path(f"{staging}.wal")) if p.exists())

    before = written()
    victim = subprocess.Popen([*command, str(big)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and written() == before and victim.poll() is None:
        time.sleep(0.005)  # until the import has started writing to the staging file
    assert victim.poll() is None, "the import finished before it could be killed; use a bigger file"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()

    with Staging(staging, read_only=True) as st:
        assert [i["import_id"] for i in st.imports()] == [1]
        assert st.con.execute("SELECT count(*) FROM brp_personen").fetchone()[0] == 50
    rerun = subprocess.run([*command, str(big)], cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    with Staging(staging, read_only=True) as st:
        counts = st.con.execute(
            "SELECT import_id, count(*) FROM brp_personen GROUP BY 1 ORDER BY 1").fetchall()
        assert counts == [(1, 50), (2, 100_000)]
        assert st.con.execute("SELECT count(*) FROM brp_historie WHERE import_id = 2").fetchone()[0] == 10_000


def test_no_bsn_or_name_in_logs_above_debug(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    bsns = valid_bsns(3)
    file = lo3_file(tmp_path / "w.lo3.csv", [*bsns, "123456789", bsns[0]])  # a bad BSN and a duplicate
    with caplog.at_level(logging.DEBUG):
        run(tmp_path, "import", "brp", str(file))
        run(tmp_path, "import", "brp", "--duplicates", "quarantine", str(file))
    above_debug = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert above_debug, "the import logs what it did"
    for message in above_debug:
        assert not any(number in message for number in [*bsns, "123456789"]), message
        assert "Kim" not in message and "Jansen" not in message, message
