"""The vrijstellingen to register at DUO and the reconciliation with DUO's register
(reports/vrijstellingen_duo.py, `inbeeld report vrijstellingen`): pure functions as tables, then
the command on a register and real files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.vrijstellingen_duo import LIST_COLUMNS, afstemming, list_lines, to_register
from tests.reports.test_report_commands import PEOPLE, data_dir, run  # noqa: F401 (the fixture)

D = dt.date


def row(number: str, grond: str, begin: dt.date, end: dt.date | None = None) -> dict:
    return {"persoonsnummer": number, "grondslag": grond, "begindatum": begin, "einddatum": end}


@pytest.mark.parametrize("end,listed", [
    (None, True),                 # open-ended
    (D(2026, 9, 7), True),        # ends on the peildatum: still valid that day
    (D(2026, 9, 6), False),       # ended the day before: registered when it ran
    (D(2027, 7, 31), True),
])
def test_what_duo_must_hold_on_the_peildatum(end: dt.date | None, listed: bool) -> None:
    rows = [row("999990019", "LPW_5_A", D(2025, 9, 1), end)]
    assert bool(to_register(rows, D(2026, 9, 7))) is listed


def test_a_vrijstelling_starting_later_is_registered_now() -> None:
    assert to_register([row("999990019", "LPW_5_C", D(2027, 1, 1))], D(2026, 9, 7))


def test_list_lines_carry_the_article_and_no_toelichting() -> None:
    [line] = list_lines([{**row("999990019", "LPW_5A", D(2026, 3, 1), D(2026, 10, 31)),
                          "toelichting": "medisch"}])
    assert dict(zip(LIST_COLUMNS, line, strict=True)) == {
        "PERSOONSGEBONDENNUMMER": "999990019", "GRONDSLAG": "LPW_5A", "BEGINDATUM": "01-03-2026",
        "EINDDATUM": "31-10-2026", "ARTIKEL": "Leerplichtwet 1969 (BWBR0002628) art. 5a",
        "OMSCHRIJVING": line[5]}
    assert "medisch" not in ";".join(line)


def test_afstemming_per_person_ground_and_begindatum() -> None:
    ours = [row("A", "LPW_5_A", D(2025, 9, 1)), row("B", "LPW_5_B", D(2025, 9, 1)),
            row("C", "LPW_15", D(2026, 1, 1), D(2026, 7, 31)), row("D", "LPW_5_C", D(2026, 2, 1))]
    duo = [row("B", "LPW_5_B", D(2025, 9, 1)), row("C", "LPW_15", D(2026, 1, 1), D(2026, 12, 31)),
           row("D", "LPW_5_A", D(2026, 2, 1)), row("E", "LPW_3A", D(2026, 8, 1))]
    result = afstemming(ours, duo)
    assert [(r["persoonsnummer"], r["grondslag"]) for r in result.nog_registreren] == [("A", "LPW_5_A"),
                                                                                      ("D", "LPW_5_C")]
    assert [(r["persoonsnummer"], r["grondslag"]) for r in result.alleen_duo] == [("D", "LPW_5_A"),
                                                                                 ("E", "LPW_3A")]
    assert [(r["persoonsnummer"], r["einddatum"], r["einddatum_duo"]) for r in result.verschil] == [
        ("C", D(2026, 7, 31), D(2026, 12, 31))]
    assert [r["persoonsnummer"] for r in result.gelijk] == ["B"]


def test_command_writes_the_list_and_reconciles_duo_s_file(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    [listing] = run(data_dir, "vrijstellingen", "--peildatum", "2025-10-06")
    assert listing.name == "vrijstellingen-duo-2025-10-06.csv"
    lines = listing.read_bytes().decode("utf-8").split("\r\n")
    assert lines[0] == ";".join(LIST_COLUMNS)
    assert lines[1].startswith(f"{PEOPLE[5]};LPW_5_A;01-09-2024;;"
                               "Leerplichtwet 1969 (BWBR0002628) art. 5 onder a;")
    assert lines[2:] == [""]

    # the list read back as DUO's register: everything is in both
    paths = run(data_dir, "vrijstellingen", "--peildatum", "2025-10-06", "--duo", str(listing))
    book = load_workbook(next(p for p in paths if p.suffix == ".xlsx"))
    assert book["In beide"].max_row == 2 and book["Nog registreren bij DUO"].max_row == 1

    duo = tmp_path / "duo-vrijstellingen.csv"
    duo.write_text("PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM\r\n"
                   f"{PEOPLE[5]};LPW_5_A;01-09-2024;31-07-2026\r\n"
                   f"{PEOPLE[6]};LPW_5_B;01-08-2025;\r\n"
                   f"{PEOPLE[4]};LPW_99;01-08-2025;\r\n", encoding="utf-8")
    paths = run(data_dir, "vrijstellingen", "--peildatum", "2025-10-06", "--duo", str(duo))
    book = load_workbook(next(p for p in paths if p.suffix == ".xlsx"))
    other = book["Andere einddatum"]
    assert [c.value for c in other[2]][:2] == [PEOPLE[5], "LPW_5_A"]
    assert other.cell(2, 5).value == dt.datetime(2026, 7, 31)
    assert [c.value for c in book["Alleen bij DUO"][2]][:2] == [PEOPLE[6], "LPW_5_B"]
    assert book["Nog registreren bij DUO"].max_row == 1 and book["In beide"].max_row == 1
