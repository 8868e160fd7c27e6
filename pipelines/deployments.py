"""The flows InBeeld schedules, and their deployments for `inbeeld serve`.

Each flow module declares its flow and `SCHEDULE` side by side (and, where the schedule needs it,
`SCHEDULE_PARAMETERS`); this table only names them. `prefect.yaml` holds the same flows as
deployments per gemeente on a work pool, for running a region on several workers.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from inbeeld.settings import Settings
from pipelines.schedules import FlowSchedule

if TYPE_CHECKING:
    from prefect import Flow
    from prefect.deployments.runner import RunnerDeployment


@dataclass(frozen=True)
class ScheduledFlow:
    """A flow, where it lives, and its schedule as configured for these settings."""

    name: str
    module: str
    function: str

    @property
    def entrypoint(self) -> str:
        """The `prefect.yaml` entrypoint (file path form)."""
        return f"{self.module.replace('.', '/')}.py:{self.function}"

    def flow(self) -> Flow[..., Any]:
        return getattr(importlib.import_module(self.module), self.function)

    def schedule(self, settings: Settings) -> FlowSchedule:
        declared: FlowSchedule = importlib.import_module(self.module).SCHEDULE
        return declared.configured(self.name, settings)

    def schedule_parameters(self) -> dict[str, Any]:
        return dict(getattr(importlib.import_module(self.module), "SCHEDULE_PARAMETERS", {}))


FLOWS: dict[str, ScheduledFlow] = {
    spec.name: spec
    for spec in (
        ScheduledFlow("weekly", "pipelines.weekly", "weekly_flow"),
        ScheduledFlow("monthly", "pipelines.monthly", "monthly_flow"),
        ScheduledFlow("daily", "pipelines.daily", "daily_flow"),
        ScheduledFlow("verzuim-sync", "pipelines.verzuim_sync", "verzuim_sync_flow"),
    )
}


def build_deployments(settings: Settings, names: list[str] | None = None) -> list[RunnerDeployment]:
    """One deployment per flow for this data directory, with its cron schedule and time zone.

    Parameters carry only the data directory (never data, never the register URL: that comes
    from the serving process's environment, password included).
    """
    from prefect.deployments.runner import EntrypointType

    unknown = set(names or []) - set(FLOWS)
    if unknown:
        raise ValueError(f"unknown flow(s) {', '.join(sorted(unknown))}; known: {', '.join(FLOWS)}")
    deployments = []
    for name in names or list(FLOWS):
        spec = FLOWS[name]
        schedule = spec.schedule(settings)
        deployments.append(spec.flow().to_deployment(
            name=name,
            schedules=[schedule.to_prefect()],
            parameters={"data_dir": str(settings.data_dir.resolve()), **spec.schedule_parameters()},
            tags=["inbeeld", *settings.gemeenten],
            entrypoint_type=EntrypointType.MODULE_PATH,
        ))
    return deployments
