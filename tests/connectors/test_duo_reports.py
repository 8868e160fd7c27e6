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


def test_a04_loads_with_month_and_area_on_every_row(st: Staging) -> None:
    result = load(st, "a04", A04)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 3, 0)
    got = rows(st, "SELECT * FROM duo_a04 ORDER BY line")
    areas = {(r["rapportmaand"], r["gebied"], r["gebiedscode"]) for r in got}
    assert areas == {(date(2026, 11, 1), "G", "0363")}
    assert got[0]["datum_uitschrijving"] == date(2026, 10, 15) and got[1]["persoonsnummer"] == "100000016"
    assert st.imports()[0]["peildatum"] == date(2026, 11, 1)
    assert result.summary == {"persons": 3, "added": 3, "removed": 0, "previous_import_id": None}


def test_a05_and_a06_are_typed(st: Staging) -> None:
    load(st, "a05", A05)
    a05 = rows(st, "SELECT * FROM duo_a05 ORDER BY line")
    assert [r["teldatum"] for r in a05] == [date(2026, 10, 1)] * 3 and all(r["bekostigd"] for r in a05)
    result = load(st, "a06", A06)
    a06 = rows(st, "SELECT * FROM duo_a06 ORDER BY line")
    assert [(r["convenantjaar"], r["startset"], r["aantal_vsv"], r["percentage_vsv"]) for r in a06] == [
        ("2025-2026", 412, 3, Decimal("0.730")), ("2025-2026", 250, 14, Decimal("5.600"))]
    assert result.summary["aantal_vsv"] == 17


def test_changes_are_against_the_previous_report_of_the_same_area(st: Staging, tmp_path: Path) -> None:
    load(st, "a04", A04)
    other_area = tmp_path / "202612A04G0344.csv"
    other_area.write_text(A04.read_text(encoding="utf-8").splitlines()[0] + "\n"
                          "999990159;20080101;V;1030;0344;15GH;MBO;MBO1;20240801;20261103\n",
                          encoding="utf-8")
    assert load(st, "a04", other_area).summary["previous_import_id"] is None
    december = tmp_path / "202612A04G0363.csv"
    lines = A04.read_text(encoding="utf-8").splitlines()
    new_row = "999990159;20080101;V;1030;0363;15GH;MBO;MBO1;20240801;20261103"
    december.write_text("\n".join([*lines[:2], new_row]) + "\n", encoding="utf-8")
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
    text = A04.read_text(encoding="utf-8").replace("999990147;20080606", "999990148;20080631")
    path.write_text(text, encoding="utf-8")
    result = load(st, "a01", path)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert [(q["line"], q["field"]) for q in st.quarantine()] == [(4, "geboortedatum"), (4, "persoonsnummer")]


@pytest.mark.parametrize("name,kind", [
    ("duo-C-G0363-20260907.csv", "c"), ("duo-P-G0363-20260914.csv", "p"), ("202611A04G0363.csv", "a04"),
    ("202610A05G0363.csv", "a05"), ("202611A06G0363.csv", "a06"),
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


def test_a01_a02_a04_share_a_header_so_the_name_decides(tmp_path: Path) -> None:
    for report in ("A01", "A02", "A04"):
        named = tmp_path / f"202611{report}G0363.csv"
        shutil.copy(A04, named)
        assert detect(named).code == report.lower()
    renamed = tmp_path / "rapport.csv"
    shutil.copy(A04, renamed)
    with pytest.raises(RefusedFile, match="A01, A02 and A04 share this header"):
        detect(renamed)


def test_a_name_that_contradicts_the_header_is_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "202611A04G0363.csv"
    shutil.copy(FIXTURES / "duo-C-G0363-20260907.csv", wrong)
    with pytest.raises(RefusedFile, match="file name says report A04 but the header is that of a C-levering"):
        detect(wrong)
