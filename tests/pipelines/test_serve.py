"""`inbeeld serve` end to end: a real local Prefect server, a served deployment on a schedule, a
completed scheduled flow run, and everything stopped afterwards."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

SERVE = """
import datetime, sys
from pathlib import Path
from prefect.deployments.runner import EntrypointType
from pipelines.serve import serve_deployments
from inbeeld.settings import Settings
from tiny_flow import tiny

data_dir, port, marker = sys.argv[1], int(sys.argv[2]), sys.argv[3]
deployment = tiny.to_deployment(name="every-few-seconds", interval=datetime.timedelta(seconds=3),
                                parameters={"marker": marker}, entrypoint_type=EntrypointType.MODULE_PATH)
serve_deployments(Settings(data_dir=Path(data_dir)), [deployment], server_port=port,
                  server_env={"PREFECT_UI_ENABLED": "false"})
"""


def _completed_runs(api_url: str) -> list[dict]:
    body = json.dumps({"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}}).encode()
    request = urllib.request.Request(f"{api_url}/flow_runs/filter", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper that never comes, in a container, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_a_sqlalchemy_that_breaks_the_scheduler_is_refused() -> None:
    from pipelines.local_server import scheduler_problem

    assert scheduler_problem("2.0.58") is None
    assert "planner" in (scheduler_problem("2.1.9") or "")


def test_the_locked_set_has_a_sqlalchemy_the_scheduler_works_with() -> None:
    from pipelines.local_server import scheduler_problem

    locked = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
                  if "==" in line and not line.startswith("#"))
    assert scheduler_problem(locked["SQLAlchemy"]) is None


@pytest.mark.slow
def test_serve_starts_a_server_fires_a_scheduled_run_and_stops_everything(tmp_path: Path) -> None:
    from pipelines.local_server import free_port

    port, marker = free_port(), tmp_path / "marker.txt"
    python_path = [str(ROOT), str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(python_path),
           "PREFECT_RUNNER_POLL_FREQUENCY": "1", "PREFECT_HOME": str(tmp_path / "client-home"),
           # One flow-run process at a time: by default the runner starts up to five, each importing
           # Prefect, while the first is still starting on a loaded machine (~12 CPU s of the test).
           "PREFECT_RUNNER_PROCESS_LIMIT": "1"}
    env.pop("PREFECT_API_URL", None)
    serve = subprocess.Popen([sys.executable, "-c", SERVE, str(tmp_path / "data"), str(port), str(marker)],
                             cwd=tmp_path, env=env, stdout=open(tmp_path / "serve.out", "wb"),  # noqa: SIM115
                             stderr=open(tmp_path / "serve.log", "wb"))  # noqa: SIM115
    pid_file = tmp_path / "data" / "prefect" / "server.pid"
    server_pid = None
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 90
        runs: list[dict] = []
        while time.monotonic() < deadline and not runs:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            if server_pid is None and pid_file.exists():
                server_pid = int(pid_file.read_text())
            with contextlib.suppress(OSError):  # not up yet
                runs = [r for r in _completed_runs(api_url) if r["deployment_id"]]
            time.sleep(1)
        assert runs, f"no completed scheduled run within 90 s; {(tmp_path / 'serve.log').read_text()[-3000:]}"
        assert runs[0]["auto_scheduled"] is True
        assert marker.read_text().startswith("ran")
        assert (tmp_path / "data" / "prefect" / "prefect.db").exists()  # SQLite in the data directory
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(60)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait(10)
            pytest.fail(f"serve did not stop on SIGTERM: {(tmp_path / 'serve.log').read_text()[-3000:]}")
    assert server_pid is not None
    for _ in range(50):
        if not _alive(server_pid):
            break
        time.sleep(0.2)
    else:
        os.killpg(server_pid, signal.SIGKILL)
        log_tail = (tmp_path / "serve.log").read_text()[-3000:]
        pytest.fail(f"the local Prefect server outlived `serve`: {log_tail}")
    assert not pid_file.exists()
    said = (tmp_path / "serve.out").read_text()  # what a person watching serve is told
    assert said.index("De lokale Prefect-server start") < said.index(f"Prefect UI: http://127.0.0.1:{port}")
    assert "every-few-seconds" in said and "volgende run" in said and "(elke 0:00:03)" in said
    assert "Gestopt met every-few-seconds" in said
    assert said.rstrip().endswith("De lokale Prefect-server is gestopt.")
