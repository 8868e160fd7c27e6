"""prefect.yaml (deployments per gemeente on a work pool) stays true to the code: every entrypoint
loads, every parameter fits the flow's signature, every schedule is the one declared by the flow."""

from __future__ import annotations

import inspect
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from inbeeld.settings import Settings
from pipelines.deployments import FLOWS

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
DEPLOYMENTS: list[dict[str, Any]] = CONFIG["deployments"]
BY_ENTRYPOINT = {spec.entrypoint: spec for spec in FLOWS.values()}


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=[d["name"] for d in DEPLOYMENTS])
def test_deployment_matches_its_flow(deployment: dict[str, Any], tmp_path: Path) -> None:
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.flows import load_flow_from_entrypoint

    spec = BY_ENTRYPOINT[deployment["entrypoint"]]
    path, _, function = deployment["entrypoint"].partition(":")
    flow = load_flow_from_entrypoint(f"{ROOT / path}:{function}")
    assert flow.name == spec.flow().name

    parameters = deployment["parameters"]
    signature = inspect.signature(flow.fn)
    assert set(parameters) <= set(signature.parameters), "a parameter the flow does not take"
    flow.validate_parameters(parameters)  # Prefect's own type check of the values
    assert parameters["data_dir"].endswith(parameters["gemeente"])
    assert parameters.items() >= spec.schedule_parameters().items()

    declared = spec.schedule(Settings(data_dir=tmp_path))
    [schedule] = deployment["schedules"]
    assert (schedule["cron"], schedule["timezone"]) == (declared.cron, declared.timezone)
    CronSchedule(**schedule)
    assert deployment["work_pool"]["name"] == "inbeeld"
    assert deployment["concurrency_limit"] == 1
    assert deployment["name"] == f"{spec.name}-{parameters['gemeente']}"
    env = deployment["work_pool"]["job_variables"]["env"]
    assert env["INBEELD_CONFIG"].startswith(parameters["data_dir"])


def test_every_gemeente_has_every_flow_once() -> None:
    flows_per_gemeente: dict[str, list[str]] = defaultdict(list)
    for deployment in DEPLOYMENTS:
        flows_per_gemeente[deployment["parameters"]["gemeente"]].append(deployment["entrypoint"])
    assert len(flows_per_gemeente) >= 2
    for entrypoints in flows_per_gemeente.values():
        assert sorted(entrypoints) == sorted(spec.entrypoint for spec in FLOWS.values())
    assert len({d["name"] for d in DEPLOYMENTS}) == len(DEPLOYMENTS)
