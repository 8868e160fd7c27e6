"""KPIs on verzuimmeldingen: school days, undecided meldingen, shares and traffic lights."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from registers.audit import AuditTrail
from registers.db import make_engine, session_factory, upgrade
from registers.models import Case, Verzuimmelding
from reports.kpi import add_school_days, fill_for, kpi_table, traffic_light
from reports.register_queries import kpi_meldingen

PEIL = dt.date(2025, 12, 1)


def melding(nummer: str, ontvangen: str, start: str | None, dicht: str | None, lpa: str, team: str) -> dict:
    return {"meldingsnummer": nummer, "meldingsdatum": ontvangen, "datum_in_behandeling": start,
            "datum_afgesloten": dicht, "lpa": lpa, "team": team}


def test_school_days_skip_weekends_and_configured_days_off() -> None:
    friday = dt.date(2025, 10, 3)
    assert add_school_days(friday, 5) == dt.date(2025, 10, 10)
    assert add_school_days(friday, 5, {dt.date(2025, 10, 6)}) == dt.date(2025, 10, 13)
    assert add_school_days(dt.date(2025, 10, 4), 1) == dt.date(2025, 10, 6)  # Saturday → Monday


def test_traffic_lights() -> None:
    assert [traffic_light(x) for x in (0.95, 0.90, 0.899, 0.80, 0.7999, None)] == [
        "groen", "groen", "oranje", "oranje", "rood", None]
    assert fill_for(0.5) == "FFC7CE" and fill_for("x") is None


def test_shares_per_lpa_team_and_total() -> None:
    rows = [
        # Anna: 3 on time out of 4 (75 % red); melding received Friday 3 Oct, due Friday 10 Oct
        melding("A1", "2025-10-03", "2025-10-10", "2025-10-20", "Anna", "Noord"),
        melding("A2", "2025-10-03", "2025-10-13", None, "Anna", "Noord"),  # 1 school day late
        melding("A3", "2025-10-06", "2025-10-06", "2026-01-10", "Anna", "Noord"),  # closed late
        melding("A4", "2025-10-07", None, "2025-10-08", "Anna", "Noord"),  # closed at once: on time
        # Bram: 1 of 1 on time (green); one still undecided (received 28 Nov, due 5 Dec)
        melding("B1", "2025-10-01", "2025-10-02", "2025-11-01", "Bram", "Noord"),
        melding("B2", "2025-11-28", None, None, "Bram", "Noord"),
        # Cor in team Zuid: never started, deadline passed: late
        melding("C1", "2025-09-01", None, None, "Cor", "Zuid"),
    ]
    table = kpi_table(rows, PEIL, period=(dt.date(2025, 9, 1), dt.date(2025, 11, 30)), weeks_to_close=6)
    by = {(r["team"], r["lpa"]): r for r in table.to_dict("records")}
    anna = by[("Noord", "Anna")]
    assert (anna["gemeten_in_behandeling"], anna["tijdig_in_behandeling"]) == (4, 3)
    assert anna["aandeel_in_behandeling"] == pytest.approx(0.75) and anna["kleur_in_behandeling"] == "rood"
    # closing within 6 weeks: A1 yes (17 days), A2 open and its deadline (14 Nov) passed: no,
    # A3 no (closed after 17 Nov), A4 yes
    assert (anna["gemeten_afgesloten"], anna["tijdig_afgesloten"]) == (4, 2)
    bram = by[("Noord", "Bram")]
    assert (bram["meldingen"], bram["gemeten_in_behandeling"], bram["tijdig_in_behandeling"]) == (2, 1, 1)
    assert bram["kleur_in_behandeling"] == "groen"
    # B2's closing deadline (9 Jan 2026) lies after the peildatum: undecided
    assert bram["gemeten_afgesloten"] == 1
    team = by[("Noord", "Totaal team")]
    assert (team["gemeten_in_behandeling"], team["tijdig_in_behandeling"]) == (5, 4)
    assert team["aandeel_in_behandeling"] == pytest.approx(0.8) and team["kleur_in_behandeling"] == "oranje"
    total = by[("Alle teams", "Totaal")]
    assert (total["gemeten_in_behandeling"], total["tijdig_in_behandeling"]) == (6, 4)
    assert by[("Zuid", "Cor")]["aandeel_in_behandeling"] == 0.0


def test_period_filters_on_meldingsdatum() -> None:
    rows = [melding("A1", "2025-10-03", "2025-10-03", None, "Anna", "Noord"),
            melding("A2", "2025-08-29", "2025-09-20", None, "Anna", "Noord")]
    table = kpi_table(rows, PEIL, period=(dt.date(2025, 9, 1), dt.date(2025, 9, 30)))
    assert table.iloc[-1]["meldingen"] == 0
    assert table.iloc[-1]["aandeel_in_behandeling"] is None


def test_the_monthly_report_is_about_the_newest_ended_month_with_meldingen() -> None:
    from reports.kpi import empty_reason, report_month

    meldingen = [{"meldingsnummer": "A", "meldingsdatum": dt.date(2026, 6, 12), "lpa": "x", "team": "t"},
                 {"meldingsnummer": "B", "meldingsdatum": dt.date(2026, 9, 8), "lpa": "x", "team": "t"}]
    # run on 28 September: August ended empty (summer), September has not ended: June it is
    assert report_month(meldingen, dt.date(2026, 9, 28)) == (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert report_month(meldingen, dt.date(2026, 10, 1)) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    # nothing ever: the month just ended, and the report says why it is empty
    assert report_month([], dt.date(2026, 10, 1)) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert empty_reason([], (dt.date(2026, 9, 1), dt.date(2026, 9, 30))) == (
        "Geen verzuimmeldingen met een meldingsdatum van 1 september 2026 tot en met 30 september 2026: "
        "het register bevat nog geen verzuimmeldingen.")
    assert empty_reason(meldingen, (dt.date(2026, 9, 1), dt.date(2026, 9, 30))) is None


def test_a_melding_nobody_took_up_counts_against_the_behandelaar_of_its_dossier(tmp_path: Path) -> None:
    # the KPI per LPA put every melding not yet in behandeling under "(niet toegewezen)", so an LPA
    # whose meldingen lay untouched showed no late ones while the work list gave them the dossiers
    url = f"sqlite:///{tmp_path / 'registers.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with session_factory(engine, AuditTrail(b"kpi-test-audit-key-0123456789abc", actor="test"))() as session:
        held = Verzuimmelding(meldingsnummer="VM1", meldingsdatum=dt.date(2026, 9, 1), brin="10AA",
                              persoonsnummer="999990011", soort="16U_4W", begindatum=dt.date(2026, 8, 24),
                              status="geregistreerd", status_datum=dt.date(2026, 9, 1))
        loose = Verzuimmelding(meldingsnummer="VM2", meldingsdatum=dt.date(2026, 9, 1), brin="10AA",
                               persoonsnummer="999990022", soort="16U_4W", begindatum=dt.date(2026, 8, 24),
                               status="geregistreerd", status_datum=dt.date(2026, 9, 1))
        session.add_all([held, loose])
        session.flush()
        session.add(Case(persoonsnummer="999990011", gemeentecode="0363", signal="VERZUIMMELDING",
                         status="open", opened_on=dt.date(2026, 9, 1), last_seen=dt.date(2026, 9, 1),
                         verzuimmelding_id=held.id, assigned_to="Anna Alfabet"))
        session.commit()
        rows = kpi_meldingen(session, {"Anna Alfabet": "Noord"}).set_index("meldingsnummer")
    engine.dispose()
    assert (rows.loc["VM1", "lpa"], rows.loc["VM1", "team"]) == ("Anna Alfabet", "Noord")
    assert (rows.loc["VM2", "lpa"], rows.loc["VM2", "team"]) == ("", "")  # no dossier, nobody yet
    table = kpi_table(rows.reset_index(), dt.date(2026, 10, 1))
    anna = table[(table["niveau"] == "medewerker") & (table["lpa"] == "Anna Alfabet")].iloc[0]
    assert (anna["gemeten_in_behandeling"], anna["tijdig_in_behandeling"]) == (1, 0)
