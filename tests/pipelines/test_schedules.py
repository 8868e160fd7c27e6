"""Each flow's schedule: its cron string and time zone, overrides, and when the server fires it."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from inbeeld.settings import Settings, SettingsError
from pipelines.deployments import FLOWS, build_deployments
from pipelines.schedules import FlowSchedule, ScheduleError

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EXPECTED = {
    "weekly": "0 6 * * 1",
    "monthly": "0 7 1-7 * *",
    "daily": "0 2 * * *",
    "verzuim-sync": "15 7-18 * * 1-5",
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_declared_cron_and_timezone(name: str, tmp_path: Path) -> None:
    schedule = FLOWS[name].schedule(Settings(data_dir=tmp_path))
    assert (schedule.cron, schedule.timezone, schedule.active) == (EXPECTED[name], "Europe/Amsterdam", True)
    prefect_schedule = schedule.to_prefect()
    assert (prefect_schedule.cron, prefect_schedule.timezone) == (EXPECTED[name], "Europe/Amsterdam")


def _next_runs(schedule: FlowSchedule, start: datetime, n: int) -> list[datetime]:
    """The run times the Prefect server itself computes for this schedule."""
    from prefect.server.schemas.schedules import CronSchedule

    server_schedule = CronSchedule(cron=schedule.cron, timezone=schedule.timezone)
    return [d.astimezone(AMSTERDAM) for d in asyncio.run(server_schedule.get_dates(n=n, start=start))]


def test_weekly_fires_monday_0600_amsterdam_across_the_clock_change(tmp_path: Path) -> None:
    runs = _next_runs(FLOWS["weekly"].schedule(Settings(data_dir=tmp_path)),
                      datetime(2026, 10, 20, tzinfo=AMSTERDAM), 3)
    assert [r.strftime("%a %Y-%m-%d %H:%M") for r in runs] == [
        "Mon 2026-10-26 06:00", "Mon 2026-11-02 06:00", "Mon 2026-11-09 06:00"]
    assert [r.utcoffset().total_seconds() / 3600 for r in runs] == [1, 1, 1]  # type: ignore[union-attr]
    summer = _next_runs(FLOWS["weekly"].schedule(Settings(data_dir=tmp_path)),
                        datetime(2026, 6, 2, tzinfo=AMSTERDAM), 1)[0]
    assert (summer.hour, summer.utcoffset().total_seconds() / 3600) == (6, 2)  # type: ignore[union-attr]


def test_monthly_fires_on_the_first_seven_days_at_0700(tmp_path: Path) -> None:
    runs = _next_runs(FLOWS["monthly"].schedule(Settings(data_dir=tmp_path)),
                      datetime(2026, 11, 24, tzinfo=AMSTERDAM), 8)
    assert [r.day for r in runs] == [1, 2, 3, 4, 5, 6, 7, 1]
    assert {r.hour for r in runs} == {7}


def test_schedules_are_configurable_in_inbeeld_toml(tmp_path: Path) -> None:
    overrides = {"weekly": {"cron": "30 5 * * 1", "active": False}, "daily": {"timezone": "UTC"}}
    settings = Settings.from_table({"schedules": overrides}, data_dir=tmp_path)
    assert FLOWS["weekly"].schedule(settings) == FlowSchedule("30 5 * * 1", "Europe/Amsterdam", False)
    assert FLOWS["daily"].schedule(settings).timezone == "UTC"
    with pytest.raises(SettingsError, match=r"schedules\.daily\.at: onbekende sleutel"):
        Settings.from_table({"schedules": {"daily": {"at": "02:00"}}})
    with pytest.raises(SettingsError, match=r"schedules\.weekly\.active moet true of false zijn"):
        Settings.from_table({"schedules": {"weekly": {"active": "no"}}})


@pytest.mark.parametrize("cron,timezone", [("0 6 * *", "Europe/Amsterdam"), ("0 6 * * 1", "Europe/Amstrdam")])
def test_bad_schedules_are_refused(cron: str, timezone: str) -> None:
    with pytest.raises(ScheduleError):
        FlowSchedule(cron, timezone)


def test_an_invalid_cron_field_is_refused_by_prefect() -> None:
    with pytest.raises(ScheduleError, match="ongeldige cron"):
        FlowSchedule("0 25 * * 1").to_prefect()


def test_deployments_carry_schedule_and_only_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, db_url="postgresql+psycopg://inbeeld:secret@db/inbeeld",
                        gemeenten=("0363",))
    deployments = {d.name: d for d in build_deployments(settings)}
    assert set(deployments) == set(EXPECTED)
    for name, deployment in deployments.items():
        assert [s.schedule.cron for s in deployment.schedules] == [EXPECTED[name]]
        assert [s.schedule.timezone for s in deployment.schedules] == ["Europe/Amsterdam"]
        assert deployment.parameters["data_dir"] == str(tmp_path.resolve())
        assert "secret" not in repr(deployment.parameters)
        assert deployment.entrypoint == f"{FLOWS[name].module}.{FLOWS[name].function}"
    assert deployments["monthly"].parameters["only_on_first_working_day"] is True
    with pytest.raises(ValueError, match="unknown flow"):
        build_deployments(settings, ["hourly"])
