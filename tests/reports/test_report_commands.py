"""`inbeeld report …` end to end: a data directory with a staging store (DUO, BRP) and a register
database, the commands run through the CLI, and the files they write read back."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html
from openpyxl import load_workbook

from cli import main
from connectors.brp_lo3csv import read_lo3csv
from connectors.staging import Staging
from inbeeld.settings import load_settings
from registers.audit import AuditTrail
from registers.db import make_engine, session_factory
from registers.models import Case, Dossier, Verzuimmelding
from reports.disclosure import SUPPRESSED
from reports.gather import assign_by_rules
from tests.named_user import TESTER, add_tester
from tests.reports.register_data import KEY, fill, register_url
from tests.reports.staging_files import bsn, load, write_c
from tests.reports.test_vsv_staging import rows as vsv_rows

PEOPLE = [bsn(100 + i) for i in range(7)]
CONFIG = """
[reports.werklijst]
wijken = { "1000-1049" = "Centrum", "1050-1099" = "West" }

[[reports.werklijst.toewijzing]]
naam = "Ria RMC"
rol = "RMC"
team = "RMC"

[[reports.werklijst.toewijzing]]
naam = "Anna Alfabet"
letters = "A-K"
team = "Noord"

[[reports.werklijst.toewijzing]]
naam = "Bram Bos"
letters = "L-Z"
team = "Zuid"

