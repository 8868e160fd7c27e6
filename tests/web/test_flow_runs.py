"""Beheer's page of the last flow runs reads a real Prefect server's API."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # run first: the suite's long tail (tests/conftest.py)


def test_without_a_server_the_page_says_how_to_connect_it(clients, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    html = clients["beheer"].get("/beheer/runs").text
    assert "zet PREFECT_API_URL" in html


def test_the_last_runs_page_lists_a_finished_flow_run(prefect_harness, clients, monkeypatch):
    from prefect import flow

    @flow(name="inbeeld-webtest")
    def tiny() -> int:
        return 1

    tiny()
    monkeypatch.setenv("PREFECT_API_URL", prefect_harness)
    html = clients["beheer"].get("/beheer/runs").text
    assert "inbeeld-webtest" in html
    assert "voltooid" in html
