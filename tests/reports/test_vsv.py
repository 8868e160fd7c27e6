"""VSV per convenantjaar on a hand-made set of enrolments (every figure computed by hand)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reports.disclosure import SECONDARY, SUPPRESSED
from reports.vsv import (
    Convenantjaar,
    duo_workload,
    reconcile,
    startset_and_leavers,
    vsv_figures,
    vsv_trend,
)


def enrolment(nummer: str, soort: str, niveau: str, begin: str, eind: str | None, *, geboren: str,
              brin: str = "10AA", geslacht: str = "M", gemeente: str = "0363",
              bekostigd: str = "J", diploma: str | None = None, sk: str = "N") -> dict:
    return {"persoonsnummer": nummer, "geboortedatum": geboren, "geslacht": geslacht,
            "gemeentecode": gemeente, "brin": brin, "onderwijssoort": soort, "niveau": niveau,
            "datum_inschrijving": begin, "datum_uitschrijving": eind, "bekostigd": bekostigd,
            "diploma_datum": diploma, "startkwalificatie": sk}


# Convenantjaar 2024-2025: startset on 1 October 2024, vsv'ers measured on 1 October 2025.
ENROLMENTS = pd.DataFrame([
    # P01 havo, left in July 2025 without a diploma: vsv'er
    enrolment("P01", "VO", "HAVO", "2020-08-01", "2025-07-31", geboren="2008-05-01", brin="10AA"),
    # P02 mbo 2, still enrolled: not a vsv'er
    enrolment("P02", "MBO", "MBO2", "2023-08-01", None, geboren="2006-01-01", brin="20BB", geslacht="V"),
    # P03 mbo 3 diploma (startkwalificatie) in June 2025: not a vsv'er
    enrolment("P03", "MBO", "MBO3", "2022-08-01", "2025-06-30", geboren="2005-02-02", brin="20BB",
              diploma="2025-06-30", sk="J"),
    # P04 praktijkonderwijs: not in the startset
    enrolment("P04", "PRO", "PRO", "2021-08-01", "2025-07-31", geboren="2009-03-03", brin="40DD"),
    # P05 unfunded school: not in the startset
    enrolment("P05", "VO", "VMBO", "2021-08-01", "2025-07-31", geboren="2009-03-03", brin="50EE",
              bekostigd="N"),
    # P06 vavo, 22 on 1 Oct 2024 (in the startset), left in January, 23 on 1 Oct 2025: not a vsv'er
    enrolment("P06", "VAVO", "VAVO", "2023-08-01", "2025-01-31", geboren="2002-03-01", brin="30CC",
              geslacht="V"),
    # P07 23 on 1 Oct 2024: not in the startset
    enrolment("P07", "MBO", "MBO4", "2020-08-01", "2025-06-30", geboren="2001-09-01", brin="20BB"),
    # P08 mbo 1, left in March, enrolled elsewhere from 1 September 2025: not a vsv'er
    enrolment("P08", "MBO", "MBO1", "2024-08-01", "2025-03-01", geboren="2007-07-07", brin="20BB"),
    enrolment("P08", "MBO", "MBO2", "2025-09-01", None, geboren="2007-07-07", brin="60FF"),
    # P09 mbo 1 in gemeente 0518, left in February: vsv'er
    enrolment("P09", "MBO", "MBO1", "2024-08-01", "2025-02-01", geboren="2006-06-06", brin="20BB",
              geslacht="V", gemeente="0518"),
    # P10 enrolled after 1 October 2024: not in the startset
    enrolment("P10", "VO", "VWO", "2024-10-02", None, geboren="2010-01-01", brin="10AA"),
    # P11 left the day before 1 October 2024: not in the startset
    enrolment("P11", "VO", "VWO", "2019-08-01", "2024-09-30", geboren="2008-01-01", brin="10AA"),
    # P12 vo and vavo on 1 Oct 2024: the vavo enrolment (started last) counts; both ended: vsv'er
    enrolment("P12", "VO", "VMBO", "2019-08-01", "2025-06-30", geboren="2007-12-12", brin="10AA"),
    enrolment("P12", "VAVO", "VAVO", "2024-08-15", "2025-06-30", geboren="2007-12-12", brin="30CC"),
    # P13 vo praktijkonderwijs coded by elementcode 0090: not in the startset
    {**enrolment("P13", "VO", "VMBO", "2021-08-01", None, geboren="2009-04-04", brin="10AA"),
     "onderwijscode": "0090"},
])


def test_convenantjaar_runs_from_1_october_to_30_september() -> None:
    jaar = Convenantjaar(2024)
    assert (jaar.start, jaar.end, jaar.label) == (dt.date(2024, 10, 1), dt.date(2025, 9, 30), "2024-2025")
    assert Convenantjaar.of(dt.date(2025, 9, 30)) == jaar
    assert Convenantjaar.of(dt.date(2025, 10, 1)) == Convenantjaar(2025)


def test_startset_and_new_vsv_ers() -> None:
    population = startset_and_leavers(ENROLMENTS, 2024).set_index("persoonsnummer")
    assert sorted(population.index) == ["P01", "P02", "P03", "P06", "P08", "P09", "P12"]
    assert sorted(population.index[population["vsv"]]) == ["P01", "P09", "P12"]
    assert population.loc["P12", "niveau"] == "VAVO" and population.loc["P12", "brin"] == "30CC"
    assert population.loc["P06", "leeftijd"] == 22


def test_vsv_percentage_and_breakdowns() -> None:
    figures = vsv_figures(ENROLMENTS, 2024)
    assert (figures.startset, figures.vsv) == (7, 3)
    assert figures.percentage == pytest.approx(3 / 7)
    niveau = figures.breakdowns["niveau"].set_index("waarde")
    assert list(niveau.index) == ["VO", "MBO 1", "MBO 2", "MBO 3", "VAVO"]
    assert niveau.loc["MBO 1", "startset"] == 2 and niveau.loc["MBO 1", "vsv"] == 1
    assert niveau.loc["VAVO", "percentage"] == pytest.approx(0.5)
    school = figures.breakdowns["brin"].set_index("waarde")
    assert school.loc["20BB", "startset"] == 4 and school.loc["20BB", "vsv"] == 1
    gemeente = figures.breakdowns["gemeentecode"].set_index("waarde")
    assert gemeente.loc["0518", "vsv"] == 1 and gemeente.loc["0363", "startset"] == 6
    sexes = figures.breakdowns["geslacht"].set_index("waarde")
    assert sexes.loc["vrouw", "startset"] == 3 and sexes.loc["man", "vsv"] == 2
    ages = figures.breakdowns["leeftijd"].set_index("waarde")
    assert ages.loc[16, "startset"] == 2  # P01 (born 2008-05-01) and P12 (born 2007-12-12)


def test_provisional_figure_on_a_peildatum_inside_the_year() -> None:
    # On 15 March 2025: P08 (left 1 March) and P09 (left 1 February) are not enrolled; P06 is,
    # but is 23 by then; P01 and P12 are still at school.
    figures = vsv_figures(ENROLMENTS, 2024, peildatum=dt.date(2025, 3, 15))
    assert (figures.startset, figures.vsv) == (7, 2)
    with pytest.raises(ValueError, match="ligt niet in convenantjaar"):
        vsv_figures(ENROLMENTS, 2024, peildatum=dt.date(2025, 10, 2))


def test_small_counts_are_hidden_for_policy() -> None:
    shown = vsv_figures(ENROLMENTS, 2024).suppressed()
    niveau = shown["niveau"].set_index("waarde")
    assert niveau.loc["VAVO", "startset"] == SUPPRESSED
    assert niveau.loc["VAVO", "percentage"] == SECONDARY  # would give the hidden counts back
    assert niveau.loc["Totaal", "startset"] == 7  # 7 is not small
    assert niveau.loc["Totaal", "vsv"] == SUPPRESSED


def test_trend_over_convenantjaren_recomputes_each_year() -> None:
    trend = vsv_trend(ENROLMENTS, [2023, 2024]).set_index("convenantjaar")
    # 1 Oct 2023: P01, P02, P03, P06, P07 (22), P11, P12 (vo) enrolled and funded; on 1 Oct 2024
    # P11 has left (vsv'er); the others are still enrolled.
    assert trend.loc["2023-2024", "startset"] == 7
    assert trend.loc["2023-2024", "vsv"] == 1
    assert trend.loc["2024-2025", "vsv"] == 3
    assert not trend["voorlopig"].any()
    provisional = vsv_trend(ENROLMENTS, [2023, 2024, 2025], peildatum=dt.date(2025, 3, 15))
    assert list(provisional["convenantjaar"]) == ["2023-2024", "2024-2025"]
    assert list(provisional["voorlopig"]) == [False, True]


def test_reconciliation_with_duo_workload() -> None:
    jaar = Convenantjaar(2024)
    reports = pd.DataFrame([
        {"rapport": "A01", "maand": "202411", "persoonsnummer": "P01"},
        {"rapport": "A01", "maand": "202411", "persoonsnummer": "X99"},
        {"rapport": "A01", "maand": "202502", "persoonsnummer": "100000004"},
        {"rapport": "A02", "maand": "202412", "persoonsnummer": "X99"},
        {"rapport": "A01", "maand": "202410", "persoonsnummer": "OLD"},  # facts of 1 Oct 2024: 2023-2024
    ])
    workload = duo_workload(reports, jaar)
    assert sorted(workload["persoonsnummer"]) == ["100000004", "P01"]
    ours = pd.DataFrame({"persoonsnummer": ["999993653", "P12"]})
    result = reconcile(workload, ours, koppeling={"100000004": "999993653"})
    assert list(result.alleen_duo["persoonsnummer"]) == ["P01"]
    assert list(result.alleen_inbeeld["persoonsnummer"]) == ["P12"]
    assert list(result.beide["persoonsnummer"]) == ["100000004"]


def test_latest_a04_is_duo_s_own_workload() -> None:
    reports = pd.DataFrame([
        {"rapport": "A01", "maand": "202411", "persoonsnummer": "P01"},
        {"rapport": "A04", "maand": "202411", "persoonsnummer": "P01"},
        {"rapport": "A04", "maand": "202412", "persoonsnummer": "P09"},
    ])
    assert list(duo_workload(reports, Convenantjaar(2024))["persoonsnummer"]) == ["P09"]


def test_missing_column_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="missing column.*bekostigd"):
        vsv_figures(ENROLMENTS.drop(columns=["bekostigd"]), 2024)
