"""`inbeeld retention run` on a data directory with staged deliveries and a register: the frozen
clock (`--today`) decides, the person's birth date comes from staging, the report holds counts only."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from cli import main
from connectors.deliveries import load
from connectors.staging import Staging
from inbeeld.settings import load_settings
from pipelines.daily import retention
from pipelines.retention import purge_files
from registers.audit import AuditTrail, load_key
from registers.codes import LetterKind, LetterStatus, ReasonCode
from registers.db import open_registers
from registers.models import Case, Letter, Persoon
from tests.registers import retention_data as data

FIXTURES = Path(__file__).resolve().parents[1] / "connectors" / "fixtures"
CHILD, PUPIL = "999900006", "999990019"  # BRP fixture: born 2 September 2015; DUO fixture: 11 February 2010
LETTER = "0001-absoluut_verzuim-LP-000002-01.docx"
D = date.fromisoformat


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    settings = load_settings(data_dir=folder, environ={})
    old = tmp_path / "brp-G0363-20250106.lo3.csv"
    shutil.copy(FIXTURES / "brp" / "gemeente.lo3.csv", old)
    new = tmp_path / "brp-G0363-20260907.haalcentraal.json"  # the same persons, a later delivery
    shutil.copy(FIXTURES / "brp" / "gemeente.haalcentraal.json", new)
    with Staging(settings.staging_path) as staging:
        load(staging, old)
        load(staging, new)
        load(staging, FIXTURES / "duo" / "duo-C-G0363-20260907.csv")
    factory = open_registers(settings.register_url, AuditTrail(load_key(folder)))
    with factory() as session:
        data.case(session, CHILD, ReasonCode.ABSOLUUT_VERZUIM, D("2021-01-04"), D("2021-03-01"))
        pupil = data.case(session, PUPIL, ReasonCode.ABSOLUUT_VERZUIM, D("2023-01-09"), D("2023-02-01"))
        session.add(Letter(onderwerp=f"case:{pupil.id}", case_id=pupil.id, persoonsnummer=PUPIL,
                           soort=LetterKind.ABSOLUUT_VERZUIM, rang=1, geadresseerde="ouder1",
                           status=LetterStatus.AANGEMAAKT, kenmerk="LP-000002-01", datum=D("2023-01-10"),
                           run="230110-1", bestand=LETTER, recorded_at=data.RECORDED))
        session.commit()
    run_folder = folder / "letters" / "230110-1"
    run_folder.mkdir(parents=True)
    for name in (LETTER, LETTER.replace(".docx", ".pdf"), "drukwerk.docx", "drukwerk.pdf"):
        (run_folder / name).write_bytes(b"brief")
    factory.kw["bind"].dispose()
    return folder


def _run(folder: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--data-dir", str(folder), "retention", "run", *args])


def _state(folder: Path) -> tuple[list[str], dict[str, tuple], list[str]]:
    settings = load_settings(data_dir=folder, environ={})
    factory = open_registers(settings.register_url, AuditTrail(load_key(folder)))
    with factory() as session:
        cases = sorted(session.scalars(select(Case.persoonsnummer)))
        people = {p.persoonsnummer: (p.geboortedatum, p.gemeentecode)
                  for p in session.scalars(select(Persoon))}
    factory.kw["bind"].dispose()
    with Staging(settings.staging_path, read_only=True) as staging:
        files = [row["file_name"] for row in staging.imports()]
    return cases, people, files


def test_a_dry_run_counts_and_removes_nothing(data_dir: Path) -> None:
    result = _run(data_dir, "--dry-run", "--today", "2034-09-02")
    assert result.exit_code == 0, result.output
    assert "proef" in result.output
    cases, people, files = _state(data_dir)
    assert cases == sorted([CHILD, PUPIL]) and people == {}
    assert len(files) == 3
    report = json.loads(next((data_dir / "retention").glob("retention-2034-09-02-proef.json")).read_text())
    assert report["registers"]["vernietigd"]["cases"] == 2 and report["proef"] is True


def test_birth_dates_come_from_staging_and_the_frozen_clock_decides(data_dir: Path) -> None:
    day_before = _run(data_dir, "--today", "2034-09-01")
    assert day_before.exit_code == 0, day_before.output

    cases, people, files = _state(data_dir)
    assert cases == [CHILD], "the pupil's leerplicht dossier went on 11 February 2029"
    assert people == {CHILD: (D("2015-09-02"), "0363")}
    assert files == ["brp-G0363-20260907.haalcentraal.json", "duo-C-G0363-20260907.csv"], "old BRP: gone"
    assert not (data_dir / "letters" / "230110-1").exists(), "the pupil's letter and the old print file"

    on_the_day = _run(data_dir, "--today", "2034-09-02")
    assert on_the_day.exit_code == 0, on_the_day.output
    assert _state(data_dir)[:2] == ([], {}), "the birth date was kept after its delivery left staging"


def test_the_purge_report_holds_counts_and_no_person(data_dir: Path) -> None:
    result = _run(data_dir, "--today", "2034-09-02")
    assert result.exit_code == 0, result.output
    written = sorted((data_dir / "retention").iterdir())
    assert [p.name for p in written] == ["retention-2034-09-02.csv", "retention-2034-09-02.json"]
    report = json.loads(written[1].read_text())
    assert report["registers"]["vernietigd"]["cases"] == 2
    assert report["staging"] == {"brp": {"leveringen": 1, "rijen": report["staging"]["brp"]["rijen"]}}
    for path in written:
        text = path.read_text(encoding="utf-8-sig")
        assert CHILD not in text and PUPIL not in text and "Vries" not in text
    again = _run(data_dir, "--today", "2034-09-02")
    assert again.exit_code == 0 and (data_dir / "retention" / "retention-2034-09-02-2.json").is_file()


def test_a_running_import_makes_the_run_wait(data_dir: Path) -> None:
    settings = load_settings(data_dir=data_dir, environ={})
    with Staging(settings.staging_path):
        result = _run(data_dir, "--today", "2034-09-02")
    assert result.exit_code == 1 and "er is niets verwijderd" in result.output
    assert _state(data_dir)[0] == sorted([CHILD, PUPIL])


def test_letter_print_files_and_archived_deliveries_go_with_the_staging_period(tmp_path: Path) -> None:
    letters, archive = tmp_path / "letters", tmp_path / "archive"
    for run in ("250105-1", "250106-1", "250106-2.afgebroken"):
        (letters / run).mkdir(parents=True)
        for name in ("drukwerk.docx", "drukwerk-2.pdf", "0001-rmc_18_23-RMC-000001-01.docx"):
            (letters / run / name).write_bytes(b"x")
    for day in ("2025-01-05", "2025-01-06"):
        (archive / day / "duo").mkdir(parents=True)
        (archive / day / "duo" / "duo-P-G0363.csv").write_bytes(b"x")

    dry = purge_files(letters, archive, [], D("2025-01-06"), dry_run=True)
    assert (dry.print_files, dry.archive_files) == (2, 1) and (archive / "2025-01-05").exists()

    done = purge_files(letters, archive, [("250106-1", "0001-rmc_18_23-RMC-000001-01.docx"),
                                          ("../etc", "passwd")], D("2025-01-06"))

    assert (done.letter_files, done.print_files, done.archive_files) == (1, 2, 1)
    assert sorted(p.name for p in (letters / "250105-1").iterdir()) == ["0001-rmc_18_23-RMC-000001-01.docx"]
    assert sorted(p.name for p in (letters / "250106-1").iterdir()) == ["drukwerk-2.pdf", "drukwerk.docx"]
    assert not (archive / "2025-01-05").exists() and (archive / "2025-01-06" / "duo").is_dir()


def test_the_daily_flow_step_runs_the_retention(data_dir: Path) -> None:
    counts = retention.fn(str(data_dir), None, D("2034-09-02"))
    assert counts == {"retention_records": 5, "retention_deliveries": 1, "retention_audit_rows": 0}
