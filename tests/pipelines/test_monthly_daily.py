"""The monthly and daily steps on a real register (one open case, one vrijstelling) and staging."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from connectors.deliveries import stage_delivery
from inbeeld.settings import Settings
from pipelines.daily import daily_flow, renewal_reminders, update_thuiszitters
from pipelines.monthly import (
    monthly_flow,
    write_kpis,
    write_vrijstellingen_for_duo,
    write_vsv,
    write_worklists,
)
from pipelines.stores import registers
from tests.pipelines.test_weekly import BSNS, _duo_c

pytestmark = pytest.mark.slow  # run first: the suite's long tail (tests/conftest.py)

SEPT = date(2026, 9, 7)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A register with an ABSOLUUT_VERZUIM case open since May and a vrijstelling art. 5 onder a;
    gemeente 0363 served (the steps read it from the environment, as a run does)."""
    from registers.case_sync import sync_cases
    from registers.vrijstellingen import add_vrijstelling

    monkeypatch.setenv("INBEELD_GEMEENTEN", "0363")

    with registers(Settings(data_dir=tmp_path)) as session:
        case = {"persoonsnummer": BSNS[2], "gemeentecode": "0363", "signal": "ABSOLUUT_VERZUIM",
                "sinds": date(2026, 5, 1), "peildatum": SEPT}
        sync_cases(session, SEPT, [case], {})
        add_vrijstelling(session, BSNS[3], "LPW_5_A", date(2026, 9, 1), verklaring_datum=date(2026, 8, 1))
        session.commit()
    stage_delivery(tmp_path / "staging.duckdb", _duo_c(tmp_path / "duo-C-G0363-20260907.csv"), "duo_c")
    return tmp_path


def test_monthly_steps_write_the_work_list_vsv_and_kpis(data_dir: Path) -> None:
    day = date(2026, 10, 1)
    assert write_worklists.fn(str(data_dir), None, day) == {"worklists": 1, "open_cases_listed": 1}
    vsv = write_vsv.fn(str(data_dir), None, day)
    assert set(vsv) in ({"vsv_no_duo_data"}, {"vsv_startset", "vsv_new", "reconciliation_duo_only",
                                              "reconciliation_inbeeld_only"})
    assert write_kpis.fn(str(data_dir), None, day)["kpi_rows"] >= 1
    written = sorted(p.name for p in (data_dir / "reports").iterdir())
    assert "kpi-2026-09.xlsx" in written and "werklijst-2026-10-niet-toegewezen.xlsx" in written


def test_monthly_step_lists_the_vrijstellingen_duo_must_hold(data_dir: Path) -> None:
    assert write_vrijstellingen_for_duo.fn(str(data_dir), None, date(2026, 10, 1)) == {
        "vrijstellingen_for_duo": 1}
    listing = (data_dir / "reports" / "vrijstellingen-duo-2026-10-01.csv").read_bytes().decode("utf-8")
    assert listing.split("\r\n")[1].startswith(f"{BSNS[3]};LPW_5_A;01-09-2026;;")


def test_daily_steps_count_thuiszitters_and_renewals_due(data_dir: Path) -> None:
    # the case sync of 7 September started the entry (open since 1 May); each day continues it
    counts = update_thuiszitters.fn(str(data_dir), None, date(2026, 9, 8))
    assert counts == {"thuiszitters_started": 0, "thuiszitters_ended": 0, "thuiszitters_ongoing": 1,
                      "thuiszitters_over_3_months": 1}
    assert renewal_reminders.fn(str(data_dir), None, date(2027, 6, 1)) == {"renewals_due": 1}
    assert (data_dir / "reports" / "vrijstelling-verlengen-2027-06-01.xlsx").is_file()


def test_no_renewal_listed_once_the_young_person_is_18(data_dir: Path) -> None:
    """18 on 5 May 2027: in June the vrijstelling no longer matters (rules.vrijstellingen.verlenging_telt)."""
    from registers.models import Persoon
    from registers.vrijstellingen import add_vrijstelling

    with registers(Settings(data_dir=data_dir)) as session:
        add_vrijstelling(session, BSNS[4], "LPW_5_A", date(2026, 9, 1), verklaring_datum=date(2026, 8, 1))
        session.add(Persoon(persoonsnummer=BSNS[4], gemeentecode="0363", geboortedatum=date(2009, 5, 5),
                            bijgewerkt_op=SEPT))
        session.commit()
    assert renewal_reminders.fn(str(data_dir), None, date(2027, 6, 1)) == {"renewals_due": 1}


def test_daily_and_monthly_flows_under_prefect(prefect_harness: None, data_dir: Path) -> None:
    june = daily_flow(peildatum=date(2027, 6, 1), data_dir=str(data_dir))
    assert june["renewals_due"] == 1 and june["thuiszitters_over_3_months"] == 1
    assert "renewals_due" not in daily_flow(peildatum=date(2027, 7, 1), data_dir=str(data_dir))
    monthly = monthly_flow(peildatum=date(2026, 10, 1), data_dir=str(data_dir),
                           only_on_first_working_day=True)
    assert monthly["skipped"] == 0 and monthly["worklists"] == 1
