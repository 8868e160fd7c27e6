"""The last runs of the scheduled flows, read from the Prefect server's REST API (beheer).

Only when `PREFECT_API_URL` names the server (as with a shared server, docs/running.md); the local
server `inbeeld serve` starts picks a free port the screen cannot know. A server that does not
answer within two seconds is reported, not waited for."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import httpx
from starlette.responses import Response

from web.requests import Verzoek

TIMEOUT_SECONDS = 2.0
STATES = {"COMPLETED": "voltooid", "FAILED": "mislukt", "CRASHED": "afgebroken", "RUNNING": "bezig",
          "SCHEDULED": "gepland", "PENDING": "wacht", "CANCELLED": "geannuleerd",
          "CANCELLING": "wordt geannuleerd", "PAUSED": "gepauzeerd", "LATE": "te laat"}


def last_runs(api_url: str, limit: int = 25) -> list[dict[str, Any]]:
    """The newest flow runs with their flow's name, state and times."""
    with httpx.Client(base_url=api_url.rstrip("/") + "/", timeout=TIMEOUT_SECONDS) as client:
        runs = client.post("flow_runs/filter", json={"sort": "START_TIME_DESC", "limit": limit})
        runs.raise_for_status()
        rows = runs.json()
        flow_ids = sorted({row["flow_id"] for row in rows})
        names: dict[str, str] = {}
        if flow_ids:
            flows = client.post("flows/filter", json={"flows": {"id": {"any_": flow_ids}}})
            flows.raise_for_status()
            names = {flow["id"]: flow["name"] for flow in flows.json()}
    return [{
        "flow": names.get(row["flow_id"], ""), "naam": row["name"],
        "status": STATES.get(row.get("state_type") or "", (row.get("state_name") or "").lower()),
        "begin": _time(row.get("start_time") or row.get("expected_start_time")),
        "einde": _time(row.get("end_time")),
    } for row in rows]


def _time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone().replace(tzinfo=None)


def page(verzoek: Verzoek) -> Response:
    api_url = os.environ.get("PREFECT_API_URL", "")
    runs, fout = None, None
    if not api_url:
        fout = ("Het werkscherm weet niet waar de Prefect-server draait: zet PREFECT_API_URL voor "
                "inbeeld web (docs/running.md). Tot dan: inbeeld serve toont de runs in zijn log.")
    else:
        try:
            runs = last_runs(api_url)
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            fout = f"De Prefect-server op {api_url} antwoordt niet zoals verwacht ({type(exc).__name__})."
    return verzoek.render("runs.html.j2", titel="Laatste runs", runs=runs, fout=fout)
