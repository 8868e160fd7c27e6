"""When each flow runs: a cron string and a time zone, declared next to the flow, overridable.

Each flow module declares its default `SCHEDULE`; a municipality changes it in `inbeeld.toml`
without code:

    [schedules.weekly]
    cron = "30 5 * * 1"
    timezone = "Europe/Amsterdam"
    active = true
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inbeeld.settings import Settings

if TYPE_CHECKING:
    from prefect.schedules import Schedule

TIMEZONE = "Europe/Amsterdam"


class ScheduleError(ValueError):
    """A configured schedule is wrong (cron string, time zone or unknown key)."""


@dataclass(frozen=True)
class FlowSchedule:
    """A cron schedule in a named time zone (so 06:00 stays 06:00 across daylight saving time)."""

    cron: str
    timezone: str = TIMEZONE
    active: bool = True

    def __post_init__(self) -> None:
        fields = self.cron.split()
        if len(fields) != 5:
            raise ScheduleError(f"cron {self.cron!r} moet 5 velden hebben (minuut uur dag maand weekdag)")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(f"onbekende tijdzone {self.timezone!r}") from None

    def configured(self, name: str, settings: Settings) -> FlowSchedule:
        """This schedule with the `[schedules.<name>]` overrides of the settings applied."""
        given = settings.schedules.get(name)
        if given is None:
            return self
        return replace(self, **{key: value for key, value in vars(given).items() if value is not None})

    def to_prefect(self) -> Schedule:
        """The Prefect schedule object (validates the cron string)."""
        from prefect.schedules import Cron

        try:
            return Cron(self.cron, timezone=self.timezone, active=self.active)
        except ValueError as exc:
            raise ScheduleError(f"ongeldige cron {self.cron!r}: {exc}") from None
