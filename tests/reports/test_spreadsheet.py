"""The one spreadsheet writer: real dates, frozen filtered header, neutralised formulas, clean XML."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lxml import etree
from openpyxl import load_workbook

from reports.spreadsheet import (
    Column,
    Table,
    clean_text,
    sheet_title,
    write_csv,
    write_xlsx,
)

CMD = "=cmd|' /C calc'!A0"
COLUMNS = [
    Column("naam", "Naam"),
    Column("datum", "Datum", "date"),
    Column("aantal", "Aantal", "int"),
    Column("aandeel", "Aandeel", "percent"),
    Column("tijd", "Tijdstip", "datetime"),
]
ROWS = [
    {"naam": CMD, "datum": dt.date(2025, 10, 1), "aantal": np.int64(12), "aandeel": 0.125,
     "tijd": dt.datetime(2025, 10, 1, 9, 5)},
    {"naam": "a\x00b\x1fc\x0b", "datum": pd.Timestamp("2026-02-28"), "aantal": 3, "aandeel": None,
     "tijd": None},
    {"naam": "#N/A", "datum": None, "aantal": "<5", "aandeel": "x", "tijd": None},
    {"naam": "+31 6 1234", "datum": dt.date(2025, 1, 2), "aantal": None, "aandeel": 1.0, "tijd": None},
    {"naam": "-2", "datum": None, "aantal": 0, "aandeel": 0.0, "tijd": None},
    {"naam": "@SUM(A1)", "datum": None, "aantal": 1, "aandeel": 0.5, "tijd": None},
    {"naam": "\tTAB", "datum": None, "aantal": 1, "aandeel": 0.5, "tijd": None},
    {"naam": "\rCR", "datum": None, "aantal": 1, "aandeel": 0.5, "tijd": None},
    {"naam": "Jan de Vries", "datum": None, "aantal": 1, "aandeel": 0.5, "tijd": None},
]


@pytest.fixture()
def workbook_path(tmp_path: Path) -> Path:
    table = Table("Werklijst", COLUMNS, ROWS, notes=("een toelichting",))
    return write_xlsx(tmp_path / "lijst.xlsx", [table])


def test_header_is_frozen_and_filtered(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Werklijst"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:E{len(ROWS) + 1}"
    assert [c.value for c in sheet[1]] == ["Naam", "Datum", "Aantal", "Aandeel", "Tijdstip"]
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width >= len("Jan de Vries")


def test_dates_are_real_date_cells_in_dutch_format(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Werklijst"]
    assert sheet["B2"].is_date and sheet["B2"].value == dt.datetime(2025, 10, 1)
    assert sheet["B2"].number_format == "d-m-yyyy"
    assert sheet["B3"].is_date and sheet["B3"].value == dt.datetime(2026, 2, 28)
    assert sheet["E2"].is_date and sheet["E2"].number_format == "d-m-yyyy h:mm"
    assert sheet["B4"].value is None


def test_numbers_stay_numbers_and_hidden_counts_are_text(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Werklijst"]
    assert sheet["C2"].value == 12 and sheet["C2"].data_type == "n"
    assert sheet["D2"].value == pytest.approx(0.125) and sheet["D2"].number_format == "0.0%"
    assert sheet["C4"].value == "<5" and sheet["D4"].value == "x"


def test_formula_injection_is_neutralised(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Werklijst"]
    cell = sheet["A2"]
    assert cell.value == CMD
    assert cell.data_type == "s"
    assert cell.quotePrefix, "a formula-like text must carry Excel's quote prefix"
    for row, text in ((5, "+31 6 1234"), (6, "-2"), (7, "@SUM(A1)"), (8, "\tTAB")):
        assert sheet.cell(row=row, column=1).value == text
        assert sheet.cell(row=row, column=1).quotePrefix
    assert not sheet["A10"].quotePrefix  # ordinary text is left alone
    assert sheet["A4"].value == "#N/A" and sheet["A4"].data_type == "s"  # not an error cell
    with zipfile.ZipFile(workbook_path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    root = etree.fromstring(xml)
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    assert root.findall(".//m:f", ns) == [], "no cell may be written as a formula"
    a2 = root.find(".//m:c[@r='A2']", ns)
    assert a2.get("t") == "inlineStr"


def test_control_characters_are_stripped_and_every_part_is_valid_xml(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Werklijst"]
    assert sheet["A3"].value == "abc"
    with zipfile.ZipFile(workbook_path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))  # raises on illegal characters
        styles = archive.read("xl/styles.xml").decode()
    assert 'quotePrefix="1"' in styles


def test_notes_go_to_their_own_sheet(workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == ["Werklijst", "Toelichting"]
    assert workbook["Toelichting"]["A2"].value == "Werklijst: een toelichting"


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_title("Per school: [BRIN]/*?", taken) == "Per school- -BRIN----"
    long = "A" * 40
    assert sheet_title(long, taken) == "A" * 31
    assert sheet_title(long, taken) == "A" * 27 + " (2)"
    assert clean_text("x\r\ny") == "x\ny"


def test_csv_is_semicolon_utf8_bom_with_neutralised_values(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "lijst.csv", Table("Werklijst", COLUMNS, ROWS))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Naam;Datum;Aantal;Aandeel;Tijdstip"
    assert lines[1] == "'=cmd|' /C calc'!A0;1-10-2025;12;12,5%;1-10-2025 9:05"
    assert lines[2].startswith("abc;28-2-2026;3;;")
    assert lines[4].startswith("'+31 6 1234;2-1-2025;;100,0%")
    assert lines[5].startswith("'-2;")
    assert lines[6].startswith("'@SUM(A1);")
    assert lines[7].startswith("'\tTAB;")


def _libreoffice_to_csv(source: Path, out: Path, profile: Path) -> Path | None:
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):59,34,76,1", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=120,
    )
    converted = out / (source.stem + ".csv")
    return converted if converted.exists() else None


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_workbook_and_runs_no_formula(workbook_path: Path, tmp_path: Path) -> None:
    """A second spreadsheet program reads the file as we meant it: the injected text stays text.

    Skipped when this LibreOffice cannot open even a plain openpyxl workbook (no Calc installed)."""
    from openpyxl import Workbook

    probe = tmp_path / "probe.xlsx"
    plain = Workbook()
    plain.active["A1"] = "probe"
    plain.save(probe)
    profile = tmp_path / "lo-profile"
    if _libreoffice_to_csv(probe, tmp_path / "probe-out", profile) is None:
        pytest.skip("this LibreOffice has no spreadsheet component (Calc)")
    converted = _libreoffice_to_csv(workbook_path, tmp_path / "out", profile)
    assert converted is not None, "LibreOffice could not open the workbook"
    first = converted.read_text(encoding="utf-8").splitlines()[1]
    assert first.split(";")[0].strip('"') == CMD
