"""How old the staged deliveries are, from the real imports table after real imports."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from connectors.deliveries import stage_delivery
from connectors.freshness import newest_deliveries, not_arrived_since, stale_for
from connectors.staging import Staging
from tests.pipelines.test_weekly import _duo_c, _lo3


def test_stale_for_a_peildatum_and_not_arrived_for_weeks(tmp_path: Path) -> None:
    staging = tmp_path / "staging.duckdb"
    stage_delivery(staging, _lo3(tmp_path / "brp-G0363-20260907.lo3.csv", 3), "brp")
    with Staging(staging, read_only=True) as st:
        assert newest_deliveries(st.con) == {"BRP": date(2026, 9, 7), "DUO": None}
        [brp, duo] = stale_for(st.con, date(2026, 9, 15), 7)
        assert (brp.source, brp.days, duo.source, duo.newest) == ("BRP", 8, "DUO", None)
        assert [s.source for s in stale_for(st.con, date(2026, 9, 14), 7)] == ["DUO"]  # 7 days is fresh
    stage_delivery(staging, _duo_c(tmp_path / "duo-C-G0363-20260914.csv"), "duo_c")
    with Staging(staging, read_only=True) as st:
        assert stale_for(st.con, date(2026, 9, 14), 7) == []
        today = date.today()
        assert not_arrived_since(st.con, today, 2) == []  # both arrived today
        [brp, duo] = not_arrived_since(st.con, today + timedelta(weeks=3), 2)
        assert (brp.source, brp.days, duo.source) == ("BRP", 21, "DUO")
