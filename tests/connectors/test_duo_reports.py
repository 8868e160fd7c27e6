"""DUO monthly reports A01-A06: recognised by file name and header, typed, compared per area."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from connectors import deliveries
from connectors.deliveries import detect
from connectors.duo_reports import parse_report_name
from connectors.errors import RefusedFile
from connectors.staging import Staging

FIXTURES = Path(__file__).parent / "fixtures" / "duo"
A04 = FIXTURES / "202611A04G0363.csv"
A05 = FIXTURES / "202610A05G0363.csv"
A06 = FIXTURES / "202611A06G0363.csv"
NRSP = FIXTURES / "NRSP2025DG0363.csv"
NENR = FIXTURES / "NenR2025DG0363.csv"


@pytest.fixture
def st(tmp_path: Path):
    with Staging(tmp_path / "staging.duckdb") as staging:
        yield staging


def load(st: Staging, report: str, path: Path):
    return deliveries.load(st, path, f"duo_{report}")


def rows(st: Staging, sql: str) -> list[dict]:
    cur = st.con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_report_name_gives_month_report_and_area() -> None:
    name = parse_report_name("202211A04G0363.csv")
    assert (name.report, name.month, name.area, name.code) == ("a04", date(2022, 11, 1), "G", "0363")
    assert parse_report_name("202613A04G0363.csv") is None
    assert parse_report_name("duo-C-G0363-20260907.csv") is None
    assert parse_report_name("202610a05r0012.CSV").area == "R"
    instelling = parse_report_name("202211A04I27GZ.csv")  # DUO's name for a school's own report
    assert (instelling.area, instelling.code, instelling.identity) == ("I", "27GZ", "A04 I27GZ 2022-11")
    assert parse_report_name("202311A14R0012.csv").report == "a14"
    vsv = parse_report_name("NRSP2023DI27GZ.csv")
    assert (vsv.report, vsv.year, vsv.final, vsv.area, vsv.code) == ("nrsp", 2023, True, "I", "27GZ")
    assert parse_report_name("NenR2023VG0363.csv").identity == "NENR 2023 V G0363"


def test_a04_in_duos_layout_loads_with_month_and_area_on_every_row(st: Staging) -> None:
    """DUO's own A04: gemeentecodes without leading zeros, numbers with a spreadsheet's '.0'."""
    result = load(st, "a04", A04)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 3, 0)
    got = rows(st, "SELECT * FROM duo_a04 ORDER BY line")
    areas = {(r["rapportmaand"], r["gebied"], r["gebiedscode"]) for r in got}
    assert areas == {(date(2026, 11, 1), "G", "0363")}
    assert [r["gemeentecode"] for r in got] == ["0363"] * 3
    assert [r["persoonsnummer"] for r in got] == ["999990020", "100000016", "999990147"]
    assert got[0]["datum_uitschrijving"] == date(2026, 10, 15) and got[1]["niveau"] == "Mbo2 opleidingen"
    assert (got[1]["brin"], got[1]["onderwijscode"], got[1]["vanaf_wanneer"]) == ("14EF", "25601", "202610")
    assert st.imports()[0]["peildatum"] == date(2026, 11, 1)
    assert result.summary == {"persons": 3, "added": 3, "removed": 0, "previous_import_id": None}


def test_a05_with_a_hash_before_its_header_and_a06_are_typed(st: Staging) -> None:
    load(st, "a05", A05)
    a05 = rows(st, "SELECT * FROM duo_a05 ORDER BY line")
    assert [r["persoonsnummer"] for r in a05] == ["999990019", "999990020", "100000004"]
    assert [r["gemeentecode"] for r in a05] == ["0363"] * 3
    assert [r["startkwalificatie"] for r in a05] == [False] * 3
    assert a05[0]["geboortedatum"] == date(2010, 2, 11) and a05[2]["brin"] == "14EF"
    result = load(st, "a06", A06)
    a06 = rows(st, "SELECT * FROM duo_a06 ORDER BY line")
    assert [(r["convenantjaar"], r["startset"], r["aantal_vsv"], r["percentage_vsv"]) for r in a06] == [
        ("2025-2026", 412, 3, Decimal("0.730")), ("2025-2026", 250, 14, Decimal("5.600"))]
    assert result.summary["aantal_vsv"] == 17


def test_nrsp_and_nenr_take_the_onderwijsnummer_when_the_bsn_is_0(st: Staging) -> None:
    assert deliveries.load(st, NRSP).rows_loaded == 4
    nrsp = rows(st, "SELECT * FROM duo_nrsp ORDER BY line")
    assert [r["persoonsnummer"] for r in nrsp] == ["999990019", "100000004", "999990020", "999990147"]
    assert {(r["lijstjaar"], r["definitief"], r["gebied"], r["gebiedscode"]) for r in nrsp} == {
        (2025, True, "G", "0363")}
    assert [r["gemeentecode"] for r in nrsp] == ["0363"] * 4
    result = deliveries.load(st, NENR)
    assert (result.kind, result.rows_loaded, result.summary["persons"]) == ("duo_nenr", 2, 2)
    nenr = rows(st, "SELECT persoonsnummer, bekostiging FROM duo_nenr ORDER BY line")
    assert nenr == [{"persoonsnummer": "100000004", "bekostiging": "J"},
                    {"persoonsnummer": "999990020", "bekostiging": "J"}]


def test_a_row_without_any_number_is_quarantined_naming_file_line_and_field(st: Staging,
                                                                             tmp_path: Path) -> None:
    path = tmp_path / NRSP.name
    lines = NRSP.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("0;100000004;", "0;;", 1)
    lines[3] = lines[3].replace("05-05-2007", "31-02-2007", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = deliveries.load(st, path)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 2)
    assert [(q["file"], q["line"], q["field"]) for q in st.quarantine()] == [
        (NRSP.name, 3, "persoonsnummer"), (NRSP.name, 4, "geboortedatum")]


def test_a_broken_report_changes_nothing(st: Staging, tmp_path: Path) -> None:
    path = tmp_path / A04.name
    header, *body = A04.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header.replace("GEMEENTECODE", "GEMEENTE"), *body]) + "\n", encoding="utf-8")
    with pytest.raises(RefusedFile, match="kolom GEMEENTECODE ontbreekt") as refused:
        deliveries.load(st, path)
    assert (refused.value.line, refused.value.field) == (1, "GEMEENTECODE")
    assert st.imports() == [] and st.quarantine() == []


def test_changes_are_against_the_previous_report_of_the_same_area(st: Staging, tmp_path: Path) -> None:
    load(st, "a04", A04)
    header, first, second, third = A04.read_text(encoding="utf-8").splitlines()
    newcomer = first.replace("999990020", "999990159")
    other_area = tmp_path / "202612A04G0344.csv"
    other_area.write_text("\n".join([header, newcomer.replace(";0363;", ";344;")]) + "\n", encoding="utf-8")
    assert load(st, "a04", other_area).summary["previous_import_id"] is None
    december = tmp_path / "202612A04G0363.csv"
    december.write_text("\n".join([header, first, newcomer]) + "\n", encoding="utf-8")
    summary = load(st, "a04", december).summary
    assert summary == {"persons": 2, "added": 1, "removed": 2, "previous_import_id": 1}


def test_an_unchanged_report_of_another_month_is_not_the_same_file(st: Staging, tmp_path: Path) -> None:
    october = tmp_path / "202610A04G0363.csv"
    shutil.copy(A04, october)
    assert deliveries.load(st, A04).status == "loaded"
    second = deliveries.load(st, october)
    assert second.status == "loaded" and second.summary["added"] == 0 and second.summary["removed"] == 0
    assert deliveries.load(st, october).status == "duplicate"
    months = st.con.execute("SELECT DISTINCT rapportmaand FROM duo_a04 ORDER BY 1").fetchall()
    assert months == [(date(2026, 10, 1),), (date(2026, 11, 1),)]


def test_rows_with_bad_values_are_quarantined(st: Staging, tmp_path: Path) -> None:
    path = tmp_path / "202611A01G0363.csv"
    text = A04.read_text(encoding="utf-8").replace("999990147.0;Test;;Chris;VOORBEELDSTAD;06-06-2008",
                                                   "999990148;Test;;Chris;VOORBEELDSTAD;31-06-2008")
    path.write_text(text, encoding="utf-8")
    result = load(st, "a01", path)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert [(q["line"], q["field"]) for q in st.quarantine()] == [(4, "geboortedatum"), (4, "persoonsnummer")]


@pytest.mark.parametrize("name,kind", [
    ("duo-C-G0363-20260907.csv", "c"), ("duo-P-G0363-20260914.csv", "p"), ("202611A04G0363.csv", "a04"),
    ("202610A05G0363.csv", "a05"), ("202611A06G0363.csv", "a06"), ("NRSP2025DG0363.csv", "nrsp"),
    ("NenR2025DG0363.csv", "nenr"),
])
def test_kind_by_file_name(name: str, kind: str) -> None:
    assert detect(FIXTURES / name).code == kind


@pytest.mark.parametrize("name,kind", [
    ("duo-C-G0363-20260907.csv", "c"), ("duo-P-G0363-20260914.csv", "p"), ("202610A05G0363.csv", "a05"),
    ("202611A06G0363.csv", "a06"),
])
def test_kind_by_header_when_the_file_was_renamed(tmp_path: Path, name: str, kind: str) -> None:
    renamed = tmp_path / "levering.csv"
    shutil.copy(FIXTURES / name, renamed)
    assert detect(renamed).code == kind


def test_a01_a02_a04_a14_share_a_header_so_the_name_decides(tmp_path: Path) -> None:
    for report in ("A01", "A02", "A04", "A14"):
        named = tmp_path / f"202611{report}G0363.csv"
        shutil.copy(A04, named)
        assert detect(named).code == report.lower()
    renamed = tmp_path / "rapport.csv"
    shutil.copy(A04, renamed)
    with pytest.raises(RefusedFile, match="A01, A02, A04 en A14 hebben dezelfde kopregel"):
        detect(renamed)
    listed = tmp_path / "lijst.csv"
    shutil.copy(NRSP, listed)
    with pytest.raises(RefusedFile, match="NRSP-lijst en NenR-lijst hebben dezelfde kopregel"):
        detect(listed)


def test_a_name_that_contradicts_the_header_is_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "202611A04G0363.csv"
    shutil.copy(FIXTURES / "duo-C-G0363-20260907.csv", wrong)
    with pytest.raises(RefusedFile,
                       match="bestandsnaam zegt rapport A04, maar de kopregel is die van een C-levering"):
        detect(wrong)
