"""The reports as files: every figure in the .xlsx and the HTML checked against hand-computed values."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree, html
from openpyxl import load_workbook

from inbeeld.settings import Werklijst
from reports import charts
from reports.disclosure import SECONDARY, SUPPRESSED
from reports.kpi import COLOURS, kpi_table
from reports.kpi_report import kpi_html, kpi_tables
from reports.spreadsheet import write_xlsx
from reports.telling import leerplichttelling
from reports.telling_report import telling_html, telling_tables
from reports.vsv import vsv_figures, vsv_trend
from reports.vsv_report import vsv_html, vsv_tables
from reports.worklist import Toewijzingen, worklists
from reports.worklist_report import worklist_html, worklist_table

MADE = dt.date(2025, 10, 6)


def pupils(prefix: str, count: int, leavers: int, soort: str, niveau: str, brin: str,
           gemeente: str = "0363") -> list[dict]:
    """`count` pupils enrolled since 2023; the first `leavers` left in March 2025 without a diploma."""
    rows = []
    for i in range(count):
        rows.append({
            "persoonsnummer": f"{prefix}{i:03d}", "geboortedatum": "2008-01-15", "geslacht": "MV"[i % 2],
            "gemeentecode": gemeente, "brin": brin, "onderwijssoort": soort, "niveau": niveau,
            "datum_inschrijving": "2023-08-01", "datum_uitschrijving": "2025-03-01" if i < leavers else None,
            "bekostigd": "J", "diploma_datum": None, "startkwalificatie": "N",
        })
    return rows


# startset 53: 10AA 20 (6 leave), 20BB 30 (2 leave), 30CC 3 (1 leaves, gemeente 0518); vsv 9
ENROLMENTS = pd.DataFrame(
    pupils("A", 20, 6, "VO", "HAVO", "10AA") + pupils("B", 30, 2, "MBO", "MBO2", "20BB")
    + pupils("C", 3, 1, "VAVO", "VAVO", "30CC", gemeente="0518")
)


def table_by_id(document: html.HtmlElement, table_id: str) -> dict[str, list[str]]:
    table = document.get_element_by_id(table_id)
    return {row[0].text_content().strip(): [cell.text_content().strip() for cell in row[1:]]
            for row in table.xpath("./tbody/tr")}


def svg_images(document: html.HtmlElement) -> list[etree._Element]:
    images = []
    for img in document.xpath("//figure/img"):
        source = img.get("src")
        assert source.startswith("data:image/svg+xml;base64,")
        images.append(etree.fromstring(base64.b64decode(source.split(",", 1)[1])))
    return images


@pytest.fixture(scope="module")
def figures():
    return vsv_figures(ENROLMENTS, 2024)


def test_vsv_workbook_has_every_figure(tmp_path: Path, figures) -> None:
    trend = vsv_trend(ENROLMENTS, [2023, 2024])
    path = write_xlsx(tmp_path / "vsv.xlsx", vsv_tables(figures, trend, schoolnamen={"10AA": "Het Baken"}))
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["Kerncijfers", "Trend", "Per school"]
    key = book["Kerncijfers"]
    assert [c.value for c in key[1]] == ["Convenantjaar", "Peildatum", "Voorlopig", "Startset",
                                          "Nieuwe vsv'ers", "VSV-percentage"]
    assert key["A2"].value == "2024-2025"
    assert key["B2"].is_date and key["B2"].value == dt.datetime(2025, 10, 1)
    assert (key["D2"].value, key["E2"].value) == (53, 9)
    assert key["F2"].value == pytest.approx(9 / 53) and key["F2"].number_format == "0.0%"
    assert key.freeze_panes == "A2" and key.auto_filter.ref == "A1:F2"
    school = {row[0]: row[1:] for row in book["Per school"].iter_rows(min_row=2, values_only=True)}
    assert [c.value for c in book["Per school"][1]][:2] == ["BRIN", "School"]
    # startset hidden: 53 - 30 - <5 gives it back
    assert school["10AA"] == ("Het Baken", SECONDARY, 6, SECONDARY)
    assert school["20BB"] == (None, 30, SUPPRESSED, SECONDARY)  # no name known: empty cell
    assert school["30CC"][1:] == (SUPPRESSED, SUPPRESSED, SECONDARY)
    assert school["Totaal"][1:3] == (53, 9) and school["Totaal"][3] == pytest.approx(9 / 53)
    gemeente = {row[0]: row[1:] for row in book["Per gemeente"].iter_rows(min_row=2, values_only=True)}
    # 0518 has 3 / 1: both small; with the total shown, 0363 would give them back, so it is hidden too
    assert gemeente["0363"] == ("Amsterdam", SECONDARY, SECONDARY, SECONDARY)  # the CBS table's name
    assert gemeente["0518"] == ("'s-Gravenhage", SUPPRESSED, SUPPRESSED, SECONDARY)
    trend_rows = list(book["Trend"].iter_rows(min_row=2, values_only=True))
    assert trend_rows[0][:3] == ("2023-2024", 53, 0) and trend_rows[1][:3] == ("2024-2025", 53, 9)
    assert "Toelichting" in book.sheetnames


def test_vsv_exact_workbook_for_the_office(tmp_path: Path, figures) -> None:
    path = write_xlsx(tmp_path / "vsv.xlsx", vsv_tables(figures, beleid=False))
    book = load_workbook(path)
    school = {row[0]: row[1:] for row in book["Per school"].iter_rows(min_row=2, values_only=True)}
    assert school["30CC"][1:3] == (3, 1) and school["30CC"][3] == pytest.approx(1 / 3)
    gemeente = {row[0]: row[1:] for row in book["Per gemeente"].iter_rows(min_row=2, values_only=True)}
    assert gemeente["0363"][1:3] == (50, 8) and gemeente["0363"][3] == pytest.approx(0.16)


def test_vsv_html_report_renders_numbers_and_charts(figures) -> None:
    trend = vsv_trend(ENROLMENTS, [2023, 2024])
    page = vsv_html(figures, trend, schoolnamen={"10AA": "Het Baken"}, gemaakt_op=MADE)
    document = html.document_fromstring(page)
    assert document.get_element_by_id("startset").text_content() == "53"
    assert document.get_element_by_id("vsv").text_content() == "9"
    assert document.get_element_by_id("percentage").text_content() == "17,0%"
    school = table_by_id(document, "vsv-brin")
    assert school["Het Baken (10AA)"] == ["x", "6", "x"]
    assert school["20BB"] == ["30", "<5", "x"]
    assert school["Totaal"] == ["53", "9", "17,0%"]
    assert table_by_id(document, "vsv-gemeentecode")["Amsterdam"] == ["x", "x", "x"]
    assert table_by_id(document, "vsv-trend")["2024-2025"] == ["53", "9", "17,0%", "nee", "nee"]
    assert "1 oktober 2024 tot en met 30 september 2025" in page
    assert "Gemaakt op 6 oktober 2025" in page
    images = svg_images(document)
    # every school's and gemeente's percentage is hidden for policy: their bar charts give way to the tables
    assert len(images) == 1 and "VSV-percentage per convenantjaar" in " ".join(images[0].itertext())
    omitted = [p.text_content() for p in document.xpath("//p[@class='weggelaten']")]
    assert any(text.startswith("VSV-percentage per school: geen grafiek") and "tabel School" in text
               for text in omitted)
    assert "999" not in page and "A000" not in page  # no person numbers


def test_vsv_html_charts_name_schools_and_gemeenten(figures) -> None:
    trend = vsv_trend(ENROLMENTS, [2023, 2024])
    page = vsv_html(figures, trend, beleid=False, schoolnamen={"10AA": "Het Baken"}, gemaakt_op=MADE)
    images = svg_images(html.document_fromstring(page))
    assert len(images) == 4  # trend, per niveau, per school, per gemeente
    assert all(image.tag == "{http://www.w3.org/2000/svg}svg" for image in images)
    texts = " ".join(" ".join(image.itertext()) for image in images)
    assert "VSV-percentage per school" in texts and "Het Baken (10AA)" in texts and "20BB" in texts
    assert "Amsterdam" in texts and "'s-Gravenhage" in texts and "0363" not in texts


def test_trend_chart_marks_the_provisional_year() -> None:
    chart = charts.line_chart("VSV-percentage per convenantjaar", ["2023-2024", "2024-2025"],
                              {"VSV-percentage": [0.05, 0.04]}, "VSV-percentage", percent=True,
                              voorlopig=[False, True])
    text = " ".join(etree.fromstring(chart.svg.encode()).itertext())
    assert "voorlopig" in text and "VSV-percentage (voorlopig)" in text
    assert chart.alt.endswith("2023-2024, 2024-2025 (voorlopig)")
    final = charts.line_chart("t", ["2023-2024", "2024-2025"], {"p": [0.05, 0.04]}, "p")
    assert "voorlopig" not in " ".join(etree.fromstring(final.svg.encode()).itertext())


def test_bar_chart_with_long_labels_lays_them_out_horizontally() -> None:
    labels = ["Ongeoorloofd verzuim 16 uur in 4 weken", "Luxeverzuim", "Signaalverzuim", "Overig verzuim"]
    chart = charts.bar_chart("Meldingen per soort", labels, [12, 7, 30, 9], "Aantal meldingen")
    svg = etree.fromstring(chart.svg.encode())
    # horizontal bars: each label is a y tick, no rotated x tick labels
    ytick_texts = {" ".join(g.itertext()).strip()
                   for g in svg.xpath("//*[local-name()='g'][starts-with(@id, 'ytick_')]")}
    assert set(labels) <= ytick_texts
    assert charts.mostly_hidden(["<5", "x", 3]) and not charts.mostly_hidden(["<5", 4, 3])


def test_html_escapes_what_it_shows() -> None:
    rows = pd.DataFrame(pupils("A", 6, 1, "VO", "HAVO", "<b>x</b>"))
    page = vsv_html(vsv_figures(rows, 2024), gemaakt_op=MADE)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def telling_fixture():
    cases = [{"case_id": i, "soort": "ABSOLUUT_VERZUIM", "geopend": "2024-09-02", "gesloten": "2024-09-10",
              "reden_sluiting": "inschrijving_gevonden"} for i in range(7)]
    meldingen = [{"meldingsnummer": f"M{i}", "soort_verzuim": "LRV", "meldingsdatum": "2024-10-01",
                  "status": "in_behandeling", "reden_afsluiting": None} for i in range(2)]
    acties = [{"soort": "proces_verbaal", "datum": "2025-01-01"}]
    return leerplichttelling(2024, cases, meldingen, [], [], acties,
                             close_reason_labels={"inschrijving_gevonden": "inschrijving gevonden"})


def test_telling_workbook_exact_and_suppressed(tmp_path: Path) -> None:
    telling = telling_fixture()
    exact = write_xlsx(tmp_path / "exact.xlsx", telling_tables(telling, beleid=False))
    sheet = load_workbook(exact)["Leerplichttelling 2024-2025"]
    rows = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("1. Absoluut verzuim", "Aantal gevallen van absoluut verzuim")] == 7
    assert rows[("1. Absoluut verzuim", "Afloop: inschrijving gevonden")] == 7
    assert rows[("2. Relatief verzuim: Langdurig relatief verzuim", "Aantal meldingen")] == 2
    assert rows[("5. Halt en proces-verbaal", "Processen-verbaal")] == 1
    hidden = write_xlsx(tmp_path / "beleid.xlsx", telling_tables(telling))
    sheet = load_workbook(hidden)["Leerplichttelling 2024-2025"]
    rows = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("1. Absoluut verzuim", "Aantal gevallen van absoluut verzuim")] == 7
    assert rows[("2. Relatief verzuim: Langdurig relatief verzuim", "Aantal meldingen")] == SUPPRESSED
    assert rows[("5. Halt en proces-verbaal", "Processen-verbaal")] == SUPPRESSED


def test_telling_html() -> None:
    page = telling_html(telling_fixture(), gemaakt_op=MADE)
    document = html.document_fromstring(page)
    cells = {row.get("data-sleutel"): row[1].text_content() for row in document.xpath("//tr[@data-sleutel]")}
    assert cells["av.totaal"] == "7"
    assert cells["rv.LRV.totaal"] == "<5"
    assert cells["av.duur.0"] == "7"
    assert len(svg_images(document)) == 1
    assert "1 augustus 2024 tot en met 31 juli 2025" in page


def kpi_rows():
    rows = []
    for i in range(10):  # Anna: 9 of 10 on time: green
        start = "2025-10-01" if i < 9 else "2025-10-20"
        rows.append({"meldingsnummer": f"A{i}", "meldingsdatum": "2025-10-01", "datum_in_behandeling": start,
                     "datum_afgesloten": "2025-10-15", "lpa": "Anna", "team": "Noord"})
    for i in range(5):  # Bram: 4 of 5 on time: orange; closes none in time
        start = "2025-10-02" if i < 4 else "2025-10-30"
        rows.append({"meldingsnummer": f"B{i}", "meldingsdatum": "2025-10-01", "datum_in_behandeling": start,
                     "datum_afgesloten": None, "lpa": "Bram", "team": "Noord"})
    return rows


def test_kpi_workbook_and_html_are_coloured(tmp_path: Path) -> None:
    october = (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    table = kpi_table(kpi_rows(), dt.date(2026, 3, 1), period=october, weeks_to_close=4)
    path = write_xlsx(tmp_path / "kpi.xlsx", kpi_tables(table, october, 5, 4))
    sheet = load_workbook(path)["KPI verzuimmeldingen"]
    rows = {(r[1].value, r[2].value): r for r in sheet.iter_rows(min_row=2)}
    anna, bram = rows[("Noord", "Anna")], rows[("Noord", "Bram")]
    assert anna[6].value == pytest.approx(0.9) and anna[6].fill.fgColor.rgb.endswith(COLOURS["groen"])
    assert bram[6].value == pytest.approx(0.8) and bram[6].fill.fgColor.rgb.endswith(COLOURS["oranje"])
    assert bram[9].value == 0 and bram[9].fill.fgColor.rgb.endswith(COLOURS["rood"])
    team = rows[("Noord", "Totaal team")]
    assert (team[4].value, team[5].value) == (15, 13)
    page = kpi_html(table, october, dt.date(2026, 3, 1), 5, 4, gemaakt_op=MADE)
    document = html.document_fromstring(page)
    body = document.get_element_by_id("kpi").xpath("./tbody/tr")
    anna_row = [tr for tr in body if tr[2].text_content() == "Anna"][0]
    assert anna_row[6].text_content() == "90,0%" and "groen" in anna_row[6].get("class")
    bram_row = [tr for tr in body if tr[2].text_content() == "Bram"][0]
    assert "oranje" in bram_row[6].get("class") and "rood" in bram_row[9].get("class")
    assert "1 oktober 2025 tot en met 31 oktober 2025" in page


def test_worklist_workbook_and_html(tmp_path: Path) -> None:
    cases = [
        {"dossier_id": 1, "soort": "ABSOLUUT_VERZUIM", "persoonsnummer": "999993653",
         "naam": "=HYPERLINK(\"x\")",
         "geslachtsnaam": "Vries", "geboortedatum": "2012-05-01", "gemeentecode": "0363", "wijk": "Noord",
         "postcode": "1017GC", "geopend": "2025-09-01", "schoolstatus": "niet ingeschreven",
         "laatste_actie": "brief verstuurd", "laatste_actie_datum": "2025-09-02",
         "volgende_actie": "huisbezoek", "volgende_actie_datum": "2025-09-30"},
        {"dossier_id": 2, "soort": "THUISZITTER", "persoonsnummer": "999990639", "naam": "Piet Bos",
         "geslachtsnaam": "Bos", "geboortedatum": "2011-01-01", "gemeentecode": "0363", "wijk": "Noord",
         "postcode": "1017GC", "geopend": "2025-09-20", "schoolstatus": "ingeschreven 10AA",
         "laatste_actie": "gesprek", "laatste_actie_datum": "2025-09-25", "volgende_actie": "gesprek",
         "volgende_actie_datum": "2025-10-20"},
    ]
    lists = worklists(cases, Toewijzingen.from_settings(Werklijst()), dt.date(2025, 10, 6))
    rows = lists["(niet toegewezen)"]
    path = write_xlsx(tmp_path / "w.xlsx", [worklist_table("Anna", rows, dt.date(2025, 10, 6))])
    sheet = load_workbook(path)["Anna"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Te laat", "Dagen te laat", "Volgende actie", "Uiterste datum"]
    first = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert first["Te laat"].value == "ja" and first["Dagen te laat"].value == 6
    assert first["Uiterste datum"].is_date and first["Uiterste datum"].value == dt.datetime(2025, 9, 30)
    assert first["Naam"].value == "=HYPERLINK(\"x\")" and first["Naam"].quotePrefix
    assert first["Leeftijd"].value == 13 and first["Dagen open"].value == 35
    second = {h: c.value for h, c in zip(header, sheet[3], strict=True)}
    assert second["Te laat"] == "nee" and second["Dagen te laat"] is None
    page = worklist_html("Anna", rows, dt.date(2025, 10, 6), gemaakt_op=MADE)
    document = html.document_fromstring(page)
    body = document.get_element_by_id("werklijst").xpath("./tbody/tr")
    assert body[0].get("class") == "te-laat" and body[1].get("class") is None
    assert body[0][3].text_content() == "30 september 2025"
    assert "2 open dossiers, waarvan 1 met een verlopen termijn" in page