[reports.kpi]
afsluiten_binnen_weken = 12
"""
LO3_HEADER = (";01.01.20;01.02.10;01.02.30;01.02.40;01.03.10;01.04.10;08.09.10;08.11.10;08.11.20;08.11.30;"
              "08.11.40;08.11.60;08.11.70")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    deliveries = tmp_path_factory.mktemp("deliveries")
    enrolments = vsv_rows() + [{
        "persoonsnummer": PEOPLE[0], "geboortedatum": "2011-03-04", "geslacht": "V",
        "gemeentecode": "0363", "brin": "10AA", "onderwijssoort": "VO", "niveau": "HAVO",
        "datum_inschrijving": "2023-08-01", "datum_uitschrijving": "2025-07-31", "bekostigd": "J",
        "diploma_datum": None, "startkwalificatie": "N"}]
    load(folder / "staging.duckdb", [write_c(deliveries / "duo-C-G0363-20251006.csv", enrolments)])
    brp = deliveries / "brp-G0363-20251006.lo3.csv"
    brp.write_text("\r\n".join([
        LO3_HEADER,
        f"Lg01_1;{PEOPLE[0]};Sanne;de;Vries;20110304;V;0363;Kerkstraat;12;A;2;1017GC;Amsterdam",
        f"Lg01_2;{PEOPLE[1]};Daan;;Jansen;20050607;M;0363;Dam;1;;;1055AB;Amsterdam",
    ]) + "\r\n", encoding="utf-8")
    with Staging(folder / "staging.duckdb") as staging:
        result = staging.import_file("brp", brp, read_lo3csv)
        assert result.status == "loaded" and not result.rows_quarantined, staging.quarantine()
    fill(register_url(folder), PEOPLE)
    (folder / "inbeeld.toml").write_text(CONFIG, encoding="utf-8")
    add_tester(folder)
    return folder


def run(data_dir: Path, *args: str) -> list[Path]:
    env = {"INBEELD_DATA_DIR": str(data_dir), "INBEELD_CONFIG": str(data_dir / "inbeeld.toml"),
           "INBEELD_GEMEENTEN": "0363", "INBEELD_GEBRUIKER": TESTER}
    result = CliRunner().invoke(main, ["report", *args, "--out", str(data_dir / "out")], env=env)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return [Path(line) for line in result.stdout.splitlines() if line.strip()]


def test_worklists_per_person_with_next_action_and_overdue_first(data_dir: Path) -> None:
    paths = run(data_dir, "worklist", "--peildatum", "2025-10-06")
    assert sorted(p.name for p in paths) == ["werklijst-2025-10-bram-bos.xlsx",
                                             "werklijst-2025-10-ria-rmc.xlsx"]
    sheet = load_workbook(next(p for p in paths if "bram" in p.name))["Bram Bos"]
    header = [c.value for c in sheet[1]]
    row = {h: c.value for h, c in zip(header, sheet[2], strict=True)}
    assert row["Naam"] == "Sanne de Vries" and row["Leeftijd"] == 14
    assert row["Laatste actie"] == "notitie" and row["Datum laatste actie"] == dt.datetime(2025, 9, 10)
    assert row["Volgende actie"] == "reactie nagaan, zo nodig huisbezoek"
    assert row["Uiterste datum"] == dt.datetime(2025, 10, 1)  # letter of 3 September + 4 weeks
    assert (row["Te laat"], row["Dagen te laat"]) == ("ja", 5)
    assert row["Schoolstatus"] == "uitgeschreven sinds 1 augustus 2025 (10AA VO HAVO)"
    assert row["Wijk"] == "Centrum" and row["Dagen open"] == 35
    assert (row["Adres"], row["Postcode"], row["Woonplaats"]) == ("Kerkstraat 12A-2", "1017GC", "Amsterdam")
    assert row["Gemeente"] == "Amsterdam"
    overdue_cell, header_cell = sheet["A2"], sheet["A1"]
    assert overdue_cell.font.bold and overdue_cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert header_cell.value == "Te laat"
    ria = load_workbook(next(p for p in paths if "ria" in p.name))["Ria RMC"]
    ria_row = {h.value: c.value for h, c in zip(ria[1], ria[2], strict=True)}
    assert ria_row["Volgende actie"] == "eerste brief versturen" and ria_row["Dagen te laat"] == 9
    assert ria_row["Schoolstatus"] == "geen inschrijving bekend"
    html_paths = run(data_dir, "worklist", "--peildatum", "2025-10-06", "--voor", "Ria RMC",
                     "--format", "html")
    document = html.document_fromstring(html_paths[0].read_text(encoding="utf-8"))
    assert document.get_element_by_id("werklijst").xpath("./tbody/tr")[0].get("class") == "te-laat"


def test_vsv_command_writes_suppressed_and_exact_figures(data_dir: Path) -> None:
    [path] = run(data_dir, "vsv", "--jaar", "2024")
    assert path.name == "vsv-2024-2025.xlsx"
    key = load_workbook(path)["Kerncijfers"]
    assert (key["D2"].value, key["E2"].value) == (7, SUPPRESSED)  # 3 vsv'ers: hidden for policy
    [exact] = run(data_dir, "vsv", "--jaar", "2024", "--exact")
    key = load_workbook(exact)["Kerncijfers"]
    assert (key["D2"].value, key["E2"].value) == (7, 3)
    assert key["F2"].value == pytest.approx(3 / 7)
    [page] = run(data_dir, "vsv", "--jaar", "2024", "--format", "html")
    document = html.document_fromstring(page.read_text(encoding="utf-8"))
    assert document.get_element_by_id("startset").text_content() == "7"
    # the policy page hides every small school figure: the bar charts give way to the tables
    assert len(document.xpath("//figure/img")) == 1
    assert len(document.xpath("//p[@class='weggelaten']")) >= 1
    [exact_page] = run(data_dir, "vsv", "--jaar", "2024", "--format", "html", "--exact")
    exact_document = html.document_fromstring(exact_page.read_text(encoding="utf-8"))
    # trend, per niveau, per school; one gemeente gets no one-bar chart
    alts = [img.get("alt") for img in exact_document.xpath("//figure/img")]
    assert len(alts) == 3 and not any("per gemeente" in alt for alt in alts)
    csvs = run(data_dir, "vsv", "--jaar", "2024", "--format", "csv", "--exact")
    kern = next(p for p in csvs if p.name.endswith("kerncijfers.csv"))
    assert kern.read_text(encoding="utf-8-sig").splitlines()[1].endswith(";7;3;42,9%")


def test_vsv_without_jaar_takes_the_newest_convenantjaar_with_data_and_says_so(data_dir: Path) -> None:
    env = {"INBEELD_DATA_DIR": str(data_dir), "INBEELD_CONFIG": str(data_dir / "inbeeld.toml"),
           "INBEELD_GEMEENTEN": "0363", "INBEELD_GEBRUIKER": TESTER}
    result = CliRunner().invoke(main, ["report", "vsv", "--out", str(data_dir / "out")], env=env)
    assert result.exit_code == 0, result.output
    # the deliveries are of 6 October 2025: convenantjaar 2025-2026 has one, provisional
    assert "Geen --jaar gegeven: convenantjaar 2025-2026" in result.stderr
    assert result.stdout.strip().endswith("vsv-2025-2026.xlsx")


def test_kpi_report_of_a_month_without_meldingen_says_why(data_dir: Path) -> None:
    [path] = run(data_dir, "kpi", "--maand", "2025-06", "--peildatum", "2025-10-06", "--format", "html")
    page = html.document_fromstring(path.read_text(encoding="utf-8"))
    assert page.get_element_by_id("leeg").text_content() == (
        "Geen verzuimmeldingen met een meldingsdatum van 1 juni 2025 tot en met 30 juni 2025; de laatste "
        "melding ervoor is van 3 maart 2025 en de eerste melding erna is van 15 augustus 2025.")


def test_telling_command_counts_the_registers(data_dir: Path) -> None:
    [path] = run(data_dir, "telling", "--jaar", "2024", "--exact")
    sheet = load_workbook(path)["Leerplichttelling 2024-2025"]
    rows = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("1. Absoluut verzuim", "Aantal gevallen van absoluut verzuim")] == 1
    assert rows[("1. Absoluut verzuim", "Duur langer dan 3 maanden")] == 1
    assert rows[("1. Absoluut verzuim", "Afloop: inschrijving gevonden")] == 1
    assert rows[("2. Relatief verzuim: Langdurig relatief verzuim", "Afloop: terug naar school")] == 1
    assert rows[("2. Relatief verzuim: 16 uur in 4 weken", "Afloop: nog in behandeling")] == 1
    assert rows[("2. Relatief verzuim: Luxe verzuim", "Aantal meldingen")] == 0  # August 2025: next year
    assert rows[("3. Vrijstellingen", "Art. 5 onder a: lichamelijk of psychisch ongeschikt")] == 1
    assert rows[("4. Thuiszitters", "Duur 4 weken tot en met 3 maanden")] == 1
    assert rows[("5. Halt en proces-verbaal", "Halt-verwijzingen")] == 1
    assert rows[("5. Halt en proces-verbaal", "Processen-verbaal")] == 1
    [policy] = run(data_dir, "telling", "--jaar", "2024", "--format", "html")
    assert "&lt;5" in policy.read_text(encoding="utf-8")


def test_kpi_command_colours_per_lpa_and_team(data_dir: Path) -> None:
    [path] = run(data_dir, "kpi", "--jaar", "2024", "--peildatum", "2025-10-06")
    sheet = load_workbook(path)["KPI verzuimmeldingen"]
    rows = {(r[1].value, r[2].value): r for r in sheet.iter_rows(min_row=2)}
    anna, bram = rows[("Noord", "Anna Alfabet")], rows[("Zuid", "Bram Bos")]
    assert anna[6].value == 1.0 and anna[6].fill.fgColor.rgb.endswith("C6EFCE")
    assert bram[6].value == 0 and bram[6].fill.fgColor.rgb.endswith("FFC7CE")
    assert bram[9].value == 0  # not closed within 12 weeks of 3 March 2025
    total = rows[("Alle teams", "Totaal")]
    assert (total[3].value, total[4].value, total[5].value) == (2, 2, 1)


def test_the_weekly_assignment_gives_an_rmc_dossier_to_the_rmc_counsellor(data_dir: Path,
                                                                          tmp_path: Path) -> None:
    """A school's RMC verzuimmelding opens a dossier of the RMC team; the LPA rules (by surname letter)
    took it, so the dossier screen said RMC and the LPA's work list had it."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("out"))
    config = load_settings(environ={"INBEELD_DATA_DIR": str(copy),
                                   "INBEELD_CONFIG": str(copy / "inbeeld.toml")}).reports
    engine = make_engine(register_url(copy))
    number = bsn(300)
    with session_factory(engine, AuditTrail(KEY, actor="test"))() as session:
        melding = Verzuimmelding(meldingsnummer="VM-RMC", meldingsdatum=dt.date(2025, 10, 1), brin="10AA",
                                 persoonsnummer=number, soort="RMC", begindatum=dt.date(2025, 9, 15),
                                 status="geregistreerd", status_datum=dt.date(2025, 10, 1))
        session.add(melding)
        session.flush()
        dossier = Dossier(persoonsnummer=number, gemeentecode="0363", status="open", team="rmc",
                          opened_on=dt.date(2025, 10, 1))
        session.add(Case(persoonsnummer=number, gemeentecode="0363", signal="VERZUIMMELDING", status="open",
                         opened_on=dt.date(2025, 10, 1), last_seen=dt.date(2025, 10, 6),
                         verzuimmelding_id=melding.id, dossier=dossier))
        session.commit()
    with session_factory(engine, AuditTrail(KEY, actor="test"))() as session, \
            Staging(copy / "staging.duckdb", read_only=True) as staging:
        assign_by_rules(session, staging.con, config)
        assert session.query(Dossier).filter_by(persoonsnummer=number).one().assigned_to == "Ria RMC"
    engine.dispose()


