"""The Leerplichttelling of school year 2024-2025 on hand-made register rows."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.disclosure import SECONDARY, SUPPRESSED
from reports.telling import DURATIONS, Schooljaar, duration_class, leerplichttelling

CASES = [
    # open all year from the previous year, still open: > 3 months, not closed
    {"case_id": 1, "soort": "ABSOLUUT_VERZUIM", "geopend": "2024-05-01", "gesloten": None,
     "reden_sluiting": None},
    # 2 weeks: enrolment found
    {"case_id": 2, "soort": "ABSOLUUT_VERZUIM", "geopend": "2024-09-02", "gesloten": "2024-09-16",
     "reden_sluiting": "inschrijving_gevonden"},
    # exactly 28 days: still "tot en met 4 weken"; vrijstelling
    {"case_id": 3, "soort": "ABSOLUUT_VERZUIM", "geopend": "2024-10-01", "gesloten": "2024-10-29",
     "reden_sluiting": "vrijstelling"},
    # 29 days up to 3 months: moved
    {"case_id": 4, "soort": "ABSOLUUT_VERZUIM", "geopend": "2025-01-10", "gesloten": "2025-04-10",
     "reden_sluiting": "verhuisd"},
    # closed before the school year: not counted
    {"case_id": 5, "soort": "ABSOLUUT_VERZUIM", "geopend": "2024-03-01", "gesloten": "2024-07-31",
     "reden_sluiting": "verhuisd"},
    # other case type: not counted here
    {"case_id": 6, "soort": "GEEN_INSCHRIJVING_RMC", "geopend": "2024-09-01", "gesloten": None,
     "reden_sluiting": None},
    # opened after the school year: not counted
    {"case_id": 7, "soort": "ABSOLUUT_VERZUIM", "geopend": "2025-08-01", "gesloten": None,
     "reden_sluiting": None},
]
MELDINGEN = [
    {"meldingsnummer": "M1", "soort_verzuim": "16U_4W", "meldingsdatum": "2024-09-10", "status": "afgesloten",
     "reden_afsluiting": "terug_naar_school"},
    {"meldingsnummer": "M2", "soort_verzuim": "16U_4W", "meldingsdatum": "2024-11-10", "status": "afgesloten",
     "reden_afsluiting": "terug_naar_school"},
    {"meldingsnummer": "M3", "soort_verzuim": "16U_4W", "meldingsdatum": "2025-07-31",
     "status": "in_behandeling", "reden_afsluiting": None},
    {"meldingsnummer": "M4", "soort_verzuim": "LRV", "meldingsdatum": "2025-01-15", "status": "geregistreerd",
     "reden_afsluiting": None},
    {"meldingsnummer": "M5", "soort_verzuim": "LUXE", "meldingsdatum": "2025-05-20",
     "status": "ter_kennisgeving_aangenomen", "reden_afsluiting": None},
    {"meldingsnummer": "M6", "soort_verzuim": "RMC", "meldingsdatum": "2025-01-15", "status": "geregistreerd",
     "reden_afsluiting": None},  # RMC: not in the telling
    {"meldingsnummer": "M7", "soort_verzuim": "OVERIG", "meldingsdatum": "2024-07-31", "status": "afgesloten",
     "reden_afsluiting": "terug_naar_school"},  # previous school year
]
VRIJSTELLINGEN = [
    {"grondslag": "LPW_5_A", "begindatum": "2023-08-01", "einddatum": None},
    {"grondslag": "LPW_5_A", "begindatum": "2024-08-01", "einddatum": "2025-07-31"},
    {"grondslag": "LPW_5_C", "begindatum": "2025-02-01", "einddatum": "2025-06-30"},
    {"grondslag": "LPW_5_B", "begindatum": "2022-08-01", "einddatum": "2024-07-31"},  # ended before
]
THUISZITTERS = [
    {"bron": "lrv", "begindatum": "2024-09-01", "einddatum": "2024-09-20"},  # 19 days
    {"bron": "lrv", "begindatum": "2024-10-01", "einddatum": "2025-01-01"},  # exactly 3 months
    {"bron": "absoluut_verzuim", "begindatum": "2025-03-01", "einddatum": None},  # to 31 July: > 3 months
]
ACTIES = [
    {"soort": "halt_verwijzing", "datum": "2024-10-01"},
    {"soort": "proces_verbaal", "datum": "2025-03-01"},
    {"soort": "proces_verbaal", "datum": "2025-07-31"},
    {"soort": "proces_verbaal", "datum": "2025-08-01"},  # next school year
    {"soort": "gesprek", "datum": "2025-03-01"},
]


@pytest.fixture()
def telling():
    return leerplichttelling(2024, CASES, MELDINGEN, VRIJSTELLINGEN, THUISZITTERS, ACTIES,
                             close_reason_labels={"verhuisd": "verhuisd naar een andere gemeente"})


def test_school_year_and_duration_classes() -> None:
    assert (Schooljaar(2024).start, Schooljaar(2024).end) == (dt.date(2024, 8, 1), dt.date(2025, 7, 31))
    assert Schooljaar.of(dt.date(2025, 7, 31)) == Schooljaar(2024)
    assert duration_class(dt.date(2024, 10, 1), dt.date(2024, 10, 29)) == DURATIONS[0]
    assert duration_class(dt.date(2024, 10, 1), dt.date(2024, 10, 30)) == DURATIONS[1]
    assert duration_class(dt.date(2024, 10, 1), dt.date(2025, 1, 1)) == DURATIONS[1]
    assert duration_class(dt.date(2024, 10, 1), dt.date(2025, 1, 2)) == DURATIONS[2]


def test_absoluut_verzuim_count_duration_and_outcome(telling) -> None:
    assert telling.aantal("av.totaal") == 4
    assert telling.aantal("av.nieuw") == 3
    assert [telling.aantal(f"av.duur.{i}") for i in range(3)] == [2, 1, 1]
    assert telling.aantal("av.afloop.inschrijving_gevonden") == 1
    assert telling.aantal("av.afloop.vrijstelling") == 1
    assert telling.aantal("av.afloop.verhuisd") == 1
    assert telling.aantal("av.afloop.open") == 1
    labels = [r.onderdeel for r in telling.regels]
    assert "Afloop: verhuisd naar een andere gemeente" in labels


def test_relatief_verzuim_per_kind_and_outcome(telling) -> None:
    assert telling.aantal("rv.16U_4W.totaal") == 3
    assert telling.aantal("rv.16U_4W.afloop.terug naar school") == 2
    assert telling.aantal("rv.16U_4W.afloop.Nog in behandeling") == 1
    assert telling.aantal("rv.LRV.totaal") == 1
    assert telling.aantal("rv.LRV.afloop.Nog niet in behandeling genomen") == 1
    assert telling.aantal("rv.LUXE.afloop.Ter kennisgeving aangenomen") == 1
    assert telling.aantal("rv.OVERIG.totaal") == 0
    assert not any("RMC" in r.sleutel for r in telling.regels)


def test_vrijstellingen_thuiszitters_halt_pv(telling) -> None:
    assert telling.aantal("vr.totaal") == 3
    assert telling.aantal("vr.LPW_5_A") == 2 and telling.aantal("vr.LPW_5_A.nieuw") == 1
    assert telling.aantal("vr.LPW_5_C") == 1 and telling.aantal("vr.LPW_5_B") == 0
    assert telling.aantal("tz.totaal") == 3
    assert telling.aantal("tz.bron.lrv") == 2 and telling.aantal("tz.bron.absoluut_verzuim") == 1
    assert [telling.aantal(f"tz.duur.{i}") for i in range(3)] == [1, 1, 1]
    assert (telling.aantal("halt"), telling.aantal("pv")) == (1, 2)


def test_a_running_school_year_is_counted_up_to_the_peildatum() -> None:
    early = leerplichttelling(2024, CASES, MELDINGEN, VRIJSTELLINGEN, THUISZITTERS, ACTIES,
                              peildatum=dt.date(2024, 9, 30))
    assert early.einde == dt.date(2024, 9, 30)
    assert early.aantal("av.totaal") == 2  # cases 1 and 2
    assert early.aantal("av.afloop.open") == 1
    assert early.aantal("pv") == 0


def test_suppressed_rows_hide_small_counts_and_what_would_reveal_them(telling) -> None:
    rows = {row["sleutel"]: row["aantal"] for row in telling.suppressed_rows()}
    assert rows["av.totaal"] == SUPPRESSED  # 4
    assert rows["halt"] == SUPPRESSED
    assert rows["rv.OVERIG.totaal"] == 0
    # absoluut verzuim durations 2/1/1 with total 4: all small
    assert {rows[f"av.duur.{i}"] for i in range(3)} == {SUPPRESSED}


def test_secondary_suppression_within_one_kind_of_verzuim() -> None:
    meldingen = [{"meldingsnummer": f"T{i}", "soort_verzuim": "16U_4W", "meldingsdatum": "2024-10-01",
                  "status": "afgesloten", "reden_afsluiting": "terug_naar_school"} for i in range(10)]
    meldingen += [{"meldingsnummer": f"B{i}", "soort_verzuim": "16U_4W", "meldingsdatum": "2024-10-01",
                   "status": "in_behandeling", "reden_afsluiting": None} for i in range(3)]
    telling = leerplichttelling(2024, [], meldingen, [], [], [])
    rows = {row["sleutel"]: row["aantal"] for row in telling.suppressed_rows()}
    assert rows["rv.16U_4W.totaal"] == 13
    assert rows["rv.16U_4W.afloop.Nog in behandeling"] == SUPPRESSED
    assert rows["rv.16U_4W.afloop.terug naar school"] == SECONDARY  # 13 - 10 would give the 3 back
    exact = {row["sleutel"]: row["aantal"] for row in telling.rows()}
    assert exact["rv.16U_4W.afloop.terug naar school"] == 10
