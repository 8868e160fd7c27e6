"""The weekly flow's imports: inbox → staging (the real readers) → archive, refusals, reruns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from connectors.deliveries import ReaderNotAvailable, stage_delivery
from connectors.errors import RefusedFile, SuspiciousShrink
from inbeeld.settings import Settings
from pipelines.stores import registers
from pipelines.weekly import COMPLETED_WITH_REFUSALS, _worth_retrying, weekly_flow, write_letters
from tests.office import OFFICE_TEXT

# the message the verzuim sync test endpoint serves (conftest.py): what the sync saves is importable
from tests.pipelines.conftest import MESSAGE as VERZUIM

pytestmark = pytest.mark.slow  # run first: the suite's long tail (tests/conftest.py)

DUO_HEADER = ("PERSOONSGEBONDENNUMMER;BSN;GEBOORTEDATUM;GESLACHT;POSTCODE;GEMEENTECODE;BRIN_NR;"
              "VESTIGINGSNUMMER;INSCHRIJVINGSVOLGNUMMER;ONDERWIJSSOORT;ONDERWIJSCODE;NIVEAU;LEERWEG;"
              "DATUM_INSCHRIJVING;DATUM_UITSCHRIJVING;BEKOSTIGD;DIPLOMA_DATUM;INDICATIE_STARTKWALIFICATIE;"
              "INDICATIE_PRO_VSO_GETUIGSCHRIFT")
DUO_ROWS = ["999993653;999993653;02-09-2012;V;1017;0363;12AB;00;1;VO;0123;VMBO;TL;01-08-2024;;J;;;",
            "999990639;999990639;11-02-2010;M;1017;0363;12AB;00;1;VO;0123;HAVO;;01-08-2022;;J;;;"]
LO3_HEADER = (";01.01.10;01.01.20;01.02.10;01.02.30;01.02.40;01.03.10;01.04.10;08.09.10;08.09.20;"
              "08.11.10;08.11.20;08.11.60;08.11.70")
# Elfproef-valid test BSNs (999…): synthetic persons only.
BSNS = ["999993653", "999990639", "999991425", "999992211", "999990044", "999990081", "999990135",
        "999990172", "999990226", "999990263"]


def _valid(bsn: str) -> bool:
    return sum(int(d) * w for d, w in zip(bsn, [9, 8, 7, 6, 5, 4, 3, 2, -1], strict=True)) % 11 == 0


def _lo3(path: Path, persons: int) -> Path:
    rows = [f"Lg01_{i};12345678{i:02d};{bsn};Test;;Persoon{i};20120902;V;0363;20120902;Teststraat;{i + 1};"
            "9999ZZ;Voorbeeldstad"
            for i, bsn in enumerate(BSNS[:persons])]
    path.write_text("\n".join([LO3_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _duo_c(path: Path) -> Path:
    path.write_text("\n".join([DUO_HEADER, *DUO_ROWS]) + "\n", encoding="utf-8")
    return path


def _imports(staging: Path) -> list[tuple]:
    with duckdb.connect(str(staging), read_only=True) as con:
        return con.execute("SELECT kind, file_name, rows_loaded FROM imports ORDER BY import_id").fetchall()


def test_the_test_bsns_pass_the_elfproef() -> None:
    assert all(_valid(bsn) for bsn in BSNS)


def test_stage_delivery_loads_once_and_then_is_a_no_op(tmp_path: Path) -> None:
    staging = tmp_path / "staging.duckdb"
    brp = _lo3(tmp_path / "brp-G0363-20260907.lo3.csv", 3)
    duo = _duo_c(tmp_path / "duo-C-G0363-20260907.csv")
    assert stage_delivery(staging, brp, "brp", ("0363",)).as_counts() == {
        "files_imported": 1, "files_already_imported": 0, "rows_loaded": 3, "rows_quarantined": 0}
    assert stage_delivery(staging, duo, "duo_c", ("0363",)).rows_loaded == 2
    again = stage_delivery(staging, brp, "brp", ("0363",))
    assert (again.status, again.as_counts()["files_already_imported"]) == ("duplicate", 1)
    assert _imports(staging) == [("brp", brp.name, 3), ("duo_c", duo.name, 2)]


def test_a_brp_delivery_that_shrinks_suspiciously_is_refused(tmp_path: Path) -> None:
    staging = tmp_path / "staging.duckdb"
    stage_delivery(staging, _lo3(tmp_path / "brp-G0363-20260907.lo3.csv", 10), "brp", ("0363",))
    with pytest.raises(SuspiciousShrink):
        stage_delivery(staging, _lo3(tmp_path / "brp-G0363-20260914.lo3.csv", 5), "brp", ("0363",))
    assert len(_imports(staging)) == 1


def test_a_broken_file_and_a_missing_reader_are_refused(tmp_path: Path) -> None:
    broken = tmp_path / "duo-C-G0363-20260907.csv"
    broken.write_text("NOT;A;DUO;HEADER\n1;2;3;4\n")
    with pytest.raises(RefusedFile):
        stage_delivery(tmp_path / "staging.duckdb", broken, "duo_c")
    stufbg = tmp_path / "brp-G0363-20260907.stufbg.xml"
    stufbg.write_text("<x/>")
    with pytest.raises(RefusedFile):
        stage_delivery(tmp_path / "staging.duckdb", stufbg, "brp")
    with pytest.raises(ReaderNotAvailable, match="onbekende soort levering"):
        stage_delivery(tmp_path / "staging.duckdb", stufbg, "brp_xml")


def test_a_refused_file_is_not_retried_but_io_trouble_is() -> None:
    from prefect.states import Failed

    assert not _worth_retrying(None, None, Failed(data=RefusedFile("f.csv", 1, None, "wrong header")))
    assert _worth_retrying(None, None, Failed(data=OSError("disk full")))
    damaged = duckdb.IOException('IO Error: The file "staging.duckdb" exists, but it is not a valid DuckDB '
                                 'database file!')
    assert not _worth_retrying(None, None, Failed(data=damaged))
    locked = duckdb.IOException('IO Error: Could not set lock on file "staging.duckdb": Conflicting lock')
    assert _worth_retrying(None, None, Failed(data=locked))


def _inbox(data: Path) -> Path:
    inbox = data / "inbox"
    (inbox / "2026-09-07").mkdir(parents=True)
    _lo3(inbox / "2026-09-07" / "brp-G0363-20260907.lo3.csv", 3)
    _duo_c(inbox / "2026-09-07" / "duo-C-G0363-20260907.csv")
    (inbox / "notes.txt").write_text("not a delivery")
    (inbox / "verzuim-https-VM2026-000001.xml").write_text(VERZUIM.format(nummer="VM2026-000001"))
    (inbox / "vrijstellingen-G0363-20260907.csv").write_text(
        f"PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM\n{BSNS[4]};LPW_5_C;01-09-2026;\n")
    return inbox


def test_weekly_imports_archives_matches_and_summarises(prefect_harness: None, tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    summary = weekly_flow(peildatum=date(2026, 9, 7), data_dir=str(tmp_path), gemeente="0363")
    assert summary["files_brp"] == 1 and summary["files_duo_c"] == 1
    assert summary["cases_opened"] == sum(v for k, v in summary.items() if k.startswith("signal_"))
    assert summary["cases_opened"] >= 1 and "letters" in summary
    assert [p.name for p in inbox.rglob("*") if p.is_file()] == ["notes.txt"]
    archived = sorted(p.name for p in (tmp_path / "archive").rglob("*") if p.is_file())
    assert archived == ["brp-G0363-20260907.lo3.csv", "duo-C-G0363-20260907.csv",
                        "verzuim-https-VM2026-000001.xml", "vrijstellingen-G0363-20260907.csv"]
    assert _imports(tmp_path / "staging.duckdb") == [
        ("brp", "brp-G0363-20260907.lo3.csv", 3), ("duo_c", "duo-C-G0363-20260907.csv", 2),
        ("verzuim", "verzuim-https-VM2026-000001.xml", 1),
        ("vrijstellingen", "vrijstellingen-G0363-20260907.csv", 1)]
    from registers.verzuim import list_meldingen
    from registers.vrijstellingen import list_vrijstellingen

    with registers(Settings(data_dir=tmp_path)) as session:  # the register took them in too
        assert [m.meldingsnummer for m in list_meldingen(session)] == ["VM2026-000001"]
        assert [v.persoonsnummer for v in list_vrijstellingen(session)] == [BSNS[4]]
    assert not (tmp_path / "inbeeld.lock").exists()  # released at the end, nothing left behind
    assert not list(tmp_path.glob("staging.duckdb.*"))  # no .lock, no .tmp spill folder


def test_a_refused_duo_c_is_set_aside_its_mutations_wait_and_the_run_goes_on(
        prefect_harness: None, tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    broken = inbox / "2026-09-07" / "duo-C-G0363-20260907.csv"
    broken.write_text("NOT;A;DUO;HEADER\n1;2;3;4\n")
    _duo_c(inbox / "duo-P-G0363-20260914.csv")  # mutations on the refused C-levering: they wait for it
    state = weekly_flow(peildatum=date(2026, 9, 7), data_dir=str(tmp_path), return_state=True)
    assert state.is_completed() and state.name == COMPLETED_WITH_REFUSALS
    counts = state.result()
    assert counts["files_refused"] == 1 and counts["files_waiting"] == 1 and "cases_opened" in counts
    assert not broken.exists() and (inbox / "duo-P-G0363-20260914.csv").exists()
    [aside] = (tmp_path / "refused").rglob("duo-C-G0363-20260907.csv")
    reason = aside.with_name(aside.name + ".reden.txt").read_text()
    assert "duo-C-G0363-20260907.csv geweigerd, regel 1" in reason
    imported = [kind for kind, _, _ in _imports(tmp_path / "staging.duckdb")]
    assert imported == ["brp", "verzuim", "vrijstellingen"]


def test_a_vrijstellingen_csv_with_an_extra_column_and_a_link_are_refused_and_the_run_goes_on(
        prefect_harness: None, tmp_path: Path) -> None:
    """Issue 20 #5 and #7: before, the link was imported and its archiving stopped every later run;
    the extra column failed the whole run after retries."""
    data = tmp_path / "data"
    inbox = _inbox(data)
    bad = inbox / "vrijstellingen-G0363-20260907.csv"
    bad.write_text("PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM\n"
                   f"{BSNS[4]};LPW_5_C;01-09-2026;;extra\n")
    (tmp_path / "elsewhere").mkdir()
    elsewhere = _lo3(tmp_path / "elsewhere" / "someone-elses.lo3.csv", 5)
    (inbox / "brp-G0363-20260914.lo3.csv").symlink_to(elsewhere)
    (inbox / "linked-folder").symlink_to(elsewhere.parent, target_is_directory=True)

    state = weekly_flow(peildatum=date(2026, 9, 7), data_dir=str(data), return_state=True)

    assert state.is_completed() and state.name == COMPLETED_WITH_REFUSALS
    counts = state.result()
    assert counts["files_refused"] == 3 and counts["files_brp"] == 1 and "cases_opened" in counts
    assert "letters" in counts
    [day] = (data / "refused").iterdir()
    refused = {p.name: p for p in day.iterdir() if not p.name.endswith(".reden.txt")}
    assert set(refused) == {"vrijstellingen-G0363-20260907.csv", "brp-G0363-20260914.lo3.csv",
                            "linked-folder"}
    assert refused["brp-G0363-20260914.lo3.csv"].is_symlink()  # the link moved, never what it points to
    assert elsewhere.read_text() and len(list(elsewhere.parent.iterdir())) == 1
    note = refused["vrijstellingen-G0363-20260907.csv"]
    assert "regel 2: verwacht 4 kolommen" in note.with_name(note.name + ".reden.txt").read_text()
    link_note = refused["linked-folder"].parent / "linked-folder.reden.txt"
    assert "symbolische koppeling" in link_note.read_text()
    assert [(kind, name) for kind, name, _ in _imports(data / "staging.duckdb")] == [
        ("brp", "brp-G0363-20260907.lo3.csv"), ("duo_c", "duo-C-G0363-20260907.csv"),
        ("verzuim", "verzuim-https-VM2026-000001.xml")]
    # the next run meets none of them again
    again = weekly_flow(peildatum=date(2026, 9, 14), data_dir=str(data), return_state=True)
    assert again.name == "Completed" and again.result()["files_refused"] == 0


def test_the_letter_step_writes_the_letters_due_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from registers.case_sync import sync_cases

    (tmp_path / "inbeeld.toml").write_text("letters_pdf = false\n" + OFFICE_TEXT)
    stage_delivery(tmp_path / "staging.duckdb", _lo3(tmp_path / "brp-G0363-20260907.lo3.csv", 3), "brp")
    with registers(Settings(data_dir=tmp_path)) as session:
        case = {"persoonsnummer": BSNS[2], "gemeentecode": "0363", "signal": "ABSOLUUT_VERZUIM",
                "sinds": date(2026, 8, 1), "peildatum": date(2026, 9, 7)}
        sync_cases(session, date(2026, 9, 7), [case], {})
        session.commit()
    monkeypatch.setenv("INBEELD_CONFIG", str(tmp_path / "inbeeld.toml"))
    first = write_letters.fn(str(tmp_path), None, date(2026, 9, 7))
    again = write_letters.fn(str(tmp_path), None, date(2026, 9, 7))
    assert first == {"letters": 1, "letter_reminders": 0, "letters_suppressed": 0, "letter_runs_recovered": 0}
    assert again["letters"] == 0  # nothing is written twice
    assert len(list((tmp_path / "letters").rglob("*.docx"))) == 2  # the letter and the print file


def test_the_inbox_loads_a_months_report_whose_bytes_equal_last_months(tmp_path: Path) -> None:
    """One path per delivery: the weekly import decides as `inbeeld import duo` does (#16 item 5)."""
    staging = tmp_path / "staging.duckdb"
    fixture = Path(__file__).resolve().parents[1] / "connectors" / "fixtures" / "duo" / "202611A04G0363.csv"
    october, november = tmp_path / "202610A04G0363.csv", tmp_path / "202611A04G0363.csv"
    october.write_bytes(fixture.read_bytes())
    november.write_bytes(fixture.read_bytes())
    assert stage_delivery(staging, october).status == "loaded"
    assert stage_delivery(staging, november).status == "loaded"
    assert stage_delivery(staging, november).status == "duplicate"
    with duckdb.connect(str(staging), read_only=True) as con:
        assert con.execute("SELECT kind, delivery FROM imports ORDER BY import_id").fetchall() == [
            ("duo_a04", "A04 G0363 2026-10"), ("duo_a04", "A04 G0363 2026-11")]


def test_an_empty_p_levering_of_this_week_is_not_last_weeks(tmp_path: Path) -> None:
    staging = tmp_path / "staging.duckdb"
    stage_delivery(staging, _duo_c(tmp_path / "duo-C-G0363-20260907.csv"))
    header = "MUTATIESOORT;MUTATIEDATUM;" + DUO_HEADER + "\n"
    for day in ("20260914", "20260921"):
        (tmp_path / f"duo-P-G0363-{day}.csv").write_text(header, encoding="utf-8")
        assert stage_delivery(staging, tmp_path / f"duo-P-G0363-{day}.csv").status == "loaded"
    renamed = tmp_path / "p-levering.csv"  # a name that says nothing: the content decides
    renamed.write_text(header, encoding="utf-8")
    assert stage_delivery(staging, renamed).status == "duplicate"