def test_reconciliation_lists_who_is_only_in_our_register(data_dir: Path) -> None:
    [path] = run(data_dir, "afstemming", "--jaar", "2024")
    sheet = load_workbook(path)["Alleen in InBeeld"]
    header = [c.value for c in sheet[1]]
    ours = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert sorted(ours) == sorted([PEOPLE[0], PEOPLE[6]])
    assert header == ["Persoonsnummer", "BRIN", "School", "Niveau", "Datum uitschrijving", "Uitkomst"]
    assert (ours[PEOPLE[6]]["BRIN"], ours[PEOPLE[6]]["Niveau"]) == ("10AA", "HAVO")
    # the entry made from a signal gets the enrolment DUO says was left
    left = ours[PEOPLE[0]]
    assert (left["BRIN"], left["Niveau"]) == ("10AA", "VO")
    assert left["Datum uitschrijving"] == dt.datetime(2025, 7, 31)
    assert all(row["Uitkomst"] for row in ours.values())


def test_missing_staging_is_a_clear_refusal(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", "vsv", "--jaar", "2024"],
                                env={"INBEELD_DATA_DIR": str(tmp_path),
                                     "INBEELD_CONFIG": str(tmp_path / "x")})
    assert result.exit_code == 1 and "er is nog niets ingelezen" in result.output


def test_the_weekly_assignment_gives_open_cases_to_the_person_the_rules_name(data_dir: Path,
                                                                            tmp_path: Path) -> None:
    """So that the letters name who the family deals with (reports.gather.assign_by_rules)."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("out"))
    config = load_settings(environ={"INBEELD_DATA_DIR": str(copy),
                                   "INBEELD_CONFIG": str(copy / "inbeeld.toml")}).reports
    engine = make_engine(register_url(copy))
    with session_factory(engine, AuditTrail(KEY, actor="test"))() as session, \
            Staging(copy / "staging.duckdb", read_only=True) as staging:
        assert assign_by_rules(session, staging.con, config) == 2
        assert assign_by_rules(session, staging.con, config) == 0  # assigned once; kept after that
        assigned = {dossier.persoonsnummer: dossier.assigned_to for dossier in session.query(Dossier)
                    if dossier.status == "open"}
    engine.dispose()
    # Sanne de Vries (absoluut verzuim, V → L-Z) and Daan Jansen (RMC doelgroep: the RMC counsellor)
    assert assigned == {PEOPLE[0]: "Bram Bos", PEOPLE[1]: "Ria RMC"}
